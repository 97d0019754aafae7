"""The content key of a plain folder (a source with no commit), so an unchanged folder is reused by the batch.

A work tree is keyed by its HEAD commit; a folder outside git has none. Its key is a digest of its listing:
every entry's path relative to the folder, its type, and for files and symlinks the size and modification time
in nanoseconds (``lstat``, never following a symlink). Reading every byte would cost as much as the analysis
the key is meant to save, so contents are not hashed: any edit, addition, removal, rename, ``touch`` or
permission-free copy that changes a size or an mtime changes the key; an edit that keeps both the size and the
mtime (a tool that restores mtimes on purpose) is not seen — ``--force`` analyzes such a folder again. The
walk is bounded: past ``MAX_ENTRIES`` entries or ``MAX_DEPTH`` levels, or on an unreadable directory, there is
no key and the folder is analyzed every time, which is the safe direction.
"""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

PREFIX = "content:"
"""Store revisions that start with this are folder content keys, not commits."""
MAX_ENTRIES = 500_000
MAX_DEPTH = 64


class _TooBig(Exception):
    """The listing passed a bound: no key."""


def _walk(root: str, digest: hashlib._Hash) -> None:
    """Feed the digest with the listing of ``root``, sorted so the key does not depend on directory order."""
    pending: list[tuple[str, int]] = [("", 0)]
    seen = 0
    while pending:
        relative, depth = pending.pop()
        if depth > MAX_DEPTH:
            raise _TooBig
        with os.scandir(f"{root}/{relative}" if relative else root) as listing:
            entries = sorted(listing, key=lambda entry: entry.name)
        for entry in entries:
            seen += 1
            if seen > MAX_ENTRIES:
                raise _TooBig
            name = f"{relative}/{entry.name}" if relative else entry.name
            info = entry.stat(follow_symlinks=False)
            if stat.S_ISDIR(info.st_mode):
                digest.update(f"d\0{name}\n".encode("utf-8", "surrogateescape"))
                pending.append((name, depth + 1))
            else:
                kind = "l" if stat.S_ISLNK(info.st_mode) else "f"
                line = f"{kind}\0{name}\0{info.st_size}\0{info.st_mtime_ns}\n"
                digest.update(line.encode("utf-8", "surrogateescape"))


def content_key(path: Path) -> str | None:
    """``content:<digest>`` of the folder's listing, None when it cannot be listed within the bounds."""
    digest = hashlib.sha256()
    try:
        _walk(str(path), digest)
    except (OSError, _TooBig):
        return None
    return PREFIX + digest.hexdigest()[:40]


def is_content_key(revision: str) -> bool:
    """Whether a stored revision is a folder content key rather than a commit."""
    return revision.startswith(PREFIX)
