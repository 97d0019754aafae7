"""Bounds for untrusted YAML, applied before PyYAML reads it.

PyYAML's scanner slows down badly on deeply nested flow collections (``[[[[...``), so every YAML reader of
the manifest parsers checks the nesting here first; the loader is libyaml's safe loader when PyYAML was
built with it (same nodes, several times faster).
"""

from __future__ import annotations

import re

import yaml

from analyzer.errors import ManifestError

LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
MAX_FLOW_DEPTH = 64
# Quoted scalars and comments on one line: brackets inside them are text, not nesting.
_FLOW_TOKENS = re.compile(r"""(?:^|(?<=[\s\[{,:]))(?:"(?:[^"\\\n]|\\.)*"|'[^'\n]*')|(?:^|(?<=\s))#[^\n]*|[\[\]{}\n]""")


def check_flow_depth(text: str, where: str = "") -> None:
    """Raise ManifestError when ``[``/``{`` nest deeper than MAX_FLOW_DEPTH; ``where`` prefixes the message."""
    depth, line = 0, 1
    for token in _FLOW_TOKENS.finditer(text):
        mark = token.group()
        if mark == "\n":
            line += 1
        elif mark in "[{":
            depth += 1
            if depth > MAX_FLOW_DEPTH:
                prefix = f"{where} line {line}" if where else f"line {line}"
                raise ManifestError(f"{prefix}: YAML flow collections nested deeper than {MAX_FLOW_DEPTH}")
        elif mark in "]}":
            depth = max(0, depth - 1)


def compose(text: str, filename: str) -> yaml.Node | None:
    """The root node of a one-document YAML text, composed but not constructed (None when empty).

    Callers walk only the nodes they need, so aliases cost nothing; nesting is bounded before parsing, and
    every YAML error becomes a ManifestError naming the file and the line.
    """
    check_flow_depth(text, filename)
    try:
        # The reader rejects control characters as soon as it is built, so this is inside the try too.
        loader = LOADER(text)
    except yaml.YAMLError as exc:
        raise ManifestError(f"invalid YAML in {filename}: {' '.join(str(exc).split())}") from exc
    try:
        node: yaml.Node | None = loader.get_single_node()
        return node
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else 0
        raise ManifestError(f"invalid YAML in {filename} at line {line}: {exc.problem or exc.context}") from exc
    except yaml.YAMLError as exc:
        raise ManifestError(f"invalid YAML in {filename}: {' '.join(str(exc).split())}") from exc
    except RecursionError as exc:
        raise ManifestError(f"{filename} is nested too deeply to read") from exc
    finally:
        loader.dispose()
