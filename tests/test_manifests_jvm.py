"""Tests for the Maven and Gradle manifest parsers (analyzer.manifests.jvm)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from manifest_helpers import FakeContext

from analyzer.errors import ManifestError
from analyzer.manifests import Parser, parse_manifest
from analyzer.manifests.jvm import parse_gradle, parse_pom
from analyzer.model import Scope, Severity

SAMPLES = Path(__file__).parent / "manifest_samples" / "jvm"


Row = tuple[str, str, Scope, bool, int]


def _rows(parser: Parser, sample: str) -> list[Row]:
    result = parser(f"svc/{sample}", (SAMPLES / sample).read_text(), FakeContext())
    assert {d.ecosystem for d in result.dependencies} <= {"maven"}
    assert {d.path for d in result.dependencies} <= {f"svc/{sample}"}
    return [(d.name, d.version, d.scope, d.direct, d.line) for d in result.dependencies]


@pytest.mark.parametrize(
    ("parser", "sample", "expected"),
    [
        pytest.param(
            parse_pom,
            "pom.xml",
            [
                ("io.grpc:grpc-bom", "1.59.0", Scope.RUNTIME, True, 29),
                ("org.springframework.boot:spring-boot-starter-web", "", Scope.RUNTIME, True, 41),
                ("io.grpc:grpc-netty", "1.59.0", Scope.RUNTIME, True, 45),
                ("org.projectlombok:lombok", "", Scope.BUILD, True, 56),
                ("org.junit.jupiter:junit-jupiter", "", Scope.TEST, True, 61),
                ("org.springframework.boot:spring-boot-maven-plugin", "", Scope.BUILD, True, 70),
                ("org.apache.maven.plugins:maven-surefire-plugin", "1.4.0", Scope.BUILD, True, 73),
                ("org.junit.platform:junit-platform-surefire-provider", "1.3.2", Scope.BUILD, True, 78),
            ],
            id="pom-namespaced-managed-plugins-properties",
        ),
        pytest.param(
            parse_pom,
            "pom-no-namespace.xml",
            [
                ("a:same", "1", Scope.RUNTIME, True, 4),
                ("b:same", "${missing.prop}", Scope.RUNTIME, True, 5),
                ("org.graalvm.sdk:graal-sdk", "23.1.0", Scope.RUNTIME, True, 13),
            ],
            id="pom-no-namespace-repeated-artifact-profile",
        ),
        pytest.param(
            parse_gradle,
            "build.gradle",
            [
                ("plugin:java", "", Scope.BUILD, True, 2),
                ("plugin:org.springframework.boot", "3.2.0", Scope.BUILD, True, 3),
                ("plugin:io.spring.dependency-management", "1.1.4", Scope.BUILD, True, 4),
                ("plugin:jacoco", "", Scope.BUILD, True, 7),
                ("org.springframework.boot:spring-boot-starter-webflux", "", Scope.RUNTIME, True, 13),
                ("io.grpc:grpc-netty-shaded", "1.59.0", Scope.RUNTIME, True, 14),
                ("com.google.guava:guava", "32.1.3-jre", Scope.RUNTIME, True, 15),
                ("org.projectlombok:lombok", "1.18.30", Scope.BUILD, True, 16),
                ("org.projectlombok:lombok", "1.18.30", Scope.BUILD, True, 17),
                ("org.postgresql:postgresql", "42.7.0", Scope.RUNTIME, True, 18),
                ("org.springframework.cloud:spring-cloud-dependencies", "2023.0.0", Scope.RUNTIME, True, 20),
                ("catalog:libs.jackson.databind", "", Scope.RUNTIME, True, 21),
                ("org.junit.jupiter:junit-jupiter", "5.10.1", Scope.TEST, True, 22),
                ("androidx.test:runner", "1.5.2", Scope.TEST, True, 23),
                ("com.google.dagger:dagger-compiler", "2.48", Scope.BUILD, True, 24),
            ],
            id="gradle-groovy",
        ),
        pytest.param(
            parse_gradle,
            "build.gradle.kts",
            [
                ("plugin:org.jetbrains.kotlin.jvm", "1.9.21", Scope.BUILD, True, 4),
                ("plugin:org.jetbrains.kotlin.plugin.spring", "1.9.21", Scope.BUILD, True, 5),
                ("catalog:libs.plugins.ktor", "", Scope.BUILD, True, 6),
                ("io.ktor:ktor-server-netty", "$ktorVersion", Scope.RUNTIME, True, 13),
                ("org.jetbrains.kotlin:kotlin-stdlib", "", Scope.RUNTIME, True, 14),
                ("catalog:libs.kotlinx.coroutines.core", "", Scope.RUNTIME, True, 15),
                ("org.jetbrains.kotlin:kotlin-test", "", Scope.TEST, True, 16),
                ("com.squareup.leakcanary:leakcanary-android", "2.12", Scope.DEV, True, 17),
                ("io.insert-koin:koin-ksp-compiler", "1.3.0", Scope.BUILD, True, 18),
            ],
            id="gradle-kotlin-dsl",
        ),
    ],
)
def test_dependencies(parser: Parser, sample: str, expected: list[Row]) -> None:
    assert _rows(parser, sample) == expected


def test_pom_modules_are_workspace_members() -> None:
    result = parse_pom("pom.xml", (SAMPLES / "pom.xml").read_text(), FakeContext())
    assert result.workspace_members == ("orders-api", "orders-core")


_BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE project [
  <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
  <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
  <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
  <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
  <!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
  <!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">
  <!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;">
]>
<project><artifactId>&g;</artifactId></project>
"""
_EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE project [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<project><artifactId>&secret;</artifactId></project>
"""


@pytest.mark.parametrize(
    ("parser", "text", "message"),
    [
        pytest.param(parse_pom, _BILLION_LAUGHS, "unsafe XML", id="pom-billion-laughs"),
        pytest.param(parse_pom, _EXTERNAL_ENTITY, "unsafe XML", id="pom-external-entity"),
        pytest.param(parse_pom, "<project>\n  <dependencies>\n", "malformed XML at line 3", id="pom-truncated"),
        pytest.param(parse_pom, "<settings><servers/></settings>", "not <project>", id="pom-wrong-root"),
        pytest.param(
            parse_gradle,
            "dependencies {\n  implementation 'a:b:1'\n}\n}\n",
            "unbalanced '}' at line 4",
            id="gradle-extra-brace",
        ),
        pytest.param(
            parse_gradle,
            "android {\n  defaultConfig {\n}\n",
            "opened at line 1 is never closed",
            id="gradle-unclosed-brace",
        ),
        pytest.param(
            parse_gradle,
            "/* never\nclosed\n",
            "unterminated /\\* comment opened at line 1",
            id="gradle-unterminated-comment",
        ),
    ],
)
def test_malformed_input_raises(parser: Parser, text: str, message: str) -> None:
    started = time.monotonic()
    with pytest.raises(ManifestError, match=message):
        parser("pom.xml", text, FakeContext())
    assert time.monotonic() - started < 2.0


def test_registry_turns_entity_bomb_into_diagnostic() -> None:
    result = parse_manifest("api/pom.xml", _BILLION_LAUGHS, FakeContext())
    assert result.dependencies == ()
    (diagnostic,) = result.diagnostics
    assert diagnostic.path == "api/pom.xml"
    assert diagnostic.severity is Severity.ERROR
    assert "unsafe XML" in diagnostic.message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("implementation 'http://example.com/not:a:dep' // x\n", [], id="url-is-not-coordinates"),
        pytest.param("implementation 'a:b:1' // 'c:d:2'\n", [("a:b", "1")], id="trailing-comment"),
        pytest.param('implementation "org.a:b:1.0:sources@jar"\n', [("org.a:b", "1.0")], id="classifier-and-ext"),
        pytest.param(
            'implementation(group = "g", name = "n", version = "2")\n', [("g:n", "2")], id="kts-named-arguments"
        ),
        pytest.param("def s = \"${x}\" // }\nimplementation 'a:b:3'\n", [("a:b", "3")], id="braces-in-strings"),
        pytest.param(
            "plugins { id 'application' }\nimplementation 'c:d:4'\n",
            [("plugin:application", ""), ("c:d", "4")],
            id="one-line-plugins-block",
        ),
    ],
)
def test_gradle_edge_cases(text: str, expected: list[tuple[str, str]]) -> None:
    result = parse_gradle("build.gradle", text, FakeContext())
    assert [(d.name, d.version) for d in result.dependencies] == expected
