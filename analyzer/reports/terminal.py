"""The terminal report: a rich rendering of a Report into a string, for the engineer at a prompt (DESIGN §1).

It shows the verdict, a lean bar per criterion, the weightiest evidence as linter-style
``path:line  RULE  message`` lines, markers by category, components, excluded facts and diagnostics. The
console writes into a buffer with a fixed width and an empty environment, so the output depends on the
Report alone; without colour it holds no escape sequences at all. Every string that came from the analyzed
repository is printed as plain text (rich markup off) with control characters escaped, because a hostile
file name must not be able to drive the user's terminal.
"""

from __future__ import annotations

import io
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator

from rich import box
from rich.console import Console, Group, RenderableType
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from analyzer.model import Diagnostic, Effort, EvidenceItem, Lean, Marker, Report, Severity, VerdictLanguage

DEFAULT_WIDTH = 100
TOP_EVIDENCE = 10
MAX_DIAGNOSTICS = 20
TOP_REASONS = 3
MARKERS_PER_CATEGORY = 6
COMPONENT_MARKERS = 4

_RUST_STYLE = "bold dark_orange"
_GO_STYLE = "bold cyan"
_LANGUAGE_NAMES = {
    VerdictLanguage.RUST: "Rust",
    VerdictLanguage.GO: "Go",
    VerdictLanguage.BOTH: "Both",
    VerdictLanguage.UNDECIDED: "Undecided",
}
_LANGUAGE_STYLES = {VerdictLanguage.RUST: _RUST_STYLE, VerdictLanguage.GO: _GO_STYLE, VerdictLanguage.BOTH: "bold"}
_INTEROP_NAMES = {"ffi": "FFI (C ABI)", "grpc": "gRPC", "rest": "REST"}
_SEVERITY_STYLES = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "dim"}
# Bidirectional overrides can make a path read differently from what it is ("Trojan Source").
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def render(report: Report, *, color: bool = False, width: int | None = None, verbose: bool = False) -> str:
    """The report as terminal text; ANSI styles only when ``color``; every line fits ``width`` (default 100)."""
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        width=width or DEFAULT_WIDTH,
        height=25,
        color_system="256" if color else None,
        force_terminal=color,
        force_jupyter=False,
        force_interactive=False,
        no_color=not color,
        highlight=False,
        markup=False,
        emoji=False,
        legacy_windows=False,
        _environ={},  # COLUMNS, FORCE_COLOR, TERM... of the user must not change the output
    )
    for index, block in enumerate(_blocks(report, verbose)):
        if index:
            console.print()
        console.print(block)
    # Table cells are padded to their column width; trailing blanks are noise in diffs and snapshots.
    return "".join(line.rstrip(" ") + "\n" for line in buffer.getvalue().splitlines())


def lean_bar(lean: float, *, half: int = 5) -> Text:
    """``Go ◀━━━━━┿━━━━━▶ Rust`` with the side the lean points to filled from the centre, ``half`` cells a side."""
    lean = max(-1.0, min(1.0, lean)) if lean == lean else 0.0  # NaN draws as neutral
    filled = int(abs(lean) * half + 0.5)
    go = filled if lean < 0 else 0
    rust = filled if lean > 0 else 0
    return Text.assemble(
        ("Go ◀", _GO_STYLE if go else "dim"),
        ("─" * (half - go), "dim"),
        ("━" * go, _GO_STYLE),
        ("┿", ""),
        ("━" * rust, _RUST_STYLE),
        ("─" * (half - rust), "dim"),
        ("▶ Rust", _RUST_STYLE if rust else "dim"),
    )


def clean(value: str) -> str:
    """Escape control and bidi characters so repository text cannot move the cursor or recolour the screen."""
    if value.isprintable() and not _BIDI.intersection(value):
        return value
    return "".join(_escaped(ch) if not ch.isprintable() or ch in _BIDI else ch for ch in value)


def _escaped(ch: str) -> str:
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def _place(path: str, line: int) -> str:
    shown = clean(path) if path else "(repository)"
    return f"{shown}:{line}" if line > 0 else shown


def _percent(fraction: float) -> str:
    return f"{int(fraction * 100 + 0.5)}%"


def _signed(lean: float) -> str:
    """``+0.70`` / ``-0.52``; anything that rounds to zero prints as ``+0.00``, never ``-0.00``."""
    return f"{lean if abs(lean) >= 0.005 else 0.0:+.2f}"


def _size(count: int) -> str:
    return f"{count / 1_000_000:.1f} MB" if count >= 100_000 else f"{count / 1000:.1f} kB"


def _heading(title: str, detail: str = "") -> Text:
    return Text.assemble((title, "bold underline"), (f"  {detail}" if detail else "", "dim"))


def _blocks(report: Report, verbose: bool) -> Iterator[RenderableType]:
    yield _verdict_panel(report, verbose)
    yield _criteria_table(report)
    yield _evidence_block(report, verbose)
    yield _markers_block(report.markers, verbose)
    if len(report.components) > 1:
        yield _components_table(report)
    excluded = _excluded_line(report)
    if excluded is not None:
        yield excluded
    if report.diagnostics:
        yield _diagnostics_block(report.diagnostics, verbose)
    if report.effort is not None:
        yield _effort_block(report.effort)
    yield _footer(report, verbose)


def _effort_block(effort: Effort) -> RenderableType:
    """Size and complexity for a porting estimate: lines per language, Python complexity, hot spots."""
    sizes = " · ".join(f"{clean(x.language)} {x.lines:,}" for x in effort.lines[:6]) or "no source lines"
    rows: list[tuple[str, str | Text]] = [("Lines", sizes)]
    if effort.python_files:
        rows.append(
            (
                "Python",
                f"{effort.python_sloc:,} SLOC in {effort.python_files} files, {effort.functions:,} "
                f"functions, mean complexity {effort.mean_complexity:.1f}",
            )
        )
    for spot in effort.hotspots[:5]:
        rows.append((f"{clean(spot.path)}:{spot.line}", f"{clean(spot.name)} (complexity {spot.complexity})"))
    return Group(Text("Porting effort", style="bold"), _indented(rows))


def _indented(rows: Iterable[tuple[str, str | Text]]) -> Padding:
    """Two-column rows indented by two cells, so a wrapped second column keeps a hanging indent."""
    grid = Table.grid(padding=(0, 1), pad_edge=False)
    grid.add_column(no_wrap=True)
    grid.add_column(overflow="fold")
    for head, body in rows:
        grid.add_row(head, body)
    return Padding(grid, (0, 0, 0, 2))


def _verdict_panel(report: Report, verbose: bool) -> Panel:
    verdict = report.verdict
    lines: list[RenderableType] = [
        Text.assemble(
            (_LANGUAGE_NAMES[verdict.language].upper(), _LANGUAGE_STYLES.get(verdict.language, "bold")),
            f"   confidence {_percent(verdict.confidence)}   lean {_signed(verdict.lean)}",
        ),
        Text(clean(verdict.summary)),
    ]
    if verdict.runner_up is not None:
        lines.append(Text(f"Runner-up: {_LANGUAGE_NAMES[verdict.runner_up]}"))
    if verdict.split:
        lines.append(Text("Split:"))
        lines.append(
            _indented(
                (clean(path), Text.assemble("→ ", (_LANGUAGE_NAMES[lang], _LANGUAGE_STYLES.get(lang, ""))))
                for path, lang in verdict.split
            )
        )
    if verdict.interop:
        lines.append(Text(f"Interop: {_INTEROP_NAMES.get(verdict.interop, clean(verdict.interop))}"))
    reasons = verdict.reasons if verbose else verdict.reasons[:TOP_REASONS]
    if reasons:
        lines.append(Text("Why:"))
        lines.append(_indented(("•", clean(reason)) for reason in reasons))
    title = f"{clean(report.tool_name)} {clean(report.tool_version)}"
    target = clean(report.target.path)
    if report.target.revision:
        target += f" @ {clean(report.target.revision)[:12]}"
    return Panel(
        Group(*lines),
        title=title,
        title_align="left",
        subtitle=target,
        subtitle_align="left",
        box=box.ROUNDED,
        padding=(0, 1),
    )


def _criteria_table(report: Report) -> RenderableType:
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False, collapse_padding=True)
    table.add_column("Criterion", overflow="fold", min_width=12)
    table.add_column("Weight", justify="right")
    table.add_column("Lean", no_wrap=True)
    table.add_column("", justify="right", no_wrap=True)
    table.add_column("Evidence", justify="right")
    for score in report.criteria:
        table.add_row(
            clean(score.name),
            f"{score.weight:.2f}",
            lean_bar(score.lean),
            _signed(score.lean),
            str(len(score.evidence)),
        )
    return Group(_heading("Criteria", "-1 = clearly Go, +1 = clearly Rust"), table)


def _ranked_evidence(items: Iterable[EvidenceItem]) -> list[tuple[EvidenceItem, float]]:
    """One line per fact: a fact feeding several criteria is shown once with its summed weight."""
    totals: dict[tuple[str, int, str, str], tuple[EvidenceItem, float]] = {}
    for item in items:
        key = (item.path, item.line, item.rule, item.message)
        first, total = totals.get(key, (item, 0.0))
        totals[key] = (first, total + item.weight)
    return sorted(totals.values(), key=lambda pair: (-pair[1], pair[0].path, pair[0].line, pair[0].rule))


def _evidence_block(report: Report, verbose: bool) -> RenderableType:
    ranked = _ranked_evidence(item for score in report.criteria for item in score.evidence)
    if not ranked:
        return Group(_heading("Evidence"), Text("No evidence found: nothing in the repository points to Rust or Go."))
    shown = ranked if verbose else ranked[:TOP_EVIDENCE]
    detail = f"all {len(ranked)}" if len(shown) == len(ranked) else f"top {len(shown)} of {len(ranked)} by weight"
    grid = Table.grid(padding=(0, 2))
    grid.add_column(overflow="fold")
    grid.add_column(no_wrap=True)
    grid.add_column(overflow="fold", ratio=1)
    grid.add_column(no_wrap=True)
    for item, _weight in shown:
        toward = Text("→ Rust", _RUST_STYLE) if item.leans is Lean.RUST else Text("→ Go", _GO_STYLE)
        grid.add_row(_place(item.path, item.line), Text(clean(item.rule), "bold"), clean(item.message), toward)
    return Group(_heading("Evidence", detail), grid)


def _grouped(markers: Iterable[Marker]) -> list[tuple[str, int, list[Marker]]]:
    """Categories with their total count, weightiest first; markers inside likewise."""
    groups: dict[str, list[Marker]] = defaultdict(list)
    for marker in markers:
        groups[marker.category].append(marker)
    ranked = [
        (category, sum(m.count for m in items), sorted(items, key=lambda m: (-m.count, m.name)))
        for category, items in groups.items()
    ]
    return sorted(ranked, key=lambda group: (-group[1], group[0]))


def _markers_block(markers: tuple[Marker, ...], verbose: bool) -> RenderableType:
    groups = _grouped(markers)
    if not groups:
        return Group(_heading("Markers"), Text("No markers found."))
    grid = Table.grid(padding=(0, 2))
    grid.add_column(no_wrap=True)
    grid.add_column(justify="right", no_wrap=True)
    grid.add_column(overflow="fold", ratio=1)
    for category, total, items in groups:
        shown = items if verbose else items[:MARKERS_PER_CATEGORY]
        names = " · ".join(f"{clean(m.name)} {m.count}" for m in shown)
        if len(shown) < len(items):
            names += f" · +{len(items) - len(shown)} more"
        grid.add_row(Text(clean(category), "bold"), str(total), names)
    facts = sum(total for _, total, _ in groups)
    return Group(_heading("Markers", f"{facts} facts in {len(groups)} categories"), grid)


def _components_table(report: Report) -> RenderableType:
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False, collapse_padding=True)
    table.add_column("Component", overflow="fold", min_width=12)
    table.add_column("Verdict", no_wrap=True)
    table.add_column("Conf.", justify="right", no_wrap=True)
    table.add_column("Lean", justify="right", no_wrap=True)
    table.add_column("Files", justify="right")
    table.add_column("Top markers", overflow="fold", ratio=1)
    for component in report.components:
        markers = ", ".join(clean(m) for m in component.markers[:COMPONENT_MARKERS])
        if len(component.markers) > COMPONENT_MARKERS:
            markers += f" +{len(component.markers) - COMPONENT_MARKERS}"
        verdict = Text(_LANGUAGE_NAMES[component.verdict], _LANGUAGE_STYLES.get(component.verdict, ""))
        table.add_row(
            clean(component.path),
            verdict,
            _percent(component.confidence),
            _signed(component.lean),
            str(component.files),
            markers,
        )
    return Group(_heading("Components"), table)


def _excluded_line(report: Report) -> Text | None:
    """``12 facts excluded: fixture 7, vendored 5``: reasons come from the findings, which carry them."""
    reasons = Counter(finding.excluded for finding in report.findings if finding.excluded is not None)
    total = sum(reasons.values()) or sum(marker.count for marker in report.excluded)
    if not total:
        return None
    text = f"{total} {'fact' if total == 1 else 'facts'} excluded"
    if reasons:
        ranked = sorted(reasons.items(), key=lambda pair: (-pair[1], pair[0]))
        text += ": " + ", ".join(f"{clean(reason)} {count}" for reason, count in ranked)
    names = sorted({clean(marker.name) for marker in report.excluded})
    if names:
        text += f" ({', '.join(names)})"
    return Text(text, "dim")


def _diagnostics_block(diagnostics: tuple[Diagnostic, ...], verbose: bool) -> RenderableType:
    shown = diagnostics if verbose else diagnostics[:MAX_DIAGNOSTICS]
    lines = [
        Text.assemble((_place(d.path, 0), _SEVERITY_STYLES.get(d.severity, "")), f": {clean(d.message)}") for d in shown
    ]
    if len(shown) < len(diagnostics):
        lines.append(Text(f"… and {len(diagnostics) - len(shown)} more", "dim"))
    return Group(_heading("Diagnostics", str(len(diagnostics))), *lines)


def _footer(report: Report, verbose: bool) -> Text:
    stats = report.stats
    parts = [
        f"{stats.files:,} files ({stats.counted_files:,} counted)",
        f"{_size(stats.bytes_read)} read",
        f"{stats.rules} rules",
    ]
    if verbose:  # timing varies run to run; kept out of the default output so it can be compared exactly
        parts.append(f"{stats.seconds:.2f} s")
    languages = " · ".join(f"{clean(s.language)} {_percent(s.share)}" for s in report.languages[:5])
    footer = Text(" · ".join(parts), "dim")
    if languages:
        footer = Text.assemble(("Languages: ", "dim"), languages, "\n", footer)
    return footer
