"""Source lines for ``--show-source``: read from the analyzed tree by the CLI, handed to the terminal renderer.

Renderers never read files, so the CLI asks this module for the lines around the places the terminal report will
show (``terminal.source_places``) and passes them in. The analyzed repository is untrusted: lines are read
through the same ``Tree`` the analysis used (a work tree that refuses symlinks out of the root, or the git
objects of a revision), at most ``MAX_FILES`` files and ``MAX_BYTES`` of each, binary files skipped, bytes decoded
with replacement and every line cut at ``MAX_LINE_CHARS``; the renderer escapes control characters.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from analyzer.model import Report
from analyzer.reports.terminal_rows import CONTEXT_LINES, Excerpts
from analyzer.target.worktree import Tree

MAX_FILES = 100
MAX_BYTES = 2 << 20
MAX_LINE_CHARS = 400


def collect(tree: Tree, places: Iterable[tuple[str, int]], context: int = CONTEXT_LINES) -> Excerpts:
    """The lines around each ``(path, line)`` (line numbers from 1); places without a line are skipped."""
    wanted: dict[str, set[int]] = {}
    for path, line in places:
        if path and line > 0:
            wanted.setdefault(path, set()).update(range(line - context, line + context + 1))
    found: dict[str, dict[int, str]] = {}
    for path in sorted(wanted)[:MAX_FILES]:
        data = tree.read(path, MAX_BYTES)
        if data is None or b"\0" in data[:8192]:
            continue
        lines = data.decode("utf-8", "replace").splitlines()
        found[path] = {n: lines[n - 1][:MAX_LINE_CHARS] for n in sorted(wanted[path]) if 1 <= n <= len(lines)}
    return found


def read_excerpts(root: Path, report: Report, places: Iterable[tuple[str, int]], exclude: Sequence[str]) -> Excerpts:
    """Excerpts from the tree ``report`` describes: the work tree at ``root``, or the revision it names."""
    from analyzer.target.revision import RevisionTree
    from analyzer.target.worktree import WorkTree

    if report.target.revision is None:
        return collect(WorkTree(root, extra_ignores=exclude), places)
    with RevisionTree(root, report.target.revision, extra_ignores=exclude) as tree:
        tree.list_files()  # a revision reads only the blobs it listed
        return collect(tree, places)
