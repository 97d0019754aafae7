r"""Compiles a RuleSet into fast matchers for dependencies, paths and file contents.

Content matching is designed so that regular expressions are not the bottleneck (DESIGN §9) and so that no
input can make them slow (DESIGN §8): all patterns of a language go into one RE2 ``Set`` that answers, in a
single linear pass over the file, which patterns occur at all; only those patterns then run, again with RE2, to
find their lines, and only files with a candidate hit pay for the comment/string lexer. Python's ``re`` never
sees file contents here: a backtracking engine goes quadratic on anchored patterns such as ``^\s*import`` after
a long run of blank lines.

RE2 and Python differ on a few characters: RE2's ``\w``, ``\d``, ``\b`` and ``\s`` are ASCII classes
(``\s`` is ``[\t\n\f\r ]``: no vertical tab, no ``\x1c``-``\x1f``). The rule packs are validated under both and
``tests/test_rule_examples.py`` holds both engines to the same hits on every rule example.
"""

from __future__ import annotations

import bisect
import fnmatch
import itertools
import re
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import re2

from analyzer.facts import lexers
from analyzer.knowledge.rules import ContentPattern, MatchScope, Rule, RuleSet
from analyzer.model import Dependency

MAX_HITS_PER_PATTERN = 50
"""Locations kept per pattern and file: enough to show evidence, bounded on generated-looking files."""


def normalize_name(ecosystem: str, name: str) -> str:
    """The comparison key of a dependency name (PEP 503 for PyPI, case-folded everywhere)."""
    name = name.strip().lower()
    if ecosystem == "pypi":
        return re.sub(r"[-_.]+", "-", name)
    return name


def glob_to_regex(glob: str) -> str:
    """A gitignore-style glob as a regex over repo-relative POSIX paths.

    A glob without a slash matches a base name anywhere; with a slash it is anchored at the root unless it
    starts with ``**/``. ``**`` spans directories, ``*`` and ``?`` do not.
    """
    anchored = "/" in glob.rstrip("/")
    glob = glob.lstrip("/")
    out = []
    i = 0
    while i < len(glob):
        if glob.startswith("**/", i):
            out.append("(?:[^/]+/)*")
            i += 3
        elif glob.startswith("**", i):
            out.append(".*")
            i += 2
        elif glob[i] == "*":
            out.append("[^/]*")
            i += 1
        elif glob[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(glob[i]))
            i += 1
    body = "".join(out)
    return ("^" if anchored else "(?:^|/)") + body + "$"


def _options() -> Any:
    options = re2.Options()
    options.never_capture = True  # only spans are used: no capture groups keeps RE2 on its fastest engines
    return options


def compile_pattern(pattern: str, *, multiline: bool = True) -> Any:
    """One pattern compiled with RE2, ``^`` and ``$`` at line ends when ``multiline``."""
    return re2.compile(("(?m)" if multiline else "") + pattern, _options())


class _MultiRegex:
    """Which of many patterns match a string (one RE2 Set pass), and each pattern compiled on first use."""

    def __init__(self, patterns: Sequence[str], *, multiline: bool) -> None:
        self._patterns = tuple(patterns)
        self._multiline = multiline
        self._compiled: dict[int, Any] = {}
        self._set: Any = None

    def matching(self, text: str | bytes) -> list[int]:
        """Indexes of the patterns that occur in ``text``, ascending."""
        if not self._patterns:
            return []
        if self._set is None:  # compiled on first use: a small repository needs the sets of few languages
            self._set = re2.Set.SearchSet(_options())
            for p in self._patterns:
                self._set.Add(("(?m)" if self._multiline else "") + p)
            self._set.Compile()
        found = self._set.Match(text)
        return sorted(found) if found else []

    def compiled(self, index: int) -> Any:
        """Pattern ``index`` alone, compiled with RE2."""
        regex = self._compiled.get(index)
        if regex is None:
            regex = self._compiled[index] = compile_pattern(self._patterns[index], multiline=self._multiline)
        return regex


@dataclass(frozen=True)
class Hit:
    """A content match that survived the comment/string and negative-pattern checks."""

    rule: Rule
    line: int
    snippet: str


class _Text:
    """One file's text with what locating hits needs, each computed once on first use.

    ``subject`` is what RE2 scans: the ASCII bytes when the text is ASCII (offsets are then the same in bytes and
    characters, and the text is encoded once for every pattern), else the text itself.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.subject: str | bytes = text.encode("ascii") if text.isascii() else text
        self._starts: list[int] | None = None
        self._verdicts: dict[tuple[str, int], bool] = {}
        self._multiline_strings: dict[tuple[int, int], bool] = {}

    def line_of(self, offset: int) -> int:
        """The 1-based line number of ``offset`` (lines end at ``\\n``)."""
        if self._starts is None:
            lengths = (len(line) + 1 for line in self.text.split("\n"))
            self._starts = [0, *itertools.accumulate(lengths)]
        return bisect.bisect_right(self._starts, offset)

    def line_bounds(self, offset: int) -> tuple[int, int]:
        """Start and end of the line holding ``offset`` (end excludes the newline)."""
        line = self.line_of(offset)
        assert self._starts is not None
        return self._starts[line - 1], self._starts[line] - 1

    def spans_lines(self, string: tuple[int, int]) -> bool:
        """Whether a string literal runs over more than one line (asked once per literal, however many hits)."""
        found = self._multiline_strings.get(string)
        if found is None:
            found = self._multiline_strings[string] = self.text.find("\n", *string) >= 0
        return found

    def negated(self, negative: Any, key: str, start: int, end: int) -> bool:
        """Whether the negative pattern occurs in the line [start, end), once per pattern and line."""
        found = self._verdicts.get((key, start))
        if found is None:
            found = self._verdicts[(key, start)] = negative.search(self.text[start:end]) is not None
        return found


class Matcher:
    """A RuleSet compiled for matching; build once per run (or per worker process)."""

    def __init__(self, ruleset: RuleSet) -> None:
        self.ruleset = ruleset
        self._exact: dict[tuple[str, str], list[Rule]] = defaultdict(list)
        self._globs: dict[str, list[tuple[str, Rule]]] = defaultdict(list)
        path_patterns: list[str] = []
        self._path_rules: list[Rule] = []
        self._path_negatives: dict[str, list[re.Pattern[str]]] = {}
        self._by_language: dict[str, list[tuple[Rule, ContentPattern]]] = defaultdict(list)
        self._by_path: list[tuple[Rule, ContentPattern]] = []
        path_content_globs: list[str] = []
        self._path_content_owner: list[int] = []
        for rule in ruleset.rules:
            for ecosystem, names in rule.dependencies:
                for name in names:
                    key = normalize_name(ecosystem, name)
                    if any(ch in key for ch in "*?["):
                        self._globs[ecosystem].append((key, rule))
                    else:
                        self._exact[(ecosystem, key)].append(rule)
            for glob in rule.paths:
                if glob.startswith("!"):
                    self._path_negatives.setdefault(rule.id, []).append(re.compile(glob_to_regex(glob[1:])))
                    continue
                path_patterns.append(glob_to_regex(glob))
                self._path_rules.append(rule)
            for pattern in rule.content:
                for language in pattern.languages:
                    self._by_language[language].append((rule, pattern))
                if pattern.paths:
                    for glob in pattern.paths:
                        path_content_globs.append(glob_to_regex(glob))
                        self._path_content_owner.append(len(self._by_path))
                    self._by_path.append((rule, pattern))
        self._paths = _MultiRegex(path_patterns, multiline=False)
        self._path_content = _MultiRegex(path_content_globs, multiline=False)
        self._by_path_regex = _MultiRegex([p.pattern for _, p in self._by_path], multiline=True)
        self._language_sets = {
            language: _MultiRegex([p.pattern for _, p in entries], multiline=True)
            for language, entries in self._by_language.items()
        }
        self._negatives: dict[str, Any] = {}
        self._by_id = {rule.id: rule for rule in ruleset.rules}

    @classmethod
    def of(cls, ruleset: RuleSet) -> Matcher:
        """The matcher of this very RuleSet object, built once: a batch worker analyses repository after repository
        with the same rules, and compiling the RE2 sets was a fifth of a small repository's time there. A matcher
        is a pure function of its rules (its lazily filled caches are keyed by pattern), so sharing it is safe."""
        global _LAST
        last = _LAST
        if last is not None and last.ruleset is ruleset:
            return last
        _LAST = built = cls(ruleset)
        return built

    def rule(self, rule_id: str) -> Rule:
        """The rule with this id."""
        return self._by_id[rule_id]

    def match_dependency(self, dependency: Dependency) -> list[Rule]:
        """Rules whose dependency names match this dependency."""
        key = normalize_name(dependency.ecosystem, dependency.name)
        found = list(self._exact.get((dependency.ecosystem, key), ()))
        found += [r for glob, r in self._globs.get(dependency.ecosystem, ()) if fnmatch.fnmatchcase(key, glob)]
        return _unique(found)

    def match_path(self, path: str) -> list[Rule]:
        """Rules whose path globs match this repo-relative path."""
        found = _unique([self._path_rules[i] for i in self._paths.matching(path)])
        return [r for r in found if not any(n.search(path) for n in self._path_negatives.get(r.id, ()))]

    def _path_owners(self, path: str) -> list[int]:
        return sorted({self._path_content_owner[i] for i in self._path_content.matching(path)})

    def wants_content(self, path: str, language: str | None) -> bool:
        """Whether any content pattern applies to this file (so that it is worth reading)."""
        return (language is not None and language in self._language_sets) or bool(self._path_owners(path))

    def match_content(self, path: str, language: str | None, text: str) -> list[Hit]:
        """Hits of every applicable content pattern in ``text``, comments and (by scope) strings excluded."""
        source = _Text(text)
        candidates: list[tuple[Rule, ContentPattern, Any]] = []
        if language is not None and language in self._language_sets:
            multi = self._language_sets[language]
            entries = self._by_language[language]
            candidates += [(*entries[i], multi.compiled(i)) for i in multi.matching(source.subject)]
        for owner in self._path_owners(path):
            regex = self._by_path_regex.compiled(owner)
            if regex.search(source.subject) is not None:
                candidates.append((*self._by_path[owner], regex))
        if not candidates:
            return []
        spans = lexers.lex(language or "", text)
        hits: dict[tuple[str, int], Hit] = {}
        for rule, pattern, regex in candidates:
            for hit in self._locate(rule, pattern, regex, source, spans):
                # One fact per rule and line: `std::lock_guard<std::recursive_mutex>` is one lock, not two.
                hits.setdefault((rule.id, hit.line), hit)
        return list(hits.values())

    def _locate(
        self, rule: Rule, pattern: ContentPattern, regex: Any, source: _Text, spans: lexers.Spans
    ) -> Iterator[Hit]:
        text = source.text
        kept = 0
        for match in regex.finditer(source.subject):
            start, end = match.span()
            matched = text[start:end]
            offset = start + (len(matched) - len(matched.lstrip()))
            if pattern.scope is not MatchScope.RAW and spans.in_comment(offset):
                continue
            string = spans.string_at(offset)
            # A hit inside a string counts only where the scope allows strings, and never inside a string that
            # spans lines: import paths and #include names are one-line strings, while a multi-line literal is
            # data — typically source code embedded in a test.
            if string is not None and (pattern.scope is MatchScope.CODE or source.spans_lines(string)):
                continue
            line_start, line_end = source.line_bounds(offset)
            if pattern.negative is not None and source.negated(
                self._negative(pattern.negative), pattern.negative, line_start, line_end
            ):
                continue
            yield Hit(rule, source.line_of(offset), text[line_start:line_end].strip()[:160])
            kept += 1
            if kept >= MAX_HITS_PER_PATTERN:
                return

    def _negative(self, pattern: str) -> Any:
        compiled = self._negatives.get(pattern)
        if compiled is None:
            compiled = self._negatives[pattern] = compile_pattern(pattern, multiline=False)
        return compiled


def _unique(rules: list[Rule]) -> list[Rule]:
    seen: set[str] = set()
    out = []
    for rule in rules:
        if rule.id not in seen:
            seen.add(rule.id)
            out.append(rule)
    return out


_LAST: Matcher | None = None
"""The matcher ``Matcher.of`` built last, with the RuleSet it holds (so that identity cannot be reused)."""
