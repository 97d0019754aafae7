"""What every portfolio renderer derives from the rows alike: the status a person reads first, the names relative
to the list's root, and the summary counts (statuses, verdicts, markers, migration candidates by move, and the
current language x recommendation matrix).
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Sequence
from typing import Any

from analyzer.batch.columns import is_candidate
from analyzer.batch.folder import is_content_key
from analyzer.batch.run import Row
from analyzer.batch.sources import is_url
from analyzer.batch.tasks import Status

_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://(?:[^@/]*@)?", re.IGNORECASE)


def status(row: Row) -> str:
    """What a person must read first: ``failed`` for any failure, reused from an earlier run or not."""
    return "failed" if row.run.status == "failed" else row.status.value


def commit(revision: str) -> str | None:
    return None if not revision or is_content_key(revision) else revision


def display_name(source: str, root: str | None) -> str:
    """The source as a person reads it: relative to the list's root for paths, host/path for URLs."""
    if is_url(source):
        tail = _SCHEME.sub("", source) if _SCHEME.match(source) else source.split("@", 1)[-1].replace(":", "/", 1)
        return tail.removesuffix("/").removesuffix(".git") or source
    if root:
        relative = os.path.relpath(source, root)
        if relative not in (".", "") and not relative.startswith(".."):
            return relative.replace(os.sep, "/")
    return source.rstrip("/").rsplit("/", 1)[-1] or source


def common_root(sources: Sequence[str]) -> str | None:
    """The folder all local sources share (the parent of a lone one), None when there is none."""
    local = [s for s in sources if not is_url(s)]
    if not local:
        return None
    try:
        root = os.path.commonpath(local)
    except ValueError:  # absolute and relative paths mixed
        return None
    if root in local:  # one source, or one source inside another: name them from their parent
        root = root.rsplit("/", 1)[0] if "/" in root else ""
    return root or None


def _by_count(item: tuple[str, int]) -> tuple[int, str]:
    return -item[1], item[0]


def summarize(rows: Sequence[Row]) -> dict[str, Any]:
    """Counts by status (a failure counts as failed even when reused), by verdict, by marker category, by
    migration move (candidates only) and current language x recommendation, over repositories analyzed well."""
    statuses = Counter(status(row) for row in rows)
    good = [row.run.columns for row in rows if row.run.status == "ok"]
    matrix: dict[str, Counter[str]] = {}
    for c in good:
        matrix.setdefault(c.primary_language or "unknown", Counter())[c.verdict or "undecided"] += 1
    return {
        "repos": len(rows),
        "ok": statuses.get("ok", 0),
        "failed": statuses.get("failed", 0),
        "failed_earlier": sum(1 for row in rows if row.run.status == "failed" and row.status is Status.REUSED),
        "reused": statuses.get("reused", 0),
        "errors": statuses.get("failed", 0),
        "verdicts": dict(sorted(Counter(c.verdict or "undecided" for c in good).items())),
        "markers": dict(sorted(Counter(m for c in good for m in c.markers).items(), key=_by_count)),
        "candidates": sum(1 for c in good if is_candidate(c.move)),
        "migrations": dict(
            sorted(Counter(c.move for c in good if is_candidate(c.move) and c.move).items(), key=_by_count)
        ),
        "matrix": {language: dict(sorted(counts.items())) for language, counts in sorted(matrix.items())},
    }
