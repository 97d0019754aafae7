"""Hostile manifests that once stalled a parser (issue 8): each is built here at the size that was measured,
must finish well inside a generous hang limit, and must end as dependencies or a diagnostic, never an escape.

Before the fixes (seconds, measured on the issue's machine): setup.cfg / platformio.ini with a 100,000-tab run
102; Podfile and Gemfile of ``do`` x 40,000 31 and 60; mix.exs of blank ``\\r\\n`` lines 44; a .cabal
continuation of 15,000 tabs 48; 400,000 ``#`` through the Swift lexer 50; package.json with 40,000
workspace globs 67 (in the workspace linker); nine requirements files including each other ten times 160 s and
4.7 GB. Each now takes well under a second (the figures are in the commit message, not asserted here).
"""

from __future__ import annotations

import pytest

from analyzer.facts.lexers import lex
from analyzer.manifests import parse_manifest
from tests.manifest_helpers import DictContext, FakeContext, hang_limit

_LIMIT = 20.0


def _package_json_with_globs(count: int) -> str:
    globs = ", ".join(f'"packages/p{i}/*"' for i in range(count))
    return '{"name": "x", "workspaces": [' + globs + "]}"


@pytest.mark.parametrize(
    ("path", "text"),
    [
        pytest.param("setup.cfg", "[options]\nx" + "\t" * 100_000 + "y\n", id="setup-cfg-tab-run"),
        pytest.param("platformio.ini", "[env:a]\nx" + "\t" * 100_000 + "y\n", id="platformio-tab-run"),
        pytest.param("Gemfile", "do\n" * 40_000, id="gemfile-do-blocks"),
        pytest.param("Gemfile", "".join(f"group :g{i} do\n" for i in range(20_000)), id="gemfile-group-blocks"),
        pytest.param("Podfile", "do\n" * 40_000, id="podfile-do-blocks"),
        pytest.param("mix.exs", "defmodule X do\n  defp deps do\n" + "\r\n" * 200_000, id="mix-exs-blank-lines"),
        pytest.param("mix.exs", "defmodule X do\n  defp deps do\n" + "\r" * 400_000, id="mix-exs-cr-lines"),
        pytest.param(
            "x.cabal", "library\n  build-depends: base,\n" + "\t" * 15_000 + "text\n", id="cabal-tab-continuation"
        ),
        pytest.param("package.json", _package_json_with_globs(40_000), id="package-json-40k-globs"),
        # Found by tests/test_fuzz_parsers.py's long runs: 20,000 spaces after `group` took 9 s (cubic).
        pytest.param("Gemfile", "group " + " " * 100_000 + "x\n", id="gemfile-group-spaces"),
        pytest.param("Gemfile", "x do" + " " * 100_000 + "x\n", id="gemfile-do-spaces"),
        pytest.param("memory.x", "x\n" + "\r\n" * 100_000, id="memory-x-blank-lines"),
        pytest.param("package-lock.json", "{" + "\n" * 100_000 + "}", id="package-lock-blank-lines"),
        # One search of the text per key: 8,000 dependencies took 9 s, 30,000 about two minutes.
        pytest.param(
            "foundry.toml", "[dependencies]\n" + "".join(f'l{i} = "1"\n' for i in range(30_000)), id="foundry-30k-deps"
        ),
    ],
)
def test_hostile_manifest_finishes(path: str, text: str) -> None:
    with hang_limit(_LIMIT):
        result = parse_manifest(path, text, FakeContext())
    assert len(result.workspace_members) <= 256
    assert all(d.path == path for d in result.diagnostics)


def test_workspace_globs_are_capped_with_a_diagnostic() -> None:
    result = parse_manifest("package.json", _package_json_with_globs(40_000), FakeContext())
    assert result.workspace_members[:2] == ("packages/p0/*", "packages/p1/*")
    assert len(result.workspace_members) == 256
    assert [d.message for d in result.diagnostics] == ["40000 workspace member globs; only the first 256 are used"]


def test_cabal_tab_continuation_still_reads_the_entry() -> None:
    text = "library\n  build-depends: base,\n" + "\t" * 15_000 + "text\n"
    assert [d.name for d in parse_manifest("x.cabal", text, FakeContext()).dependencies] == ["base", "text"]


def test_swift_lexer_on_a_run_of_hashes() -> None:
    with hang_limit(_LIMIT):
        spans = lex("Swift", "#" * 400_000)
    assert spans.strings == ()
    assert lex("Swift", 'let a = ##"x"# "## + 1').strings == ((8, 18),)


def test_requirements_fan_out_is_read_once_per_file_within_a_budget() -> None:
    # Nine files, each including all nine ten times: 9^depth reads before, one read per file now.
    names = [f"r{i}.txt" for i in range(9)]
    body = "".join(f"-r {name}\n" for name in names for _ in range(10)) + "flask==3.0\n"
    ctx = DictContext(dict.fromkeys(names, body))
    with hang_limit(_LIMIT):
        result = parse_manifest("requirements.txt", body, ctx)
    assert ctx.reads == 9
    assert len(result.dependencies) == 10  # flask once per file read: the root and its nine includes


def test_requirements_include_budget_ends_with_one_diagnostic() -> None:
    names = [f"r{i}.txt" for i in range(200)]
    root = "".join(f"-r {name}\n" for name in names)
    ctx = DictContext(dict.fromkeys(names, "requests\n"))
    result = parse_manifest("requirements.txt", root, ctx)
    assert ctx.reads == 64
    assert [d.message for d in result.diagnostics] == ["line 65: more than 64 included files; the rest are not read"]
