"""The JSON report: the versioned machine contract of DESIGN §6, described by ``schema/report.schema.json``.

``to_dict`` maps a Report onto plain JSON values, keeping the contract's field names (fields may be added
in later schema versions, never renamed), enums as their values and floats rounded to three decimals so
the output is stable across platforms; ``render`` serializes it. ``delta_to_dict`` and ``render_delta`` do the
same for the Delta of ``analyze diff``: each side's target and verdict (not its whole report), the changes,
and the one-sentence headline. None of them reads anything but its record.
"""

from __future__ import annotations

import json
from typing import Any

from analyzer.model import (
    Boundary,
    ComponentVerdict,
    CriterionScore,
    Delta,
    Diagnostic,
    Domain,
    Effort,
    EvidenceItem,
    Finding,
    LanguageShare,
    Marker,
    Report,
    Verdict,
)
from analyzer.reports import change
from analyzer.reports._text import json_escaped
from analyzer.reports.findings import MAX_FINDINGS_PER_RULE, capped, rule_of

JsonDict = dict[str, Any]


def _num(value: float) -> float:
    """Round to three decimals; adding 0.0 turns a rounded -0.0 into 0.0 so tiny negatives don't print "-0.0"."""
    return round(value, 3) + 0.0


def _verdict(verdict: Verdict) -> JsonDict:
    return {
        "language": verdict.language.value,
        "confidence": _num(verdict.confidence),
        "summary": verdict.summary,
        "runner_up": verdict.runner_up.value if verdict.runner_up is not None else None,
        "lean": _num(verdict.lean),
        "reasons": list(verdict.reasons),
        "split": [{"component": path, "language": language.value} for path, language in verdict.split],
        "interop": verdict.interop,
        "domain": _domain(verdict.domain),
        "incumbent": verdict.incumbent,
        "boundary": _boundary(verdict.boundary),
        "sensitivity": [
            {"criterion": f.criterion, "factor": f.factor, "verdict": f.verdict.value} for f in verdict.flips
        ],
        "against": list(verdict.against),
    }


def _domain(domain: Domain | None) -> JsonDict | None:
    if domain is None:
        return None
    return {"id": domain.id, "name": domain.name, "leans": domain.leans.value, "score": _num(domain.score)}


def _boundary(boundary: Boundary | None) -> JsonDict | None:
    if boundary is None:
        return None
    return {
        "interop": boundary.kind,
        "go": list(boundary.go),
        "rust": list(boundary.rust),
        "evidence": [{"path": loc.path, "line": loc.line} for loc in boundary.evidence],
        "move_first": boundary.move_first,
        "why": boundary.why,
    }


def _evidence(item: EvidenceItem) -> JsonDict:
    return {
        "rule": item.rule,
        "category": item.category,
        "marker": item.marker,
        "leans": item.leans.value,
        "weight": _num(item.weight),
        "message": item.message,
        "path": item.path,
        "line": item.line,
        "component": item.component,
    }


def _criterion(score: CriterionScore) -> JsonDict:
    return {
        "id": score.id,
        "name": score.name,
        "lean": _num(score.lean),
        "weight": _num(score.weight),
        "mass": _num(score.mass),
        "evidence": [_evidence(item) for item in score.evidence],
    }


def _marker(marker: Marker) -> JsonDict:
    return {
        "category": marker.category,
        "name": marker.name,
        "rules": list(marker.rules),
        "count": marker.count,
        "evidence": [{"path": loc.path, "line": loc.line} for loc in marker.evidence],
    }


def _language(share: LanguageShare) -> JsonDict:
    return {"language": share.language, "files": share.files, "bytes": share.bytes, "share": _num(share.share)}


def _component(component: ComponentVerdict) -> JsonDict:
    return {
        "path": component.path,
        "verdict": component.verdict.value,
        "confidence": _num(component.confidence),
        "lean": _num(component.lean),
        "mass": _num(component.mass),
        "manifests": list(component.manifests),
        "ecosystems": list(component.ecosystems),
        "languages": [_language(share) for share in component.languages],
        "markers": list(component.markers),
        "files": component.files,
        "workspace": component.workspace,
        "kind": component.kind.value,
        "host": component.host,
        "domain": _domain(component.domain),
        "incumbent": component.incumbent,
    }


def _finding(finding: Finding) -> JsonDict:
    return {
        "rule": finding.rule,
        "category": finding.category,
        "marker": finding.marker,
        "message": finding.message,
        "path": finding.path,
        "line": finding.line,
        "component": finding.component,
        "snippet": finding.snippet,
        "excluded": finding.excluded,
    }


def _diagnostic(diagnostic: Diagnostic) -> JsonDict:
    return {
        "path": diagnostic.path,
        "message": diagnostic.message,
        "severity": diagnostic.severity.value,
        "stage": diagnostic.stage,
    }


def to_dict(report: Report, *, max_per_rule: int | None = MAX_FINDINGS_PER_RULE) -> JsonDict:
    """The report as JSON-ready values, in the contract's field order.

    ``findings`` holds at most ``max_per_rule`` findings of each rule (None: all of them, as a baseline needs);
    ``omitted_findings`` says how many the cap left out, ``hidden_by_baseline`` how many a baseline knew.
    """
    stats = report.stats
    findings, omitted = capped(report.findings, rule_of, max_per_rule)
    return {
        "schema_version": report.schema_version,
        "tool": {"name": report.tool_name, "version": report.tool_version},
        "target": {"path": report.target.path, "revision": report.target.revision},
        "verdict": _verdict(report.verdict),
        "criteria": [_criterion(score) for score in report.criteria],
        "markers": [_marker(marker) for marker in report.markers],
        "excluded_markers": [_marker(marker) for marker in report.excluded],
        "components": [_component(component) for component in report.components],
        "findings": [_finding(finding) for finding in findings],
        "diagnostics": [_diagnostic(diagnostic) for diagnostic in report.diagnostics],
        "languages": [_language(share) for share in report.languages],
        "stats": {
            "files": stats.files,
            "counted_files": stats.counted_files,
            "bytes_read": stats.bytes_read,
            "seconds": _num(stats.seconds),
            "rules": stats.rules,
        },
        "effort": _effort(report.effort),
        "omitted_findings": omitted,
        "hidden_by_baseline": report.hidden_by_baseline,
    }


def _effort(effort: Effort | None) -> JsonDict | None:
    if effort is None:
        return None
    return {
        "lines": [{"language": x.language, "files": x.files, "lines": x.lines} for x in effort.lines],
        "python_files": effort.python_files,
        "python_sloc": effort.python_sloc,
        "functions": effort.functions,
        "mean_complexity": _num(effort.mean_complexity),
        "hotspots": [
            {"path": h.path, "line": h.line, "name": h.name, "complexity": h.complexity} for h in effort.hotspots
        ],
    }


def render(report: Report, *, max_per_rule: int | None = MAX_FINDINGS_PER_RULE) -> str:
    """The JSON document, indented, UTF-8 text kept as is, ending with a newline (``max_per_rule``: see to_dict).

    Raises ValueError if a number in the report is NaN or infinite: emitting the non-standard ``NaN``
    token would break every consumer, so a scoring bug must surface here instead.
    """
    document = to_dict(report, max_per_rule=max_per_rule)
    text = json.dumps(document, indent=2, sort_keys=False, ensure_ascii=False, allow_nan=False)
    return json_escaped(text) + "\n"


def _side(report: Report) -> JsonDict:
    return {
        "target": {"path": report.target.path, "revision": report.target.revision},
        "verdict": _verdict(report.verdict),
    }


def delta_to_dict(delta: Delta) -> JsonDict:
    """The delta as JSON-ready values: both sides' verdicts, then what changed, headline first."""
    return {
        "schema_version": delta.head.schema_version,
        "kind": "delta",
        "tool": {"name": delta.head.tool_name, "version": delta.head.tool_version},
        "summary": change.headline(delta),
        "base": _side(delta.base),
        "head": _side(delta.head),
        "verdict_changed": delta.verdict_changed,
        "lean_change": _num(delta.lean_change),
        "criteria": [
            {"id": c.id, "before": _num(c.before), "after": _num(c.after), "change": _num(c.change)}
            for c in delta.criteria
        ],
        "added_markers": [_marker(marker) for marker in delta.added_markers],
        "removed_markers": [_marker(marker) for marker in delta.removed_markers],
        "added_findings": [_finding(finding) for finding in delta.added_findings],
        "removed_findings": [_finding(finding) for finding in delta.removed_findings],
        "hidden_by_baseline": delta.head.hidden_by_baseline,
    }


def render_delta(delta: Delta) -> str:
    """The delta document, indented, ending with a newline; NaN raises ValueError as in ``render``."""
    text = json.dumps(delta_to_dict(delta), indent=2, ensure_ascii=False, allow_nan=False)
    return json_escaped(text) + "\n"
