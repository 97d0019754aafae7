"""Elixir and Erlang manifests: ``mix.exs``, ``mix.lock`` and ``rebar.config`` (ecosystem ``hex``).

``mix.exs`` is Elixir code and is never evaluated: comments are blanked (offsets kept), brackets are
paired so that a broken file is reported rather than half read, and the ``{:name, ...}`` tuples of the
``deps`` function are read with anchored patterns; ``only:`` and ``runtime: false`` give the scope.
``mix.lock`` is an Elixir map literal written one package per line by Mix, read line by line.
``rebar.config`` holds plain Erlang terms, so it gets a small term parser of its own (no evaluation
either): top-level ``deps`` and ``plugins``, and the ``deps`` of each profile.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass

from analyzer.errors import ManifestError
from analyzer.manifests import ParseContext
from analyzer.model import Dependency, ManifestResult, Scope

_HEX = "hex"
_DEPS_DEF = re.compile(r"\bdefp?\s+deps\b(?:\s*\(\s*\))?\s*(?:,\s*do:|do\b)|\bdeps:\s*(?=\[)")
# [ \t]*, not \s*: in MULTILINE mode \s* crosses line ends, and every line start rescanned a run of blank lines.
_NEXT_DEF = re.compile(r"^[ \t\r\f\v]*(?:defp?|defmacrop?|defmodule)\s", re.MULTILINE)
_DEP_TUPLE = re.compile(r"\{\s*:([a-z_][A-Za-z0-9_]*)\s*(?=[,}])")
_FIRST_STRING = re.compile(r'^\s*,\s*"([^"\n]*)"')
_MIX_OPTION = re.compile(r'\b(only|runtime|git|github|path|in_umbrella|hex)\s*:\s*(\[[^\]]*\]|"[^"\n]*"|:?\w+)')
_LOCK_ENTRY = re.compile(r'^\s*(?:%\{\s*)?"([^"\\\n]+)"\s*:\s*\{\s*:(\w+)\s*,\s*(.*)$')
_LOCK_HEX = re.compile(r':([A-Za-z0-9_]+)\s*,\s*"([^"\n]*)"')
_LOCK_GIT = re.compile(r'"([^"\n]*)"')


def _line_at(newlines: list[int], offset: int) -> int:
    return bisect.bisect_left(newlines, offset) + 1


def _blank_comments(text: str, marker: str) -> str:
    """Text with ``marker`` (``#`` or ``%``) comments blanked; strings, charlists and quoted atoms kept.

    Lines are read one by one (the manifests of this family keep strings on one line); a character
    literal (Elixir ``?#``, Erlang ``$%``) is not a comment.
    """
    out: list[str] = []
    for number, line in enumerate(text.split("\n"), 1):
        quote, cut, i = "", len(line), 0
        while i < len(line):
            char = line[i]
            if quote:
                if char == "\\":
                    i += 1
                elif char == quote:
                    quote = ""
            elif char in "?$":
                i += 1  # the next character is a literal, whatever it is
            elif char in "\"'":
                quote = char
            elif char == marker:
                cut = i
                break
            i += 1
        if quote == "'" and marker == "%":
            raise ManifestError(f"line {number}: unterminated quoted atom")
        out.append(line[:cut] + " " * (len(line) - cut))
    return "\n".join(out)


def _bracket_pairs(code: str, newlines: list[int]) -> dict[int, int]:
    """Opening bracket offset -> closing offset over comment-free code; raises on a mismatch."""
    pairs: dict[int, int] = {}
    stack: list[int] = []
    quote = ""
    i = 0
    while i < len(code):
        char = code[i]
        if quote:
            if char == "\\":
                i += 1
            elif char == quote:
                quote = ""
        elif char == '"':
            quote = char
        elif char in "([{":
            stack.append(i)
        elif char in ")]}":
            if not stack or "([{"[")]}".index(char)] != code[stack[-1]]:
                raise ManifestError(f"line {_line_at(newlines, i)}: unbalanced {char!r}")
            pairs[stack.pop()] = i
        i += 1
    if stack:
        raise ManifestError(f"line {_line_at(newlines, stack[-1])}: {code[stack[-1]]!r} is never closed")
    if quote:
        raise ManifestError("unterminated string at the end of the file")
    return pairs


def _mix_scope(options: dict[str, str]) -> Scope:
    """Scope from ``only:`` environments, or BUILD for a compile-time-only dependency."""
    only = options.get("only")
    if only is not None:
        envs = set(re.findall(r":(\w+)", only))
        if "prod" not in envs and envs:
            return Scope.TEST if envs == {"test"} else Scope.DEV
    if options.get("runtime") == "false":
        return Scope.BUILD
    return Scope.RUNTIME


def _mix_version(after_name: str, options: dict[str, str]) -> str:
    first = _FIRST_STRING.match(after_name)
    if first:
        return first.group(1)
    for source in ("github", "git", "path"):
        if source in options:
            return f"{source}:{options[source].strip(chr(34))}"
    return ""


def parse_mix_exs(path: str, text: str, ctx: ParseContext) -> ManifestResult:
    """The ``{:name, ...}`` dependencies of a Mix project's ``deps`` and an umbrella's ``apps_path``."""
    del ctx
    code = _blank_comments(text, "#")
    newlines = [m.start() for m in re.finditer("\n", code)]
    pairs = _bracket_pairs(code, newlines)
    if not re.search(r"\bdefmodule\b", code):
        raise ManifestError("no defmodule: not a Mix project file")
    deps: list[Dependency] = []
    for found in _DEPS_DEF.finditer(code):
        following = _NEXT_DEF.search(code, found.end())
        end = following.start() if following else len(code)
        covered = -1
        for match in _DEP_TUPLE.finditer(code, found.end(), end):
            if match.start() < covered or match.start() not in pairs:
                continue  # a tuple inside the previous dependency's options, or text inside a string
            covered = pairs[match.start()]
            body = code[match.end() : covered]
            options = {m.group(1): m.group(2) for m in _MIX_OPTION.finditer(body)}
            if options.get("in_umbrella") == "true":
                continue  # a sibling app of the same umbrella, not a third-party package
            name = options["hex"].lstrip(":").strip('"') if "hex" in options else match.group(1)
            deps.append(
                Dependency(
                    ecosystem=_HEX,
                    name=name,
                    version=_mix_version(body, options),
                    scope=_mix_scope(options),
                    direct=True,
                    path=path,
                    line=_line_at(newlines, match.start()),
                )
            )
    apps = re.search(r'\bapps_path:\s*"([^"\n]+)"', code)
    members = (f"{apps.group(1).rstrip('/')}/*",) if apps else ()
    return ManifestResult(dependencies=tuple(deps), workspace_members=members)


def parse_mix_lock(path: str, text: str, ctx: ParseContext) -> ManifestResult:
    """Every package of a mix.lock (hex and git), all marked transitive."""
    del ctx
    code = _blank_comments(text, "#")
    newlines = [m.start() for m in re.finditer("\n", code)]
    _bracket_pairs(code, newlines)
    if code.strip() and not code.lstrip().startswith("%{"):
        raise ManifestError("mix.lock must hold a map literal %{...}")
    deps: list[Dependency] = []
    for number, line in enumerate(code.split("\n"), 1):
        entry = _LOCK_ENTRY.match(line)
        if entry is None:
            if re.match(r'^\s*"[^"]*"\s*:', line):
                raise ManifestError(f"line {number}: lock entry is not a {{:scm, ...}} tuple")
            continue
        key, scm, rest = entry.groups()
        if scm == "hex":
            hexed = _LOCK_HEX.match(rest)
            if hexed is None:
                raise ManifestError(f"line {number}: hex entry {key!r} has no package name and version")
            deps.append(
                Dependency(
                    ecosystem=_HEX,
                    name=hexed.group(1),
                    version=hexed.group(2),
                    scope=Scope.RUNTIME,
                    direct=False,
                    path=path,
                    line=number,
                )
            )
        else:
            source = _LOCK_GIT.search(rest)
            version = f"{scm}:{source.group(1)}" if source else scm
            deps.append(
                Dependency(
                    ecosystem=_HEX, name=key, version=version, scope=Scope.RUNTIME, direct=False, path=path, line=number
                )
            )
    return ManifestResult(dependencies=tuple(deps))


# --- rebar.config -------------------------------------------------------------------------------

_MAX_DEPTH = 100
_TOKEN = re.compile(
    r"""\s*(?:(?P<str>"(?:[^"\\]|\\.)*")|(?P<qatom>'(?:[^'\\]|\\.)*')|(?P<word>[A-Za-z_][\w@.]*)"""
    r"""|(?P<num>-?\d[\w.#+-]*)|(?P<punct><<|>>|=>|[{}\[\],.|#]|\$.))""",
    re.DOTALL,
)


@dataclass(frozen=True)
class _Term:
    """One Erlang term: an atom or string (``text``) or a tuple / list (``items``)."""

    kind: str
    """atom, string, number, tuple or list."""
    line: int
    text: str = ""
    items: tuple[_Term, ...] = ()


class _TermReader:
    """A recursive-descent reader of the Erlang term syntax used by rebar.config (no expressions)."""

    def __init__(self, code: str) -> None:
        self.tokens = list(self._lex(code))
        self.pos = 0

    @staticmethod
    def _lex(code: str) -> Iterator[tuple[str, str, int]]:
        newlines = [m.start() for m in re.finditer("\n", code)]
        pos = 0
        while pos < len(code):
            match = _TOKEN.match(code, pos)
            if match is None or match.end() == pos:
                if code[pos:].strip():
                    raise ManifestError(f"line {_line_at(newlines, pos)}: unexpected {code[pos:].strip()[0]!r}")
                return
            kind = match.lastgroup or ""
            yield kind, match.group(kind), _line_at(newlines, match.start(kind))
            pos = match.end()

    def _next(self) -> tuple[str, str, int]:
        if self.pos >= len(self.tokens):
            line = self.tokens[-1][2] if self.tokens else 0
            raise ManifestError(f"line {line}: unexpected end of file inside a term")
        self.pos += 1
        return self.tokens[self.pos - 1]

    def term(self, depth: int = 0) -> _Term:
        if depth > _MAX_DEPTH:
            raise ManifestError(f"terms nested deeper than {_MAX_DEPTH}")
        kind, value, line = self._next()
        if kind in ("word", "qatom"):
            return _Term("atom", line, value.strip("'"))
        if kind == "str":
            return _Term("string", line, value[1:-1])
        if kind == "num" or value.startswith("$"):
            return _Term("number", line, value)
        if value == "<<":
            inner = self.term(depth + 1)
            self._expect(">>")
            return _Term("string", line, inner.text)
        if value in ("{", "["):
            return self._sequence(value, line, depth)
        raise ManifestError(f"line {line}: unexpected {value!r}")

    def _sequence(self, opener: str, line: int, depth: int) -> _Term:
        closer = "}" if opener == "{" else "]"
        items: list[_Term] = []
        while True:
            if self.pos < len(self.tokens) and self.tokens[self.pos][1] == closer and not items:
                self.pos += 1
                break
            items.append(self.term(depth + 1))
            _, value, at = self._next()
            if value == closer:
                break
            if value == "|" and opener == "[":
                items.append(self.term(depth + 1))
                self._expect(closer)
                break
            if value != ",":
                raise ManifestError(f"line {at}: expected ',' or {closer!r}, found {value!r}")
        return _Term("tuple" if opener == "{" else "list", line, items=tuple(items))

    def _expect(self, wanted: str) -> None:
        _, value, line = self._next()
        if value != wanted:
            raise ManifestError(f"line {line}: expected {wanted!r}, found {value!r}")

    def forms(self) -> Iterator[_Term]:
        """The top-level terms, each ended by a full stop."""
        while self.pos < len(self.tokens):
            form = self.term()
            self._expect(".")
            yield form


def _keyed(terms: tuple[_Term, ...], key: str) -> Iterator[_Term]:
    """Values of ``{key, Value}`` tuples among ``terms``."""
    for term in terms:
        if term.kind == "tuple" and len(term.items) >= 2 and term.items[0].kind == "atom" and term.items[0].text == key:
            yield term.items[1]


def _rebar_dep(item: _Term) -> tuple[str, str]:
    """(hex name, version) of one entry of a rebar ``deps`` list."""
    if item.kind == "atom":
        return item.text, ""
    if item.kind != "tuple" or not item.items or item.items[0].kind != "atom":
        raise ManifestError(f"line {item.line}: a dependency must be an atom or a {{name, ...}} tuple")
    name, version = item.items[0].text, ""
    for spec in item.items[1:]:
        if spec.kind == "string":
            version = version or spec.text
        elif spec.kind == "tuple" and spec.items and spec.items[0].kind == "atom":
            source = spec.items[0].text
            where = spec.items[1].text if len(spec.items) > 1 else ""
            if source == "pkg":
                name = where or name
                version = spec.items[2].text if len(spec.items) > 2 else version
            elif source in ("git", "hg", "git_subdir"):
                version = version or f"{source}:{where}"
    return name, version


def _rebar_list(value: _Term, scope: Scope, path: str) -> Iterator[Dependency]:
    if value.kind != "list":
        raise ManifestError(f"line {value.line}: deps and plugins must be lists")
    for item in value.items:
        name, version = _rebar_dep(item)
        yield Dependency(
            ecosystem=_HEX, name=name, version=version, scope=scope, direct=True, path=path, line=item.line
        )


def _profile_scope(name: str) -> Scope:
    return {"test": Scope.TEST, "prod": Scope.RUNTIME}.get(name, Scope.DEV)


def parse_rebar_config(path: str, text: str, ctx: ParseContext) -> ManifestResult:
    """``deps`` (top level and per profile) and ``plugins`` of a rebar3 ``rebar.config``."""
    del ctx
    forms = tuple(_TermReader(_blank_comments(text, "%")).forms())
    deps: list[Dependency] = []
    for value in _keyed(forms, "deps"):
        deps.extend(_rebar_list(value, Scope.RUNTIME, path))
    for key in ("plugins", "project_plugins"):
        for value in _keyed(forms, key):
            deps.extend(_rebar_list(value, Scope.BUILD, path))
    for profiles in _keyed(forms, "profiles"):
        for profile in profiles.items if profiles.kind == "list" else ():
            if profile.kind != "tuple" or len(profile.items) < 2 or profile.items[1].kind != "list":
                raise ManifestError(f"line {profile.line}: a profile must be a {{name, [options]}} tuple")
            for value in _keyed(profile.items[1].items, "deps"):
                deps.extend(_rebar_list(value, _profile_scope(profile.items[0].text), path))
    return ManifestResult(dependencies=tuple(deps))
