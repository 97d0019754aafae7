"""The one door to git: work-tree detection, file listing and a cheap history summary, via GitPython.

No other module imports GitPython (DESIGN §2). GitPython is imported lazily inside each function so that
importing the analyzer stays cheap and a machine without a git executable still gets a directory walk.
The repository is untrusted, so every command is run with an explicit argument list, with repository
hooks such as ``core.fsmonitor`` switched off and without textconv or external diff drivers, which a
hostile ``.git/config`` could otherwise use to run programs.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# Options passed before every subcommand: a repository's own config must not make git run programs.
_SAFE_OPTIONS = ("-c", "core.fsmonitor=false", "-c", "core.untrackedCache=false", "-c", "core.quotePath=false")


class GitListingError(Exception):
    """git could not list the work tree (dubious ownership, corrupt index, missing executable...)."""


@dataclass(frozen=True)
class HistorySummary:
    """A few figures about a repository's recent history, for the developer-experience criterion."""

    commits: int
    """Number of commits examined (at most ``max_commits``)."""
    authors: int
    """Distinct authors (by mailmapped e-mail, case-insensitive) among those commits."""
    first_commit: str | None
    """ISO-8601 author date of the oldest examined commit, None for an empty repository."""
    last_commit: str | None
    """ISO-8601 author date of the newest commit, None for an empty repository."""
    authors_by_language: tuple[tuple[str, int], ...] = ()
    """(extension group, distinct authors who touched files of that group): groups "go", "rust", "other"."""
    truncated: bool = False
    """True when the history is longer than ``max_commits`` and only the newest were examined."""


def _run(cwd: Path, *args: str) -> bytes:
    """Run ``git <safe options> args`` in ``cwd`` and return its raw stdout; raise GitListingError."""
    try:
        import git  # GitPython: imported here and in is_work_tree only

        out: Any = git.Git(str(cwd)).execute(["git", *_SAFE_OPTIONS, *args], stdout_as_string=False)
    except ImportError as exc:  # GitPython refuses to import without a git executable
        raise GitListingError(f"git is not available: {exc}") from exc
    except (git.GitCommandError, OSError) as exc:
        raise GitListingError(str(exc).strip().splitlines()[-1] if str(exc).strip() else repr(exc)) from exc
    return bytes(out)


def is_work_tree(path: Path) -> Path | None:
    """Top-level directory of the git work tree that contains ``path``, or None (not in one, bare, no git)."""
    try:
        import git

        repo = git.Repo(str(path), search_parent_directories=True)
    except ImportError:
        return None
    except (git.InvalidGitRepositoryError, git.NoSuchPathError, git.GitCommandError, OSError, ValueError):
        return None
    try:
        top = repo.working_tree_dir
    finally:
        repo.close()
    if top is None or repo.bare:
        return None
    return Path(os.path.realpath(top))


def list_work_tree_files(top: Path, sub: str) -> list[str]:
    """Files git knows under ``top/sub``: tracked plus untracked-not-ignored, relative to ``top/sub``.

    Tracked files deleted from disk are still listed (the caller's stat skips them); entries for nested
    repositories end with "/" and are dropped here. Raises GitListingError when git refuses to list.
    """
    cwd = top / sub if sub not in ("", ".") else top
    raw = _run(cwd, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
    seen: set[str] = set()
    paths: list[str] = []
    for item in raw.split(b"\0"):
        if not item or item.endswith(b"/"):
            continue
        path = os.fsdecode(item)
        if path not in seen:  # a conflicted path appears once per stage
            seen.add(path)
            paths.append(path)
    return paths


def _group(path: str) -> str:
    if path.endswith(".go"):
        return "go"
    if path.endswith(".rs"):
        return "rust"
    return "other"


def history_summary(path: Path, max_commits: int = 2000) -> HistorySummary | None:
    """Commits, authors and dates of the newest ``max_commits`` commits; None when not a git repository."""
    top = is_work_tree(path)
    if top is None:
        return None
    try:
        raw = _run(
            top, "log", f"--max-count={max_commits + 1}", "--no-renames", "--no-textconv", "--no-ext-diff",
            "--numstat", "--format=%x00%aE%x1f%aI",
        )
    except GitListingError:
        # An empty repository has no HEAD: that is a history of zero commits, not an error.
        return HistorySummary(commits=0, authors=0, first_commit=None, last_commit=None)
    text = raw.decode("utf-8", errors="replace")
    records = [r for r in text.split("\0") if r.strip()]
    truncated = len(records) > max_commits
    records = records[:max_commits]
    authors: set[str] = set()
    by_group: dict[str, set[str]] = {}
    dates: list[str] = []
    for record in records:
        header, _, body = record.partition("\n")
        email, _, date = header.partition("\x1f")
        author = email.strip().lower()
        authors.add(author)
        dates.append(date.strip())
        for line in body.splitlines():
            parts = line.split("\t", 2)
            if len(parts) == 3:
                by_group.setdefault(_group(parts[2].strip('"')), set()).add(author)
    return HistorySummary(
        commits=len(records),
        authors=len(authors),
        first_commit=dates[-1] if dates else None,
        last_commit=dates[0] if dates else None,
        authors_by_language=tuple(sorted((group, len(names)) for group, names in by_group.items())),
        truncated=truncated,
    )
