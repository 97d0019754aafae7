"""Tests for the Protocol Buffers reader (analyzer.manifests.proto): services with their rpc count, imports."""

from __future__ import annotations

from pathlib import Path

import pytest
from manifest_helpers import FakeContext

from analyzer.errors import ManifestError
from analyzer.manifests import parse_manifest, parser_for
from analyzer.manifests.proto import parse_proto
from analyzer.model import Scope, Severity

SAMPLES = Path(__file__).parent / "manifest_samples" / "proto"
R, B = Scope.RUNTIME, Scope.BUILD

Row = tuple[str, str, str, Scope, bool, int]


@pytest.mark.parametrize(
    ("sample", "expected"),
    [
        pytest.param(
            "greeter.proto",
            [
                ("protobuf", "google/protobuf/timestamp.proto", "", B, True, 5),
                ("protobuf", "acme/common/v1/paging.proto", "", B, True, 6),
                ("protobuf", "service:Greeter", "2 rpc", R, True, 11),
            ],
            id="service-rpc-options-commented-service-field-named-service",
        ),
        pytest.param(
            "edge-messages.proto",
            [
                ("protobuf", "acme/legacy.proto", "", B, True, 7),
                ("protobuf", "service:Empty", "0 rpc", R, True, 14),
            ],
            id="proto2-weak-import-block-comment-string-lookalikes",
        ),
    ],
)
def test_dependencies(sample: str, expected: list[Row]) -> None:
    result = parse_proto(f"api/{sample}", (SAMPLES / sample).read_text(), FakeContext())
    assert {d.path for d in result.dependencies} <= {f"api/{sample}"}
    assert [(d.ecosystem, d.name, d.version, d.scope, d.direct, d.line) for d in result.dependencies] == expected


def test_malformed_becomes_diagnostic() -> None:
    path = "api/orders.proto"
    result = parse_manifest(path, (SAMPLES / "bad-broken.proto").read_text(), FakeContext())
    assert result.dependencies == ()
    assert [(d.path, d.severity) for d in result.diagnostics] == [(path, Severity.ERROR)]
    assert "1 '{' never closed" in result.diagnostics[0].message


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param('syntax = "proto3;\n', "unterminated string literal at line 1", id="unterminated-string"),
        pytest.param("/* open\nservice A {}\n", "unterminated comment opened at line 1", id="unterminated-comment"),
        pytest.param("message A {}\n}\n", "line 2: '}' closes nothing", id="stray-close"),
        pytest.param("import timestamp;\n", "line 1: import is not followed by a quoted", id="unquoted-import"),
        pytest.param("service {\n}\n", "line 1: service is not followed by a name", id="service-without-name"),
    ],
)
def test_malformed(text: str, message: str) -> None:
    with pytest.raises(ManifestError, match=message):
        parse_proto("a.proto", text, FakeContext())


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "service A { rpc X(B) returns (C); }\nservice D { rpc Y(E) returns (F); rpc Z(G) returns (H); }\n",
            [("service:A", "1 rpc", 1), ("service:D", "2 rpc", 2)],
            id="two-services-one-line-each",
        ),
        pytest.param(
            "service A {\n  rpc X(B) returns (C) { option deprecated = true; };\n  option (x) = { rpc: 1 };\n}\n",
            [("service:A", "1 rpc", 1)],
            id="rpc-in-option-aggregate-not-counted",
        ),
        pytest.param("message M { string service = 1; }\n", [], id="field-named-service"),
    ],
)
def test_services(text: str, expected: list[tuple[str, str, int]]) -> None:
    assert [(d.name, d.version, d.line) for d in parse_proto("a.proto", text, FakeContext()).dependencies] == expected


def test_registry_routes_to_parser() -> None:
    found = parser_for("api/v1/users.proto")
    assert found is not None
    assert found.__name__ == "parse_proto"
