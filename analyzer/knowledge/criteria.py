"""Loads and validates the criteria table (heuristics/criteria.toml) into frozen records.

The criteria table is the one place where the article's mapping lives: which criterion a category of fact
informs, which way it leans and how much. Loading is explicit (no import-time reads) and a malformed table
raises ``RuleError`` naming the file and the key.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import heuristics
from analyzer.errors import ConfigError, RuleError
from analyzer.model import Lean


@dataclass(frozen=True)
class Criterion:
    """One of the article's criteria."""

    id: str
    name: str
    weight: float
    description: str


@dataclass(frozen=True)
class EvidenceSpec:
    """What one fact says about one criterion."""

    criterion: str
    leans: Lean
    weight: float


@dataclass(frozen=True)
class Thresholds:
    """Constants of the scoring model (README, "Scoring")."""

    prior: float
    clear_lean: float
    min_mass: float
    component_clear_lean: float
    component_min_mass: float


@dataclass(frozen=True)
class Criteria:
    """The whole criteria table."""

    criteria: tuple[Criterion, ...]
    categories: Mapping[str, tuple[EvidenceSpec, ...]]
    languages: Mapping[str, tuple[EvidenceSpec, ...]]
    multipliers: Mapping[str, float]
    thresholds: Thresholds

    def criterion(self, criterion_id: str) -> Criterion:
        """The criterion with this id (KeyError if unknown)."""
        for item in self.criteria:
            if item.id == criterion_id:
                return item
        raise KeyError(criterion_id)

    def with_weights(self, weights: Mapping[str, float]) -> Criteria:
        """A copy whose criterion weights are replaced by the user's priorities."""
        unknown = set(weights) - {c.id for c in self.criteria}
        if unknown:
            raise ConfigError(f"unknown criteria in weights: {', '.join(sorted(unknown))}")
        criteria = tuple(
            Criterion(c.id, c.name, float(weights.get(c.id, c.weight)), c.description) for c in self.criteria
        )
        return Criteria(criteria, self.categories, self.languages, self.multipliers, self.thresholds)


def parse_evidence(raw: Any, where: str, criterion_ids: set[str]) -> tuple[EvidenceSpec, ...]:
    """Validate a list of {criterion, leans, weight} tables."""
    if not isinstance(raw, list) or not raw:
        raise RuleError(f"{where}: evidence must be a non-empty list of tables")
    specs = []
    for item in raw:
        if not isinstance(item, dict):
            raise RuleError(f"{where}: evidence entries must be tables")
        criterion = item.get("criterion")
        if criterion not in criterion_ids:
            raise RuleError(f"{where}: unknown criterion {criterion!r}")
        try:
            leans = Lean(item.get("leans"))
        except ValueError:
            raise RuleError(f"{where}: leans must be 'rust' or 'go', not {item.get('leans')!r}") from None
        weight = item.get("weight", 1.0)
        if not isinstance(weight, int | float) or weight < 0:
            raise RuleError(f"{where}: weight must be a non-negative number")
        specs.append(EvidenceSpec(str(criterion), leans, float(weight)))
    return tuple(specs)


def load_criteria(text: str | None = None) -> Criteria:
    """Parse criteria.toml (the shipped one unless ``text`` is given)."""
    where = "heuristics/criteria.toml"
    try:
        data = tomllib.loads(heuristics.read_text("criteria.toml") if text is None else text)
    except tomllib.TOMLDecodeError as exc:
        raise RuleError(f"{where}: {exc}") from exc
    criteria = tuple(
        Criterion(str(c["id"]), str(c["name"]), float(c["weight"]), str(c.get("description", "")))
        for c in data.get("criterion", [])
    )
    ids = {c.id for c in criteria}
    categories = {
        name: parse_evidence(table.get("evidence"), f"{where} [category.{name}]", ids)
        for name, table in data.get("category", {}).items()
    }
    languages = {
        name: parse_evidence(table.get("evidence"), f"{where} [language.{name}]", ids)
        for name, table in data.get("language", {}).items()
    }
    verdict = data.get("verdict", {})
    try:
        thresholds = Thresholds(
            prior=float(verdict["prior"]),
            clear_lean=float(verdict["clear-lean"]),
            min_mass=float(verdict["min-mass"]),
            component_clear_lean=float(verdict["component-clear-lean"]),
            component_min_mass=float(verdict["component-min-mass"]),
        )
    except KeyError as exc:
        raise RuleError(f"{where}: [verdict] lacks {exc}") from exc
    multipliers = {str(k): float(v) for k, v in data.get("multipliers", {}).items()}
    return Criteria(criteria, categories, languages, multipliers, thresholds)
