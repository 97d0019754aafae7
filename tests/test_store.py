"""The batch store: a real SQLite file, keyed rows written at once, history kept, schema versioned."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from analyzer.batch.columns import Columns, columns, is_candidate, move
from analyzer.batch.store import SCHEMA_VERSION, RunKey, Store, StoreError


def _report(language: str, lean: float, markers: tuple[str, ...] = ("cli",)) -> dict[str, Any]:
    return {
        "verdict": {
            "language": language,
            "confidence": 0.8,
            "lean": lean,
            "summary": "Go fits best.",
            "split": [{"component": "svc", "language": "go"}, {"component": "native", "language": "rust"}],
            "interop": "ffi",
        },
        "criteria": [{"id": "performance", "lean": 0.25}, {"id": "concurrency", "lean": -0.75}],
        "markers": [{"category": m, "name": m} for m in markers],
        "languages": [
            {"language": "Rust", "files": 1, "bytes": 34, "share": 0.028},
            {"language": "Go", "files": 3, "bytes": 1200, "share": 0.972},
        ],
        "stats": {"files": 4, "rules": 321},
        "effort": None,
    }


def _key(source: str = "svc", revision: str = "a" * 40, tool: str = "1.0", config: str = "cfg") -> RunKey:
    return RunKey(source, revision, tool, config)


def test_new_store_has_its_schema_version_and_wal(tmp_path: Path) -> None:
    with Store(tmp_path / "sub" / "s.sqlite"):
        pass
    db = sqlite3.connect(tmp_path / "sub" / "s.sqlite")
    assert db.execute("SELECT version FROM schema_version").fetchall() == [(SCHEMA_VERSION,)]
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_columns_answer_the_architects_question() -> None:
    found = columns(_report("go", -0.5, ("http-server", "cli", "cli")))
    assert found == Columns(
        verdict="go",
        confidence=0.8,
        lean=-0.5,
        files=4,
        bytes=1234,
        markers=("cli", "http-server"),
        primary_language="Go",
        primary_share=0.972,
        domain=None,
        leans=(("performance", 0.25), ("concurrency", -0.75)),
        split=(("svc", "go"), ("native", "rust")),
        interop="ffi",
        lines=None,
        move="Go → stay",
        summary="Go fits best.",
        rules=321,
    )
    with_effort = {**_report("rust", 0.5), "effort": {"lines": [{"language": "Go", "lines": 900}, {"lines": 100}]}}
    assert columns(with_effort).lines == 1000
    assert columns({**_report("rust", 0.5), "domain": {"id": "web-service"}}).domain == "web-service"
    assert columns({}) == Columns(bytes=0)


@pytest.mark.parametrize(
    ("current", "verdict", "expected", "candidate"),
    [
        pytest.param("Python", "go", "Python → Go", True, id="python-to-go"),
        pytest.param("C", "rust", "C → Rust", True, id="c-to-rust"),
        pytest.param("Go", "go", "Go → stay", False, id="go-stays"),
        pytest.param("Rust", "rust", "Rust → stay", False, id="rust-stays"),
        pytest.param("Python", "both", "Python → Go + Rust", True, id="both"),
        pytest.param("Java", "undecided", "Java → undecided", False, id="undecided"),
        pytest.param(None, "go", "unknown → Go", True, id="no-code-counted"),
        pytest.param("Go", None, None, False, id="failed"),
    ],
)
def test_move_reads_current_to_recommended(
    current: str | None, verdict: str | None, expected: str, candidate: bool
) -> None:
    assert move(current, verdict) == expected
    assert is_candidate(move(current, verdict)) is candidate


def test_save_and_get_round_trip(tmp_path: Path) -> None:
    with Store(tmp_path / "s.sqlite") as store:
        ok = store.save(_key(), report=_report("go", -0.5), error=None, seconds=1.5)
        failed = store.save(_key("broken", ""), report=None, error="broken: no such file", seconds=0.0)
        assert store.get(_key("other")) is None
    with Store(tmp_path / "s.sqlite") as store:
        again = store.get(_key())
        assert again == ok
        assert again is not None
        assert (again.status, again.verdict, again.lean, again.columns.files, again.markers) == (
            "ok",
            "go",
            -0.5,
            4,
            ("cli",),
        )
        assert again.columns == columns(_report("go", -0.5))
        assert again.report() == _report("go", -0.5)
        assert store.get(_key("broken", "")) == failed
        assert (failed.status, failed.error, failed.report()) == ("failed", "broken: no such file", None)


def test_same_key_is_stored_once(tmp_path: Path) -> None:
    with Store(tmp_path / "s.sqlite") as store:
        store.save(_key(), report=None, error="timed out", seconds=9.0)
        store.save(_key(), report=_report("rust", 0.7), error=None, seconds=1.0)
        rows = list(store)
    assert len(rows) == 1
    assert rows[0].status == "ok"


def test_history_and_latest(tmp_path: Path) -> None:
    with Store(tmp_path / "s.sqlite") as store:
        store.save(_key(revision="1" * 40), report=_report("go", -0.6), error=None, seconds=1)
        store.save(_key(revision="2" * 40), report=_report("both", 0.1), error=None, seconds=1)
        store.save(_key(revision="2" * 40, tool="2.0"), report=_report("rust", 0.4), error=None, seconds=1)
        store.save(_key("lib", "3" * 40), report=None, error="timed out after 5 s", seconds=5)
        history = store.history("svc")
        latest = store.latest()
        assert [run.verdict for run in history] == ["go", "both", "rust"]
        assert [(run.key.source, run.verdict) for run in latest] == [("lib", None), ("svc", "rust")]
        assert store.revisions("svc", "1.0", "cfg") == {"1" * 40, "2" * 40}
        assert store.revisions("lib", "1.0", "cfg") == {"3" * 40}
        assert store.revisions("lib", "1.0", "cfg", failed_too=False) == frozenset()


def test_a_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    with Store(path):
        pass
    db = sqlite3.connect(path)
    with db:
        db.execute("UPDATE schema_version SET version = ?", (SCHEMA_VERSION + 1,))
    db.close()
    with pytest.raises(StoreError, match="newer rustgo-analyzer"):
        Store(path)


def test_a_file_that_is_not_a_store_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    path.write_bytes(b"definitely not sqlite " * 100)
    with pytest.raises(StoreError, match="not a batch store"):
        Store(path)


def test_nan_in_a_report_is_refused_rather_than_stored(tmp_path: Path) -> None:
    with Store(tmp_path / "s.sqlite") as store, pytest.raises(ValueError, match="JSON compliant"):
        store.save(_key(), report=_report("go", float("nan")), error=None, seconds=1)


_V1_SCHEMA = """
CREATE TABLE schema_version (version INTEGER NOT NULL);
INSERT INTO schema_version VALUES (1);
CREATE TABLE runs (
    id INTEGER PRIMARY KEY, source TEXT NOT NULL, revision TEXT NOT NULL, tool_version TEXT NOT NULL,
    config_hash TEXT NOT NULL, status TEXT NOT NULL CHECK (status IN ('ok', 'failed')), verdict TEXT,
    confidence REAL, lean REAL, files INTEGER, bytes INTEGER, markers TEXT NOT NULL DEFAULT '[]', error TEXT,
    report TEXT, seconds REAL NOT NULL DEFAULT 0,
    finished_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    UNIQUE (source, revision, tool_version, config_hash)
);
"""


def test_a_version_1_store_is_upgraded_in_place_and_filled_from_its_reports(tmp_path: Path) -> None:
    """A store written before the portfolio columns existed keeps its rows and gains the columns, filled in."""
    path = tmp_path / "old.sqlite"
    db = sqlite3.connect(path)
    with db:
        db.executescript(_V1_SCHEMA)
        db.execute(
            "INSERT INTO runs (source, revision, tool_version, config_hash, status, verdict, report)"
            " VALUES ('svc', 'a', '0.1', 'cfg', 'ok', 'go', ?)",
            (json.dumps(_report("go", -0.5)),),
        )
        db.execute(
            "INSERT INTO runs (source, revision, tool_version, config_hash, status, error)"
            " VALUES ('gone', '', '0.1', 'cfg', 'failed', 'gone: no such file or directory')"
        )
    db.close()
    with Store(path) as store:
        rows = {run.key.source: run for run in store}
        assert rows["svc"].columns == columns(_report("go", -0.5))
        assert rows["svc"].columns.move == "Go → stay"
        assert rows["gone"].columns.leans == ()
        assert rows["gone"].error == "gone: no such file or directory"
        store.save(_key("new"), report=_report("rust", 0.6), error=None, seconds=1)
    db = sqlite3.connect(path)
    assert db.execute("SELECT version FROM schema_version").fetchall() == [(SCHEMA_VERSION,)]
    db.close()
    with Store(path) as store:  # opening again changes nothing
        assert len(list(store)) == 3
