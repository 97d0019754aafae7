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
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from analyzer.errors import ManifestError
from analyzer.manifests import ParseContext
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


def _load(text: str, filename: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ManifestError(f"invalid TOML in {filename}: {exc}") from exc
    except RecursionError as exc:
        raise ManifestError(f"{filename} is nested too deeply to read") from exc


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
class _Table:
    """A table header and the lines its body spans (0-based, end exclusive)."""

    path: tuple[str, ...]
    line: int
    start: int
    end: int


def _tables(lines: list[str]) -> list[_Table]:
    """Every ``[table]`` / ``[[array]]`` header in order, plus the root table (path ())."""
    heads: list[tuple[tuple[str, ...], int]] = [((), 0)]
    for idx, raw in enumerate(lines):
        stripped = raw.lstrip()
        if not stripped.startswith("["):
            continue
        double = stripped.startswith("[[")
        parsed = _read_key(stripped, 2 if double else 1)
        if parsed is None:
            continue
        key, end = parsed
        tail = stripped[end:].split("#", 1)[0].strip()
        if tail == ("]]" if double else "]"):
            heads.append((key, idx + 1))
    bounds = [line for _, line in heads[1:]] + [len(lines) + 1]
    return [_Table(key, line, line, bounds[i] - 1) for i, (key, line) in enumerate(heads)]


def _key_line(lines: list[str], tables: list[_Table], path: tuple[str, ...], key: str) -> int:
    """Line of ``key`` inside the table at ``path`` (or of a ``[path.key]`` header), 0 if not found."""
    for table in tables:
        if table.path == (*path, key):
            return table.line
        if table.path != path:
            continue
        for idx in range(table.start, table.end):
            parsed = _read_key(lines[idx], 0)
            if parsed is not None and parsed[0][0] == key and lines[idx][parsed[1] :].startswith("="):
                return idx + 1
    return 0


def _header_line(tables: list[_Table], prefix: tuple[str, ...]) -> int:
    """Line of the first header starting with ``prefix``, 0 if none."""
    return next((t.line for t in tables if t.path[: len(prefix)] == prefix and t.line), 0)


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


def _crates(
    table: object, where: tuple[str, ...], scope: Scope, path: str, lines: list[str], tables: list[_Table]
) -> Iterator[Dependency]:
    """One Dependency per entry of a dependency table, following ``package = "..."`` renames."""
    if not isinstance(table, dict):
        raise ManifestError(f"[{'.'.join(where)}] must be a table")
    for key, spec in table.items():
        name = spec.get("package", key) if isinstance(spec, dict) else key
        line = _key_line(lines, tables, where, key)
        yield Dependency("cargo", str(name), _version_of(spec), scope, True, path, line)


def _target_deps(doc: dict[str, Any], path: str, lines: list[str], tables: list[_Table]) -> Iterator[Dependency]:
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
            line = _header_line(tables, where) or _key_line(lines, tables, ("target", triple), kind)
            yield Dependency("target", triple, "", scope, True, path, line)
            yield from _crates(body[kind], where, scope, path, lines, tables)


def _crate_type_deps(doc: dict[str, Any], path: str, tables: list[_Table]) -> Iterator[Dependency]:
    lib = doc.get("lib", {})
    types = lib.get("crate-type", lib.get("crate_type", [])) if isinstance(lib, dict) else []
    for kind in _FFI_CRATE_TYPES:
        if isinstance(types, list) and kind in types:
            yield Dependency("target", kind, "", Scope.RUNTIME, True, path, _header_line(tables, ("lib",)))
    metadata = doc.get("package", {}).get("metadata", {}) if isinstance(doc.get("package"), dict) else {}
    if isinstance(metadata, dict) and "wasm-pack" in metadata:
        line = _header_line(tables, ("package", "metadata", "wasm-pack"))
        yield Dependency("target", "wasm-pack", "", Scope.BUILD, True, path, line)


def parse_cargo_toml(path: str, text: str, ctx: ParseContext) -> ManifestResult:
    """Crates, target tables, FFI crate types and workspace members of a Cargo.toml."""
    del ctx
    doc = _load(text, "Cargo.toml")
    lines = text.splitlines()
    tables = _tables(lines)
    deps: list[Dependency] = []
    for kind, scope in _KINDS.items():
        if kind in doc:
            deps.extend(_crates(doc[kind], (kind,), scope, path, lines, tables))
    deps.extend(_target_deps(doc, path, lines, tables))
    deps.extend(_crate_type_deps(doc, path, tables))
    workspace = doc.get("workspace", {})
    if not isinstance(workspace, dict):
        raise ManifestError("[workspace] must be a table")
    if "dependencies" in workspace:
        where = ("workspace", "dependencies")
        deps.extend(_crates(workspace["dependencies"], where, Scope.RUNTIME, path, lines, tables))
    members = workspace.get("members", [])
    if not isinstance(members, list) or not all(isinstance(m, str) for m in members):
        raise ManifestError("[workspace] members must be a list of strings")
    return ManifestResult(dependencies=tuple(deps), workspace_members=tuple(members))


def _array_table_lines(lines: list[str], tables: list[_Table], name: str) -> list[int]:
    """For each ``[[name]]`` block in order, the line of its ``name =`` key (or of its header)."""
    found: list[int] = []
    for table in tables:
        if table.path == (name,):
            found.append(_key_line(lines, [table], (name,), "name") or table.line)
    return found


def parse_cargo_lock(path: str, text: str, ctx: ParseContext) -> ManifestResult:
    """Every registry or git crate pinned in a Cargo.lock, all marked transitive."""
    del ctx
    doc = _load(text, "Cargo.lock")
    packages = doc.get("package", [])
    if not isinstance(packages, list):
        raise ManifestError("Cargo.lock: 'package' must be an array of tables")
    lines = text.splitlines()
    name_lines = _array_table_lines(lines, _tables(lines), "package")
    deps: list[Dependency] = []
    for index, package in enumerate(packages):
        if not isinstance(package, dict) or not isinstance(package.get("name"), str):
            raise ManifestError(f"Cargo.lock: package #{index + 1} has no name")
        if "source" not in package:
            continue  # the workspace's own crates (and local path crates) are not third-party deps
        line = name_lines[index] if index < len(name_lines) else 0
        version = str(package.get("version", ""))
        deps.append(Dependency("cargo", package["name"], version, Scope.RUNTIME, False, path, line))
    return ManifestResult(dependencies=tuple(deps))


def parse_cargo_config(path: str, text: str, ctx: ParseContext) -> ManifestResult:
    """Build targets named in ``.cargo/config.toml``: ``[build] target`` and ``[target.<triple>]`` tables."""
    del ctx
    doc = _load(text, "Cargo config")
    lines = text.splitlines()
    tables = _tables(lines)
    deps: list[Dependency] = []
    build = doc.get("build", {})
    target = build.get("target") if isinstance(build, dict) else None
    triples = [target] if isinstance(target, str) else target if isinstance(target, list) else []
    line = _key_line(lines, tables, ("build",), "target") if triples else 0
    for triple in triples:
        if not isinstance(triple, str):
            raise ManifestError("[build] target must be a string or a list of strings")
        deps.append(Dependency("target", triple, "", Scope.RUNTIME, True, path, line))
    targets = doc.get("target", {})
    if not isinstance(targets, dict):
        raise ManifestError("[target] must be a table of targets")
    for triple in targets:
        line = _header_line(tables, ("target", triple)) or _key_line(lines, tables, (), "target")
        deps.append(Dependency("target", triple, "", Scope.RUNTIME, True, path, line))
    return ManifestResult(dependencies=tuple(deps))
