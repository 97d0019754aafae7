"""The terminal rendering of a Delta (``analyze diff``): what the change does to the verdict, in a few lines.

It opens with a panel holding the verdict change, the lean's move and the one-sentence headline, then lists the
criteria that moved with their new lean bar, the marker categories added and removed, and the findings added
(``+``) and removed (``-``). Like the report renderer it writes into a fixed-width buffer with an empty
environment and prints repository text escaped, so the output depends on the Delta alone.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

from rich import box
from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from analyzer.model import Delta, Finding, Marker, Target
from analyzer.reports import change
from analyzer.reports.findings import baseline_note
from analyzer.reports.terminal import DEFAULT_WIDTH, clean, lean_bar
from analyzer.reports.terminal_rows import Row, place, rows_block

TOP_FINDINGS = 20
_ADDED = "green"
_REMOVED = "red"


def render_delta(delta: Delta, *, color: bool = False, width: int | None = None, verbose: bool = False) -> str:
    """The delta as terminal text; ANSI styles only when ``color``; lines fit ``width`` (default 100)."""
    width = width or DEFAULT_WIDTH
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
        _environ={},
    )
    for index, block in enumerate(_blocks(delta, verbose, width)):
        if index:
            console.print()
        console.print(block)
    return "".join(line.rstrip(" ") + "\n" for line in buffer.getvalue().splitlines())


def _side(target: Target) -> str:
    return clean(target.revision[:12]) if target.revision else "work tree"


def _heading(title: str, detail: str = "") -> Text:
    return Text.assemble((title, "bold underline"), (f"  {detail}" if detail else "", "dim"))


def _blocks(delta: Delta, verbose: bool, width: int) -> Iterator[RenderableType]:
    lines = [
        Text(change.verdict_line(delta), "bold"),
        Text(change.lean_line(delta)),
        Text(clean(change.headline(delta))),
    ]
    if delta.head.hidden_by_baseline is not None:
        lines.append(Text(baseline_note(delta.head.hidden_by_baseline), "dim"))
    yield Panel(
        Group(*lines),
        title=f"{clean(delta.head.tool_name)} diff",
        title_align="left",
        subtitle=f"{_side(delta.base.target)} → {_side(delta.head.target)}",
        subtitle_align="left",
        box=box.ROUNDED,
        padding=(0, 1),
    )
    yield _criteria(delta)
    if delta.added_markers or delta.removed_markers:
        yield _markers(delta.added_markers, delta.removed_markers)
    yield _findings(delta, verbose, width)


def _criteria(delta: Delta) -> RenderableType:
    moves = change.moved(delta)
    if not moves:
        return Group(_heading("Criteria"), Text("No criterion moved."))
    grid = Table.grid(padding=(0, 2))
    grid.add_column(overflow="fold")
    grid.add_column(no_wrap=True)
    grid.add_column(no_wrap=True)
    grid.add_column(no_wrap=True)
    for item in moves:
        grid.add_row(
            clean(change.criterion_name(delta, item.id)),
            lean_bar(item.after),
            f"{change.signed(item.before)} → {change.signed(item.after)}",
            change.toward(item.change),
        )
    return Group(_heading("Criteria", "that moved"), grid)


def _markers(added: tuple[Marker, ...], removed: tuple[Marker, ...]) -> RenderableType:
    grid = Table.grid(padding=(0, 2))
    grid.add_column(no_wrap=True)
    grid.add_column(no_wrap=True)
    grid.add_column(overflow="fold", ratio=1)
    for sign, style, markers in (("+", _ADDED, added), ("-", _REMOVED, removed)):
        for marker in sorted(markers, key=lambda m: (m.category, m.name)):
            where = ", ".join(
                f"{clean(loc.path)}:{loc.line}" if loc.line else clean(loc.path) for loc in marker.evidence[:2]
            )
            grid.add_row(Text(sign, style), Text(f"{clean(marker.category)}  {clean(marker.name)}", "bold"), where)
    return Group(_heading("Markers", f"{len(added)} added, {len(removed)} removed"), grid)


def _findings(delta: Delta, verbose: bool, width: int) -> RenderableType:
    rows: list[tuple[str, str, Finding]] = [("+", _ADDED, f) for f in delta.added_findings]
    rows += [("-", _REMOVED, f) for f in delta.removed_findings]
    detail = f"{len(delta.added_findings)} added, {len(delta.removed_findings)} removed"
    if not rows:
        return Group(_heading("Findings", detail), Text("No finding added or removed."))
    shown = rows if verbose else rows[:TOP_FINDINGS]
    located = [
        Row(
            place(finding.path, finding.line, clean),
            Text(clean(finding.rule), "bold"),
            clean(finding.message),
            lead=Text(sign, style),
        )
        for sign, style, finding in shown
    ]
    lines: list[RenderableType] = [_heading("Findings", detail), rows_block(located, width)]
    if len(shown) < len(rows):
        lines.append(Text(f"… and {len(rows) - len(shown)} more (--verbose shows all)", "dim"))
    return Group(*lines)
