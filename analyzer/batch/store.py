"""The batch's embedded SQLite store: one row per (source, commit, tool version, configuration), history kept.

The batch writes a row as each repository finishes and commits it at once, in WAL mode, so a batch killed
part-way loses nothing it had finished and the next run resumes. A row holds the key, the outcome (``ok``
or ``failed`` with its error), the columns a portfolio table needs, and the whole JSON report. Rows of other
commits, tool versions or configurations stay, so a repository's trend can be read back. Only the standard
library's ``sqlite3`` is used; the schema carries its own version so a newer layout is refused clearly.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

from analyzer.errors import AnalyzerError

SCHEMA_VERSION = 1
DEFAULT_NAME = ".rustgo-batch.sqlite"
"""The store's file name when ``--store`` is not given (in the current folder)."""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY,
    source TEXT NOT NULL,
    revision TEXT NOT NULL,
    tool_version TEXT NOT NULL,
    config_hash TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('ok', 'failed')),
    verdict TEXT,
    confidence REAL,
    lean REAL,
    files INTEGER,
    bytes INTEGER,
    markers TEXT NOT NULL DEFAULT '[]',
    error TEXT,
    report TEXT,
    seconds REAL NOT NULL DEFAULT 0,
    finished_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    UNIQUE (source, revision, tool_version, config_hash)
);
CREATE INDEX IF NOT EXISTS runs_by_source ON runs (source, finished_at);
"""
_COLUMNS = (
    "source, revision, tool_version, config_hash, status, verdict, confidence, lean, files, bytes, markers,"
    " error, report, seconds, finished_at"
)


class StoreError(AnalyzerError):
    """The store file cannot be opened, is not a store, or was written by a newer version."""


@dataclass(frozen=True)
class RunKey:
    """What makes two analyses the same: repeat one only when one of these changes."""

    source: str
    revision: str
    """Commit analyzed; "" when the source had none (a plain folder, or a failure before a commit was known)."""
    tool_version: str
    config_hash: str


@dataclass(frozen=True)
class StoredRun:
    """One row of the store."""

    key: RunKey
    status: str
    """"ok" or "failed"."""
    verdict: str | None
    confidence: float | None
    lean: float | None
    files: int | None
    bytes: int | None
    markers: tuple[str, ...]
    """Marker categories that count toward the verdict, sorted."""
    error: str | None
    report_json: str | None
    """The whole JSON report (analyzer.reports.json.to_dict) as text, None for a failure."""
    seconds: float
    finished_at: str
    """UTC time the row was written, ISO-8601."""

    def report(self) -> dict[str, Any] | None:
        """The stored JSON report, parsed."""
        return None if self.report_json is None else dict(json.loads(self.report_json))


def summary_columns(report: Mapping[str, Any]) -> dict[str, Any]:
    """The columns a portfolio table shows, taken from a JSON report (to_dict's layout)."""
    verdict = report.get("verdict", {})
    return {
        "verdict": verdict.get("language"),
        "confidence": verdict.get("confidence"),
        "lean": verdict.get("lean"),
        "files": report.get("stats", {}).get("files"),
        "bytes": sum(int(share.get("bytes", 0)) for share in report.get("languages", [])),
        "markers": sorted({str(marker.get("category")) for marker in report.get("markers", [])}),
    }


_TYPES: tuple[tuple[type | tuple[type, ...], ...], ...] = (
    (str,),
    (str,),
    (str,),
    (str,),
    (str,),
    (str, type(None)),
    (int, float, type(None)),
    (int, float, type(None)),
    (int, type(None)),
    (int, type(None)),
    (str,),
    (str, type(None)),
    (str, type(None)),
    (int, float),
    (str,),
)
"""The Python type of each column in ``_COLUMNS``: SQLite stores whatever it is given, an edited file too."""


def _checked_row(values: tuple[Any, ...]) -> StoredRun | None:
    """The row, or None when a column holds a value of the wrong type (the row then counts as missing)."""
    if len(values) != len(_TYPES) or not all(isinstance(v, t) for v, t in zip(values, _TYPES, strict=True)):
        return None
    try:
        markers = json.loads(values[10])
    except ValueError:
        return None
    if values[4] not in ("ok", "failed") or not isinstance(markers, list):
        return None
    if not all(isinstance(m, str) for m in markers):
        return None
    return _row(values)


def _row(values: tuple[Any, ...]) -> StoredRun:
    (
        source,
        revision,
        tool,
        config,
        status,
        verdict,
        confidence,
        lean,
        files,
        size,
        markers,
        error,
        report,
        seconds,
        finished,
    ) = values
    return StoredRun(
        RunKey(source, revision, tool, config),
        status,
        verdict,
        confidence,
        lean,
        files,
        size,
        tuple(json.loads(markers)),
        error,
        report,
        seconds,
        finished,
    )


class Store:
    """An open store; use it as a context manager or call ``close``."""

    def __init__(self, path: Path) -> None:
        """Open (creating if needed) the store at ``path``; raise StoreError when it is not usable."""
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(str(path), timeout=30.0)
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"{path}: cannot open the batch store: {exc}") from exc
        try:
            self._prepare()
        except sqlite3.DatabaseError as exc:
            self._db.close()
            raise StoreError(f"{path}: not a batch store (or a damaged one): {exc}") from exc

    def _prepare(self) -> None:
        # WAL: each finished repository is one small durable commit, and readers never block the writer.
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        with self._db:
            self._db.executescript(_SCHEMA)
            found = self._db.execute("SELECT MAX(version) FROM schema_version").fetchone()[0]
            if found is None:
                self._db.execute("INSERT INTO schema_version (version) VALUES (?)", (SCHEMA_VERSION,))
            elif found > SCHEMA_VERSION:
                raise StoreError(
                    f"{self.path}: written by a newer rustgo-analyzer (store schema {found}, this one reads"
                    f" {SCHEMA_VERSION}); upgrade, or give another --store"
                )

    def __enter__(self) -> Store:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        """Close the database."""
        self._db.close()

    @contextlib.contextmanager
    def _guard(self) -> Iterator[None]:
        """A damaged file (bad pages, a truncated database) is a StoreError that says so, never a crash."""
        try:
            yield
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: the batch store is damaged ({exc}); give another --store") from exc

    def _query(self, sql: str, parameters: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        with self._guard():
            return self._db.execute(sql, parameters).fetchall()

    def _runs(self, sql: str, parameters: tuple[Any, ...] = ()) -> list[StoredRun]:
        return [run for values in self._query(sql, parameters) if (run := _checked_row(values)) is not None]

    def get(self, key: RunKey) -> StoredRun | None:
        """The row stored at ``key``, None when there is none (or it is malformed)."""
        found = self._runs(
            f"SELECT {_COLUMNS} FROM runs WHERE source=? AND revision=? AND tool_version=? AND config_hash=?",
            (key.source, key.revision, key.tool_version, key.config_hash),
        )
        return found[0] if found else None

    def revisions(self, source: str, tool_version: str, config_hash: str, *, failed_too: bool = True) -> frozenset[str]:
        """Commits already stored for a source at this tool version and configuration (ok ones only, if asked)."""
        found = self._query(
            "SELECT revision FROM runs WHERE source=? AND tool_version=? AND config_hash=? AND revision<>''"
            " AND (? OR status='ok')",
            (source, tool_version, config_hash, failed_too),
        )
        return frozenset(r[0] for r in found if isinstance(r[0], str))

    def save(self, key: RunKey, *, report: Mapping[str, Any] | None, error: str | None, seconds: float) -> StoredRun:
        """Write (or replace) the row at ``key`` and commit it; a report means ok, no report means failed."""
        columns = (
            summary_columns(report)
            if report is not None
            else {"verdict": None, "confidence": None, "lean": None, "files": None, "bytes": None, "markers": []}
        )
        text = None if report is None else json.dumps(report, ensure_ascii=False, allow_nan=False)
        values = (
            key.source,
            key.revision,
            key.tool_version,
            key.config_hash,
            "ok" if report is not None else "failed",
            columns["verdict"],
            columns["confidence"],
            columns["lean"],
            columns["files"],
            columns["bytes"],
            json.dumps(columns["markers"]),
            error,
            text,
            seconds,
        )
        with self._guard(), self._db:
            # A repeated key (--force, a retried failure) replaces its row: each key is stored once.
            self._db.execute(
                "INSERT OR REPLACE INTO runs (source, revision, tool_version, config_hash, status, verdict,"
                " confidence, lean, files, bytes, markers, error, report, seconds)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                values,
            )
        stored = self.get(key)
        assert stored is not None
        return stored

    def latest(self) -> list[StoredRun]:
        """The newest row of every source, sorted by source."""
        return self._runs(
            f"SELECT {_COLUMNS} FROM runs AS r WHERE id = (SELECT id FROM runs WHERE source = r.source"
            " ORDER BY finished_at DESC, id DESC LIMIT 1) ORDER BY source"
        )

    def history(self, source: str) -> list[StoredRun]:
        """Every row of a source, oldest first: its trend across commits, versions and configurations."""
        return self._runs(f"SELECT {_COLUMNS} FROM runs WHERE source=? ORDER BY finished_at, id", (source,))

    def __iter__(self) -> Iterator[StoredRun]:
        with self._guard():  # row by row: each holds a whole report
            for values in self._db.execute(f"SELECT {_COLUMNS} FROM runs ORDER BY source, finished_at, id"):
                run = _checked_row(values)
                if run is not None:
                    yield run
