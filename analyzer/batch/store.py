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

from analyzer.batch.columns import NAMES, Columns, columns, from_values
from analyzer.errors import AnalyzerError

SCHEMA_VERSION = 2
"""1: key, outcome, verdict, confidence, lean, files, bytes, markers. 2: the portfolio columns of
``batch.columns`` (primary language and share, domain, leans, split, interop, lines, move, summary, rules)."""
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
_ADDED = {
    2: (
        ("primary_language", "TEXT"),
        ("primary_share", "REAL"),
        ("domain", "TEXT"),
        ("leans", "TEXT NOT NULL DEFAULT '{}'"),
        ("split", "TEXT NOT NULL DEFAULT '[]'"),
        ("interop", "TEXT"),
        ("lines", "INTEGER"),
        ("move", "TEXT"),
        ("summary", "TEXT"),
        ("rules", "INTEGER"),
    )
}
"""Columns each schema version added to ``runs``: a store of an older version gains them on open."""
_KEY = ("source", "revision", "tool_version", "config_hash")
_COLUMNS = ", ".join((*_KEY, "status", *NAMES, "error", "report", "seconds", "finished_at"))


class StoreError(AnalyzerError):
    """The store file cannot be opened, is not a store, or was written by a newer version."""


@dataclass(frozen=True)
class RunKey:
    """What makes two analyses the same: repeat one only when one of these changes."""

    source: str
    revision: str
    """Commit analyzed, a plain folder's content key (``batch.folder``), or "" for a failure before either."""
    tool_version: str
    config_hash: str


@dataclass(frozen=True)
class StoredRun:
    """One row of the store."""

    key: RunKey
    status: str
    """"ok" or "failed"."""
    columns: Columns
    """What a portfolio table shows (empty for a failure)."""
    error: str | None
    report_json: str | None
    """The whole JSON report (analyzer.reports.json.to_dict) as text, None for a failure."""
    seconds: float
    finished_at: str
    """UTC time the row was written, ISO-8601."""

    @property
    def verdict(self) -> str | None:
        """The recommendation: rust, go, both or undecided; None for a failure."""
        return self.columns.verdict

    @property
    def lean(self) -> float | None:
        """Overall lean in [-1, +1]; None for a failure."""
        return self.columns.lean

    @property
    def markers(self) -> tuple[str, ...]:
        """Marker categories that count toward the verdict."""
        return self.columns.markers

    def report(self) -> dict[str, Any] | None:
        """The stored JSON report, parsed."""
        return None if self.report_json is None else dict(json.loads(self.report_json))


_TEXT, _NUMBER = (str, type(None)), (int, float, type(None))
_TYPES: dict[str, tuple[type, ...]] = {
    **dict.fromkeys(("source", "revision", "tool_version", "config_hash", "status", "markers"), (str,)),
    **dict.fromkeys(("verdict", "error", "report", "primary_language", "domain", "interop", "move", "summary"), _TEXT),
    **dict.fromkeys(("confidence", "lean", "primary_share"), _NUMBER),
    **dict.fromkeys(("files", "bytes", "lines", "rules"), (int, type(None))),
    **dict.fromkeys(("leans", "split", "finished_at"), (str,)),
    "seconds": (int, float),
}
"""The Python type of each column in ``_COLUMNS``: SQLite stores whatever it is given, an edited file too."""


def _checked_row(values: tuple[Any, ...]) -> StoredRun | None:
    """The row, or None when a column holds a value of the wrong type (the row then counts as missing)."""
    names = _COLUMNS.split(", ")
    if len(values) != len(names) or not all(isinstance(v, _TYPES[n]) for n, v in zip(names, values, strict=True)):
        return None
    if values[names.index("status")] not in ("ok", "failed"):
        return None
    try:
        run = _row(values)
    except (ValueError, TypeError, AttributeError):  # JSON columns that do not hold what they should
        return None
    if not all(isinstance(m, str) for m in run.columns.markers):
        return None
    return run


def _row(values: tuple[Any, ...]) -> StoredRun:
    named = dict(zip(_COLUMNS.split(", "), values, strict=True))
    return StoredRun(
        RunKey(named["source"], named["revision"], named["tool_version"], named["config_hash"]),
        named["status"],
        from_values(named),
        named["error"],
        named["report"],
        named["seconds"],
        named["finished_at"],
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
            if found is not None and found > SCHEMA_VERSION:
                raise StoreError(
                    f"{self.path}: written by a newer rustgo-analyzer (store schema {found}, this one reads"
                    f" {SCHEMA_VERSION}); upgrade, or give another --store"
                )
            self._upgrade(found or 0)

    def _upgrade(self, found: int) -> None:
        """Add the columns of every newer schema version, fill them from the stored reports, record the version.

        Runs inside the caller's transaction: a store is upgraded whole or not at all. A new store (``found`` 0)
        gets every column with nothing to fill.
        """
        present = {row[1] for row in self._db.execute("PRAGMA table_info(runs)")}
        for version in range(2, SCHEMA_VERSION + 1):
            for name, kind in _ADDED[version]:
                if name not in present:
                    self._db.execute(f"ALTER TABLE runs ADD COLUMN {name} {kind}")
        if 0 < found < SCHEMA_VERSION:
            rows = self._db.execute("SELECT id, report FROM runs WHERE report IS NOT NULL").fetchall()
            for ident, text in rows:
                values = columns(json.loads(text)).values()
                assignments = ", ".join(f"{name}=?" for name in values)
                self._db.execute(f"UPDATE runs SET {assignments} WHERE id=?", (*values.values(), ident))
        if found != SCHEMA_VERSION:
            self._db.execute("DELETE FROM schema_version")
            self._db.execute("INSERT INTO schema_version (version) VALUES (?)", (SCHEMA_VERSION,))

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
        values = (columns(report) if report is not None else Columns()).values()
        text = None if report is None else json.dumps(report, ensure_ascii=False, allow_nan=False)
        names = (*_KEY, "status", *values, "error", "report", "seconds")
        row = (
            key.source,
            key.revision,
            key.tool_version,
            key.config_hash,
            "ok" if report is not None else "failed",
            *values.values(),
            error,
            text,
            seconds,
        )
        with self._guard(), self._db:
            # A repeated key (--force, a retried failure) replaces its row: each key is stored once.
            self._db.execute(
                f"INSERT OR REPLACE INTO runs ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})", row
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

    def sources_with_history(self) -> frozenset[str]:
        """Sources that have more than one stored row (one query, instead of reading every source's history)."""
        found = self._query("SELECT source FROM runs GROUP BY source HAVING COUNT(*) > 1")
        return frozenset(r[0] for r in found if isinstance(r[0], str))

    def __iter__(self) -> Iterator[StoredRun]:
        with self._guard():  # row by row: each holds a whole report
            for values in self._db.execute(f"SELECT {_COLUMNS} FROM runs ORDER BY source, finished_at, id"):
                run = _checked_row(values)
                if run is not None:
                    yield run
