"""Dart and Flutter manifests: ``pubspec.yaml`` and ``pubspec.lock`` (ecosystem ``pub``).

Both are YAML. They are composed into PyYAML nodes and never constructed: nodes keep their line, and
aliases stay references, so an alias bomb costs nothing as long as only the levels a parser needs are
walked. The node helpers here are also used by the other YAML manifests of this family (Podfile.lock,
stack.yaml). An SDK dependency (``flutter: {sdk: flutter}``) is reported under the SDK's name, which is
what rules look for; the lockfile says itself which packages are direct, dev or transitive.
"""

from __future__ import annotations

import yaml

from analyzer.errors import ManifestError
from analyzer.manifests import ParseContext, entry_warning
from analyzer.manifests._read import yamldoc
from analyzer.model import Dependency, Diagnostic, ManifestResult, Scope

_PUB = "pub"
_SECTIONS = (
    ("dependencies", Scope.RUNTIME, True),
    ("dev_dependencies", Scope.DEV, True),
    ("dependency_overrides", Scope.RUNTIME, False),
)
_LOCK_KINDS = {
    "direct main": (Scope.RUNTIME, True),
    "direct dev": (Scope.DEV, True),
    "direct overridden": (Scope.RUNTIME, True),
    "transitive": (Scope.RUNTIME, False),
}


def _field(node: yaml.Node, key: str) -> yaml.Node | None:
    if not isinstance(node, yaml.MappingNode):
        return None
    return next((v for k, v in node.value if yamldoc.scalar(k) == key), None)


def _spec(name: str, value: yaml.Node) -> tuple[str, str]:
    """(reported name, version) of one pubspec entry: a constraint, or where the package comes from."""
    plain = yamldoc.scalar(value)
    if plain is not None:
        return name, plain
    if not isinstance(value, yaml.MappingNode):
        raise ManifestError(f"line {value.start_mark.line + 1}: dependency {name!r} must be a version or a mapping")
    sdk = yamldoc.scalar(_field(value, "sdk"))
    if sdk:
        return (sdk if name == sdk else name), f"sdk:{sdk}"
    version = yamldoc.scalar(_field(value, "version"))
    if version:
        return name, version
    for source in ("git", "path", "hosted"):
        node = _field(value, source)
        if node is None:
            continue
        where = yamldoc.scalar(node)
        if where is None:
            where = yamldoc.scalar(_field(node, "url")) or ""
        return name, f"{source}:{where}"
    return name, ""


def _workspace(root: yaml.Node) -> tuple[str, ...]:
    members = _field(root, "workspace")
    if members is None:
        return ()
    if not isinstance(members, yaml.SequenceNode):
        raise ManifestError(f"line {members.start_mark.line + 1}: workspace must be a list of paths")
    return tuple(text for text in (yamldoc.scalar(m) for m in members.value) if text)


def parse_pubspec(path: str, text: str, ctx: ParseContext) -> ManifestResult:
    """dependencies, dev_dependencies and dependency_overrides of a pubspec.yaml, and its workspace."""
    del ctx
    root = yamldoc.compose(text, "pubspec.yaml")
    if root is None:
        return ManifestResult()
    if not isinstance(root, yaml.MappingNode):
        raise ManifestError("pubspec.yaml must hold a mapping")
    deps: list[Dependency] = []
    problems: list[Diagnostic] = []
    for section, scope, direct in _SECTIONS:
        body = _field(root, section)
        if body is None or yamldoc.scalar(body) == "":
            continue
        for key, line, value in yamldoc.entries(body, section):
            try:
                name, version = _spec(key, value)
            except ManifestError as exc:  # one odd entry (a tag such as !!python/object): the others still count
                problems.append(entry_warning(path, f"{exc}; that dependency is not counted"))
                continue
            deps.append(
                Dependency(ecosystem=_PUB, name=name, version=version, scope=scope, direct=direct, path=path, line=line)
            )
    return ManifestResult(dependencies=tuple(deps), diagnostics=tuple(problems), workspace_members=_workspace(root))


def parse_pubspec_lock(path: str, text: str, ctx: ParseContext) -> ManifestResult:
    """Every package of a pubspec.lock, direct or transitive as the lock's ``dependency`` field says."""
    del ctx
    root = yamldoc.compose(text, "pubspec.lock")
    packages = _field(root, "packages") if root is not None else None
    if packages is None:
        raise ManifestError("pubspec.lock has no 'packages' mapping")
    deps: list[Dependency] = []
    problems: list[Diagnostic] = []
    for name, line, body in yamldoc.entries(packages, "packages"):
        kind = yamldoc.scalar(_field(body, "dependency")) or "transitive"
        if kind not in _LOCK_KINDS:
            message = f"line {line}: package {name!r} has unknown dependency kind {kind!r}; it is not counted"
            problems.append(entry_warning(path, message))
            continue
        scope, direct = _LOCK_KINDS[kind]
        version = yamldoc.scalar(_field(body, "version")) or ""
        deps.append(
            Dependency(ecosystem=_PUB, name=name, version=version, scope=scope, direct=direct, path=path, line=line)
        )
    return ManifestResult(dependencies=tuple(deps), diagnostics=tuple(problems))
