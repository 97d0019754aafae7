"""Baselines: a previous JSON report whose findings are already known, so that only new findings count.

``--write-baseline FILE`` saves a run's JSON report; ``--baseline FILE`` reads one back and drops from a new
report every finding it already holds, matched like ``analyze diff`` matches findings (rule, path and matched
text, not the line), so a baseline survives edits that only move code. Dropped findings no longer trigger the
``findings`` policy; the verdict, criteria and markers are left as they are, since those describe the
repository, not what is new in it. The report keeps the number it hid (``hidden_by_baseline``), so every format
can say "N known findings hidden by the baseline". A baseline that cannot be read is a configuration error.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, BinaryIO

from analyzer.compare.delta import new_findings
from analyzer.errors import ConfigError
from analyzer.model import Finding, Report

MAX_BASELINE_BYTES = 256 << 20
"""A baseline larger than this is refused rather than loaded into memory."""


@dataclass(frozen=True)
class Baseline:
    """The findings of a previous report, reduced to what matching needs."""

    source: str
    """File the baseline was read from."""
    findings: tuple[Finding, ...]
    """Known findings (rule, path and snippet filled in; the rest is informative)."""


def _finding(item: Any, source: str, index: int) -> Finding:
    if not isinstance(item, Mapping) or not isinstance(item.get("rule"), str) or not isinstance(item.get("path"), str):
        raise ConfigError(f"{source}: findings[{index}] needs string 'rule' and 'path' fields")
    snippet = item.get("snippet", "")
    line = item.get("line", 0)
    return Finding(
        rule=item["rule"],
        category=str(item.get("category", "")),
        message=str(item.get("message", "")),
        path=item["path"],
        line=line if isinstance(line, int) else 0,
        marker=str(item.get("marker", "")),
        component=str(item.get("component", "")),
        snippet=snippet if isinstance(snippet, str) else "",
        excluded=item.get("excluded") if isinstance(item.get("excluded"), str) else None,
    )


def parse_baseline(text: str, source: str) -> Baseline:
    """A Baseline from the text of a JSON report (or of a JSON delta, whose head report is used)."""
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise ConfigError(f"{source}: not a JSON report ({exc}); write one with --write-baseline") from None
    if isinstance(data, Mapping) and "findings" not in data and isinstance(data.get("head"), Mapping):
        data = data["head"]
    if not isinstance(data, Mapping) or not isinstance(data.get("findings"), list):
        raise ConfigError(f"{source}: no 'findings' list; a baseline is a JSON report written with --write-baseline")
    return Baseline(source, tuple(_finding(item, source, i) for i, item in enumerate(data["findings"])))


def load_baseline(path: Path) -> Baseline:
    """Read a baseline file; raise ConfigError when it is missing, too large or malformed."""
    try:
        with path.open("rb", buffering=0) as handle:
            raw = _read_at_most(handle, MAX_BASELINE_BYTES)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the baseline: {exc.strerror}") from exc
    if len(raw) > MAX_BASELINE_BYTES:
        raise ConfigError(f"{path}: baseline larger than {MAX_BASELINE_BYTES >> 20} MiB; refused")
    return parse_baseline(raw.decode("utf-8", "replace"), str(path))


def _read_at_most(handle: BinaryIO, limit: int) -> bytes:
    """Up to ``limit + 1`` bytes in reads sized by fstat: one for a regular file, 1 MiB steps for a pipe or FIFO."""
    step = min(limit + 1, max(os.fstat(handle.fileno()).st_size + 1, 1 << 20))
    chunks: list[bytes] = []
    got = 0
    while got <= limit:
        chunk = handle.read(min(step, limit + 1 - got))
        if not chunk:
            break
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


def apply_baseline(report: Report, baseline: Baseline) -> Report:
    """The report without the findings the baseline already knows, and how many it left out."""
    fresh = new_findings(report.findings, baseline.findings)
    hidden = (report.hidden_by_baseline or 0) + len(report.findings) - len(fresh)
    return replace(report, findings=fresh, hidden_by_baseline=hidden)


def write_baseline(report_json: str, path: Path) -> None:
    """Save a report's JSON rendering as a baseline; raise ConfigError when the file cannot be written."""
    try:
        path.write_text(report_json, encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot write the baseline: {exc.strerror}") from exc
