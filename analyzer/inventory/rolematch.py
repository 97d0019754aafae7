"""The role patterns of ``heuristics/paths.toml`` as one matcher: one RE2 pass per file decides its role.

Each role is a list of gitignore-style patterns, and a file takes the first role, in precedence order, whose list
matches it, with pathspec's ``GitIgnoreSpec`` semantics (the last matching pattern decides; a pattern that matches
the file itself outranks one that only matches a directory above it, unless that one re-includes). Asking one
``GitIgnoreSpec`` per role cost four to five calls per file, and building them compiled every pattern with Python's
``re`` on each start. Here pathspec translates each pattern once, when the knowledge is built; the translations
are kept (and pickled with the knowledge), and all of them go into one RE2 set compiled on first use.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import re2

from analyzer.model import Role

_DIR_MARK = "(?P<ps_d>/)"
"""How pathspec marks the slash after a directory name in a pattern's regex."""
_DIR_OPTIONAL = f"(?:{_DIR_MARK}|$)"


@dataclass(frozen=True)
class _Regex:
    """One regular expression of the set and what its match means."""

    text: str
    role: int
    """Position of the role in precedence order."""
    index: int
    """Position of the pattern in its role's list: a later one wins."""
    include: bool
    directory: bool
    """Matched through a directory above the file rather than the file itself (outranked by a file match)."""


def _translate(patterns: Sequence[str], role: int) -> list[_Regex]:
    """The regexes of one role's patterns, split as pathspec's RE2 backend splits directory patterns."""
    from pathspec.patterns.gitignore.spec import GitIgnoreSpecPattern  # at knowledge build only

    out = []
    for index, pattern in enumerate(patterns):
        compiled = GitIgnoreSpecPattern(pattern)
        if compiled.include is None or compiled.regex is None:
            continue
        text, include = str(compiled.regex.pattern), bool(compiled.include)
        if _DIR_MARK in text and text.endswith(_DIR_OPTIONAL):
            base = text[: -len(_DIR_OPTIONAL)]
            out += [_Regex(base + "/", role, index, include, True), _Regex(base + "$", role, index, include, False)]
        elif _DIR_MARK in text:
            out.append(_Regex(text.replace(_DIR_MARK, "/"), role, index, include, True))
        else:
            out.append(_Regex(text, role, index, include, False))
    return out


def _relative(path: str) -> str:
    """The path as pathspec's ``normalize_file`` gives it on POSIX: no leading "/" or "./"."""
    if path.startswith("/"):
        return path[1:]
    return path[2:] if path.startswith("./") else path


class RoleMatcher:
    """Roles in precedence order with their patterns; pickles as the translated regexes, compiles on first use."""

    def __init__(self, roles: Sequence[tuple[Role, Sequence[str]]]) -> None:
        self.roles = tuple(role for role, _ in roles)
        self._regexes = tuple(r for position, (_, patterns) in enumerate(roles) for r in _translate(patterns, position))
        self._set: Any = None

    def __getstate__(self) -> tuple[tuple[Role, ...], tuple[_Regex, ...]]:
        return self.roles, self._regexes

    def __setstate__(self, state: tuple[tuple[Role, ...], tuple[_Regex, ...]]) -> None:
        self.roles, self._regexes = state
        self._set = None

    def _compile(self) -> Any:
        options = re2.Options()
        options.never_capture = True
        compiled = re2.Set.SearchSet(options)
        for regex in self._regexes:
            compiled.Add(regex.text)
        compiled.Compile()
        return compiled

    def role(self, path: str, vetoed: frozenset[Role] = frozenset()) -> Role:
        """The first role, in precedence order and not vetoed, whose patterns include ``path``; else SOURCE."""
        if self._set is None:
            self._set = self._compile()
        found = self._set.Match(_relative(path).encode("utf-8", "surrogateescape"))
        if not found:
            return Role.SOURCE
        best: dict[int, tuple[int, int, bool]] = {}
        """Per role: (priority, pattern index, include) of the deciding match, as pathspec decides it."""
        for regex in (self._regexes[i] for i in sorted(found)):
            priority = 1 if regex.directory else 2
            current = best.get(regex.role)
            if (
                current is None
                or (regex.include and regex.directory and regex.index > current[1])
                or (priority == current[0] and regex.index > current[1])
                or priority > current[0]
            ):
                best[regex.role] = (priority, regex.index, regex.include)
        for position, role in enumerate(self.roles):
            if position in best and best[position][2] and role not in vetoed:
                return role
        return Role.SOURCE
