"""Turns facts and language shares into evidence: the only code that applies the article's mapping.

A unit (the whole repository, or one component) is evaluated on its own. Counted facts are grouped per rule:
more hits of one rule count logarithmically (1 hit once, 10 hits twice, 100 hits three times the rule's
weight), so a pervasive technology outweighs an incidental one without a thousand ``malloc`` calls drowning
everything else. Rules are then grouped per category, and a
category's strength saturates too (at most three times its base), so the verdict is a balance of kinds of
evidence rather than a count of lines. Language shares add evidence in proportion to the share of code.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from analyzer.knowledge.criteria import Criteria, EvidenceSpec
from analyzer.knowledge.rules import Rule
from analyzer.model import LANGUAGE_SHARE_RULE, EvidenceItem, Fact, LanguageShare

CATEGORY_CAP = 3.0
"""A category's strength tends to this many times its base weight, however many rules fire."""
FULL_SHARE = 0.2
"""A content fact in a language with at least this share of the unit's code counts in full."""
MIN_SHARE_FACTOR = 0.25
"""... and one in a language with a tiny share still counts this much."""


def share_factor(share: float | None) -> float:
    """How much a content fact counts given its language's share of the code (None: not a share language)."""
    if share is None:
        return 1.0
    return max(MIN_SHARE_FACTOR, min(1.0, share / FULL_SHARE))


@dataclass(frozen=True)
class _RuleGroup:
    rule: Rule
    strength: float
    first: Fact


def _rule_groups(facts: Iterable[Fact], rules: Mapping[str, Rule], scale: Callable[[Fact], float]) -> list[_RuleGroup]:
    by_rule: dict[str, list[Fact]] = defaultdict(list)
    for fact in facts:
        if fact.counted and fact.rule in rules:
            by_rule[fact.rule].append(fact)
    groups = []
    for rule_id in sorted(by_rule):
        hits = by_rule[rule_id]
        rule = rules[rule_id]
        heaviest = max(f.weight * scale(f) for f in hits)
        strength = heaviest * rule.weight * (1.0 + math.log10(len(hits)))
        first = min((f for f in hits if f.weight * scale(f) == heaviest), key=lambda f: (f.path, f.line))
        groups.append(_RuleGroup(rule, strength, first))
    return groups


def rule_strengths(
    facts: Iterable[Fact], rules: Mapping[str, Rule], scale: Callable[[Fact], float] = lambda _: 1.0
) -> list[tuple[str, float]]:
    """(category, strength) of each rule that fired, as the evidence weighs it before saturation."""
    return [(g.rule.category, g.strength) for g in _rule_groups(facts, rules, scale)]


def fact_evidence(
    facts: Iterable[Fact], rules: Mapping[str, Rule], criteria: Criteria, scale: Callable[[Fact], float] = lambda _: 1.0
) -> list[EvidenceItem]:
    """Evidence items from the counted facts of one unit; ``scale`` weighs each fact (by its language's share)."""
    by_mapping: dict[tuple[str, tuple[EvidenceSpec, ...]], list[_RuleGroup]] = defaultdict(list)
    for group in _rule_groups(facts, rules, scale):
        specs = group.rule.evidence or criteria.categories[group.rule.category]
        by_mapping[(group.rule.category, specs)].append(group)
    items: list[EvidenceItem] = []
    for (_, specs), groups in by_mapping.items():
        total = sum(g.strength for g in groups)
        category_strength = CATEGORY_CAP * (1.0 - math.exp(-total / CATEGORY_CAP))
        for group in groups:
            share = category_strength * group.strength / total
            items.extend(
                EvidenceItem(
                    criterion=spec.criterion,
                    leans=spec.leans,
                    weight=spec.weight * share,
                    rule=group.rule.id,
                    category=group.rule.category,
                    marker=group.rule.marker,
                    message=group.rule.summary,
                    path=group.first.path,
                    line=group.first.line,
                    component=group.first.component,
                )
                for spec in specs
            )
    return items


def language_evidence(
    shares: Sequence[LanguageShare], largest: Mapping[str, str], criteria: Criteria, component: str
) -> list[EvidenceItem]:
    """Evidence from the languages the code is written in (C/C++ toward Rust, Python/JS/... toward Go).

    ``largest`` maps a language to its largest counted file, shown as the evidence location.
    """
    items: list[EvidenceItem] = []
    for share in shares:
        specs = criteria.languages.get(share.language, ())
        for spec in specs:
            if share.share < 0.01:
                continue
            items.append(
                EvidenceItem(
                    criterion=spec.criterion,
                    leans=spec.leans,
                    weight=spec.weight * share.share,
                    rule=LANGUAGE_SHARE_RULE,
                    category="language",
                    marker=share.language,
                    message=f"{share.share:.0%} of the code is {share.language}",
                    path=largest.get(share.language, ""),
                    line=0,
                    component=component,
                )
            )
    return items
