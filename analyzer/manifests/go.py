"""Go manifests: ``go.mod`` and ``go.work``, read with a small line lexer of our own.

The files are line oriented: a directive is either one line (``require a v1``) or a parenthesised
block whose lines each carry the directive's arguments. Tokens are bare words or quoted strings, and
``//`` starts a comment anywhere outside quotes; an ``// indirect`` comment on a requirement marks it as
transitive. ``replace`` directives are applied to the requirements they name rather than reported as
dependencies of their own, so a rule still sees the module the code imports, with the replacement
noted in its version (``v1.2.0 => ../fork``). Anything the Go tool itself would reject (an unknown
directive, an unclosed block or quote, a requirement without a version) raises ``ManifestError``.
"""

from __future__ import annotations

from dataclasses import dataclass

from analyzer.errors import ManifestError
from analyzer.manifests import ParseContext
from analyzer.model import Dependency, ManifestResult, Scope

_GO_MOD_DIRECTIVES = frozenset(
    {"module", "go", "toolchain", "godebug", "require", "exclude", "replace", "retract", "tool", "ignore"}
)
_GO_WORK_DIRECTIVES = frozenset({"go", "toolchain", "godebug", "use", "replace"})


@dataclass(frozen=True)
class _Line:
    """One directive occurrence: its verb, its argument tokens and what its comment said."""

    verb: str
    args: tuple[str, ...]
    comment: str
    line: int


def _tokenize(raw: str, lineno: int) -> tuple[list[str], str]:
    """Split one physical line into tokens and the trailing comment text."""
    tokens: list[str] = []
    i, n = 0, len(raw)
    while i < n:
        ch = raw[i]
        if ch in " \t\r":
            i += 1
        elif raw.startswith("//", i):
            return tokens, raw[i + 2 :].strip()
        elif ch in "()":
            tokens.append(ch)
            i += 1
        elif ch in '"`':
            end = raw.find(ch, i + 1)
            # Interpreted strings may escape a quote; raw (backquoted) strings cannot.
            while ch == '"' and end > 0 and raw[end - 1] == "\\":
                end = raw.find(ch, end + 1)
            if end < 0:
                raise ManifestError(f"unterminated quoted string at line {lineno}")
            tokens.append(raw[i + 1 : end])
            i = end + 1
        else:
            j = i
            while j < n and raw[j] not in ' \t\r"`()' and not raw.startswith("//", j):
                j += 1
            tokens.append(raw[i:j])
            i = j
    return tokens, ""


def _directives(text: str, allowed: frozenset[str], filename: str) -> list[_Line]:
    """Flatten single-line and block directives into one list, checking the verbs."""
    out: list[_Line] = []
    block: str | None = None
    block_line = 0
    for lineno, raw in enumerate(text.splitlines(), start=1):
        tokens, comment = _tokenize(raw, lineno)
        if not tokens:
            continue
        if block is not None:
            if tokens == [")"]:
                block = None
            else:
                out.append(_Line(block, tuple(tokens), comment, lineno))
            continue
        verb = tokens[0]
        if verb not in allowed:
            raise ManifestError(f"unknown directive {verb!r} in {filename} at line {lineno}")
        if tokens[1:] == ["("]:
            block, block_line = verb, lineno
        elif tokens[1:] == ["(", ")"]:
            continue
        else:
            out.append(_Line(verb, tuple(tokens[1:]), comment, lineno))
    if block is not None:
        raise ManifestError(f"{block} block opened at line {block_line} is never closed")
    return out


def _is_indirect(comment: str) -> bool:
    return comment == "indirect" or comment.startswith("indirect;")


def _parse_replace(item: _Line) -> tuple[str, str, str]:
    """(old module, old version or "", replacement text) of one replace line."""
    args = item.args
    if "=>" not in args:
        raise ManifestError(f"replace without '=>' at line {item.line}")
    arrow = args.index("=>")
    old, new = args[:arrow], args[arrow + 1 :]
    if len(old) not in (1, 2) or len(new) not in (1, 2):
        raise ManifestError(f"malformed replace at line {item.line}")
    target = new[0] if len(new) == 1 else f"{new[0]}@{new[1]}"
    return old[0], old[1] if len(old) == 2 else "", target


def _replacements(items: list[_Line]) -> dict[tuple[str, str], str]:
    """Map (module, version or "") to the replacement target, as the Go tool applies them."""
    return {(old, ver): target for old, ver, target in (_parse_replace(i) for i in items if i.verb == "replace")}


def parse_go_mod(path: str, text: str, ctx: ParseContext) -> ManifestResult:
    """Requirements of a go.mod, with ``// indirect`` ones marked transitive and replacements noted."""
    del ctx  # go.mod never includes other files
    items = _directives(text, _GO_MOD_DIRECTIVES, "go.mod")
    replaced = _replacements(items)
    deps: list[Dependency] = []
    for item in items:
        if item.verb != "require":
            continue
        if len(item.args) != 2:
            raise ManifestError(f"require needs a module path and a version at line {item.line}")
        name, version = item.args
        target = replaced.get((name, version)) or replaced.get((name, ""))
        if target is not None:
            version = f"{version} => {target}"
        deps.append(
            Dependency(
                ecosystem="go",
                name=name,
                version=version,
                scope=Scope.RUNTIME,
                direct=not _is_indirect(item.comment),
                path=path,
                line=item.line,
            )
        )
    return ManifestResult(dependencies=tuple(deps))


def parse_go_work(path: str, text: str, ctx: ParseContext) -> ManifestResult:
    """Workspace members (``use``) of a go.work; its replacements as transitive dependencies."""
    del ctx
    items = _directives(text, _GO_WORK_DIRECTIVES, "go.work")
    members: list[str] = []
    deps: list[Dependency] = []
    for item in items:
        if item.verb == "use":
            if len(item.args) != 1:
                raise ManifestError(f"use needs exactly one directory at line {item.line}")
            members.append(item.args[0])
        elif item.verb == "replace":
            old, ver, target = _parse_replace(item)
            version = f"{ver} => {target}" if ver else f"=> {target}"
            # A workspace replace requires nothing by itself: it only redirects what members require.
            deps.append(
                Dependency(
                    ecosystem="go",
                    name=old,
                    version=version,
                    scope=Scope.RUNTIME,
                    direct=False,
                    path=path,
                    line=item.line,
                )
            )
    return ManifestResult(dependencies=tuple(deps), workspace_members=tuple(members))
