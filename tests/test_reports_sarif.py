"""The SARIF report: schema validity, what GitHub code scanning requires, rule help from the registry, caps."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft4Validator
from report_samples import both_report, findings_report, undecided_report

from analyzer import reports
from analyzer.knowledge.criteria import load_criteria
from analyzer.knowledge.rules import Example, Rule, RuleSet, Status, load_rules
from analyzer.model import Diagnostic, Finding, Report, Severity
from analyzer.reports import sarif
from tests.schemas import errors, sarif_validator

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@pytest.fixture(scope="module")
def validator() -> Draft4Validator:
    return sarif_validator()


@pytest.fixture(scope="module")
def registry() -> RuleSet:
    return load_rules(load_criteria())


def _rule(rule_id: str, category: str = "wasm") -> Rule:
    return Rule(
        id=rule_id,
        name=f"rule-{rule_id.lower()}",
        status=Status.STABLE,
        category=category,
        marker="m",
        summary=f"Summary of {rule_id}.",
        rationale=f"Rationale of {rule_id}.",
        weight=1.0,
        evidence=(),
        dependencies=(),
        paths=(),
        content=(),
        examples_match=(Example(dependency="wasm-bindgen"), Example(language="Rust", code="#[wasm_bindgen]\n")),
        examples_no_match=(Example(dependency="serde"),),
        pack="test.toml",
    )


def _finding(rule: str, path: str, line: int, snippet: str = "x", excluded: str | None = None) -> Finding:
    return Finding(
        rule=rule,
        category="wasm",
        message=f"{rule} message.",
        path=path,
        line=line,
        marker="m",
        component=".",
        snippet=snippet,
        excluded=excluded,
    )


def _doc(report: Report, rules: RuleSet | None = None) -> dict[str, Any]:
    return json.loads(sarif.render(report, rules=rules))


@pytest.mark.parametrize("build", [pytest.param(both_report, id="both"), pytest.param(undecided_report, id="empty")])
def test_validates_against_oasis_schema(
    build: Callable[[], Report], validator: Draft4Validator, registry: RuleSet
) -> None:
    document = _doc(build(), registry)
    assert [error.message for error in validator.iter_errors(document)] == []


def test_github_required_shape(registry: RuleSet) -> None:
    document = _doc(both_report(), registry)
    assert document["version"] == "2.1.0"
    assert document["$schema"] == sarif.SCHEMA_URI
    assert len(document["runs"]) == 1
    run = document["runs"][0]
    assert run["tool"]["driver"]["name"] == "rustgo-analyzer"
    assert run["tool"]["driver"]["version"] == "0.1.0"
    ids = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    assert len(ids) == len(set(ids))
    for result in run["results"]:
        assert ids[result["ruleIndex"]] == result["ruleId"]
        assert 1 <= len(result["locations"]) <= 10
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        assert location["region"]["startLine"] >= 1


def test_results_are_counted_findings_only() -> None:
    report = both_report()
    run = _doc(report)["runs"][0]
    counted = [f for f in report.findings if f.excluded is None]
    assert len(run["results"]) == len(counted) == 11
    assert run["properties"]["excludedFindings"] == 12
    assert not any("vendor" in r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"])


def test_rule_help_comes_from_registry(registry: RuleSet) -> None:
    run = _doc(both_report(), registry)["runs"][0]
    rules = {rule["id"]: rule for rule in run["tool"]["driver"]["rules"]}
    mem = registry.get("MEM001")
    assert rules["MEM001"]["name"] == mem.name
    assert rules["MEM001"]["shortDescription"]["text"] == mem.summary
    assert rules["MEM001"]["fullDescription"]["text"] == mem.rationale
    assert rules["MEM001"]["properties"]["category"] == "unsafe-memory"
    assert rules["MEM001"]["properties"]["tags"] == ["rustgo", "unsafe-memory", mem.marker]
    assert "helpUri" not in rules["MEM001"]  # no published docs URL given: SARIF wants an absolute one
    assert mem.rationale in rules["MEM001"]["help"]["text"]
    assert rules["MEM001"]["help"]["markdown"].startswith(f"**{mem.summary}**")
    assert rules["MEM001"]["defaultConfiguration"] == {"level": "note"}


def test_unknown_rule_gets_minimal_descriptor() -> None:
    findings = [
        Finding(
            rule="NEW901",
            category="grpc",
            message="Exposes gRPC services.",
            path="api/go.mod",
            line=6,
            marker="grpc-go",
            component=".",
        ),
        _finding("WASM900", "a.rs", 3),
    ]
    run = _doc(findings_report(findings, {}), RuleSet((_rule("WASM900"),)))["runs"][0]
    rules = {rule["id"]: rule for rule in run["tool"]["driver"]["rules"]}
    assert rules["NEW901"] == {
        "id": "NEW901",
        "shortDescription": {"text": "Exposes gRPC services."},
        "defaultConfiguration": {"level": "note"},
        "properties": {"category": "grpc", "tags": ["rustgo", "grpc"]},
    }
    assert rules["WASM900"]["name"] == "rule-wasm900"


def test_help_lists_examples() -> None:
    report = findings_report([_finding("WASM900", "a.rs", 3)], {"WASM900": 1.0})
    rule = _doc(report, RuleSet((_rule("WASM900"),)))["runs"][0]["tool"]["driver"]["rules"][0]
    assert rule["help"]["markdown"] == (
        "**Summary of WASM900.**\n\nRationale of WASM900.\n\nMatches, for example:\n\n"
        "- dependency `wasm-bindgen`\n- Rust: `#[wasm_bindgen]`\n\nExplain it locally with `analyze rules WASM900`."
    )
    assert "- dependency wasm-bindgen" in rule["help"]["text"]


@pytest.mark.parametrize(
    ("path", "line", "uri", "start"),
    [
        pytest.param("src/lib.rs", 12, "src/lib.rs", 12, id="plain"),
        pytest.param("Cargo.toml", 0, "Cargo.toml", 1, id="line-zero-is-line-one"),
        pytest.param("my dir/a#b?.rs", 4, "my%20dir/a%23b%3F.rs", 4, id="percent-encoded"),
        pytest.param("docs/ünï.rs", 2, "docs/%C3%BCn%C3%AF.rs", 2, id="utf8"),
        pytest.param("a/100%.rs", 1, "a/100%25.rs", 1, id="percent-sign"),
    ],
)
def test_locations(path: str, line: int, uri: str, start: int) -> None:
    result = _doc(findings_report([_finding("R001", path, line, snippet="s")], {}))["runs"][0]["results"][0]
    location = result["locations"][0]["physicalLocation"]
    assert location == {
        "artifactLocation": {"uri": uri, "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": start, "snippet": {"text": "s"}},
    }


@pytest.mark.parametrize(
    ("weight", "level"),
    [
        pytest.param(0.49, "note", id="light"),
        pytest.param(0.5, "warning", id="threshold"),
        pytest.param(2.0, "warning", id="heavy"),
    ],
)
def test_level_follows_rule_weight(weight: float, level: str) -> None:
    report = findings_report([_finding("R001", "a.rs", 1)], {"R001": weight})
    assert _doc(report)["runs"][0]["results"][0]["level"] == level


def test_fingerprints_ignore_lines_but_tell_duplicates_apart() -> None:
    first = findings_report([_finding("R001", "a.c", 10, "free(p);"), _finding("R001", "a.c", 20, "free(p);")], {})
    moved = findings_report([_finding("R001", "a.c", 31, "  free(p);"), _finding("R001", "a.c", 40, "free(p);")], {})
    prints = [r["partialFingerprints"]["rustgoFinding/v1"] for r in _doc(first)["runs"][0]["results"]]
    moved_prints = [r["partialFingerprints"]["rustgoFinding/v1"] for r in _doc(moved)["runs"][0]["results"]]
    assert len(set(prints)) == 2
    assert prints == moved_prints
    assert all(len(p) == 64 for p in prints)


def test_results_capped_weightiest_first(monkeypatch: pytest.MonkeyPatch) -> None:
    assert sarif.MAX_RESULTS == 25_000
    monkeypatch.setattr(sarif, "MAX_RESULTS", 2)
    findings = [_finding("LOW1", "a.rs", 1), _finding("TOP1", "z.rs", 9), _finding("MID1", "m.rs", 5)]
    run = _doc(findings_report(findings, {"LOW1": 0.1, "TOP1": 3.0, "MID1": 1.0}))["runs"][0]
    assert [r["ruleId"] for r in run["results"]] == ["TOP1", "MID1"]
    assert [rule["id"] for rule in run["tool"]["driver"]["rules"]] == ["MID1", "TOP1"]
    assert [r["ruleIndex"] for r in run["results"]] == [1, 0]
    assert run["properties"]["omittedResults"] == 1


def test_run_properties_carry_verdict() -> None:
    properties = _doc(both_report())["runs"][0]["properties"]
    assert properties["verdict"] == {
        "language": "both",
        "confidence": 0.715,
        "lean": 0.042,
        "summary": "Go for the API service, Rust for the native codec: the components pull in opposite directions.",
        "runnerUp": "go",
        "split": [{"component": "native/codec", "language": "rust"}, {"component": "services/api", "language": "go"}],
    }
    assert [c["id"] for c in properties["criteria"]][:2] == ["performance", "memory-safety"]


def test_diagnostics_are_tool_notifications() -> None:
    report = findings_report(
        [],
        {},
        [
            Diagnostic(path="web/package.json", message="bad JSON", severity=Severity.WARNING, stage="manifests"),
            Diagnostic(path="", message="no git history", severity=Severity.INFO, stage="git"),
        ],
    )
    invocation = _doc(report)["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is True
    assert invocation["toolExecutionNotifications"] == [
        {
            "level": "warning",
            "message": {"text": "bad JSON"},
            "locations": [
                {"physicalLocation": {"artifactLocation": {"uri": "web/package.json", "uriBaseId": "%SRCROOT%"}}}
            ],
        },
        {"level": "note", "message": {"text": "no git history"}},
    ]


def test_message_names_the_side() -> None:
    result = _doc(both_report())["runs"][0]["results"]
    messages = {r["ruleId"]: r["message"]["text"] for r in result}
    assert messages["MEM001"] == "Manages memory by hand with malloc/free. Leans Rust (performance, memory-safety)."
    assert messages["GOR001"] == "Starts goroutines. Leans Go (concurrency)."


def test_dispatch_loads_registry_and_is_deterministic() -> None:
    first = reports.render(both_report(), "sarif")
    assert first == reports.render(both_report(), "sarif")
    rules = {rule["id"]: rule for rule in json.loads(first)["runs"][0]["tool"]["driver"]["rules"]}
    assert "help" in rules["MEM001"]


def _fixture_reports() -> list[str]:
    return sorted(p.name for p in FIXTURES.iterdir() if p.is_dir())


@pytest.fixture(scope="module")
def knowledge() -> Any:
    from analyzer.knowledge import load

    return load()


@pytest.mark.parametrize("name", _fixture_reports())
def test_every_fixture_validates(name: str, validator: Draft4Validator, knowledge: Any) -> None:
    from analyzer.engine import Options, analyze
    from analyzer.target.worktree import WorkTree

    report = analyze(WorkTree(FIXTURES / name), knowledge, Options(jobs=1))
    assert len(set(report.findings)) == len(report.findings), "the same line of one rule is one finding"
    document = json.loads(sarif.render(report, rules=knowledge.rules, docs_url="https://example.org/docs/rules.md"))
    assert errors(validator, document) == []
    for rule in document["runs"][0]["tool"]["driver"]["rules"]:
        tags = rule["properties"]["tags"]
        assert len(tags) == len(set(tags)), rule["id"]


def test_grpc_fixture_fires_grpc_rules_with_unique_tags(knowledge: Any) -> None:
    from analyzer.engine import Options, analyze
    from analyzer.target.worktree import WorkTree

    report = analyze(WorkTree(FIXTURES / "py-grpc-pricing"), knowledge, Options(jobs=1))
    rules = {r["id"]: r for r in _doc(report, knowledge.rules)["runs"][0]["tool"]["driver"]["rules"]}
    assert {"RPC003", "RPC010"} <= set(rules)
    assert rules["RPC010"]["properties"]["tags"] == ["rustgo", "grpc"]  # category and marker are both "grpc"
    assert rules["RPC003"]["properties"]["tags"] == ["rustgo", "grpc", "grpc-service"]


def test_minimal_descriptor_tags_are_unique() -> None:
    findings = [
        Finding(rule="NEW902", category="rustgo", message="A finding.", path="a.go", line=1, marker="x", component=".")
    ]
    rule = _doc(findings_report(findings, {}))["runs"][0]["tool"]["driver"]["rules"][0]
    assert rule["properties"]["tags"] == ["rustgo"]


@pytest.mark.parametrize(
    ("line", "level"),
    [pytest.param(0, "note", id="file-level-is-a-note"), pytest.param(7, "warning", id="on-a-line")],
)
def test_file_level_facts_are_notes_whatever_their_weight(line: int, level: str) -> None:
    report = findings_report([_finding("EXG001", "cmd/main.go", line)], {"EXG001": 3.0})
    assert _doc(report)["runs"][0]["results"][0]["level"] == level


def test_help_uri_points_at_the_rule_anchor_of_the_docs(registry: RuleSet) -> None:
    document = json.loads(sarif.render(both_report(), rules=registry, docs_url="https://example.org/x/rules.md"))
    rules = {rule["id"]: rule for rule in document["runs"][0]["tool"]["driver"]["rules"]}
    assert rules["MEM001"]["helpUri"] == "https://example.org/x/rules.md#mem001"
    docs = (FIXTURES.parent / "docs" / "rules.md").read_text(encoding="utf-8")
    assert '<a id="mem001"></a>MEM001' in docs  # the anchor the link lands on exists
