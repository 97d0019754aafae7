"""Git's own files read directly: where a repository's git directory is, whether it is safe to run git on, and
the commit HEAD names, all without starting a process.

A hostile repository can put a FIFO where git expects ``.git/HEAD`` (or ``config``, ``index``,
``packed-refs``, a loose ref): git and GitPython open it and wait forever. So every file git reads first is
checked with ``stat`` (which never blocks) before anything opens it, and a special file there makes the
repository unsafe: a ``TargetError`` naming the file. Reading HEAD here also spares a batch re-run two git
processes per repository: HEAD, then the loose ref file or ``packed-refs``. Whatever this module cannot read
with certainty (reftable, an odd HEAD, a ref it cannot find) it leaves to git by returning None.
"""

# os.path on plain strings, not pathlib: these run for every batch source (pathlib doubled a reused re-run's
# time), and os.path.isdir/lexists answer False where Path raises (a name over 255 bytes).
# ruff: noqa: PTH112, PTH116, PTH118

from __future__ import annotations

import errno
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from analyzer.errors import TargetError

_SMALL = 4096
"""Bytes read at most from HEAD, a loose ref or a ``.git`` file."""
_PACKED_LIMIT = 64 << 20
"""Bytes of ``packed-refs`` scanned at most before leaving the question to git."""
_LINK_HOPS = 5
_HEX = re.compile(rb"[0-9a-f]{40}(?:[0-9a-f]{24})?")
_CHECKED = (
    "HEAD",
    "config",
    "index",
    "packed-refs",
    "commondir",
    "shallow",
    "info/exclude",
    "info/attributes",
    "info/grafts",
    "objects/info/alternates",
)
"""Files git may open before it does anything else: each must be a regular file when it exists."""
_TOP_CHECKED = frozenset(name for name in _CHECKED if "/" not in name)
_NESTED_CHECKED = tuple(name for name in _CHECKED if "/" in name)
_KINDS = (
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
)


class UnsafeRepositoryError(TargetError):
    """A file git would read is a FIFO, socket, device or directory: running git on it could hang."""


@dataclass(frozen=True)
class GitDir:
    """Where a repository keeps its metadata."""

    git_dir: Path
    """The git directory: ``.git`` of a work tree, a linked work tree's own folder, or a bare repository."""
    common_dir: Path
    """Where refs, objects and packed-refs live (differs from ``git_dir`` for linked work trees)."""
    top: Path | None
    """The work tree's root, None for a bare repository."""


def _kind(mode: int) -> str | None:
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a directory"
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def require_regular(path: str | Path, *, folders: bool = False) -> bool:
    """True when ``path`` is a regular file, False when absent (or a folder, if ``folders``); raise otherwise."""
    try:
        info = os.stat(path)  # stat never opens: a FIFO cannot block it
    except FileNotFoundError:
        return False
    except OSError as exc:
        if exc.errno == errno.ENOTDIR:  # a parent is a file, so this one is absent
            return False
        raise UnsafeRepositoryError(f"{path}: cannot be examined ({exc.strerror}); git is not run on it") from exc
    if folders and stat.S_ISDIR(info.st_mode):
        return False
    kind = _kind(info.st_mode)
    if kind is not None:
        raise UnsafeRepositoryError(f"{path}: is {kind}, not a regular file; git is not run on this repository")
    return True


def read_small(path: str | Path, limit: int = _SMALL) -> bytes | None:
    """The first ``limit`` bytes of a regular file, None when it is absent; raise when it is special."""
    if not require_regular(path):
        return None
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):  # replaced between the stat and the open
            raise UnsafeRepositoryError(f"{path}: is not a regular file; git is not run on this repository")
        return os.read(fd, min(limit, info.st_size))
    finally:
        os.close(fd)


def _check_folder(folder: str) -> None:
    """Stat only what exists: one directory listing tells which of git's first files are there, and their type."""
    try:
        with os.scandir(folder) as listing:
            present = {entry.name: entry for entry in listing if entry.name in _TOP_CHECKED}
    except OSError as exc:
        raise UnsafeRepositoryError(f"{folder}: cannot be listed ({exc.strerror}); git is not run on it") from exc
    for entry in present.values():
        try:
            regular = entry.is_file()  # the type from the listing; a symlink is followed (stat, never open)
        except OSError:
            regular = False
        if not regular:
            require_regular(entry.path)  # raises, naming what it is
    for name in _NESTED_CHECKED:
        require_regular(os.path.join(folder, name))


def check(found: GitDir) -> None:
    """Raise UnsafeRepositoryError when a file git reads first (HEAD's branch included) is not a regular file."""
    for folder in {str(found.git_dir), str(found.common_dir)}:
        _check_folder(folder)
    head = read_small(os.path.join(found.git_dir, "HEAD")) or b""
    ref = head[5:].strip()
    if head.startswith(b"ref: refs/") and b".." not in ref.split(b"/"):
        require_regular(os.path.join(found.common_dir, os.fsdecode(ref)), folders=True)


def check_name(found: GitDir, rev: str) -> None:
    """Raise when a loose ref file that git would open to resolve ``rev`` is a FIFO or another special file."""
    name = re.split(r"[~^:@]", rev, maxsplit=1)[0]
    if not name or ".." in name.split("/") or name.startswith("/") or "\0" in name:
        return
    for candidate in (name, f"refs/{name}", f"refs/tags/{name}", f"refs/heads/{name}", f"refs/remotes/{name}"):
        for folder in {found.git_dir, found.common_dir}:
            require_regular(folder / candidate, folders=True)  # refs/remotes/origin is a folder


def _layout(path: Path) -> bool:
    """A git directory's layout: HEAD, objects/ and refs/ (what git itself requires)."""
    # os.path never raises: a name the system refuses (over 255 bytes) is simply no repository
    return all(
        check(os.path.join(path, name))
        for check, name in ((os.path.lexists, "HEAD"), (os.path.isdir, "objects"), (os.path.isdir, "refs"))
    )


def is_bare(path: Path) -> bool:
    """True when ``path`` itself has a git directory's layout and no ``.git`` of its own (nothing is opened)."""
    return _layout(path) and not os.path.lexists(os.path.join(path, ".git"))


def _with_common(git_dir: Path, top: Path | None) -> GitDir:
    common = git_dir
    pointer = read_small(git_dir / "commondir")
    if pointer is not None:
        common = Path(os.path.realpath(git_dir / os.fsdecode(pointer.strip())))
    found = GitDir(git_dir=git_dir, common_dir=common, top=top)
    check(found)
    return found


def _dot_git(folder: Path) -> GitDir | None:
    """The repository a ``.git`` entry in ``folder`` leads to, None when there is none."""
    dot = folder / ".git"
    try:
        info = os.lstat(dot)
    except OSError:
        return None
    if stat.S_ISLNK(info.st_mode):
        real = Path(os.path.realpath(dot))
        return _with_common(real, folder) if os.path.isdir(real) else None
    if stat.S_ISDIR(info.st_mode):
        return _with_common(dot, folder) if _layout(dot) else None
    data = read_small(dot)  # a linked work tree or submodule: "gitdir: <path>"
    if data is None or not data.startswith(b"gitdir:"):
        return None
    target = Path(os.path.realpath(folder / os.fsdecode(data[7:].strip())))
    return _with_common(target, folder) if os.path.isdir(target) else None


def find(path: Path, *, search_parents: bool = True) -> GitDir | None:
    """The repository holding ``path`` (checked safe), None when there is none; raise when it is unsafe."""
    current = Path(os.path.realpath(path))
    while True:
        if _layout(current) and not os.path.lexists(current / ".git"):
            return _with_common(current, None)
        found = _dot_git(current)
        if found is not None:
            return found
        if not search_parents or current.parent == current:
            return None
        current = current.parent


def _reftable(found: GitDir) -> bool:
    """A reftable repository keeps its refs in binary tables only git reads (its HEAD names ".invalid")."""
    return os.path.lexists(os.path.join(found.common_dir, "reftable"))


def _packed(found: GitDir, ref: bytes) -> bytes | None:
    """The object a ref names in ``packed-refs``, None when it is not there (or the file is too big to scan)."""
    path = found.common_dir / "packed-refs"
    if not require_regular(path) or path.stat().st_size > _PACKED_LIMIT:
        return None
    with path.open("rb") as handle:
        for line in handle:
            sha, _, name = line.rstrip(b"\r\n").partition(b" ")
            if name == ref and _HEX.fullmatch(sha):
                return sha
    return None


def head_commit(found: GitDir) -> str | None:
    """The object HEAD names, read from git's files; None when only git itself can tell (reftable, odd refs).

    The object is not opened: a caller that needs it to exist still asks git.
    """
    text = read_small(found.git_dir / "HEAD")
    if text is None or _reftable(found):
        return None
    for _ in range(_LINK_HOPS):
        text = text.strip()
        if _HEX.fullmatch(text):
            return text.decode("ascii")
        if not text.startswith(b"ref: refs/"):
            return None
        ref = text[5:].strip()
        if b".." in ref.split(b"/") or b"\0" in ref:
            return None
        base = found.git_dir if ref.startswith((b"refs/bisect/", b"refs/worktree/")) else found.common_dir
        loose = read_small(base / os.fsdecode(ref))
        if loose is None:
            packed = _packed(found, ref)
            return None if packed is None else packed.decode("ascii")
        text = loose
    return None
