"""How a unit gets its domain and its incumbent language (issue 10 items 2 and 3), from heuristics/domains.toml.

A unit's domain is the use case its evidence speaks for most (a web service, a CLI tool, an embedded system...):
each domain scores the unit's saturated category strengths and language shares by its own weights, and the best
one above a floor wins. The domain sets the starting lean as the article's "choose Rust if / choose Go if" does.
A unit mostly written in Go or Rust is that language's incumbent unit: the language's own low-level idioms there
(unsafe, syscalls, atomics, cgo for Go; unsafe, FFI, async for Rust) are left out of its scores and its domain.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

from analyzer.knowledge.domains import DomainSpec, DomainTable, Incumbent
from analyzer.model import HISTORY_RULE, TEAM_RULE, Domain, EvidenceItem, LanguageShare, Lean, Team

CATEGORY_CAP = 3.0
"""A category's strength saturates toward this (the same curve as the evidence of one category)."""


def incumbent(shares: Sequence[LanguageShare], table: DomainTable) -> Incumbent | None:
    """The incumbent language of a unit whose programming code is mostly Go or Rust, else None."""
    by_language = {s.language: s.share for s in shares}
    return next((i for i in table.incumbents if by_language.get(i.language, 0.0) >= i.share), None)


def category_strengths(strengths: Iterable[tuple[str, float]]) -> dict[str, float]:
    """Saturated strength per category from (category, rule strength) pairs."""
    totals: dict[str, float] = defaultdict(float)
    for category, strength in strengths:
        totals[category] += strength
    return {c: CATEGORY_CAP * (1.0 - math.exp(-t / CATEGORY_CAP)) for c, t in totals.items()}


def decide(
    strengths: Mapping[str, float], shares: Sequence[LanguageShare], table: DomainTable
) -> tuple[Domain | None, Domain | None]:
    """The unit's domain and the runner-up domain (None below the table's floor)."""
    by_language = {s.language: s.share for s in shares}
    scored = []
    for order, spec in enumerate(table.domains):
        score = sum(strengths.get(c, 0.0) * w for c, w in spec.categories.items())
        score += sum(by_language.get(lang, 0.0) * w for lang, w in spec.languages.items())
        if score >= table.min_score:
            scored.append((-score, order, spec))
    scored.sort(key=lambda item: (item[0], item[1]))
    found = [_domain(spec, -neg) for neg, _, spec in scored[:2]]
    return (found[0] if found else None), (found[1] if len(found) > 1 else None)


def _domain(spec: DomainSpec, score: float) -> Domain:
    return Domain(id=spec.id, name=spec.name, leans=spec.leans, score=round(score, 6), reason=spec.reason)


def spec_of(domain: Domain, table: DomainTable) -> DomainSpec:
    """The table entry of a decided domain."""
    return next(s for s in table.domains if s.id == domain.id)


def team_items(team: Team, table: DomainTable) -> list[EvidenceItem]:
    """Developer-experience evidence from the team profile and the authors of the bounded history."""
    items = []
    for language, level in (("go", team.go), ("rust", team.rust)):
        weight = table.team.get(language, {}).get(level or "", 0.0)
        if weight == 0.0:
            continue
        toward = Lean(language) if weight > 0 else (Lean.GO if language == "rust" else Lean.RUST)
        message = f"the team's experience with {language.title()} is {level}"
        items.append(_person_item(TEAM_RULE, toward, abs(weight), message))
    for lean, writers in ((Lean.GO, team.go_authors), (Lean.RUST, team.rust_authors)):
        if team.authors and writers:
            message = (
                f"{writers} of {team.authors} authors of the last {team.commits} commits already write "
                f"{'Go' if lean is Lean.GO else 'Rust'} here"
            )
            items.append(_person_item(HISTORY_RULE, lean, table.history_weight * writers / team.authors, message))
    return items


def _person_item(rule: str, lean: Lean, weight: float, message: str) -> EvidenceItem:
    return EvidenceItem(
        criterion="developer-experience", leans=lean, weight=weight, rule=rule, category="team", marker=rule.lower(),
        message=message, path="", line=0, component=".",
    )  # fmt: skip
