"""Hostile git metadata against the real CLI: FIFOs where git reads, shallow and empty repositories, a git that dies.

Before: a FIFO at ``.git/HEAD``, ``config``, ``index``, ``packed-refs`` or the branch's ref file hung ``analyze``
and ``--rev`` (killed at 30-60 s); ``--rev HEAD~1`` on a shallow clone crashed with exit 3; an empty
repository said "unknown revision"; a repository git refuses (dubious ownership) said "unknown revision"
too. After: the work tree is walked with a diagnostic naming the file, ``--rev`` exits 2 with one line that
names the cause.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from analyzer.target import git as gitinfo
from analyzer.target import gitdir

HANG = 120
"""Seconds after which a run counts as hung (each case takes about a second)."""


def _git(root: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com"}
    env |= {"GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}
    done = subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, env=env, text=True)
    return done.stdout.strip()


def _repo(root: Path, commits: int = 1) -> Path:
    root.mkdir()
    _git(root, "init", "-q", "-b", "main")
    for number in range(commits):
        (root / f"f{number}.go").write_text("package main\n")
        _git(root, "add", "-A")
        _git(root, "commit", "-qm", f"c{number}")
    return root


def _run(path: Path, *args: str, env: Mapping[str, str] | None = None) -> tuple[int, dict[str, Any], str]:
    done = subprocess.run(
        [sys.executable, "-I", "-m", "analyzer", str(path), "--format", "json", *args],
        capture_output=True,
        timeout=HANG,
        stdin=subprocess.DEVNULL,
        check=False,
        env={**os.environ, **(env or {})},
    )
    report = json.loads(done.stdout) if done.returncode == 0 else {}
    return done.returncode, report, done.stderr.decode("utf-8", "replace")


def _fifo_at(root: Path, name: str) -> None:
    target = root / ".git" / name
    if name == "packed-refs":
        _git(root, "pack-refs", "--all")
    target.unlink(missing_ok=True)
    os.mkfifo(target)


@pytest.mark.parametrize("name", ["HEAD", "config", "index", "packed-refs", "refs/heads/main"])
def test_fifo_in_git_metadata_is_a_diagnostic_and_the_tree_is_walked(tmp_path: Path, name: str) -> None:
    root = _repo(tmp_path / "repo")
    _fifo_at(root, name)
    code, report, stderr = _run(root)
    assert code == 0, stderr
    found = [d for d in report["diagnostics"] if f".git/{name}: is a FIFO" in d["message"]]
    assert found, report["diagnostics"]
    assert report["stats"]["files"] == 1  # f0.go, walked without git


@pytest.mark.parametrize("name", ["HEAD", "config", "index", "packed-refs", "refs/heads/main"])
def test_fifo_in_git_metadata_stops_a_revision_with_one_line(tmp_path: Path, name: str) -> None:
    root = _repo(tmp_path / "repo")
    _fifo_at(root, name)
    code, _, stderr = _run(root, "--rev", "main")
    assert code == 2
    assert f".git/{name}: is a FIFO, not a regular file" in stderr
    assert "Traceback" not in stderr


def test_revision_beyond_a_shallow_clone(tmp_path: Path) -> None:
    source = _repo(tmp_path / "source", commits=2)
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--depth=1", source.as_uri(), str(clone)], check=True)
    code, _, stderr = _run(clone, "--rev", "HEAD~1")
    assert code == 2, stderr
    assert "shallow clone" in stderr
    assert _run(clone, "--rev", "HEAD")[0] == 0


def test_empty_repository(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    _git(root, "init", "-q")
    (root / "main.go").write_text("package main\n")
    code, _, stderr = _run(root, "--rev", "HEAD")
    assert code == 2
    assert "the repository has no commits" in stderr
    assert _run(root)[0] == 0  # the work tree itself is still analyzed
    assert gitinfo.head_commit(root) is None


def test_git_that_refuses_the_repository(tmp_path: Path) -> None:
    root = _repo(tmp_path / "repo")
    refuse = {"GIT_TEST_ASSUME_DIFFERENT_OWNER": "1"}  # git's own switch for "owned by someone else"
    code, _, stderr = _run(root, "--rev", "HEAD", env=refuse)
    assert code == 2
    assert "dubious ownership" in stderr
    code, report, stderr = _run(root, env=refuse)
    assert code == 0, stderr
    assert any("dubious ownership" in d["message"] for d in report["diagnostics"])


def test_head_commit_reads_git_files_without_git(tmp_path: Path) -> None:
    root = _repo(tmp_path / "repo", commits=2)
    expected = _git(root, "rev-parse", "HEAD")
    found = gitdir.find(root / "f0.go")
    assert found is not None
    assert gitdir.head_commit(found) == expected  # loose ref
    _git(root, "pack-refs", "--all")
    assert not (root / ".git" / "refs" / "heads" / "main").exists()
    assert gitdir.head_commit(found) == expected  # packed-refs
    _git(root, "checkout", "-q", "--detach")
    assert gitdir.head_commit(found) == expected  # detached
    worktree = tmp_path / "linked"
    _git(root, "worktree", "add", "-q", "--detach", str(worktree), "HEAD~1")
    linked = gitdir.find(worktree)
    assert linked is not None
    assert linked.top == worktree.resolve()
    assert gitdir.head_commit(linked) == _git(root, "rev-parse", "HEAD~1")
    (root / ".git" / "HEAD").write_text("ref: refs/heads/absent\n")
    assert gitdir.head_commit(found) is None  # left to git, which finds nothing either
    assert gitinfo.head_commit(root) is None


@pytest.mark.parametrize("folder", [pytest.param("", id="root"), pytest.param("pkg/", id="tracked-folder")])
def test_fifo_gitignore_is_never_handed_to_git(tmp_path: Path, folder: str) -> None:
    # git ls-files --exclude-standard opens every .gitignore it meets and waited forever on a FIFO.
    root = _repo(tmp_path / "repo")
    (root / "pkg").mkdir()
    (root / "pkg" / "lib.go").write_text("package pkg\n")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "pkg")
    os.mkfifo(root / f"{folder}.gitignore")
    code, report, stderr = _run(root)
    assert code == 0, stderr
    messages = {d["path"]: d["message"] for d in report["diagnostics"]}
    assert messages[f"{folder}.gitignore"] == "special file (FIFO); skipped"
    assert any(".gitignore: is a FIFO" in message for message in messages.values())
    assert report["stats"]["files"] == 2  # f0.go and pkg/lib.go, walked


@pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="the stall shows in Linux's /proc; elsewhere git's timeout"
)
def test_fifo_gitignore_in_an_untracked_folder_stops_git_at_once(tmp_path: Path) -> None:
    # No tracked file says the folder exists, so only git meets its .gitignore: git waited there for 300 s.
    root = _repo(tmp_path / "repo")
    (root / "new" / "deeper").mkdir(parents=True)
    (root / "new" / "deeper" / "a.go").write_text("package deeper\n")
    os.mkfifo(root / "new" / ".gitignore")
    code, report, stderr = _run(root)  # HANG is the hang detector; without the stall check this run took 300 s
    assert code == 0, stderr
    messages = {d["path"]: d["message"] for d in report["diagnostics"]}
    assert messages["new/.gitignore"] == "special file (FIFO); skipped"
    assert "waited to open a named pipe (FIFO)" in messages[""]
    assert report["stats"]["files"] == 2  # f0.go and new/deeper/a.go, walked


def test_a_git_that_waits_on_a_fifo_is_stopped_and_named(tmp_path: Path) -> None:
    """The stall check in isolation: a git reading a FIFO given as a path, stopped without the long timeout."""
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    root = _repo(tmp_path / "repo")
    if not sys.platform.startswith("linux"):
        pytest.skip("the stall shows in Linux's /proc; elsewhere git's timeout")
    with pytest.raises(gitinfo.GitListingError, match="named pipe"):
        gitinfo._run(root, "hash-object", str(fifo), timeout=HANG)


def test_fifo_in_place_of_a_loose_blob_stops_a_revision_with_one_line(tmp_path: Path) -> None:
    # git ls-tree -l opens every blob for its size, and cat-file reads them: both waited forever on a FIFO.
    root = _repo(tmp_path / "repo")
    sha = _git(root, "rev-parse", "HEAD:f0.go")
    loose = root / ".git" / "objects" / sha[:2] / sha[2:]
    loose.unlink()
    os.mkfifo(loose)
    code, _, stderr = _run(root, "--rev", "HEAD")
    assert code == 2
    assert f"{sha[2:]}: is a FIFO" in stderr
