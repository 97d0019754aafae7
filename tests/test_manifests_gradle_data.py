"""Tests of the Gradle version catalog and lockfile parsers (analyzer.manifests.gradle_data)."""

from __future__ import annotations

from pathlib import Path

import pytest
from manifest_helpers import FakeContext

from analyzer.errors import ManifestError
from analyzer.manifests import Parser, parse_manifest, parser_for
from analyzer.manifests.gradle_data import parse_gradle_lockfile, parse_version_catalog
from analyzer.model import Scope

SAMPLES = Path(__file__).parent / "manifest_samples" / "gradle"
RT, TEST, BUILD = Scope.RUNTIME, Scope.TEST, Scope.BUILD
Row = tuple[str, str, Scope, bool, int]


def _rows(parser: Parser, sample: str) -> tuple[list[Row], list[str]]:
    path = f"app/{sample}"
    result = parser(path, (SAMPLES / sample).read_text(encoding="utf-8"), FakeContext())
    assert {(d.ecosystem, d.path) for d in result.dependencies} <= {("maven", path)}
    rows = [(d.name, d.version, d.scope, d.direct, d.line) for d in result.dependencies]
    return rows, [d.message for d in result.diagnostics]


@pytest.mark.parametrize(
    ("parser", "sample", "expected", "messages"),
    [
        pytest.param(
            parse_version_catalog,
            "libs.versions.toml",
            [
                ("io.ktor:ktor-server-core", "2.3.7", RT, True, 7),
                ("io.ktor:ktor-server-netty", "2.3.7", RT, True, 8),
                ("org.jetbrains.kotlinx:kotlinx-coroutines-core", "1.7.3", RT, True, 9),
                ("ch.qos.logback:logback-classic", "1.4.14", RT, True, 10),
                ("org.junit:junit-bom", "5.10.1", RT, True, 11),
                ("plugin:org.jetbrains.kotlin.jvm", "1.9.22", BUILD, True, 17),
                ("plugin:com.github.johnrengelman.shadow", "8.1.1", BUILD, True, 18),
            ],
            [],
            id="catalog-module-group-name-refs-strings-plugins",
        ),
        pytest.param(
            parse_version_catalog,
            "edge-libs.versions.toml",
            [
                ("io.grpc:grpc-netty-shaded", "1.60.0", RT, True, 6),
                ("com.google.guava:guava", "33.0.0-jre", RT, True, 7),
                ("com.squareup.okhttp3:okhttp", "", RT, True, 9),
                ("org.slf4j:slf4j-api", "", RT, True, 10),
                ("plugin:com.google.protobuf", "0.9.4", BUILD, True, 13),
            ],
            ["[libraries] okhttp: version.ref 'okhttp' is not defined in [versions]"],
            id="catalog-quoted-dotted-rich-undefined-ref",
        ),
        pytest.param(
            parse_gradle_lockfile,
            "gradle.lockfile",
            [
                ("io.ktor:ktor-server-core-jvm", "2.3.7", RT, False, 4),
                ("io.netty:netty-codec-http", "4.1.100.Final", RT, False, 5),
                ("org.junit.jupiter:junit-jupiter-api", "5.10.1", TEST, False, 6),
            ],
            [],
            id="lockfile-test-only-classpaths",
        ),
        pytest.param(
            parse_gradle_lockfile,
            "buildscript-gradle.lockfile",
            [
                ("com.google.protobuf:protobuf-gradle-plugin", "0.9.4", BUILD, False, 2),
            ],
            [],
            id="buildscript-lockfile-blank-and-empty-lines",
        ),
    ],
)
def test_dependencies(parser: Parser, sample: str, expected: list[Row], messages: list[str]) -> None:
    assert _rows(parser, sample) == (expected, messages)


@pytest.mark.parametrize(
    ("parser", "text", "message"),
    [
        pytest.param(
            parse_version_catalog,
            (SAMPLES / "bad-libs.versions.toml").read_text(encoding="utf-8"),
            "ktor-server-core needs module",
            id="catalog-sample-no-coordinates",
        ),
        pytest.param(
            parse_gradle_lockfile,
            (SAMPLES / "bad-gradle.lockfile").read_text(encoding="utf-8"),
            "line 2: expected group:artifact:version",
            id="lockfile-sample-no-version",
        ),
        pytest.param(parse_version_catalog, "[libraries\n", "invalid TOML", id="catalog-bad-toml"),
        pytest.param(
            parse_version_catalog,
            'libraries = "x"\n',
            r"\[libraries\] must be a table",
            id="catalog-libraries-not-table",
        ),
        pytest.param(
            parse_version_catalog, '[libraries]\na = "nogroup"\n', "is not group:artifact", id="catalog-short-string"
        ),
        pytest.param(
            parse_version_catalog, '[plugins]\na = { version = "1" }\n', "needs an id", id="catalog-plugin-without-id"
        ),
    ],
)
def test_malformed_raises(parser: Parser, text: str, message: str) -> None:
    with pytest.raises(ManifestError, match=message):
        parser("gradle/libs.versions.toml", text, FakeContext())


@pytest.mark.parametrize(
    "path",
    [
        pytest.param("gradle/libs.versions.toml", id="catalog"),
        pytest.param("sub/gradle/libs.versions.toml", id="nested-catalog"),
        pytest.param("app/gradle.lockfile", id="lockfile"),
        pytest.param("buildscript-gradle.lockfile", id="buildscript-lockfile"),
    ],
)
def test_registry_dispatch(path: str) -> None:
    parser = parser_for(path)
    assert parser is not None
    assert parser.__module__ == "analyzer.manifests.gradle_data"


def test_catalog_outside_gradle_dir_is_not_a_manifest() -> None:
    assert parser_for("docs/libs.versions.toml") is None


def test_registry_turns_errors_into_diagnostics() -> None:
    result = parse_manifest("gradle.lockfile", "garbage\n", FakeContext())
    assert "could not parse gradle.lockfile: line 1" in result.diagnostics[0].message
