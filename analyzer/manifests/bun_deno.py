"""More JavaScript manifests: Bun's text lockfile, Deno's config and lockfile, and pnpm's workspace file.

``bun.lock`` and ``deno.jsonc`` are JSON with comments and trailing commas (JSONC): a scanner removes
both outside strings, keeping every newline so that positions still point at the right line, and the
standard JSON reader does the rest. Line numbers come from a token pass that records where each key
sits in the object tree. Deno names packages with specifiers (``npm:express@4``, ``jsr:@std/http@1``);
``jsr:`` packages form their own ecosystem, ``jsr``. Lockfile entries are transitive (``direct=False``)
unless the lockfile itself says a workspace declares them, as ``bun.lock`` does.
"""

from __future__ import annotations

from collections.abc import Iterator

import yaml

from analyzer.errors import ManifestError
from analyzer.manifests import ParseContext
from analyzer.manifests._read import yamldoc
from analyzer.manifests._read.jsondoc import key_lines, load_json_object, strip_jsonc
from analyzer.model import Dependency, ManifestResult, Scope

_SECTIONS: tuple[tuple[str, Scope], ...] = (
    ("dependencies", Scope.RUNTIME),
    ("devDependencies", Scope.DEV),
    ("optionalDependencies", Scope.RUNTIME),
    ("peerDependencies", Scope.RUNTIME),
)
_LOCAL = ("workspace:", "link:", "file:", "portal:")


def _split_at_version(spec: str) -> tuple[str, str]:
    """(name, version) of ``name@version`` or ``@scope/name@version``; version "" when absent."""
    at = spec.find("@", 1)
    return (spec, "") if at < 0 else (spec[:at], spec[at + 1 :])


# --- YAML ----------------------------------------------------------------------------------------


# --- bun.lock ------------------------------------------------------------------------------------


def _bun_declared(workspaces: object) -> dict[str, Scope]:
    declared: dict[str, Scope] = {}
    if not isinstance(workspaces, dict):
        raise ManifestError("bun.lock: 'workspaces' must be an object")
    for body in workspaces.values():
        for section, scope in _SECTIONS:
            table = body.get(section) if isinstance(body, dict) else None
            for name in table if isinstance(table, dict) else ():
                declared.setdefault(str(name), scope)
    return declared


def parse_bun_lock(path: str, text: str, ctx: ParseContext) -> ManifestResult:
    """Every package of a Bun text lockfile; the ones a workspace declares are direct."""
    del ctx
    data = load_json_object(text, "bun.lock", jsonc=True)
    packages = data.get("packages", {})
    if not isinstance(packages, dict):
        raise ManifestError("bun.lock: 'packages' must be an object")
    workspaces = data.get("workspaces", {})
    declared = _bun_declared(workspaces)
    lines = key_lines(strip_jsonc(text), 2)
    deps: list[Dependency] = []
    for key, entry in packages.items():
        if not isinstance(entry, list) or not entry or not isinstance(entry[0], str):
            raise ManifestError(
                f"line {lines.get(('packages', key), 0)}: bun.lock entry {key!r} is not "
                "an array starting with 'name@version'"
            )
        name, version = _split_at_version(entry[0])
        if not name or version.startswith(_LOCAL):
            continue  # the workspace's own packages
        scope = declared.get(name)
        # A key with a slash past the scope is a nested copy ("parent/child"); only hoisted ones are declared.
        hoisted = key == name
        deps.append(
            Dependency(
                ecosystem="npm",
                name=name,
                version=version,
                scope=scope or Scope.RUNTIME,
                direct=hoisted and scope is not None,
                path=path,
                line=lines.get(("packages", key), 0),
            )
        )
    members = tuple(sorted(str(k) for k in workspaces if k)) if isinstance(workspaces, dict) else ()
    return ManifestResult(dependencies=tuple(deps), workspace_members=members)


# --- deno.json / deno.jsonc / deno.lock -----------------------------------------------------------


def _deno_specifier(spec: str) -> tuple[str, str, str] | None:
    """(ecosystem, name, version) of an ``npm:`` or ``jsr:`` specifier; None for URLs and paths."""
    for prefix, ecosystem in (("npm:", "npm"), ("jsr:", "jsr")):
        if spec.startswith(prefix):
            rest = spec[len(prefix) :].lstrip("/")
            # A sub-path ("npm:preact@10/hooks") follows the version or the bare name.
            parts = rest.split("/")
            size = 2 if rest.startswith("@") else 1
            name, version = _split_at_version("/".join(parts[:size]))
            return (ecosystem, name, version) if name and name != "@" else None
    return None


def _import_map(
    table: object, section: tuple[str, ...], lines: dict[tuple[str, ...], int], path: str
) -> Iterator[Dependency]:
    if not isinstance(table, dict):
        raise ManifestError(f"deno.json: {'.'.join(section)!r} must be an object of specifier: target")
    for alias, target in table.items():
        found = _deno_specifier(target) if isinstance(target, str) else None
        if found is not None:
            ecosystem, name, version = found
            yield Dependency(
                ecosystem=ecosystem,
                name=name,
                version=version,
                scope=Scope.RUNTIME,
                direct=True,
                path=path,
                line=lines.get((*section, alias), 0),
            )


def parse_deno_json(path: str, text: str, ctx: ParseContext) -> ManifestResult:
    """``npm:`` and ``jsr:`` packages of a deno.json(c) import map (and its scopes), and its workspace."""
    del ctx
    data = load_json_object(text, "deno.json", jsonc=True)
    lines = key_lines(strip_jsonc(text), 3)
    deps = list(_import_map(data.get("imports", {}), ("imports",), lines, path))
    scopes = data.get("scopes", {})
    if not isinstance(scopes, dict):
        raise ManifestError("deno.json: 'scopes' must be an object")
    for scope_name, table in scopes.items():
        deps.extend(_import_map(table, ("scopes", scope_name), lines, path))
    workspace = data.get("workspace", [])
    if isinstance(workspace, dict):
        workspace = workspace.get("members", [])
    if not isinstance(workspace, list) or not all(isinstance(m, str) for m in workspace):
        raise ManifestError("deno.json: 'workspace' must be a list of member folders")
    return ManifestResult(dependencies=tuple(deps), workspace_members=tuple(workspace))


def parse_deno_lock(path: str, text: str, ctx: ParseContext) -> ManifestResult:
    """Every npm and jsr package pinned in a deno.lock (v3 nests them under ``packages``), all transitive."""
    del ctx
    data = load_json_object(text, "deno.lock")
    nested = data.get("packages")
    root, prefix = (nested, ("packages",)) if isinstance(nested, dict) and "specifiers" in nested else (data, ())
    lines = key_lines(text, len(prefix) + 2)
    deps: list[Dependency] = []
    for ecosystem in ("npm", "jsr"):
        table = root.get(ecosystem, {})
        if not isinstance(table, dict):
            raise ManifestError(f"deno.lock: {ecosystem!r} must be an object of name@version entries")
        for key in table:
            name, version = _split_at_version(str(key))
            # npm entries carry their resolved peers after an underscore: "pkg@1.0.0_peer@2.0.0".
            version = version.split("_", 1)[0]
            deps.append(
                Dependency(
                    ecosystem=ecosystem,
                    name=name,
                    version=version,
                    scope=Scope.RUNTIME,
                    direct=False,
                    path=path,
                    line=lines.get((*prefix, ecosystem, key), 0),
                )
            )
    return ManifestResult(dependencies=tuple(deps))


# --- pnpm-workspace.yaml --------------------------------------------------------------------------


def _catalog(node: yaml.Node, path: str, label: str) -> Iterator[Dependency]:
    if not isinstance(node, yaml.MappingNode):
        raise ManifestError(f"line {node.start_mark.line + 1}: pnpm-workspace.yaml {label!r} must be a mapping")
    for key, value in node.value:
        if isinstance(key, yaml.ScalarNode) and isinstance(value, yaml.ScalarNode):
            # A catalog only fixes versions; the members' package.json files declare the dependency.
            yield Dependency(
                ecosystem="npm",
                name=str(key.value),
                version=str(value.value),
                scope=Scope.RUNTIME,
                direct=False,
                path=path,
                line=key.start_mark.line + 1,
            )


def parse_pnpm_workspace(path: str, text: str, ctx: ParseContext) -> ManifestResult:
    """Member globs (``packages``) and catalog versions (``catalog``, ``catalogs``) of pnpm-workspace.yaml."""
    del ctx
    root = yamldoc.compose(text, "pnpm-workspace.yaml")
    if root is None:
        return ManifestResult()
    if not isinstance(root, yaml.MappingNode):
        raise ManifestError("pnpm-workspace.yaml must hold a mapping at the top level")
    members: list[str] = []
    packages = yamldoc.get(root, "packages")
    if packages is not None:
        if not isinstance(packages, yaml.SequenceNode):
            raise ManifestError(f"line {packages.start_mark.line + 1}: 'packages' must be a list of globs")
        # Negated globs exclude folders; a member pattern can only include, so they are left out.
        members = [
            str(item.value)
            for item in packages.value
            if isinstance(item, yaml.ScalarNode) and not str(item.value).startswith("!")
        ]
    deps: list[Dependency] = []
    catalog = yamldoc.get(root, "catalog")
    if catalog is not None:
        deps.extend(_catalog(catalog, path, "catalog"))
    catalogs = yamldoc.get(root, "catalogs")
    if isinstance(catalogs, yaml.MappingNode):
        for key, value in catalogs.value:
            deps.extend(_catalog(value, path, f"catalogs.{key.value}"))
    elif catalogs is not None:
        raise ManifestError(f"line {catalogs.start_mark.line + 1}: 'catalogs' must be a mapping of catalogs")
    return ManifestResult(dependencies=tuple(deps), workspace_members=tuple(members))
