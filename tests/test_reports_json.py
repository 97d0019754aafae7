"""The JSON report: its contract shape, rounding, and validation against the shipped JSON Schema."""

from __future__ import annotations

import copy
import dataclasses
import json
import re
from collections.abc import Callable
from importlib import resources
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from report_samples import both_report, undecided_report

from analyzer import reports
from analyzer.model import Report
from analyzer.reports import json as json_report

Mutation = Callable[[dict[str, Any]], None]


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    text = resources.files("analyzer.reports.schema").joinpath("report.schema.json").read_text(encoding="utf-8")
    schema = json.loads(text)
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


SAMPLES = [pytest.param(both_report, id="both"), pytest.param(undecided_report, id="undecided")]


@pytest.mark.parametrize("build", SAMPLES)
def test_rendered_samples_validate(build: Callable[[], Report], validator: Draft202012Validator) -> None:
    document = json.loads(json_report.render(build()))
    assert [error.message for error in validator.iter_errors(document)] == []


def test_contract_fields_in_order() -> None:
    document = json_report.to_dict(both_report())
    assert list(document) == [
        "schema_version",
        "tool",
        "target",
        "verdict",
        "criteria",
        "markers",
        "excluded_markers",
        "components",
        "findings",
        "diagnostics",
        "languages",
        "stats",
        "effort",
        "omitted_findings",
        "hidden_by_baseline",
    ]
    assert document["schema_version"] == "1"
    assert document["tool"] == {"name": "rustgo-analyzer", "version": "0.1.0"}
    assert list(document["verdict"]) == [
        "language",
        "confidence",
        "summary",
        "runner_up",
        "lean",
        "reasons",
        "split",
        "interop",
        "domain",
        "incumbent",
        "boundary",
        "sensitivity",
        "against",
    ]
    assert list(document["criteria"][0]["evidence"][0]) == [
        "rule",
        "category",
        "marker",
        "leans",
        "weight",
        "message",
        "path",
        "line",
        "component",
    ]
    assert list(document["findings"][0]) == [
        "rule",
        "category",
        "marker",
        "message",
        "path",
        "line",
        "component",
        "snippet",
        "excluded",
    ]
    assert list(document["diagnostics"][0]) == ["path", "message", "severity", "stage"]
    assert [c["id"] for c in document["criteria"]] == [
        "performance",
        "memory-safety",
        "concurrency",
        "developer-experience",
        "ecosystem",
        "interop",
    ]


def test_enums_are_values_and_split_is_named() -> None:
    document = json_report.to_dict(both_report())
    verdict = document["verdict"]
    assert verdict["language"] == "both"
    assert verdict["runner_up"] == "go"
    assert verdict["split"] == [
        {"component": "native/codec", "language": "rust"},
        {"component": "services/api", "language": "go"},
    ]
    assert verdict["interop"] == "ffi"
    assert {c["verdict"] for c in document["components"]} == {"rust", "go"}
    assert {e["leans"] for c in document["criteria"] for e in c["evidence"]} == {"rust", "go"}
    assert document["diagnostics"][0]["severity"] == "warning"
    excluded = [f["excluded"] for f in document["findings"] if f["excluded"]]
    assert sorted(set(excluded)) == ["fixture", "vendored"]
    assert len(excluded) == 12


def test_undecided_has_null_runner_up_and_no_evidence() -> None:
    document = json_report.to_dict(undecided_report())
    assert document["verdict"]["language"] == "undecided"
    assert document["verdict"]["runner_up"] is None
    assert document["target"]["revision"] is None
    assert all(c["evidence"] == [] and c["lean"] == 0.0 for c in document["criteria"])
    assert document["markers"] == []
    assert document["findings"] == []


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param(0.71493, 0.715, id="rounds-up"),
        pytest.param(0.41849, 0.418, id="rounds-down"),
        pytest.param(-0.0004, 0.0, id="negative-zero-normalized"),
        pytest.param(1.0, 1.0, id="exact"),
    ],
)
def test_floats_rounded_to_three_decimals(value: float, expected: float) -> None:
    report = both_report()
    report = dataclasses.replace(report, verdict=dataclasses.replace(report.verdict, lean=value, confidence=abs(value)))
    text = json_report.render(report)
    verdict = json.loads(text)["verdict"]
    assert verdict["lean"] == expected
    assert re.search(r": -0\.0\b(?!\d)", text) is None


def test_render_is_indented_utf8_with_trailing_newline() -> None:
    report = both_report()
    report = dataclasses.replace(report, verdict=dataclasses.replace(report.verdict, summary="Rust für den Kern → ok"))
    text = json_report.render(report)
    assert text.endswith("}\n")
    assert text.startswith('{\n  "schema_version": "1",\n')
    assert "Rust für den Kern → ok" in text
    assert json.loads(text) == json_report.to_dict(report)


def test_nan_is_refused_rather_than_emitted() -> None:
    report = both_report()
    report = dataclasses.replace(report, verdict=dataclasses.replace(report.verdict, lean=float("nan")))
    with pytest.raises(ValueError, match="JSON"):
        json_report.render(report)


def _evidence_path(path: str) -> Mutation:
    def mutate(document: dict[str, Any]) -> None:
        document["criteria"][0]["evidence"][0]["path"] = path

    return mutate


def _set(*keys: str | int, value: Any) -> Mutation:
    def mutate(document: dict[str, Any]) -> None:
        target: Any = document
        for key in keys[:-1]:
            target = target[key]
        target[keys[-1]] = value

    return mutate


@pytest.mark.parametrize(
    ("mutate", "valid"),
    [
        pytest.param(_evidence_path("/etc/passwd"), False, id="absolute-posix-path"),
        pytest.param(_evidence_path("../outside/main.go"), False, id="leading-dotdot"),
        pytest.param(_evidence_path("src/../../escape.rs"), False, id="inner-dotdot"),
        pytest.param(_evidence_path(".."), False, id="bare-dotdot"),
        pytest.param(_evidence_path("C:\\src\\main.go"), False, id="windows-drive"),
        pytest.param(_evidence_path("c:/src/main.go"), False, id="windows-drive-slash"),
        pytest.param(_evidence_path("\\\\server\\share\\x.c"), False, id="unc-path"),
        pytest.param(_set("markers", 0, "evidence", 0, "path", value="/abs/x.go"), False, id="absolute-marker-path"),
        pytest.param(_set("findings", 0, "path", value="/abs/go.mod"), False, id="absolute-finding-path"),
        pytest.param(_evidence_path("src/main.go"), True, id="relative-path"),
        pytest.param(_evidence_path(""), True, id="whole-repository"),
        pytest.param(_evidence_path("..hidden/a..b/x.go"), True, id="dots-inside-names"),
        pytest.param(_set("verdict", "language", value="python"), False, id="unknown-verdict"),
        pytest.param(_set("criteria", 0, "id", value="speed"), False, id="unknown-criterion"),
        pytest.param(_set("criteria", 0, "lean", value=1.5), False, id="lean-above-one"),
        pytest.param(_set("components", 0, "lean", value=-1.01), False, id="component-lean-below-minus-one"),
        pytest.param(_set("verdict", "confidence", value=1.2), False, id="confidence-above-one"),
        pytest.param(_set("criteria", 0, "evidence", 0, "leans", value="python"), False, id="unknown-leans"),
        pytest.param(_set("schema_version", value="2"), False, id="other-schema-version"),
        pytest.param(_set("future_field", value={"any": 1}), True, id="added-top-level-field"),
        pytest.param(_set("verdict", "effort", value=3), True, id="added-nested-field"),
    ],
)
def test_schema_constraints(mutate: Mutation, valid: bool, validator: Draft202012Validator) -> None:
    document = copy.deepcopy(json_report.to_dict(both_report()))
    mutate(document)
    assert validator.is_valid(document) is valid


@pytest.mark.parametrize("field", ["verdict", "criteria", "stats", "schema_version"])
def test_schema_requires_contract_fields(field: str, validator: Draft202012Validator) -> None:
    document = json_report.to_dict(undecided_report())
    del document[field]
    assert not validator.is_valid(document)


def test_dispatch_by_format_name() -> None:
    report = both_report()
    assert reports.FORMATS == ("terminal", "json", "sarif", "markdown", "github", "gitlab", "html")
    assert reports.render(report, "json") == json_report.render(report)
    assert reports.render(report, "terminal", width=80).startswith("╭─ rustgo-analyzer 0.1.0")
    with pytest.raises(ValueError, match="unknown report format 'xml'"):
        reports.render(report, "xml")
