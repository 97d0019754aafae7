"""Tests for the build.zig.zon parser (analyzer.manifests.zig)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from manifest_helpers import FakeContext

from analyzer.errors import ManifestError
from analyzer.manifests import parse_manifest, parser_for
from analyzer.manifests.zig import parse_build_zig_zon
from analyzer.model import Scope

SAMPLES = Path(__file__).parent / "manifest_samples" / "zig"

Row = tuple[str, str, str, Scope, bool, int]


@pytest.mark.parametrize(
    ("sample", "expected"),
    [
        pytest.param(
            "build.zig.zon",
            [
                (
                    "zig",
                    "zap",
                    "git+https://github.com/zigzap/zap?ref=v0.10.1#8f5e6b4c2a1d0e9f",
                    Scope.RUNTIME,
                    True,
                    7,
                ),
                (
                    "zig",
                    "httpz",
                    "https://github.com/karlseguin/http.zig/archive/refs/heads/master.tar.gz",
                    Scope.RUNTIME,
                    True,
                    11,
                ),
            ],
            id="enum-name-lazy-and-path-dependency-skipped",
        ),
        pytest.param(
            "edge-build.zig.zon",
            [
                ("zig", "sdl-zig", "https://github.com/ikskuh/SDL.zig/archive/1a2b3c.tar.gz", Scope.RUNTIME, True, 11),
                ("zig", 'with "quote"', "https://example.com/q.tar.gz", Scope.RUNTIME, True, 15),
            ],
            id="quoted-identifiers-multiline-string-comments-empty-entry",
        ),
    ],
)
def test_dependencies(sample: str, expected: list[Row]) -> None:
    result = parse_build_zig_zon(f"zig/{sample}", (SAMPLES / sample).read_text(), FakeContext())
    assert [(d.ecosystem, d.name, d.version, d.scope, d.direct, d.line) for d in result.dependencies] == expected
    assert {d.path for d in result.dependencies} <= {f"zig/{sample}"}


def test_malformed_sample_raises() -> None:
    with pytest.raises(ManifestError, match="line 6: expected ',' or '}'"):
        parse_build_zig_zon("build.zig.zon", (SAMPLES / "bad-build.zig.zon").read_text(), FakeContext())


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("", "is empty", id="empty"),
        pytest.param("// only a comment\n", "is empty", id="only-comment"),
        pytest.param('"just a string"', "must hold a struct literal", id="not-a-struct"),
        pytest.param(".{ .name = .x } .{}", "line 1: text after the top-level literal", id="trailing-text"),
        pytest.param('.{ .name = "x"', "ends before the '}' of the literal opened at line 1", id="truncated"),
        pytest.param('.{ .name = "unterminated }', "unexpected '\"'", id="unterminated-string"),
        pytest.param(".{ .a = 1, 2 }", "mixes named fields and bare values", id="mixed-literal"),
        pytest.param(".{ .dependencies = .{ 1, 2 } }", ".dependencies must be a struct", id="dependencies-tuple"),
        pytest.param(".{ .a = " + ".{ .b = " * 100, "deeper than 32", id="deep-nesting"),
        pytest.param(".{ .a = $ }", "unexpected '\\$'", id="stray-character"),
    ],
)
def test_malformed_text_raises_quickly(text: str, message: str) -> None:
    started = time.monotonic()
    with pytest.raises(ManifestError, match=message):
        parse_build_zig_zon("build.zig.zon", text, FakeContext())
    assert time.monotonic() - started < 2.0


def test_struct_without_dependencies_declares_nothing() -> None:
    result = parse_build_zig_zon(
        "build.zig.zon", '.{ .name = "lib", .version = "1.0.0", .paths = .{""} }', FakeContext()
    )
    assert result.dependencies == ()


def test_registry_routes_and_reports_broken_files() -> None:
    assert parser_for("tools/build.zig.zon") is parse_build_zig_zon
    (diagnostic,) = parse_manifest("tools/build.zig.zon", ".{ .name = ", FakeContext()).diagnostics
    assert diagnostic.path == "tools/build.zig.zon"
    assert "ends in the middle of a value" in diagnostic.message
