"""Bytes of a manifest to text, the way an editor would open it.

A byte-order mark picks the encoding (UTF-32 and UTF-16 in either byte order, UTF-8 with its mark
dropped, so ``go.mod`` or ``pyproject.toml`` saved by a Windows editor parse as written); without one, a NUL
byte in the head means binary, and anything else is UTF-8 with invalid bytes replaced. A Git LFS pointer
(the small text file git keeps in place of content stored elsewhere) is recognised, so it is reported as
such and not as a broken manifest.
"""

from __future__ import annotations

import codecs

_BOMS: tuple[tuple[bytes, str], ...] = (
    # UTF-32 first: its little-endian mark starts with UTF-16's.
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_HEAD = 8192
_LFS_HEADER = "version https://git-lfs.github.com/spec/"
_LFS_MAX = 1024


def decode(data: bytes) -> str | None:
    """Text of a file's bytes (BOM dropped, invalid sequences replaced); None when the file is binary."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(encoding, errors="replace")
    if b"\0" in data[:_HEAD]:
        return None
    return data.decode("utf-8", errors="replace")


def is_lfs_pointer(text: str) -> bool:
    """Whether a text is a Git LFS pointer file rather than the content it stands for."""
    return len(text) <= _LFS_MAX and text.startswith(_LFS_HEADER) and "\noid sha256:" in text
