"""Tests of the sbt build file reader (analyzer.manifests.scala)."""

from __future__ import annotations

from pathlib import Path

import pytest
from manifest_helpers import FakeContext

from analyzer.errors import ManifestError
from analyzer.manifests import parse_manifest, parser_for
from analyzer.manifests.scala import parse_sbt
from analyzer.model import Scope

SAMPLES = Path(__file__).parent / "manifest_samples" / "scala"
RT, TEST, BUILD = Scope.RUNTIME, Scope.TEST, Scope.BUILD
Row = tuple[str, str, Scope, bool, int]


def _rows(path: str, sample: str) -> list[Row]:
    result = parse_sbt(path, (SAMPLES / sample).read_text(encoding="utf-8"), FakeContext())
    assert {(d.ecosystem, d.path) for d in result.dependencies} <= {("maven", path)}
    return [(d.name, d.version, d.scope, d.direct, d.line) for d in result.dependencies]


@pytest.mark.parametrize(
    ("path", "sample", "expected"),
    [
        pytest.param(
            "build.sbt",
            "build.sbt",
            [
                ("com.typesafe.akka:akka-actor-typed", "2.8.5", RT, True, 11),
                ("com.typesafe.akka:akka-http", "10.5.3", RT, True, 12),
                ("ch.qos.logback:logback-classic", "1.4.14", RT, True, 14),
                ("com.typesafe.akka:akka-actor-testkit-typed", "2.8.5", TEST, True, 15),
                ("org.scalatest:scalatest", "3.2.17", TEST, True, 16),
                ("javax.servlet:javax.servlet-api", "4.0.1", BUILD, True, 18),
                ("org.typelevel:kind-projector", "0.13.2", BUILD, True, 21),
            ],
            id="build-sbt-seq-vals-configs-compiler-plugin",
        ),
        pytest.param(
            "build.sbt",
            "edge-build.sbt",
            [
                ("org.typelevel:cats-effect", "3.5.2", RT, True, 5),
                ("org.http4s:http4s-ember-server", "http4sVersion", RT, True, 11),
                ("dev.zio:zio", "2.0.21", TEST, True, 12),
                ("com.softwaremill.sttp.client3:core", "3.9.1", RT, True, 13),
            ],
            id="build-sbt-nested-comment-scalajs-unresolved-version-url-string",
        ),
        pytest.param(
            "project/plugins.sbt",
            "plugins.sbt",
            [
                ("com.github.sbt:sbt-native-packager", "1.9.16", BUILD, True, 1),
                ("org.scalameta:sbt-scalafmt", "2.5.2", BUILD, True, 2),
                ("com.thesamet.scalapb:compilerplugin", "0.11.13", BUILD, True, 3),
            ],
            id="plugins-sbt-everything-build",
        ),
    ],
)
def test_dependencies(path: str, sample: str, expected: list[Row]) -> None:
    assert _rows(path, sample) == expected


def test_subprojects_are_workspace_members() -> None:
    text = (SAMPLES / "edge-build.sbt").read_text(encoding="utf-8")
    assert parse_sbt("build.sbt", text, FakeContext()).workspace_members == ("modules/core", "modules/server")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param(
            (SAMPLES / "bad-build.sbt").read_text(encoding="utf-8"),
            "line 2: '\\(' is never closed",
            id="sample-unclosed-settings",
        ),
        pytest.param('val x = "a" % "b" % "1"\n/* open\n', "line 2: unterminated /\\*", id="unterminated-comment"),
        pytest.param('val x = "a % "b" % "1"\n', "unterminated string", id="unterminated-string"),
        pytest.param("lazy val a = Seq(1, 2]\n", "line 1: unbalanced '\\]'", id="mismatched-bracket"),
    ],
)
def test_malformed_raises(text: str, message: str) -> None:
    with pytest.raises(ManifestError, match=message):
        parse_sbt("build.sbt", text, FakeContext())


@pytest.mark.parametrize(
    "path",
    [pytest.param("build.sbt", id="build-sbt"), pytest.param("project/plugins.sbt", id="plugins-sbt")],
)
def test_registry_dispatch(path: str) -> None:
    parser = parser_for(path)
    assert parser is not None
    assert parser.__module__ == "analyzer.manifests.scala"


def test_registry_turns_errors_into_diagnostics() -> None:
    result = parse_manifest("build.sbt", "libraryDependencies ++= Seq(\n", FakeContext())
    assert "could not parse build.sbt: line 1" in result.diagnostics[0].message


def test_plugin_call_inside_a_string_changes_no_scope() -> None:
    text = 'val s = "addSbtPlugin("\nlibraryDependencies += "a" % "b" % "1"\n'
    assert [(d.name, d.scope, d.line) for d in parse_sbt("build.sbt", text, FakeContext()).dependencies] == [
        ("a:b", RT, 2)
    ]
