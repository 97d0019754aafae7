"""Gradle's data files: version catalogs (``gradle/libs.versions.toml``) and dependency lockfiles.

A version catalog declares the libraries and plugins a build may use, with versions shared through
``[versions]``; it is TOML, read with ``tomllib``, and each alias is located on its line by a small
key index (tomllib keeps no positions). Catalog libraries are reported as runtime dependencies (the
catalog does not say which configuration uses them), plugins as ``plugin:<id>`` at build scope, the
name jvm.py gives plugins of build scripts. ``gradle.lockfile`` pins the resolved graph one
``group:artifact:version=configurations`` line at a time; everything in it is transitive, and a module
locked only for test classpaths is test scope.
"""

from __future__ import annotations

import posixpath
import re
from typing import Any

from analyzer.errors import ManifestError
from analyzer.manifests import ParseContext
from analyzer.manifests._read.tomldoc import load_toml
from analyzer.model import Dependency, Diagnostic, ManifestResult, Scope, Severity

_MAVEN = "maven"
_HEADER = re.compile(r"^\s*\[([A-Za-z0-9_.-]+)\]\s*(?:#.*)?$")
_KEY = re.compile(r"""^\s*(?:"([^"]+)"|'([^']+)'|([A-Za-z0-9_-]+))\s*[.=]""")
_LOCK_LINE = re.compile(r"^([^:=\s]+):([^:=\s]+):([^:=\s]+)=(.*)$")
_TEST_CONFIG = re.compile(r"^(?:test|androidTest|integrationTest|testFixtures)", re.IGNORECASE)


def _key_lines(text: str) -> dict[tuple[str, str], int]:
    """(table, first part of a key) -> 1-based line of its first assignment."""
    lines: dict[tuple[str, str], int] = {}
    table = ""
    for number, raw in enumerate(text.splitlines(), 1):
        header = _HEADER.match(raw)
        if header:
            table = header.group(1)
            continue
        key = _KEY.match(raw)
        if key:
            lines.setdefault((table, next(g for g in key.groups() if g)), number)
    return lines


def _version(spec: object, versions: dict[str, Any], where: str, diags: list[Diagnostic], path: str) -> str:
    """A catalog version: a string, a rich version table, or a ``ref`` into ``[versions]``."""
    if isinstance(spec, str):
        return spec
    if not isinstance(spec, dict):
        return ""
    if "ref" in spec:
        ref = str(spec["ref"])
        if ref not in versions:
            diags.append(
                Diagnostic(
                    path=path,
                    message=f"{where}: version.ref {ref!r} is not defined in [versions]",
                    severity=Severity.WARNING,
                    stage="manifests",
                )
            )
            return ""
        return _version(versions[ref], versions, where, diags, path)
    for key in ("strictly", "require", "prefer"):
        if isinstance(spec.get(key), str):
            return str(spec[key])
    return ""


def _library(alias: str, spec: object, versions: dict[str, Any], diags: list[Diagnostic], path: str) -> tuple[str, str]:
    """(group:artifact, version) of one ``[libraries]`` entry."""
    where = f"[libraries] {alias}"
    if isinstance(spec, str):
        parts = spec.split(":")
        if len(parts) not in (2, 3) or not all(parts):
            raise ManifestError(f"{where}: {spec!r} is not group:artifact[:version]")
        return f"{parts[0]}:{parts[1]}", parts[2] if len(parts) == 3 else ""
    if not isinstance(spec, dict):
        raise ManifestError(f"{where} must be a string or a table")
    if isinstance(spec.get("module"), str) and spec["module"].count(":") == 1:
        name = str(spec["module"])
    elif isinstance(spec.get("group"), str) and isinstance(spec.get("name"), str):
        name = f"{spec['group']}:{spec['name']}"
    else:
        raise ManifestError(f'{where} needs module = "group:artifact" or group and name')
    return name, _version(spec.get("version", ""), versions, where, diags, path)


def _plugin(alias: str, spec: object, versions: dict[str, Any], diags: list[Diagnostic], path: str) -> tuple[str, str]:
    where = f"[plugins] {alias}"
    if isinstance(spec, str):
        plugin_id, _, version = spec.partition(":")
        return f"plugin:{plugin_id}", version
    if not isinstance(spec, dict) or not isinstance(spec.get("id"), str):
        raise ManifestError(f"{where} needs an id")
    return f"plugin:{spec['id']}", _version(spec.get("version", ""), versions, where, diags, path)


def _table(doc: dict[str, Any], name: str) -> dict[str, Any]:
    value = doc.get(name, {})
    if not isinstance(value, dict):
        raise ManifestError(f"[{name}] must be a table")
    return value


def parse_version_catalog(path: str, text: str, ctx: ParseContext) -> ManifestResult:
    """Libraries (runtime) and plugins (build) of a Gradle version catalog, versions resolved."""
    del ctx
    doc = load_toml(text, posixpath.basename(path))
    versions = _table(doc, "versions")
    lines = _key_lines(text)
    deps: list[Dependency] = []
    diags: list[Diagnostic] = []
    for alias, spec in _table(doc, "libraries").items():
        name, version = _library(alias, spec, versions, diags, path)
        deps.append(
            Dependency(
                ecosystem=_MAVEN,
                name=name,
                version=version,
                scope=Scope.RUNTIME,
                direct=True,
                path=path,
                line=lines.get(("libraries", alias), 0),
            )
        )
    for alias, spec in _table(doc, "plugins").items():
        name, version = _plugin(alias, spec, versions, diags, path)
        deps.append(
            Dependency(
                ecosystem=_MAVEN,
                name=name,
                version=version,
                scope=Scope.BUILD,
                direct=True,
                path=path,
                line=lines.get(("plugins", alias), 0),
            )
        )
    return ManifestResult(dependencies=tuple(deps), diagnostics=tuple(diags))


def parse_gradle_lockfile(path: str, text: str, ctx: ParseContext) -> ManifestResult:
    """Every module of a gradle.lockfile, transitive; test-classpath-only modules are test scope."""
    del ctx
    buildscript = posixpath.basename(path).startswith(("buildscript", "settings"))
    deps: list[Dependency] = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#") or line.startswith("empty="):
            continue
        match = _LOCK_LINE.match(line)
        if match is None:
            raise ManifestError(f"line {number}: expected group:artifact:version=configurations, found {line[:60]!r}")
        group, artifact, version, configs = match.groups()
        names = [c.strip() for c in configs.split(",") if c.strip()]
        if buildscript:
            scope = Scope.BUILD
        elif names and all(_TEST_CONFIG.match(c) for c in names):
            scope = Scope.TEST
        else:
            scope = Scope.RUNTIME
        deps.append(
            Dependency(
                ecosystem=_MAVEN,
                name=f"{group}:{artifact}",
                version=version,
                scope=scope,
                direct=False,
                path=path,
                line=number,
            )
        )
    return ManifestResult(dependencies=tuple(deps))
