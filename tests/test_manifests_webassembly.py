"""Tests for the WebAssembly project readers (analyzer.manifests.webassembly): Trunk.toml, asconfig.json, *.wit."""

from __future__ import annotations

from pathlib import Path

import pytest
from manifest_helpers import FakeContext

from analyzer.errors import ManifestError
from analyzer.manifests import Parser, parse_manifest, parser_for
from analyzer.manifests import webassembly as wasm
from analyzer.model import Scope, Severity

SAMPLES = Path(__file__).parent / "manifest_samples" / "wasm"
R, B = Scope.RUNTIME, Scope.BUILD

Row = tuple[str, str, str, Scope, bool, int]


def _rows(parser: Parser, sample: str) -> list[Row]:
    result = parser(f"web/{sample}", (SAMPLES / sample).read_text(), FakeContext())
    assert {d.path for d in result.dependencies} <= {f"web/{sample}"}
    return [(d.ecosystem, d.name, d.version, d.scope, d.direct, d.line) for d in result.dependencies]


@pytest.mark.parametrize(
    ("parser", "sample", "expected"),
    [
        pytest.param(
            wasm.parse_trunk,
            "Trunk.toml",
            [("target", "wasm32-unknown-unknown", "", B, True, 2)],
            id="trunk-build-target-line",
        ),
        pytest.param(
            wasm.parse_trunk,
            "edge-Trunk.toml",
            [("target", "wasm32-unknown-unknown", "", B, True, 1)],
            id="trunk-empty-config-still-wasm",
        ),
        pytest.param(
            wasm.parse_asconfig, "asconfig.json", [("target", "assemblyscript", "", B, True, 2)], id="asconfig-targets"
        ),
        pytest.param(
            wasm.parse_asconfig,
            "edge-asconfig.json",
            [("target", "assemblyscript", "", B, True, 1)],
            id="asconfig-extends-only",
        ),
        pytest.param(
            wasm.parse_wit,
            "world.wit",
            [
                ("wit", "acme:image-filters", "0.3.0", R, True, 1),
                ("wit", "interface:filters", "", R, True, 4),
                ("wit", "wasi:io", "0.2.0", B, True, 5),
                ("wit", "world:filter-plugin", "", R, True, 10),
                ("wit", "wasi:logging", "", B, True, 11),
            ],
            id="wit-package-interface-world-foreign-uses",
        ),
        pytest.param(
            wasm.parse_wit,
            "edge-types.wit",
            [
                ("wit", "interface:types", "", R, True, 3),
                ("wit", "interface:use-types", "", R, True, 7),
                ("wit", "wasi:io", "0.2.0-rc-2023-11-10", B, True, 9),
            ],
            id="wit-no-package-nested-comment-escaped-name-prerelease",
        ),
    ],
)
def test_dependencies(parser: Parser, sample: str, expected: list[Row]) -> None:
    assert _rows(parser, sample) == expected


@pytest.mark.parametrize(
    ("sample", "path", "message"),
    [
        pytest.param("bad-Trunk.toml", "app/Trunk.toml", "'build' is not a table", id="trunk-build-string"),
        pytest.param("bad-asconfig.json", "asconfig.json", "'targets' is not an object", id="asconfig-targets-list"),
        pytest.param("bad-world.wit", "wit/world.wit", "unbalanced braces: 1 '{' for 0 '}'", id="wit-unclosed-world"),
    ],
)
def test_malformed_becomes_diagnostic(sample: str, path: str, message: str) -> None:
    result = parse_manifest(path, (SAMPLES / sample).read_text(), FakeContext())
    assert result.dependencies == ()
    assert [(d.path, d.severity) for d in result.diagnostics] == [(path, Severity.ERROR)]
    assert message in result.diagnostics[0].message


@pytest.mark.parametrize(
    ("parser", "text", "message"),
    [
        pytest.param(wasm.parse_trunk, "[build\n", "invalid TOML", id="trunk-bad-toml"),
        pytest.param(wasm.parse_asconfig, "[]", "must hold a JSON object", id="asconfig-array"),
        pytest.param(wasm.parse_asconfig, "{", r"invalid JSON in \S+ at line 1", id="asconfig-truncated"),
        pytest.param(
            wasm.parse_wit,
            "/* never closed\npackage a:b;\n",
            "unterminated comment opened at line 1",
            id="wit-unterminated-comment",
        ),
        pytest.param(
            wasm.parse_wit, "package Not Valid;\n", "line 1: 'NotValid' is not a package name", id="wit-bad-package"
        ),
        pytest.param(wasm.parse_wit, "}\n{\n", "line 1: '}' closes nothing", id="wit-close-before-open"),
    ],
)
def test_more_malformed(parser: Parser, text: str, message: str) -> None:
    with pytest.raises(ManifestError, match=message):
        parser("x", text, FakeContext())


def test_own_package_is_not_foreign() -> None:
    text = "package wasi:http@0.2.0;\ninterface handler {\n  use wasi:http/types@0.2.0.{request};\n}\n"
    result = wasm.parse_wit("wit/handler.wit", text, FakeContext())
    assert [(d.name, d.scope) for d in result.dependencies] == [("wasi:http", R), ("interface:handler", R)]


@pytest.mark.parametrize(
    ("path", "parser"),
    [
        pytest.param("frontend/Trunk.toml", "parse_trunk", id="trunk"),
        pytest.param("asconfig.json", "parse_asconfig", id="asconfig"),
        pytest.param("wit/deps/io/streams.wit", "parse_wit", id="wit"),
    ],
)
def test_registry_routes_to_parser(path: str, parser: str) -> None:
    found = parser_for(path)
    assert found is not None
    assert found.__name__ == parser
