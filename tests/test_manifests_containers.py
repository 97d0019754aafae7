"""Tests for the Dockerfile and Compose parsers (analyzer.manifests.containers)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from manifest_helpers import FakeContext

from analyzer.errors import ManifestError
from analyzer.manifests import Parser, parse_manifest
from analyzer.manifests.containers import parse_compose, parse_dockerfile
from analyzer.model import Scope, Severity

SAMPLES = Path(__file__).parent / "manifest_samples" / "containers"


Row = tuple[str, str, str, Scope, bool, int]


def _rows(parser: Parser, path: str, text: str) -> list[Row]:
    result = parser(path, text, FakeContext())
    assert {d.path for d in result.dependencies} <= {path}
    return [(d.ecosystem, d.name, d.version, d.scope, d.direct, d.line) for d in result.dependencies]


@pytest.mark.parametrize(
    ("parser", "sample", "expected"),
    [
        pytest.param(
            parse_dockerfile,
            "Dockerfile",
            [
                ("docker", "rust", "1.75-slim", Scope.BUILD, True, 6),
                ("docker", "node", "20-alpine", Scope.BUILD, True, 22),
                ("docker", "gcr.io/distroless/cc-debian12", "", Scope.RUNTIME, True, 25),
                ("target", "wasm32-unknown-unknown", "", Scope.BUILD, True, 8),
                ("target", "x86_64-unknown-linux-musl", "", Scope.BUILD, True, 8),
                ("docker", "ghcr.io/astral-sh/uv", "0.1.0", Scope.BUILD, True, 16),
            ],
            id="dockerfile-multistage-args-heredoc-continuations",
        ),
        pytest.param(
            parse_dockerfile,
            "Dockerfile.windows",
            [
                ("docker", "mcr.microsoft.com/windows/servercore", "ltsc2022", Scope.BUILD, True, 2),
            ],
            id="dockerfile-backtick-escape-scratch-final",
        ),
        pytest.param(
            parse_compose,
            "compose.yaml",
            [
                ("docker", "postgres", "16", Scope.RUNTIME, True, 12),
                ("docker", "redis", "7.2-alpine", Scope.RUNTIME, True, 3),
                ("docker", "nginx", "sha256:abcdef", Scope.RUNTIME, True, 20),
            ],
            id="compose-merge-keys-build-variables-digest",
        ),
    ],
)
def test_dependencies(parser: Parser, sample: str, expected: list[Row]) -> None:
    assert _rows(parser, f"deploy/{sample}", (SAMPLES / sample).read_text()) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("FROM alpine\n", [("docker", "alpine", "", Scope.RUNTIME, True, 1)], id="single-stage"),
        pytest.param(
            "from localhost:5000/team/app:2.1 as base\nfrom BASE\n",
            [("docker", "localhost:5000/team/app", "2.1", Scope.BUILD, True, 1)],
            id="registry-port-lowercase-alias",
        ),
        pytest.param(
            "ARG TAG=3.12\nFROM python:${TAG:-3.11}-slim\n",
            [("docker", "python", "3.12-slim", Scope.RUNTIME, True, 2)],
            id="arg-beats-default",
        ),
        pytest.param(
            "FROM python:${PY:-3.11}\n", [("docker", "python", "3.11", Scope.RUNTIME, True, 1)], id="variable-default"
        ),
        pytest.param(
            "FROM alpine AS a\nARG LATE=ubuntu\nFROM ${LATE}\n",
            [("docker", "alpine", "", Scope.BUILD, True, 1)],
            id="stage-arg-not-in-from-scope",
        ),
        pytest.param(
            "FROM golang:1.22\nRUN GOOS=js GOARCH=wasm go build ./... && cargo --version\n",
            [("docker", "golang", "1.22", Scope.RUNTIME, True, 1)],
            id="no-rust-target",
        ),
        pytest.param(
            "FROM a\nRUN cat <<-END > x\n\tFROM b\n\tEND\nFROM c\n",
            [("docker", "a", "", Scope.BUILD, True, 1), ("docker", "c", "", Scope.RUNTIME, True, 5)],
            id="heredoc-with-tab-stripping",
        ),
    ],
)
def test_dockerfile_edge_cases(text: str, expected: list[Row]) -> None:
    assert _rows(parse_dockerfile, "Dockerfile", text) == expected


def _alias_bomb(levels: int) -> str:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, levels):
        refs = ", ".join([f"*a{level - 1}"] * 9)
        lines.append(f"a{level}: &a{level} [{refs}]")
    return "\n".join(lines) + "\nservices: {}\n"


def _merge_bomb(levels: int) -> str:
    lines = ["m0: &m0 {k0: 0, k1: 1}"]
    for level in range(1, levels):
        lines.append(f"m{level}: &m{level} {{<<: [*m{level - 1}, *m{level - 1}], x{level}: 1}}")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    ("parser", "text", "message"),
    [
        pytest.param(parse_compose, _alias_bomb(12), "aliases expanded", id="compose-alias-bomb"),
        pytest.param(parse_compose, _merge_bomb(40), "aliases expanded", id="compose-merge-key-bomb"),
        pytest.param(
            parse_compose,
            "services: &s\n  web: *s\n",
            "line 1: a YAML anchor is used inside itself",
            id="compose-recursive-alias",
        ),
        pytest.param(
            parse_compose,
            "services:\n  web:\n    image: [nginx\n",
            r"invalid YAML in \S+ at line 4",
            id="compose-unclosed-flow",
        ),
        pytest.param(parse_compose, "- just\n- a list\n", "top level is not a mapping", id="compose-list"),
        pytest.param(parse_compose, "services:\n  - web\n", "'services' is not a mapping", id="compose-services-list"),
        pytest.param(
            parse_compose,
            "services:\n  web: nginx\n",
            "line 2: service 'web' is not a mapping",
            id="compose-service-scalar",
        ),
        pytest.param(parse_compose, "a: 1\n---\nb: 2\n", "invalid YAML", id="compose-two-documents"),
        pytest.param(
            parse_compose,
            "x: " + "[" * 200_000,
            r"nested too deeply to read \(line 1\)",
            id="compose-deep-nesting",
        ),
        pytest.param(
            parse_dockerfile,
            "RUN echo hi\nFROM alpine\n",
            "line 1: RUN before the first FROM",
            id="dockerfile-run-before-from",
        ),
        pytest.param(
            parse_dockerfile,
            "FROM a\nRUN <<EOF\necho never closed\n",
            "<<EOF opened at line 2",
            id="dockerfile-unclosed-heredoc",
        ),
        pytest.param(
            parse_dockerfile,
            "FROM --platform=linux/amd64\n",
            "line 1: FROM without an image",
            id="dockerfile-from-without-image",
        ),
        pytest.param(
            parse_dockerfile, "FROM a\nCOPPY x y\n", "line 2: unknown instruction 'COPPY'", id="dockerfile-typo"
        ),
        pytest.param(parse_dockerfile, "# only a comment\n", "no FROM instruction", id="dockerfile-empty"),
        pytest.param(parse_dockerfile, "# escape=x\nFROM a\n", "escape directive", id="dockerfile-bad-escape"),
    ],
)
def test_malformed_input_raises(parser: Parser, text: str, message: str) -> None:
    started = time.monotonic()
    with pytest.raises(ManifestError, match=message):
        parser("compose.yaml", text, FakeContext())
    assert time.monotonic() - started < 2.0


def test_registry_turns_alias_bomb_into_diagnostic() -> None:
    result = parse_manifest("ops/docker-compose.prod.yml", _alias_bomb(12), FakeContext())
    (diagnostic,) = result.diagnostics
    assert (diagnostic.path, diagnostic.severity) == ("ops/docker-compose.prod.yml", Severity.ERROR)
    assert "alias" in diagnostic.message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("", [], id="empty-file"),
        pytest.param("web:\n  image: nginx:1.25\n", [("nginx", "1.25", 2)], id="legacy-v1-top-level-services"),
        pytest.param("services:\n  w:\n    image: ''\n", [], id="empty-image"),
        pytest.param(
            "# " + "[" * 70 + "\nservices:\n  w: {image: app, labels: ['" + "{" * 70 + "']}\n",
            [("app", "", 3)],
            id="brackets-in-comments-and-strings-not-nesting",
        ),
    ],
)
def test_compose_edge_cases(text: str, expected: list[tuple[str, str, int]]) -> None:
    result = parse_compose("compose.yml", text, FakeContext())
    assert [(d.name, d.version, d.line) for d in result.dependencies] == expected
