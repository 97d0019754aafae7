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
from analyzer.manifests.yamlguard import LOADER, check_flow_depth
from analyzer.model import Dependency, ManifestResult, Scope

_LOADER = LOADER
_MAX_EXPANDED = 200_000
_MAX_MERGE_DEPTH = 16
_NULL_TAG = "tag:yaml.org,2002:null"
_MERGE_TAG = "tag:yaml.org,2002:merge"
# registry[:port]/path[:tag][@digest]; lower case except the tag, as the distribution spec says.
_IMAGE = re.compile(r"^[a-z0-9][a-z0-9._/-]*(?::\d+/[a-z0-9._/-]+)?(?::\w[\w.-]{0,127})?(?:@sha256:[0-9a-f]{64})?$")
_DOCKER_HUB = ("docker.io/library/", "index.docker.io/library/", "library/", "docker.io/", "index.docker.io/")
_MAX_WALK = 100_000
_MAX_IMAGES = 500


# --- the bounded YAML node reader ----------------------------------------------------------------------


def _kids(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    return list(node.value) if isinstance(node, yaml.SequenceNode) else []


def _check_graph(root: yaml.Node) -> None:
    """Refuse anchors used inside themselves and alias graphs larger than ``_MAX_EXPANDED`` once expanded.

    Each node's expanded size is computed once (post-order, no recursion), so the check costs the size of
    the node graph, not of the expansion an alias bomb would need.
    """
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()
    pending: list[tuple[yaml.Node, bool]] = [(root, False)]
    while pending:
        node, finished = pending.pop()
        if finished:
            open_nodes.discard(id(node))
            sizes[id(node)] = 1 + sum(sizes[id(kid)] for kid in _kids(node))
            if sizes[id(node)] > _MAX_EXPANDED:
                raise ManifestError(
                    f"YAML document has more than {_MAX_EXPANDED} nodes with its aliases expanded (an alias bomb?)"
                )
        elif id(node) in open_nodes:
            raise ManifestError(f"line {node.start_mark.line + 1}: YAML anchor is used inside its own value")
        elif id(node) not in sizes:
            open_nodes.add(id(node))
            pending.append((node, True))
            pending.extend((kid, False) for kid in _kids(node))


def load_yaml(text: str) -> yaml.Node | None:
    """The composed root node of a one-document YAML text (None when empty), bounded as the module says."""
    check_flow_depth(text)
    try:
        # The reader rejects control characters when it is built, so this is inside the try as well.
        loader = _LOADER(text)
    except yaml.YAMLError as exc:
        raise ManifestError(f"invalid YAML: {exc}".replace("\n", " ")) from exc
    try:
        root: yaml.Node | None = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        where = exc.problem_mark.line + 1 if exc.problem_mark else 0
        raise ManifestError(f"invalid YAML at line {where}: {exc.problem or exc.context}") from exc
    except yaml.YAMLError as exc:
        raise ManifestError(f"invalid YAML: {exc}".replace("\n", " ")) from exc
    except RecursionError as exc:
        raise ManifestError("YAML nested too deeply") from exc
    finally:
        loader.dispose()
    if root is not None:
        _check_graph(root)
    return root


def yaml_line(node: yaml.Node) -> int:
    """1-based line where a node starts."""
    return int(node.start_mark.line) + 1


def yaml_text(node: yaml.Node | None) -> str | None:
    """The text of a non-null scalar, exactly as written (``1.10`` stays ``1.10``); None otherwise."""
    if isinstance(node, yaml.ScalarNode) and node.tag != _NULL_TAG:
        return str(node.value)
    return None


def yaml_pairs(node: yaml.Node | None, _depth: int = 0) -> list[tuple[str, yaml.Node, yaml.Node]]:
    """(key text, key node, value node) of a mapping, merge keys (``<<: *x``) applied; [] for anything else.

    As YAML says, a key written in the mapping wins over a merged one, and earlier merged mappings win
    over later ones.
    """
    if not isinstance(node, yaml.MappingNode) or _depth > _MAX_MERGE_DEPTH:
        return []
    own: dict[str, tuple[str, yaml.Node, yaml.Node]] = {}
    merged: list[yaml.Node] = []
    for key, value in node.value:
        if key.tag == _MERGE_TAG:
            merged.extend(value.value if isinstance(value, yaml.SequenceNode) else [value])
            continue
        text = yaml_text(key)
        if text is not None:
            own[text] = (text, key, value)
    for source in merged:
        for text, key, value in yaml_pairs(source, _depth + 1):
            own.setdefault(text, (text, key, value))
    return list(own.values())


def yaml_get(node: yaml.Node | None, key: str) -> yaml.Node | None:
    """The value of ``key`` in a mapping node, merge keys applied; None when absent or not a mapping."""
    return next((value for text, _, value in yaml_pairs(node) if text == key), None)


def yaml_items(node: yaml.Node | None) -> list[yaml.Node]:
    """The entries of a sequence node; [] for anything else."""
    return list(node.value) if isinstance(node, yaml.SequenceNode) else []


def yaml_list(node: yaml.Node | None, key: str) -> list[yaml.Node]:
    """The entries of the list under ``key``: [] when absent or null, ``ManifestError`` when it is not a list."""
    value = yaml_get(node, key)
    if (
        value is None
        or isinstance(value, yaml.SequenceNode)
        or (isinstance(value, yaml.ScalarNode) and value.tag == _NULL_TAG)
    ):
        return yaml_items(value)
    raise ManifestError(f"line {yaml_line(value)}: '{key}' is not a list")


def image_reference(reference: str) -> tuple[str, str] | None:
    """(name, tag or digest) of a container image reference, Docker Hub's prefixes dropped; None if it is not one."""
    reference = reference.strip()
    if len(reference) > 300 or "//" in reference or not _IMAGE.match(reference):
        return None
    name, _, digest = reference.partition("@")
    head, slash, last = name.rpartition("/")
    version = digest
    if ":" in last:
        last, version = last.split(":", 1)
        name = head + slash + last
    for prefix in _DOCKER_HUB:
        if name.startswith(prefix):
            name = name[len(prefix) :]
            break
    return name, version


# --- Chart.yaml ----------------------------------------------------------------------------------------


def _require_mapping(root: yaml.Node | None, what: str) -> yaml.Node:
    if not isinstance(root, yaml.MappingNode):
        raise ManifestError(f"top level is not a mapping: not a {what}")
    return root


def parse_chart_yaml(path: str, text: str, ctx: ParseContext) -> ManifestResult:
    """The chart itself (``chart:<name>``) and the subcharts of its ``dependencies`` list."""
    root = _require_mapping(load_yaml(text), "Helm chart")
    name_node = yaml_get(root, "name")
    name = yaml_text(name_node)
    if not name or name_node is None:
        raise ManifestError("no 'name': a Helm chart must name itself")
    version = yaml_text(yaml_get(root, "version")) or ""
    deps = [
        Dependency(
            ecosystem="helm",
            name=f"chart:{name}",
            version=version,
            scope=Scope.BUILD,
            direct=True,
            path=path,
            line=yaml_line(name_node),
        )
    ]
    for entry in yaml_list(root, "dependencies"):
        sub = yaml_text(yaml_get(entry, "name"))
        if not sub:
            raise ManifestError(f"line {yaml_line(entry)}: a chart dependency without a name")
        deps.append(
            Dependency(
                ecosystem="helm",
                name=sub,
                version=yaml_text(yaml_get(entry, "version")) or "",
                scope=Scope.RUNTIME,
                direct=True,
                path=path,
                line=yaml_line(entry),
            )
        )
    return ManifestResult(dependencies=tuple(deps))


# --- values.yaml ---------------------------------------------------------------------------------------


def _image_of(value: yaml.Node) -> tuple[str, str] | None:
    """The image an ``image:`` value names: ``repo:tag`` or ``{registry, repository, tag|digest}``."""
    written = yaml_text(value)
    if written is not None:
        # ``image: true`` or ``image: 2`` are switches and counters, not references.
        return image_reference(written) if value.tag.endswith(":str") else None
    repository = yaml_text(yaml_get(value, "repository"))
    if not repository:
        return None
    registry = yaml_text(yaml_get(value, "registry"))
    found = image_reference(f"{registry}/{repository}" if registry else repository)
    if found is None:
        return None
    tag = yaml_text(yaml_get(value, "tag")) or yaml_text(yaml_get(value, "digest")) or found[1]
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
        for text, key, value in reversed(yaml_pairs(node)):
            image = _image_of(value) if text == "image" else None
            if image is not None:
                yield image[0], image[1], yaml_line(key)  # an alias's value starts at its anchor, far away
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
        root = load_yaml(text)
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
        for entry in yaml_list(root, key):
            where = yaml_text(entry) or ""
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
                line=yaml_line(entry),
            )


def parse_kustomization(path: str, text: str, ctx: ParseContext) -> ManifestResult:
    """Images a kustomization rewrites, Helm charts it inflates and its remote resources."""
    root = _require_mapping(load_yaml(text), "kustomization")
    deps = list(_remote_bases(root, path))
    for key in ("images", "helmCharts"):
        for entry in yaml_list(root, key):
            name = yaml_text(yaml_get(entry, "name"))
            if not name:
                raise ManifestError(f"line {yaml_line(entry)}: an entry of '{key}' without a name")
            if key == "helmCharts":
                version = yaml_text(yaml_get(entry, "version")) or ""
                deps.append(
                    Dependency(
                        ecosystem="helm",
                        name=name,
                        version=version,
                        scope=Scope.RUNTIME,
                        direct=True,
                        path=path,
                        line=yaml_line(entry),
                    )
                )
                continue
            image = image_reference(yaml_text(yaml_get(entry, "newName")) or name)
            if image is not None:
                tag = yaml_text(yaml_get(entry, "newTag")) or yaml_text(yaml_get(entry, "digest")) or image[1]
                deps.append(
                    Dependency(
                        ecosystem="docker",
                        name=image[0],
                        version=tag,
                        scope=Scope.RUNTIME,
                        direct=True,
                        path=path,
                        line=yaml_line(entry),
                    )
                )
    return ManifestResult(dependencies=tuple(sorted(deps, key=lambda d: d.line)))
