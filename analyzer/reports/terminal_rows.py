"""Linter-style rows for the terminal reports: ``path:line  RULE  message`` that never splits its location.

Editors and terminals open ``path:line`` only when it stays on one line, so every row keeps its location whole: in
a grid whose location column is as wide as the longest location when the width allows a readable message beside
it, and otherwise stacked, the location and rule on one line and the message folded under it. A row may carry a
source excerpt (``--show-source``): the hit line with its context, numbered in a gutter as ruff shows it, each
source line cropped rather than wrapped. The statistics block (``--statistics``) counts counted findings per rule.
Everything here takes repository text already escaped by ``terminal.clean`` or escapes it itself.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from rich.cells import cell_len
from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from analyzer.model import Finding

CONTEXT_LINES = 2
"""Lines shown before and after a hit with ``--show-source``, as ruff does."""
MIN_MESSAGE = 24
"""Narrowest message column worth putting beside the location; below it rows are stacked."""
GAP = 2

Excerpts = Mapping[str, Mapping[int, str]]
"""Source lines the CLI read for ``--show-source``: path → line number → text (without its newline)."""


@dataclass(frozen=True)
class Row:
    """One located line of a report: where, which rule, what, and optional sign, side and source."""

    place: str
    """``path:line`` (or the path alone for a whole-file fact), already escaped."""
    rule: Text
    message: str
    lead: Text | None = None
    """A sign in front of the location (``+`` / ``-`` in a diff)."""
    tail: Text | None = None
    """What follows the message (``→ Rust``)."""
    source: RenderableType | None = None
    """The excerpt printed under the row (``--show-source``)."""


def place(path: str, line: int, escape: Callable[[str], str]) -> str:
    """``path:line``, the path alone for line 0, ``(repository)`` for a fact about no file."""
    shown = escape(path) if path else "(repository)"
    return f"{shown}:{line}" if line > 0 else shown


def rows_block(rows: Sequence[Row], width: int) -> RenderableType:
    """The rows aligned in columns; a row whose location leaves no readable message beside it is stacked instead."""
    if not rows:
        return Group()
    widths = _widths(rows)
    budget = width - sum(widths.values()) - GAP * (len(widths) + 1) - MIN_MESSAGE
    fitting = [cell_len(r.place) for r in rows if cell_len(r.place) <= budget]
    widths["place"] = max(fitting, default=0)
    return Group(*(_gridded(row, widths) if cell_len(row.place) <= budget else _stacked(row) for row in rows))


def _widths(rows: Sequence[Row]) -> dict[str, int]:
    """Widths of the short columns (lead, rule, tail), each as wide as its widest cell; empty ones left out."""
    widths = {
        "lead": max(r.lead.cell_len if r.lead is not None else 0 for r in rows),
        "rule": max(r.rule.cell_len for r in rows),
        "tail": max(r.tail.cell_len if r.tail is not None else 0 for r in rows),
    }
    return {name: size for name, size in widths.items() if size}


def _gridded(row: Row, widths: Mapping[str, int]) -> RenderableType:
    grid = Table.grid(padding=(0, GAP), expand=True)  # the message column takes what is left, so tails align
    cells: list[RenderableType] = []
    for name, renderable in (("lead", row.lead), ("place", Text(row.place)), ("rule", row.rule)):
        if name in widths:
            grid.add_column(no_wrap=True, width=widths[name])
            cells.append(renderable if renderable is not None else Text())
    grid.add_column(overflow="fold", ratio=1)
    cells.append(Text(row.message))
    if "tail" in widths:
        grid.add_column(no_wrap=True, width=widths["tail"])
        cells.append(row.tail if row.tail is not None else Text())
    grid.add_row(*cells)
    return grid if row.source is None else Group(grid, row.source)


def _stacked(row: Row) -> RenderableType:
    """Location and rule on one line (only a location wider than the screen can fold), the rest indented under it."""
    head = Text.assemble(*_joined((row.lead, Text(row.place), row.rule)))
    body = Text.assemble(*_joined((row.tail, Text(row.message))))
    parts: list[RenderableType] = [head, Padding(body, (0, 0, 0, 4))]
    if row.source is not None:
        parts.append(row.source)
    return Group(*parts)


def _joined(pieces: Iterable[Text | None]) -> list[Text | str]:
    present = [piece for piece in pieces if piece is not None and piece.plain]
    out: list[Text | str] = []
    for piece in present:
        out += [piece, " " * GAP]
    return out[:-1]


def excerpt(
    lines: Mapping[int, str] | None, hit: int, escape: Callable[[str], str], context: int = CONTEXT_LINES
) -> RenderableType | None:
    """The hit line with ``context`` lines around it, numbered; None when the line was not read."""
    if lines is None or hit <= 0 or hit not in lines:
        return None
    numbers = [n for n in range(hit - context, hit + context + 1) if n in lines]
    gutter = len(str(numbers[-1]))
    edge = Text(" " * (gutter + 3) + "│", "dim")
    body: list[RenderableType] = [edge]
    for number in numbers:
        mark = "> " if number == hit else "  "
        source = escape(lines[number].expandtabs(4))
        body.append(
            Text.assemble(
                (f"{mark}{number:>{gutter}} │ ", "bold" if number == hit else "dim"),
                (source, "" if number == hit else "dim"),
                no_wrap=True,
                overflow="ellipsis",
            )
        )
    body.append(edge)
    return Padding(Group(*body), (0, 0, 0, 2))


def statistics_block(findings: Iterable[Finding], escape: Callable[[str], str]) -> RenderableType:
    """Counted findings per rule, most first, as ``ruff --statistics`` prints them."""
    counted = [f for f in findings if f.excluded is None]
    counts = Counter(f.rule for f in counted)
    messages = {f.rule: f.message for f in counted}
    heading = Text.assemble(
        ("Statistics", "bold underline"), (f"  {len(counted)} counted findings, {len(counts)} rules", "dim")
    )
    if not counts:
        return Group(heading, Text("No counted findings."))
    grid = Table.grid(padding=(0, GAP))
    grid.add_column(justify="right", no_wrap=True)
    grid.add_column(no_wrap=True)
    grid.add_column(overflow="fold", ratio=1)
    for rule, count in sorted(counts.items(), key=lambda pair: (-pair[1], pair[0])):
        grid.add_row(str(count), Text(escape(rule), "bold"), escape(messages[rule]))
    return Group(heading, grid)
