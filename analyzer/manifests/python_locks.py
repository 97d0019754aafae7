"""More Python manifests: Pipfile.lock, pdm.lock, PEP 751 pylock.toml, conda environment files and setup.py.

Lockfiles list every installed package, so their entries are transitive (``direct=False``) and take the
scope of the group that pulled them in. A conda environment file declares conda packages by match spec
(``numpy>=1.26``, ``conda-forge::pytorch=2.1``) and, in its nested ``pip:`` list, PyPI requirements.
``setup.py`` is code, and it is never run: ``ast.parse`` reads it, and only literal lists handed to
``setup(...)`` (directly, through a module-level name, or through ``**`` of a literal dict) count.
Anything computed is skipped without a word, since it cannot be known statically.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from typing import Any

import yaml
from packaging.requirements import InvalidRequirement, Requirement

from analyzer.errors import ManifestError
from analyzer.manifests import ParseContext
from analyzer.manifests import entry_warning as _diag
from analyzer.manifests._read import yamldoc
from analyzer.manifests._read.jsondoc import key_lines, load_json_object
from analyzer.manifests._read.text import group_scope
from analyzer.manifests._read.tomldoc import load_toml
from analyzer.model import Dependency, Diagnostic, ManifestResult, Scope

_MAX_SETUP_BYTES = 1 << 20
_MAX_CONCAT = 8
_SETUP_KEYS = {"install_requires": Scope.RUNTIME, "tests_require": Scope.TEST, "setup_requires": Scope.BUILD}
_CONDA_SPEC = re.compile(r"^([A-Za-z0-9_][A-Za-z0-9_.\-]*)\s*(.*)$")
_GROUP_IN_MARKER = re.compile(r"""['"]([^'"]+)['"]\s+in\s+(?:dependency_groups|extras)""")


def _pep508(path: str, text: str, line: int, scope: Scope) -> Dependency | Diagnostic:
    try:
        req = Requirement(text)
    except InvalidRequirement as exc:
        first = (str(exc).splitlines() or [""])[0]
        return _diag(path, f"line {line}: invalid requirement {text!r}: {first}")
    return Dependency(
        ecosystem="pypi",
        name=req.name,
        version=str(req.specifier) or (req.url or ""),
        scope=scope,
        direct=True,
        path=path,
        line=line,
    )


def _result(items: list[Dependency | Diagnostic]) -> ManifestResult:
    return ManifestResult(
        dependencies=tuple(i for i in items if isinstance(i, Dependency)),
        diagnostics=tuple(i for i in items if isinstance(i, Diagnostic)),
    )


# --- Pipfile.lock ---------------------------------------------------------------------------------


def parse_pipfile_lock(path: str, text: str, ctx: ParseContext) -> ManifestResult:
    """Every package pinned in a Pipfile.lock: ``default`` is runtime, ``develop`` is dev; all transitive."""
    del ctx
    data = load_json_object(text, "Pipfile.lock")
    lines = key_lines(text, 2)
    deps: list[Dependency] = []
    for section, scope in (("default", Scope.RUNTIME), ("develop", Scope.DEV)):
        table = data.get(section, {})
        if not isinstance(table, dict):
            raise ManifestError(f"Pipfile.lock: {section!r} must be an object of packages")
        for name, entry in table.items():
            entry = entry if isinstance(entry, dict) else {}
            if "path" in entry or "file" in entry or entry.get("editable") is True:
                continue  # the project itself or a local folder, not a third-party package
            version = entry.get("version", f"git:{entry['git']}" if isinstance(entry.get("git"), str) else "")
            version = version.removeprefix("==") if isinstance(version, str) else ""
            deps.append(
                Dependency(
                    ecosystem="pypi",
                    name=name,
                    version=version,
                    scope=scope,
                    direct=False,
                    path=path,
                    line=lines.get((section, name), 0),
                )
            )
    return ManifestResult(dependencies=tuple(deps))


# --- pdm.lock and pylock.toml ---------------------------------------------------------------------


def _toml_tables(text: str, filename: str, key: str) -> Iterator[tuple[dict[str, Any], int]]:
    """Each ``[[key]]`` table of a TOML text, with the line of its ``name`` (of its header if none)."""
    doc = load_toml(text, filename)
    tables = doc.get(key, [])
    if not isinstance(tables, list):
        raise ManifestError(f"{filename}: {key!r} must be an array of tables")
    lines = text.splitlines()
    heads = [i for i, raw in enumerate(lines) if raw.strip() == f"[[{key}]]"]
    for n, table in enumerate(tables):
        if not isinstance(table, dict) or not isinstance(table.get("name"), str):
            raise ManifestError(f"{filename}: {key} #{n + 1} has no name")
        start = heads[n] if n < len(heads) else len(lines)
        end = heads[n + 1] if n + 1 < len(heads) else len(lines)
        line = next((i + 1 for i in range(start, end) if re.match(r"\s*name\s*=", lines[i])), start + 1)
        yield table, line if start < len(lines) else 0


def parse_pdm_lock(path: str, text: str, ctx: ParseContext) -> ManifestResult:
    """Every package of a pdm.lock, with the scope of its groups (``default`` is runtime); all transitive."""
    del ctx
    deps: list[Dependency] = []
    for package, line in _toml_tables(text, "pdm.lock", "package"):
        groups = package.get("groups", ["default"])
        names = [str(g) for g in groups] if isinstance(groups, list) and groups else ["default"]
        scope = Scope.RUNTIME if "default" in names else group_scope("-".join(names), Scope.DEV)
        deps.append(
            Dependency(
                ecosystem="pypi",
                name=package["name"],
                version=str(package.get("version", "")),
                scope=scope,
                direct=False,
                path=path,
                line=line,
            )
        )
    return ManifestResult(dependencies=tuple(deps))


def _marker_scope(marker: object) -> Scope:
    """Scope from the groups a PEP 751 marker requires; runtime when it names none or any runtime group."""
    groups = _GROUP_IN_MARKER.findall(marker) if isinstance(marker, str) else []
    if not groups:
        return Scope.RUNTIME
    scopes = {group_scope(g, Scope.RUNTIME) for g in groups}
    if Scope.RUNTIME in scopes:
        return Scope.RUNTIME
    return Scope.TEST if scopes == {Scope.TEST} else Scope.DEV


def parse_pylock(path: str, text: str, ctx: ParseContext) -> ManifestResult:
    """Every package of a PEP 751 lock file (pylock.toml), all transitive; local directories skipped."""
    del ctx
    deps: list[Dependency] = []
    for package, line in _toml_tables(text, "pylock.toml", "packages"):
        if "directory" in package:
            continue  # the project itself or a local path, not a third-party package
        version = package.get("version", "")
        vcs = package.get("vcs")
        if not version and isinstance(vcs, dict):
            version = f"git:{vcs.get('url', '')}"
        deps.append(
            Dependency(
                ecosystem="pypi",
                name=package["name"],
                version=str(version),
                scope=_marker_scope(package.get("marker")),
                direct=False,
                path=path,
                line=line,
            )
        )
    return ManifestResult(dependencies=tuple(deps))


# --- conda environment.yml ------------------------------------------------------------------------


def _conda_spec(spec: str) -> tuple[str, str] | None:
    """(name, version) of a conda match spec; None when it names no package."""
    spec, _, options = spec.split("::", 1)[-1].partition("[")
    match = _CONDA_SPEC.match(spec.strip())
    if match is None:
        return None
    # "name[version='>=2.28']": the bracket form of the version.
    bracket = re.search(r"version\s*=\s*['\"]?([^'\",\]]+)", options)
    rest = bracket.group(1) if bracket else match.group(2).strip()
    # "name=1.2=build": a single "=" pins a version prefix and a second one a build string.
    if rest.startswith("=") and not rest.startswith("=="):
        rest = rest[1:].split("=", 1)[0]
    # "name 1.2 build": the version is the first word.
    return match.group(1), rest.split()[0] if rest.split() else ""


def _pip_section(node: yaml.Node, path: str) -> Iterator[Dependency | Diagnostic]:
    if not isinstance(node, yaml.SequenceNode):
        raise ManifestError(f"line {node.start_mark.line + 1}: the 'pip' entry must be a list of requirements")
    for item in node.value:
        if not isinstance(item, yaml.ScalarNode):
            continue
        text, line = str(item.value).strip(), item.start_mark.line + 1
        if not text or text.startswith("-") or "://" in text or text.startswith((".", "/")):
            continue  # -r includes, -e and local paths, index options and URLs name no PyPI project
        yield _pep508(path, text, line, Scope.RUNTIME)


def parse_conda_environment(path: str, text: str, ctx: ParseContext) -> ManifestResult:
    """Conda packages (ecosystem ``conda``) and nested pip requirements of an environment.yml."""
    del ctx
    root = yamldoc.compose(text, "environment.yml")
    if root is None:
        return ManifestResult()
    if not isinstance(root, yaml.MappingNode):
        raise ManifestError("environment.yml must hold a mapping at the top level")
    entries = yamldoc.get(root, "dependencies")
    if entries is None:
        return ManifestResult()
    if not isinstance(entries, yaml.SequenceNode):
        raise ManifestError(f"line {entries.start_mark.line + 1}: 'dependencies' must be a list")
    items: list[Dependency | Diagnostic] = []
    for item in entries.value:
        if isinstance(item, yaml.MappingNode):
            pip = yamldoc.get(item, "pip")
            if pip is not None:
                items.extend(_pip_section(pip, path))
            continue
        if not isinstance(item, yaml.ScalarNode):
            continue
        # Only strings are specs: an unquoted 3.5 is a number, not a package.
        parsed = _conda_spec(str(item.value)) if item.tag == "tag:yaml.org,2002:str" else None
        line = item.start_mark.line + 1
        if parsed is None:
            items.append(_diag(path, f"line {line}: {item.value!r} is not a conda package spec"))
        else:
            items.append(
                Dependency(
                    ecosystem="conda",
                    name=parsed[0],
                    version=parsed[1],
                    scope=Scope.RUNTIME,
                    direct=True,
                    path=path,
                    line=line,
                )
            )
    return _result(items)


# --- setup.py -------------------------------------------------------------------------------------


def _module_names(tree: ast.Module) -> dict[str, ast.expr]:
    """Values of module-level ``NAME = ...`` assignments (the last one wins, as when the module runs)."""
    names: dict[str, ast.expr] = {}
    for stmt in tree.body:
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
            names[stmt.targets[0].id] = _bind(stmt.value, names)
        elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and stmt.value is not None:
            names[stmt.target.id] = _bind(stmt.value, names)
    return names


def _bind(value: ast.expr, names: dict[str, ast.expr]) -> ast.expr:
    """``value`` with the names it concatenates replaced by what they held at that point of the module.

    So ``REQS = REQS + ["x"]`` keeps the earlier list instead of referring to itself.
    """
    if isinstance(value, ast.Name) and value.id in names:
        return names[value.id]
    if isinstance(value, ast.BinOp) and isinstance(value.op, ast.Add):
        return ast.BinOp(left=_bind(value.left, names), op=value.op, right=_bind(value.right, names))
    return value


def _setup_calls(tree: ast.Module) -> Iterator[ast.Call]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
            if name == "setup":
                yield node


def _resolve(node: ast.expr | None, names: dict[str, ast.expr]) -> ast.expr | None:
    """A node, or the module-level value a bare name refers to (one level, no evaluation)."""
    if isinstance(node, ast.Name):
        value = names.get(node.id)
        return None if isinstance(value, ast.Name) else value
    return node


def _keywords(call: ast.Call, names: dict[str, ast.expr]) -> Iterator[tuple[str, ast.expr]]:
    """Keyword arguments of a setup() call, including those of a literal dict passed with ``**``."""
    for keyword in call.keywords:
        if keyword.arg is not None:
            yield keyword.arg, keyword.value
            continue
        spread = _resolve(keyword.value, names)
        if isinstance(spread, ast.Dict):
            for key, value in zip(spread.keys, spread.values, strict=True):
                if isinstance(key, ast.Constant) and isinstance(key.value, str):
                    yield key.value, value
        elif isinstance(spread, ast.Call) and isinstance(spread.func, ast.Name) and spread.func.id == "dict":
            yield from ((k.arg, k.value) for k in spread.keywords if k.arg is not None)


def _requirement_strings(
    node: ast.expr | None, names: dict[str, ast.expr], depth: int = 0
) -> Iterator[tuple[str, int]]:
    """(requirement, line) of a literal list, tuple or multi-line string; nothing for computed values.

    ``A + B`` of such values is followed a few levels deep: ``REQS = REQS + [...]`` refers to itself.
    """
    if depth > _MAX_CONCAT:
        return
    node = _resolve(node, names)
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        for offset, raw in enumerate(node.value.splitlines()):
            if raw.strip() and not raw.strip().startswith("#"):
                yield raw.strip(), node.lineno + offset
    elif isinstance(node, ast.List | ast.Tuple):
        for element in node.elts:
            if isinstance(element, ast.Constant) and isinstance(element.value, str):
                yield element.value.strip(), element.lineno
    elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        yield from _requirement_strings(node.left, names, depth + 1)
        yield from _requirement_strings(node.right, names, depth + 1)


def parse_setup_py(path: str, text: str, ctx: ParseContext) -> ManifestResult:
    """Literal install_requires, extras_require, tests_require and setup_requires of a setup.py (never run)."""
    del ctx
    if len(text) > _MAX_SETUP_BYTES:
        raise ManifestError(f"setup.py is larger than {_MAX_SETUP_BYTES // 1024} KiB; not read")
    try:
        tree = ast.parse(text, filename="setup.py")
    except SyntaxError as exc:
        raise ManifestError(f"setup.py is not valid Python 3 (line {exc.lineno}: {exc.msg})") from exc
    except (RecursionError, MemoryError) as exc:
        raise ManifestError("setup.py is nested too deeply to read") from exc
    names = _module_names(tree)
    items: list[Dependency | Diagnostic] = []
    for call in _setup_calls(tree):
        for key, value in _keywords(call, names):
            if key in _SETUP_KEYS:
                items.extend(
                    _pep508(path, req, line, _SETUP_KEYS[key]) for req, line in _requirement_strings(value, names)
                )
            elif key == "extras_require":
                extras = _resolve(value, names)
                for group, reqs in zip(extras.keys, extras.values, strict=True) if isinstance(extras, ast.Dict) else ():
                    if isinstance(group, ast.Constant) and isinstance(group.value, str):
                        scope = group_scope(group.value.split(":", 1)[0], Scope.RUNTIME)
                        items.extend(_pep508(path, req, line, scope) for req, line in _requirement_strings(reqs, names))
    # A name that refers to itself (``REQS = REQS + [...]``) can yield one literal more than once.
    return _result(list(dict.fromkeys(items)))
