"""GitHub Actions output: workflow-command escaping, GitHub's annotation caps, ordering, and the job summary."""

from __future__ import annotations

import pytest
from report_samples import both_report, findings_report, undecided_report

from analyzer import reports
from analyzer.model import Finding
from analyzer.reports import github


def _finding(rule: str, path: str, line: int, excluded: str | None = None) -> Finding:
    return Finding(
        rule=rule,
        category="wasm",
        message=f"{rule} says so.",
        path=path,
        line=line,
        marker="m",
        component=".",
        snippet="s",
        excluded=excluded,
    )


@pytest.mark.parametrize(
    ("value", "data", "prop"),
    [
        pytest.param("plain", "plain", "plain", id="plain"),
        pytest.param("100%", "100%25", "100%25", id="percent"),
        pytest.param("a\r\nb", "a%0D%0Ab", "a%0D%0Ab", id="newlines"),
        pytest.param("a:b,c", "a:b,c", "a%3Ab%2Cc", id="delimiters"),
        pytest.param("%0A", "%250A", "%250A", id="already-escaped-looking"),
        pytest.param("x\n::error::pwned", "x%0A::error::pwned", "x%0A%3A%3Aerror%3A%3Apwned", id="injection"),
    ],
)
def test_escaping(value: str, data: str, prop: str) -> None:
    assert github.escape_data(value) == data
    assert github.escape_property(value) == prop


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        pytest.param(
            {"file": "src/a.rs", "line": 3, "title": "R001"}, "::notice file=src/a.rs,line=3,title=R001::m", id="full"
        ),
        pytest.param(
            {"file": "Cargo.toml", "line": 0, "title": "R001"}, "::notice file=Cargo.toml,title=R001::m", id="no-line"
        ),
        pytest.param({"title": "verdict"}, "::notice title=verdict::m", id="no-file"),
        pytest.param({}, "::notice::m", id="bare"),
        pytest.param({"file": "a,b:c.rs", "line": 2}, "::notice file=a%2Cb%3Ac.rs,line=2::m", id="escaped-file"),
    ],
)
def test_command(kwargs: dict[str, object], expected: str) -> None:
    assert github.command("notice", "m", **kwargs) == expected  # type: ignore[arg-type]


def test_both_report_annotations() -> None:
    lines = github.render(both_report()).splitlines()
    assert lines[0] == (
        "::notice title=rustgo-analyzer verdict::Both (confidence 71%25, lean +0.04): Go for the API service, Rust "
        "for the native codec: the components pull in opposite directions. 10 of 11 counted findings annotated; "
        "the job summary and SARIF report list all."
    )
    assert lines[1] == (
        "::warning file=native/codec/src/stats.rs,line=30,title=LAT003 hdrhistogram::"
        "Records latency histograms (hdrhistogram)."
    )
    assert len(lines) == 11
    assert all(line.startswith("::warning ") for line in lines[1:])
    assert not any("vendor" in line or "testdata" in line for line in lines)


def test_caps_and_order() -> None:
    heavy = [_finding(f"H{n:03}", f"h{n:02}.rs", n + 1) for n in range(15)]
    light = [_finding(f"L{n:03}", f"l{n:02}.rs", n + 1) for n in range(15)]
    weights = {f.rule: 1.0 + n / 100 for n, f in enumerate(heavy)} | {f.rule: 0.1 for f in light}
    lines = github.render(findings_report([*light, *heavy], weights)).splitlines()
    levels = [line.split(" ", 1)[0].split("::")[1] for line in lines]
    assert levels == ["notice"] + ["warning"] * 10 + ["notice"] * 9
    assert "title=verdict" not in lines[0]
    assert "title=rustgo-analyzer verdict" in lines[0]
    assert "19 of 30 counted findings annotated" in lines[0]
    assert lines[1].startswith("::warning file=h14.rs,line=15,title=H014 m::")  # weightiest first
    assert lines[11].startswith("::notice file=l00.rs,line=1,title=L000 m::")  # equal weights: by path


def test_excluded_and_pathless_findings_are_not_annotated() -> None:
    findings = [
        _finding("R001", "vendor/x.rs", 1, excluded="vendored"),
        _finding("R002", "", 0),
        _finding("R003", "src/a.rs", 2),
    ]
    lines = github.render(findings_report(findings, {})).splitlines()
    assert lines[1:] == ["::notice file=src/a.rs,line=2,title=R003 m::R003 says so."]


def test_undecided_has_only_the_verdict() -> None:
    assert github.render(undecided_report()) == (
        "::notice title=rustgo-analyzer verdict::Undecided (confidence 0%25, lean +0.00): Too little evidence to "
        "decide: the repository holds only documentation.\n"
    )


def test_job_summary_is_markdown_without_marker() -> None:
    summary = github.job_summary(both_report())
    assert summary.startswith("### rustgo-analyzer: **Both** · confidence 71% · lean +0.04\n")
    assert "<!-- rustgo-report -->" not in summary
    assert "<details><summary>Findings: 11 counted</summary>" in summary
    assert reports.job_summary(both_report()) == summary


def test_dispatch() -> None:
    assert reports.render(both_report(), "github") == github.render(both_report())


def test_file_level_facts_are_notices_after_the_located_ones() -> None:
    findings = [_finding("EXG001", "a/main.go", 0), _finding("GOR001", "z/pool.go", 9), _finding("LOW1", "m.go", 3)]
    lines = github.render(findings_report(findings, {"EXG001": 3.0, "GOR001": 3.0, "LOW1": 0.1})).splitlines()
    assert lines[1].startswith("::warning file=z/pool.go,line=9")  # weighty and on a line
    assert [line.split(" ", 1)[0] for line in lines[2:]] == ["::notice", "::notice"]
    assert "file=m.go,line=3" in lines[2]  # a located notice before the file-level fact
    assert "file=a/main.go," in lines[3]  # weighty rule, but a whole file: never a warning


def test_only_the_given_findings_are_annotated_under_the_headline() -> None:
    findings = [_finding("R001", "old.go", 1), _finding("R001", "new.go", 2)]
    text = github.render(findings_report(findings, {"R001": 1.0}), only=findings[1:], headline="This change adds X.")
    lines = text.splitlines()
    assert lines[0].startswith("::notice title=")
    assert "This change adds X." in lines[0]
    assert [line for line in lines if "file=" in line] == [line for line in lines if "file=new.go" in line]
    assert len(lines) == 2
