"""The Markdown report and diff comment: sticky marker, GFM structure, escaping, and the 60,000-character cap."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable

import pytest
from report_samples import both_report, findings_report, undecided_report, verdict_change_delta, wasm_delta

from analyzer import reports
from analyzer.model import Delta, Finding, Report
from analyzer.reports import gfm, markdown

Build = Callable[[], str]


def _many(count: int, path_length: int = 40) -> Report:
    findings = [
        Finding(
            rule="MEM001",
            category="unsafe-memory",
            message="Manages heap memory by hand.",
            path=f"src/{'d' * path_length}/f{n:05}.c",
            line=n + 1,
            marker="malloc-free",
            component=".",
            snippet=f"free(p{n});",
        )
        for n in range(count)
    ]
    return findings_report(findings, {"MEM001": 1.0})


def _many_delta(count: int) -> Delta:
    return dataclasses.replace(wasm_delta(), added_findings=_many(count).findings)


DOCUMENTS = [
    pytest.param(lambda: markdown.render(both_report()), id="both"),
    pytest.param(lambda: markdown.render(undecided_report()), id="undecided"),
    pytest.param(lambda: markdown.render(_many(3000)), id="truncated"),
    pytest.param(lambda: markdown.render_delta(wasm_delta()), id="delta"),
    pytest.param(lambda: markdown.render_delta(verdict_change_delta()), id="delta-verdict"),
    pytest.param(lambda: markdown.render_delta(_many_delta(3000)), id="delta-truncated"),
]


def _table_blocks(text: str) -> list[list[str]]:
    blocks: list[list[str]] = []
    current: list[str] = []
    for line in text.splitlines():
        if line.startswith("|"):
            current.append(line)
        elif current:
            blocks.append(current)
            current = []
    return blocks + ([current] if current else [])


def _cells(row: str) -> int:
    return len(re.findall(r"(?<!\\)\|", row)) - 1


@pytest.mark.parametrize("build", DOCUMENTS)
def test_structure_is_gfm(build: Build) -> None:
    text = build()
    assert text.splitlines()[0] == "<!-- rustgo-report -->"
    assert len(text) <= gfm.MAX_CHARS
    assert text.count("<details>") == text.count("</details>")
    assert text.count("<summary>") == text.count("</summary>")
    for block in _table_blocks(text):
        assert len(block) >= 2
        assert re.fullmatch(r"\|( (---|--:|:-:) \|)+", block[1])
        assert {_cells(row) for row in block} == {_cells(block[1])}


@pytest.mark.parametrize("build", DOCUMENTS)
def test_renders_through_markdown_it(build: Build) -> None:
    markdown_it = pytest.importorskip("markdown_it", reason="markdown-it-py (installed with rich) is absent")
    parser = markdown_it.MarkdownIt("gfm-like")
    try:
        import linkify_it  # noqa: F401
    except ImportError:
        parser.disable("linkify")
    text = build()
    rendered = parser.render(text)
    assert rendered.count("<table>") == len(_table_blocks(text))
    assert "<details><summary>" in rendered


def test_headline_and_sections_of_both_report() -> None:
    text = markdown.render(both_report())
    lines = text.splitlines()
    assert lines[2] == "### rustgo-analyzer: **Both** · confidence 71% · lean +0.04"
    assert (
        "**Runner-up:** Go · **Split:** `native/codec` → Rust, `services/api` → Go · **Interop:** FFI (C ABI)"
    ) in lines
    assert "| Performance and latency | 1.00 | `Go ◀─────┿━━━──▶ Rust` | +0.70 | 3 |" in lines
    assert "| Ecosystem and use cases | 1.00 | `Go ◀──━━━┿─────▶ Rust` | -0.52 | 7 |" in lines
    assert "<details><summary>Memory safety and security: +0.55 (1 item)</summary>" in lines
    assert "<details><summary>Findings: 11 counted</summary>" in lines
    assert "12 findings excluded (not counted): fixture 7, vendored 5." in lines
    assert "| `concurrency:goroutines` | 14 | goroutines 14 |" in lines
    assert "#### Components" in lines
    assert lines[-1] == (
        "<sub>rustgo-analyzer 0.1.0 · acme-platform @ `3f9c2e1a7b5d` · 312 files (198 counted) · 164 rules</sub>"
    )


def test_undecided_says_there_is_nothing() -> None:
    text = markdown.render(undecided_report())
    assert "### rustgo-analyzer: **Undecided** · confidence 0% · lean +0.00" in text
    assert "No evidence found: nothing in the repository points to Rust or Go." in text
    assert "No markers found." in text
    assert "#### Components" not in text
    assert "Diagnostics" not in text


@pytest.mark.parametrize(
    ("lean", "expected"),
    [
        pytest.param(0.0, "Go ◀─────┿─────▶ Rust", id="neutral"),
        pytest.param(1.0, "Go ◀─────┿━━━━━▶ Rust", id="rust"),
        pytest.param(-0.52, "Go ◀──━━━┿─────▶ Rust", id="go"),
        pytest.param(-7.0, "Go ◀━━━━━┿─────▶ Rust", id="clamped"),
        pytest.param(float("nan"), "Go ◀─────┿─────▶ Rust", id="nan"),
    ],
)
def test_bar(lean: float, expected: str) -> None:
    assert markdown.bar(lean) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("a|b", "a\\|b", id="pipe"),
        pytest.param("<script>", "\\<script\\>", id="html"),
        pytest.param("@octocat", "\\@octocat", id="mention"),
        pytest.param("[x](http://e)", "\\[x\\](http://e)", id="link"),
        pytest.param("- item", "\\- item", id="list"),
        pytest.param("2. item", "2\\. item", id="ordered"),
        pytest.param("line\nbreak", "line break", id="newline"),
        pytest.param("0.1.0", "0.1.0", id="version"),
    ],
)
def test_text_escaping(value: str, expected: str) -> None:
    assert gfm.text(value) == expected


@pytest.mark.parametrize(
    ("value", "table", "expected"),
    [
        pytest.param("src/a.rs", False, "`src/a.rs`", id="plain"),
        pytest.param("a`b", False, "``a`b``", id="backtick"),
        pytest.param("`x`", False, "`` `x` ``", id="edge-backticks"),
        pytest.param("a|b", True, "`a\\|b`", id="pipe-in-table"),
        pytest.param("a|b", False, "`a|b`", id="pipe-outside-table"),
    ],
)
def test_code_spans(value: str, table: bool, expected: str) -> None:
    assert gfm.code(value, table=table) == expected


def test_hostile_path_stays_in_its_cell() -> None:
    finding = Finding(
        rule="MEM001",
        category="unsafe-memory",
        message="Hand-managed memory.",
        path="x|y</details>\n@team.c",
        line=3,
        marker="malloc-free",
        component=".",
        snippet="a | b ` c",
    )
    text = markdown.render(findings_report([finding], {"MEM001": 1.0}))
    row = next(line for line in text.splitlines() if "MEM001" in line and "x" in line)
    assert row == "| `x\\|y</details> @team.c:3` | `MEM001` | Hand-managed memory. | ``a \\| b ` c`` |"
    markdown_it = pytest.importorskip("markdown_it", reason="markdown-it-py (installed with rich) is absent")
    rendered = markdown_it.MarkdownIt("gfm-like").disable("linkify").render(text)
    # Inside a code span the closing tag is text, so the rendered page keeps its sections balanced.
    assert "<td><code>x|y&lt;/details&gt; @team.c:3</code></td>" in rendered
    assert rendered.count("<details>") == rendered.count("</details>") == 2  # evidence and findings


def test_truncation_is_said_plainly() -> None:
    text = markdown.render(_many(3000))
    assert len(text) <= gfm.MAX_CHARS
    match = re.search(r"… truncated: (\d+) more findings \(see the JSON or SARIF report\)", text)
    assert match is not None
    shown = len([line for line in text.splitlines() if line.startswith("| `src/")])
    assert shown + int(match[1]) == 3000
    assert shown > 100


def test_no_truncation_note_when_it_fits() -> None:
    assert "truncated" not in markdown.render(_many(20))


def test_whole_sections_dropped_when_rows_are_not_enough() -> None:
    text = markdown.render(both_report(), cap=1500)
    assert len(text) <= 1500
    assert text.startswith("<!-- rustgo-report -->\n\n### rustgo-analyzer: **Both**")
    assert re.search(r"… truncated: \d+ more sections \(see the JSON or SARIF report\)\n$", text)
    assert text.count("<details>") == text.count("</details>")


def test_delta_headline_names_wasm_and_the_move() -> None:
    lines = markdown.render_delta(wasm_delta()).splitlines()
    assert lines[2] == "### rustgo-analyzer diff: **Both (unchanged)**"
    assert lines[4] == (
        "This change adds a WASM target and removes a container build: ecosystem +0.12 toward Rust, "
        "performance +0.03 toward Rust."
    )
    assert lines[6] == "Lean +0.04 → +0.16 (+0.12 toward Rust) · base `3f9c2e1a7b5d` → head work tree"
    assert "| Ecosystem and use cases | -0.52 | -0.40 | `Go ◀───━━┿─────▶ Rust` | +0.12 toward Rust |" in lines
    assert "| + | `wasm` | wasm-bindgen | 1 | `native/codec/web/Cargo.toml:8` |" in lines
    assert "| - | `container` | dockerfile | 1 | `services/api/Dockerfile:1` |" in lines
    assert "<details><summary>Findings: 1 added, 1 removed</summary>" in lines


def test_delta_verdict_change() -> None:
    text = markdown.render_delta(verdict_change_delta())
    assert "### rustgo-analyzer diff: **Undecided → Both (verdict changed)**" in text
    assert "This change adds goroutines, manual memory management, lock-free code and 8 more: " in text


@pytest.mark.parametrize(
    ("build", "fmt"),
    [
        pytest.param(wasm_delta, "markdown", id="markdown"),
        pytest.param(wasm_delta, "terminal", id="terminal"),
        pytest.param(wasm_delta, "json", id="json"),
    ],
)
def test_render_delta_dispatch(build: Callable[[], Delta], fmt: str) -> None:
    text = reports.render_delta(build(), fmt)
    assert "This change adds a WASM target" in text
    assert text == reports.render_delta(build(), fmt)


def test_render_delta_rejects_unknown_formats() -> None:
    with pytest.raises(ValueError, match="unknown report format 'pdf'"):
        reports.render_delta(wasm_delta(), "pdf")


def test_delta_truncation_is_said_plainly() -> None:
    text = markdown.render_delta(_many_delta(3000))
    assert len(text) <= gfm.MAX_CHARS
    match = re.search(r"… truncated: (\d+) more findings \(see the JSON or SARIF report\)", text)
    assert match is not None
    shown = len([line for line in text.splitlines() if line.startswith("| + | `src/")])
    assert shown + int(match[1]) == 3001  # the wasm delta's own removed finding counts too
