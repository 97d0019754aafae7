"""The fixtures' verdict, confidence band, domain and units as one table (issue 10 item 5).

A band is (low, high]: confidence may move inside it without a review, never out of it. Every decided verdict
must stand at or above the documented floor (heuristics/domains.toml [confidence] floor); `both` must name its
sides, its boundary with evidence and what to move first.
"""

from __future__ import annotations

import pytest
from golden import normalized_report

from analyzer.knowledge import load

HIGH = (0.75, 1.0)
MID = (0.5, 0.75)
LOW = (0.2, 0.5)
NONE = (-0.01, 0.2)

TABLE = [
    # fixture, verdict, band, domain, units that must exist as (path, kind)
    ("py-c-extension", "both", HIGH, "web-service", [("thumbsvc/_native", "native")]),
    ("ruby-gem-native-ext", "both", MID, "web-service", [("ext/quill_parser", "native")]),
    ("go-cgo-service", "both", HIGH, "web-service", [("internal/codec", "native")]),
    ("java-jni-server", "both", MID, "native-library", [("native", "manifest"), ("server", "manifest")]),
    ("maturin-root", "both", HIGH, "web-service", [("src", "crate")]),
    ("go-netlink-exporter", "go", HIGH, "cloud-infrastructure", []),
    ("python-with-rust-ext", "both", HIGH, "web-service", [("native/src", "crate")]),
    ("go-services-rust-core", "both", LOW, "web-service", []),
    ("go-cli-tool", "go", HIGH, "cli", []),
    ("go-k8s-operator", "go", HIGH, "cloud-infrastructure", []),
    ("rust-cli-tool", "rust", MID, "cli", []),
    ("c-json-parser", "rust", HIGH, "native-library", []),
    ("embedded-firmware", "rust", HIGH, "embedded", []),
    ("java-trading-gateway", "rust", HIGH, "low-latency", []),
    ("java-netty-gateway", "go", MID, "network-service", []),
    ("py-flask-service", "go", HIGH, "web-service", []),
    ("docs-only", "undecided", NONE, None, []),
    ("empty-ish", "undecided", NONE, None, []),
]


@pytest.mark.parametrize(
    ("name", "verdict", "band", "domain", "units"), [pytest.param(*row, id=row[0]) for row in TABLE]
)
def test_verdict_confidence_band(
    name: str, verdict: str, band: tuple[float, float], domain: str | None, units: list[tuple[str, str]]
) -> None:
    report = normalized_report(name)
    got = report["verdict"]
    assert got["language"] == verdict, got["summary"]
    assert band[0] < got["confidence"] <= band[1], f"{name}: confidence {got['confidence']} left {band}"
    assert (got["domain"] or {}).get("id") == domain, got["summary"]
    kinds = {c["path"]: c["kind"] for c in report["components"]}
    for path, kind in units:
        assert kinds.get(path) == kind, f"{name}: unit {path} is {kinds.get(path)}, want {kind}"


@pytest.mark.parametrize("name", [row[0] for row in TABLE if row[1] != "undecided"])
def test_no_verdict_under_the_floor(name: str) -> None:
    floor = load().domains.floor
    assert normalized_report(name)["verdict"]["confidence"] >= floor


@pytest.mark.parametrize("name", [row[0] for row in TABLE if row[1] == "both"])
def test_both_names_sides_boundary_and_first_move(name: str) -> None:
    verdict = normalized_report(name)["verdict"]
    boundary = verdict["boundary"]
    assert boundary["go"], verdict["summary"]
    assert boundary["rust"], verdict["summary"]
    assert boundary["interop"] in ("ffi", "grpc", "rest")
    assert boundary["evidence"], "the boundary needs evidence in the repository"
    assert boundary["why"]
    assert "joined through" in verdict["summary"]


def test_first_sentence_names_the_domain_and_incumbent() -> None:
    summary = normalized_report("go-netlink-exporter")["verdict"]["summary"]
    assert summary.startswith("A cloud infrastructure or DevOps tool already written in Go:"), summary
    assert "Stays on Go" in summary


def test_incumbent_idioms_are_reported_but_not_scored() -> None:
    report = normalized_report("go-netlink-exporter")
    categories = {m["category"] for m in report["markers"]}
    assert {"unsafe-memory", "systems", "concurrency:lock-free"} <= categories
    scored = {e["category"] for c in report["criteria"] for e in c["evidence"]}
    assert not scored & {"unsafe-memory", "systems", "concurrency:lock-free"}


def test_reasons_carry_rule_ids() -> None:
    reasons = normalized_report("py-flask-service")["verdict"]["reasons"]
    assert reasons
    assert all(r.rstrip(".").endswith("]") for r in reasons), reasons


@pytest.mark.parametrize(
    ("name", "interop", "move_first"),
    [
        pytest.param("go-services-rust-core", "grpc", "", id="grpc-between-services"),
        pytest.param("py-c-extension", "ffi", "thumbsvc/_native", id="extension-moves-first"),
        pytest.param("go-cgo-service", "ffi", "internal/codec", id="cgo-package-moves-first"),
        pytest.param("maturin-root", "ffi", ".", id="crate-already-rust-service-moves"),
    ],
)
def test_boundary_kind_and_first_move(name: str, interop: str, move_first: str) -> None:
    boundary = normalized_report(name)["verdict"]["boundary"]
    assert boundary["interop"] == interop
    assert boundary["move_first"] == move_first, boundary["why"]
