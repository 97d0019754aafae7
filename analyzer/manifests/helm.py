"""Helm and Kustomize manifests: ``Chart.yaml``, a chart's ``values.yaml`` and ``kustomization.yaml``.

A chart names itself (``helm`` dependency ``chart:<name>``, build scope, so a rule can see "this is a Helm
chart") and its subcharts; values files name the container images a chart deploys (``image: repo:tag`` or
``image: {registry, repository, tag}`` anywhere in the tree), as ecosystem ``docker``; a kustomization
names the images it rewrites, the Helm charts it inflates and its remote bases (ecosystem ``kustomize``).
The YAML reader here is shared by the other infrastructure parsers: it composes nodes (so line numbers are
known and custom tags such as ``!Ref`` or ``!vault`` need no constructor), never builds Python objects, and
bounds the document first: flow brackets nested too deep, alias graphs that expand past a node budget and
self-referencing anchors become a ``ManifestError``.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator

import yaml

from analyzer.errors import ManifestError
from analyzer.manifests import ParseContext
from analyzer.manifests._read import yamldoc
from analyzer.manifests._read.images import image_reference
from analyzer.model import Dependency, ManifestResult, Scope

_MAX_WALK = 100_000
_MAX_IMAGES = 500


# --- Chart.yaml ----------------------------------------------------------------------------------------


def _require_mapping(root: yaml.Node | None, what: str) -> yaml.Node:
    if not isinstance(root, yaml.MappingNode):
        raise ManifestError(f"top level is not a mapping: not a {what}")
    return root


def parse_chart_yaml(path: str, text: str, ctx: ParseContext) -> ManifestResult:
    """The chart itself (``chart:<name>``) and the subcharts of its ``dependencies`` list."""
    root = _require_mapping(yamldoc.compose(text, posixpath.basename(path)), "Helm chart")
    name_node = yamldoc.get(root, "name")
    name = yamldoc.text(name_node)
    if not name or name_node is None:
        raise ManifestError("no 'name': a Helm chart must name itself")
    version = yamldoc.text(yamldoc.get(root, "version")) or ""
    deps = [
        Dependency(
            ecosystem="helm",
            name=f"chart:{name}",
            version=version,
            scope=Scope.BUILD,
            direct=True,
            path=path,
            line=yamldoc.line(name_node),
        )
    ]
    for entry in yamldoc.list_at(root, "dependencies"):
        sub = yamldoc.text(yamldoc.get(entry, "name"))
        if not sub:
            raise ManifestError(f"line {yamldoc.line(entry)}: a chart dependency without a name")
        deps.append(
            Dependency(
                ecosystem="helm",
                name=sub,
                version=yamldoc.text(yamldoc.get(entry, "version")) or "",
                scope=Scope.RUNTIME,
                direct=True,
                path=path,
                line=yamldoc.line(entry),
            )
        )
    return ManifestResult(dependencies=tuple(deps))


# --- values.yaml ---------------------------------------------------------------------------------------


def _image_of(value: yaml.Node) -> tuple[str, str] | None:
    """The image an ``image:`` value names: ``repo:tag`` or ``{registry, repository, tag|digest}``."""
    written = yamldoc.text(value)
    if written is not None:
        # ``image: true`` or ``image: 2`` are switches and counters, not references.
        return image_reference(written) if value.tag.endswith(":str") else None
    repository = yamldoc.text(yamldoc.get(value, "repository"))
    if not repository:
        return None
    registry = yamldoc.text(yamldoc.get(value, "registry"))
    found = image_reference(f"{registry}/{repository}" if registry else repository)
    if found is None:
        return None
    tag = yamldoc.text(yamldoc.get(value, "tag")) or yamldoc.text(yamldoc.get(value, "digest")) or found[1]
    return found[0], tag


def _images(root: yaml.Node) -> Iterator[tuple[str, str, int]]:
    """(name, version, line) of every ``image`` key in the tree, visiting each node once and at most a budget."""
    seen: set[int] = set()
    pending = [root]
    while pending and len(seen) < _MAX_WALK:
        node = pending.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.SequenceNode):
            pending.extend(reversed(node.value))
            continue
        for text, key, value in reversed(yamldoc.pairs(node)):
            image = _image_of(value) if text == "image" else None
            if image is not None:
                yield image[0], image[1], yamldoc.line(key)  # an alias's value starts at its anchor, far away
            else:
                pending.append(value)


def parse_values_yaml(path: str, text: str, ctx: ParseContext) -> ManifestResult:
    """Container images a chart's values file names; quiet on a ``values.yaml`` that is not a chart's.

    Beside a ``Chart.yaml`` a broken file is an error like any manifest; elsewhere the name alone says
    little, so a file that does not parse, or is not a mapping, gives nothing and no diagnostic.
    """
    chart = posixpath.join(posixpath.dirname(path), "Chart.yaml")
    is_chart = ctx.read_text(chart) is not None
    try:
        root = yamldoc.compose(text, posixpath.basename(path))
    except ManifestError:
        if is_chart:
            raise
        return ManifestResult()
    if not isinstance(root, yaml.MappingNode):
        if is_chart and root is not None:
            raise ManifestError("top level is not a mapping: not a Helm values file")
        return ManifestResult()
    found: dict[tuple[str, str], Dependency] = {}
    for name, version, line in _images(root):
        if len(found) >= _MAX_IMAGES:
            break
        found.setdefault(
            (name, version),
            Dependency(
                ecosystem="docker", name=name, version=version, scope=Scope.RUNTIME, direct=True, path=path, line=line
            ),
        )
    return ManifestResult(dependencies=tuple(sorted(found.values(), key=lambda d: d.line)))


# --- kustomization.yaml --------------------------------------------------------------------------------

_REMOTE = re.compile(r"^(?:[a-z][a-z0-9+.-]*://|git@|git::|(?:github\.com|gitlab\.com|bitbucket\.org)/)")


def _remote_bases(root: yaml.Node, path: str) -> Iterator[Dependency]:
    for key in ("resources", "bases", "components"):
        for entry in yamldoc.list_at(root, key):
            where = yamldoc.text(entry) or ""
            if not _REMOTE.match(where):
                continue  # a local file or directory of the same repository
            url, _, query = where.partition("?")
            ref = next((part[4:] for part in query.split("&") if part.startswith("ref=")), "")
            yield Dependency(
                ecosystem="kustomize",
                name=url,
                version=ref,
                scope=Scope.RUNTIME,
                direct=True,
                path=path,
                line=yamldoc.line(entry),
            )


def parse_kustomization(path: str, text: str, ctx: ParseContext) -> ManifestResult:
    """Images a kustomization rewrites, Helm charts it inflates and its remote resources."""
    root = _require_mapping(yamldoc.compose(text, posixpath.basename(path)), "kustomization")
    deps = list(_remote_bases(root, path))
    for key in ("images", "helmCharts"):
        for entry in yamldoc.list_at(root, key):
            name = yamldoc.text(yamldoc.get(entry, "name"))
            if not name:
                raise ManifestError(f"line {yamldoc.line(entry)}: an entry of '{key}' without a name")
            if key == "helmCharts":
                version = yamldoc.text(yamldoc.get(entry, "version")) or ""
                deps.append(
                    Dependency(
                        ecosystem="helm",
                        name=name,
                        version=version,
                        scope=Scope.RUNTIME,
                        direct=True,
                        path=path,
                        line=yamldoc.line(entry),
                    )
                )
                continue
            image = image_reference(yamldoc.text(yamldoc.get(entry, "newName")) or name)
            if image is not None:
                tag = (
                    yamldoc.text(yamldoc.get(entry, "newTag")) or yamldoc.text(yamldoc.get(entry, "digest")) or image[1]
                )
                deps.append(
                    Dependency(
                        ecosystem="docker",
                        name=image[0],
                        version=tag,
                        scope=Scope.RUNTIME,
                        direct=True,
                        path=path,
                        line=yamldoc.line(entry),
                    )
                )
    return ManifestResult(dependencies=tuple(sorted(deps, key=lambda d: d.line)))
