"""Zig manifests: build.zig.zon, the package file of Zig's build system.

A ``.zon`` file is one Zig anonymous struct literal (``.{ .name = .app, .dependencies = .{ ... } }``). It
is read by a small tokenizer (strings, multi-line ``\\\\`` strings, ``@"quoted"`` identifiers, ``//``
comments) and a recursive-descent reader bounded in depth, never by evaluating anything. Each entry of
``.dependencies`` fetched by ``.url`` becomes a dependency of ecosystem ``zig``; entries with a ``.path``
are folders of the same repository and name no third-party package.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from analyzer.errors import ManifestError
from analyzer.manifests import ParseContext
from analyzer.model import Dependency, ManifestResult, Scope

_TOKEN = re.compile(
    r"""(?P<skip>[ \t\r\n]+|//[^\n]*)
    |(?P<str>"(?:\\.|[^\\"\n])*")
    |(?P<mstr>\\\\[^\n]*)
    |(?P<qid>@"(?:\\.|[^\\"\n])*")
    |(?P<id>[A-Za-z_][A-Za-z0-9_]*)
    |(?P<num>[0-9][A-Za-z0-9_.+-]*)
    |(?P<char>'(?:\\.|[^\\'\n])+')
    |(?P<op>[.{}=,])""",
    re.VERBOSE,
)
_MAX_DEPTH = 32


@dataclass(frozen=True)
class _Tok:
    kind: str
    """str, id, num or op (a ``@"x"`` identifier is an id, a multi-line string a str)."""
    value: str
    line: int


@dataclass(frozen=True)
class _Field:
    name: str
    line: int
    value: object
    """A string, a list of fields (a struct), a list of values (a tuple), or an _Atom."""


@dataclass(frozen=True)
class _Atom:
    """An enum literal (``.app``), an identifier (``true``) or a number, kept as text."""

    text: str


def _tokens(text: str) -> list[_Tok]:
    out: list[_Tok] = []
    line, pos = 1, 0
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None:
            raise ManifestError(f"build.zig.zon line {line}: unexpected {text[pos]!r}")
        kind, raw = match.lastgroup or "op", match.group()
        if kind == "mstr":
            if out and out[-1].kind == "str" and out[-1].value.startswith("\n"):
                out[-1] = _Tok("str", out[-1].value + "\n" + raw[2:], out[-1].line)
            else:
                out.append(_Tok("str", "\n" + raw[2:], line))
        elif kind in ("str", "qid"):
            body = raw[1:-1] if kind == "str" else raw[2:-1]
            out.append(_Tok("str" if kind == "str" else "id", body.replace('\\"', '"'), line))
        elif kind != "skip":
            out.append(_Tok("num" if kind == "char" else kind, raw, line))
        line += raw.count("\n")
        pos = match.end()
    return out


class _Reader:
    """Recursive descent over the tokens of one ``.zon`` value."""

    def __init__(self, tokens: list[_Tok]) -> None:
        self.tokens = tokens
        self.pos = 0

    def peek(self, offset: int = 0) -> _Tok | None:
        at = self.pos + offset
        return self.tokens[at] if at < len(self.tokens) else None

    def at(self, value: str, offset: int = 0) -> bool:
        """Whether the token ``offset`` ahead is the punctuation ``value``."""
        tok = self.peek(offset)
        return tok is not None and tok.kind == "op" and tok.value == value

    def take(self, value: str | None = None) -> _Tok:
        tok = self.peek()
        if tok is None:
            raise ManifestError("build.zig.zon ends in the middle of a value")
        if value is not None and not self.at(value):
            raise ManifestError(f"build.zig.zon line {tok.line}: expected {value!r}, found {tok.value!r}")
        self.pos += 1
        return tok

    def value(self, depth: int) -> object:
        if depth > _MAX_DEPTH:
            raise ManifestError(f"build.zig.zon nests values deeper than {_MAX_DEPTH}")
        tok = self.take()
        if tok.kind == "str":
            return tok.value
        if tok.kind in ("num", "id"):
            return _Atom(tok.value)
        if tok.value == "." and self.at("{"):
            return self.braces(depth)
        name = self.peek()
        if tok.value == "." and name is not None and name.kind == "id":
            self.pos += 1
            return _Atom("." + name.value)  # an enum literal such as .app
        raise ManifestError(f"build.zig.zon line {tok.line}: unexpected {tok.value!r}")

    def braces(self, depth: int) -> list[_Field] | list[object]:
        """A struct literal ``.{ .a = x, ... }`` (a list of fields) or a tuple ``.{ x, y }``."""
        opening = self.take("{")
        fields: list[_Field] = []
        items: list[object] = []
        while not self.at("}"):
            name = self.peek(1)
            if self.at(".") and name is not None and name.kind == "id" and self.at("=", 2):
                self.pos += 3
                fields.append(_Field(name.value, name.line, self.value(depth + 1)))
            else:
                items.append(self.value(depth + 1))
            if self.at(","):
                self.pos += 1
            elif not self.at("}"):
                tok = self.peek()
                if tok is None:
                    raise ManifestError(
                        f"build.zig.zon ends before the '}}' of the literal opened at line {opening.line}"
                    )
                raise ManifestError(f"build.zig.zon line {tok.line}: expected ',' or '}}'")
        self.take("}")
        if fields and items:
            raise ManifestError("build.zig.zon mixes named fields and bare values in one literal")
        return fields or items


def _field(fields: object, name: str) -> _Field | None:
    if isinstance(fields, list):
        return next((f for f in fields if isinstance(f, _Field) and f.name == name), None)
    return None


def parse_build_zig_zon(path: str, text: str, ctx: ParseContext) -> ManifestResult:
    """Dependencies fetched by URL in a build.zig.zon (ecosystem ``zig``); local ``.path`` ones skipped."""
    del ctx
    reader = _Reader(_tokens(text))
    if reader.peek() is None:
        raise ManifestError("build.zig.zon is empty")
    root = reader.value(0)
    extra = reader.peek()
    if extra is not None:
        raise ManifestError(f"build.zig.zon line {extra.line}: text after the top-level literal")
    if not isinstance(root, list):
        raise ManifestError("build.zig.zon must hold a struct literal .{ ... }")
    table = _field(root, "dependencies")
    if table is None:
        return ManifestResult()
    if not isinstance(table.value, list) or not all(isinstance(f, _Field) for f in table.value):
        raise ManifestError(f"build.zig.zon line {table.line}: .dependencies must be a struct of named entries")
    deps: list[Dependency] = []
    for entry in table.value:
        assert isinstance(entry, _Field)
        url = _field(entry.value, "url")
        if url is None or not isinstance(url.value, str):
            continue  # a .path dependency lives in this repository
        deps.append(
            Dependency(
                ecosystem="zig",
                name=entry.name,
                version=url.value,
                scope=Scope.RUNTIME,
                direct=True,
                path=path,
                line=entry.line,
            )
        )
    return ManifestResult(dependencies=tuple(deps))
