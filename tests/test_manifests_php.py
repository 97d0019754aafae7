"""Tests for the Composer manifest parsers (analyzer.manifests.php)."""

from __future__ import annotations

from pathlib import Path

import pytest
from manifest_helpers import FakeContext

from analyzer.errors import ManifestError
from analyzer.manifests import Parser, parse_manifest
from analyzer.manifests.php import parse_composer_json, parse_composer_lock
from analyzer.model import Scope, Severity

SAMPLES = Path(__file__).parent / "manifest_samples" / "php"


Row = tuple[str, str, Scope, bool, int]


def _rows(parser: Parser, path: str, text: str) -> list[Row]:
    result = parser(path, text, FakeContext())
    assert {(d.ecosystem, d.path) for d in result.dependencies} <= {("composer", path)}
    return [(d.name, d.version, d.scope, d.direct, d.line) for d in result.dependencies]


@pytest.mark.parametrize(
    ("parser", "sample", "expected"),
    [
        pytest.param(
            parse_composer_json,
            "composer.json",
            [
                ("laravel/framework", "^10.10", Scope.RUNTIME, True, 15),
                ("guzzlehttp/guzzle", "^7.2", Scope.RUNTIME, True, 16),
                ("spiral/roadrunner", "^2023.3", Scope.RUNTIME, True, 17),
                ("phpunit/phpunit", "^10.5", Scope.DEV, True, 6),
                ("laravel/framework", "^10.0", Scope.DEV, True, 7),
            ],
            id="composer-json-platform-packages-skipped",
        ),
        pytest.param(
            parse_composer_lock,
            "composer.lock",
            [
                ("guzzlehttp/guzzle", "7.8.1", Scope.RUNTIME, False, 6),
                ("laravel/framework", "v10.38.2", Scope.RUNTIME, False, 11),
                ("phpunit/phpunit", "10.5.5", Scope.DEV, False, 17),
            ],
            id="composer-lock",
        ),
    ],
)
def test_dependencies(parser: Parser, sample: str, expected: list[Row]) -> None:
    assert _rows(parser, f"shop/{sample}", (SAMPLES / sample).read_text()) == expected


@pytest.mark.parametrize(
    ("parser", "text", "expected"),
    [
        pytest.param(parse_composer_json, '{"name": "x/y"}', [], id="no-require"),
        pytest.param(
            parse_composer_json,
            '{"require": {"PHP-64bit": "^8", "Ext-Intl": "*", "psr/log": "^3"}}',
            [("psr/log", "^3", Scope.RUNTIME, True, 1)],
            id="platform-names-any-case",
        ),
        pytest.param(
            parse_composer_json,
            '{"require": {"vendor/ünïcode": "1.0"}}',
            [("vendor/ünïcode", "1.0", Scope.RUNTIME, True, 1)],
            id="non-ascii-name",
        ),
        pytest.param(parse_composer_lock, '{"packages": [], "packages-dev": null}', [], id="lock-empty-sections"),
    ],
)
def test_edge_cases(parser: Parser, text: str, expected: list[Row]) -> None:
    assert _rows(parser, "composer.json", text) == expected


@pytest.mark.parametrize(
    ("parser", "text", "message"),
    [
        pytest.param(
            parse_composer_json,
            '{\n  "require": {\n    "a/b": "1",\n  }\n}',
            r"invalid JSON in \S+ at line 4",
            id="json-trailing-comma",
        ),
        pytest.param(parse_composer_json, '["a/b"]', "must hold a JSON object", id="json-array"),
        pytest.param(parse_composer_json, '{"require": ["a/b"]}', "'require' is not an object", id="json-require-list"),
        pytest.param(parse_composer_json, "{" * 50_000, "nested too deeply|invalid JSON", id="json-deep"),
        pytest.param(parse_composer_lock, '{"packages": {"a/b": "1"}}', "'packages' is not a list", id="lock-dict"),
        pytest.param(
            parse_composer_lock, '{"packages": [{"version": "1"}]}', "has no package name", id="lock-nameless-entry"
        ),
    ],
)
def test_malformed_input_raises(parser: Parser, text: str, message: str) -> None:
    with pytest.raises(ManifestError, match=message):
        parser("composer.json", text, FakeContext())


def test_registry_reports_broken_composer_json() -> None:
    result = parse_manifest("shop/composer.json", "{", FakeContext())
    (diagnostic,) = result.diagnostics
    assert (diagnostic.path, diagnostic.severity) == ("shop/composer.json", Severity.ERROR)
    assert "invalid JSON in composer.json at line 1" in diagnostic.message
