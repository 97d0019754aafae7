"""Rust manifests: ``Cargo.toml``, ``Cargo.lock`` and ``.cargo/config.toml``.

Values come from ``tomllib``; since it keeps no positions, a light line index of our own maps each
table header and each key inside a table to its line, so every dependency gets a real line number.
Besides crates, the parsers report build targets as dependencies of the ``target`` ecosystem (a
``[target.'cfg(...)'.dependencies]`` table, ``build.target`` in the Cargo config, a ``cdylib`` crate
type, wasm-pack metadata): rules then see WebAssembly, embedded and FFI builds with the same matching
they use for crates.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from analyzer.errors import ManifestError
from analyzer.manifests import ParseContext
from analyzer.manifests._read.tomldoc import load_toml
from analyzer.model import Dependency, ManifestResult, Scope

_KINDS: dict[str, Scope] = {
    "dependencies": Scope.RUNTIME,
    "dev-dependencies": Scope.DEV,
    "dev_dependencies": Scope.DEV,
    "build-dependencies": Scope.BUILD,
    "build_dependencies": Scope.BUILD,
}
_FFI_CRATE_TYPES = ("cdylib", "staticlib")
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


def _read_key(s: str, i: int) -> tuple[tuple[str, ...], int] | None:
    """Parse a dotted TOML key starting at s[i]; its parts and the index after it, or None."""
    parts: list[str] = []
    n = len(s)
    while True:
        while i < n and s[i] in " \t":
            i += 1
        if i < n and s[i] in "\"'":
            end = s.find(s[i], i + 1)
            if end < 0:
                return None
            parts.append(s[i + 1 : end])
            i = end + 1
        else:
            match = _BARE_KEY.match(s, i)
            if match is None:
                return None
            parts.append(match.group())
            i = match.end()
        while i < n and s[i] in " \t":
            i += 1
        if i < n and s[i] == ".":
            i += 1
            continue
        return tuple(parts), i


@dataclass(frozen=True)
class _Index:
    """Positions in a TOML text, built in one pass so every lookup is a dict access."""

    heads: tuple[tuple[tuple[str, ...], int], ...]
    """(table path, 1-based header line) of each header in order; entry 0 is the root table (line 0)."""
    by_path: dict[tuple[str, ...], list[int]]
    """Table path -> positions in ``heads`` (several for ``[[array]]`` tables)."""
    prefixes: dict[tuple[str, ...], int]
    """Path prefix (up to 4 parts) -> line of the first header under it."""
    keys: dict[tuple[int, str], int]
    """(position in ``heads``, first part of a key assigned in that table) -> 1-based line."""

    @classmethod
    def build(cls, text: str) -> _Index:
        heads: list[tuple[tuple[str, ...], int]] = [((), 0)]
        keys: dict[tuple[int, str], int] = {}
        for lineno, raw in enumerate(text.splitlines(), start=1):
            stripped = raw.lstrip()
            double = stripped.startswith("[[")
            parsed = _read_key(stripped, 2 if double else 1 if stripped.startswith("[") else 0)
            if parsed is None:
                continue
            key, end = parsed
            tail = stripped[end:].split("#", 1)[0].strip()
            if stripped.startswith("[") and tail == ("]]" if double else "]"):
                heads.append((key, lineno))
            elif not stripped.startswith("[") and tail.startswith("="):
                keys.setdefault((len(heads) - 1, key[0]), lineno)
        by_path: dict[tuple[str, ...], list[int]] = {}
        prefixes: dict[tuple[str, ...], int] = {}
        for number, (head, line) in enumerate(heads):
            by_path.setdefault(head, []).append(number)
            for size in range(1, min(len(head), 4) + 1):
                prefixes.setdefault(head[:size], line)
        return cls(tuple(heads), by_path, prefixes, keys)

    def key(self, path: tuple[str, ...], key: str) -> int:
        """Line of ``key`` in the table at ``path``, or of a ``[path.key]`` header; 0 if not found."""
        own = self.by_path.get((*path, key))
        if own:
            return self.heads[own[0]][1]
        return next((self.keys[(n, key)] for n in self.by_path.get(path, []) if (n, key) in self.keys), 0)

    def header(self, prefix: tuple[str, ...]) -> int:
        """Line of the first header starting with ``prefix``, 0 if none."""
        return self.prefixes.get(prefix, 0)


def _version_of(spec: object) -> str:
    """Version text of one dependency value: a requirement, ``workspace``, or where it comes from."""
    if isinstance(spec, str):
        return spec
    if not isinstance(spec, dict):
        raise ManifestError(f"dependency value must be a string or a table, not {type(spec).__name__}")
    if spec.get("workspace") is True:
        return "workspace"
    if isinstance(spec.get("version"), str):
        return str(spec["version"])
    for source in ("git", "path", "registry"):
        if isinstance(spec.get(source), str):
            return f"{source}:{spec[source]}"
    return ""


def _crates(table: object, where: tuple[str, ...], scope: Scope, path: str, index: _Index) -> Iterator[Dependency]:
    """One Dependency per entry of a dependency table, following ``package = "..."`` renames."""
    if not isinstance(table, dict):
        raise ManifestError(f"[{'.'.join(where)}] must be a table")
    for key, spec in table.items():
        name = spec.get("package", key) if isinstance(spec, dict) else key
        line = index.key(where, key)
        yield Dependency(
            ecosystem="cargo", name=str(name), version=_version_of(spec), scope=scope, direct=True, path=path, line=line
        )


def _target_deps(doc: dict[str, Any], path: str, index: _Index) -> Iterator[Dependency]:
    targets = doc.get("target", {})
    if not isinstance(targets, dict):
        raise ManifestError("[target] must be a table of targets")
    for triple, body in targets.items():
        if not isinstance(body, dict):
            raise ManifestError(f"[target.{triple}] must be a table")
        for kind, scope in _KINDS.items():
            if kind not in body:
                continue
            where = ("target", triple, kind)
            line = index.header(where) or index.key(("target", triple), kind) or index.key(("target",), triple)
            yield Dependency(
                ecosystem="target", name=triple, version="", scope=scope, direct=True, path=path, line=line
            )
            yield from _crates(body[kind], where, scope, path, index)


def _crate_type_deps(doc: dict[str, Any], path: str, index: _Index) -> Iterator[Dependency]:
    lib = doc.get("lib", {})
    types = lib.get("crate-type", lib.get("crate_type", [])) if isinstance(lib, dict) else []
    for kind in _FFI_CRATE_TYPES:
        if isinstance(types, list) and kind in types:
            line = index.header(("lib",)) or index.key((), "lib")
            yield Dependency(
                ecosystem="target", name=kind, version="", scope=Scope.RUNTIME, direct=True, path=path, line=line
            )
    metadata = doc.get("package", {}).get("metadata", {}) if isinstance(doc.get("package"), dict) else {}
    if isinstance(metadata, dict) and "wasm-pack" in metadata:
        where = ("package", "metadata", "wasm-pack")
        line = index.header(where) or index.key(where[:2], where[2])
        yield Dependency(
            ecosystem="target", name="wasm-pack", version="", scope=Scope.BUILD, direct=True, path=path, line=line
        )


def parse_cargo_toml(path: str, text: str, ctx: ParseContext) -> ManifestResult:
    """Crates, target tables, FFI crate types and workspace members of a Cargo.toml."""
    del ctx
    doc = load_toml(text, "Cargo.toml")
    index = _Index.build(text)
    deps: list[Dependency] = []
    for kind, scope in _KINDS.items():
        if kind in doc:
            deps.extend(_crates(doc[kind], (kind,), scope, path, index))
    deps.extend(_target_deps(doc, path, index))
    deps.extend(_crate_type_deps(doc, path, index))
    workspace = doc.get("workspace", {})
    if not isinstance(workspace, dict):
        raise ManifestError("[workspace] must be a table")
    if "dependencies" in workspace:
        where = ("workspace", "dependencies")
        deps.extend(_crates(workspace["dependencies"], where, Scope.RUNTIME, path, index))
    members = workspace.get("members", [])
    if not isinstance(members, list) or not all(isinstance(m, str) for m in members):
        raise ManifestError("[workspace] members must be a list of strings")
    return ManifestResult(dependencies=tuple(deps), workspace_members=tuple(members))


def parse_cargo_lock(path: str, text: str, ctx: ParseContext) -> ManifestResult:
    """Every registry or git crate pinned in a Cargo.lock, all marked transitive."""
    del ctx
    doc = load_toml(text, "Cargo.lock")
    packages = doc.get("package", [])
    if not isinstance(packages, list):
        raise ManifestError("Cargo.lock: 'package' must be an array of tables")
    index = _Index.build(text)
    # the n-th [[package]] header holds the n-th package; its name line, else the header line
    name_lines = [index.keys.get((n, "name"), index.heads[n][1]) for n in index.by_path.get(("package",), [])]
    deps: list[Dependency] = []
    for number, package in enumerate(packages):
        if not isinstance(package, dict) or not isinstance(package.get("name"), str):
            raise ManifestError(f"Cargo.lock: package #{number + 1} has no name")
        if "source" not in package:
            continue  # the workspace's own crates (and local path crates) are not third-party deps
        line = name_lines[number] if number < len(name_lines) else 0
        version = str(package.get("version", ""))
        deps.append(
            Dependency(
                ecosystem="cargo",
                name=package["name"],
                version=version,
                scope=Scope.RUNTIME,
                direct=False,
                path=path,
                line=line,
            )
        )
    return ManifestResult(dependencies=tuple(deps))


def parse_cargo_config(path: str, text: str, ctx: ParseContext) -> ManifestResult:
    """Build targets named in ``.cargo/config.toml``: ``[build] target`` and ``[target.<triple>]`` tables."""
    del ctx
    doc = load_toml(text, "Cargo config")
    index = _Index.build(text)
    deps: list[Dependency] = []
    build = doc.get("build", {})
    target = build.get("target") if isinstance(build, dict) else None
    triples = [target] if isinstance(target, str) else target if isinstance(target, list) else []
    line = index.key(("build",), "target") or index.key((), "build")
    for triple in triples:
        if not isinstance(triple, str):
            raise ManifestError("[build] target must be a string or a list of strings")
        deps.append(
            Dependency(
                ecosystem="target", name=triple, version="", scope=Scope.RUNTIME, direct=True, path=path, line=line
            )
        )
    targets = doc.get("target", {})
    if not isinstance(targets, dict):
        raise ManifestError("[target] must be a table of targets")
    for triple in targets:
        line = index.header(("target", triple)) or index.key(("target",), triple) or index.key((), "target")
        deps.append(
            Dependency(
                ecosystem="target", name=triple, version="", scope=Scope.RUNTIME, direct=True, path=path, line=line
            )
        )
    return ManifestResult(dependencies=tuple(deps))
