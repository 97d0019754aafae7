"""JavaScript / TypeScript manifests: package.json and the npm, Yarn (classic and Berry) and pnpm lockfiles.

JSON is read with the standard library (a file nested deeply enough to exhaust recursion is reported,
not fatal) and YAML with PyYAML's safe loader. Neither keeps positions, so line numbers come from a
separate pass over the text: a token scan of package.json that tracks object nesting, and line indexes
of the lockfiles' entry keys. ``yarn.lock`` has no library reader at all: its classic format is not
quite YAML, so a small line parser reads both flavours. Lockfile entries are transitive
(``direct=False``) unless the lockfile itself says a project declares them, as pnpm's importers do.
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Iterator
from typing import Any

from analyzer.errors import ManifestError
from analyzer.manifests import ParseContext
from analyzer.manifests._read import yamldoc
from analyzer.manifests._read.jsondoc import load_json_object
from analyzer.model import Dependency, ManifestResult, Scope

_SECTIONS: tuple[tuple[str, Scope], ...] = (
    ("dependencies", Scope.RUNTIME),
    ("devDependencies", Scope.DEV),
    ("peerDependencies", Scope.RUNTIME),
    ("optionalDependencies", Scope.RUNTIME),
)
_TOKEN = re.compile(r'"[^"\\\n]*(?:\\.[^"\\\n]*)*"|[{}\[\]:\n]')
_LOCK_KEY = re.compile(r'^[ \t]*"([^"\\]*(?:\\.[^"\\]*)*)"\s*:\s*\{', re.MULTILINE)
_LOCAL_PROTOCOLS = ("workspace:", "link:", "portal:", "file:", "patch:")


def _key_lines(text: str) -> dict[tuple[str, ...], int]:
    """Line of each top-level key and of each key one level below it, first occurrence wins."""
    found: dict[tuple[str, ...], int] = {}
    stack: list[str | None] = []
    line, last = 1, ""
    pending: str | None = None
    for match in _TOKEN.finditer(text):
        token = match.group()
        if token == "\n":
            line += 1
        elif token.startswith('"'):
            last = json.loads(token) if "\\" in token else token[1:-1]
        elif token == ":":
            pending = last
            if 1 <= len(stack) <= 2:
                found.setdefault((*[k or "" for k in stack[1:]], last), line)
        elif token in "{[":
            stack.append(pending)
            pending = None
        elif stack:
            stack.pop()
    return found


def parse_package_json(path: str, text: str, ctx: ParseContext) -> ManifestResult:
    """Declared dependencies of every kind and the workspaces of a package.json."""
    del ctx
    data = load_json_object(text, "package.json")
    lines = _key_lines(text)
    deps: list[Dependency] = []
    seen: set[str] = set()
    for section, scope in _SECTIONS:
        table = data.get(section, {})
        if not isinstance(table, dict):
            raise ManifestError(f"package.json: {section!r} must be an object of name: version")
        for name, version in table.items():
            line = lines.get((section, name)) or lines.get((section,), 0)
            deps.append(
                Dependency(
                    ecosystem="npm",
                    name=name,
                    version=version if isinstance(version, str) else "",
                    scope=scope,
                    direct=True,
                    path=path,
                    line=line,
                )
            )
            seen.add(name)
    for section in ("bundledDependencies", "bundleDependencies"):
        bundled = data.get(section, [])
        for name in bundled if isinstance(bundled, list) else []:
            if isinstance(name, str) and name not in seen:
                deps.append(
                    Dependency(
                        ecosystem="npm",
                        name=name,
                        version="",
                        scope=Scope.RUNTIME,
                        direct=True,
                        path=path,
                        line=lines.get((section,), 0),
                    )
                )
                seen.add(name)
    return ManifestResult(dependencies=tuple(deps), workspace_members=_workspaces(data.get("workspaces")))


def _workspaces(value: object) -> tuple[str, ...]:
    if isinstance(value, dict):
        value = value.get("packages", [])
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ManifestError("package.json: 'workspaces' must be a list of globs or {packages: [...]}")
    return tuple(value)


# --- package-lock.json ---------------------------------------------------------------------------


def _lock_index(text: str) -> dict[str, list[int]]:
    """Every ``"key": {`` line of a lockfile, by key, in ascending order."""
    index: dict[str, list[int]] = {}
    line, pos = 1, 0
    for match in _LOCK_KEY.finditer(text):
        line += text.count("\n", pos, match.start(1))
        pos = match.start(1)
        index.setdefault(match.group(1), []).append(line)
    return index


def _lock_scope(entry: dict[str, Any]) -> Scope:
    return Scope.DEV if entry.get("dev") is True or entry.get("devOptional") is True else Scope.RUNTIME


def _v1_entries(tree: object) -> Iterator[tuple[str, dict[str, Any]]]:
    """Depth-first, document-order walk of a v1 ``dependencies`` tree, without recursion."""
    stack: list[tuple[str, object]] = list(reversed(tree.items())) if isinstance(tree, dict) else []
    while stack:
        name, entry = stack.pop()
        if not isinstance(entry, dict):
            raise ManifestError(f"package-lock.json: entry {name!r} must be an object")
        yield name, entry
        nested = entry.get("dependencies")
        if isinstance(nested, dict):
            stack.extend(reversed(nested.items()))


def parse_package_lock(path: str, text: str, ctx: ParseContext) -> ManifestResult:
    """Every package pinned in package-lock.json / npm-shrinkwrap.json (v1, v2 and v3), all transitive."""
    del ctx
    data = load_json_object(text, "package-lock.json")
    index = _lock_index(text)
    deps: list[Dependency] = []
    packages = data.get("packages")
    if isinstance(packages, dict):
        for key, entry in packages.items():
            if "node_modules/" not in key or not isinstance(entry, dict) or entry.get("link") is True:
                continue  # the root project, workspace folders and links to them are not third-party
            name = entry.get("name") or key.rsplit("node_modules/", 1)[1]
            line = index.get(key, [0])[0]
            deps.append(
                Dependency(
                    ecosystem="npm",
                    name=str(name),
                    version=str(entry.get("version", "")),
                    scope=_lock_scope(entry),
                    direct=False,
                    path=path,
                    line=line,
                )
            )
        return ManifestResult(dependencies=tuple(deps))
    cursor = 0
    for name, entry in _v1_entries(data.get("dependencies", {})):
        candidates = index.get(name, [])
        at = bisect.bisect_right(candidates, cursor)
        line = candidates[at] if at < len(candidates) else 0
        cursor = line or cursor
        deps.append(
            Dependency(
                ecosystem="npm",
                name=name,
                version=str(entry.get("version", "")),
                scope=_lock_scope(entry),
                direct=False,
                path=path,
                line=line,
            )
        )
    return ManifestResult(dependencies=tuple(deps))


# --- yarn.lock -----------------------------------------------------------------------------------


def _descriptor_name(descriptor: str) -> tuple[str, str]:
    """(package name, range) of ``name@range``, ``@scope/name@range`` or an ``alias@npm:real@range``."""
    at = descriptor.find("@", 1)
    if at < 0:
        return descriptor, ""
    name, spec = descriptor[:at], descriptor[at + 1 :]
    inner = spec.find("@", 5)
    if spec.startswith("npm:") and inner > 0:
        return spec[4:inner], spec  # an alias: the package really installed is the one after npm:
    return name, spec


def _yarn_entries(text: str) -> Iterator[tuple[str, int, str]]:
    """(header, line, version) of each top-level entry; raises on text that is not a yarn.lock."""
    header, start, version = "", 0, ""
    for lineno, raw in enumerate(text.splitlines(), start=1):
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if not raw[0].isspace():
            if not stripped.endswith(":"):
                raise ManifestError(f"yarn.lock line {lineno}: expected an entry header ending in ':'")
            if header:
                yield header, start, version
            header, start, version = stripped[:-1], lineno, ""
        elif not header:
            raise ManifestError(f"yarn.lock line {lineno}: indented line outside any entry")
        else:
            match = re.match(r' {2}version:?\s+"?([^"\s]+)"?\s*$', raw)
            version = match.group(1) if match else version
    if header:
        yield header, start, version


def parse_yarn_lock(path: str, text: str, ctx: ParseContext) -> ManifestResult:
    """Every package pinned in a yarn.lock (classic v1 or Berry), all transitive; local packages skipped."""
    del ctx
    deps: list[Dependency] = []
    seen: set[tuple[str, str]] = set()
    for header, line, version in _yarn_entries(text):
        if header == "__metadata":
            continue
        descriptors = [d.strip().strip('"').strip() for d in header.split(",") if d.strip()]
        parsed = [_descriptor_name(d) for d in descriptors]
        if not parsed or all(spec.startswith(_LOCAL_PROTOCOLS) for _, spec in parsed):
            continue
        name = parsed[0][0]
        if (name, version) not in seen:
            seen.add((name, version))
            deps.append(
                Dependency(
                    ecosystem="npm", name=name, version=version, scope=Scope.RUNTIME, direct=False, path=path, line=line
                )
            )
    return ManifestResult(dependencies=tuple(deps))


# --- pnpm-lock.yaml ------------------------------------------------------------------------------


def _pnpm_document(text: str) -> dict[str, Any]:
    # pnpm may prepend a small document for its own environment; the project's lock comes last.
    for root in reversed(yamldoc.compose_all(text, "pnpm-lock.yaml")):
        data = yamldoc.construct(root, "pnpm-lock.yaml")
        if isinstance(data, dict):
            return data
    raise ManifestError("pnpm-lock.yaml must hold a mapping")


def _pnpm_key(key: str, major: int) -> tuple[str, str]:
    """(name, version) of a ``packages`` key in any lockfile format, peer suffixes removed."""
    key = key.lstrip("/").split("(", 1)[0]
    if major >= 6:
        at = key.rfind("@")
        return (key, "") if at <= 0 else (key[:at], key[at + 1 :])
    parts = key.split("/")
    size = 2 if parts[0].startswith("@") else 1
    return "/".join(parts[:size]), "/".join(parts[size:]).split("_", 1)[0]


def _importer_deps(data: dict[str, Any], major: int) -> dict[tuple[str, str], Scope]:
    """(name, resolved version) of what the projects declare directly, with the scope they declare."""
    importers = data.get("importers")
    projects = list(importers.values()) if isinstance(importers, dict) else [data]
    direct: dict[tuple[str, str], Scope] = {}
    for project in projects:
        for section, scope in _SECTIONS:
            table = project.get(section) if isinstance(project, dict) else None
            for name, spec in table.items() if isinstance(table, dict) else ():
                version = spec.get("version") if isinstance(spec, dict) else spec
                if isinstance(version, str) and not version.startswith(("link:", "file:")):
                    version = version.split("(", 1)[0] if major >= 6 else version.split("_", 1)[0]
                    direct.setdefault((str(name), version), scope)
    return direct


def _pnpm_lines(text: str) -> dict[str, int]:
    """Line of each entry key directly under the top-level ``packages:`` mapping."""
    found: dict[str, int] = {}
    inside = False
    for lineno, raw in enumerate(text.splitlines(), start=1):
        if raw and not raw[0].isspace():
            inside = raw.rstrip() == "packages:"
        elif inside:
            match = re.match(r"""  (['"]?)([^\s'"].*?)\1:(?:\s|$)""", raw)
            if match:
                found.setdefault(match.group(2), lineno)
    return found


def parse_pnpm_lock(path: str, text: str, ctx: ParseContext) -> ManifestResult:
    """Every package of a pnpm-lock.yaml (v5, v6, v9); those an importer declares are direct."""
    del ctx
    data = _pnpm_document(text)
    match = re.match(r"\s*(\d+)", str(data.get("lockfileVersion", "")))
    major = int(match.group(1)) if match else 9
    packages = data.get("packages") or {}
    if not isinstance(packages, dict):
        raise ManifestError("pnpm-lock.yaml: 'packages' must be a mapping")
    direct = _importer_deps(data, major)
    lines = _pnpm_lines(text)
    deps: list[Dependency] = []
    for key, entry in packages.items():
        name, version = _pnpm_key(str(key), major)
        if isinstance(entry, dict):
            name, version = str(entry.get("name", name)), str(entry.get("version", version))
        declared = direct.get((name, version))
        scope = Scope.DEV if isinstance(entry, dict) and entry.get("dev") is True else Scope.RUNTIME
        deps.append(
            Dependency(
                ecosystem="npm",
                name=name,
                version=version,
                scope=declared or scope,
                direct=declared is not None,
                path=path,
                line=lines.get(str(key), 0),
            )
        )
    return ManifestResult(dependencies=tuple(deps))
