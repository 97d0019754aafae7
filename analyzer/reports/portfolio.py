"""Renderers for a batch's rows: the batch document (JSON), CSV, and dispatch to the terminal table
(``portfolio_table``) and the HTML dashboard (``dashboard``).

Each one is a pure function of the rows and of the run's context (date, tool, settings) it is handed: it reads
nothing else, so ``analyze batch`` and ``analyze batch report`` (which reads the store only) render the same way.
The document is described by ``schema/batch.schema.json``. Every row answers the architect's question: the current
primary language and its share, the recommendation, the move between them ("Python → Go", "Go → stay"), the
domain, the confidence, the lean of each criterion, the ``both`` split and interop path, and the size; the summary
counts the migration candidates by move and the current-language x recommendation matrix. Repository names are
untrusted text: a CSV cell that a spreadsheet would take for a formula is quoted as text.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from analyzer import __version__
from analyzer.batch.columns import is_candidate
from analyzer.batch.folder import is_content_key
from analyzer.batch.run import Row
from analyzer.batch.store import StoredRun
from analyzer.batch.tasks import Status
from analyzer.reports._text import json_escaped
from analyzer.reports.portfolio_rows import commit, common_root, display_name, status, summarize

FORMATS = ("terminal", "json", "csv", "html")
BATCH_SCHEMA_VERSION = "2"
CSV_COLUMNS = (
    "source",
    "name",
    "status",
    "outcome",
    "commit",
    "primary_language",
    "primary_share",
    "verdict",
    "move",
    "candidate",
    "domain",
    "confidence",
    "lean",
    "leans",
    "split",
    "interop",
    "lines",
    "files",
    "bytes",
    "markers",
    "error",
    "failed_at",
    "analyzed_at",
    "tool_version",
    "config",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_SLUG = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True)
class RunInfo:
    """What the page says about the run itself: when, with which tool and configuration."""

    generated_at: str | None = None
    """UTC time the document was rendered, ISO-8601; None leaves it out (reproducible output)."""
    settings: Mapping[str, Any] = field(default_factory=dict)
    """The batch's settings (weights, select, ignore, exclude, max file size); empty when rendered from a store."""


def _history(run: StoredRun) -> dict[str, Any]:
    c = run.columns
    return {
        "commit": commit(run.key.revision),
        "status": run.status,
        "verdict": c.verdict,
        "confidence": c.confidence,
        "lean": c.lean,
        "leans": dict(c.leans),
        "move": c.move,
        "error": run.error,
        "tool_version": run.key.tool_version,
        "config": run.key.config_hash,
        "analyzed_at": run.finished_at,
    }


def row_dict(row: Row, root: str | None = None) -> dict[str, Any]:
    """One repository as JSON values: ``status`` ok, reused or failed (a stored failure stays ``failed``, with
    ``reused`` true), ``outcome`` the stored one (ok or failed), ``failed_at`` when the failure was recorded."""
    run, c = row.run, row.run.columns
    return {
        "source": run.key.source,
        "name": display_name(run.key.source, root),
        "status": status(row),
        "reused": row.status is Status.REUSED,
        "outcome": run.status,
        "failed_at": run.finished_at if run.status == "failed" else None,
        "commit": commit(run.key.revision),
        "content_key": run.key.revision if is_content_key(run.key.revision) else None,
        "primary_language": c.primary_language,
        "primary_share": c.primary_share,
        "verdict": c.verdict,
        "move": c.move,
        "candidate": is_candidate(c.move),
        "domain": c.domain,
        "confidence": c.confidence,
        "lean": c.lean,
        "leans": dict(c.leans),
        "split": [{"component": path, "language": language} for path, language in c.split],
        "interop": c.interop,
        "summary": c.summary,
        "lines": c.lines,
        "files": c.files,
        "bytes": c.bytes,
        "markers": list(c.markers),
        "rules": c.rules,
        "error": run.error,
        "seconds": round(run.seconds, 3),
        "analyzed_at": run.finished_at,
        "tool_version": run.key.tool_version,
        "config": run.key.config_hash,
        "history": [_history(past) for past in row.history],
    }


def _run_info(rows: Sequence[Row], info: RunInfo, root: str | None) -> dict[str, Any]:
    return {
        "generated_at": info.generated_at,
        "tool": {"name": "rustgo-analyzer", "version": __version__},
        "root": root,
        "settings": dict(info.settings),
        "tool_versions": sorted({row.run.key.tool_version for row in rows}),
        "configs": sorted({row.run.key.config_hash for row in rows}),
        "rules": sorted({row.run.columns.rules for row in rows if row.run.columns.rules is not None}),
    }


def document(rows: Sequence[Row], info: RunInfo | None = None) -> dict[str, Any]:
    """The batch as ``{"schema_version", "run": {...}, "repos": [...], "summary": {...}}``."""
    root = common_root([row.run.key.source for row in rows])
    return {
        "schema_version": BATCH_SCHEMA_VERSION,
        "run": _run_info(rows, info or RunInfo(), root),
        "repos": [row_dict(row, root) for row in rows],
        "summary": summarize(rows),
    }


def render_json(rows: Sequence[Row], info: RunInfo | None = None) -> str:
    """The batch document, indented, ending with a newline."""
    return json_escaped(json.dumps(document(rows, info), indent=2, ensure_ascii=False, allow_nan=False)) + "\n"


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict):
        value = [f"{k}={v:+.3f}" if isinstance(v, float) else f"{k}={v}" for k, v in value.items()]
    if isinstance(value, list):
        value = ";".join(f"{v['component']}={v['language']}" if isinstance(v, dict) else str(v) for v in value)
    text = str(value)
    # A leading = + - @ makes spreadsheets evaluate the cell; a quote keeps it text. Numbers are left alone.
    if isinstance(value, str) and text.startswith(_FORMULA_START):
        return "'" + text
    return text


def render_csv(rows: Sequence[Row]) -> str:
    """One line per repository, with a header; lists joined by ";", leans and split as ``key=value``."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    root = common_root([row.run.key.source for row in rows])
    for row in rows:
        values = row_dict(row, root)
        writer.writerow([_cell(values[column]) for column in CSV_COLUMNS])
    return out.getvalue()


def render(
    rows: Sequence[Row],
    fmt: str,
    *,
    color: bool = False,
    title: str = "Rust / Go portfolio",
    info: RunInfo | None = None,
    pages: Mapping[str, str] | None = None,
) -> str:
    """The rows in ``fmt``: one of ``FORMATS``; ``pages`` maps a source to its repository page's link (HTML)."""
    if fmt == "json":
        return render_json(rows, info)
    if fmt == "csv":
        return render_csv(rows)
    if fmt == "html":
        from analyzer.reports.dashboard import render_html  # the page's template is loaded only when asked for

        return render_html(document(rows, info), title, pages or {})
    if fmt == "terminal":
        from analyzer.reports.portfolio_table import render_table

        return render_table(rows, color=color)
    raise ValueError(f"unknown batch format {fmt!r}; choose one of {', '.join(FORMATS)}")


def page_name(source: str) -> str:
    """The file name of a repository's page: a readable tail of its name plus a digest, never a path."""
    tail = _SLUG.sub("-", source.rstrip("/").rsplit("/", 1)[-1]).strip("-.")[:40] or "repo"
    return f"{tail}-{hashlib.sha256(source.encode('utf-8', 'surrogateescape')).hexdigest()[:10]}.html"


def repo_pages(rows: Sequence[Row], folder: str, dashboard: str) -> dict[str, tuple[str, str]]:
    """For each row with a stored report: source → (link relative to the dashboard, page HTML).

    ``folder`` is the name of the folder beside the dashboard that holds the pages, ``dashboard`` the dashboard's
    file name (each page links back to it).
    """
    from analyzer.reports.html import render_document  # the repository page's template, only when asked for

    pages: dict[str, tuple[str, str]] = {}
    root = common_root([row.run.key.source for row in rows])
    for row in rows:
        report = row.run.report()
        if report is None:
            continue
        history = [
            {
                "commit": past.key.revision,
                "verdict": past.verdict,
                "lean": past.lean,
                "confidence": past.columns.confidence,
                "leans": dict(past.columns.leans),
                "status": past.status,
                "analyzed_at": past.finished_at,
                "tool_version": past.key.tool_version,
            }
            for past in row.history
        ]
        link = f"{folder}/{page_name(row.run.key.source)}"
        name = display_name(row.run.key.source, root)
        pages[row.run.key.source] = (link, render_document(report, history=history, back=f"../{dashboard}", name=name))
    return pages
