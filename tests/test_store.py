"""The batch store: a real SQLite file, keyed rows written at once, history kept, schema versioned."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from analyzer.batch.store import SCHEMA_VERSION, RunKey, Store, StoreError, summary_columns


def _report(language: str, lean: float, markers: tuple[str, ...] = ("cli",)) -> dict[str, Any]:
    return {
        "verdict": {"language": language, "confidence": 0.8, "lean": lean},
        "markers": [{"category": m, "name": m} for m in markers],
        "languages": [{"language": "Go", "files": 3, "bytes": 1200}, {"language": "Rust", "files": 1, "bytes": 34}],
        "stats": {"files": 4},
    }


def _key(source: str = "svc", revision: str = "a" * 40, tool: str = "1.0", config: str = "cfg") -> RunKey:
    return RunKey(source, revision, tool, config)


def test_new_store_has_its_schema_version_and_wal(tmp_path: Path) -> None:
    with Store(tmp_path / "sub" / "s.sqlite"):
        pass
    db = sqlite3.connect(tmp_path / "sub" / "s.sqlite")
    assert db.execute("SELECT version FROM schema_version").fetchall() == [(SCHEMA_VERSION,)]
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_summary_columns() -> None:
    columns = summary_columns(_report("go", -0.5, ("http-server", "cli", "cli")))
    assert columns == {
        "verdict": "go",
        "confidence": 0.8,
        "lean": -0.5,
        "files": 4,
        "bytes": 1234,
        "markers": ["cli", "http-server"],
    }


def test_save_and_get_round_trip(tmp_path: Path) -> None:
    with Store(tmp_path / "s.sqlite") as store:
        ok = store.save(_key(), report=_report("go", -0.5), error=None, seconds=1.5)
        failed = store.save(_key("broken", ""), report=None, error="broken: no such file", seconds=0.0)
        assert store.get(_key("other")) is None
    with Store(tmp_path / "s.sqlite") as store:
        again = store.get(_key())
        assert again == ok
        assert again is not None
        assert (again.status, again.verdict, again.lean, again.files, again.markers) == ("ok", "go", -0.5, 4, ("cli",))
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
