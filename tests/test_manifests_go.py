"""Tests of the go.mod and go.work parsers over the hand-written samples in manifest_samples/go."""

from __future__ import annotations

from pathlib import Path

import pytest

from analyzer.errors import ManifestError
from analyzer.manifests import parse_manifest
from analyzer.manifests.go import parse_go_mod, parse_go_work
from analyzer.model import Dependency, Scope, Severity

SAMPLES = Path(__file__).parent / "manifest_samples" / "go"


class NoFiles:
    """A parse context with no other files: Go manifests never include any."""

    def read_text(self, path: str) -> str | None:
        return None


def _sample(name: str) -> str:
    return (SAMPLES / name).read_text(encoding="utf-8")


def _rows(deps: tuple[Dependency, ...]) -> list[tuple[str, str, bool, int]]:
    return [(d.name, d.version, d.direct, d.line) for d in deps]


@pytest.mark.parametrize(
    ("sample", "expected"),
    [
        pytest.param(
            "go.mod",
            [
                ("github.com/gin-gonic/gin", "v1.9.1", True, 8),
                ("google.golang.org/grpc", "v1.62.0", True, 11),
                ("github.com/spf13/cobra", "v1.8.0", True, 12),
                ("golang.org/x/sys", "v0.18.0", False, 13),
                ("example.com/forked", "v1.0.0 => github.com/me/forked@v1.0.1", True, 14),
                ("example.com/local", "v0.0.0 => ../local", True, 15),
            ],
            id="normal-single-block-indirect-replace",
        ),
        pytest.param(
            "edge.mod",
            [
                ("github.com/aws/aws-sdk-go-v2", "v1.25.0", False, 7),
                ("k8s.io/client-go", "v0.29.0", False, 8),
                ("github.com/tokio/none", "v0.1.0", True, 10),
            ],
            id="edge-raw-strings-empty-block-comment-forms",
        ),
    ],
)
def test_go_mod(sample: str, expected: list[tuple[str, str, bool, int]]) -> None:
    result = parse_go_mod("svc/go.mod", _sample(sample), NoFiles())
    assert _rows(result.dependencies) == expected
    assert {d.ecosystem for d in result.dependencies} == {"go"}
    assert {d.scope for d in result.dependencies} == {Scope.RUNTIME}
    assert {d.path for d in result.dependencies} == {"svc/go.mod"}
    assert result.workspace_members == ()


def test_go_work_members_and_replace() -> None:
    result = parse_go_work("go.work", _sample("go.work"), NoFiles())
    assert result.workspace_members == ("./api", "./worker", "./tools")
    assert _rows(result.dependencies) == [("example.com/shared", "v1.2.0 => ./shared", False, 9)]


@pytest.mark.parametrize(
    ("sample", "filename", "message"),
    [
        pytest.param("unclosed.mod", "go.mod", "never closed", id="unclosed-block"),
        pytest.param("unknown.mod", "go.mod", "unknown directive 'frobnicate'", id="unknown-directive"),
        pytest.param("noversion.mod", "go.mod", "line 3", id="require-without-version"),
        pytest.param("badquote.work", "go.work", "unterminated quoted string at line 2", id="unterminated-quote"),
    ],
)
def test_malformed_raises_and_becomes_diagnostic(sample: str, filename: str, message: str) -> None:
    parser = parse_go_mod if filename == "go.mod" else parse_go_work
    with pytest.raises(ManifestError, match=message):
        parser(filename, _sample(sample), NoFiles())
    result = parse_manifest(f"mod/{filename}", _sample(sample), NoFiles())
    assert result.dependencies == ()
    assert len(result.diagnostics) == 1
    assert result.diagnostics[0].path == f"mod/{filename}"
    assert result.diagnostics[0].severity is Severity.ERROR
    assert message in result.diagnostics[0].message


def test_go_work_rejects_require() -> None:
    with pytest.raises(ManifestError, match="unknown directive 'require'"):
        parse_go_work("go.work", "go 1.22\nrequire a v1\n", NoFiles())


def test_hostile_long_line_is_linear() -> None:
    text = "module x\nrequire (\n" + "\ta/b v1 " + "/" * 200_000 + "\n)\n"
    result = parse_go_mod("go.mod", text, NoFiles())
    assert _rows(result.dependencies) == [("a/b", "v1", True, 3)]
