"""PHP manifests: Composer's ``composer.json`` and ``composer.lock``.

Platform requirements (``php``, ``ext-*``, ``lib-*``, ``composer-*-api``) name the interpreter and its
extensions, not packages, so they are left out. JSON keeps no line numbers; each package's line is found
again in the text by searching for its quoted name after the section that declares it, moving forward so
repeated names land on the right occurrence.
"""

from __future__ import annotations

import json
import posixpath
import re

from analyzer.errors import ManifestError
from analyzer.manifests import ParseContext
from analyzer.manifests._read.jsondoc import load_json_object
from analyzer.model import Dependency, ManifestResult, Scope

_PLATFORM = re.compile(
    r"^(?:php(?:-64bit|-ipv6|-zts|-debug)?|hhvm|composer|composer-(?:plugin|runtime)-api|(?:ext|lib)-.+)$",
    re.IGNORECASE,
)

# One compiled pattern each, compared by value: compiling a pattern per package costs more than parsing.
_KEY = re.compile(r'"((?:[^"\\]|\\.)*)"\s*:')
_NAME_VALUE = re.compile(r'"name"\s*:\s*"((?:[^"\\]|\\.)*)"')


class _Cursor:
    """Forward search for quoted keys or values, turning offsets into 1-based lines."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._position = 0
        self._line = 1
        """Line of ``_position``, kept up to date so that lines are counted once, not per search."""

    def _advance(self, offset: int) -> None:
        self._line += self._text.count("\n", self._position, offset)
        self._position = offset

    def seek(self, needle: str) -> None:
        found = self._text.find(needle, self._position)
        if found >= 0:
            self._advance(found)

    def line_of(self, pattern: re.Pattern[str], value: str) -> int:
        """Line of the next match of ``pattern`` whose JSON string (group 1) decodes to ``value``; 0 if none."""
        for match in pattern.finditer(self._text, self._position):
            if _decode(match.group(1)) == value:
                self._advance(match.start())
                line = self._line
                self._advance(match.end())
                return line
        return 0


def _decode(raw: str) -> str | None:
    """The text of a JSON string body (without its quotes), None if its escapes are invalid."""
    if "\\" not in raw:
        return raw
    try:
        decoded = json.loads(f'"{raw}"')
    except json.JSONDecodeError:
        return None
    return decoded if isinstance(decoded, str) else None


def parse_composer_json(path: str, text: str, ctx: ParseContext) -> ManifestResult:
    """Packages of ``require`` (runtime) and ``require-dev`` (dev), platform packages left out."""
    data = load_json_object(text, posixpath.basename(path))
    deps: list[Dependency] = []
    for section, scope in (("require", Scope.RUNTIME), ("require-dev", Scope.DEV)):
        table = data.get(section, {})
        if not isinstance(table, dict):
            raise ManifestError(f"'{section}' is not an object of package constraints")
        cursor = _Cursor(text)
        cursor.seek(f'"{section}"')
        for name, constraint in table.items():
            line = cursor.line_of(_KEY, name)
            if _PLATFORM.match(name):
                continue
            deps.append(
                Dependency(
                    ecosystem="composer",
                    name=name,
                    version=str(constraint),
                    scope=scope,
                    direct=True,
                    path=path,
                    line=line,
                )
            )
    return ManifestResult(dependencies=tuple(deps))


def parse_composer_lock(path: str, text: str, ctx: ParseContext) -> ManifestResult:
    """Locked packages: ``packages`` are runtime, ``packages-dev`` dev; all transitive (direct=False)."""
    data = load_json_object(text, posixpath.basename(path))
    deps: list[Dependency] = []
    for section, scope in (("packages", Scope.RUNTIME), ("packages-dev", Scope.DEV)):
        entries = data.get(section) or []
        if not isinstance(entries, list):
            raise ManifestError(f"'{section}' is not a list of packages")
        cursor = _Cursor(text)
        cursor.seek(f'"{section}"')
        for entry in entries:
            if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
                raise ManifestError(f"an entry of '{section}' has no package name")
            name = entry["name"]
            line = cursor.line_of(_NAME_VALUE, name)
            deps.append(
                Dependency(
                    ecosystem="composer",
                    name=name,
                    version=str(entry.get("version", "")),
                    scope=scope,
                    direct=False,
                    path=path,
                    line=line,
                )
            )
    return ManifestResult(dependencies=tuple(deps))
