"""Renderers for a batch's rows: a terminal table, JSON, CSV and the HTML dashboard (``analyzer.reports.dashboard``).

Each one is a pure function of the rows: it reads the records it is given and nothing else, so ``analyze
batch`` and ``analyze batch report`` (which reads the store only) render the same way. Repository names and
errors are untrusted text: control characters never reach the terminal, rich markup is never interpreted,
and a CSV cell that a spreadsheet would take for a formula is quoted as text.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from collections.abc import Sequence
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from analyzer.batch.folder import is_content_key
from analyzer.batch.run import Row
from analyzer.batch.store import StoredRun
from analyzer.batch.tasks import Status

FORMATS = ("terminal", "json", "csv", "html")
CSV_COLUMNS = (
    "source",
    "status",
    "outcome",
    "commit",
    "verdict",
    "confidence",
    "lean",
    "files",
    "bytes",
    "markers",
    "error",
    "analyzed_at",
    "tool_version",
    "config",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_VERDICT_STYLE = {"rust": "bold red", "go": "bold cyan", "both": "bold magenta", "undecided": "dim"}
_STATUS_STYLE = {"ok": "green", "failed": "bold red", "reused": "blue"}


def _history(run: StoredRun) -> dict[str, Any]:
    return {
        "commit": _commit(run.key.revision),
        "status": run.status,
        "verdict": run.verdict,
        "lean": run.lean,
        "tool_version": run.key.tool_version,
        "analyzed_at": run.finished_at,
    }


def status(row: Row) -> str:
    """What a person must read first: ``failed`` for any failure, reused from an earlier run or not."""
    return "failed" if row.run.status == "failed" else row.status.value


def row_dict(row: Row) -> dict[str, Any]:
    """One repository as JSON values: ``status`` ok, reused or failed (a stored failure stays ``failed``, with
    ``reused`` true), ``outcome`` the stored one (ok or failed), ``failed_at`` when the failure was recorded."""
    run = row.run
    failed = run.status == "failed"
    return {
        "source": run.key.source,
        "status": status(row),
        "reused": row.status is Status.REUSED,
        "outcome": run.status,
        "failed_at": run.finished_at if failed else None,
        "commit": _commit(run.key.revision),
        "content_key": run.key.revision if is_content_key(run.key.revision) else None,
        "verdict": run.verdict,
        "confidence": run.confidence,
        "lean": run.lean,
        "markers": list(run.markers),
        "error": run.error,
        "files": run.files,
        "bytes": run.bytes,
        "seconds": round(run.seconds, 3),
        "analyzed_at": run.finished_at,
        "tool_version": run.key.tool_version,
        "config": run.key.config_hash,
        "history": [_history(past) for past in row.history],
    }


def _commit(revision: str) -> str | None:
    return None if not revision or is_content_key(revision) else revision


def _by_count(item: tuple[str, int]) -> tuple[int, str]:
    return -item[1], item[0]


def summarize(rows: Sequence[Row]) -> dict[str, Any]:
    """Counts by status (a failure counts as failed even when reused), by verdict and by marker category (over
    repositories analyzed successfully)."""
    statuses = Counter(status(row) for row in rows)
    good = [row.run for row in rows if row.run.status == "ok"]
    return {
        "repos": len(rows),
        "ok": statuses.get("ok", 0),
        "failed": statuses.get("failed", 0),
        "failed_earlier": sum(1 for row in rows if row.run.status == "failed" and row.status is Status.REUSED),
        "reused": statuses.get("reused", 0),
        "errors": statuses.get("failed", 0),
        "verdicts": dict(sorted(Counter(run.verdict or "undecided" for run in good).items())),
        "markers": dict(sorted(Counter(m for run in good for m in run.markers).items(), key=_by_count)),
    }


def document(rows: Sequence[Row]) -> dict[str, Any]:
    """The batch as ``{"repos": [...], "summary": {...}}``."""
    return {"repos": [row_dict(row) for row in rows], "summary": summarize(rows)}


def render_json(rows: Sequence[Row]) -> str:
    """The batch document, indented, ending with a newline."""
    return json.dumps(document(rows), indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        value = ";".join(str(v) for v in value)
    text = str(value)
    # A leading = + - @ makes spreadsheets evaluate the cell; a quote keeps it text. Numbers are left alone.
    if isinstance(value, str) and text.startswith(_FORMULA_START):
        return "'" + text
    return text


def render_csv(rows: Sequence[Row]) -> str:
    """One line per repository, with a header; markers joined by ";"."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        values = row_dict(row)
        writer.writerow([_cell(values[column]) for column in CSV_COLUMNS])
    return out.getvalue()


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
        ("source", "left"),
        ("status", "left"),
        ("verdict", "left"),
        ("conf", "right"),
        ("lean", "right"),
        ("files", "right"),
        ("markers / error", "left"),
    ):
        table.add_column(name, justify=justify, overflow="fold")  # type: ignore[arg-type]
    for row in rows:
        run = row.run
        verdict = run.verdict or ("failed" if run.status == "failed" else "")
        detail = ", ".join(run.markers)
        if run.status == "failed":
            detail = plain(run.error or "") + f"\nfailed at {run.finished_at}"
        trend = _trend(row)
        table.add_row(
            Text(plain(run.key.source)),
            Text(status(row), style=_STATUS_STYLE.get(status(row), "")),
            Text(verdict, style=_VERDICT_STYLE.get(verdict, "red")),
            _number(run.confidence),
            _number(run.lean, 2, True),
            "" if run.files is None else str(run.files),
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
    return out.getvalue()


def render(rows: Sequence[Row], fmt: str, *, color: bool = False, title: str = "Rust / Go portfolio") -> str:
    """The rows in ``fmt``: one of ``FORMATS``."""
    if fmt == "json":
        return render_json(rows)
    if fmt == "csv":
        return render_csv(rows)
    if fmt == "html":
        from analyzer.reports.dashboard import render_html  # the page's template is loaded only when asked for

        return render_html(document(rows), title)
    if fmt == "terminal":
        return render_table(rows, color=color)
    raise ValueError(f"unknown batch format {fmt!r}; choose one of {', '.join(FORMATS)}")
