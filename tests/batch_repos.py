"""Real git repositories for the batch tests: fixtures committed with GitPython, a corrupt one, a bare clone."""

from __future__ import annotations

import shutil
from pathlib import Path

import git

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
AUTHOR = git.Actor("Batch Tester", "batch-tester@example.com")


def commit_all(path: Path, message: str = "snapshot") -> str:
    """Commit everything in the work tree at ``path`` with a fixed author; return the commit's hex name."""
    repo = git.Repo(path)
    try:
        repo.git.add(A=True)
        return str(repo.index.commit(message, author=AUTHOR, committer=AUTHOR).hexsha)
    finally:
        repo.close()


def make_repo(root: Path, fixture: str, name: str | None = None) -> Path:
    """A copy of ``fixtures/<fixture>`` under ``root`` as a git work tree with one commit."""
    path = root / (name or fixture)
    shutil.copytree(FIXTURES / fixture, path)
    git.Repo.init(path).close()
    commit_all(path, f"import {fixture}")
    return path


def make_corrupt(root: Path, name: str = "corrupt") -> Path:
    """A folder whose .git has a garbage HEAD: git cannot tell what it holds."""
    path = root / name
    (path / ".git").mkdir(parents=True)
    (path / ".git" / "HEAD").write_text("this is not a ref\n", encoding="utf-8")
    (path / "main.go").write_text("package main\n", encoding="utf-8")
    return path


def make_bare(source: Path, dest: Path) -> Path:
    """A bare clone of the work tree at ``source``."""
    git.Repo.clone_from(str(source), str(dest), bare=True).close()
    return dest


def git_head(path: Path) -> str:
    """The hex name of the commit HEAD points to in the work tree at ``path``."""
    repo = git.Repo(path)
    try:
        return str(repo.head.commit.hexsha)
    finally:
        repo.close()
