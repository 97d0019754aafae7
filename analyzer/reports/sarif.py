"""The SARIF 2.1.0 report: one run whose results are the counted findings, shaped for GitHub code scanning.

Rule metadata (``rules[]``: summary, rationale, category, examples) comes from the rule registry passed in as a
``RuleSet``, so the help a reviewer reads is the same text ``analyze rules ID`` prints; a finding whose rule is not
in that set still gets a minimal entry, because every ``ruleId`` must resolve. Only findings that count are
results: excluded ones (vendored, fixtures, examples, docs) would raise alerts about code the verdict ignores, so
they are left to the JSON report and only counted in the run's property bag. A result's level is "warning"
when its rule weighs at least ``findings.WEIGHTY`` in this report and the fact sits on a line, "note" otherwise: a
file-level fact ("contains Go source files") describes the repository, it is not a place to fix. Locations are
repository-relative URIs under ``%SRCROOT%``; a fact without a line (a whole file, a manifest entry whose line
is unknown) points at line 1, since GitHub needs ``startLine`` whenever a region is given. GitHub's caps
(25,000 results per run, unique rule ids, at most 10 locations per result) hold by construction, and at most
``findings.MAX_FINDINGS_PER_RULE`` results of one rule are shown. In ``analyze diff`` only the change's new
findings are results (``only``), fingerprinted as in the full report so code scanning matches them across runs.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote

from analyzer.knowledge.rules import Example, Rule, RuleSet
from analyzer.model import Diagnostic, Finding, Report, Severity
from analyzer.reports import findings as ranking
from analyzer.reports._text import json_escaped

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
FINGERPRINT = "rustgoFinding/v1"
MAX_RESULTS = 25_000
MAX_NOTIFICATIONS = 100
_LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}

JsonDict = dict[str, Any]


def render(
    report: Report,
    *,
    rules: RuleSet | None = None,
    docs_url: str | None = None,
    only: Iterable[Finding] | None = None,
) -> str:
    """The SARIF log as indented JSON ending with a newline; ``rules`` supplies rule help (none: minimal entries).

    ``docs_url`` is the absolute URL of the rules page (docs/rules.md, one anchor per rule id): each known
    rule's ``helpUri`` points at its anchor there; without one, no ``helpUri`` is written (SARIF wants it absolute).
    """
    document = to_dict(report, rules=rules, docs_url=docs_url, only=only)
    return json_escaped(json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False)) + "\n"


def to_dict(
    report: Report,
    *,
    rules: RuleSet | None = None,
    docs_url: str | None = None,
    only: Iterable[Finding] | None = None,
) -> JsonDict:
    """The SARIF log as JSON-ready values; ``only``: just those findings (a diff's new ones) become results."""
    weights = ranking.rule_weights(report)
    candidates = sorted(ranking.selected(report.findings, only), key=lambda pair: ranking.rank_key(pair[0], weights))
    capped, over_cap = ranking.capped(candidates, lambda pair: pair[0].rule)
    pairs = capped[:MAX_RESULTS]
    kept = [finding for finding, _ in pairs]
    registry = {rule.id: rule for rule in (rules.rules if rules is not None else ())}
    rule_ids = sorted({finding.rule for finding in kept})
    index = {rule_id: position for position, rule_id in enumerate(rule_ids)}
    descriptors = [_descriptor(rule_id, registry.get(rule_id), kept, docs_url) for rule_id in rule_ids]
    leanings = ranking.rule_leanings(report)
    results = [_result(finding, fingerprint, index[finding.rule], weights, leanings) for finding, fingerprint in pairs]
    run: JsonDict = {
        "tool": {"driver": {"name": report.tool_name, "version": report.tool_version, "rules": descriptors}},
        "invocations": [_invocation(report.diagnostics)],
        "columnKind": "unicodeCodePoints",
        "results": results,
        "properties": _run_properties(report, len(capped) - len(kept) + over_cap, only is not None),
    }
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def _uri(path: str) -> str:
    """A repository-relative URI reference: POSIX separators, anything outside the URI grammar percent-encoded."""
    return quote(path, safe="/-._~!$&'()*+,;=:@")


def _example(example: Example) -> str:
    if example.dependency is not None:
        return f"dependency `{example.dependency}`"
    if example.code is None:
        return f"path `{example.path}`"
    where = example.file or example.language or ""
    snippet = " ".join(example.code.split())
    return f"{where}: `{snippet}`"


def _help(rule: Rule) -> JsonDict:
    examples = [_example(example) for example in rule.examples_match[:3]]
    text = f"{rule.summary}\n\n{rule.rationale}"
    markdown = f"**{rule.summary}**\n\n{rule.rationale}"
    if examples:
        text += "\n\nMatches, for example:\n" + "\n".join(f"- {e.replace('`', '')}" for e in examples)
        markdown += "\n\nMatches, for example:\n\n" + "\n".join(f"- {e}" for e in examples)
    text += f"\n\nExplain it locally with: analyze rules {rule.id}"
    markdown += f"\n\nExplain it locally with `analyze rules {rule.id}`."
    return {"text": text, "markdown": markdown}


def _descriptor(rule_id: str, rule: Rule | None, findings: list[Finding], docs_url: str | None) -> JsonDict:
    if rule is None:
        # The registry given does not know this id (a rule pack the caller did not pass): describe it from its findings.
        sample = next(f for f in findings if f.rule == rule_id)
        return {
            "id": rule_id,
            "shortDescription": {"text": sample.message or rule_id},
            "defaultConfiguration": {"level": "note"},
            "properties": {"category": sample.category, "tags": _tags(sample.category)},
        }
    descriptor: JsonDict = {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.rationale},
        "help": _help(rule),
        "defaultConfiguration": {"level": "note"},
        "properties": {
            "category": rule.category,
            "status": rule.status.value,
            "tags": _tags(rule.category, rule.marker),
        },
    }
    if docs_url:
        descriptor["helpUri"] = f"{docs_url}#{rule.id.lower()}"
    return descriptor


def _tags(*names: str) -> list[str]:
    """SARIF tags must be unique: a gRPC rule's category and marker are both "grpc"."""
    return list(dict.fromkeys(("rustgo", *(name for name in names if name))))


def _message(finding: Finding, leanings: dict[str, Any]) -> str:
    leaning = leanings.get(finding.rule)
    if leaning is None:
        return finding.message
    side, criteria = leaning
    return f"{finding.message} Leans {'Rust' if side.sign > 0 else 'Go'} ({', '.join(criteria)})."


def _result(
    finding: Finding, fingerprint: str, rule_index: int, weights: dict[str, float], leanings: dict[str, Any]
) -> JsonDict:
    region: JsonDict = {"startLine": max(finding.line, 1)}
    if finding.snippet:
        region["snippet"] = {"text": finding.snippet}
    return {
        "ruleId": finding.rule,
        "ruleIndex": rule_index,
        "level": ranking.level(finding, weights),
        "message": {"text": _message(finding, leanings)},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": _uri(finding.path), "uriBaseId": "%SRCROOT%"},
                    "region": region,
                }
            }
        ],
        "partialFingerprints": {FINGERPRINT: fingerprint},
        "properties": {"category": finding.category, "marker": finding.marker, "component": finding.component},
    }


def _notification(diagnostic: Diagnostic) -> JsonDict:
    notification: JsonDict = {"level": _LEVELS[diagnostic.severity], "message": {"text": diagnostic.message}}
    if diagnostic.path:
        notification["locations"] = [
            {"physicalLocation": {"artifactLocation": {"uri": _uri(diagnostic.path), "uriBaseId": "%SRCROOT%"}}}
        ]
    return notification


def _invocation(diagnostics: tuple[Diagnostic, ...]) -> JsonDict:
    """Diagnostics become tool notifications: problems with the input, not findings about the code."""
    return {
        "executionSuccessful": True,
        "toolExecutionNotifications": [_notification(d) for d in diagnostics[:MAX_NOTIFICATIONS]],
    }


def _run_properties(report: Report, omitted: int, new_only: bool) -> JsonDict:
    verdict = report.verdict
    return {
        "results": "new findings of the change" if new_only else "counted findings",
        "verdict": {
            "language": verdict.language.value,
            "confidence": round(verdict.confidence, 3) + 0.0,
            "lean": round(verdict.lean, 3) + 0.0,
            "summary": verdict.summary,
            "runnerUp": verdict.runner_up.value if verdict.runner_up is not None else None,
            "split": [{"component": path, "language": lang.value} for path, lang in verdict.split],
        },
        "criteria": [
            {"id": s.id, "lean": round(s.lean, 3) + 0.0, "weight": round(s.weight, 3) + 0.0} for s in report.criteria
        ],
        "target": {"path": report.target.path, "revision": report.target.revision},
        "excludedFindings": sum(1 for f in report.findings if f.excluded is not None),
        "omittedResults": omitted,
        "omittedNotifications": max(len(report.diagnostics) - MAX_NOTIFICATIONS, 0),
        "hiddenByBaseline": report.hidden_by_baseline,
    }
