"""The batch's terminal table: one line per repository with its move, verdict and numbers, and a summary line.

Repository names and errors are untrusted text: control characters never reach the terminal and rich markup is
never interpreted (every cell is a ``Text``).
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from rich.console import Console
from rich.table import Table
from rich.text import Text

from analyzer.batch.run import Row
from analyzer.reports.portfolio_rows import common_root, display_name, status, summarize

_VERDICT_STYLE = {"rust": "bold red", "go": "bold cyan", "both": "bold magenta", "undecided": "dim"}
_STATUS_STYLE = {"ok": "green", "failed": "bold red", "reused": "blue"}


def plain(text: str) -> str:
    """``text`` with control characters (escape sequences, newlines) replaced, safe for a terminal line."""
    return "".join(ch if ch.isprintable() else "\N{REPLACEMENT CHARACTER}" for ch in text)


def _number(value: float | None, digits: int = 2, sign: bool = False) -> str:
    if value is None:
        return ""
    return f"{value:+.{digits}f}" if sign else f"{value:.{digits}f}"


def _trend(row: Row) -> str:
    leans = [past for past in row.history if past.status == "ok"][-4:]
    return " → ".join(f"{past.verdict}{_number(past.lean, 2, True)}" for past in leans)


def render_table(rows: Sequence[Row], *, color: bool = False, width: int = 120) -> str:
    """A rich table of the repositories and a summary line, as text (ANSI colours only when ``color``)."""
    table = Table(show_edge=False, pad_edge=False, expand=False)
    for name, justify in (
        ("repository", "left"),
        ("status", "left"),
        ("move", "left"),
        ("verdict", "left"),
        ("conf", "right"),
        ("lean", "right"),
        ("files", "right"),
        ("markers / error", "left"),
    ):
        table.add_column(name, justify=justify, overflow="fold")  # type: ignore[arg-type]
    root = common_root([row.run.key.source for row in rows])
    for row in rows:
        run = row.run
        verdict = run.verdict or ("failed" if run.status == "failed" else "")
        detail = ", ".join(run.markers)
        if run.status == "failed":
            detail = plain(run.error or "") + f"\nfailed at {run.finished_at}"
        trend = _trend(row)
        table.add_row(
            Text(plain(display_name(run.key.source, root))),
            Text(status(row), style=_STATUS_STYLE.get(status(row), "")),
            Text(plain(run.columns.move or "")),
            Text(verdict, style=_VERDICT_STYLE.get(verdict, "red")),
            _number(run.columns.confidence),
            _number(run.lean, 2, True),
            "" if run.columns.files is None else str(run.columns.files),
            Text(detail + (f"\ntrend: {trend}" if trend else "")),
        )
    summary = summarize(rows)
    verdicts = ", ".join(f"{name} {count}" for name, count in summary["verdicts"].items()) or "none"
    earlier = f" ({summary['failed_earlier']} stored from an earlier run)" if summary["failed_earlier"] else ""
    line = (
        f"{summary['repos']} repositories: {summary['ok']} analyzed, {summary['reused']} reused,"
        f" {summary['failed']} failed{earlier}; verdicts: {verdicts}"
    )
    out = io.StringIO()
    console = Console(
        file=out,
        width=width,
        force_terminal=color,
        color_system="standard" if color else None,
        no_color=not color,
        highlight=False,
    )
    console.print(table)
    console.print(Text(line))
    if summary["migrations"]:
        moves = ", ".join(f"{plain(move)} {count}" for move, count in summary["migrations"].items())
        console.print(Text(f"migration candidates: {summary['candidates']} ({moves})"))
    return out.getvalue()


def render_history(rows: Sequence[Row], *, color: bool = False, width: int = 160) -> str:
    """How each repository's verdict and leans moved: one line per stored analysis, oldest first."""
    root = common_root([row.run.key.source for row in rows])
    names = sorted({name for row in rows for past in (row.history or (row.run,)) for name, _ in past.columns.leans})
    table = Table(show_edge=False, pad_edge=False, expand=False, title="history")
    for name in ("repository", "analyzed", "commit", "verdict", "conf", "lean"):
        table.add_column(name, no_wrap=name in ("repository", "analyzed", "commit"), overflow="fold")
    for name in names:  # criterion ids shortened to their first word: six columns must fit a terminal
        table.add_column(name.split("-")[0][:7], justify="right")
    for row in rows:
        for past in row.history or (row.run,):
            leans = dict(past.columns.leans)
            table.add_row(
                Text(plain(display_name(row.run.key.source, root))),
                past.finished_at[:16].replace("T", " "),
                Text(plain(past.key.revision[:12])),
                Text(past.verdict or past.status, style=_VERDICT_STYLE.get(past.verdict or "", "red")),
                _number(past.columns.confidence),
                _number(past.lean, 2, True),
                *(_number(leans.get(name), 2, True) for name in names),
            )
    out = io.StringIO()
    Console(file=out, width=width, force_terminal=color, no_color=not color, highlight=False).print(table)
    return out.getvalue()
