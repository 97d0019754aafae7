"""Tests for the game-engine project readers (analyzer.manifests.game_engines): Unity, Godot and Unreal."""

from __future__ import annotations

from pathlib import Path

import pytest
from manifest_helpers import FakeContext

from analyzer.manifests import Parser, parse_manifest, parser_for
from analyzer.manifests import game_engines as game
from analyzer.model import Scope, Severity

SAMPLES = Path(__file__).parent / "manifest_samples" / "game"
R, D, T = Scope.RUNTIME, Scope.DEV, Scope.TEST

Row = tuple[str, str, str, Scope, bool, int]


def _rows(parser: Parser, sample: str) -> list[Row]:
    result = parser(f"game/{sample}", (SAMPLES / sample).read_text(), FakeContext())
    assert {d.path for d in result.dependencies} <= {f"game/{sample}"}
    return [(d.ecosystem, d.name, d.version, d.scope, d.direct, d.line) for d in result.dependencies]


@pytest.mark.parametrize(
    ("parser", "sample", "expected"),
    [
        pytest.param(
            game.parse_unity_version,
            "ProjectVersion.txt",
            [("unity", "editor", "2022.3.10f1", R, True, 1)],
            id="unity-version",
        ),
        pytest.param(
            game.parse_unity_version,
            "edge-ProjectVersion.txt",
            [("unity", "editor", "6000.0.23f1", R, True, 2)],
            id="unity-version-with-revision-first-and-padding",
        ),
        pytest.param(
            game.parse_unity_manifest,
            "manifest.json",
            [
                ("unity", "com.unity.collab-proxy", "2.0.5", D, True, 3),
                ("unity", "com.unity.ide.rider", "3.0.24", D, True, 4),
                ("unity", "com.unity.render-pipelines.universal", "14.0.8", R, True, 5),
                ("unity", "com.unity.test-framework", "1.1.33", T, True, 6),
                ("unity", "com.unity.textmeshpro", "3.0.6", R, True, 7),
                ("unity", "com.unity.modules.physics", "1.0.0", R, True, 8),
            ],
            id="unity-packages-scopes",
        ),
        pytest.param(
            game.parse_unity_manifest,
            "edge-manifest.json",
            [
                ("unity", "com.cysharp.unitask", "2.5.0", T, True, 10),
                ("unity", "com.acme.tools", "file:../LocalPackages/com.acme.tools", R, True, 11),
                ("unity", "com.unity.burst", "1.8.9", R, True, 12),
            ],
            id="unity-scoped-registry-local-testables",
        ),
        pytest.param(
            game.parse_godot_project,
            "project.godot",
            [
                ("godot", "engine", "4.2", R, True, 11),
                ("godot", "autoload:GameState", "", R, True, 16),
                ("godot", "autoload:Audio", "", R, True, 17),
                ("godot", "plugin:gut", "", D, True, 21),
                ("godot", "plugin:dialogic", "", D, True, 21),
            ],
            id="godot-4-features-autoload-plugins-multiline-input",
        ),
        pytest.param(
            game.parse_godot_project,
            "edge-project.godot",
            [("godot", "engine", "3", R, True, 2)],
            id="godot-3-config-version-multiline-string",
        ),
        pytest.param(
            game.parse_unreal,
            "Shooter.uproject",
            [
                ("unreal", "engine", "5.3", R, True, 3),
                ("unreal", "module:Shooter", "", R, True, 8),
                ("unreal", "module:ShooterEditor", "", D, True, 13),
                ("unreal", "plugin:EnhancedInput", "", R, True, 20),
                ("unreal", "plugin:Niagara", "", R, True, 28),
            ],
            id="uproject-disabled-plugin-skipped",
        ),
        pytest.param(
            game.parse_unreal,
            "edge-Weather.uplugin",
            [("unreal", "module:Weather", "", R, True, 9)],
            id="uplugin-names-no-engine",
        ),
    ],
)
def test_dependencies(parser: Parser, sample: str, expected: list[Row]) -> None:
    assert _rows(parser, sample) == expected


@pytest.mark.parametrize(
    ("sample", "path", "message"),
    [
        pytest.param(
            "bad-ProjectVersion.txt",
            "ProjectSettings/ProjectVersion.txt",
            "no 'm_EditorVersion:' line",
            id="unity-version-empty",
        ),
        pytest.param(
            "bad-manifest.json",
            "Packages/manifest.json",
            "'com.unity.burst' has a version that is not a string",
            id="unity-manifest-number-version",
        ),
        pytest.param(
            "bad-project.godot",
            "project.godot",
            "line 4: the value of 'config/features' is never closed",
            id="godot-unclosed-value",
        ),
        pytest.param(
            "bad-Broken.uproject",
            "Broken.uproject",
            "'Modules' is not a list of objects with a \"Name\"",
            id="uproject-module-without-name",
        ),
    ],
)
def test_malformed_becomes_diagnostic(sample: str, path: str, message: str) -> None:
    result = parse_manifest(path, (SAMPLES / sample).read_text(), FakeContext())
    assert result.dependencies == ()
    assert [(d.path, d.severity) for d in result.diagnostics] == [(path, Severity.ERROR)]
    assert message in result.diagnostics[0].message


@pytest.mark.parametrize(
    ("parser", "path", "text", "message"),
    [
        pytest.param(
            game.parse_godot_project, "project.godot", "[application]\nthis is prose\n", "line 2:", id="godot-prose"
        ),
        pytest.param(
            game.parse_unity_manifest,
            "Packages/manifest.json",
            '{"dependencies": []}',
            "not an object",
            id="unity-dependencies-list",
        ),
        pytest.param(
            game.parse_unreal,
            "A.uproject",
            '{"EngineAssociation": 5.3}',
            "not a string",
            id="uproject-numeric-association",
        ),
        pytest.param(game.parse_unreal, "A.uproject", "[" * 100_000, "nested too deeply", id="uproject-deep-nesting"),
    ],
)
def test_more_malformed(parser: Parser, path: str, text: str, message: str) -> None:
    from analyzer.errors import ManifestError

    with pytest.raises(ManifestError, match=message):
        parser(path, text, FakeContext())


def test_godot_engine_without_version_still_named() -> None:
    result = game.parse_godot_project("project.godot", '[application]\nconfig/name="x"\n', FakeContext())
    assert [(d.name, d.version, d.line) for d in result.dependencies] == [("engine", "", 1)]


@pytest.mark.parametrize(
    ("path", "parser"),
    [
        pytest.param("ProjectSettings/ProjectVersion.txt", "parse_unity_version", id="unity-version-root"),
        pytest.param("game/ProjectSettings/ProjectVersion.txt", "parse_unity_version", id="unity-version-nested"),
        pytest.param("game/Packages/manifest.json", "parse_unity_manifest", id="unity-manifest"),
        pytest.param("project.godot", "parse_godot_project", id="godot"),
        pytest.param("Shooter.uproject", "parse_unreal", id="uproject"),
        pytest.param("Plugins/W/W.uplugin", "parse_unreal", id="uplugin"),
    ],
)
def test_registry_routes_to_parser(path: str, parser: str) -> None:
    found = parser_for(path)
    assert found is not None
    assert found.__name__ == parser


def test_other_manifest_json_is_not_unity() -> None:
    assert parser_for("web/manifest.json") is None
