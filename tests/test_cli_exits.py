"""Exit codes that never lie (issue 11 item 4), each driven through the installed CLI as a subprocess.

0 report produced; 1 only when a policy failed, and then the report is still written; 2 with one clear line for
usage, configuration, target and git trouble (dubious ownership, no commits, missing objects, an unreachable
scheduler); 130 when interrupted.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import git

from tests.conftest import needs

AUTHOR = git.Actor("t", "t@example.com")


def _environ() -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("RUSTGO_", "GIT_"))}
    return keep | {"NO_COLOR": "1", "RUSTGO_CACHE_DIR": os.environ.get("RUSTGO_CACHE_DIR", "")}


def _analyze(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-I", "-m", "analyzer", *args],
        cwd=cwd,
        env=_environ(),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _repo(root: Path, files: dict[str, str]) -> Path:
    root.mkdir(parents=True)
    handle = git.Repo.init(root)
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    handle.git.add("-A")
    handle.index.commit("one", author=AUTHOR, committer=AUTHOR)
    handle.close()
    return root


GO = {"go.mod": "module example.com/x\n\ngo 1.22\n", "cmd/main.go": "package main\n\nfunc main() {}\n"}


def _one_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    return lines[0]


def test_empty_repository_says_it_has_no_commits(tmp_path: Path) -> None:
    git.Repo.init(tmp_path / "empty").close()
    for args in (["empty", "--rev", "HEAD"], ["diff", "empty", "--base", "HEAD"]):
        done = _analyze(*args, cwd=tmp_path)
        assert done.returncode == 2
        assert "has no commits" in _one_line(done.stderr)


def test_dubious_ownership_is_one_line_exit_2(tmp_path: Path) -> None:
    needs("root, to give a repository to another user", os.geteuid() == 0)
    repo = _repo(tmp_path / "theirs", GO)
    for path in (repo, *repo.rglob("*")):
        os.lchown(path, 65534, 65534)
    for args in (["theirs", "--rev", "HEAD"], ["diff", "theirs", "--base", "HEAD"]):
        done = _analyze(*args, cwd=tmp_path)
        assert done.returncode == 2, done.stderr
        assert "dubious ownership" in _one_line(done.stderr)


def test_missing_objects_are_named(tmp_path: Path) -> None:
    repo = _repo(tmp_path / "svc", GO)
    tree = git.Repo(repo).git.rev_parse("HEAD:cmd")
    (repo / ".git" / "objects" / tree[:2] / tree[2:]).unlink()
    for args in (["svc", "--rev", "HEAD"], ["diff", "svc", "--base", "HEAD"]):
        done = _analyze(*args, cwd=tmp_path)
        assert done.returncode == 2
        assert "objects are missing from the repository" in _one_line(done.stderr)


def test_unreachable_scheduler_is_exit_2(tmp_path: Path) -> None:
    repo = _repo(tmp_path / "svc", GO)
    with contextlib.closing(__import__("socket").socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed again: nothing listens there
    done = _analyze(
        "batch",
        str(repo),
        "--store",
        str(tmp_path / "s.sqlite"),
        "--scheduler",
        f"tcp://127.0.0.1:{port}",
        cwd=tmp_path,
    )
    assert done.returncode == 2, done.stderr
    assert "--scheduler" in _one_line(done.stderr)


def test_policy_failure_is_1_with_the_report_written(tmp_path: Path) -> None:
    repo = _repo(tmp_path / "svc", GO)
    report = tmp_path / "report.json"
    done = _analyze(str(repo), "--expect", "rust", "--format", f"json:{report}", cwd=tmp_path)
    assert done.returncode == 1
    assert json.loads(report.read_text(encoding="utf-8"))["verdict"]["language"] == "go"
    assert "policy failed: expected verdict rust, got go" in done.stderr


def _ctrl_c_as_in_a_terminal() -> None:
    """Give the child SIGINT's default disposition, as a shell gives a foreground command.

    A test run started as a background job of a non-interactive shell (as CI runners do) inherits SIGINT ignored,
    and so would the analyzer, which rightly honours an inherited SIG_IGN: the test would then wait forever.
    """
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _wait_until_blocked_reading(pid: int) -> None:
    """Return once the process sleeps in a pipe read (Linux's /proc/PID/wchan says so), else after 5 s.

    A signal that lands between Python's last check of its signal flag and the read system call is handled only
    when the read returns: sent too early, one Ctrl-C waits for data that never comes (CPython's race, not the
    analyzer's; a second Ctrl-C ends it). Once the process sleeps in the read, the signal interrupts it.
    """
    wchan = Path(f"/proc/{pid}/wchan")
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError):
            if "pipe_read" in wchan.read_text(encoding="ascii"):
                return
        time.sleep(0.01)


def test_interrupt_is_130(tmp_path: Path) -> None:
    """Ctrl-C while the run waits on a baseline that is a FIFO nobody writes to: deterministic, no timing."""
    repo = _repo(tmp_path / "svc", GO)
    fifo = tmp_path / "baseline.json"
    os.mkfifo(fifo)
    process = subprocess.Popen(
        [sys.executable, "-I", "-m", "analyzer", str(repo), "--baseline", str(fifo), "-q"],
        cwd=tmp_path,
        env=_environ(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=_ctrl_c_as_in_a_terminal,
    )
    writer = None
    deadline = time.monotonic() + 240  # a hang detector, not a speed test
    while writer is None:
        try:
            writer = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)  # succeeds once the analyzer opened it to read
        except OSError as exc:
            if exc.errno != errno.ENXIO:  # ENXIO: nobody has the FIFO open to read yet
                raise
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline
            time.sleep(0.05)
    try:
        _wait_until_blocked_reading(process.pid)
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=120)
    finally:
        os.close(writer)
    assert process.returncode == 130, err
    assert "interrupted" in err
    assert "Traceback" not in err
