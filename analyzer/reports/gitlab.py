"""The GitLab Code Quality report: a JSON list of issues that a merge request widget shows beside the diff.

Each counted finding becomes one issue with the rule id as ``check_name``, a line-free ``fingerprint`` (rule,
path and snippet, see ``findings.fingerprints``) so GitLab matches the same fact across commits even when it
moves, and a severity of "minor" for findings of a weighty rule or "info" otherwise. Excluded findings and
findings without a file are left out: GitLab needs a path, and excluded facts do not count toward the verdict.
A fact without a line points at line 1. At most ``findings.MAX_FINDINGS_PER_RULE`` issues of one rule are shown.
In ``analyze diff`` only the change's new findings are issues (``only``), with the fingerprints of the full report.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from analyzer.model import Finding, Report
from analyzer.reports import findings as ranking
from analyzer.reports._text import json_escaped


def to_list(report: Report, *, only: Iterable[Finding] | None = None) -> list[dict[str, Any]]:
    """The Code Quality issues, in the report's order (path, line, rule), at most ``MAX_FINDINGS_PER_RULE`` a rule.

    ``only`` restricts the issues to those findings (a diff's new ones); fingerprints stay those of the full report.
    """
    weights = ranking.rule_weights(report)
    pairs, _ = ranking.capped(ranking.selected(report.findings, only), lambda pair: pair[0].rule)
    return [
        {
            "description": f"{finding.rule}: {finding.message}",
            "check_name": finding.rule,
            "fingerprint": fingerprint,
            "severity": "minor" if ranking.is_weighty(finding, weights) else "info",
            "location": {"path": finding.path, "lines": {"begin": max(finding.line, 1)}},
        }
        for finding, fingerprint in pairs
    ]


def render(report: Report, *, only: Iterable[Finding] | None = None) -> str:
    """The issues as indented JSON ending with a newline (``[]`` when nothing counts)."""
    return json_escaped(json.dumps(to_list(report, only=only), indent=2, ensure_ascii=False)) + "\n"
