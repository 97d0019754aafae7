"""Small text helpers shared by the hand-written manifest scanners: offset to line, comment blanking,
bracket matching and the words that put a dependency group in test or dev scope.

Every helper is one linear pass over its input; blanked characters become spaces and newlines are kept, so
offsets and line numbers in a blanked text are those of the original.
"""

from __future__ import annotations

import bisect
import re

from analyzer.errors import ManifestError
from analyzer.model import Scope

_TEST_WORDS = frozenset({"test", "tests", "testing", "pytest", "coverage"})
_DEV_WORDS = frozenset(
    {"dev", "develop", "development", "lint", "linting", "docs", "doc", "typing", "types", "style", "format"}
    | {"mypy", "ci", "build"}
)
_GROUP_WORDS = re.compile(r"[-_.\s]+")


class LineIndex:
    """1-based line of any offset of one text, by binary search over its newline offsets."""

    def __init__(self, text: str) -> None:
        self._newlines = [m.start() for m in re.finditer("\n", text)]

    def line(self, offset: int) -> int:
        """Line of ``offset`` (a newline belongs to the line it ends)."""
        return bisect.bisect_left(self._newlines, offset) + 1


def line_at(text: str, offset: int) -> int:
    """Line of one offset, for error messages (counts newlines, no index kept)."""
    return text.count("\n", 0, offset) + 1


def group_scope(group: str, default: Scope) -> Scope:
    """Scope of an extras / dependency group from the words in its name."""
    words = set(_GROUP_WORDS.split(group.lower()))
    if words & _TEST_WORDS:
        return Scope.TEST
    if words & _DEV_WORDS:
        return Scope.DEV
    return default


def blank_slash_comments(text: str) -> str:
    """Text with ``//`` and (nested) ``/* */`` comments turned into spaces; strings are kept.

    Swift, Scala and Kotlin share this comment and string syntax (``"..."`` and ``\"\"\"...\"\"\"``).
    """
    out = list(text)
    i, n, depth, quote = 0, len(text), 0, ""
    opened = 0
    while i < n:
        pair = text[i : i + 2]
        if depth:
            if pair in ("/*", "*/"):
                depth += 1 if pair == "/*" else -1
                out[i] = out[i + 1] = " "
                i += 2
                continue
            out[i] = text[i] if text[i] == "\n" else " "
        elif quote:
            if text[i] == "\\":
                i += 2
                continue
            if text.startswith(quote, i):
                i += len(quote)
                quote = ""
                continue
            if text[i] == "\n" and quote == '"':
                raise ManifestError(f"line {line_at(text, i)}: unterminated string")
        elif pair == "//":
            end = text.find("\n", i)
            end = n if end < 0 else end
            out[i:end] = " " * (end - i)
            i = end
            continue
        elif pair == "/*":
            depth, opened = 1, i
            out[i] = out[i + 1] = " "
            i += 2
            continue
        elif text[i] == '"':
            quote = '"""' if text.startswith('"""', i) else '"'
            i += len(quote)
            continue
        i += 1
    if depth:
        raise ManifestError(f"line {line_at(text, opened)}: unterminated /* comment")
    if quote:
        raise ManifestError("unterminated string at the end of the file")
    return "".join(out)


def bracket_pairs(code: str) -> dict[int, int]:
    """Offset of each opening bracket -> offset of its closing one; ManifestError on a mismatch.

    String contents are skipped (``code`` is already free of comments).
    """
    pairs: dict[int, int] = {}
    stack: list[int] = []
    i, quote = 0, False
    while i < len(code):
        char = code[i]
        if quote:
            if char == "\\":
                i += 1
            elif char == '"':
                quote = False
        elif char == '"':
            quote = True
        elif char in "([{":
            stack.append(i)
        elif char in ")]}":
            if not stack or "([{"[")]}".index(char)] != code[stack[-1]]:
                raise ManifestError(f"line {line_at(code, i)}: unbalanced {char!r}")
            pairs[stack.pop()] = i
        i += 1
    if stack:
        raise ManifestError(f"line {line_at(code, stack[-1])}: {code[stack[-1]]!r} is never closed")
    return pairs
