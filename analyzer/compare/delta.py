"""What changed between two reports (``analyze diff``), and the ``--fail-on`` policies that judge a change.

A finding is the same finding on both sides when its rule, path and matched text agree: line numbers are left
out on purpose, so code that only moved does not fire again. Equal keys are matched as a multiset, so a second
copy of a known snippet in the same file is still new. Markers are matched by category and name. Everything
here is a pure function of frozen records; only the CLI turns a policy failure into an exit code.
"""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from analyzer.model import CriterionChange, Delta, Finding, Marker, Report

FindingKey = tuple[str, str, str]


def finding_key(finding: Finding) -> FindingKey:
    """The identity of a finding across revisions: rule, path and matched text, never the line."""
    return (finding.rule, finding.path, finding.snippet)


def new_findings(findings: Sequence[Finding], known: Iterable[Finding]) -> tuple[Finding, ...]:
    """Findings not matched by one of ``known`` (each known finding matches at most one), in input order."""
    budget = Counter(finding_key(f) for f in known)
    fresh: list[Finding] = []
    for finding in findings:
        key = finding_key(finding)
        if budget[key] > 0:
            budget[key] -= 1
        else:
            fresh.append(finding)
    return tuple(fresh)


def _marker_changes(base: Sequence[Marker], head: Sequence[Marker]) -> tuple[tuple[Marker, ...], tuple[Marker, ...]]:
    base_keys = {(m.category, m.name) for m in base}
    head_keys = {(m.category, m.name) for m in head}
    added = tuple(m for m in head if (m.category, m.name) not in base_keys)
    removed = tuple(m for m in base if (m.category, m.name) not in head_keys)
    return added, removed


def _criterion_changes(base: Report, head: Report) -> tuple[CriterionChange, ...]:
    """One change per criterion of either side, in the head's order; a criterion absent on a side leans 0."""
    before = {c.id: c.lean for c in base.criteria}
    after = {c.id: c.lean for c in head.criteria}
    order = [c.id for c in head.criteria] + [c.id for c in base.criteria if c.id not in after]
    return tuple(CriterionChange(cid, before.get(cid, 0.0), after.get(cid, 0.0)) for cid in order)


def compute_delta(base: Report, head: Report) -> Delta:
    """The Delta from ``base`` to ``head``: positive lean changes move toward Rust."""
    added_markers, removed_markers = _marker_changes(base.markers, head.markers)
    return Delta(
        base=base,
        head=head,
        verdict_changed=base.verdict.language is not head.verdict.language,
        lean_change=round(head.verdict.lean - base.verdict.lean, 6),
        criteria=_criterion_changes(base, head),
        added_markers=added_markers,
        removed_markers=removed_markers,
        added_findings=new_findings(head.findings, base.findings),
        removed_findings=new_findings(base.findings, head.findings),
    )


# -- policies ------------------------------------------------------------------------------------------------


class GateKind(enum.Enum):
    """What a ``--fail-on`` policy watches."""

    VERDICT_CHANGE = "verdict-change"
    LEAN = "lean"
    CRITERION = "criterion"
    FINDINGS = "findings"


@dataclass(frozen=True)
class Gate:
    """One ``--fail-on`` policy: ``verdict-change``, ``lean:0.1``, ``criterion:performance:0.1``, ``findings``."""

    kind: GateKind
    threshold: float = 0.0
    """For lean and criterion gates: fail when the absolute change is at least this."""
    criterion: str = ""
    """For criterion gates: the criterion id."""

    @property
    def needs_delta(self) -> bool:
        """Whether the policy only makes sense for ``analyze diff``."""
        return self.kind is not GateKind.FINDINGS


def parse_gate(spec: str) -> Gate:
    """A Gate from its command-line spelling; raise ValueError with a readable message when malformed."""
    head, _, rest = spec.strip().partition(":")
    try:
        kind = GateKind(head)
    except ValueError:
        raise ValueError(
            f"unknown --fail-on policy {spec!r}; use verdict-change, lean:N, criterion:ID:N or findings"
        ) from None
    if kind in (GateKind.VERDICT_CHANGE, GateKind.FINDINGS):
        if rest:
            raise ValueError(f"--fail-on {head} takes no value, got {spec!r}")
        return Gate(kind)
    criterion, _, number = rest.rpartition(":") if kind is GateKind.CRITERION else ("", "", rest)
    if kind is GateKind.CRITERION and not criterion:
        raise ValueError(f"--fail-on criterion needs an id and a threshold (criterion:performance:0.1), not {spec!r}")
    try:
        threshold = float(number)
    except ValueError:
        raise ValueError(f"--fail-on {spec!r}: {number!r} is not a number") from None
    if not 0 < threshold <= 2:
        raise ValueError(f"--fail-on {spec!r}: the threshold must be in (0, 2], leans span [-1, +1]")
    return Gate(kind, threshold, criterion)


def _counted(findings: Iterable[Finding]) -> list[Finding]:
    return [f for f in findings if f.excluded is None]


def gate_failures(gates: Sequence[Gate], report: Report, delta: Delta | None = None) -> list[str]:
    """A sentence per policy that fails; ``report`` is the analyzed (head) report, ``delta`` its change, if any."""
    failures: list[str] = []
    for gate in gates:
        if gate.kind is GateKind.FINDINGS:
            found = _counted(delta.added_findings if delta is not None else report.findings)
            if found:
                what = "new finding(s)" if delta is not None else "finding(s)"
                failures.append(f"{len(found)} {what}, first: {found[0].rule} at {found[0].path}:{found[0].line}")
        elif delta is None:
            continue
        elif gate.kind is GateKind.VERDICT_CHANGE and delta.verdict_changed:
            before, after = delta.base.verdict.language.value, report.verdict.language.value
            failures.append(f"verdict changed from {before} to {after}")
        elif gate.kind is GateKind.LEAN and abs(delta.lean_change) >= gate.threshold:
            failures.append(f"lean moved by {delta.lean_change:+.3f} (threshold {gate.threshold:g})")
        elif gate.kind is GateKind.CRITERION:
            change = next((c.change for c in delta.criteria if c.id == gate.criterion), 0.0)
            if abs(change) >= gate.threshold:
                failures.append(f"{gate.criterion} moved by {change:+.3f} (threshold {gate.threshold:g})")
    return failures
