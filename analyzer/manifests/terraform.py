"""Terraform manifests: ``*.tf``, ``.terraform.lock.hcl`` and ``terragrunt.hcl``, read with a small HCL scanner.

The scanner knows what can hide a brace: ``#``, ``//`` and ``/* */`` comments, quoted strings with
``${ }``/``%{ }`` templates (which may hold strings of their own) and heredocs (``<<EOT``/``<<-EOT``). On
top of it a body reader builds blocks (``type "label" { ... }``) and attributes (``name = expression``),
keeping only what a dependency needs: string values and one level of object literals. Providers come
from ``required_providers`` (``hashicorp/aws``; the local name when no source is given) and from
``provider`` blocks whose source the file does not state; modules from ``module`` blocks (ecosystem
``terraform-module``, local paths skipped); the lock file lists providers as transitive, since it pins
whatever the configuration pulled in. An unclosed brace, string, heredoc or comment is a ``ManifestError``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from analyzer.errors import ManifestError
from analyzer.manifests import ParseContext
from analyzer.model import Dependency, ManifestResult, Scope

# Blanks, newline, line comments, identifiers, two-character operators, punctuation, runs of anything else.
_SIMPLE = re.compile(
    r"[ \t\r]+|\n|#[^\n]*|//[^\n]*|[A-Za-z_][A-Za-z0-9_-]*|==|=>|[{}\[\]()=,:]|[^\s\"{}\[\]()=,:#/<]+|."
)
_HEREDOC = re.compile(r"<<(-?)([A-Za-z_][A-Za-z0-9_-]*)[ \t\r]*\n")
_REGISTRIES = ("registry.terraform.io/", "registry.opentofu.org/")
_OPENERS = {"{": "}", "[": "]", "(": ")"}
_MAX_DEPTH = 64


@dataclass(frozen=True)
class _Token:
    kind: str
    """ident, string, newline, punct (one of {}[]()=,:), other or eof."""
    text: str
    line: int

    def punct(self, *texts: str) -> bool:
        """Whether this is one of the punctuation marks ``texts`` (a string "{" is not a brace)."""
        return self.kind == "punct" and self.text in texts


@dataclass(frozen=True)
class _Body:
    """Attributes (name -> (value, line)) and blocks of one HCL body."""

    attributes: dict[str, tuple[str | dict[str, str] | None, int]]
    blocks: tuple[_Block, ...]


@dataclass(frozen=True)
class _Block:
    type: str
    labels: tuple[str, ...]
    body: _Body
    line: int


# --- scanning --------------------------------------------------------------------------------------------


def _string(text: str, start: int, line: int, depth: int = 0) -> tuple[str, int, int]:
    """(value, index after the closing quote, line) of the quoted string opening at ``start``."""
    if depth > 8:
        raise ManifestError(f"line {line}: string templates nested too deeply")
    out: list[str] = []
    index, opened = start + 1, line
    while index < len(text):
        char = text[index]
        if char == '"':
            return "".join(out), index + 1, line
        if char == "\n":
            break  # a quoted string cannot span lines outside its templates
        if char == "\\" and index + 1 < len(text):
            out.append(text[index : index + 2])
            index += 2
        elif char in "$%" and text.startswith("{", index + 1):
            end, line = _template(text, index + 2, line, depth)
            out.append(text[index:end])
            index = end
        else:
            out.append(char)
            index += 1
    raise ManifestError(f"line {opened}: string is never closed")


def _template(text: str, index: int, line: int, depth: int) -> tuple[int, int]:
    """(index after the ``}``, line) of a ``${``/``%{`` template whose body starts at ``index``."""
    braces, opened = 1, line
    while index < len(text):
        char = text[index]
        if char == '"':
            _, index, line = _string(text, index, line, depth + 1)
            continue
        line += char == "\n"
        braces += (char == "{") - (char == "}")
        index += 1
        if braces == 0:
            return index, line
    raise ManifestError(f"line {opened}: template '${{' is never closed")


def _heredoc(text: str, match: re.Match[str], line: int) -> tuple[str, int, int]:
    """(body, index after the closing marker line, line) of a heredoc whose opener ``match`` found."""
    marker, index, body = match.group(2), match.end(), list[str]()
    while index < len(text):
        end = text.find("\n", index)
        end = len(text) if end < 0 else end
        current = text[index:end]
        if current.strip() == marker:
            return "\n".join(body), end, line + len(body) + 1
        body.append(current)
        index = end + 1
    raise ManifestError(f"line {line}: heredoc <<{marker} is never closed")


def _tokens(text: str) -> list[_Token]:
    out: list[_Token] = []
    index, line = 0, 1
    while index < len(text):
        char = text[index]
        if char == '"':
            value, index, end_line = _string(text, index, line)
            out.append(_Token("string", value, line))
            line = end_line
            continue
        if text.startswith("/*", index):
            end = text.find("*/", index + 2)
            if end < 0:
                raise ManifestError(f"line {line}: comment '/*' is never closed")
            line += text.count("\n", index, end)
            index = end + 2
            continue
        heredoc = _HEREDOC.match(text, index) if char == "<" else None
        if heredoc is not None:
            value, index, end_line = _heredoc(text, heredoc, line)
            out.append(_Token("string", value, line))
            line = end_line
            continue
        match = _SIMPLE.match(text, index)
        assert match is not None  # the last alternative matches any character
        word = match.group()
        index = match.end()
        if word == "\n":
            out.append(_Token("newline", word, line))
            line += 1
        elif word[0] in " \t\r#" or word.startswith("//"):
            continue
        elif word in ("{", "}", "[", "]", "(", ")", "=", ",", ":"):
            out.append(_Token("punct", word, line))
        else:
            out.append(_Token("ident" if word[0].isalpha() or word[0] == "_" else "other", word, line))
    out.append(_Token("eof", "", line))
    return out


# --- reading bodies ----------------------------------------------------------------------------------------


class _Reader:
    """Reads blocks and attributes from the token list; one instance per file."""

    def __init__(self, tokens: list[_Token]) -> None:
        self.tokens = tokens
        self.index = 0

    def peek(self) -> _Token:
        return self.tokens[self.index]

    def take(self) -> _Token:
        token = self.tokens[self.index]
        self.index += token.kind != "eof"
        return token

    def body(self, opened: _Token | None, depth: int = 0) -> _Body:
        """A body up to its ``}`` (or the end of the file for the top level, ``opened`` None)."""
        if depth > _MAX_DEPTH:
            raise ManifestError(f"line {self.peek().line}: blocks nested deeper than {_MAX_DEPTH}")
        attributes: dict[str, tuple[str | dict[str, str] | None, int]] = {}
        blocks: list[_Block] = []
        while True:
            token = self.take()
            if token.kind == "newline":
                continue
            if token.kind == "eof" or token.punct("}"):
                if opened is not None and token.kind == "eof":
                    raise ManifestError(f"the file ends before the block opened at line {opened.line} is closed")
                if opened is None and token.kind != "eof":
                    raise ManifestError(f"line {token.line}: unexpected '}}' outside any block")
                return _Body(attributes, tuple(blocks))
            if token.kind != "ident":
                raise ManifestError(f"line {token.line}: expected an attribute or block name, found {token.text!r}")
            if self.peek().punct("="):
                self.take()
                attributes.setdefault(token.text, (_value(self.expression()), token.line))
            else:
                blocks.append(self.block(token, depth))

    def block(self, name: _Token, depth: int) -> _Block:
        labels: list[str] = []
        while self.peek().kind in ("string", "ident"):
            labels.append(self.take().text)
        brace = self.take()
        if not brace.punct("{"):
            raise ManifestError(f"line {brace.line}: expected '{{' after block {name.text!r}, found {brace.text!r}")
        return _Block(name.text, tuple(labels), self.body(brace, depth + 1), name.line)

    def expression(self) -> list[_Token]:
        """Tokens of an attribute's value: up to a newline (or the body's ``}``) outside brackets."""
        out: list[_Token] = []
        stack: list[_Token] = []
        while True:
            token = self.peek()
            if token.kind == "eof":
                if stack:
                    raise ManifestError(f"line {stack[-1].line}: {stack[-1].text!r} is never closed")
                return out
            if not stack and (token.kind == "newline" or token.punct("}")):
                return out
            self.take()
            if token.punct("{", "[", "("):
                stack.append(token)
            elif token.punct(")", "]", "}") and (not stack or _OPENERS[stack[-1].text] != token.text):
                opened = f" ({stack[-1].text!r} of line {stack[-1].line} is still open)" if stack else ""
                raise ManifestError(f"line {token.line}: unexpected {token.text!r}{opened}")
            elif token.punct(")", "]", "}"):
                stack.pop()
            out.append(token)


def _value(tokens: list[_Token]) -> str | dict[str, str] | None:
    """A string literal, an object literal's string fields, or None for any other expression."""
    if len(tokens) == 1 and tokens[0].kind == "string":
        return tokens[0].text
    if not tokens or not tokens[0].punct("{"):
        return None
    fields: dict[str, str] = {}
    inner = tokens[1:-1]
    depth = 0
    for position, token in enumerate(inner):
        if token.punct("{", "[", "("):
            depth += 1
        elif token.punct("}", "]", ")"):
            depth -= 1
        elif depth == 0 and token.punct("=", ":") and 0 < position < len(inner) - 1:
            key, value = inner[position - 1], inner[position + 1]
            after = inner[position + 2] if position + 2 < len(inner) else None
            if value.kind == "string" and (after is None or after.kind == "newline" or after.punct(",")):
                fields.setdefault(key.text, value.text)
    return fields


# --- dependencies ------------------------------------------------------------------------------------------


def _provider_name(source: str) -> str:
    for prefix in _REGISTRIES:
        if source.lower().startswith(prefix):
            return source[len(prefix) :]
    return source


def _required_providers(body: _Body, path: str) -> list[tuple[str, Dependency]]:
    """(local name, dependency) of every ``terraform { required_providers { ... } }`` entry."""
    out: list[tuple[str, Dependency]] = []
    for block in body.blocks:
        for inner in (b for b in block.body.blocks if block.type == "terraform" and b.type == "required_providers"):
            for local, (value, line) in inner.body.attributes.items():
                if isinstance(value, dict):
                    name = _provider_name(value["source"]) if "source" in value else local
                    version = value.get("version", "")
                else:
                    name, version = local, value or ""  # Terraform 0.12 style: the value is the version
                out.append(
                    (
                        local,
                        Dependency(
                            ecosystem="terraform",
                            name=name,
                            version=version,
                            scope=Scope.RUNTIME,
                            direct=True,
                            path=path,
                            line=line,
                        ),
                    )
                )
    return out


def _module_source(source: str) -> tuple[str, str] | None:
    """(name, ref) of a module source; None for a local path."""
    if source.startswith(("./", "../", "/")) or not source:
        return None
    name, _, query = source.partition("?")
    ref = next((part[4:] for part in query.split("&") if part.startswith("ref=")), "")
    return name, ref


def _modules(body: _Body, path: str) -> list[Dependency]:
    deps = []
    for block in body.blocks:
        value, line = block.body.attributes.get("source", (None, block.line))
        terragrunt = block.type == "terraform" and path.rsplit("/", 1)[-1] == "terragrunt.hcl"
        if not isinstance(value, str) or not (block.type == "module" or terragrunt):
            continue
        found = _module_source(value)
        if found is not None:
            version, _ = block.body.attributes.get("version", (None, 0))
            deps.append(
                Dependency(
                    ecosystem="terraform-module",
                    name=found[0],
                    version=version if isinstance(version, str) else found[1],
                    scope=Scope.RUNTIME,
                    direct=True,
                    path=path,
                    line=line,
                )
            )
    return deps


def parse_tf(path: str, text: str, ctx: ParseContext) -> ManifestResult:
    """Providers and modules of a Terraform configuration file (or the module source of a terragrunt.hcl)."""
    body = _Reader(_tokens(text)).body(None)
    required = _required_providers(body, path)
    known = {local for local, _ in required}
    deps = [dep for _, dep in required]
    for block in body.blocks:
        if block.type == "provider" and len(block.labels) == 1 and block.labels[0] not in known:
            known.add(block.labels[0])
            deps.append(
                Dependency(
                    ecosystem="terraform",
                    name=block.labels[0],
                    version="",
                    scope=Scope.RUNTIME,
                    direct=True,
                    path=path,
                    line=block.line,
                )
            )
    deps += _modules(body, path)
    return ManifestResult(dependencies=tuple(sorted(deps, key=lambda d: d.line)))


def parse_terraform_lock(path: str, text: str, ctx: ParseContext) -> ManifestResult:
    """Providers pinned by ``.terraform.lock.hcl``: transitive, as a lockfile's entries are."""
    deps = []
    for block in _Reader(_tokens(text)).body(None).blocks:
        if block.type != "provider" or len(block.labels) != 1:
            continue
        version, _ = block.body.attributes.get("version", (None, 0))
        deps.append(
            Dependency(
                ecosystem="terraform",
                name=_provider_name(block.labels[0]),
                version=version if isinstance(version, str) else "",
                scope=Scope.RUNTIME,
                direct=False,
                path=path,
                line=block.line,
            )
        )
    return ManifestResult(dependencies=tuple(deps))
