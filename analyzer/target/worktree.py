"""The source of file names and bytes for every later stage: a ``Tree`` protocol and its directory form.

Stages never open files themselves; they ask a ``Tree``, so a later issue can add a tree read from a git
revision. ``WorkTree`` serves a directory: inside a git work tree the file list comes from git (tracked
plus untracked-not-ignored), otherwise from a walk that honours ``.gitignore`` files at every level. The
directory is untrusted: no symlink is followed out of it, symlinked directories are never entered (so
loops cannot happen), only regular files are listed and read, reads are bounded, and every path that is
skipped for a reason the user may care about becomes a diagnostic.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from pathspec import GitIgnoreSpec
from pathspec.patterns.gitignore.spec import GitIgnoreSpecPattern

from analyzer.model import Diagnostic, Severity
from analyzer.target import git as gitinfo

MAX_FILES = 500_000
"""Listing stops after this many files, with a diagnostic: a bound on time and memory."""

_IGNORE_FILE_LIMIT = 1 << 20
"""Bytes read at most from one .gitignore file."""


@dataclass(frozen=True)
class TreeFile:
    """One regular file of a tree."""

    path: str
    """POSIX path relative to the root."""
    size: int
    """Size in bytes."""


class Tree(Protocol):
    """Where file names and bytes come from."""

    root: str
    """Display name of the target."""

    def list_files(self) -> tuple[tuple[TreeFile, ...], tuple[Diagnostic, ...]]:
        """Every file to analyze, sorted by path, and the problems met while listing."""
        ...

    def read(self, path: str, limit: int) -> bytes | None:
        """The first ``limit`` bytes of a file; None if unreadable, not a regular file or outside the root."""
        ...


def _diagnostic(path: str, message: str, severity: Severity = Severity.WARNING) -> Diagnostic:
    return Diagnostic(path=path, message=message, severity=severity, stage="inventory")


def _valid_name(path: str) -> bool:
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _ignore_spec(path: str, text: bytes, diagnostics: list[Diagnostic]) -> GitIgnoreSpec:
    """Patterns of one .gitignore; a line git would reject is skipped with a diagnostic, not fatal."""
    lines: list[str] = []
    for number, line in enumerate(text.decode("utf-8", "replace").splitlines(), start=1):
        try:
            GitIgnoreSpecPattern(line)
        except ValueError:
            diagnostics.append(_diagnostic(path, f"line {number}: invalid pattern {line[:80]!r}; ignored"))
            continue
        lines.append(line)
    return GitIgnoreSpec.from_lines(lines)


class WorkTree:
    """A ``Tree`` over a directory on disk."""

    def __init__(self, root: Path, *, extra_ignores: Sequence[str] = (), max_files: int = MAX_FILES) -> None:
        self.root = str(root)
        self._real = os.path.realpath(root)
        self._extra_patterns = tuple(extra_ignores)
        self._extra = GitIgnoreSpec.from_lines(list(extra_ignores))
        self._max_files = max_files
        self._verified: frozenset[str] = frozenset()
        """Listed regular files whose directories were checked to lie inside the root: read without realpath."""

    # The engine ships trees to worker processes; a compiled RE2 set cannot be pickled, so rebuild it.
    def __getstate__(self) -> dict[str, object]:
        return {k: v for k, v in self.__dict__.items() if k != "_extra"}

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        self._extra = GitIgnoreSpec.from_lines(list(self._extra_patterns))

    # -- reading -------------------------------------------------------------------------------

    def _resolve(self, path: str) -> str | None:
        """Real path of a root-relative path, or None when it is malformed or resolves outside the root."""
        if not path or "\0" in path or path.startswith("/") or ".." in path.split("/"):
            return None
        real = os.path.realpath(os.path.join(self._real, path))
        return real if real.startswith(self._real + os.sep) else None

    def read(self, path: str, limit: int) -> bytes | None:
        """First ``limit`` bytes of a regular file under the root; None otherwise."""
        # A listed plain file needs no realpath: its directories were checked while listing and O_NOFOLLOW
        # refuses a final component that became a symlink since. Any other path is resolved in full.
        real = os.path.join(self._real, path) if path in self._verified else self._resolve(path)
        if real is None:
            return None
        flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
        try:
            fd = os.open(real, flags)
        except OSError:
            return None
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):  # a FIFO or device would block or never end
                return None
            chunks: list[bytes] = []
            remaining = max(limit, 0)
            while remaining > 0:
                chunk = os.read(fd, min(remaining, 1 << 20))
                if not chunk:
                    break
                chunks.append(chunk)
                remaining -= len(chunk)
            return b"".join(chunks)
        except OSError:
            return None
        finally:
            os.close(fd)

    # -- listing -------------------------------------------------------------------------------

    def list_files(self) -> tuple[tuple[TreeFile, ...], tuple[Diagnostic, ...]]:
        """Files from git when the root is in a work tree, else from a .gitignore-aware walk."""
        diagnostics: list[Diagnostic] = []
        candidates = self._git_paths(diagnostics)
        if candidates is None:
            candidates = self._walk(diagnostics)
        files: list[TreeFile] = []
        links: set[str] = set()
        for path in candidates:
            if len(files) >= self._max_files:
                diagnostics.append(
                    _diagnostic(
                        "",
                        f"more than {self._max_files} files: listing stopped, the rest is not analyzed",
                        Severity.ERROR,
                    )
                )
                break
            entry = self._entry(path, diagnostics, links)
            if entry is not None:
                files.append(entry)
        files.sort(key=lambda f: f.path)
        self._verified = frozenset(f.path for f in files) - links
        return tuple(files), tuple(diagnostics)

    def _skipped(self, path: str) -> bool:
        parts = path.split("/")
        return ".git" in parts[:-1] or parts[-1] == ".git" or self._extra.match_file(path)

    def _git_paths(self, diagnostics: list[Diagnostic]) -> Iterator[str] | None:
        top = gitinfo.is_work_tree(Path(self._real))
        if top is None:
            return None
        sub = os.path.relpath(self._real, top)
        if sub.startswith(".."):
            return None
        try:
            paths = gitinfo.list_work_tree_files(top, sub.replace(os.sep, "/"))
        except gitinfo.GitListingError as exc:
            diagnostics.append(
                _diagnostic("", f"git could not list files ({exc}); walked the directory instead", Severity.INFO)
            )
            return None
        if not paths:
            return None  # e.g. the target is ignored by the enclosing repository: walk it instead
        dir_ok: dict[str, bool] = {}
        return (p for p in paths if not self._skipped(p) and self._parent_inside(p, dir_ok))

    def _parent_inside(self, path: str, cache: dict[str, bool]) -> bool:
        """Whether the directory of a git-listed path still resolves inside the root (it may be a symlink now)."""
        parent = path.rpartition("/")[0]
        if parent not in cache:
            real = os.path.realpath(os.path.join(self._real, parent))
            cache[parent] = real == self._real or real.startswith(self._real + os.sep)
        return cache[parent]

    def _entry(self, path: str, diagnostics: list[Diagnostic], links: set[str]) -> TreeFile | None:
        """A TreeFile for a listed path, or None (with a diagnostic when the reason matters)."""
        if not _valid_name(path):
            diagnostics.append(
                _diagnostic(path.encode("utf-8", "replace").decode(), "file name is not valid UTF-8; skipped")
            )
            return None
        full = os.path.join(self._real, path)
        try:
            info = os.lstat(full)
        except OSError:
            return None  # tracked by git but deleted from disk
        if stat.S_ISLNK(info.st_mode):
            links.add(path)
            return self._link_entry(path, full, diagnostics)
        if not stat.S_ISREG(info.st_mode):
            return None  # FIFOs, sockets, devices, submodule directories
        return TreeFile(path=path, size=info.st_size)

    def _link_entry(self, path: str, full: str, diagnostics: list[Diagnostic]) -> TreeFile | None:
        try:
            info = os.stat(full)
        except OSError as exc:
            what = "symlink loop" if exc.errno == errno.ELOOP else "dangling symlink"
            diagnostics.append(_diagnostic(path, f"{what}; skipped"))
            return None
        if self._resolve(path) is None:
            diagnostics.append(_diagnostic(path, "symlink points outside the repository; skipped"))
            return None
        if not stat.S_ISREG(info.st_mode):
            return None  # a symlinked directory is never entered, so loops cannot happen
        return TreeFile(path=path, size=info.st_size)

    def _walk(self, diagnostics: list[Diagnostic]) -> Iterator[str]:
        """Paths under the root, honouring .gitignore at every level, never entering symlinked dirs."""
        specs: dict[str, GitIgnoreSpec] = {}
        for dirpath, dirnames, filenames in os.walk(self._real, followlinks=False):
            rel_dir = os.path.relpath(dirpath, self._real).replace(os.sep, "/")
            prefix = "" if rel_dir == "." else rel_dir + "/"
            if ".gitignore" in filenames:
                text = self.read(prefix + ".gitignore", _IGNORE_FILE_LIMIT)
                if text is not None:
                    specs[prefix] = _ignore_spec(prefix + ".gitignore", text, diagnostics)
            kept: list[str] = []
            for name in sorted(dirnames):
                path = prefix + name
                if name == ".git" or self._ignored(path + "/", specs) or self._extra.match_file(path + "/"):
                    continue
                if os.path.islink(os.path.join(dirpath, name)):
                    yield path  # _entry reports it (outside, dangling, loop) or drops it (a directory)
                    continue
                kept.append(name)
            dirnames[:] = kept
            for name in sorted(filenames):
                path = prefix + name
                if name != ".git" and not self._ignored(path, specs) and not self._extra.match_file(path):
                    yield path

    @staticmethod
    def _ignored(path: str, specs: dict[str, GitIgnoreSpec]) -> bool:
        """Git's rule: the deepest .gitignore with a matching pattern decides, its last match wins."""
        parts = path.rstrip("/").split("/")
        for depth in range(len(parts) - 1, -1, -1):
            prefix = "/".join(parts[:depth]) + "/" if depth else ""
            spec = specs.get(prefix)
            if spec is None:
                continue
            result = spec.check_file(path[len(prefix) :])
            if result.include is not None:
                return bool(result.include)
        return False
