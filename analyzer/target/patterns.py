"""Gitignore-style patterns read from untrusted files, compiled once into RE2 sets: linear, bounded, never fatal.

``.gitignore``, ``.rustgoignore``, ``exclude`` and ``.gitattributes`` come from the repository. Python ``re``
backtracks on a line such as ``*a*a*a*a*a*a******0`` (27 s for one 30-character name), and one RE2 set of all
lines fails to compile past a few thousand lines or on one 50,000-character line. So each line is bounded in
length, a file in lines, runs of three or more ``*`` are collapsed as git's own wildmatch reads them, lines git
would reject become diagnostics, and the rest are compiled into RE2 sets that are split in halves until each
fits RE2's memory budget. Matching a path is then linear in its length. pathspec only translates one pattern
into a regular expression; the last matching line decides, and a path inside an ignored directory is ignored,
as git never looks inside one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import re2

from analyzer.model import Diagnostic, Severity

MAX_PATTERN_LINES = 10_000
"""Lines read at most from one pattern file; the rest are dropped with a diagnostic."""
MAX_PATTERN_CHARS = 1024
"""A longer line is no file name git could check out: dropped with a diagnostic."""

_STARS = re.compile(r"\*{3,}")
_DIR_MARK = "(?P<ps_d>/)"
_DIR_OPTIONAL = f"(?:{_DIR_MARK}|$)"


def _options() -> re2.Options:
    options = re2.Options()
    options.log_errors = False
    options.never_capture = True
    return options


def _diagnostic(source: str, message: str) -> Diagnostic:
    return Diagnostic(path=source, message=message, severity=Severity.WARNING, stage="inventory")


def _encodable(path: str) -> bool:
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def usable(pattern: str) -> tuple[str | None, str]:
    """(the pattern with runs of ``*`` collapsed, "") or (None, why it cannot be used)."""
    if len(pattern) > MAX_PATTERN_CHARS:
        return None, f"pattern over {MAX_PATTERN_CHARS} characters"
    if not _encodable(pattern):
        return None, "pattern is not valid text"
    collapsed = _STARS.sub("**", pattern)
    from pathspec.patterns.gitignore.spec import GitIgnoreSpecPattern  # only when a repository has pattern files

    try:
        GitIgnoreSpecPattern(collapsed)
    except ValueError:
        return None, f"invalid pattern {pattern[:80]!r}"
    return collapsed, ""


def clean_lines(lines: Iterable[str], source: str, diagnostics: list[Diagnostic]) -> list[tuple[int, str]]:
    """(line number, pattern) of the usable lines: bounded, stars collapsed, lines git rejects reported."""
    kept: list[tuple[int, str]] = []
    for number, line in enumerate(lines, start=1):
        if number > MAX_PATTERN_LINES:
            diagnostics.append(_diagnostic(source, f"more than {MAX_PATTERN_LINES} lines; the rest are ignored"))
            break
        if not line.strip() or line.startswith("#"):
            continue
        pattern, problem = usable(line)
        if pattern is None:
            diagnostics.append(_diagnostic(source, f"line {number}: {problem}; ignored"))
            continue
        kept.append((number, pattern))
    return kept


@dataclass(frozen=True)
class _Regex:
    """One regular expression of a set and what a match means."""

    text: str
    index: int
    """Position of its pattern among the usable lines: a later one wins."""
    include: bool
    """True for an ordinary pattern, False for a negated (``!``) one."""
    directory: bool
    """True for a pattern that names directories only (``foo/``): it is tried on "name/"."""


def _compile(regexes: Sequence[_Regex]) -> list[tuple[re2.Set, Sequence[_Regex]]]:
    """RE2 sets holding ``regexes``, split in halves until each compiles; a lone regex that fails is dropped."""
    if not regexes:
        return []
    found = re2.Set.SearchSet(_options())
    try:
        for regex in regexes:
            found.Add(regex.text)
        found.Compile()
    except re2.error:
        if len(regexes) == 1:
            return []
        half = len(regexes) // 2
        return _compile(regexes[:half]) + _compile(regexes[half:])
    return [(found, regexes)]


def _translate(pattern: str, index: int) -> _Regex | None:
    """The anchored regular expression of one pattern (pathspec translates git's wildmatch syntax)."""
    from pathspec.patterns.gitignore.spec import GitIgnoreSpecPattern

    compiled = GitIgnoreSpecPattern(pattern)
    if compiled.include is None or compiled.regex is None:
        return None
    text = str(compiled.regex.pattern)
    include = bool(compiled.include)
    if text.endswith(_DIR_OPTIONAL):
        return _Regex(text[: -len(_DIR_OPTIONAL)] + "$", index, include, directory=False)
    if text.endswith(_DIR_MARK):
        return _Regex(text[: -len(_DIR_MARK)] + "/$", index, include, directory=True)
    return _Regex(text, index, include, directory=False)


class PatternSet:
    """Compiled gitignore-style patterns; rebuilt from its lines when pickled (an RE2 set cannot be)."""

    def __init__(self, patterns: Sequence[str]) -> None:
        self.patterns = tuple(patterns)
        regexes = [r for i, p in enumerate(self.patterns) if (r := _translate(p, i)) is not None]
        self._include = {r.index: r.include for r in regexes}
        self._sets = _compile(regexes)
        self._dirs: dict[str, bool | None] = {}
        """Verdicts on directories already asked about: every path below one asks again."""

    def __reduce__(self) -> tuple[object, ...]:
        return (PatternSet, (self.patterns,))

    def __bool__(self) -> bool:
        return bool(self.patterns)

    def _matches(self, text: str, directories: bool) -> list[int]:
        found: list[int] = []
        for compiled, regexes in self._sets:
            found.extend(regexes[i].index for i in compiled.Match(text) or () if regexes[i].directory is directories)
        return found

    def indices(self, path: str) -> list[int]:
        """Positions, in order, of the patterns that match the file ``path`` itself (not one of its parents)."""
        if not self._sets or not _encodable(path):
            return []
        return sorted(set(self._matches(path, directories=False)))

    def own(self, path: str) -> bool | None:
        """The last matching line's verdict on ``path`` alone (a directory when it ends in "/"), None if none.

        True means ignored, False re-included by a ``!`` line. Parent directories are not looked at: a walk
        that never enters an ignored directory needs no more.
        """
        if not self._sets or not _encodable(path):
            return None
        name = path.rstrip("/")
        found = self._matches(name, directories=False)
        if path.endswith("/"):
            found += self._matches(name + "/", directories=True)
        if not found:
            return None
        return self._include[max(found)]

    def check(self, path: str) -> bool | None:
        """Git's verdict on ``path``: ignored when a parent directory is, else the last matching line's."""
        if not self._sets:
            return None
        parts = path.rstrip("/").split("/")
        for depth in range(1, len(parts)):
            directory = "/".join(parts[:depth]) + "/"
            if directory not in self._dirs:
                self._dirs[directory] = self.own(directory)
            if self._dirs[directory] is True:
                return True
        return self.own(path)

    def match(self, path: str) -> bool:
        """Whether ``path`` is ignored."""
        return self.check(path) is True


def ignore_patterns(text: str, source: str, diagnostics: list[Diagnostic]) -> PatternSet:
    """The compiled patterns of one ignore file's text (bounded, with diagnostics)."""
    return PatternSet([p for _, p in clean_lines(text.splitlines(), source, diagnostics)])
