"""Hand-built Report records shared by the renderer tests.

``both_report()`` is a realistic polyglot repository: a Go API service beside a Rust codec with a C
legacy core, six scored criteria, markers, findings (some excluded) and diagnostics. Criterion leans are
computed from their evidence with the scoring model's prior so every number is consistent.
``undecided_report()`` is a documentation-only repository with no evidence at all.
``findings_report()`` is a bare report around given findings and rule weights, for the annotation formats'
ranking and caps; ``wasm_delta()`` and ``verdict_change_delta()`` are ``analyze diff`` results.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence

from analyzer.model import (
    ComponentVerdict,
    CriterionChange,
    CriterionScore,
    Delta,
    Diagnostic,
    EvidenceItem,
    Finding,
    LanguageShare,
    Lean,
    Location,
    Marker,
    Report,
    Severity,
    Stats,
    Target,
    Verdict,
    VerdictLanguage,
)

CRITERIA: tuple[tuple[str, str, float], ...] = (
    ("performance", "Performance and latency", 1.0),
    ("memory-safety", "Memory safety and security", 1.0),
    ("concurrency", "Concurrency", 0.8),
    ("developer-experience", "Developer experience", 0.8),
    ("ecosystem", "Ecosystem and use cases", 1.0),
    ("interop", "Interoperability", 0.6),
)

API = "services/api"
CODEC = "native/codec"

# (rule, category, marker, message, path, line, component, [(criterion, leans, weight), ...])
_FACTS: tuple[tuple[str, str, str, str, str, int, str, tuple[tuple[str, Lean, float], ...]], ...] = (
    (
        "WEB010",
        "http-server",
        "gin",
        "Serves HTTP with Gin.",
        f"{API}/go.mod",
        5,
        API,
        (("ecosystem", Lean.GO, 1.0), ("developer-experience", Lean.GO, 0.3)),
    ),
    (
        "RPC003",
        "grpc",
        "grpc-go",
        "Exposes gRPC services with grpc-go.",
        f"{API}/go.mod",
        6,
        API,
        (("ecosystem", Lean.GO, 0.6), ("interop", Lean.GO, 0.3)),
    ),
    (
        "K8S002",
        "k8s",
        "client-go",
        "Talks to the Kubernetes API with client-go.",
        f"{API}/go.mod",
        7,
        API,
        (("ecosystem", Lean.GO, 1.0),),
    ),
    (
        "GOR001",
        "concurrency:goroutines",
        "goroutines",
        "Starts goroutines.",
        f"{API}/internal/worker/pool.go",
        42,
        API,
        (("concurrency", Lean.GO, 1.0),),
    ),
    (
        "CTR001",
        "container",
        "dockerfile",
        "Builds a container image.",
        f"{API}/Dockerfile",
        1,
        API,
        (("ecosystem", Lean.GO, 0.5),),
    ),
    (
        "EXG001",
        "existing-go",
        "go-module",
        "Already a Go module.",
        f"{API}/go.mod",
        1,
        API,
        (("developer-experience", Lean.GO, 1.5), ("ecosystem", Lean.GO, 0.5)),
    ),
    (
        "EXR001",
        "existing-rust",
        "cargo-crate",
        "Already a Rust crate.",
        f"{CODEC}/Cargo.toml",
        1,
        CODEC,
        (("developer-experience", Lean.RUST, 1.5), ("ecosystem", Lean.RUST, 0.5)),
    ),
    (
        "FFI004",
        "ffi",
        "cdylib",
        'Builds a C ABI library ([lib] crate-type = ["cdylib"]).',
        f"{CODEC}/Cargo.toml",
        9,
        CODEC,
        (("interop", Lean.RUST, 1.0),),
    ),
    (
        "LCK002",
        "concurrency:lock-free",
        "atomics",
        "Uses atomics with explicit memory orderings.",
        f"{CODEC}/src/ring.rs",
        17,
        CODEC,
        (("concurrency", Lean.RUST, 1.0), ("performance", Lean.RUST, 0.5)),
    ),
    (
        "MEM001",
        "unsafe-memory",
        "malloc-free",
        "Manages memory by hand with malloc/free.",
        f"{CODEC}/legacy/lz.c",
        88,
        CODEC,
        (("memory-safety", Lean.RUST, 1.2), ("performance", Lean.RUST, 0.3)),
    ),
    (
        "LAT003",
        "low-latency",
        "hdrhistogram",
        "Records latency histograms (hdrhistogram).",
        f"{CODEC}/src/stats.rs",
        30,
        CODEC,
        (("performance", Lean.RUST, 1.5), ("ecosystem", Lean.RUST, 0.3)),
    ),
)

_PRIOR = 1.0


def _evidence() -> list[EvidenceItem]:
    return [
        EvidenceItem(
            criterion=criterion,
            leans=leans,
            weight=weight,
            rule=rule,
            category=category,
            marker=marker,
            message=message,
            path=path,
            line=line,
            component=component,
        )
        for rule, category, marker, message, path, line, component, mapping in _FACTS
        for criterion, leans, weight in mapping
    ]


def _criteria(evidence: list[EvidenceItem]) -> tuple[CriterionScore, ...]:
    scores = []
    for cid, name, weight in CRITERIA:
        items = tuple(e for e in evidence if e.criterion == cid)
        mass = sum(e.weight for e in items)
        signed = sum(e.leans.sign * e.weight for e in items)
        scores.append(
            CriterionScore(id=cid, name=name, weight=weight, lean=signed / (mass + _PRIOR), mass=mass, evidence=items)
        )
    return tuple(scores)


def _markers() -> tuple[Marker, ...]:
    # Goroutines are seen many times; the marker's evidence is capped at three places.
    counts = {"goroutines": 14, "atomics": 6, "malloc-free": 9}
    extra = {
        "goroutines": (Location(f"{API}/internal/stream/fanout.go", 63), Location(f"{API}/cmd/api/main.go", 88)),
        "malloc-free": (Location(f"{CODEC}/legacy/huff.c", 120),),
    }
    return tuple(
        Marker(
            category=category,
            name=marker,
            rules=(rule,),
            evidence=(Location(path, line), *extra.get(marker, ())),
            count=counts.get(marker, 1),
        )
        for rule, category, marker, _message, path, line, _component, _mapping in _FACTS
    )


def _excluded() -> tuple[Marker, ...]:
    return (
        Marker(
            category="http-server",
            name="express",
            rules=("WEB020",),
            evidence=(Location("web/vendor/express/package.json", 1),),
            count=5,
        ),
        Marker(
            category="crypto",
            name="openssl",
            rules=("CRY004",),
            evidence=(Location(f"{CODEC}/testdata/openssl_stub.c", 3),),
            count=7,
        ),
    )


def _findings() -> tuple[Finding, ...]:
    counted = [
        Finding(
            rule=rule,
            category=category,
            message=message,
            path=path,
            line=line,
            marker=marker,
            component=component,
            snippet=marker,
        )
        for rule, category, marker, message, path, line, component, _mapping in _FACTS
    ]
    vendored = [
        Finding(
            rule="WEB020",
            category="http-server",
            message="Serves HTTP with Express.",
            path=f"web/vendor/express/lib/{n}.js",
            line=1,
            marker="express",
            component=".",
            snippet="require('express')",
            excluded="vendored",
        )
        for n in ("application", "router", "request", "response", "view")
    ]
    fixtures = [
        Finding(
            rule="CRY004",
            category="crypto",
            message="Uses OpenSSL.",
            path=f"{CODEC}/testdata/openssl_stub{n}.c",
            line=3,
            marker="openssl",
            component=CODEC,
            snippet="#include <openssl/evp.h>",
            excluded="fixture",
        )
        for n in range(7)
    ]
    return tuple(counted + vendored + fixtures)


def _components() -> tuple[ComponentVerdict, ...]:
    return (
        ComponentVerdict(
            path=CODEC,
            verdict=VerdictLanguage.RUST,
            confidence=0.784,
            lean=0.5812,
            mass=7.3,
            manifests=(f"{CODEC}/Cargo.toml",),
            ecosystems=("cargo",),
            languages=(LanguageShare("Rust", 31, 148_220, 0.8612), LanguageShare("C", 4, 23_890, 0.1388)),
            markers=("low-latency", "unsafe-memory", "concurrency:lock-free", "ffi", "existing-rust"),
            files=41,
        ),
        ComponentVerdict(
            path=API,
            verdict=VerdictLanguage.GO,
            confidence=0.8125,
            lean=-0.7033,
            mass=7.2,
            manifests=(f"{API}/go.mod", f"{API}/go.sum"),
            ecosystems=("docker", "go"),
            languages=(LanguageShare("Go", 96, 402_113, 0.9791), LanguageShare("Shell", 3, 8_571, 0.0209)),
            markers=("http-server", "grpc", "k8s", "concurrency:goroutines", "container", "existing-go"),
            files=131,
        ),
    )


def both_report() -> Report:
    """A `both` verdict over two components, with six criteria, markers, findings and diagnostics."""
    evidence = _evidence()
    return Report(
        tool_name="rustgo-analyzer",
        tool_version="0.1.0",
        target=Target("acme-platform", "3f9c2e1a7b5d4c3e2f1a0b9c8d7e6f5a4b3c2d1e"),
        verdict=Verdict(
            language=VerdictLanguage.BOTH,
            confidence=0.7149,
            summary="Go for the API service, Rust for the native codec: the components pull in opposite directions.",
            runner_up=VerdictLanguage.GO,
            lean=0.0421,
            reasons=(
                "services/api serves HTTP and gRPC on Kubernetes, where Go is at home",
                "native/codec manages memory by hand in C and tracks tail latency, Rust's strongest case",
                "native/codec already builds a C ABI library, so the service can call it over FFI",
                "both teams already write their language (go.mod, Cargo.toml)",
            ),
            split=((CODEC, VerdictLanguage.RUST), (API, VerdictLanguage.GO)),
            interop="ffi",
        ),
        criteria=_criteria(evidence),
        markers=_markers(),
        components=_components(),
        findings=_findings(),
        diagnostics=(
            Diagnostic(
                path="web/package.json",
                message="invalid JSON at line 12, column 5 (expected ',' or '}'); its dependencies are ignored",
                severity=Severity.WARNING,
                stage="manifests",
            ),
            Diagnostic(
                path="docs/assets/shared",
                message="symlink points outside the repository; not followed",
                severity=Severity.INFO,
                stage="inventory",
            ),
            Diagnostic(
                path="",
                message="no git history (shallow clone?); developer experience uses files only",
                severity=Severity.INFO,
                stage="git",
            ),
        ),
        languages=(
            LanguageShare("Go", 96, 402_113, 0.6843),
            LanguageShare("Rust", 31, 148_220, 0.2522),
            LanguageShare("C", 4, 23_890, 0.0407),
            LanguageShare("Shell", 3, 8_571, 0.0146),
            LanguageShare("Python", 2, 4_855, 0.0082),
        ),
        stats=Stats(files=312, counted_files=198, bytes_read=2_483_117, seconds=0.41873, rules=164),
        excluded=_excluded(),
    )


def undecided_report() -> Report:
    """A documentation-only repository: no evidence, an `undecided` verdict said plainly."""
    return Report(
        tool_name="rustgo-analyzer",
        tool_version="0.1.0",
        target=Target("handbook", None),
        verdict=Verdict(
            language=VerdictLanguage.UNDECIDED,
            confidence=0.0,
            summary="Too little evidence to decide: the repository holds only documentation.",
            runner_up=None,
            lean=0.0,
        ),
        criteria=tuple(
            CriterionScore(id=cid, name=name, weight=weight, lean=0.0, mass=0.0, evidence=())
            for cid, name, weight in CRITERIA
        ),
        markers=(),
        components=(
            ComponentVerdict(
                path=".",
                verdict=VerdictLanguage.UNDECIDED,
                confidence=0.0,
                lean=0.0,
                mass=0.0,
                manifests=(),
                ecosystems=(),
                languages=(),
                markers=(),
                files=3,
            ),
        ),
        findings=(),
        diagnostics=(),
        languages=(),
        stats=Stats(files=3, counted_files=0, bytes_read=9_120, seconds=0.012, rules=164),
    )


def findings_report(
    findings: Sequence[Finding], weights: Mapping[str, float], diagnostics: Sequence[Diagnostic] = ()
) -> Report:
    """``undecided_report()`` with these findings; each rule in ``weights`` gets one ecosystem evidence item."""
    base = undecided_report()
    items = tuple(
        EvidenceItem(
            criterion="ecosystem",
            leans=Lean.RUST,
            weight=weight,
            rule=rule,
            category="wasm",
            marker=rule.lower(),
            message=f"{rule} evidence",
            path="a.rs",
            line=1,
            component=".",
        )
        for rule, weight in weights.items()
    )
    criteria = tuple(dataclasses.replace(c, evidence=items) if c.id == "ecosystem" else c for c in base.criteria)
    return dataclasses.replace(base, findings=tuple(findings), criteria=criteria, diagnostics=tuple(diagnostics))


WASM_MARKER = Marker(
    category="wasm",
    name="wasm-bindgen",
    rules=("WASM001",),
    evidence=(Location(f"{CODEC}/web/Cargo.toml", 8),),
    count=1,
)
WASM_FINDING = Finding(
    rule="WASM001",
    category="wasm",
    message="Binds Rust to JavaScript with wasm-bindgen, js-sys or web-sys.",
    path=f"{CODEC}/web/Cargo.toml",
    line=8,
    marker="wasm-bindgen",
    component=CODEC,
    snippet="wasm-bindgen",
)


def wasm_delta() -> Delta:
    """The base is ``both_report()``; the head adds a wasm-bindgen crate and drops the Dockerfile."""
    base = both_report()
    dockerfile = next(f for f in base.findings if f.rule == "CTR001")
    head = dataclasses.replace(
        base,
        target=Target("acme-platform", None),
        verdict=dataclasses.replace(base.verdict, lean=0.1621),
        markers=(*[m for m in base.markers if m.name != "dockerfile"], WASM_MARKER),
        findings=(*[f for f in base.findings if f != dockerfile], WASM_FINDING),
    )
    before = {score.id: score.lean for score in base.criteria}
    after = dict(before, ecosystem=before["ecosystem"] + 0.12, performance=before["performance"] + 0.03)
    return Delta(
        base=base,
        head=head,
        verdict_changed=False,
        lean_change=0.12,
        criteria=tuple(CriterionChange(cid, before[cid], after[cid]) for cid in before),
        added_markers=(WASM_MARKER,),
        removed_markers=tuple(m for m in base.markers if m.name == "dockerfile"),
        added_findings=(WASM_FINDING,),
        removed_findings=(dockerfile,),
    )


def verdict_change_delta() -> Delta:
    """From the docs-only ``undecided_report()`` to ``both_report()``: the verdict changes, every marker is new."""
    base, head = undecided_report(), both_report()
    before = {score.id: score.lean for score in base.criteria}
    return Delta(
        base=base,
        head=head,
        verdict_changed=True,
        lean_change=head.verdict.lean - base.verdict.lean,
        criteria=tuple(CriterionChange(s.id, before[s.id], s.lean) for s in head.criteria),
        added_markers=head.markers,
        removed_markers=(),
        added_findings=tuple(f for f in head.findings if f.excluded is None),
        removed_findings=(),
    )
