"""The batch end to end: real git repositories, worker processes, a real store, the CLI through CliRunner and a
killed subprocess that resumes; a hung repository times out without holding up the others."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from multiprocessing.context import SpawnContext
from pathlib import Path

import pytest
from click.testing import CliRunner

from analyzer import __version__
from analyzer.batch import workers
from analyzer.batch.run import run_batch
from analyzer.batch.sources import classify, collect
from analyzer.batch.store import RunKey, Store
from analyzer.batch.tasks import BatchOptions, Settings, Status, Task, run_task
from analyzer.cli.batch import batch_command
from analyzer.cli.main import main
from analyzer.reports.portfolio import document
from analyzer.reports.portfolio_table import render_table
from tests.batch_repos import commit_all, git_head, make_bare, make_corrupt, make_repo
from tests.schemas import errors, shipped_validator

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
        (plain / "util.go").write_text("package main\n")  # a new file: a new content key
        third = run_batch(sources, Settings(), store, options)
        forced = run_batch(sources, Settings(), store, BatchOptions(jobs=1, timeout=120, force=True))
        other = run_batch(sources, Settings(select=("GO",)), store, options)
    assert [r.status for r in first] == [Status.OK, Status.OK]
    assert [r.status for r in second] == [Status.REUSED, Status.REUSED]  # the plain folder by its content key
    assert second[1].run == first[1].run
    assert first[1].run.key.revision.startswith("content:")
    stored = first[1].run.report()
    assert stored is not None
    assert stored["target"]["revision"] is None  # the key is not passed off as a commit
    assert [r.status for r in third] == [Status.OK, Status.OK]
    assert [r.status for r in forced] == [Status.OK, Status.OK]
    assert [r.status for r in other] == [Status.OK, Status.OK]
    assert other[0].run.key.config_hash != first[0].run.key.config_hash
    assert [h.key.revision for h in third[0].history][:2] == [first[0].run.key.revision, third[0].run.key.revision]
    assert len(third[0].history) == 2
    assert third[1].run.key.revision != first[1].run.key.revision
    assert all(h.key.revision.startswith("content:") for h in third[1].history)


def test_workers_are_never_more_than_the_tasks_and_exit_cleanly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One repository to analyze starts one worker whatever --jobs says, a fully reused run starts none and never
    loads the rules, and the workers a batch started have exited on their own (exit code 0, not killed)."""
    started: list[workers._Slot] = []
    start = workers._start

    def counted(ctx: SpawnContext, settings: Settings) -> workers._Slot:
        slot = start(ctx, settings)
        started.append(slot)
        return slot

    monkeypatch.setattr(workers, "_start", counted)
    repos = [make_repo(tmp_path, "go-cli-tool"), make_repo(tmp_path, "rust-cli-tool")]
    with Store(tmp_path / "s.sqlite") as store:
        one = run_batch(collect([str(repos[0])], tmp_path / "cache"), Settings(), store, BatchOptions(jobs=4))
        assert len(started) == 1
        both = collect([str(r) for r in repos], tmp_path / "cache")
        two = run_batch(both, Settings(), store, BatchOptions(jobs=4))
        assert len(started) == 2  # one more, for the second repository only: the first is reused
        assert [s.process.exitcode for s in started] == [0, 0]

        def refused(self: Settings) -> None:
            raise AssertionError("a fully reused batch loaded the rules")

        monkeypatch.setattr(Settings, "knowledge", refused)
        again = run_batch(both, Settings(), store, BatchOptions(jobs=4))
    assert len(started) == 2
    assert [r.status for r in one] == [Status.OK]
    assert [r.status for r in two] == [Status.REUSED, Status.OK]
    assert [r.status for r in again] == [Status.REUSED, Status.REUSED]


def test_a_plain_folder_key_follows_its_listing(tmp_path: Path) -> None:
    from analyzer.batch.folder import content_key

    folder = tmp_path / "plain"
    (folder / "pkg").mkdir(parents=True)
    (folder / "pkg" / "a.py").write_text("print(1)\n")
    first = content_key(folder)
    assert first is not None
    assert content_key(folder) == first  # stable
    (folder / "pkg" / "a.py").write_text("print(2)\n")
    os.utime(folder / "pkg" / "a.py", ns=(1, 1))
    edited = content_key(folder)
    assert edited not in (None, first)
    (folder / "pkg" / "a.py").rename(folder / "pkg" / "b.py")
    assert content_key(folder) not in (None, first, edited)
    (folder / "empty").mkdir()
    assert content_key(folder) != content_key(folder / "pkg")
    assert content_key(tmp_path / "absent") is None


def test_a_stored_failure_is_reused_as_failed_until_retried(tmp_path: Path) -> None:
    """A failure at a commit (a timeout, a crash) stays failed in every run until --retry-failed or --force."""
    repo = make_repo(tmp_path, "go-cli-tool")
    sources = collect([str(repo)], tmp_path / "cache")
    commit = git_head(repo)
    settings = Settings()
    with Store(tmp_path / "s.sqlite") as store:
        key = RunKey(str(repo), commit, __version__, settings.fingerprint())
        store.save(key, report=None, error="timed out after 5 s", seconds=5.0)
        reused = run_batch(sources, settings, store, BatchOptions())[0]
        retried = run_batch(sources, settings, store, BatchOptions(retry_failed=True))[0]
    assert (reused.status, reused.run.status, reused.run.error) == (Status.REUSED, "failed", "timed out after 5 s")
    doc = document([reused])
    assert doc["repos"][0]["status"] == "failed"
    assert doc["repos"][0]["reused"] is True
    assert doc["repos"][0]["failed_at"] == reused.run.finished_at
    assert (doc["summary"]["failed"], doc["summary"]["failed_earlier"], doc["summary"]["reused"]) == (1, 1, 0)
    assert "1 failed (1 stored from an earlier run)" in render_table([reused])
    assert "failed at 20" in render_table([reused])
    assert (retried.status, retried.run.status) == (Status.OK, "ok")
    assert len(_stored(tmp_path / "s.sqlite")) == 1


def test_missing_and_corrupt_sources_are_probed_again_on_every_run(tmp_path: Path) -> None:
    corrupt = make_corrupt(tmp_path)
    repo = make_repo(tmp_path, "go-cli-tool")
    sources = collect([str(corrupt), str(repo)], tmp_path / "cache")
    with Store(tmp_path / "s.sqlite") as store:
        first = run_batch(sources, Settings(), store, BatchOptions())
        second = run_batch(sources, Settings(), store, BatchOptions())
        shutil.rmtree(corrupt)
        shutil.copytree(repo, corrupt)  # the broken path is back as a good repository
        third = run_batch(sources, Settings(), store, BatchOptions())
    assert [r.status for r in first] == [Status.FAILED, Status.OK]
    assert [r.status for r in second] == [Status.FAILED, Status.REUSED]  # not reused: probed again
    assert second[0].run.finished_at >= first[0].run.finished_at
    assert [r.status for r in third] == [Status.OK, Status.REUSED]


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
        [sys.executable, "-m", "analyzer", "batch", *_batch_argv(portfolio, store)],
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
    second_doc = __import__("json").loads((tmp_path / "second.json").read_text())
    assert errors(shipped_validator("batch.schema.json"), second_doc) == []
    rows = second_doc["repos"]
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
    doc = __import__("json").loads(third.output)
    assert [r["status"] for r in doc["repos"]] == ["reused"] * (len(portfolio) - 2) + ["failed", "failed"]
    assert (doc["summary"]["reused"], doc["summary"]["failed"]) == (len(portfolio) - 2, 2)
    assert len(_stored(store)) == len(portfolio)

    shutil.rmtree(portfolio[0])  # the done-check: a deleted repository shows as failed, and counts
    fourth = runner.invoke(batch_command, _batch_argv(portfolio, store, "--format", "json", "--fail-on", "failed"))
    assert fourth.exit_code == 1
    doc = __import__("json").loads(fourth.stdout)
    assert doc["repos"][0]["status"] == "failed"
    assert "no such file or directory" in doc["repos"][0]["error"]
    assert (doc["summary"]["reused"], doc["summary"]["failed"]) == (len(portfolio) - 3, 3)
    assert "policy failed: 3 of 9 sources failed" in fourth.stderr


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


def test_a_fully_reused_batch_reads_no_rules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The command line checks rule names only when the configuration names some, and loads the rules only when a
    repository needs analysing: a re-run of an unchanged portfolio never reads them."""
    import analyzer.knowledge

    repo = make_repo(tmp_path, "go-cli-tool")
    store = tmp_path / "s.sqlite"
    runner = CliRunner()
    first = runner.invoke(batch_command, ["run", *_batch_argv([str(repo)], store, "--format", "csv")])
    assert first.exit_code == 0, first.output

    def refused(*_: object, **__: object) -> None:
        raise AssertionError("the rules were read")

    monkeypatch.setattr(analyzer.knowledge, "load", refused)
    monkeypatch.setattr(analyzer.knowledge, "vocabulary", refused)
    again = runner.invoke(batch_command, ["run", *_batch_argv([str(repo)], store, "--format", "csv")])
    assert again.exit_code == 0, again.output
    assert ",reused," in again.output
    named = runner.invoke(batch_command, ["run", *_batch_argv([str(repo)], store, "--select", "GO")])
    assert isinstance(named.exception, AssertionError)  # names to check: the vocabulary is read first


def test_report_history_shows_how_verdict_and_leans_moved(tmp_path: Path) -> None:
    """The store keeps every analyzed commit; `report --history` lists them, oldest first, with their leans."""
    repo = make_repo(tmp_path, "py-flask-service")
    store = tmp_path / "s.sqlite"
    runner = CliRunner()
    first = runner.invoke(batch_command, _batch_argv([str(repo)], store))
    assert first.exit_code == 0, first.output
    (repo / "native").mkdir()
    (repo / "native" / "Cargo.toml").write_text(
        '[package]\nname = "fast"\nversion = "0.1.0"\n[dependencies]\ntokio = "1"\n'
    )
    (repo / "native" / "lib.rs").write_text("use std::sync::atomic::AtomicU64;\npub fn f() {}\n")
    commit_all(repo, "a native crate")
    second = runner.invoke(batch_command, _batch_argv([str(repo)], store))
    assert second.exit_code == 0, second.output
    shown = runner.invoke(batch_command, ["report", "--store", str(store), "--history", "--no-color"])
    assert shown.exit_code == 0, shown.output
    history = shown.output.split("history", 1)[1]
    lines = [line for line in history.splitlines() if "py-flask-service" in line]
    assert len(lines) == 2
    assert "perform" in history
    doc = __import__("json").loads(
        runner.invoke(batch_command, ["report", "--store", str(store), "--format", "json"]).stdout
    )
    past = doc["repos"][0]["history"]
    assert [entry["commit"] for entry in past] == sorted(
        {entry["commit"] for entry in past}, key=[e["commit"] for e in past].index
    )
    assert len(past) == 2
    assert past[0]["leans"] != past[1]["leans"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        pytest.param(["--store", "x.sqlite"], "no sources", id="no-sources"),
        pytest.param(["a", "--format", "yaml"], "--format", id="bad-format"),
        pytest.param(
            ["a", "--format", "json", "--format", "csv", "-o", "x"], "exactly one format", id="output-ambiguous"
        ),
        pytest.param(["a", "--weights", "speed"], "--weights: weights look like", id="bad-weights"),
        pytest.param(["report", "--store", "absent.sqlite"], "no such batch store", id="report-without-store"),
    ],
)
def test_usage_errors_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["batch", *argv]) == 2
    assert message in capsys.readouterr().err


def test_fail_on_failed_exits_1_only_when_a_source_failed(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, "go-cli-tool")
    store = tmp_path / "s.sqlite"
    runner = CliRunner()
    good = runner.invoke(batch_command, _batch_argv([str(repo)], store, "--fail-on", "failed"))
    assert good.exit_code == 0, good.output
    bad = runner.invoke(batch_command, _batch_argv([str(tmp_path / "gone")], store, "--fail-on", "failed"))
    assert bad.exit_code == 1
    assert "policy failed: 1 of 1 sources failed" in bad.stderr
    assert runner.invoke(batch_command, _batch_argv([str(tmp_path / "gone")], store)).exit_code == 0


def test_help_lists_the_options() -> None:
    result = CliRunner().invoke(batch_command, ["run", "--help"])
    for option in (
        "--from-file",
        "--discover",
        "--jobs",
        "--timeout",
        "--store",
        "--force",
        "--scheduler",
        "--fail-on",
    ):
        assert option in result.output


def test_progress_bar_shows_counts_on_a_terminal_only(tmp_path: Path) -> None:
    import io

    from rich.console import Console

    from analyzer.cli.progress import BatchProgress

    repo = make_repo(tmp_path, "go-cli-tool")
    sources = collect([str(repo), str(tmp_path / "missing")], tmp_path / "cache")
    for terminal in (True, False):
        out = io.StringIO()
        with (
            Store(tmp_path / f"s{terminal}.sqlite") as store,
            BatchProgress(Console(file=out, force_terminal=terminal, width=100)) as progress,
        ):
            run_batch(sources, Settings(), store, BatchOptions(jobs=1, timeout=120), progress)
        if terminal:
            assert "ok 1 · reused 0 · failed 1" in out.getvalue()
        else:
            assert out.getvalue() == ""
