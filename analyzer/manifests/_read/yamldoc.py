"""The one YAML reader of the manifest parsers, and the accessors over its nodes.

Documents are composed into PyYAML nodes (line numbers kept; custom tags such as ``!Ref`` or ``!vault`` need
no constructor) with libyaml's safe loader when PyYAML was built with it. Before and after composing, the
document is bounded: flow brackets nested past ``MAX_DEPTH`` are refused before PyYAML sees them (its scanner
slows down badly on ``[[[[...``), block nesting past libyaml's own limit and Python's recursion limit get the
same message, and an alias graph that expands past ``MAX_NODES`` nodes or an anchor used inside itself is
refused in time linear in the graph, not in its expansion. Every failure is a ``ManifestError`` naming the
file and, when known, the line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import yaml

from analyzer.errors import ManifestError

LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
MAX_DEPTH = 64
MAX_NODES = 200_000
_MAX_MERGE_DEPTH = 16
NULL_TAG = "tag:yaml.org,2002:null"
_MERGE_TAG = "tag:yaml.org,2002:merge"
# Quoted scalars and comments on one line: brackets inside them are text, not nesting.
_FLOW_TOKENS = re.compile(r"""(?:^|(?<=[\s\[{,:]))(?:"(?:[^"\\\n]|\\.)*"|'[^'\n]*')|(?:^|(?<=\s))#[^\n]*|[\[\]{}\n]""")


def _too_deep(filename: str, line: int) -> ManifestError:
    where = f" (line {line})" if line else ""
    return ManifestError(f"{filename} is nested too deeply to read{where}: YAML deeper than {MAX_DEPTH} levels")


def _check_flow_depth(text: str, filename: str) -> None:
    depth, line = 0, 1
    for token in _FLOW_TOKENS.finditer(text):
        mark = token.group()
        if mark == "\n":
            line += 1
        elif mark in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                raise _too_deep(filename, line)
        elif mark in "]}":
            depth = max(0, depth - 1)


def _kids(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    return list(node.value) if isinstance(node, yaml.SequenceNode) else []


def _graph_problem(root: yaml.Node, filename: str) -> str | None:
    """Why a graph is refused: an anchor used inside itself, or past MAX_NODES nodes once aliases are expanded.

    Each node's expanded size is computed once (post-order, no recursion): the check costs the size of the
    node graph, not of the expansion an alias bomb would need. It returns the message rather than raising,
    so no traceback frame holds a node as an argument (printing one would expand the bomb).
    """
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()
    pending: list[tuple[yaml.Node, bool]] = [(root, False)]
    while pending:
        node, finished = pending.pop()
        if finished:
            open_nodes.discard(id(node))
            sizes[id(node)] = 1 + sum(sizes[id(kid)] for kid in _kids(node))
            if sizes[id(node)] > MAX_NODES:
                return f"{filename} has more than {MAX_NODES} YAML nodes with its aliases expanded (an alias bomb?)"
        elif id(node) in open_nodes:
            return f"{filename} line {node.start_mark.line + 1}: a YAML anchor is used inside itself"
        elif id(node) not in sizes:
            open_nodes.add(id(node))
            pending.append((node, True))
            pending.extend((kid, False) for kid in _kids(node))
    return None


def _error(exc: yaml.YAMLError, filename: str) -> ManifestError:
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 0
        problem = exc.problem or exc.context or ""
        if "nesting depth" in problem:
            return _too_deep(filename, line)
        where = f" at line {line}" if line else ""
        return ManifestError(f"invalid YAML in {filename}{where}: {problem}")
    return ManifestError(f"invalid YAML in {filename}: {' '.join(str(exc).split())}")


def compose_all(text: str, filename: str) -> list[yaml.Node]:
    """The root node of each document of a YAML text (empty documents left out), bounded as the module says."""
    _check_flow_depth(text, filename)
    try:
        # The reader rejects control characters as soon as it is built, so this is inside the try too.
        loader = LOADER(text)
    except yaml.YAMLError as exc:
        raise _error(exc, filename) from exc
    roots: list[yaml.Node] = []
    try:
        while loader.check_node():
            node = loader.get_node()
            problem = None if node is None else _graph_problem(node, filename)
            if problem:
                raise ManifestError(problem)
            if node is not None:
                roots.append(node)
    except yaml.YAMLError as exc:
        raise _error(exc, filename) from exc
    except RecursionError as exc:
        raise _too_deep(filename, 0) from exc
    finally:
        loader.dispose()
    return roots


def compose(text: str, filename: str) -> yaml.Node | None:
    """The root node of a one-document YAML text (None when empty); a second document is an error."""
    roots = compose_all(text, filename)
    if len(roots) > 1:
        line = roots[1].start_mark.line + 1
        raise ManifestError(f"invalid YAML in {filename} at line {line}: expected a single document")
    return roots[0] if roots else None


def construct(node: yaml.Node, filename: str) -> object:
    """Plain Python data (dicts, lists, scalars) of a node ``compose`` returned; safe tags only."""
    loader = LOADER("")
    try:
        return loader.construct_document(node)
    except yaml.YAMLError as exc:
        raise _error(exc, filename) from exc
    except RecursionError as exc:
        raise _too_deep(filename, 0) from exc
    finally:
        loader.dispose()


# --- accessors ----------------------------------------------------------------------------------


def line(node: yaml.Node) -> int:
    """1-based line where a node starts."""
    return int(node.start_mark.line) + 1


def text(node: object) -> str | None:
    """The text of a non-null scalar, exactly as written (``1.10`` stays ``1.10``); None otherwise."""
    if isinstance(node, yaml.ScalarNode) and node.tag != NULL_TAG:
        return str(node.value)
    return None


def scalar(node: object) -> str | None:
    """The text of a scalar node, a ``null`` being ""; None for anything else."""
    if isinstance(node, yaml.ScalarNode):
        return "" if node.tag == NULL_TAG else str(node.value)
    return None


def is_null(node: object) -> bool:
    """Whether a node is absent or an explicit ``null``."""
    return node is None or (isinstance(node, yaml.ScalarNode) and node.tag == NULL_TAG)


def pairs(node: yaml.Node | None, _depth: int = 0) -> list[tuple[str, yaml.Node, yaml.Node]]:
    """(key text, key node, value node) of a mapping, merge keys (``<<: *x``) applied; [] for anything else.

    As YAML says, a key written in the mapping wins over a merged one, earlier merged mappings win over
    later ones, and a key written twice keeps its last value (as a constructed mapping would).
    """
    if not isinstance(node, yaml.MappingNode) or _depth > _MAX_MERGE_DEPTH:
        return []
    own: dict[str, tuple[str, yaml.Node, yaml.Node]] = {}
    merged: list[yaml.Node] = []
    for key, value in node.value:
        if key.tag == _MERGE_TAG:
            merged.extend(value.value if isinstance(value, yaml.SequenceNode) else [value])
            continue
        name = text(key)
        if name is not None:
            own[name] = (name, key, value)
    for source in merged:
        for name, key, value in pairs(source, _depth + 1):
            own.setdefault(name, (name, key, value))
    return list(own.values())


def entries(node: yaml.Node | None, what: str) -> Iterator[tuple[str, int, yaml.Node]]:
    """(key, key line, value node) of every scalar key of a mapping, in order, duplicates kept; None yields
    nothing; anything else is a ManifestError naming ``what``."""
    if node is None:
        return
    if not isinstance(node, yaml.MappingNode):
        raise ManifestError(f"line {line(node)}: {what} must be a mapping")
    for key, value in node.value:
        name = scalar(key)
        if name is not None:
            yield name, line(key), value


def get(node: yaml.Node | None, key: str) -> yaml.Node | None:
    """The value of ``key`` in a mapping node, merge keys applied; None when absent or not a mapping."""
    return next((value for name, _, value in pairs(node) if name == key), None)


def items(node: yaml.Node | None) -> list[yaml.Node]:
    """The entries of a sequence node; [] for anything else."""
    return list(node.value) if isinstance(node, yaml.SequenceNode) else []


def list_at(node: yaml.Node | None, key: str) -> list[yaml.Node]:
    """The entries of the list under ``key``: [] when absent or null, ManifestError when it is not a list."""
    value = get(node, key)
    if is_null(value) or isinstance(value, yaml.SequenceNode):
        return items(value)
    assert value is not None
    raise ManifestError(f"line {line(value)}: '{key}' is not a list")
