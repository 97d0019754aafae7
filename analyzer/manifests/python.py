"""Python manifests: requirements files, pyproject.toml, setup.cfg, Pipfile, poetry.lock and uv.lock.

Everything is read statically (``tomllib``, ``configparser``, a line reader for requirements files);
nothing from the repository is ever executed. Requirement strings go through ``packaging``'s PEP 508
parser; a line it rejects becomes a diagnostic while the rest of the file still counts. Requirements
files may include others (``-r``/``-c``), read through the parse context with a cycle and depth guard.
Since the TOML and INI readers keep no positions, a small index of section headers lets each
dependency be located on its line.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from packaging.requirements import InvalidRequirement, Requirement

from analyzer.errors import ManifestError
from analyzer.manifests import ParseContext
from analyzer.manifests import entry_warning as _diag
from analyzer.manifests._read.inidoc import load_ini
from analyzer.manifests._read.text import group_scope
from analyzer.manifests._read.tomldoc import load_toml
from analyzer.model import Dependency, Diagnostic, ManifestResult, Scope

_MAX_INCLUDE_DEPTH = 5
_MAX_INCLUDED_FILES = 64
"""Files one requirements file may pull in through ``-r``/``-c``, all levels together (fan-out bound)."""
_WINDOW = 64
_HEADER = re.compile(r"\s*\[\[?([^\[\]#]+)\]\]?\s*(?:[#;].*)?$")
_KEY = re.compile(r"\s*[\"']?([^\"'\s=:.\[\]]+)[\"']?\s*[=:.]")
_OPTION_CUT = re.compile(r"\s--?[A-Za-z]")
_INCLUDE = re.compile(r"^(-r|-c|--requirement|--constraint)(?:\s*=\s*|\s*)(\S+)$")
_EDITABLE = re.compile(r"^(?:-e|--editable)(?:\s*=\s*|\s+)(\S+)")


@dataclass(frozen=True)
class _Index:
    """Positions in a TOML or INI text, built in one pass so that lookups stay cheap on huge files."""

    lines: tuple[str, ...]
    spans: dict[str, tuple[int, int]]
    """Dotted header name (quotes and spaces removed) -> 0-based body range, first occurrence."""
    keys: dict[tuple[str, str], int]
    """(section, lower-cased key) -> 0-based index of the line assigning it, first occurrence."""

    @classmethod
    def build(cls, text: str) -> _Index:
        lines = tuple(text.splitlines())
        spans: dict[str, tuple[int, int]] = {}
        keys: dict[tuple[str, str], int] = {}
        section, start = "", 0
        for idx, raw in enumerate(lines):
            header = _HEADER.match(raw)
            if header:
                spans.setdefault(section, (start, idx))
                section, start = re.sub(r"[\s\"']", "", header.group(1)), idx + 1
                continue
            key = _KEY.match(raw)
            if key:
                keys.setdefault((section, key.group(1).lower()), idx)
        spans.setdefault(section, (start, len(lines)))
        return cls(lines, spans, keys)

    def key(self, section: str, key: str) -> int:
        """1-based line assigning ``key`` in ``section``, 0 if absent."""
        return self.keys.get((section, key.lower()), -1) + 1

    def find(self, section: str, needle: str, after: int) -> int:
        """1-based line of ``needle`` in ``section``, looking a bounded distance past line ``after``.

        Entries of a list follow each other, so callers pass the line of the previous one; the window
        keeps a file full of unfindable (escaped) entries from costing quadratic time.
        """
        start, end = self.spans.get(section, (0, len(self.lines)))
        start = max(start, after - 1)
        quoted, fallback = (f'"{needle}"', f"'{needle}'"), 0
        for idx in range(start, min(end, start + _WINDOW)):
            if needle in self.lines[idx]:
                if any(q in self.lines[idx] for q in quoted):
                    return idx + 1
                fallback = fallback or idx + 1
        return fallback


def _pep508(text: str) -> tuple[str, str]:
    """(name, version) of a PEP 508 string; raises InvalidRequirement."""
    req = Requirement(text)
    return req.name, str(req.specifier) or (req.url or "")


def _first_line(exc: Exception) -> str:
    """packaging's messages draw a caret diagram on later lines; a diagnostic keeps the first."""
    return (str(exc).splitlines() or [""])[0]


# --- requirements files -------------------------------------------------------------------------


def _file_scope(path: str) -> Scope:
    """Scope from names such as requirements-dev.txt, test-requirements.txt or requirements/docs.txt."""
    parent = posixpath.basename(posixpath.dirname(path))
    stem = posixpath.basename(path).rsplit(".", 1)[0]
    name = f"{parent}-{stem}" if parent.startswith("requirements") else stem
    return group_scope(name, Scope.RUNTIME)


def _logical_lines(text: str) -> Iterator[tuple[int, str]]:
    """(first physical line, joined text) with backslash continuations folded and comments removed."""
    pending: list[str] = []
    first = 0
    for lineno, raw in enumerate(text.splitlines(), start=1):
        if not pending:
            first = lineno
        line = re.sub(r"(^|\s)#.*$", "", raw)
        if line.endswith("\\"):
            pending.append(line[:-1])
            continue
        pending.append(line)
        joined = " ".join(part.strip() for part in pending).strip()
        pending = []
        if joined:
            yield first, joined
    if pending and " ".join(pending).strip():
        yield first, " ".join(part.strip() for part in pending).strip()


def _name_from_url(url: str) -> str | None:
    """Project name of a URL or path requirement: its #egg= fragment or its archive file name."""
    egg = re.search(r"[#&]egg=([A-Za-z0-9][A-Za-z0-9._-]*)", url)
    if egg:
        return egg.group(1)
    base = posixpath.basename(url.split("#", 1)[0].split("?", 1)[0])
    if base.endswith(".whl"):
        return base.split("-", 1)[0]
    for ext in (".tar.gz", ".zip", ".tar.bz2", ".tgz"):
        if base.endswith(ext) and "-" in base:
            return base[: -len(ext)].rsplit("-", 1)[0]
    return None


@dataclass(frozen=True)
class _ReqFile:
    """One requirements file being read, and how it was reached."""

    path: str
    scope: Scope
    constraint: bool
    chain: frozenset[str]
    seen: set[tuple[str, bool]]
    """(path, as constraint) of every file read for this manifest, shared along the whole include graph:
    a file is read once however many lines include it, and at most _MAX_INCLUDED_FILES in all."""


def _include(
    src: _ReqFile,
    lineno: int,
    flag: str,
    target: str,
    ctx: ParseContext,
    out: tuple[list[Dependency], list[Diagnostic]],
) -> None:
    """Follow one ``-r``/``-c`` line, with guards against escapes, cycles and runaway depth."""
    resolved = posixpath.normpath(posixpath.join(posixpath.dirname(src.path), target))
    if "://" in target:
        out[1].append(_diag(src.path, f"line {lineno}: remote include {target!r} not followed"))
    elif resolved.startswith("../") or resolved == ".." or posixpath.isabs(resolved):
        out[1].append(_diag(src.path, f"line {lineno}: include {target!r} points outside the repository"))
    elif resolved in src.chain:
        out[1].append(_diag(src.path, f"line {lineno}: include of {target!r} forms a cycle; not followed again"))
    elif len(src.chain) > _MAX_INCLUDE_DEPTH:
        out[1].append(_diag(src.path, f"line {lineno}: includes nested deeper than {_MAX_INCLUDE_DEPTH}"))
    else:
        constraint = src.constraint or flag in ("-c", "--constraint")
        if (resolved, constraint) in src.seen:
            return  # already read through another include: its requirements are counted once
        if len(src.seen) > _MAX_INCLUDED_FILES:
            return  # the one diagnostic below was given when the budget ran out
        src.seen.add((resolved, constraint))
        if len(src.seen) > _MAX_INCLUDED_FILES:
            message = f"line {lineno}: more than {_MAX_INCLUDED_FILES} included files; the rest are not read"
            out[1].append(_diag(src.path, message))
            return
        text = ctx.read_text(resolved)
        if text is None:
            out[1].append(_diag(src.path, f"line {lineno}: included file {target!r} is missing or unreadable"))
            return
        child = _ReqFile(resolved, _file_scope(resolved), constraint, src.chain | {resolved}, src.seen)
        _read_requirements(child, text, ctx, out)


def _requirement_line(src: _ReqFile, lineno: int, line: str) -> Dependency | Diagnostic | None:
    """The dependency a plain or editable line declares, a diagnostic, or None for options."""
    editable = _EDITABLE.match(line)
    if editable or re.match(r"^([a-z+]+://|\.{0,2}/|\.$)", line):
        url = editable.group(1) if editable else line.split()[0]
        name = _name_from_url(url)
        return (
            None
            if name is None
            else Dependency(
                ecosystem="pypi",
                name=name,
                version=url,
                scope=src.scope,
                direct=not src.constraint,
                path=src.path,
                line=lineno,
            )
        )
    if line.startswith("-"):
        return None  # index, find-links, --pre and other options declare nothing
    cut = _OPTION_CUT.search(line)
    requirement = line[: cut.start()] if cut else line
    try:
        name, version = _pep508(requirement.strip())
    except InvalidRequirement as exc:
        return _diag(src.path, f"line {lineno}: invalid requirement {requirement.strip()!r}: {_first_line(exc)}")
    return Dependency(
        ecosystem="pypi",
        name=name,
        version=version,
        scope=src.scope,
        direct=not src.constraint,
        path=src.path,
        line=lineno,
    )


def _read_requirements(
    src: _ReqFile, text: str, ctx: ParseContext, out: tuple[list[Dependency], list[Diagnostic]]
) -> None:
    for lineno, line in _logical_lines(text):
        include = _INCLUDE.match(line)
        if include:
            _include(src, lineno, include.group(1), include.group(2), ctx, out)
            continue
        item = _requirement_line(src, lineno, line)
        if isinstance(item, Dependency):
            out[0].append(item)
        elif isinstance(item, Diagnostic):
            out[1].append(item)


def parse_requirements(path: str, text: str, ctx: ParseContext) -> ManifestResult:
    """Requirements of a pip requirements file and of the files it includes."""
    out: tuple[list[Dependency], list[Diagnostic]] = ([], [])
    _read_requirements(_ReqFile(path, _file_scope(path), False, frozenset({path}), set()), text, ctx, out)
    return ManifestResult(dependencies=tuple(out[0]), diagnostics=tuple(out[1]))


# --- pyproject.toml, Pipfile, lockfiles ---------------------------------------------------------


@dataclass(frozen=True)
class _Sink:
    """Where one file's dependencies and per-entry diagnostics go while it is read."""

    path: str
    index: _Index
    deps: list[Dependency]
    diags: list[Diagnostic]

    def strings(self, values: object, section: str, key: str, scope: Scope) -> None:
        """Add a list of PEP 508 strings found at ``section``/``key``."""
        if not isinstance(values, list):
            raise ManifestError(f"[{section}] {key} must be a list of requirement strings")
        cursor = self.index.key(section, key)
        for value in values:
            if not isinstance(value, str):
                continue  # PEP 735 {include-group = ...} tables declare nothing new
            line = self.index.find(section, value, cursor)
            cursor = line or cursor
            try:
                name, version = _pep508(value)
            except InvalidRequirement as exc:
                self.diags.append(_diag(self.path, f"line {line}: invalid requirement {value!r}: {_first_line(exc)}"))
                continue
            self.deps.append(
                Dependency(
                    ecosystem="pypi", name=name, version=version, scope=scope, direct=True, path=self.path, line=line
                )
            )

    def table(self, table: object, section: str, scope: Scope, skip: Iterable[str] = ()) -> None:
        """Add a Poetry / Pipfile style ``name = spec`` table."""
        if not isinstance(table, dict):
            raise ManifestError(f"[{section}] must be a table")
        for name, spec in table.items():
            if name.lower() in skip:
                continue
            line = self.index.key(section, name)
            self.deps.append(
                Dependency(
                    ecosystem="pypi",
                    name=name,
                    version=_spec_version(spec),
                    scope=scope,
                    direct=True,
                    path=self.path,
                    line=line,
                )
            )

    def groups(self, groups: object, section: str, default: Scope) -> None:
        """Add ``group = [requirements]`` tables (optional-dependencies, dependency-groups, PDM)."""
        if not isinstance(groups, dict):
            raise ManifestError(f"[{section}] must be a table of lists")
        for group, values in groups.items():
            self.strings(values, section, group, group_scope(group, default))


def _spec_version(spec: object) -> str:
    """Version text of a Poetry / Pipfile value: a constraint string, or the source it comes from."""
    if isinstance(spec, list):
        return " || ".join(_spec_version(item) for item in spec)
    if isinstance(spec, dict):
        for key in ("version", "git", "path", "url", "file"):
            if isinstance(spec.get(key), str):
                return str(spec[key]) if key == "version" else f"{key}:{spec[key]}"
        return ""
    return spec if isinstance(spec, str) else ""


def _table_at(doc: dict[str, Any], dotted: str) -> object:
    node: object = doc
    for part in dotted.split("."):
        node = node.get(part) if isinstance(node, dict) else None
    return node


def _poetry(doc: dict[str, Any], sink: _Sink) -> None:
    poetry = _table_at(doc, "tool.poetry")
    if not isinstance(poetry, dict):
        return
    if "dependencies" in poetry:
        sink.table(poetry["dependencies"], "tool.poetry.dependencies", Scope.RUNTIME, skip=("python",))
    if "dev-dependencies" in poetry:
        sink.table(poetry["dev-dependencies"], "tool.poetry.dev-dependencies", Scope.DEV, skip=("python",))
    groups = poetry.get("group", {})
    for group, body in groups.items() if isinstance(groups, dict) else ():
        if isinstance(body, dict) and "dependencies" in body:
            scope = Scope.RUNTIME if group == "main" else group_scope(group, Scope.DEV)
            sink.table(body["dependencies"], f"tool.poetry.group.{group}.dependencies", scope, skip=("python",))


def parse_pyproject(path: str, text: str, ctx: ParseContext) -> ManifestResult:
    """PEP 621, PEP 735, build-system, Poetry, PDM and uv dependencies of a pyproject.toml."""
    del ctx
    doc = load_toml(text, "pyproject.toml")
    sink = _Sink(path, _Index.build(text), [], [])
    project = doc.get("project", {})
    if isinstance(project, dict):
        if "dependencies" in project:
            sink.strings(project["dependencies"], "project", "dependencies", Scope.RUNTIME)
        if "optional-dependencies" in project:
            sink.groups(project["optional-dependencies"], "project.optional-dependencies", Scope.RUNTIME)
    if "dependency-groups" in doc:
        sink.groups(doc["dependency-groups"], "dependency-groups", Scope.DEV)
    build = doc.get("build-system", {})
    if isinstance(build, dict) and "requires" in build:
        sink.strings(build["requires"], "build-system", "requires", Scope.BUILD)
    _poetry(doc, sink)
    pdm_dev = _table_at(doc, "tool.pdm.dev-dependencies")
    if pdm_dev is not None:
        sink.groups(pdm_dev, "tool.pdm.dev-dependencies", Scope.DEV)
    uv_dev = _table_at(doc, "tool.uv.dev-dependencies")
    if uv_dev is not None:
        sink.strings(uv_dev, "tool.uv", "dev-dependencies", Scope.DEV)
    members = _table_at(doc, "tool.uv.workspace.members") or []
    if not isinstance(members, list) or not all(isinstance(m, str) for m in members):
        raise ManifestError("[tool.uv.workspace] members must be a list of strings")
    return ManifestResult(
        dependencies=tuple(sink.deps), diagnostics=tuple(sink.diags), workspace_members=tuple(members)
    )


def parse_setup_cfg(path: str, text: str, ctx: ParseContext) -> ManifestResult:
    """install_requires, extras_require, tests_require and setup_requires of a setup.cfg."""
    del ctx
    parser = load_ini(text, "setup.cfg")
    sink = _Sink(path, _Index.build(text), [], [])
    keys = (("install_requires", Scope.RUNTIME), ("tests_require", Scope.TEST), ("setup_requires", Scope.BUILD))
    if parser.has_section("options"):
        for key, scope in keys:
            if parser.has_option("options", key):
                sink.strings(_cfg_list(parser.get("options", key)), "options", key, scope)
    if parser.has_section("options.extras_require"):
        for group, value in parser.items("options.extras_require"):
            sink.strings(_cfg_list(value), "options.extras_require", group, group_scope(group, Scope.RUNTIME))
    return ManifestResult(dependencies=tuple(sink.deps), diagnostics=tuple(sink.diags))


def _cfg_list(value: str) -> list[str]:
    """setuptools' dangling-list syntax: one requirement per line, or a single line."""
    return [item.strip() for item in value.splitlines() if item.strip() and not item.strip().startswith("file:")]


def parse_pipfile(path: str, text: str, ctx: ParseContext) -> ManifestResult:
    """[packages] and [dev-packages] of a Pipfile."""
    del ctx
    doc = load_toml(text, "Pipfile")
    sink = _Sink(path, _Index.build(text), [], [])
    for section, scope in (("packages", Scope.RUNTIME), ("dev-packages", Scope.DEV)):
        if section in doc:
            sink.table(doc[section], section, scope)
    return ManifestResult(dependencies=tuple(sink.deps), diagnostics=tuple(sink.diags))


def _lock_packages(text: str, filename: str) -> Iterator[tuple[dict[str, Any], int]]:
    """Each [[package]] table of a TOML lockfile with the line of its ``name`` key."""
    packages = load_toml(text, filename).get("package", [])
    if not isinstance(packages, list):
        raise ManifestError(f"{filename}: 'package' must be an array of tables")
    lines = text.splitlines()
    heads = [*(i for i, raw in enumerate(lines) if raw.strip() == "[[package]]"), len(lines)]
    for n, package in enumerate(packages):
        if not isinstance(package, dict) or not isinstance(package.get("name"), str):
            raise ManifestError(f"{filename}: package #{n + 1} has no name")
        span = range(heads[n], heads[n + 1]) if n + 1 < len(heads) else range(0)
        line = next((i + 1 for i in span if re.match(r"\s*name\s*=", lines[i])), 0)
        yield package, line


def parse_poetry_lock(path: str, text: str, ctx: ParseContext) -> ManifestResult:
    """Every package pinned in a poetry.lock (all transitive), with its category or groups as scope."""
    del ctx
    deps: list[Dependency] = []
    for package, line in _lock_packages(text, "poetry.lock"):
        groups = package.get("groups", [package.get("category", "main")])
        names = [str(g) for g in groups] if isinstance(groups, list) else ["main"]
        scope = Scope.RUNTIME if "main" in names else group_scope("-".join(names), Scope.DEV)
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


def parse_uv_lock(path: str, text: str, ctx: ParseContext) -> ManifestResult:
    """Every package pinned in a uv.lock (all transitive), skipping the workspace's own packages."""
    del ctx
    deps: list[Dependency] = []
    for package, line in _lock_packages(text, "uv.lock"):
        source = package.get("source", {})
        if isinstance(source, dict) and ("editable" in source or "virtual" in source):
            continue
        deps.append(
            Dependency(
                ecosystem="pypi",
                name=package["name"],
                version=str(package.get("version", "")),
                scope=Scope.RUNTIME,
                direct=False,
                path=path,
                line=line,
            )
        )
    return ManifestResult(dependencies=tuple(deps))
