"""Porting-effort figures: size and complexity of the code a move to Rust or Go would rewrite (DESIGN §4).

The only module that imports radon, and only when a Python file is measured (a run without ``--effort`` never
loads it). Python files get radon's source lines and cyclomatic complexity per
function (parsed with ``ast`` inside radon, never executed); every other language gets line counts. The
figures are opt-in (``--effort``) because complexity analysis costs more than all the matching together.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from analyzer.model import Effort, Hotspot, LanguageLines

MAX_PYTHON_BYTES = 512 << 10
"""Larger Python files (generated tables, vendored blobs) are counted in lines but not parsed."""
HOTSPOTS = 10


@dataclass(frozen=True)
class FileMetrics:
    """What one file contributes: its language's lines and, for Python, its functions' complexity."""

    path: str
    language: str
    lines: int
    sloc: int = 0
    functions: tuple[tuple[str, int, int], ...] = ()
    """(name, line, cyclomatic complexity) of each function or method."""
    parsed: bool = False


def measure(path: str, language: str, text: str) -> FileMetrics:
    """Metrics of one file; Python that does not parse is counted in lines only."""
    lines = text.count("\n") + (not text.endswith("\n") and bool(text))
    if language != "Python" or len(text) > MAX_PYTHON_BYTES:
        return FileMetrics(path, language, lines)
    from radon.complexity import cc_visit
    from radon.raw import analyze as raw_analyze

    try:
        blocks = cc_visit(text)
        sloc = raw_analyze(text).sloc
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return FileMetrics(path, language, lines)
    functions = tuple(
        (f"{b.classname}.{b.name}" if getattr(b, "classname", None) else b.name, b.lineno, b.complexity)
        for b in blocks
        if type(b).__name__ == "Function"
    )
    return FileMetrics(path, language, lines, sloc, functions, parsed=True)


def summarize(metrics: Iterable[FileMetrics]) -> Effort:
    """The repository's figures from its files' metrics."""
    lines: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    functions: list[tuple[int, str, int, str]] = []
    python_files = sloc = 0
    for item in metrics:
        lines[item.language][0] += 1
        lines[item.language][1] += item.lines
        if item.parsed:
            python_files += 1
            sloc += item.sloc
            functions.extend((cc, item.path, line, name) for name, line, cc in item.functions)
    total_cc = sum(f[0] for f in functions)
    ranked = sorted(functions, key=lambda f: (-f[0], f[1], f[2]))[:HOTSPOTS]
    return Effort(
        lines=tuple(
            sorted(
                (LanguageLines(lang, n, count) for lang, (n, count) in lines.items()),
                key=lambda x: (-x.lines, x.language),
            )
        ),
        python_files=python_files,
        python_sloc=sloc,
        functions=len(functions),
        mean_complexity=round(total_cc / len(functions), 3) if functions else 0.0,
        hotspots=tuple(Hotspot(path, line, name, cc) for cc, path, line, name in ranked),
    )
