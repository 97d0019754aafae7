"""Compiles a RuleSet into fast matchers for dependencies, paths and file contents.

Content matching is designed so that regular expressions are not the bottleneck (DESIGN §9): all patterns of
a language go into one RE2 ``Set`` that answers, in a single linear pass over the file, which patterns occur
at all. Only those patterns are then run individually to find their lines, and only files with a candidate
hit pay for the comment/string lexer. Without google-re2 the same code runs each pattern with Python's
``re`` (correct, slower).
"""

from __future__ import annotations

import bisect
import fnmatch
import re
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from analyzer.facts import lexers
from analyzer.knowledge.rules import ContentPattern, MatchScope, Rule, RuleSet
from analyzer.model import Dependency

try:
    import re2
except ImportError:  # pragma: no cover - exercised only where the wheel is missing
    re2 = None

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


class _MultiRegex:
    """Which of many patterns match a string: one RE2 Set pass, or a loop over ``re`` without RE2."""

    def __init__(self, patterns: Sequence[str], *, multiline: bool) -> None:
        self._compiled = [re.compile(p, re.MULTILINE if multiline else 0) for p in patterns]
        self._set: Any = None
        if re2 is not None and patterns:
            options = re2.Options()
            options.never_capture = True
            self._set = re2.Set.SearchSet(options)
            for p in patterns:
                self._set.Add(("(?m)" if multiline else "") + p)
            self._set.Compile()

    def matching(self, text: str) -> list[int]:
        if not self._compiled:
            return []
        if self._set is not None:
            found = self._set.Match(text)
            return sorted(found) if found else []
        return [i for i, c in enumerate(self._compiled) if c.search(text)]

    def compiled(self, index: int) -> re.Pattern[str]:
        return self._compiled[index]


@dataclass(frozen=True)
class Hit:
    """A content match that survived the comment/string and negative-pattern checks."""

    rule: Rule
    line: int
    snippet: str


class _LineIndex:
    """Offset → 1-based line number, computed once per file on first use."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._starts: list[int] | None = None

    def line_of(self, offset: int) -> int:
        if self._starts is None:
            self._starts = [0] + [m.end() for m in re.finditer("\n", self._text)]
        return bisect.bisect_right(self._starts, offset)

    def line_text(self, offset: int) -> str:
        start = self._text.rfind("\n", 0, offset) + 1
        end = self._text.find("\n", offset)
        return self._text[start : end if end >= 0 else len(self._text)]


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
        self._by_path: list[tuple[Rule, ContentPattern, re.Pattern[str]]] = []
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
                    self._by_path.append((rule, pattern, re.compile(pattern.pattern, re.MULTILINE)))
        self._paths = _MultiRegex(path_patterns, multiline=False)
        self._path_content = _MultiRegex(path_content_globs, multiline=False)
        self._language_sets = {
            language: _MultiRegex([p.pattern for _, p in entries], multiline=True)
            for language, entries in self._by_language.items()
        }
        self._negatives: dict[str, re.Pattern[str]] = {}
        self._by_id = {rule.id: rule for rule in ruleset.rules}

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

    def _path_patterns(self, path: str) -> list[tuple[Rule, ContentPattern, re.Pattern[str]]]:
        owners = sorted({self._path_content_owner[i] for i in self._path_content.matching(path)})
        return [self._by_path[i] for i in owners]

    def wants_content(self, path: str, language: str | None) -> bool:
        """Whether any content pattern applies to this file (so that it is worth reading)."""
        return (language is not None and language in self._language_sets) or bool(self._path_patterns(path))

    def match_content(self, path: str, language: str | None, text: str) -> list[Hit]:
        """Hits of every applicable content pattern in ``text``, comments and (by scope) strings excluded."""
        candidates: list[tuple[Rule, ContentPattern, re.Pattern[str]]] = []
        if language is not None and language in self._language_sets:
            multi = self._language_sets[language]
            entries = self._by_language[language]
            candidates += [(*entries[i], multi.compiled(i)) for i in multi.matching(text)]
        for rule, pattern, compiled in self._path_patterns(path):
            if compiled.search(text):
                candidates.append((rule, pattern, compiled))
        if not candidates:
            return []
        spans = lexers.lex(language or "", text)
        lines = _LineIndex(text)
        hits: list[Hit] = []
        for rule, pattern, compiled in candidates:
            hits.extend(self._locate(rule, pattern, compiled, text, spans, lines))
        return hits

    def _locate(
        self,
        rule: Rule,
        pattern: ContentPattern,
        compiled: re.Pattern[str],
        text: str,
        spans: lexers.Spans,
        lines: _LineIndex,
    ) -> Iterator[Hit]:
        kept = 0
        for match in compiled.finditer(text):
            matched = match.group()
            offset = match.start() + (len(matched) - len(matched.lstrip()))
            if pattern.scope is not MatchScope.RAW and spans.in_comment(offset):
                continue
            string = spans.string_at(offset)
            # A hit inside a string counts only where the scope allows strings, and never inside a string that
            # spans lines: import paths and #include names are one-line strings, while a multi-line literal is
            # data — typically source code embedded in a test.
            if string is not None and (pattern.scope is MatchScope.CODE or text.find("\n", *string) >= 0):
                continue
            line_text = lines.line_text(offset)
            if pattern.negative is not None and self._negative(pattern.negative).search(line_text):
                continue
            yield Hit(rule, lines.line_of(offset), line_text.strip()[:160])
            kept += 1
            if kept >= MAX_HITS_PER_PATTERN:
                return

    def _negative(self, pattern: str) -> re.Pattern[str]:
        compiled = self._negatives.get(pattern)
        if compiled is None:
            compiled = self._negatives[pattern] = re.compile(pattern)
        return compiled


def _unique(rules: list[Rule]) -> list[Rule]:
    seen: set[str] = set()
    out = []
    for rule in rules:
        if rule.id not in seen:
            seen.add(rule.id)
            out.append(rule)
    return out
