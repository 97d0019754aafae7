"""Protocol Buffers interface files (``*.proto``): the services they declare and the files they import.

A ``.proto`` file is not a manifest in the package sense, but it states two things the verdict needs: an RPC
service boundary (``service Name { rpc ... }``) and the other interface files it builds on. A small
tokenizer reads it: comments and string literals are skipped as units, so a ``service`` inside a comment or
an option string is not a service, and braces are balanced so an ``rpc`` is counted only in its own
service. Each service becomes ``protobuf`` / ``service:<Name>`` with ``"<n> rpc"`` as its version; each
``import "x.proto";`` becomes ``protobuf`` / ``x.proto`` in build scope.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from analyzer.errors import ManifestError
from analyzer.manifests import ParseContext
from analyzer.model import Dependency, ManifestResult, Scope

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*")
_NUMBER = re.compile(r"[0-9][A-Za-z0-9_.+-]*")


@dataclass(frozen=True)
class _Token:
    kind: str
    """"ident", "string" or "punct"."""
    value: str
    line: int


def _string(text: str, i: int, line: int) -> tuple[str, int]:
    """Value of the string literal opening at ``i`` and the offset after it; strings never span lines."""
    quote = text[i]
    out: list[str] = []
    j = i + 1
    while j < len(text) and text[j] != "\n":
        if text[j] == "\\":
            out.append(text[j + 1 : j + 2])
            j += 2
            continue
        if text[j] == quote:
            return "".join(out), j + 1
        out.append(text[j])
        j += 1
    raise ManifestError(f"unterminated string literal at line {line}")


def _tokens(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    i, line = 0, 1
    while i < len(text):
        char = text[i]
        if char == "\n":
            line += 1
            i += 1
        elif char.isspace():
            i += 1
        elif text.startswith("//", i):
            end = text.find("\n", i)
            i = len(text) if end < 0 else end
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            if end < 0:
                raise ManifestError(f"unterminated comment opened at line {line}")
            line += text.count("\n", i, end)
            i = end + 2
        elif char in "\"'":
            value, i = _string(text, i, line)
            tokens.append(_Token("string", value, line))
        elif (match := _IDENT.match(text, i)) or (match := _NUMBER.match(text, i)):
            tokens.append(_Token("ident", match.group(), line))
            i = match.end()
        else:
            tokens.append(_Token("punct", char, line))
            i += 1
    return tokens


def _import(tokens: list[_Token], i: int, path: str) -> Dependency:
    """The dependency of the ``import`` statement whose keyword is ``tokens[i]``."""
    j = i + 1
    if j < len(tokens) and tokens[j].value in ("weak", "public") and tokens[j].kind == "ident":
        j += 1
    if j >= len(tokens) or tokens[j].kind != "string":
        raise ManifestError(f"line {tokens[i].line}: import is not followed by a quoted file name")
    return Dependency(
        ecosystem="protobuf",
        name=tokens[j].value,
        version="",
        scope=Scope.BUILD,
        direct=True,
        path=path,
        line=tokens[i].line,
    )


def parse_proto(path: str, text: str, ctx: ParseContext) -> ManifestResult:
    """Services (with their rpc count) and imports of one ``.proto`` file."""
    tokens = _tokens(text)
    deps: list[Dependency] = []
    depth = 0
    service: tuple[str, int, int] | None = None  # name, line, depth of its body
    rpcs = 0
    for i, token in enumerate(tokens):
        if token.kind == "punct" and token.value == "{":
            depth += 1
        elif token.kind == "punct" and token.value == "}":
            depth -= 1
            if depth < 0:
                raise ManifestError(f"line {token.line}: '}}' closes nothing")
            if service is not None and depth < service[2]:
                deps.append(
                    Dependency(
                        ecosystem="protobuf",
                        name=f"service:{service[0]}",
                        version=f"{rpcs} rpc",
                        scope=Scope.RUNTIME,
                        direct=True,
                        path=path,
                        line=service[1],
                    )
                )
                service = None
        elif token.kind != "ident":
            continue
        elif depth == 0 and token.value == "import" and _statement_start(tokens, i):
            deps.append(_import(tokens, i, path))
        elif depth == 0 and token.value == "service" and _statement_start(tokens, i):
            name = tokens[i + 1] if i + 1 < len(tokens) else None
            if name is None or name.kind != "ident" or i + 2 >= len(tokens) or tokens[i + 2].value != "{":
                raise ManifestError(f"line {token.line}: service is not followed by a name and '{{'")
            service, rpcs = (name.value, token.line, 1), 0
        elif service is not None and depth == service[2] and token.value == "rpc" and _statement_start(tokens, i):
            rpcs += 1
    if depth != 0:
        raise ManifestError(f"{depth} '{{' never closed at the end of the file")
    return ManifestResult(dependencies=tuple(deps))


def _statement_start(tokens: list[_Token], i: int) -> bool:
    """Whether ``tokens[i]`` begins a statement (a keyword, not a field or option value named like one)."""
    return i == 0 or (tokens[i - 1].kind == "punct" and tokens[i - 1].value in ";{}")
