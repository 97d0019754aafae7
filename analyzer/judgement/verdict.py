"""The verdict: a `both` split where the repository shows one, else the repository's own lean (issue 10 items 4-7).

``both`` is the article's "Can you use both?": a Go-leaning unit and a Rust-leaning unit that each carry real code
and evidence, joined by a boundary the repository shows (a native island built into its host, an ffi binding, a
gRPC service, an HTTP API). Each side is weighed by the union of its units' code and evidence, so a side cut into
many crates weighs what it owns, not how many pieces it has. Otherwise the repository is judged as one unit; a
verdict whose confidence is under the floor (heuristics/domains.toml) is undecided, with the runner-up named.
The summary's first sentence names the domain and the incumbent language; the reasons are the rules' rationales
with their ids; the flips say which weighting of a criterion would change the answer.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from analyzer.judgement.scores import score_unit, unit_language
from analyzer.judgement.units import Context, Judged, judge
from analyzer.knowledge.rules import Rule
from analyzer.model import (
    DOMAIN_RULE,
    HISTORY_RULE,
    LANGUAGE_SHARE_RULE,
    TEAM_RULE,
    Boundary,
    Component,
    Fact,
    Flip,
    Location,
    UnitKind,
    Verdict,
    VerdictLanguage,
)

FLIP_FACTORS = (2.0, 3.0, 4.0, 6.0, 8.0, 0.5, 0.25)
"""Weightings of one criterion tried, in this order, to find the smallest one that would change the verdict."""

_NAMES = {VerdictLanguage.RUST: "Rust", VerdictLanguage.GO: "Go"}


@dataclass(frozen=True, kw_only=True)
class Sides:
    """Units on each side of a split and the union of each side, judged."""

    go: tuple[Judged, ...]
    rust: tuple[Judged, ...]
    go_union: Judged
    rust_union: Judged


def _language(unit: Judged, ctx: Context, component: bool) -> VerdictLanguage:
    t = ctx.criteria.thresholds
    if component:
        return unit_language(unit.score, t.component_clear_lean, t.component_min_mass)
    return unit_language(unit.score, t.clear_lean, t.min_mass)


def _eligible(unit: Judged, kind: UnitKind, ctx: Context) -> bool:
    t = ctx.table
    return (
        kind is not UnitKind.BUNDLED and unit.code >= t.both_min_code and unit.score.marker_mass >= t.both_min_evidence
    )


def find_sides(units: Sequence[tuple[Component, Judged]], ctx: Context) -> Sides | None:
    """The Go and Rust sides of the repository when both carry real code and evidence, else None."""
    go = [j for c, j in units if _eligible(j, c.kind, ctx) and _language(j, ctx, True) is VerdictLanguage.GO]
    rust = [j for c, j in units if _eligible(j, c.kind, ctx) and _language(j, ctx, True) is VerdictLanguage.RUST]
    if not go or not rust:
        return None
    go_union = _union("Go side", go, ctx)
    rust_union = _union("Rust side", rust, ctx)
    masses = sorted((go_union.score.marker_mass, rust_union.score.marker_mass))
    if masses[0] < ctx.table.both_side_ratio * masses[1]:
        return None
    if go_union.code < ctx.table.both_go_code_ratio * rust_union.code:
        return None  # scripts and tooling around a Rust product, not a service layer over a native core
    return Sides(go=tuple(go), rust=tuple(rust), go_union=go_union, rust_union=rust_union)


def _union(name: str, units: Sequence[Judged], ctx: Context) -> Judged:
    return judge(name, [f for u in units for f in u.facts], [e for u in units for e in u.files], ctx)


def find_boundary(sides: Sides, components: Mapping[str, Component], facts: Sequence[Fact]) -> Boundary | None:
    """How the sides are joined, with the repository's evidence, or None when nothing shows it."""
    go_paths = {u.path for u in sides.go}
    kind: str = ""
    evidence: tuple[Location, ...] = ()
    for unit in sides.rust:
        component = components[unit.path]
        if component.kind in (UnitKind.NATIVE, UnitKind.CRATE) and component.host in go_paths:
            kind, evidence = "ffi", component.evidence
            break
    if not kind:
        kind, evidence = _boundary_from_facts(sides, facts, components)
    if not kind:
        return None
    hosts = {components[u.path].host or "" for u in sides.rust if components[u.path].kind is not UnitKind.MANIFEST}
    first, why = _move_first(sides, hosts)
    return Boundary(
        kind=kind,
        go=tuple(sorted(go_paths)),
        rust=tuple(sorted(u.path for u in sides.rust)),
        evidence=tuple(evidence),
        move_first=first,
        why=why,
    )


def _grpc(sides: Sides, facts: Sequence[Fact], components: Mapping[str, Component]) -> tuple[Location, ...]:
    """Where gRPC joins the sides: gRPC on both sides (a unit or its workspace), or a .proto service and gRPC on one."""

    def reach(units: Sequence[Judged]) -> set[str]:
        paths = {u.path for u in units}
        workspaces = {components[p].workspace or p for p in paths}
        return {c.path for c in components.values() if c.path in paths or (c.workspace or c.path) in workspaces}

    hits = sorted((f for f in facts if f.counted and f.category == "grpc"), key=lambda f: (f.path, f.line))
    go, rust = reach(sides.go), reach(sides.rust)
    on_go = [f for f in hits if f.component in go]
    on_rust = [f for f in hits if f.component in rust]
    declared = [f for f in hits if f.path.endswith(".proto")]
    if (on_go and on_rust) or (declared and (on_go or on_rust)):
        return tuple(dict.fromkeys(Location(f.path, f.line) for f in (*declared, *on_go, *on_rust)))[:3]
    return ()


def _boundary_from_facts(
    sides: Sides, facts: Sequence[Fact], components: Mapping[str, Component]
) -> tuple[str, tuple[Location, ...]]:
    # gRPC joins these very units; an ffi or HTTP fact on one side only says how that side is reached
    joined = _grpc(sides, facts, components)
    if joined:
        return "grpc", joined
    every = [f for u in (*sides.go, *sides.rust) for f in u.facts if f.counted]
    for kind, category in (("ffi", "ffi"), ("rest", "http-server")):
        hits = sorted((f for f in every if f.category == category), key=lambda f: (f.path, f.line))
        if hits:
            return kind, tuple(dict.fromkeys(Location(f.path, f.line) for f in hits))[:3]
    return "", ()


def _move_first(sides: Sides, hosts: set[str]) -> tuple[str, str]:
    """The unit to move first: the Rust-side unit not yet in Rust (its hot path pays most), else the Go-side unit
    not yet in Go that hosts the native code (the service around it), else the one with the most code."""
    for unit in sorted(sides.rust, key=lambda u: -u.score.lean * u.score.marker_mass):
        if unit.incumbent != "Rust":
            reason = unit.domain.reason if unit.domain else "memory safety and speed where the native code runs"
            return unit.path, f"it is the native code the rest calls into, {reason}"
    for unit in sorted(sides.go, key=lambda u: (u.path not in hosts, -u.code, u.path)):
        if unit.incumbent != "Go":
            reason = unit.domain.reason if unit.domain else "simple services that a team learns in days"
            return unit.path, f"the Rust side is already in Rust and this is the service layer, {reason}"
    return "", "Both sides are already written in the language that suits them: nothing to move"


MAX_NAMED = 4
"""Units a sentence names before it says how many more there are."""


def _named(path: str) -> str:
    return "the root package" if path == "." else path


def _listed(paths: Sequence[str]) -> str:
    named = ", ".join(_named(p) for p in paths[:MAX_NAMED])
    return named + (f" and {len(paths) - MAX_NAMED} more" if len(paths) > MAX_NAMED else "")


def reasons(unit: Judged, sign: int, rules: Mapping[str, Rule], limit: int = 4) -> tuple[str, ...]:
    """Sentences for the heaviest evidence of one sign: each rule's rationale with its id and first place."""
    weights: dict[str, float] = {}
    first: dict[str, tuple[str, str, int, str]] = {}
    criterion_weight = {c.id: c.weight for c in unit.score.criteria}
    for item in unit.items:
        if item.leans.sign != sign:
            continue
        key = item.rule if item.rule != LANGUAGE_SHARE_RULE else f"{item.rule}:{item.marker}"
        weights[key] = weights.get(key, 0.0) + item.weight * criterion_weight.get(item.criterion, 1.0)
        first.setdefault(key, (item.rule, item.message, item.line, item.path))
    ranked = sorted(weights, key=lambda k: (-weights[k], k))[:limit]
    return tuple(_sentence(*first[key], rules) for key in ranked)


def _sentence(rule_id: str, message: str, line: int, path: str, rules: Mapping[str, Rule]) -> str:
    place = f" at {path}:{line}" if path and line else (f" in {path}" if path else "")
    if rule_id == LANGUAGE_SHARE_RULE:
        return f"{message[0].upper()}{message[1:]} [{rule_id}{place}]."
    if rule_id == DOMAIN_RULE:
        return f"It is {message} [{rule_id}]."
    if rule_id in (TEAM_RULE, HISTORY_RULE):
        return f"{message[0].upper()}{message[1:]} [{rule_id}]."
    rule = rules.get(rule_id)
    text = (rule.rationale or rule.summary) if rule else message
    return f"{text.rstrip('.')} [{rule_id}{place}]."


def flips(unit: Judged, ctx: Context, language: VerdictLanguage) -> tuple[Flip, ...]:
    """For each criterion, the first weighting of FLIP_FACTORS that would change this unit's answer."""
    found = []
    for criterion in ctx.criteria.criteria:
        for factor in FLIP_FACTORS:
            if criterion.weight == 0.0:
                break
            weighted = ctx.criteria.with_weights({criterion.id: criterion.weight * factor})
            score = score_unit(unit.items, weighted)
            t = weighted.thresholds
            other = unit_language(score, t.clear_lean, t.min_mass)
            if score.confidence < ctx.table.floor:
                other = VerdictLanguage.UNDECIDED
            if other is not language:
                found.append(Flip(criterion=criterion.id, factor=factor, verdict=other))
                break
    return tuple(found)


def flip_sentence(found: tuple[Flip, ...], ctx: Context) -> str:
    """The smallest change of priorities that changes the answer, in words ("" when none does)."""
    if not found:
        return f" No single criterion weighted up to x{max(FLIP_FACTORS):g} changes it."
    flip = min(found, key=lambda f: (abs(f.factor - 1.0) if f.factor > 1 else abs(1.0 / f.factor - 1.0), f.criterion))
    name = ctx.criteria.criterion(flip.criterion).name.lower()
    return f" With {name} weighted x{flip.factor:g} the verdict would be {flip.verdict.value}."


def opening(unit: Judged, language: VerdictLanguage) -> str:
    """The first sentence: the domain, the incumbent language and the article's case."""
    main = unit.incumbent or (unit.shares[0].language if unit.shares else None)
    written = f"already written in {unit.incumbent}" if unit.incumbent else (f"written in {main}" if main else "")
    if unit.domain is None:
        what = "A project" if language is VerdictLanguage.UNDECIDED else "A project with no clear use case"
        return f"{what} {written}".rstrip() + "."
    return f"A {unit.domain.name} {written}".rstrip() + f": {unit.domain.reason}."


def single(unit: Judged, ctx: Context, language: VerdictLanguage, name: Callable[[VerdictLanguage], str]) -> str:
    """The summary of a rust or go verdict."""
    head = opening(unit, language)
    stay = unit.incumbent is not None and unit.incumbent == _NAMES.get(language)
    verb = f"stays on {name(language)}" if stay else f"{name(language)} fits best"
    return f"{head} {verb[0].upper()}{verb[1:]} (lean {unit.score.lean:+.2f})."


def both_summary(sides: Sides, boundary: Boundary) -> str:
    """The summary of a `both` verdict: each side, the boundary, what to move first."""
    go = _listed(boundary.go)
    rust = _listed(boundary.rust)
    go_what = f"a {sides.go_union.domain.name}" if sides.go_union.domain else "its service code"
    rust_what = f"a {sides.rust_union.domain.name}" if sides.rust_union.domain else "its native core"
    where = boundary.evidence[0] if boundary.evidence else None
    shown = f" (as {where.path}{f':{where.line}' if where.line else ''} shows)" if where else ""
    first = (
        f" Move {_named(boundary.move_first)} first: {boundary.why}." if boundary.move_first else f" {boundary.why}."
    )
    return (
        f"Both: Go for {go} ({go_what}) and Rust for {rust} ({rust_what}), joined through {boundary.kind}{shown}, "
        f'the article\'s "use both" case.{first}'
    )


def unit_verdict(unit: Judged, ctx: Context) -> VerdictLanguage:
    """rust, go or undecided for a whole repository judged as one unit, the floor applied."""
    language = _language(unit, ctx, False)
    if unit.score.confidence < ctx.table.floor:
        return VerdictLanguage.UNDECIDED
    return language


def make_single(unit: Judged, ctx: Context) -> Verdict:
    """The verdict of a repository without a split."""
    language = unit_verdict(unit, ctx)
    lean = round(unit.score.lean, 6)
    leaning = VerdictLanguage.RUST if lean > 0 else VerdictLanguage.GO
    sign = 1 if leaning is VerdictLanguage.RUST else -1
    against = reasons(unit, -sign, ctx.rules, 2)
    too_little = language is VerdictLanguage.UNDECIDED and unit.score.mass < ctx.criteria.thresholds.min_mass
    found = () if too_little else flips(unit, ctx, language)
    if too_little:
        summary, runner_up = f"{opening(unit, language)} Undecided: too little evidence to say.", None
    elif language is VerdictLanguage.UNDECIDED:
        summary = (
            f"{opening(unit, language)} Undecided: the evidence is mixed (lean {lean:+.2f}, confidence "
            f"{unit.score.confidence:.2f} under the floor {ctx.table.floor:.2f}); the runner-up is {_NAMES[leaning]}."
        )
        runner_up = leaning
    else:
        summary = single(unit, ctx, language, lambda v: _NAMES[v]) + (f" Against it: {against[0]}" if against else "")
        runner_up = VerdictLanguage.GO if language is VerdictLanguage.RUST else VerdictLanguage.RUST
    return Verdict(
        language=language,
        confidence=unit.score.confidence,
        summary=summary + ("" if too_little else flip_sentence(found, ctx)),
        runner_up=runner_up,
        lean=lean,
        reasons=() if too_little else reasons(unit, sign, ctx.rules),
        domain=unit.domain,
        incumbent=unit.incumbent,
        flips=found,
        against=against,
    )


def make_both(repo: Judged, sides: Sides, boundary: Boundary, ctx: Context) -> Verdict:
    """The verdict of a repository split between a Go side and a Rust side."""
    pairs = tuple(
        sorted([(u.path, VerdictLanguage.GO) for u in sides.go] + [(u.path, VerdictLanguage.RUST) for u in sides.rust])
    )
    confidence = min(sides.go_union.score.confidence, sides.rust_union.score.confidence)
    why = reasons(sides.rust_union, 1, ctx.rules, 2) + reasons(sides.go_union, -1, ctx.rules, 2)
    leaning = VerdictLanguage.RUST if repo.score.lean > 0 else VerdictLanguage.GO
    return Verdict(
        language=VerdictLanguage.BOTH, confidence=confidence, summary=both_summary(sides, boundary), runner_up=leaning,
        lean=round(repo.score.lean, 6), reasons=why,
        split=pairs, interop=boundary.kind, domain=repo.domain, incumbent=repo.incumbent, boundary=boundary,
    )  # fmt: skip
