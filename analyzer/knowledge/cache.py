"""The compiled-knowledge cache: the validated bundle of ``heuristics/``, pickled in the user's cache directory.

It lives in ``$RUSTGO_CACHE_DIR``, else ``$XDG_CACHE_HOME/rustgo-analyzer``, else ``~/.cache/rustgo-analyzer``,
one file per content digest of the shipped data files and tool version (``knowledge-<digest>.pickle``), so an
entry is never trusted across versions or edits; ``RUSTGO_NO_CACHE=1`` turns it off. Deleting the folder is always
safe. Entries are written to a temporary file and renamed into place, so two processes at once either read a
whole entry or none. An entry is read only when it is a regular file of the current user that no one else may
write, since unpickling runs what the file says; anything unreadable, foreign or broken is a miss, never an error.
The analyzed repository plays no part here: neither its files nor its configuration name this folder.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import stat
import tempfile
from pathlib import Path

MAX_ENTRY = 64 << 20
"""Bytes an entry may have; a larger file is not one of ours."""


def directory() -> Path | None:
    """Where entries live, or None when the cache is turned off."""
    if os.environ.get("RUSTGO_NO_CACHE", "").strip().lower() not in ("", "0", "false", "no", "off"):
        return None
    explicit = os.environ.get("RUSTGO_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "rustgo-analyzer"


def _entry(key: str) -> Path | None:
    folder = directory()
    return None if folder is None else folder / f"knowledge-{key[:40]}.pickle"


def read(key: str) -> object | None:
    """The object stored under ``key``, or None on any kind of miss."""
    path = _entry(key)
    if path is None:
        return None
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        ours = info.st_uid == os.getuid() and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)
        if not stat.S_ISREG(info.st_mode) or not ours or info.st_size > MAX_ENTRY:
            return None
        try:
            found: object = pickle.load(handle)
        except Exception:  # a truncated or stale entry is a miss: it is rebuilt and replaced
            return None
    return found


def write(key: str, value: object) -> None:
    """Store ``value`` under ``key``, atomically; a cache that cannot be written is silently skipped."""
    path = _entry(key)
    if path is None:
        return
    with contextlib.suppress(OSError, pickle.PicklingError):
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".knowledge-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
            Path(temporary).replace(path)
        finally:
            Path(temporary).unlink(missing_ok=True)
