"""The batch end to end: real git repositories, worker processes, a real store, the CLI through CliRunner and a
killed subprocess that resumes; a hung repository times out without holding up the others."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from analyzer.batch.run import run_batch
from analyzer.batch.sources import classify, collect
from analyzer.batch.store import Store
from analyzer.batch.tasks import BatchOptions, Settings, Status, Task, run_task
from analyzer.cli.batch import batch_command, main
from tests.batch_repos import commit_all, make_bare, make_corrupt, make_repo

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ("go-cli-tool", "rust-cli-tool", "py-flask-service", "rust-wasm-lib", "node-express-api", "go-k8s-operator")


def _stored(path: Path) -> list[tuple[str, str, str]]:
    db = sqlite3.connect(path)
    try:
        return db.execute("SELECT source, revision, status FROM runs ORDER BY source").fetchall()
    finally:
        db.close()


@pytest.fixture
def portfolio(tmp_path: Path) -> list[str]:
    """Several work trees, a bare repository, a missing path and a corrupt repository."""
    root = tmp_path / "repos"
    root.mkdir()
    repos = [str(make_repo(root, name)) for name in FIXTURES]
    bare = make_bare(Path(repos[0]), root / "bare-copy.git")
    return [*repos, str(bare), str(root / "missing"), str(make_corrupt(root))]


def test_run_task_outcomes(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, "rust-cli-tool")
    cache = tmp_path / "cache"
    ok = run_task(Task(classify(str(repo), cache), Settings()))
    assert ok.status is Status.OK
    assert ok.revision is not None  # the task finds the commit itself
    assert ok.report is not None
    assert ok.report["verdict"]["language"] == "rust"
    url = classify(f"file://{repo}", cache)
    first = run_task(Task(url, Settings()))
    assert first.status is Status.OK
    assert first.revision is not None
    assert first.report is not None
    assert first.report["target"]["revision"] == first.revision
    again = run_task(Task(url, Settings(), known=frozenset({first.revision})))
    assert (again.status, again.report) == (Status.REUSED, None)
    missing = run_task(Task(classify(str(tmp_path / "absent"), cache), Settings()))
    assert missing.status is Status.FAILED
    assert "absent" in (missing.error or "")


def test_batch_reuses_and_keeps_history(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, "go-cli-tool")
    plain = tmp_path / "plain"
    plain.mkdir()
    (plain / "main.go").write_text("package main\n\nfunc main() {}\n")
    sources = collect([str(repo), str(plain)], tmp_path / "cache")
    options = BatchOptions(jobs=2, timeout=120)
    with Store(tmp_path / "s.sqlite") as store:
        first = run_batch(sources, Settings(), store, options)
        second = run_batch(sources, Settings(), store, options)
        (repo / "worker.go").write_text("package main\n\nfunc work(c chan int) { go func() { c <- 1 }() }\n")
        commit_all(repo, "second")
        third = run_batch(sources, Settings(), store, options)
        forced = run_batch(sources, Settings(), store, BatchOptions(jobs=1, timeout=120, force=True))
        other = run_batch(sources, Settings(select=("GO",)), store, options)
    assert [r.status for r in first] == [Status.OK, Status.OK]
    assert [r.status for r in second] == [Status.REUSED, Status.OK]  # a plain folder has no commit to key on
    assert [r.status for r in third] == [Status.OK, Status.OK]
    assert [r.status for r in forced] == [Status.OK, Status.OK]
    assert [r.status for r in other] == [Status.OK, Status.OK]
    assert other[0].run.key.config_hash != first[0].run.key.config_hash
    assert [h.key.revision for h in third[0].history][:2] == [first[0].run.key.revision, third[0].run.key.revision]
    assert len(third[0].history) == 2
    assert all(h.key.revision == "" for h in third[1].history)


def test_retry_failed_and_force_analyze_a_stored_failure_again(tmp_path: Path) -> None:
    corrupt = make_corrupt(tmp_path)
    sources = collect([str(corrupt)], tmp_path / "cache")
    with Store(tmp_path / "s.sqlite") as store:
        statuses = [
            run_batch(sources, Settings(), store, BatchOptions(**flags))[0].status
            for flags in ({}, {}, {"retry_failed": True}, {"force": True})
        ]
    assert statuses == [Status.FAILED, Status.REUSED, Status.FAILED, Status.FAILED]
    assert len(_stored(tmp_path / "s.sqlite")) == 1


@pytest.fixture
def silent_git_server() -> Iterator[str]:
    """A git:// URL on loopback whose server accepts and never answers: a clone of it hangs."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(4)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"git://127.0.0.1:{server.getsockname()[1]}/stuck.git"
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    server.close()


def test_a_hung_repository_times_out_and_the_batch_goes_on(tmp_path: Path, silent_git_server: str) -> None:
    repo = make_repo(tmp_path, "go-cli-tool")
    sources = collect([silent_git_server, str(repo)], tmp_path / "cache")
    started = time.monotonic()
    with Store(tmp_path / "s.sqlite") as store:
        rows = run_batch(sources, Settings(), store, BatchOptions(jobs=2, timeout=10))
    elapsed = time.monotonic() - started
    assert [r.status for r in rows] == [Status.FAILED, Status.OK]
    assert rows[0].run.error == "timed out after 10 s"
    assert elapsed < 90


def _batch_argv(sources: list[str], store: Path, *extra: str) -> list[str]:
    return [*sources, "--store", str(store), "--jobs", "1", "--timeout", "120", "--cache-dir", "cache", *extra]


def _wait_for_analyzed_row(store: Path, process: subprocess.Popen[bytes], limit: float = 60) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline and process.poll() is None:
        if store.exists():
            try:
                if any(revision and status == "ok" for _, revision, status in _stored(store)):
                    return
            except sqlite3.OperationalError:
                pass  # the schema is being created
        time.sleep(0.02)
    pytest.fail("the batch stored no analyzed repository in time")


def _children(pid: int) -> list[int]:
    psutil = pytest.importorskip("psutil")
    return [child.pid for child in psutil.Process(pid).children(recursive=True)]


def _gone(pids: list[int], limit: float = 10) -> bool:
    psutil = pytest.importorskip("psutil")
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if not any(psutil.pid_exists(pid) and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE for pid in pids):
            return True
        time.sleep(0.1)
    return False


def test_killed_batch_resumes_and_a_third_run_reuses_everything(
    tmp_path: Path, portfolio: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The issue's done-check at small scale."""
    monkeypatch.chdir(tmp_path)
    store = tmp_path / "portfolio.sqlite"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        [sys.executable, "-m", "analyzer.cli.batch", *_batch_argv(portfolio, store)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    _wait_for_analyzed_row(store, process)
    workers = _children(process.pid)
    process.send_signal(signal.SIGTERM)
    process.wait(30)
    assert process.returncode == -signal.SIGTERM
    done_before = {source for source, revision, status in _stored(store) if status == "ok"}
    assert 1 <= len(done_before) < 7, "the batch was not killed part-way"
    assert _gone(workers), "a worker outlived the killed batch"

    runner = CliRunner()
    exports = ("--format", "json:second.json", "--format", "csv:portfolio.csv", "--format", "html:portfolio.html")
    second = runner.invoke(batch_command, _batch_argv(portfolio, store, *exports))
    assert second.exit_code == 0, second.output
    rows = __import__("json").loads((tmp_path / "second.json").read_text())["repos"]
    assert [r["source"] for r in rows] == portfolio
    statuses = {r["source"]: r["status"] for r in rows}
    assert {s for s in done_before if statuses[s] != "reused"} == set(), {r["config"] for r in rows}
    assert sum(1 for status in statuses.values() if status == "ok") == 7 - len(done_before)
    failures = {r["source"]: r["error"] for r in rows if r["outcome"] == "failed"}
    assert set(failures) == {portfolio[-2], portfolio[-1]}
    assert "no such file or directory" in failures[portfolio[-2]]
    assert "HEAD is not a readable commit" in failures[portfolio[-1]]

    stored = _stored(store)
    assert sorted(source for source, _, _ in stored) == sorted(portfolio)  # every repository stored once
    csv_lines = (tmp_path / "portfolio.csv").read_text().splitlines()
    assert len(csv_lines) == 1 + len(portfolio)
    page = (tmp_path / "portfolio.html").read_text()
    assert page.startswith("<!DOCTYPE html>")
    assert "rustgo-dashboard-ready" in page

    third = runner.invoke(batch_command, _batch_argv(portfolio, store, "--format", "json"))
    assert third.exit_code == 0, third.output
    document = __import__("json").loads(third.output)
    assert {r["status"] for r in document["repos"]} == {"reused"}
    assert document["summary"]["reused"] == len(portfolio)
    assert len(_stored(store)) == len(portfolio)


def test_report_renders_from_the_store_without_scanning(tmp_path: Path, portfolio: list[str]) -> None:
    store = tmp_path / "s.sqlite"
    runner = CliRunner()
    result = runner.invoke(batch_command, ["run", *_batch_argv(portfolio[:2], store, "--jobs", "2")])
    assert result.exit_code == 0, result.output
    for name in portfolio[:2]:
        Path(name, ".git").rename(Path(name, "moved-away"))  # a scan now would fail
    report = runner.invoke(batch_command, ["report", "--store", str(store), "--format", "csv"])
    assert report.exit_code == 0, report.output
    lines = report.output.splitlines()
    assert len(lines) == 3
    assert all(",ok,ok," in line for line in lines[1:])
    table = runner.invoke(batch_command, ["report", "--store", str(store), "--no-color"])
    assert "2 repositories" in table.output


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        pytest.param(["--store", "x.sqlite"], "no sources", id="no-sources"),
        pytest.param(["a", "--format", "yaml"], "unknown format", id="bad-format"),
        pytest.param(["a", "--format", "json", "--format", "csv", "-o", "x"], "exactly one", id="output-ambiguous"),
        pytest.param(["a", "--weights", "speed"], "must look like", id="bad-weights"),
        pytest.param(["report", "--store", "absent.sqlite"], "no such batch store", id="report-without-store"),
    ],
)
def test_usage_errors_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    assert message in capsys.readouterr().err


def test_help_lists_the_options() -> None:
    result = CliRunner().invoke(batch_command, ["run", "--help"])
    for option in ("--from-file", "--discover", "--jobs", "--timeout", "--store", "--force", "--scheduler", "--format"):
        assert option in result.output


def test_progress_bar_shows_counts_on_a_terminal_only(tmp_path: Path) -> None:
    import io

    from rich.console import Console

    from analyzer.cli.batch import _Progress

    repo = make_repo(tmp_path, "go-cli-tool")
    sources = collect([str(repo), str(tmp_path / "missing")], tmp_path / "cache")
    for terminal in (True, False):
        out = io.StringIO()
        with (
            Store(tmp_path / f"s{terminal}.sqlite") as store,
            _Progress(Console(file=out, force_terminal=terminal, width=100)) as progress,
        ):
            run_batch(sources, Settings(), store, BatchOptions(jobs=1, timeout=120), progress)
        if terminal:
            assert "ok 1 · reused 0 · failed 1" in out.getvalue()
        else:
            assert out.getvalue() == ""
