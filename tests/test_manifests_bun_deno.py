"""Tests for bun.lock, deno.json(c), deno.lock and pnpm-workspace.yaml (analyzer.manifests.bun_deno)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from manifest_helpers import FakeContext

from analyzer.errors import ManifestError
from analyzer.manifests import Parser, parser_for
from analyzer.manifests._read.jsondoc import strip_jsonc
from analyzer.manifests.bun_deno import (
    parse_bun_lock,
    parse_deno_json,
    parse_deno_lock,
    parse_pnpm_workspace,
)
from analyzer.model import Scope

SAMPLES = Path(__file__).parent / "manifest_samples" / "jsextra"
R, D = Scope.RUNTIME, Scope.DEV

Row = tuple[str, str, str, Scope, bool, int]


@pytest.mark.parametrize(
    ("parser", "sample", "expected", "members"),
    [
        pytest.param(
            parse_bun_lock,
            "bun.lock",
            [
                ("npm", "accepts", "1.3.8", R, False, 23),
                ("npm", "express", "4.19.2", R, True, 24),
                ("npm", "react", "18.2.0", R, True, 25),
                ("npm", "typescript", "5.4.5", D, True, 26),
            ],
            ("packages/ui",),
            id="bun-lock-workspaces-declare-direct",
        ),
        pytest.param(
            parse_bun_lock,
            "edge-bun.lock",
            [
                ("npm", "debug", "4.3.4", R, True, 12),
                ("npm", "str-with-comma", "1.0.0", R, True, 13),
                ("npm", "ms", "2.1.2", R, False, 14),
                ("npm", "ms", "2.1.3", R, False, 15),
            ],
            (),
            id="bun-lock-comments-trailing-commas-nested-copy",
        ),
        pytest.param(
            parse_deno_json,
            "deno.json",
            [
                ("jsr", "@std/http", "^1.0.0", R, True, 6),
                ("npm", "express", "4", R, True, 7),
                ("npm", "preact", "10.19.6", R, True, 9),
            ],
            ("./api", "./web"),
            id="deno-json-urls-and-paths-skipped",
        ),
        pytest.param(
            parse_deno_json,
            "deno.jsonc",
            [
                ("npm", "chalk", "", R, True, 4),
                ("npm", "@types/node", "^20", R, True, 5),
                ("jsr", "@zod/zod", "^3.23", R, True, 6),
                ("npm", "express", "3", R, True, 10),
            ],
            (),
            id="deno-jsonc-comments-scopes-unversioned",
        ),
        pytest.param(
            parse_deno_lock,
            "deno.lock",
            [
                ("npm", "express", "4.19.2", R, False, 13),
                ("npm", "accepts", "1.3.8", R, False, 17),
                ("jsr", "@std/http", "1.0.5", R, False, 8),
            ],
            (),
            id="deno-lock-v4",
        ),
        pytest.param(
            parse_deno_lock,
            "v3-deno.lock",
            [
                ("npm", "@types/node", "18.16.19", R, False, 9),
                ("npm", "preact", "10.19.6", R, False, 13),
            ],
            (),
            id="deno-lock-v3-nested-peer-suffix",
        ),
        pytest.param(
            parse_pnpm_workspace,
            "pnpm-workspace.yaml",
            [
                ("npm", "react", "^18.2.0", R, False, 7),
                ("npm", "express", "4.19.2", R, False, 8),
            ],
            ("packages/*", "apps/**"),
            id="pnpm-workspace-negated-glob-left-out",
        ),
        pytest.param(
            parse_pnpm_workspace,
            "edge-pnpm-workspace.yaml",
            [
                ("npm", "react", "^17.0.2", R, False, 7),
                ("npm", "react-dom", "^17.0.2", R, False, 8),
                ("npm", "vite", "^5.0.0", R, False, 4),
            ],
            (),
            id="pnpm-workspace-named-catalogs-and-alias",
        ),
    ],
)
def test_dependencies(parser: Parser, sample: str, expected: list[Row], members: tuple[str, ...]) -> None:
    result = parser(f"web/{sample}", (SAMPLES / sample).read_text(), FakeContext())
    assert [(d.ecosystem, d.name, d.version, d.scope, d.direct, d.line) for d in result.dependencies] == expected
    assert {d.path for d in result.dependencies} <= {f"web/{sample}"}
    assert result.workspace_members == members


@pytest.mark.parametrize(
    ("parser", "sample", "message"),
    [
        pytest.param(parse_bun_lock, "bad-bun.lock", "line 4: bun.lock entry 'express' is not an array", id="bun"),
        pytest.param(parse_deno_json, "bad-deno.json", "'imports' must be an object", id="deno-json"),
        pytest.param(parse_deno_lock, "bad-deno.lock", "'npm' must be an object", id="deno-lock"),
        pytest.param(
            parse_pnpm_workspace,
            "bad-pnpm-workspace.yaml",
            "invalid YAML in pnpm-workspace.yaml at line 3",
            id="pnpm-workspace",
        ),
    ],
)
def test_malformed_samples_raise(parser: Parser, sample: str, message: str) -> None:
    with pytest.raises(ManifestError, match=message):
        parser(sample, (SAMPLES / sample).read_text(), FakeContext())


@pytest.mark.parametrize(
    ("parser", "text", "message"),
    [
        pytest.param(
            parse_bun_lock, '{"packages": {"a": ["a@1"]', "invalid JSON in bun.lock at line 1", id="bun-truncated"
        ),
        pytest.param(parse_bun_lock, '{"workspaces": []}', "'workspaces' must be an object", id="bun-workspaces"),
        pytest.param(parse_deno_json, "[1, 2]", "must hold a JSON object", id="deno-json-array"),
        pytest.param(parse_deno_json, '{"workspace": "./a"}', "'workspace' must be a list", id="deno-workspace"),
        pytest.param(
            parse_deno_lock, "[" * 100_000 + "]" * 100_000, "nested too deeply|JSON object", id="deno-lock-deep"
        ),
        pytest.param(parse_pnpm_workspace, "packages: packages/*\n", "'packages' must be a list", id="pnpm-packages"),
        pytest.param(parse_pnpm_workspace, "catalog: " + "{a: " * 500, "nested too deeply", id="pnpm-deep-flow"),
        pytest.param(parse_pnpm_workspace, "a: 1\n---\nb: 2\n", "invalid YAML", id="pnpm-two-documents"),
    ],
)
def test_malformed_text_raises_quickly(parser: Parser, text: str, message: str) -> None:
    started = time.monotonic()
    with pytest.raises(ManifestError, match=message):
        parser("x", text, FakeContext())
    assert time.monotonic() - started < 2.0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param('{"a": [1, 2,],}', {"a": [1, 2]}, id="trailing-commas"),
        pytest.param('{"a": "x,}" , "b": "//y"}', {"a": "x,}", "b": "//y"}, id="comma-and-slashes-inside-strings"),
        pytest.param('{"a": "q\\"}", // c\n "b": 1 /* , */,\n}', {"a": 'q"}', "b": 1}, id="escaped-quote-comments"),
    ],
)
def test_strip_jsonc(text: str, expected: object) -> None:
    stripped = strip_jsonc(text)
    assert json.loads(stripped) == expected
    assert len(stripped) == len(text)
    assert stripped.count("\n") == text.count("\n")


def test_empty_pnpm_workspace_declares_nothing() -> None:
    result = parse_pnpm_workspace("pnpm-workspace.yaml", "# nothing yet\n", FakeContext())
    assert result.dependencies == ()
    assert result.workspace_members == ()


@pytest.mark.parametrize(
    ("path", "parser"),
    [
        pytest.param("bun.lock", parse_bun_lock, id="bun"),
        pytest.param("svc/deno.json", parse_deno_json, id="deno-json"),
        pytest.param("deno.jsonc", parse_deno_json, id="deno-jsonc"),
        pytest.param("deno.lock", parse_deno_lock, id="deno-lock"),
        pytest.param("pnpm-workspace.yaml", parse_pnpm_workspace, id="pnpm-workspace"),
    ],
)
def test_registry_routes(path: str, parser: Parser) -> None:
    assert parser_for(path) is parser
