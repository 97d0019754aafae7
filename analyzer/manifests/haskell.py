"""Haskell manifests: Cabal package descriptions (``*.cabal``) and Stack's ``stack.yaml`` (ecosystem ``hackage``).

A ``.cabal`` file is a layout-sensitive list of fields grouped in stanzas. It is read line by line: a
line at column 0 opens a stanza (library, executable, test-suite, ...) or is a top-level field, and a
field's value runs on while the following lines are indented deeper. ``build-depends`` values are
comma lists that may span lines; each entry gets the line it starts on. Stanza kinds give the scope:
test suites and benchmarks are test code, ``custom-setup`` and build tools are build-time. The
package's own name is skipped (an executable depending on its library is not a third-party use).
``stack.yaml`` lists ``extra-deps`` (as ``name-version``, ``name-version@sha256:...`` or a git source)
and the local ``packages`` that make up the project, which become workspace members.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import yaml

from analyzer.errors import ManifestError
from analyzer.manifests import ParseContext
from analyzer.manifests._read import yamldoc
from analyzer.model import Dependency, ManifestResult, Scope

_HACKAGE = "hackage"
_FIELD = re.compile(r"^(\s*)([A-Za-z][A-Za-z0-9_-]*)\s*:(.*)$")
_STANZAS = {
    "library": Scope.RUNTIME,
    "executable": Scope.RUNTIME,
    "foreign-library": Scope.RUNTIME,
    "common": Scope.RUNTIME,
    "test-suite": Scope.TEST,
    "benchmark": Scope.TEST,
    "custom-setup": Scope.BUILD,
    "flag": Scope.RUNTIME,
    "source-repository": Scope.RUNTIME,
}
_DEPENDS = {"build-depends": None, "setup-depends": Scope.BUILD, "build-tool-depends": Scope.BUILD}
_ENTRY = re.compile(r"^([A-Za-z0-9][A-Za-z0-9_-]*)(?::(?:[A-Za-z0-9_-]+|\{[^}]*\}))?\s*(.*)$", re.DOTALL)
_PACKAGE_ID = re.compile(r"^([A-Za-z0-9][A-Za-z0-9-]*?)-(\d+(?:\.\d+)*)(?:@.*)?$")


@dataclass(frozen=True)
class _Field:
    """One ``build-depends``-like field: its scope and (line, text) of each of its physical lines."""

    scope: Scope
    parts: tuple[tuple[int, str], ...]


def _strip_comment(line: str) -> str:
    """Cabal comments are whole lines starting with ``--``; anything else is kept as written."""
    return "" if line.lstrip().startswith("--") else line


def _fields(text: str) -> Iterator[_Field]:
    """The dependency fields of a .cabal text, with the scope of the stanza around each."""
    scope = Scope.RUNTIME
    lines = [_strip_comment(raw.expandtabs(8)).rstrip() for raw in text.splitlines()]
    number = 0
    while number < len(lines):
        line, number = lines[number], number + 1
        if not line.strip():
            continue
        field = _FIELD.match(line)
        if not line[0].isspace() and field is None:
            keyword = line.split()[0].lower()
            if keyword not in _STANZAS:
                raise ManifestError(f"line {number}: expected a field or a section, found {line.strip()[:40]!r}")
            scope = _STANZAS[keyword]
            continue
        if field is None:
            continue  # a conditional (if / else) inside a stanza
        indent = len(field.group(1))
        parts = [(number, field.group(3))]
        # every field, free text such as description included, runs on while lines are indented deeper
        while number < len(lines) and (not lines[number].strip() or _indent(lines[number]) > indent):
            if lines[number].strip():
                parts.append((number + 1, lines[number]))
            number += 1
        kind = field.group(2).lower()
        if kind in _DEPENDS:
            yield _Field(_DEPENDS[kind] or scope, tuple(parts))


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _entries(parts: tuple[tuple[int, str], ...]) -> Iterator[tuple[int, str]]:
    """(line, text) of each comma-separated entry; commas inside ``{...}`` do not separate.

    One pass: whether the entry has text yet is a flag, not a join of the entry so far per character
    (that made a 15,000-tab continuation line take 48 s).
    """
    current: list[str] = []
    start, depth, seen = 0, 0, False
    for line, text in parts:
        for char in text:
            if char == "," and depth == 0:
                if seen:
                    yield start, " ".join("".join(current).split())
                current, seen = [], False
                continue
            depth += {"{": 1, "}": -1}.get(char, 0)
            if not seen:
                start = line
                seen = not char.isspace()
            current.append(char)
        current.append(" ")
    if seen:
        yield start, " ".join("".join(current).split())


def _own_name(text: str) -> str:
    match = re.search(r"^name\s*:\s*(\S+)", text, re.MULTILINE | re.IGNORECASE)
    return match.group(1).lower() if match else ""


def parse_cabal(path: str, text: str, ctx: ParseContext) -> ManifestResult:
    """build-depends of every stanza of a .cabal file, plus setup-depends and build-tool-depends."""
    del ctx
    own = _own_name(text)
    deps: list[Dependency] = []
    for field in _fields(text):
        for line, entry in _entries(field.parts):
            match = _ENTRY.match(entry)
            if match is None:
                raise ManifestError(f"line {line}: dependency {entry[:40]!r} does not start with a package name")
            name, version = match.group(1), match.group(2).strip()
            if name.lower() == own:
                continue
            deps.append(
                Dependency(
                    ecosystem=_HACKAGE, name=name, version=version, scope=field.scope, direct=True, path=path, line=line
                )
            )
    return ManifestResult(dependencies=tuple(deps))


# --- stack.yaml ---------------------------------------------------------------------------------


def _extra_dep(node: yaml.Node) -> tuple[str, str] | None:
    """(name, version) of one extra-deps entry; None for a local or archive source with no name."""
    text = yamldoc.scalar(node)
    if text is not None:
        package = _PACKAGE_ID.match(text.strip())
        if package:
            return package.group(1), package.group(2)
        if "/" in text or text.endswith((".tar.gz", ".zip")):
            return None  # a local directory or an archive URL: no package name to report
        raise ManifestError(f"line {node.start_mark.line + 1}: extra-dep {text!r} is not name-version")
    if not isinstance(node, yaml.MappingNode):
        raise ManifestError(f"line {node.start_mark.line + 1}: extra-deps entries must be strings or mappings")
    fields = {key: yamldoc.scalar(value) for key, _, value in yamldoc.entries(node, "extra-dep")}
    for source in ("github", "git"):
        where = fields.get(source)
        if where:
            return re.split(r"[/:]", where.rstrip("/"))[-1].removesuffix(".git"), f"{source}:{where}"
    return None


def _list(root: yaml.Node, key: str) -> list[yaml.Node]:
    value = next((v for k, _, v in yamldoc.entries(root, "stack.yaml") if k == key), None)
    if value is None or yamldoc.scalar(value) == "":
        return []
    if not isinstance(value, yaml.SequenceNode):
        raise ManifestError(f"line {value.start_mark.line + 1}: {key} must be a list")
    return list(value.value)


def parse_stack_yaml(path: str, text: str, ctx: ParseContext) -> ManifestResult:
    """``extra-deps`` of a stack.yaml (direct, runtime) and its local ``packages`` as workspace members."""
    del ctx
    root = yamldoc.compose(text, "stack.yaml")
    if root is None:
        return ManifestResult()
    deps: list[Dependency] = []
    for node in _list(root, "extra-deps"):
        found = _extra_dep(node)
        if found is not None:
            deps.append(
                Dependency(
                    ecosystem=_HACKAGE,
                    name=found[0],
                    version=found[1],
                    scope=Scope.RUNTIME,
                    direct=True,
                    path=path,
                    line=node.start_mark.line + 1,
                )
            )
    members = tuple(m for m in (yamldoc.scalar(n) for n in _list(root, "packages")) if m and m != ".")
    return ManifestResult(dependencies=tuple(deps), workspace_members=members)
