"""Tests of the pubspec.yaml and pubspec.lock parsers (analyzer.manifests.dart)."""

from __future__ import annotations

from pathlib import Path

import pytest
from manifest_helpers import FakeContext

from analyzer.errors import ManifestError
from analyzer.manifests import Parser, parse_manifest
from analyzer.manifests.dart import parse_pubspec, parse_pubspec_lock
from analyzer.model import Scope

SAMPLES = Path(__file__).parent / "manifest_samples" / "dart"
RT, DEV = Scope.RUNTIME, Scope.DEV
Row = tuple[str, str, Scope, bool, int]


def _rows(parser: Parser, sample: str) -> list[Row]:
    result = parser(f"app/{sample}", (SAMPLES / sample).read_text(encoding="utf-8"), FakeContext())
    assert {(d.ecosystem, d.path) for d in result.dependencies} <= {("pub", f"app/{sample}")}
    return [(d.name, d.version, d.scope, d.direct, d.line) for d in result.dependencies]


@pytest.mark.parametrize(
    ("parser", "sample", "expected"),
    [
        pytest.param(
            parse_pubspec,
            "pubspec.yaml",
            [
                ("flutter", "sdk:flutter", RT, True, 11),
                ("http", "^1.1.0", RT, True, 13),
                ("flame", "^1.12.0", RT, True, 14),
                ("provider", "", RT, True, 15),
                ("shared_models", "path:../shared_models", RT, True, 16),
                ("flutter_test", "sdk:flutter", DEV, True, 20),
                ("flutter_lints", "^3.0.0", DEV, True, 22),
                ("mocktail", "1.0.1", DEV, True, 23),
            ],
            id="pubspec-flutter-sdk-path-null-dev",
        ),
        pytest.param(
            parse_pubspec,
            "edge-pubspec.yaml",
            [
                ("shelf", "^1.4.0", RT, True, 10),
                ("dart_frog", "git:https://github.com/VeryGoodOpenSource/dart_frog.git", RT, True, 11),
                ("private_pkg", "^2.0.0", RT, True, 15),
                ("meta", "1.11.0", RT, False, 22),
            ],
            id="pubspec-flow-git-hosted-empty-section-overrides",
        ),
        pytest.param(
            parse_pubspec_lock,
            "pubspec.lock",
            [
                ("async", "2.11.0", RT, False, 4),
                ("flutter", "0.0.0", RT, True, 12),
                ("flutter_lints", "3.0.1", DEV, True, 17),
                ("http", "1.1.2", RT, True, 24),
            ],
            id="lock-direct-main-dev-transitive-sdk",
        ),
        pytest.param(
            parse_pubspec_lock,
            "edge-pubspec.lock",
            [
                ("meta", "1.11.0", RT, True, 2),
                ("shelf", "1.4.1", RT, True, 6),
                ("collection", "1.18.0", RT, False, 10),
            ],
            id="lock-overridden-and-flow-mapping",
        ),
    ],
)
def test_dependencies(parser: Parser, sample: str, expected: list[Row]) -> None:
    assert _rows(parser, sample) == expected


def test_workspace_members() -> None:
    text = (SAMPLES / "edge-pubspec.yaml").read_text(encoding="utf-8")
    assert parse_pubspec("pubspec.yaml", text, FakeContext()).workspace_members == (
        "packages/server",
        "packages/client",
    )


@pytest.mark.parametrize(
    ("parser", "text", "message"),
    [
        pytest.param(
            parse_pubspec,
            (SAMPLES / "bad-pubspec.yaml").read_text(encoding="utf-8"),
            "line 3: dependencies must be a mapping",
            id="pubspec-list-sample",
        ),
        pytest.param(parse_pubspec, "- a\n- b\n", "must hold a mapping", id="pubspec-root-list"),
        pytest.param(parse_pubspec, "name: a\n---\nname: b\n", "invalid YAML", id="pubspec-two-documents"),
        pytest.param(parse_pubspec, "name: [a\n", "invalid YAML in pubspec.yaml", id="pubspec-unclosed-flow"),
        pytest.param(parse_pubspec, "name: a\nworkspace: pkgs\n", "workspace must be a list", id="workspace-scalar"),
        pytest.param(parse_pubspec_lock, "sdks: {}\n", "no 'packages'", id="lock-no-packages"),
        pytest.param(
            parse_pubspec, "a: " + "[" * 5000 + "]" * 5000 + "\n", "nested too deeply", id="pubspec-deep-nesting"
        ),
    ],
)
def test_malformed_raises(parser: Parser, text: str, message: str) -> None:
    with pytest.raises(ManifestError, match=message):
        parser("pubspec.yaml", text, FakeContext())


@pytest.mark.parametrize(
    ("parser", "text", "kept", "message"),
    [
        pytest.param(
            parse_pubspec,
            "name: a\ndependencies:\n  x: [1, 2]\n  http: ^1.2.0\n  evil: !!python/object/apply:os.system [id]\n",
            ["http"],
            "line 3: dependency 'x' must be a version or a mapping; that dependency is not counted",
            id="pubspec-odd-entries",
        ),
        pytest.param(
            parse_pubspec_lock,
            (SAMPLES / "bad-pubspec.lock").read_text(encoding="utf-8"),
            [],
            "line 2: package 'http' has unknown dependency kind 'direct sideways'; it is not counted",
            id="lock-unknown-kind-sample",
        ),
    ],
)
def test_an_odd_entry_costs_itself_not_the_file(parser: Parser, text: str, kept: list[str], message: str) -> None:
    """Nothing is lost (DESIGN §8): the entry is named in a warning and the file's other dependencies count."""
    result = parser("pubspec.yaml", text, FakeContext())
    assert [d.name for d in result.dependencies] == kept
    assert result.diagnostics[0].message == message
    assert {d.severity.value for d in result.diagnostics} == {"warning"}


def test_alias_bomb_is_not_expanded() -> None:
    levels = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    levels += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 9)]
    text = "\n".join(levels) + "\ndependencies:\n  http: ^1.0.0\n"
    with pytest.raises(ManifestError, match="alias bomb"):
        parse_pubspec("pubspec.yaml", text, FakeContext())


def test_empty_pubspec_declares_nothing() -> None:
    assert parse_pubspec("pubspec.yaml", "", FakeContext()).dependencies == ()


def test_registry_reports_broken_lock() -> None:
    result = parse_manifest("app/pubspec.lock", "packages: [\n", FakeContext())
    assert "could not parse pubspec.lock" in result.diagnostics[0].message
