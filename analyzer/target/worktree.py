"""The source of file names and bytes for every later stage: a ``Tree`` protocol and its directory form.

Stages never open files themselves; they ask a ``Tree``, so a later issue can add a tree read from a git
revision. ``WorkTree`` serves a directory: inside a git work tree the file list comes from git (tracked
plus untracked-not-ignored), otherwise from a walk that honours ``.gitignore`` files at every level. The
directory is untrusted: no symlink is followed out of it, symlinked directories are never entered (so
loops cannot happen), only regular files are listed and read (a FIFO, socket or device is never opened and
is reported), reads are bounded and sized by ``fstat``, the walk is iterative with a depth cap, and every
path that is skipped for a reason the user may care about becomes a diagnostic. Listing costs one ``lstat``
per file and one per directory: no ``realpath`` per file.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from analyzer.model import Diagnostic, Severity
from analyzer.target import git as gitinfo
from analyzer.target.patterns import PatternSet, clean_lines, ignore_patterns

MAX_FILES = 500_000
"""Listing stops after this many files, with a diagnostic: a bound on time and memory."""

_IGNORE_FILE_LIMIT = 1 << 20
"""Bytes read at most from one .gitignore file."""

MAX_DEPTH = 256
"""Directories nested deeper than this are not entered (with a diagnostic): real trees stay far below it."""

_SPECIAL = ((stat.S_ISFIFO, "FIFO"), (stat.S_ISSOCK, "socket"), (stat.S_ISCHR, "device"), (stat.S_ISBLK, "device"))


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


def invalid_name(path: str) -> Diagnostic:
    """The diagnostic for a name that is not UTF-8, its bytes shown as escapes."""
    return _diagnostic(os.fsencode(path).decode("utf-8", "backslashreplace"), "file name is not valid UTF-8; skipped")


def _special(path: str, mode: int) -> Diagnostic | None:
    """A diagnostic for a FIFO, socket or device (never opened: a FIFO blocks), None for anything else."""
    kind = next((name for test, name in _SPECIAL if test(mode)), None)
    return None if kind is None else _diagnostic(path, f"special file ({kind}); skipped", Severity.INFO)


def exclude_patterns(patterns: Sequence[str], diagnostics: list[Diagnostic]) -> PatternSet:
    """The ``exclude`` setting compiled; a pattern git would reject is a diagnostic, not a crash."""
    return PatternSet([p for _, p in clean_lines(patterns, "exclude", diagnostics)])


class WorkTree:
    """A ``Tree`` over a directory on disk."""

    def __init__(self, root: Path, *, extra_ignores: Sequence[str] = (), max_files: int = MAX_FILES) -> None:
        self.root = str(root)
        self._real = os.path.realpath(root)
        self._setup: list[Diagnostic] = []
        """Problems with the settings (an exclude pattern git rejects), reported with the listing."""
        self._extra = exclude_patterns(extra_ignores, self._setup)
        self._max_files = max_files
        self._verified: frozenset[str] = frozenset()
        """Listed regular files whose directories were checked to lie inside the root: read without realpath."""

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
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):  # a FIFO or device would block or never end
                return None
            chunks: list[bytes] = []
            remaining = min(max(limit, 0), info.st_size)  # one read of the right size, no probing past the end
            while remaining > 0:
                chunk = os.read(fd, remaining)
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
        diagnostics: list[Diagnostic] = list(self._setup)
        links: set[str] = set()
        listed = self._git_files(diagnostics, links)
        if listed is None:
            listed = self._walk(diagnostics, links)
        files: list[TreeFile] = []
        for entry in listed:
            if len(files) >= self._max_files:
                diagnostics.append(
                    _diagnostic(
                        "",
                        f"more than {self._max_files} files: listing stopped, the rest is not analyzed",
                        Severity.ERROR,
                    )
                )
                break
            files.append(entry)
        files.sort(key=lambda f: f.path)
        self._verified = frozenset(f.path for f in files) - links
        return tuple(files), tuple(diagnostics)

    def _git_files(self, diagnostics: list[Diagnostic], links: set[str]) -> Iterator[TreeFile] | None:
        try:
            top = gitinfo.is_work_tree(Path(self._real))
            if top is None:
                return None
            sub = os.path.relpath(self._real, top)
            if sub.startswith(".."):
                return None
            paths = gitinfo.list_work_tree_files(top, sub.replace(os.sep, "/"))
        except gitinfo.GitListingError as exc:
            diagnostics.append(
                _diagnostic("", f"git could not list files ({exc}); walked the directory instead", Severity.INFO)
            )
            return None
        if not paths:
            return None  # e.g. the target is ignored by the enclosing repository: walk it instead
        return self._git_entries(paths, diagnostics, links)

    def _git_entries(self, paths: list[str], diagnostics: list[Diagnostic], links: set[str]) -> Iterator[TreeFile]:
        directories: dict[str, bool] = {"": True}
        for path in paths:
            if not _valid_name(path):
                diagnostics.append(invalid_name(path))
                continue
            parts = path.split("/")
            if ".git" in parts or self._extra.match(path):
                continue
            if not self._real_directory(path.rpartition("/")[0], directories):
                continue
            entry = self._entry(path, diagnostics, links)
            if entry is not None:
                yield entry

    def _real_directory(self, directory: str, known: dict[str, bool]) -> bool:
        """Whether every component of ``directory`` is a real directory, not a symlink: one lstat each, cached."""
        pending: list[str] = []
        while directory not in known:
            pending.append(directory)
            directory = directory.rpartition("/")[0]
        ok = known[directory]
        for name in reversed(pending):
            if ok:
                try:
                    ok = stat.S_ISDIR(os.lstat(f"{self._real}/{name}").st_mode)
                except OSError:
                    ok = False
            known[name] = ok
        return ok

    def _entry(self, path: str, diagnostics: list[Diagnostic], links: set[str]) -> TreeFile | None:
        """A TreeFile for a path git listed, or None (with a diagnostic when the reason matters)."""
        full = f"{self._real}/{path}"
        try:
            info = os.lstat(full)
        except OSError as exc:
            if exc.errno not in (errno.ENOENT, errno.ENOTDIR):  # tracked but deleted from disk: nothing to say
                diagnostics.append(_diagnostic(path, f"cannot be read ({exc.strerror}); skipped"))
            return None
        return self._typed_entry(path, full, info.st_mode, info.st_size, diagnostics, links)

    def _typed_entry(
        self, path: str, full: str, mode: int, size: int, diagnostics: list[Diagnostic], links: set[str]
    ) -> TreeFile | None:
        if stat.S_ISREG(mode):
            return TreeFile(path=path, size=size)
        if stat.S_ISLNK(mode):
            links.add(path)
            return self._link_entry(path, full, diagnostics)
        special = _special(path, mode)
        if special is not None:
            diagnostics.append(special)
        return None  # a directory: a submodule, or a symlinked one's target

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

    def _walk(self, diagnostics: list[Diagnostic], links: set[str]) -> Iterator[TreeFile]:
        """Files under the root, honouring .gitignore at every level, never entering symlinked directories.

        Iterative, so a tree thousands of levels deep cannot exhaust the stack; ``MAX_DEPTH`` bounds it.
        """
        specs: dict[str, PatternSet] = {}
        pending: list[tuple[str, int]] = [("", 0)]
        while pending:
            prefix, depth = pending.pop()
            entries = self._scan(prefix, diagnostics)
            if any(e.name == ".gitignore" for e in entries):
                text = self.read(prefix + ".gitignore", _IGNORE_FILE_LIMIT)
                if text is not None:
                    source = prefix + ".gitignore"
                    specs[prefix] = ignore_patterns(text.decode("utf-8", "replace"), source, diagnostics)
            below: list[str] = []
            for entry in entries:
                path = prefix + entry.name
                if entry.name == ".git":
                    continue
                if not _valid_name(path):
                    diagnostics.append(invalid_name(path))
                    continue
                yield from self._walked(entry, path, specs, below, diagnostics, links)
            if below and depth + 1 > MAX_DEPTH:
                diagnostics.append(
                    _diagnostic(prefix, f"directories nested deeper than {MAX_DEPTH} levels are not analyzed")
                )
                continue
            pending.extend((p + "/", depth + 1) for p in reversed(below))

    def _scan(self, prefix: str, diagnostics: list[Diagnostic]) -> list[os.DirEntry[str]]:
        try:
            with os.scandir(os.path.join(self._real, prefix) if prefix else self._real) as found:
                return sorted(found, key=lambda e: e.name)
        except OSError as exc:
            diagnostics.append(_diagnostic(prefix, f"cannot list directory ({exc.strerror}); skipped"))
            return []

    def _walked(
        self,
        entry: os.DirEntry[str],
        path: str,
        specs: dict[str, PatternSet],
        below: list[str],
        diagnostics: list[Diagnostic],
        links: set[str],
    ) -> Iterator[TreeFile]:
        """The file one directory entry gives, or the subdirectory it adds to ``below``."""
        try:
            info = entry.stat(follow_symlinks=False)  # the one lstat of this entry (cached by scandir)
        except OSError as exc:
            diagnostics.append(_diagnostic(path, f"cannot be read ({exc.strerror}); skipped"))
            return
        # A symlink to a directory is matched as one, as git would, and reported by _link_entry.
        as_directory = stat.S_ISDIR(info.st_mode) or (stat.S_ISLNK(info.st_mode) and os.path.isdir(entry.path))
        suffix = "/" if as_directory else ""
        if self._ignored(path + suffix, specs) or self._extra.match(path + suffix):
            return
        if stat.S_ISDIR(info.st_mode):
            below.append(path)
            return
        found = self._typed_entry(path, entry.path, info.st_mode, info.st_size, diagnostics, links)
        if found is not None:
            yield found

    @staticmethod
    def _ignored(path: str, specs: dict[str, PatternSet]) -> bool:
        """Git's rule: the deepest .gitignore with a matching pattern decides, its last match wins."""
        parts = path.rstrip("/").split("/")
        for depth in range(len(parts) - 1, -1, -1):
            prefix = "/".join(parts[:depth]) + "/" if depth else ""
            spec = specs.get(prefix)
            if spec is None:
                continue
            result = spec.own(path[len(prefix) :])
            if result is not None:
                return result
        return False
