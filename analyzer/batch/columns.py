"""The columns a portfolio row shows, derived from one JSON report (``analyzer.reports.json.to_dict``'s layout).

The store keeps each repository's whole report and, beside it, these columns so a table, a filter or a chart
never parses thousands of reports: the verdict and its numbers, the current primary language and its share of
the counted code, the domain, the lean of every criterion, the ``both`` split and its interop path, the size,
and the move an architect reads first: "current → recommended" ("Python → Go", "C → Rust", "Go → stay").
Everything here is a pure function of the report's JSON values, so a store written by an older version can be
filled in again from the reports it already holds.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

_TARGETS = {"rust": "Rust", "go": "Go", "both": "Go + Rust"}
STAY = "stay"


@dataclass(frozen=True)
class Columns:
    """One report's portfolio columns (all None or empty for a failure)."""

    verdict: str | None = None
    confidence: float | None = None
    lean: float | None = None
    files: int | None = None
    bytes: int | None = None
    """Bytes of the counted code (the languages' shares)."""
    markers: tuple[str, ...] = ()
    """Marker categories that count toward the verdict, sorted."""
    primary_language: str | None = None
    """The language with the largest share of the counted code, None when no code was counted."""
    primary_share: float | None = None
    domain: str | None = None
    """The repository's primary domain when the report names one (judgement v2), else None."""
    leans: tuple[tuple[str, float], ...] = ()
    """(criterion id, lean in [-1, +1]) in the report's order."""
    split: tuple[tuple[str, str], ...] = ()
    """For ``both``: (component path, language) pairs."""
    interop: str | None = None
    lines: int | None = None
    """Lines of code when the report carries them (effort figures), else None."""
    move: str | None = None
    """"current → recommended", e.g. "Python → Go", "Go → stay", "C → undecided"."""
    summary: str | None = None
    """The verdict's sentence."""
    rules: int | None = None
    """Rules the analysis ran with."""

    def values(self) -> dict[str, Any]:
        """The columns as SQLite values (tuples as JSON text)."""
        return {
            "verdict": self.verdict,
            "confidence": self.confidence,
            "lean": self.lean,
            "files": self.files,
            "bytes": self.bytes,
            "markers": json.dumps(list(self.markers)),
            "primary_language": self.primary_language,
            "primary_share": self.primary_share,
            "domain": self.domain,
            "leans": json.dumps(dict(self.leans)),
            "split": json.dumps([list(pair) for pair in self.split]),
            "interop": self.interop,
            "lines": self.lines,
            "move": self.move,
            "summary": self.summary,
            "rules": self.rules,
        }


NAMES = tuple(Columns().values())
"""Column names in the store's order."""


def from_values(values: Mapping[str, Any]) -> Columns:
    """The inverse of ``Columns.values``: a store row's columns back as a record."""
    leans = json.loads(values.get("leans") or "{}")
    return Columns(
        verdict=values.get("verdict"),
        confidence=values.get("confidence"),
        lean=values.get("lean"),
        files=values.get("files"),
        bytes=values.get("bytes"),
        markers=tuple(json.loads(values.get("markers") or "[]")),
        primary_language=values.get("primary_language"),
        primary_share=values.get("primary_share"),
        domain=values.get("domain"),
        leans=tuple((str(k), float(v)) for k, v in leans.items()),
        split=tuple((str(a), str(b)) for a, b in json.loads(values.get("split") or "[]")),
        interop=values.get("interop"),
        lines=values.get("lines"),
        move=values.get("move"),
        summary=values.get("summary"),
        rules=values.get("rules"),
    )


def move(current: str | None, verdict: str | None) -> str | None:
    """ "current → recommended": "Python → Go", "Go → stay" (already there), "Go → Go + Rust" for both."""
    if verdict is None:
        return None
    target = _TARGETS.get(verdict, verdict)
    here = current or "unknown"
    return f"{here} → {STAY}" if target == current else f"{here} → {target}"


def is_candidate(move_text: str | None) -> bool:
    """Whether a move is a migration to consider: a clear recommendation that is not "stay"."""
    return bool(move_text) and not str(move_text).endswith((f"→ {STAY}", "→ undecided"))


def _domain(report: Mapping[str, Any]) -> str | None:
    domain = report.get("domain") or report.get("verdict", {}).get("domain")
    if isinstance(domain, Mapping):  # a record with its own name and evidence
        domain = domain.get("id") or domain.get("name")
    return str(domain) if domain else None


def _lines(report: Mapping[str, Any]) -> int | None:
    effort = report.get("effort")
    if not isinstance(effort, Mapping):
        return None
    return sum(int(entry.get("lines", 0)) for entry in effort.get("lines", []))


def columns(report: Mapping[str, Any]) -> Columns:
    """The portfolio columns of a JSON report."""
    verdict = report.get("verdict", {})
    languages = sorted(report.get("languages", []), key=lambda s: (-float(s.get("share", 0)), str(s.get("language"))))
    primary = languages[0] if languages else None
    current = str(primary["language"]) if primary else None
    return Columns(
        verdict=verdict.get("language"),
        confidence=verdict.get("confidence"),
        lean=verdict.get("lean"),
        files=report.get("stats", {}).get("files"),
        bytes=sum(int(share.get("bytes", 0)) for share in languages),
        markers=tuple(sorted({str(marker.get("category")) for marker in report.get("markers", [])})),
        primary_language=current,
        primary_share=float(primary["share"]) if primary else None,
        domain=_domain(report),
        leans=tuple((str(c["id"]), float(c["lean"])) for c in report.get("criteria", [])),
        split=tuple((str(s["component"]), str(s["language"])) for s in verdict.get("split", [])),
        interop=verdict.get("interop"),
        lines=_lines(report),
        move=move(current, verdict.get("language")),
        summary=verdict.get("summary"),
        rules=report.get("stats", {}).get("rules"),
    )
