"""GitHub-flavoured Markdown building blocks for the Markdown report, the diff comment and the job summary.

Text that came from the analyzed repository (paths, snippets, component names) must render as the text it is:
it is escaped so it cannot open a link, an HTML tag, a table cell or an @-mention that pings someone, and code
spans pick a fence longer than any backtick run inside them. ``fit`` keeps a document under a character cap
by showing fewer rows of its longest list, then by dropping whole sections, and says so in plain words.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence

from analyzer.reports._text import visible

MARKER = "<!-- rustgo-report -->"
"""Hidden first line that lets a CI job find and update its own pull-request comment."""

MAX_CHARS = 60_000
"""GitHub refuses comments over 65,536 characters; the margin leaves room for what a workflow adds."""

MAX_CELL = 300
"""Longest text put in one cell or list item before it is clipped with an ellipsis."""

_PUNCTUATION = re.compile(r"([\\`*_\[\]<>#!|~&@])")
_LIST_START = re.compile(r"^(\d{1,9})([.)])(?=\s|$)|^([-+=])(?=\s|$)")
_BLANKS = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]+")


def _one_line(value: str, limit: int = MAX_CELL) -> str:
    flat = visible(_BLANKS.sub(" ", value))  # bidi controls would reorder the rendered line
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def text(value: str, limit: int = MAX_CELL) -> str:
    """Plain text on one line with every Markdown-active character backslash-escaped (pipes included)."""
    escaped = _PUNCTUATION.sub(r"\\\1", _one_line(value, limit))
    # At the start of a list item or paragraph these would open a nested list or a heading underline.
    return _LIST_START.sub(lambda m: f"{m[1]}\\{m[2]}" if m[1] else f"\\{m[3]}", escaped)


def code(value: str, *, table: bool = False, limit: int = MAX_CELL) -> str:
    """A code span holding ``value`` verbatim; ``table`` escapes pipes, which GFM splits cells on even in code."""
    flat = _one_line(value, limit)
    longest = max((len(run) for run in re.findall(r"`+", flat)), default=0)
    fence = "`" * (longest + 1)
    if flat.startswith("`") or flat.endswith("`") or not flat.strip():
        flat = f" {flat} "
    if table:
        flat = flat.replace("|", "\\|")
    return f"{fence}{flat}{fence}"


def place(path: str, line: int, *, table: bool = True) -> str:
    """``path:line`` as code, ``(repository)`` for a fact about the whole tree."""
    if not path:
        return "(repository)"
    return code(f"{path}:{line}" if line > 0 else path, table=table)


def table(header: Sequence[str], align: str, rows: Sequence[Sequence[str]]) -> str:
    """A pipe table; ``align`` has one of ``l`` ``r`` ``c`` per column; cells must already be escaped."""
    rules = {"l": "---", "r": "--:", "c": ":-:"}
    lines = [
        "| " + " | ".join(header) + " |",
        "| " + " | ".join(rules[a] for a in align) + " |",
        *("| " + " | ".join(row) + " |" for row in rows),
    ]
    return "\n".join(lines)


def details(summary: str, body: str) -> str:
    """A collapsed section; blank lines around the body let GitHub render the Markdown inside the HTML block."""
    return f"<details><summary>{html.escape(summary, quote=False)}</summary>\n\n{body}\n\n</details>"


def truncated(count: int, what: str) -> str:
    """The plain sentence said wherever rows were left out to stay under the cap."""
    return f"… truncated: {count} more {what} (see the JSON or SARIF report)"


def fit(build: Callable[[int], list[str]], total: int, cap: int = MAX_CHARS) -> str:
    """The longest document ``build(n)`` under ``cap`` characters, for ``n`` rows of its long list out of ``total``.

    ``build`` returns the document's sections; it is expected to say itself, via ``truncated``, how many rows
    it left out. If even ``build(0)`` is too long (hostile input), whole sections are dropped from the end.
    """

    def joined(n: int) -> str:
        return "\n\n".join(build(n)) + "\n"

    document = joined(total)
    if len(document) <= cap:
        return document
    low, high = 0, total - 1
    while low < high:  # the largest n that fits; the document grows with n
        middle = (low + high + 1) // 2
        if len(joined(middle)) <= cap:
            low = middle
        else:
            high = middle - 1
    document = joined(low)
    if len(document) <= cap:
        return document
    return _drop_sections(build(0), cap)


def _drop_sections(sections: list[str], cap: int) -> str:
    kept: list[str] = []
    size = 0
    for index, section in enumerate(sections):
        note = truncated(len(sections) - index, "sections")
        if size + len(section) + 2 + len(note) + 3 > cap:
            return "\n\n".join([*kept, note]) + "\n"
        kept.append(section)
        size += len(section) + 2
    return "\n\n".join(kept) + "\n"
