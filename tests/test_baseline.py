"""Baselines: written as JSON reports, read back, applied by rule+path+snippet; broken files are config errors."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from analyzer.compare.baseline import apply_baseline, load_baseline, parse_baseline, write_baseline
from analyzer.errors import ConfigError
from analyzer.reports import json as json_report
from tests.report_samples import both_report


def test_round_trip_drops_every_known_finding(tmp_path: Path) -> None:
    report = both_report()
    path = tmp_path / "baseline.json"
    write_baseline(json_report.render(report), path)
    baseline = load_baseline(path)
    assert len(baseline.findings) == len(report.findings)
    moved = replace(report, findings=tuple(replace(f, line=f.line + 7) for f in report.findings))
    cleaned = apply_baseline(moved, baseline)
    assert cleaned.findings == ()
    assert cleaned.verdict == report.verdict
    assert cleaned.markers == report.markers


def test_new_findings_survive(tmp_path: Path) -> None:
    report = both_report()
    baseline = parse_baseline(
        json.dumps({"findings": [{"rule": f.rule, "path": f.path, "snippet": f.snippet} for f in report.findings[1:]]}),
        "inline",
    )
    assert apply_baseline(report, baseline).findings == (report.findings[0],)


def test_delta_document_uses_its_head() -> None:
    finding = both_report().findings[0]
    text = json.dumps(
        {
            "kind": "delta",
            "head": {
                "findings": [{"rule": finding.rule, "path": finding.path, "snippet": finding.snippet, "line": "x"}]
            },
        }
    )
    baseline = parse_baseline(text, "delta.json")
    assert [(f.rule, f.path, f.snippet, f.line) for f in baseline.findings] == [
        (finding.rule, finding.path, finding.snippet, 0)
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("{not json", "not a JSON report", id="not-json"),
        pytest.param("[]", "no 'findings' list", id="a-list"),
        pytest.param('{"findings": {}}', "no 'findings' list", id="findings-not-a-list"),
        pytest.param('{"findings": [{"rule": 1, "path": "a"}]}', r"findings\[0\]", id="rule-not-a-string"),
        pytest.param('{"findings": ["x"]}', r"findings\[0\]", id="item-not-an-object"),
        pytest.param("[" * 100_000 + "]" * 100_000, "not a JSON report|no 'findings'", id="deep-nesting"),
    ],
)
def test_malformed_baselines(text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_baseline(text, "b.json")


def test_unreadable_and_unwritable(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read the baseline"):
        load_baseline(tmp_path / "missing.json")
    with pytest.raises(ConfigError, match="cannot write the baseline"):
        write_baseline(json_report.render(both_report()), tmp_path / "no" / "such" / "dir.json")
