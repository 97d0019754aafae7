"""The words and renderings of an ``analyze diff`` Delta: headline sentences, terminal and JSON output."""

from __future__ import annotations

import dataclasses
import json

import pytest
from report_samples import WASM_MARKER, verdict_change_delta, wasm_delta

from analyzer.model import CriterionChange, Delta, Location, Marker
from analyzer.reports import change, terminal_delta
from analyzer.reports import json as json_report


def _delta(
    added: tuple[Marker, ...] = (), removed: tuple[Marker, ...] = (), moves: tuple[tuple[str, float, float], ...] = ()
) -> Delta:
    return dataclasses.replace(
        wasm_delta(),
        added_markers=added,
        removed_markers=removed,
        criteria=tuple(CriterionChange(cid, before, after) for cid, before, after in moves),
    )


def _marker(category: str, count: int = 1) -> Marker:
    return Marker(category=category, name=category, rules=("X001",), evidence=(Location("a", 1),), count=count)


@pytest.mark.parametrize(
    ("delta", "expected"),
    [
        pytest.param(
            _delta((WASM_MARKER,), (), (("ecosystem", -0.5, -0.38),)),
            "This change adds a WASM target: ecosystem +0.12 toward Rust.",
            id="wasm",
        ),
        pytest.param(
            _delta((), (_marker("http-server"),), (("ecosystem", 0.1, 0.3), ("concurrency", 0.0, -0.4))),
            "This change removes an HTTP server: concurrency -0.40 toward Go, ecosystem +0.20 toward Rust.",
            id="removal-two-moves",
        ),
        pytest.param(
            _delta((_marker("grpc", 5), _marker("cli", 1)), (), ()),
            "This change adds gRPC services and a command-line tool; no criterion moves.",
            id="no-move",
        ),
        pytest.param(
            _delta((), (), (("interop", 0.3, 0.302),)),
            "This change does not move the analysis: no marker added or removed, no criterion moved.",
            id="below-threshold",
        ),
        pytest.param(
            _delta((), (), (("interop", 0.3, 0.25),)), "This change moves interop -0.05 toward Go.", id="moves-only"
        ),
        pytest.param(
            _delta((_marker("new-thing"),), (), ()),
            "This change adds new-thing; no criterion moves.",
            id="unknown-category",
        ),
    ],
)
def test_headline(delta: Delta, expected: str) -> None:
    assert change.headline(delta) == expected


@pytest.mark.parametrize(
    ("value", "signed", "toward"),
    [
        pytest.param(0.12, "+0.12", "+0.12 toward Rust", id="rust"),
        pytest.param(-0.4, "-0.40", "-0.40 toward Go", id="go"),
        pytest.param(-0.001, "+0.00", "+0.00", id="tiny"),
    ],
)
def test_signed_and_toward(value: float, signed: str, toward: str) -> None:
    assert change.signed(value) == signed
    assert change.toward(value) == toward


def test_verdict_and_lean_lines() -> None:
    assert change.verdict_line(wasm_delta()) == "Both (unchanged)"
    assert change.verdict_line(verdict_change_delta()) == "Undecided → Both (verdict changed)"
    assert change.lean_line(wasm_delta()) == "Lean +0.04 → +0.16 (+0.12 toward Rust)"


def test_terminal_delta() -> None:
    lines = terminal_delta.render_delta(wasm_delta(), width=100).splitlines()
    assert lines[0].startswith("╭─ rustgo-analyzer diff ─")
    assert lines[1].startswith("│ Both (unchanged) ")
    assert lines[2].startswith("│ Lean +0.04 → +0.16 (+0.12 toward Rust) ")
    assert lines[5].startswith("╰─ 3f9c2e1a7b5d → work tree ─")
    assert "Ecosystem and use cases  Go ◀───━━┿─────▶ Rust  -0.52 → -0.40  +0.12 toward Rust" in lines
    assert "+  wasm  wasm-bindgen     native/codec/web/Cargo.toml:8" in lines
    assert "-  services/api/Dockerfile:1      CTR001   Builds a container image." in lines
    assert "\x1b" not in "\n".join(lines)


def test_terminal_delta_caps_findings_unless_verbose() -> None:
    delta = verdict_change_delta()
    many = dataclasses.replace(delta, added_findings=delta.added_findings * 3)
    assert "… and 13 more (--verbose shows all)" in terminal_delta.render_delta(many)
    assert "more (--verbose" not in terminal_delta.render_delta(many, verbose=True)


def test_json_delta() -> None:
    document = json.loads(json_report.render_delta(wasm_delta()))
    assert list(document) == [
        "schema_version",
        "kind",
        "tool",
        "summary",
        "base",
        "head",
        "verdict_changed",
        "lean_change",
        "criteria",
        "added_markers",
        "removed_markers",
        "added_findings",
        "removed_findings",
        "hidden_by_baseline",
    ]
    assert document["kind"] == "delta"
    assert document["summary"].startswith("This change adds a WASM target")
    assert document["head"]["target"] == {"path": "acme-platform", "revision": None}
    assert document["lean_change"] == 0.12
    assert document["criteria"][4] == {"id": "ecosystem", "before": -0.519, "after": -0.399, "change": 0.12}
    assert [m["name"] for m in document["added_markers"]] == ["wasm-bindgen"]
    assert [f["rule"] for f in document["removed_findings"]] == ["CTR001"]
