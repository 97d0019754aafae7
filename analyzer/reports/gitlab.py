"""The GitLab Code Quality report: a JSON list of issues that a merge request widget shows beside the diff.

Each counted finding becomes one issue with the rule id as ``check_name``, a line-free ``fingerprint`` (rule,
path and snippet, see ``findings.fingerprints``) so GitLab matches the same fact across commits even when it
moves, and a severity of "minor" for findings of a weighty rule or "info" otherwise. Excluded findings and
findings without a file are left out: GitLab needs a path, and excluded facts do not count toward the verdict.
A fact without a line points at line 1.
"""

from __future__ import annotations

import json
from typing import Any

from analyzer.model import Report
from analyzer.reports import findings as ranking


def to_list(report: Report) -> list[dict[str, Any]]:
    """The Code Quality issues, in the report's order (path, line, rule)."""
    weights = ranking.rule_weights(report)
    kept = ranking.counted(report.findings)
    return [
        {
            "description": f"{finding.rule}: {finding.message}",
            "check_name": finding.rule,
            "fingerprint": fingerprint,
            "severity": "minor" if ranking.is_weighty(finding, weights) else "info",
            "location": {"path": finding.path, "lines": {"begin": max(finding.line, 1)}},
        }
        for finding, fingerprint in zip(kept, ranking.fingerprints(kept), strict=True)
    ]


def render(report: Report) -> str:
    """The issues as indented JSON ending with a newline (``[]`` when nothing counts)."""
    return json.dumps(to_list(report), indent=2, ensure_ascii=False) + "\n"
