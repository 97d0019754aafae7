"""Scores evidence into per-criterion leans and a verdict (DESIGN §4; the model is explained in the README).

Per criterion c with evidence items i (sign s_i = +1 Rust / -1 Go, weight w_i):
    lean_c = Σ s_i·w_i / (Σ w_i + prior)
Overall, with criterion weights W_c:
    lean = Σ_c W_c·Σ s_i·w_i / (Σ_c W_c·Σ w_i + prior)
``prior`` keeps a lean small when little was seen. The verdict is rust or go when |lean| passes the clear
threshold and enough evidence was seen, and ``undecided`` otherwise (``verdict`` decides ``both`` and applies the
confidence floor). Confidence = agreement * coverage, where agreement is
|Σ W·s·w| / Σ W·w and coverage = 1 - exp(-mass / 2). Everything is deterministic.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from analyzer.knowledge.criteria import Criteria
from analyzer.model import LANGUAGE_SHARE_RULE, CriterionScore, EvidenceItem, VerdictLanguage

MAX_EVIDENCE_PER_CRITERION = 25


@dataclass(frozen=True)
class UnitScore:
    """The scores of one unit (the repository or a component)."""

    criteria: tuple[CriterionScore, ...]
    lean: float
    mass: float
    """Weighted evidence mass Σ_c W_c·Σ w_i."""
    marker_mass: float
    """Mass from facts only (language shares excluded): whether the unit says something of its own."""
    confidence: float


def score_unit(items: Sequence[EvidenceItem], criteria: Criteria) -> UnitScore:
    """Criterion leans, overall lean, mass and confidence of a unit's evidence."""
    by_criterion: dict[str, list[EvidenceItem]] = defaultdict(list)
    for item in items:
        by_criterion[item.criterion].append(item)
    prior = criteria.thresholds.prior
    scores = []
    signed_total = mass = marker_mass = 0.0
    for criterion in criteria.criteria:
        evidence = sorted(by_criterion.get(criterion.id, ()), key=lambda e: (-e.weight, e.path, e.line, e.rule))
        signed = sum(e.leans.sign * e.weight for e in evidence)
        weight_sum = sum(e.weight for e in evidence)
        scores.append(
            CriterionScore(
                id=criterion.id,
                name=criterion.name,
                weight=criterion.weight,
                lean=_clamp(signed / (weight_sum + prior)),
                mass=weight_sum,
                evidence=tuple(evidence[:MAX_EVIDENCE_PER_CRITERION]),
            )
        )
        signed_total += criterion.weight * signed
        mass += criterion.weight * weight_sum
        marker_mass += criterion.weight * sum(e.weight for e in evidence if e.rule != LANGUAGE_SHARE_RULE)
    lean = _clamp(signed_total / (mass + prior))
    agreement = abs(signed_total) / mass if mass else 0.0
    confidence = agreement * (1.0 - math.exp(-mass / 2.0))
    return UnitScore(tuple(scores), lean, mass, marker_mass, round(confidence, 6))


def unit_language(score: UnitScore, clear_lean: float, min_mass: float) -> VerdictLanguage:
    """rust, go or undecided for one unit."""
    if score.mass < min_mass or abs(score.lean) < clear_lean:
        return VerdictLanguage.UNDECIDED
    return VerdictLanguage.RUST if score.lean > 0 else VerdictLanguage.GO


def _clamp(value: float) -> float:
    return max(-1.0, min(1.0, value))
