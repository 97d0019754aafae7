"""GitLab Code Quality: valid JSON of the documented shape, severities, and stable line-free fingerprints."""

from __future__ import annotations

import json
from typing import Any

import pytest
from report_samples import both_report, findings_report, undecided_report

from analyzer import reports
from analyzer.model import Finding
from analyzer.reports import gitlab


def _finding(rule: str, path: str, line: int, snippet: str = "s", excluded: str | None = None) -> Finding:
    return Finding(
        rule=rule,
        category="wasm",
        message=f"{rule} says so.",
        path=path,
        line=line,
        marker="m",
        component=".",
        snippet=snippet,
        excluded=excluded,
    )


def _issues(findings: list[Finding], weights: dict[str, float] | None = None) -> list[dict[str, Any]]:
    document: list[dict[str, Any]] = json.loads(gitlab.render(findings_report(findings, weights or {})))
    return document


def test_shape_of_every_issue() -> None:
    issues = json.loads(gitlab.render(both_report()))
    assert len(issues) == 11
    for issue in issues:
        assert set(issue) == {"description", "check_name", "fingerprint", "severity", "location"}
        assert issue["severity"] in {"info", "minor"}
        assert set(issue["location"]) == {"path", "lines"}
        assert issue["location"]["lines"]["begin"] >= 1
        assert issue["description"].startswith(issue["check_name"] + ": ")
    assert len({issue["fingerprint"] for issue in issues}) == 11


def test_first_issue_exactly() -> None:
    issue = _issues([_finding("WASM001", "web/Cargo.toml", 8, "wasm-bindgen")], {"WASM001": 1.0})[0]
    assert issue == {
        "description": "WASM001: WASM001 says so.",
        "check_name": "WASM001",
        "fingerprint": issue["fingerprint"],
        "severity": "minor",
        "location": {"path": "web/Cargo.toml", "lines": {"begin": 8}},
    }
    assert len(issue["fingerprint"]) == 64


@pytest.mark.parametrize(
    ("weight", "severity"),
    [
        pytest.param(None, "info", id="no-evidence"),
        pytest.param(0.2, "info", id="light"),
        pytest.param(0.5, "minor", id="threshold"),
    ],
)
def test_severity(weight: float | None, severity: str) -> None:
    weights = {} if weight is None else {"R001": weight}
    assert _issues([_finding("R001", "a.rs", 1)], weights)[0]["severity"] == severity


@pytest.mark.parametrize(
    ("before", "after", "same"),
    [
        pytest.param(_finding("R001", "a.rs", 3, "x = 1"), _finding("R001", "a.rs", 90, "x = 1"), True, id="moved"),
        pytest.param(
            _finding("R001", "a.rs", 3, "x = 1"), _finding("R001", "a.rs", 3, "  x  =  1 "), True, id="reindented"
        ),
        pytest.param(_finding("R001", "a.rs", 3, "x = 1"), _finding("R002", "a.rs", 3, "x = 1"), False, id="rule"),
        pytest.param(_finding("R001", "a.rs", 3, "x = 1"), _finding("R001", "b.rs", 3, "x = 1"), False, id="path"),
        pytest.param(_finding("R001", "a.rs", 3, "x = 1"), _finding("R001", "a.rs", 3, "x = 2"), False, id="snippet"),
    ],
)
def test_fingerprint_stability(before: Finding, after: Finding, same: bool) -> None:
    first = _issues([before])[0]["fingerprint"]
    second = _issues([after])[0]["fingerprint"]
    assert (first == second) is same


def test_duplicate_snippets_get_distinct_fingerprints() -> None:
    issues = _issues([_finding("R001", "a.c", 5, "free(p);"), _finding("R001", "a.c", 9, "free(p);")])
    assert issues[0]["fingerprint"] != issues[1]["fingerprint"]


@pytest.mark.parametrize(
    ("finding", "kept"),
    [
        pytest.param(_finding("R001", "vendor/a.c", 1, excluded="vendored"), False, id="excluded"),
        pytest.param(_finding("R001", "", 0), False, id="no-path"),
        pytest.param(_finding("R001", "Cargo.toml", 0), True, id="line-zero"),
    ],
)
def test_what_is_kept(finding: Finding, kept: bool) -> None:
    issues = _issues([finding])
    assert len(issues) == int(kept)
    if kept:
        assert issues[0]["location"]["lines"] == {"begin": 1}


def test_empty_report_is_an_empty_list() -> None:
    assert gitlab.render(undecided_report()) == "[]\n"
    assert reports.render(undecided_report(), "gitlab") == "[]\n"


def test_issues_are_capped_per_rule_and_keep_full_report_fingerprints() -> None:
    from analyzer.reports.findings import MAX_FINDINGS_PER_RULE

    many = [_finding("R001", f"src/f{n:03}.go", 1, snippet=f"s{n}") for n in range(MAX_FINDINGS_PER_RULE + 5)]
    report = findings_report([*many, _finding("R002", "b.go", 2)], {})
    issues = gitlab.to_list(report)
    assert sum(1 for issue in issues if issue["check_name"] == "R001") == MAX_FINDINGS_PER_RULE
    assert sum(1 for issue in issues if issue["check_name"] == "R002") == 1
    full = {issue["location"]["path"]: issue["fingerprint"] for issue in issues}
    only = gitlab.to_list(report, only=[many[3]])
    assert [(i["location"]["path"], i["fingerprint"]) for i in only] == [("src/f003.go", full["src/f003.go"])]
