"""Loads heuristics/domains.toml: the article's use cases, the incumbent languages' idioms, the confidence floor
and what a `both` verdict needs (the judgement stage applies them, see analyzer/judgement/domains.py). A malformed
table raises ``RuleError`` naming the file and the key.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import heuristics
from analyzer.errors import RuleError
from analyzer.model import Lean


@dataclass(frozen=True, kw_only=True)
class DomainSpec:
    """One use case of the article."""

    id: str
    name: str
    leans: Lean
    weight: float
    """Evidence mass the domain adds to the unit's ecosystem criterion."""
    categories: Mapping[str, float]
    languages: Mapping[str, float]
    reason: str


@dataclass(frozen=True, kw_only=True)
class Incumbent:
    """What counts as the incumbent language's own idioms."""

    language: str
    share: float
    idioms: frozenset[str]
    languages: frozenset[str]
    """Languages whose code counts as the incumbent's own in its unit (C beside Go is cgo)."""
    manifests: frozenset[str]
    """Manifest names of the incumbent's ecosystem."""

    def owns(self, path: str, language: str | None) -> bool:
        """Whether a fact at ``path`` (a file in ``language``) is the incumbent's own."""
        if language is not None and (language == self.language or language in self.languages):
            return True
        return path.rpartition("/")[2] in self.manifests


@dataclass(frozen=True, kw_only=True)
class DomainTable:
    """The whole of heuristics/domains.toml."""

    domains: tuple[DomainSpec, ...]
    min_score: float
    incumbents: tuple[Incumbent, ...]
    floor: float
    """Confidence below which a verdict is undecided."""
    both_min_code: int
    both_min_evidence: float
    both_side_ratio: float
    both_go_code_ratio: float
    team: Mapping[str, Mapping[str, float]]
    """Language -> experience level -> weight toward that language (negative: toward the other)."""
    history_weight: float


def _table(data: Mapping[str, Any], key: str, where: str) -> Mapping[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise RuleError(f"{where}: [{key}] must be a table")
    return value


def _weights(raw: Any, where: str) -> dict[str, float]:
    if not isinstance(raw, dict) or not all(isinstance(v, int | float) and v >= 0 for v in raw.values()):
        raise RuleError(f"{where}: expected a table of non-negative weights")
    return {str(k): float(v) for k, v in raw.items()}


def load_domains(text: str | None = None) -> DomainTable:
    """Parse domains.toml (the shipped one unless ``text`` is given); RuleError names the key that is wrong."""
    where = "heuristics/domains.toml"
    try:
        data = tomllib.loads(heuristics.read_text("domains.toml") if text is None else text)
        domains = tuple(
            DomainSpec(
                id=str(d["id"]),
                name=str(d["name"]),
                leans=Lean(d["leans"]),
                weight=float(d["weight"]),
                categories=_weights(d.get("categories", {}), f"{where} domain {d['id']}"),
                languages=_weights(d.get("languages", {}), f"{where} domain {d['id']}"),
                reason=str(d["reason"]),
            )
            for d in data["domain"]
        )
        incumbents = tuple(
            Incumbent(
                language=name,
                share=float(t["share"]),
                idioms=frozenset(t["idioms"]),
                languages=frozenset(t["languages"]),
                manifests=frozenset(t.get("manifests", ())),
            )
            for name, t in _table(data, "incumbent", where).items()
        )
        both = _table(data, "both", where)
        return DomainTable(
            domains=domains,
            min_score=float(_table(data, "domains", where)["min-score"]),
            incumbents=incumbents,
            floor=float(_table(data, "confidence", where)["floor"]),
            both_min_code=int(both["min-code"]),
            both_min_evidence=float(both["min-evidence"]),
            both_side_ratio=float(both["side-ratio"]),
            both_go_code_ratio=float(both["go-code-ratio"]),
            team={str(lang): {str(k): float(v) for k, v in levels.items()} for lang, levels in data["team"].items()},
            history_weight=float(_table(data, "history", where)["weight"]),
        )
    except (tomllib.TOMLDecodeError, KeyError, TypeError, ValueError) as exc:
        raise RuleError(f"{where}: {type(exc).__name__}: {exc}") from exc
