"""Language of a file from its name, extension, shebang and, for ambiguous extensions, its first bytes.

The knowledge lives in ``heuristics/languages.toml`` (github-linguist's language names, our own data);
this module only loads it into a ``LanguageTable`` and applies it. Detection is cheap by design: the
caller asks ``needs_content`` first and reads a file's head only when the name alone cannot decide.
A head with a NUL byte is binary and has no language.
"""

from __future__ import annotations

import codecs
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import heuristics
from analyzer.errors import RuleError
from analyzer.inventory.globs import GlobSet, LazyRegex

KINDS = ("programming", "markup", "data", "prose")
"""Closed set of language kinds; only "programming" languages count in language shares."""

HEAD_BYTES = 8192
"""How much of a file the heuristics look at."""
WIDE_BOMS = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
"""Marks of the encodings whose text holds NUL bytes: a file opening with one is text, not binary."""

_SHEBANG = re.compile(rb"^#!\s*(\S+)(.*)$", re.MULTILINE)
_VERSION_SUFFIX = re.compile(r"[\d.]+$")
_MINOR_SUFFIX = re.compile(r"\.\d+$")


@dataclass(frozen=True)
class Heuristic:
    """How to decide an ambiguous extension: ordered (language, pattern) rules and a default."""

    rules: tuple[tuple[str, LazyRegex], ...]
    default: str | None


@dataclass(frozen=True)
class LanguageTable:
    """Lookup tables built from languages.toml."""

    kinds: Mapping[str, str]
    """Language name → kind."""
    filenames: Mapping[str, str]
    """Exact base name → language."""
    filename_globs: tuple[tuple[str, str], ...]
    """(fnmatch glob on the base name, language), in file order."""
    extensions: Mapping[str, str]
    """Lower-case suffix with its dot → language."""
    interpreters: Mapping[str, str]
    """Shebang interpreter → language."""
    heuristics: Mapping[str, Heuristic]
    """Lower-case suffix → heuristic, for ambiguous extensions."""

    def kind(self, language: str) -> str:
        """Kind of a language (programming, markup, data, prose); "data" for a name not in the table."""
        return self.kinds.get(language, "data")

    @cached_property
    def _name_globs(self) -> GlobSet:
        """The filename globs, matched at once: one RE2 pass per file instead of one fnmatch per glob."""
        return GlobSet([glob for glob, _ in self.filename_globs])

    def _by_name(self, base: str) -> str | None:
        if base in self.filenames:
            return self.filenames[base]
        index = self._name_globs.first(base)
        return None if index is None else self.filename_globs[index][1]

    def _suffix(self, base: str) -> str | None:
        """Longest suffix of the base name known as an extension or heuristic (".d.ts" before ".ts")."""
        index = base.find(".", 1)
        while index > 0:
            suffix = base[index:].lower()
            if suffix in self.heuristics or suffix in self.extensions:
                return suffix
            index = base.find(".", index + 1)
        return None

    def needs_content(self, path: str) -> bool:
        """Whether ``detect`` can use the file's head: an ambiguous extension, or no known name or extension."""
        base = path.rpartition("/")[2]
        if self._by_name(base) is not None:
            return False
        suffix = self._suffix(base)
        if suffix is not None:
            return suffix in self.heuristics
        return "." not in base.lstrip(".")  # extensionless files may carry a shebang

    def detect(self, path: str, head: bytes | None) -> str | None:
        """Language of a file, or None (unknown or binary). ``head`` is its first bytes, None if not read."""
        if head is not None and b"\0" in head[:HEAD_BYTES] and not head.startswith(WIDE_BOMS):
            return None
        base = path.rpartition("/")[2]
        language = self._by_name(base)
        if language is not None:
            return language
        suffix = self._suffix(base)
        if suffix is not None:
            heuristic = self.heuristics.get(suffix)
            if heuristic is None:
                return self.extensions[suffix]
            return _decide(heuristic, head)
        if head is not None and head.startswith(b"#!"):
            return self._shebang(head)
        return None

    def _shebang(self, head: bytes) -> str | None:
        match = _SHEBANG.match(head[:512])
        if match is None:
            return None
        words = [match.group(1).decode("utf-8", "replace"), *match.group(2).decode("utf-8", "replace").split()]
        program = words[0].rpartition("/")[2]
        if program == "env":  # `#!/usr/bin/env [-S] [VAR=x] python3 -u`
            rest = [w for w in words[1:] if not w.startswith("-") and "=" not in w]
            program = rest[0].rpartition("/")[2] if rest else ""
        # "python3.11" is tried as itself, then "python3", then "python"
        for candidate in (program, _MINOR_SUFFIX.sub("", program), _VERSION_SUFFIX.sub("", program)):
            if candidate in self.interpreters:
                return self.interpreters[candidate]
        return None


def _decide(heuristic: Heuristic, head: bytes | None) -> str | None:
    if head is None:
        return heuristic.default
    text = head[:HEAD_BYTES].decode("utf-8", "replace")
    for language, pattern in heuristic.rules:
        if pattern.search(text):
            return language
    return heuristic.default


def _strings(table: Mapping[str, Any], key: str, where: str) -> list[str]:
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise RuleError(f"languages.toml: {where}.{key} must be a list of strings")
    return list(value)


def _heuristics(data: Mapping[str, Any], kinds: Mapping[str, str]) -> dict[str, Heuristic]:
    result: dict[str, Heuristic] = {}
    for number, entry in enumerate(data.get("heuristic", []), start=1):
        where = f"heuristic #{number}"
        rules: list[tuple[str, LazyRegex]] = []
        for rule in entry.get("rules", []):
            if rule.get("language") not in kinds:
                raise RuleError(f"languages.toml: {where} names unknown language {rule.get('language')!r}")
            try:
                rules.append((rule["language"], LazyRegex.checked(rule["pattern"], re.MULTILINE)))
            except (re.error, KeyError, TypeError) as exc:
                raise RuleError(f"languages.toml: {where}: bad pattern for {rule['language']}: {exc}") from exc
        default = entry.get("default")
        if default is not None and default not in kinds:
            raise RuleError(f"languages.toml: {where} default {default!r} is not a language")
        for ext in _strings(entry, "extensions", where):
            result[ext.lower()] = Heuristic(rules=tuple(rules), default=default)
    return result


def parse_languages(text: str) -> LanguageTable:
    """Build a LanguageTable from the text of a languages.toml; raise RuleError on malformed data."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RuleError(f"languages.toml is not valid TOML: {exc}") from exc
    languages: Mapping[str, Any] = data.get("language", {})
    kinds: dict[str, str] = {}
    filenames: dict[str, str] = {}
    globs: list[tuple[str, str]] = []
    extensions: dict[str, str] = {}
    interpreters: dict[str, str] = {}
    claimed_twice: set[str] = set()
    for name, table in languages.items():
        kind = table.get("kind")
        if kind not in KINDS:
            raise RuleError(f"languages.toml: language {name!r} has kind {kind!r}, expected one of {KINDS}")
        kinds[name] = kind
        for filename in _strings(table, "filenames", name):
            if "*" in filename:
                globs.append((filename, name))
            else:
                filenames[filename] = name
        for ext in _strings(table, "extensions", name):
            if ext.lower() in extensions:
                claimed_twice.add(ext.lower())
            extensions.setdefault(ext.lower(), name)
        for program in _strings(table, "interpreters", name):
            interpreters[program] = name
    heuristics_by_ext = _heuristics(data, kinds)
    conflicts = sorted(claimed_twice - heuristics_by_ext.keys())
    if conflicts:
        raise RuleError(f"languages.toml: extensions claimed by two languages without a heuristic: {conflicts}")
    return LanguageTable(kinds, filenames, tuple(globs), extensions, interpreters, heuristics_by_ext)


def load_languages() -> LanguageTable:
    """The shipped language table (heuristics/languages.toml). Load it once and pass it along."""
    return parse_languages(heuristics.read_text("languages.toml"))
