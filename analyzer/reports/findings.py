"""How much each finding weighs, how serious it looks, and a line-free identity for it: shared by SARIF, GitHub, GitLab.

A finding carries no weight of its own; its rule does, through the evidence items of the report (one item per
rule and criterion, weighted by the criterion's weight). Annotation formats use that weight to put the findings
that moved the verdict first and to grade them ("warning" for a weighty rule's finding on a line, "note"
otherwise, file-level facts included), and they
identify a finding by rule, path and snippet rather than line, so code that moves does not look new.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TypeVar

from analyzer.model import Finding, Lean, Report

T = TypeVar("T")

MAX_FINDINGS_PER_RULE = 100
"""Findings of one rule a report shows; a diff or a baseline compares all of them, never only the shown ones."""

WEIGHTY = 0.5
"""Weight at which a rule's findings count as weighty: warnings in SARIF and GitHub, "minor" in GitLab."""


def rule_weights(report: Report) -> dict[str, float]:
    """Per rule id, the summed weight of its evidence across criteria, each item times its criterion's weight."""
    weights: dict[str, float] = defaultdict(float)
    for score in report.criteria:
        for item in score.evidence:
            weights[item.rule] += item.weight * score.weight
    return dict(weights)


def rule_leanings(report: Report) -> dict[str, tuple[Lean, tuple[str, ...]]]:
    """Per rule id, the side its evidence pushes hardest and the criteria it informs (in report order)."""
    signed: dict[str, float] = defaultdict(float)
    criteria: dict[str, list[str]] = defaultdict(list)
    for score in report.criteria:
        for item in score.evidence:
            signed[item.rule] += item.leans.sign * item.weight * score.weight
            if score.id not in criteria[item.rule]:
                criteria[item.rule].append(score.id)
    return {rule: (Lean.RUST if value >= 0 else Lean.GO, tuple(criteria[rule])) for rule, value in signed.items()}


def capped(
    items: Iterable[T], rule: Callable[[T], str], limit: int | None = MAX_FINDINGS_PER_RULE
) -> tuple[list[T], int]:
    """The items to show, at most ``limit`` per ``rule(item)`` in the order given (None: all), and how many were cut."""
    kept: list[T] = []
    per_rule: dict[str, int] = defaultdict(int)
    omitted = 0
    for item in items:
        name = rule(item)
        if limit is None or per_rule[name] < limit:
            per_rule[name] += 1
            kept.append(item)
        else:
            omitted += 1
    return kept, omitted


def rule_of(finding: Finding) -> str:
    """A finding's rule id (the key ``capped`` groups findings by)."""
    return finding.rule


def counted(findings: Iterable[Finding]) -> list[Finding]:
    """Findings that count toward the verdict and have a file to point at (annotations need one)."""
    return [f for f in findings if f.excluded is None and f.path]


def ranked(findings: Sequence[Finding], weights: Mapping[str, float]) -> list[Finding]:
    """Weightiest rule first; ties by path, line and rule so the order never depends on input order."""
    return sorted(findings, key=lambda f: rank_key(f, weights))


def rank_key(finding: Finding, weights: Mapping[str, float]) -> tuple[float, str, int, str]:
    """The sort key of ``ranked``: weightiest rule first, then path, line and rule."""
    return (-round(weights.get(finding.rule, 0.0), 9), finding.path, finding.line, finding.rule)


def is_weighty(finding: Finding, weights: Mapping[str, float]) -> bool:
    """Whether the finding points at a line and its rule weighs at least ``WEIGHTY`` in this report.

    A file-level fact (line 0: "contains Go source files", a Dockerfile) describes the repository rather than a
    place to look at, so it is never graded above a note, however much its rule weighs.
    """
    return finding.line > 0 and weights.get(finding.rule, 0.0) >= WEIGHTY


def level(finding: Finding, weights: Mapping[str, float]) -> str:
    """The SARIF level: "warning" for a weighty finding, "note" otherwise."""
    return "warning" if is_weighty(finding, weights) else "note"


def selected(findings: Sequence[Finding], only: Iterable[Finding] | None = None) -> list[tuple[Finding, str]]:
    """Counted findings paired with their fingerprints; only those of ``only`` (as a multiset) when it is given.

    Fingerprints are computed over all counted findings before any selection, so a finding has the same
    fingerprint in a diff's new-findings output as in the full report of the same revision.
    """
    pool = counted(findings)
    pairs = list(zip(pool, fingerprints(pool), strict=True))
    if only is None:
        return pairs
    budget = Counter(only)
    chosen = []
    for finding, fingerprint in pairs:
        if budget[finding] > 0:
            budget[finding] -= 1
            chosen.append((finding, fingerprint))
    return chosen


def fingerprints(findings: Sequence[Finding]) -> list[str]:
    """A stable, line-free hash per finding (sha256 hex), in the order given.

    The hash covers rule, path and the snippet with its whitespace collapsed (re-indenting does not re-fire).
    Identical snippets in one file are told apart by their ordinal in line order, so two ``free(p);`` lines
    stay two findings without the line number entering the hash.
    """
    order = sorted(range(len(findings)), key=lambda i: (findings[i].line, i))
    seen: dict[tuple[str, str, str], int] = defaultdict(int)
    ordinal = [0] * len(findings)
    for index in order:
        finding = findings[index]
        key = (finding.rule, finding.path, " ".join(finding.snippet.split()))
        seen[key] += 1
        ordinal[index] = seen[key]
    result = []
    for finding, nth in zip(findings, ordinal, strict=True):
        text = "\0".join((finding.rule, finding.path, " ".join(finding.snippet.split()), str(nth)))
        result.append(hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest())
    return result


def baseline_note(hidden: int) -> str:
    """``12 known findings hidden by the baseline.``: the sentence every format uses to say what a baseline did."""
    return f"{hidden} known {'finding' if hidden == 1 else 'findings'} hidden by the baseline."
