"""Repository text made visible: the one place that decides how control and bidi characters are shown.

A file name or snippet from the analyzed repository may hold terminal escape sequences (``ESC [ 31m``, BEL), line
breaks that would start a new GitHub workflow command, or bidi controls (U+202E RIGHT-TO-LEFT OVERRIDE) that make
``evil\\u202egol.txt.go`` read as something else. Every renderer passes such text through ``visible`` (human
formats: terminal, Markdown, GitHub commands, the dashboard) or ``json_escaped`` (machine formats, where the
data must stay exact and only its spelling changes). ``str.isprintable`` is false for every control, format
(bidi, zero-width), separator, private-use and unassigned character, so the set is Unicode's, not a list kept here.
"""

from __future__ import annotations

import re

_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
"""Bidi controls, named so a future ``isprintable`` change cannot let them through."""

_HIDDEN_IN_JSON = re.compile(r"[^\x00-\x7f]")
"""Candidates in JSON text: ``json.dumps`` already escapes ASCII controls inside strings, so only non-ASCII."""


def _shown(ch: str) -> bool:
    return ch.isprintable() and ch not in _BIDI


def _escaped(ch: str) -> str:
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def visible(value: str, *, keep: str = "") -> str:
    """``value`` with each control, bidi or other invisible character (except those in ``keep``) spelled
    ``\\xNN``/``\\uNNNN``, so it cannot move a cursor, recolour a screen, break a line or reorder text."""
    if all(_shown(ch) or ch in keep for ch in value):
        return value
    return "".join(ch if _shown(ch) or ch in keep else _escaped(ch) for ch in value)


def _json_escape(match: re.Match[str]) -> str:
    ch = match[0]
    if _shown(ch):
        return ch
    code = ord(ch)
    if code < 0x10000:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def json_escaped(text: str) -> str:
    """JSON text (from ``json.dumps(..., ensure_ascii=False)``) with invisible characters as ``\\uXXXX``
    escapes: the same data, but a reader paging the file sees the escape, not reordered text."""
    return _HIDDEN_IN_JSON.sub(_json_escape, text)


def json_visible(text: str) -> str:
    """JSON text whose strings show invisible characters as the six visible characters ``\\uXXXX`` once
    decoded: for data only ever displayed (the dashboard), never for a machine-read report."""
    return _HIDDEN_IN_JSON.sub(lambda m: m[0] if _shown(m[0]) else "\\" + _escaped(m[0]), text)
