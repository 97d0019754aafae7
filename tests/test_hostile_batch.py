"""Hostile sources and a damaged store against ``analyze batch`` run as a subprocess.

Before: a FIFO at ``.git/HEAD`` hung the coordinator's probe despite ``--timeout`` and no store was created,
so the good repositories got no rows either; a source path with a component over 255 bytes ended the whole
batch (exit 3); a repository git refuses (dubious ownership) left the batch at exit 1 with 0 rows; a damaged
store or a wrong column type crashed with a traceback. After: each bad source is one failed row naming the
cause, the good ones are analyzed, and a damaged store is one clear error (exit 2) or a row counted missing.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

import pytest

from tests.batch_repos import make_repo

HANG = 240
"""Seconds after which a batch counts as hung: two small repositories take a few seconds."""


def _batch(tmp_path: Path, *sources: str, env: Mapping[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    options = ["--store", str(tmp_path / "store.sqlite"), "--cache-dir", str(tmp_path / "cache")]
    options += ["--jobs", "1", "--timeout", "60", "--format", "json"]
    return subprocess.run(
        [sys.executable, "-I", "-m", "analyzer", "batch", "run", *sources, *options],
        capture_output=True,
        text=True,
        timeout=HANG,
        stdin=subprocess.DEVNULL,
        check=False,
        env={**os.environ, **(env or {})},
    )


def _rows(done: subprocess.CompletedProcess[str]) -> dict[str, dict[str, object]]:
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    rows = data["repos"]
    return {str(row["source"]): row for row in rows}


def test_fifo_head_and_overlong_name_are_failed_rows_beside_good_ones(tmp_path: Path) -> None:
    good = make_repo(tmp_path, "go-cli-tool")
    fifo = make_repo(tmp_path, "rust-wasm-lib", "fifo-head")
    (fifo / ".git" / "HEAD").unlink()
    os.mkfifo(fifo / ".git" / "HEAD")
    overlong = str(tmp_path / ("n" * 300))
    rows = _rows(_batch(tmp_path, str(good), str(fifo), overlong))
    assert rows[str(good)]["status"] == "ok"
    assert rows[str(fifo)]["status"] == "failed"
    assert "is a FIFO" in str(rows[str(fifo)]["error"])
    assert rows[overlong]["status"] == "failed"
    assert "File name too long" in str(rows[overlong]["error"])


def test_repository_git_refuses_is_a_failed_row_with_git_s_reason(tmp_path: Path) -> None:
    good = make_repo(tmp_path, "go-cli-tool")
    rows = _rows(_batch(tmp_path, str(good), env={"GIT_TEST_ASSUME_DIFFERENT_OWNER": "1"}))
    assert rows[str(good)]["status"] == "failed"
    assert "dubious ownership" in str(rows[str(good)]["error"])


def test_head_only_git_can_read_is_probed_in_the_worker_and_reused(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, "go-cli-tool")
    (repo / ".git" / "reftable").mkdir()  # as in a reftable repository, the files no longer decide: git must tell
    first = _rows(_batch(tmp_path, str(repo)))
    assert first[str(repo)]["status"] == "ok"
    again = _rows(_batch(tmp_path, str(repo)))
    assert again[str(repo)]["status"] == "reused"
    assert again[str(repo)]["commit"] == first[str(repo)]["commit"]


def test_wrong_column_types_count_as_missing(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, "go-cli-tool")
    assert _rows(_batch(tmp_path, str(repo)))[str(repo)]["status"] == "ok"
    with sqlite3.connect(tmp_path / "store.sqlite") as db:
        db.execute("UPDATE runs SET confidence = 'high', markers = 'not json'")
    assert _rows(_batch(tmp_path, str(repo)))[str(repo)]["status"] == "ok"  # analyzed again, no crash


@pytest.mark.parametrize("command", [pytest.param("run", id="run"), pytest.param("report", id="report")])
def test_damaged_store_is_one_clear_error(tmp_path: Path, command: str) -> None:
    repo = make_repo(tmp_path, "go-cli-tool")
    assert _rows(_batch(tmp_path, str(repo)))[str(repo)]["status"] == "ok"
    store = tmp_path / "store.sqlite"
    data = bytearray(store.read_bytes())
    # The last three pages (rows, indexes) become garbage; the schema pages stay, so the store still opens and
    # the damage is met by a query (which used to crash with exit 3).
    start = (len(data) // 4096 - 3) * 4096
    data[start:] = b"Z" * (len(data) - start)
    store.write_bytes(bytes(data))
    for suffix in ("-wal", "-shm"):
        Path(f"{store}{suffix}").unlink(missing_ok=True)
    if command == "run":
        done = _batch(tmp_path, str(repo))
    else:
        done = subprocess.run(
            [sys.executable, "-I", "-m", "analyzer", "batch", "report", "--store", str(store), "--format", "json"],
            capture_output=True,
            text=True,
            timeout=HANG,
            check=False,
        )
    assert done.returncode == 2, (done.returncode, done.stderr)
    assert "the batch store is damaged" in done.stderr
    assert "Traceback" not in done.stderr
