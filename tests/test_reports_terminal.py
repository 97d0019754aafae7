"""The terminal report: content, caps, plain output without colour, safety of repository text, and a snapshot.

The snapshot ``tests/snapshots/terminal_sample.txt`` is compared exactly; after a deliberate change to the
layout, rewrite it with ``python tests/golden.py`` (the one command for every golden and snapshot) and review the
diff.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable

import pytest
from golden import SNAPSHOT, terminal_snapshot
from report_samples import both_report, undecided_report
from rich.cells import cell_len

from analyzer.model import Diagnostic, EvidenceItem, Finding, Lean, Report, Severity
from analyzer.reports import terminal

ANSI = re.compile(r"\x1b\[")
SAMPLES = [pytest.param(both_report, id="both"), pytest.param(undecided_report, id="undecided")]


def _lines(text: str) -> list[str]:
    return text.splitlines()


def test_snapshot_matches_exactly() -> None:
    assert terminal_snapshot() == SNAPSHOT.read_text(encoding="utf-8"), "review, then `python tests/golden.py`"


@pytest.mark.parametrize(
    "expected",
    [
        pytest.param("│ BOTH   confidence 71%   lean +0.04", id="verdict-in-capitals"),
        pytest.param("Runner-up: Go", id="runner-up"),
        pytest.param("  native/codec → Rust", id="split-rust"),
        pytest.param("  services/api → Go", id="split-go"),
        pytest.param("Interop: FFI (C ABI)", id="interop"),
        pytest.param("╰─ acme-platform @ 3f9c2e1a7b5d", id="target-and-short-revision"),
        pytest.param("Evidence  top 10 of 11 by weight", id="evidence-heading"),
        pytest.param("native/codec/legacy/lz.c:88", id="evidence-location"),
        pytest.param("concurrency:goroutines  14  goroutines 14", id="marker-with-count"),
        pytest.param("12 facts excluded: fixture 7, vendored 5 (express, openssl)", id="excluded-summary"),
        pytest.param("Languages: Go 68% · Rust 25% · C 4%", id="languages"),
        pytest.param("312 files (198 counted) · 2.5 MB read · 164 rules", id="stats"),
    ],
)
def test_both_report_contains(expected: str) -> None:
    assert expected in terminal.render(both_report(), width=100)


@pytest.mark.parametrize(
    "pattern",
    [
        pytest.param(r"docs/assets/shared +info +symlink points outside the repository; not followed", id="diag"),
        pytest.param(r"\(repository\) +info +no git history", id="repository-diagnostic"),
    ],
)
def test_diagnostics_are_located_rows(pattern: str) -> None:
    assert re.search(pattern, terminal.render(both_report(), width=100))


@pytest.mark.parametrize(
    "pattern",
    [
        pytest.param(r"Performance and latency +1\.00  Go ◀─────┿━━━──▶ Rust  \+0\.70 +3", id="leans-rust"),
        pytest.param(r"Concurrency +0\.80  Go ◀─────┿─────▶ Rust  \+0\.00 +2", id="balanced"),
        pytest.param(r"Ecosystem and use cases +1\.00  Go ◀──━━━┿─────▶ Rust  -0\.52 +7", id="leans-go"),
    ],
)
def test_criteria_rows(pattern: str) -> None:
    text = terminal.render(both_report(), width=100)
    assert any(re.fullmatch(pattern, line) for line in _lines(text))


def test_undecided_report_says_so_plainly() -> None:
    text = terminal.render(undecided_report(), width=80)
    assert "│ UNDECIDED   confidence 0%" in text
    assert "Too little evidence to decide" in text
    assert "No evidence found" in text
    assert "No markers found." in text
    assert "Runner-up" not in text
    assert "Split:" not in text
    assert "Components" not in text
    assert "excluded" not in text
    assert "Diagnostics" not in text


@pytest.mark.parametrize("build", SAMPLES)
@pytest.mark.parametrize("width", [80, 100, 140])
def test_plain_output_fits_width_without_escapes(build: Callable[[], Report], width: int) -> None:
    text = terminal.render(build(), width=width, verbose=True)
    assert ANSI.search(text) is None
    assert "\x1b" not in text
    assert max(cell_len(line) for line in _lines(text)) <= width
    assert all(line == line.rstrip() for line in _lines(text))


def test_color_output_has_escapes_and_same_text() -> None:
    colored = terminal.render(both_report(), color=True, width=100)
    plain = terminal.render(both_report(), width=100)
    assert ANSI.search(colored) is not None
    stripped = re.sub(r"\x1b\[[0-9;]*m", "", colored)
    assert [line.rstrip() for line in _lines(stripped)] == _lines(plain)


def test_output_ignores_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    expected = terminal.render(both_report(), width=90)
    for name, value in {"COLUMNS": "40", "FORCE_COLOR": "1", "TERM": "xterm-256color", "TTY_COMPATIBLE": "1"}.items():
        monkeypatch.setenv(name, value)
    assert terminal.render(both_report(), width=90) == expected
    assert terminal.render(both_report(), width=90) == expected


@pytest.mark.parametrize(
    ("lean", "expected"),
    [
        pytest.param(-1.0, "Go ◀━━━━━┿─────▶ Rust", id="clearly-go"),
        pytest.param(-0.52, "Go ◀──━━━┿─────▶ Rust", id="leans-go"),
        pytest.param(0.0, "Go ◀─────┿─────▶ Rust", id="neutral"),
        pytest.param(0.05, "Go ◀─────┿─────▶ Rust", id="too-small-to-draw"),
        pytest.param(0.3, "Go ◀─────┿━━───▶ Rust", id="leans-rust"),
        pytest.param(1.0, "Go ◀─────┿━━━━━▶ Rust", id="clearly-rust"),
        pytest.param(3.0, "Go ◀─────┿━━━━━▶ Rust", id="clamped"),
        pytest.param(float("nan"), "Go ◀─────┿─────▶ Rust", id="nan-neutral"),
    ],
)
def test_lean_bar(lean: float, expected: str) -> None:
    assert terminal.lean_bar(lean).plain == expected


def _with_evidence(count: int) -> Report:
    report = both_report()
    items = tuple(
        EvidenceItem(
            criterion="performance",
            leans=Lean.RUST,
            weight=3.0 + i / 100,
            rule=f"LAT{i:03d}",
            category="low-latency",
            marker="spin",
            message=f"Busy-spins on a hot path {i}.",
            path=f"src/hot{i:02d}.rs",
            line=i + 1,
            component=".",
        )
        for i in range(count)
    )
    criteria = (dataclasses.replace(report.criteria[0], evidence=items), *report.criteria[1:])
    return dataclasses.replace(report, criteria=criteria)


def test_evidence_top_ten_by_weight_or_all_when_verbose() -> None:
    report = _with_evidence(25)
    total = 25 + sum(1 for _ in {(e.path, e.line) for c in report.criteria[1:] for e in c.evidence})
    short = terminal.render(report, width=120)
    assert f"Evidence  top 10 of {total} by weight" in short
    shown = [line.split()[0] for line in _lines(short) if line.startswith("src/hot")]
    assert shown == [f"src/hot{i:02d}.rs:{i + 1}" for i in range(24, 14, -1)]  # weightiest first
    verbose = terminal.render(report, width=120, verbose=True)
    assert f"Evidence  all {total}" in verbose
    assert sum(1 for line in _lines(verbose) if line.startswith("src/hot")) == 25


def test_fact_feeding_two_criteria_is_listed_once() -> None:
    text = terminal.render(both_report(), width=120, verbose=True)
    located = [line for line in _lines(text) if line.startswith("services/api/go.mod:1 ")]
    assert len(located) == 1
    assert located[0].endswith("→ Go")


@pytest.mark.parametrize(
    ("verbose", "shown", "tail"),
    [pytest.param(False, 20, "… and 5 more", id="capped"), pytest.param(True, 25, None, id="verbose-all")],
)
def test_diagnostics_cap(verbose: bool, shown: int, tail: str | None) -> None:
    diagnostics = tuple(
        Diagnostic(path=f"pkg{i:02d}/package.json", message="invalid JSON", severity=Severity.ERROR, stage="manifests")
        for i in range(25)
    )
    report = dataclasses.replace(both_report(), diagnostics=diagnostics)
    text = terminal.render(report, width=100, verbose=verbose)
    assert "Diagnostics  25" in text
    assert sum(1 for line in _lines(text) if re.match(r"pkg\d\d/package\.json  error  invalid JSON$", line)) == shown
    assert (tail in text) if tail else ("more" not in text.split("Diagnostics")[1])


def test_components_table_only_with_several_components() -> None:
    report = both_report()
    assert "Components" in terminal.render(report, width=100)
    single = dataclasses.replace(report, components=report.components[:1])
    assert "Components" not in terminal.render(single, width=100)


def test_repository_text_is_inert() -> None:
    hostile = Finding(
        rule="WEB001",
        category="http-server",
        message="x",
        path="a.py",
        line=1,
        marker="flask",
        component=".",
        excluded="vendored",
    )
    report = both_report()
    evidence = EvidenceItem(
        criterion="interop",
        leans=Lean.RUST,
        weight=9.0,
        rule="FFI001",
        category="ffi",
        marker="ctypes",
        message="[bold red]not markup[/] \x1b[2J cleared",
        path="evil\x1b]0;pwned\x07\u202e.py",
        line=3,
        component=".",
    )
    criteria = (*report.criteria[:-1], dataclasses.replace(report.criteria[-1], evidence=(evidence,)))
    report = dataclasses.replace(report, criteria=criteria, findings=(*report.findings, hostile))
    text = terminal.render(report, width=120)
    assert "\x1b" not in text
    assert "\x07" not in text
    assert "\u202e" not in text
    assert "evil\\x1b]0;pwned\\x07\\u202e.py:3" in text
    assert "[bold red]not markup[/] \\x1b[2J cleared" in text
    assert "13 facts excluded: fixture 7, vendored 6" in text


@pytest.mark.parametrize("width", [60, 80, 120, 200])
def test_locations_whole_and_lines_fit_at_every_width(width: int) -> None:
    from report_samples import wasm_delta

    from analyzer.reports import terminal_delta

    report = both_report()
    text = terminal.render(report, width=width, verbose=True)
    delta_text = terminal_delta.render_delta(wasm_delta(), width=width, verbose=True)
    for rendered in (text, delta_text):
        assert max(cell_len(line) for line in _lines(rendered)) <= width
    places = {f"{i.path}:{i.line}" if i.line else i.path for c in report.criteria for i in c.evidence if i.path}
    for place in places:
        assert any(re.search(rf"(^|\s){re.escape(place)}(\s|$)", line) for line in _lines(text)), place
    delta = wasm_delta()
    for finding in (*delta.added_findings, *delta.removed_findings):
        place = f"{finding.path}:{finding.line}" if finding.line else finding.path
        assert any(re.search(rf"(^|\s){re.escape(place)}(\s|$)", line) for line in _lines(delta_text)), place


def test_markers_are_ordered_by_their_weight_in_the_verdict() -> None:
    text = terminal.render(both_report(), width=100)
    block = text.split("\nMarkers", 1)[1].split("\n\n", 1)[0].splitlines()[1:]
    categories = [line.split()[0] for line in block]
    weights: dict[str, float] = {}
    for score in both_report().criteria:
        for item in score.evidence:
            weights[item.category] = weights.get(item.category, 0.0) + item.weight * score.weight
    assert [round(weights.get(c, 0.0), 9) for c in categories] == sorted(
        (round(weights.get(c, 0.0), 9) for c in categories), reverse=True
    )
    assert categories != sorted(categories)  # not alphabetical
