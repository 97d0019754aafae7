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
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from rich import box
from rich.console import Console, Group, RenderableType
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from analyzer.model import Diagnostic, Effort, EvidenceItem, Lean, Marker, Report, Severity, VerdictLanguage
from analyzer.reports._text import visible
from analyzer.reports.findings import baseline_note
from analyzer.reports.terminal_rows import Excerpts, Row, excerpt, place, rows_block, statistics_block

DEFAULT_WIDTH = 100
TOP_EVIDENCE = 10
TOP_NEW_FINDINGS = 20
NARROW = 80
"""Below this width the lean bars are shorter, so criterion names keep their words whole."""
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


def render(
    report: Report,
    *,
    color: bool = False,
    width: int | None = None,
    verbose: bool = False,
    excerpts: Excerpts | None = None,
    statistics: bool = False,
) -> str:
    """The report as terminal text; ANSI styles only when ``color``; every line fits ``width`` (default 100).

    ``excerpts`` (``--show-source``) are the source lines to show under each located row; ``statistics`` adds the
    counts of counted findings per rule.
    """
    width = width or DEFAULT_WIDTH
    view = _View(verbose, width, excerpts, statistics)
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        width=width,
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
    for index, block in enumerate(_blocks(report, view)):
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
    return visible(value)


@dataclass(frozen=True)
class _View:
    """How much of the report to show, and how wide."""

    verbose: bool
    width: int
    excerpts: Excerpts | None
    statistics: bool


def _place(path: str, line: int) -> str:
    return place(path, line, clean)


def _source(view: _View, path: str, line: int) -> RenderableType | None:
    return None if view.excerpts is None else excerpt(view.excerpts.get(path), line, clean)


def _percent(fraction: float) -> str:
    return f"{int(fraction * 100 + 0.5)}%"


def _signed(lean: float) -> str:
    """``+0.70`` / ``-0.52``; anything that rounds to zero prints as ``+0.00``, never ``-0.00``."""
    return f"{lean if abs(lean) >= 0.005 else 0.0:+.2f}"


def _size(count: int) -> str:
    return f"{count / 1_000_000:.1f} MB" if count >= 100_000 else f"{count / 1000:.1f} kB"


def _heading(title: str, detail: str = "") -> Text:
    return Text.assemble((title, "bold underline"), (f"  {detail}" if detail else "", "dim"))


def _blocks(report: Report, view: _View) -> Iterator[RenderableType]:
    verbose = view.verbose
    yield _verdict_panel(report, verbose)
    yield _criteria_table(report, view.width)
    yield _evidence_block(report, view)
    if report.hidden_by_baseline is not None:
        yield _new_findings_block(report, view)
    if view.statistics:
        yield statistics_block(report.findings, clean)
    weights = _category_weights(report)
    yield _markers_block(report.markers, verbose, weights)
    if len(report.components) > 1:
        yield _components_table(report)
    excluded = _excluded_line(report)
    if excluded is not None:
        yield excluded
    if report.diagnostics:
        yield _diagnostics_block(report.diagnostics, view)
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


def _criteria_table(report: Report, width: int) -> RenderableType:
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False, collapse_padding=True)
    # Names wrap between words, never inside one; a narrow screen gets a shorter bar instead.
    longest_word = max((len(word) for s in report.criteria for word in clean(s.name).split()), default=12)
    table.add_column("Criterion", overflow="fold", min_width=min(max(longest_word, 12), 20))
    table.add_column("Weight", justify="right")
    table.add_column("Lean", no_wrap=True)
    table.add_column("", justify="right", no_wrap=True)
    table.add_column("Evidence", justify="right")
    for score in report.criteria:
        table.add_row(
            clean(score.name),
            f"{score.weight:.2f}",
            lean_bar(score.lean, half=5 if width >= NARROW else 3),
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


def _evidence_block(report: Report, view: _View) -> RenderableType:
    ranked = _ranked_evidence(item for score in report.criteria for item in score.evidence)
    if not ranked:
        return Group(_heading("Evidence"), Text("No evidence found: nothing in the repository points to Rust or Go."))
    shown = ranked if view.verbose else ranked[:TOP_EVIDENCE]
    detail = f"all {len(ranked)}" if len(shown) == len(ranked) else f"top {len(shown)} of {len(ranked)} by weight"
    rows = [
        Row(
            _place(item.path, item.line),
            Text(clean(item.rule), "bold"),
            clean(item.message),
            tail=Text("→ Rust", _RUST_STYLE) if item.leans is Lean.RUST else Text("→ Go", _GO_STYLE),
            source=_source(view, item.path, item.line),
        )
        for item, _weight in shown
    ]
    return Group(_heading("Evidence", detail), rows_block(rows, view.width))


def source_places(report: Report, verbose: bool = False) -> list[tuple[str, int]]:
    """Where the report will show a located row, so the CLI can read the source ``--show-source`` prints."""
    ranked = _ranked_evidence(item for score in report.criteria for item in score.evidence)
    shown = ranked if verbose else ranked[:TOP_EVIDENCE]
    places = [(item.path, item.line) for item, _ in shown]
    if report.hidden_by_baseline is not None:
        counted = [f for f in report.findings if f.excluded is None]
        places += [(f.path, f.line) for f in (counted if verbose else counted[:TOP_NEW_FINDINGS])]
    return places


def _new_findings_block(report: Report, view: _View) -> RenderableType:
    """With ``--baseline``: the findings the baseline did not know, and how many it hid."""
    counted = [f for f in report.findings if f.excluded is None]
    shown = counted if view.verbose else counted[:TOP_NEW_FINDINGS]
    detail = f"{len(counted)} not in the baseline · {baseline_note(report.hidden_by_baseline or 0)}"
    if not counted:
        return Group(_heading("New findings", detail), Text("No new findings."))
    rows = [
        Row(
            _place(f.path, f.line),
            Text(clean(f.rule), "bold"),
            clean(f.message),
            source=_source(view, f.path, f.line),
        )
        for f in shown
    ]
    lines: list[RenderableType] = [_heading("New findings", detail), rows_block(rows, view.width)]
    if len(shown) < len(counted):
        lines.append(Text(f"… and {len(counted) - len(shown)} more (--verbose shows all)", "dim"))
    return Group(*lines)


def _category_weights(report: Report) -> dict[str, float]:
    """Per marker category (and per ``category/marker``), the evidence weight it carries in the verdict."""
    weights: dict[str, float] = defaultdict(float)
    for score in report.criteria:
        for item in score.evidence:
            weights[item.category] += item.weight * score.weight
            weights[f"{item.category}/{item.marker}"] += item.weight * score.weight
    return dict(weights)


def _grouped(markers: Iterable[Marker], weights: Mapping[str, float]) -> list[tuple[str, int, list[Marker]]]:
    """Categories with their total count, weightiest in the verdict first (then by count); markers inside likewise."""
    groups: dict[str, list[Marker]] = defaultdict(list)
    for marker in markers:
        groups[marker.category].append(marker)

    def marker_key(m: Marker) -> tuple[float, int, str]:
        return (-round(weights.get(f"{m.category}/{m.name}", 0.0), 9), -m.count, m.name)

    ranked = [
        (category, sum(m.count for m in items), sorted(items, key=marker_key)) for category, items in groups.items()
    ]
    return sorted(ranked, key=lambda group: (-round(weights.get(group[0], 0.0), 9), -group[1], group[0]))


def _markers_block(markers: tuple[Marker, ...], verbose: bool, weights: Mapping[str, float]) -> RenderableType:
    groups = _grouped(markers, weights)
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
        ordered = _top_markers(report, component.path, component.markers)
        markers = ", ".join(clean(m) for m in ordered[:COMPONENT_MARKERS])
        if len(ordered) > COMPONENT_MARKERS:
            markers += f" +{len(ordered) - COMPONENT_MARKERS}"
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


def _top_markers(report: Report, component: str, categories: Iterable[str]) -> list[str]:
    """A component's marker categories, weightiest in its evidence first (ties by name, not alphabet alone)."""
    weights: dict[str, float] = defaultdict(float)
    for score in report.criteria:
        for item in score.evidence:
            if item.component == component:
                weights[item.category] += item.weight * score.weight
    return sorted(categories, key=lambda category: (-round(weights.get(category, 0.0), 9), category))


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


def _diagnostics_block(diagnostics: tuple[Diagnostic, ...], view: _View) -> RenderableType:
    shown = diagnostics if view.verbose else diagnostics[:MAX_DIAGNOSTICS]
    rows = [
        Row(_place(d.path, 0), Text(d.severity.value, _SEVERITY_STYLES.get(d.severity, "")), clean(d.message))
        for d in shown
    ]
    lines: list[RenderableType] = [_heading("Diagnostics", str(len(diagnostics))), rows_block(rows, view.width)]
    if len(shown) < len(diagnostics):
        lines.append(Text(f"… and {len(diagnostics) - len(shown)} more", "dim"))
    return Group(*lines)


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
