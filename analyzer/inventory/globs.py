"""Many fnmatch globs asked at once which comes first (in their order) to match a name, in one linear RE2 pass.

Classification asks this of every file of a tree (manifest registry, component manifests, filename globs), where
one ``fnmatch`` per glob and file was a good part of the inventory's time on large trees, and where a combined
Python pattern backtracks over every ``*`` on long paths. The semantics are ``fnmatch.fnmatchcase``'s: ``*`` and
``?`` cross ``/``, case counts. Names are matched as bytes (RE2's Latin-1 mode), so a file name that is not valid
UTF-8 (surrogate-escaped by the listing) is matched byte for byte instead of failing to encode; ``?`` then means
one byte, which differs from fnmatch only on non-ASCII names. A glob with a ``[...]`` class keeps fnmatch itself.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Sequence
from typing import Any

import re2

CACHE_SIZE = 8192
"""Answers a set remembers by name; base names repeat across a tree (index.js, __init__.py, go.mod)."""


def _regex(glob: str) -> str:
    """The glob as an RE2 pattern over a whole name (``*`` any bytes, ``?`` one byte, the rest literal)."""
    parts = [".*" if char == "*" else "." if char == "?" else re2.escape(char) for char in glob]
    return "(?s)^" + "".join(parts) + "$"


class GlobSet:
    """Ordered fnmatch globs compiled into one RE2 set on first use; pickles as its globs."""

    def __init__(self, globs: Sequence[str]) -> None:
        self.globs = tuple(globs)
        self._set: Any = None
        self._seen: dict[str, int | None] = {}
        self._ids: tuple[int, ...] = ()
        self._classes = tuple(i for i, glob in enumerate(self.globs) if "[" in glob)

    def __getstate__(self) -> tuple[str, ...]:
        return self.globs  # a compiled RE2 set cannot be pickled: the other process compiles its own

    def __setstate__(self, state: tuple[str, ...]) -> None:
        self.__init__(state)  # type: ignore[misc]

    def _compile(self) -> Any:
        options = re2.Options()
        options.encoding = re2.Options.Encoding.LATIN1
        options.never_capture = True
        compiled = re2.Set.SearchSet(options)
        ids = []
        for index, glob in enumerate(self.globs):
            if index not in self._classes:
                compiled.Add(_regex(glob).encode("utf-8"))
                ids.append(index)
        compiled.Compile()
        self._ids = tuple(ids)
        return compiled

    def first(self, name: str) -> int | None:
        """Index of the first glob that matches ``name``, or None."""
        if not self.globs:
            return None
        if name in self._seen:
            return self._seen[name]
        if len(self._seen) >= CACHE_SIZE:
            self._seen.clear()
        found = self._seen[name] = self._first(name)
        return found

    def _first(self, name: str) -> int | None:
        if self._set is None:
            self._set = self._compile()
        found = self._set.Match(name.encode("utf-8", "surrogateescape")) if self._ids else None
        best = min(self._ids[i] for i in found) if found else None
        for index in self._classes:
            if best is not None and index > best:
                break
            if fnmatch.fnmatchcase(name, self.globs[index]):
                return index
        return best


class LazyRegex:
    """A Python regular expression that pickles as its text and compiles on first use.

    The knowledge bundle carries the language heuristics' and generated-file patterns: unpickled ``re.Pattern``
    objects are compiled again on every start (about eighty of them, a good part of a small run), though a run uses
    the few its files ask for. The bundle's builder validates each pattern once (``compile``) when it is built.
    """

    __slots__ = ("_compiled", "flags", "pattern")

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self.pattern = pattern
        self.flags = flags
        self._compiled: re.Pattern[str] | None = None

    @classmethod
    def checked(cls, pattern: str, flags: int = 0) -> LazyRegex:
        """The pattern, compiled once now so that a bad one fails where the knowledge is built (re.error)."""
        lazy = cls(pattern, flags)
        lazy._compiled = re.compile(pattern, flags)
        return lazy

    def __getstate__(self) -> tuple[str, int]:
        return self.pattern, self.flags

    def __setstate__(self, state: tuple[str, int]) -> None:
        self.pattern, self.flags = state
        self._compiled = None

    def __eq__(self, other: object) -> bool:
        return isinstance(other, LazyRegex) and (self.pattern, self.flags) == (other.pattern, other.flags)

    def __hash__(self) -> int:
        return hash((self.pattern, self.flags))

    def __repr__(self) -> str:
        return f"LazyRegex({self.pattern!r}, {self.flags})"

    def search(self, text: str) -> re.Match[str] | None:
        """``re.search`` of the compiled pattern."""
        if self._compiled is None:
            self._compiled = re.compile(self.pattern, self.flags)
        return self._compiled.search(text)
