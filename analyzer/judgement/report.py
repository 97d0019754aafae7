"""Builds the Report from facts: each unit judged (``units``), the verdict (``verdict``), markers, findings.

The repository is judged as one unit and each component (native islands and split crates included) as its own;
the verdict is ``both`` where the units split between Go and Rust across a boundary the repository shows, else
the repository's own lean.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence

from analyzer.inventory.languages import LanguageTable
from analyzer.judgement.domains import team_items
from analyzer.judgement.scores import unit_language
from analyzer.judgement.units import Context, Judged, judge
from analyzer.judgement.verdict import find_boundary, find_sides, make_both, make_single
from analyzer.knowledge.criteria import Criteria
from analyzer.knowledge.domains import DomainTable
from analyzer.knowledge.rules import Rule
from analyzer.model import (
    Component,
    ComponentVerdict,
    Diagnostic,
    Effort,
    Fact,
    FactKind,
    FileEntry,
    Finding,
    Inventory,
    Location,
    Marker,
    Report,
    Stats,
    Target,
    Team,
    UnitKind,
    VerdictLanguage,
)

MAX_MARKER_EVIDENCE = 10
TOOL_NAME = "rustgo-analyzer"


def _markers(facts: Sequence[Fact], counted: bool) -> tuple[Marker, ...]:
    groups: dict[tuple[str, str], list[Fact]] = defaultdict(list)
    for fact in facts:
        if fact.counted == counted:
            groups[(fact.category, fact.marker)].append(fact)
    markers = []
    for (category, name), group in sorted(groups.items()):
        group.sort(key=lambda f: (f.kind is not FactKind.DEPENDENCY, f.path, f.line))
        locations = tuple(dict.fromkeys(Location(f.path, f.line) for f in group))[:MAX_MARKER_EVIDENCE]
        rules = tuple(sorted({f.rule for f in group}))
        markers.append(Marker(category=category, name=name, rules=rules, evidence=locations, count=len(group)))
    return tuple(markers)


def _findings(facts: Sequence[Fact], rules: Mapping[str, Rule]) -> tuple[Finding, ...]:
    """Every fact as a finding, uncapped: a diff or a baseline compares them all (renderers cap what they show).

    Two patterns of one rule matching the same line are one finding, not the same line listed twice.
    """
    findings = []
    for fact in facts:
        rule = rules.get(fact.rule)
        message = rule.summary if rule else fact.marker
        findings.append(
            Finding(
                rule=fact.rule,
                category=fact.category,
                message=message,
                path=fact.path,
                line=fact.line,
                marker=fact.marker,
                component=fact.component,
                snippet=fact.snippet,
                excluded=fact.excluded,
            )
        )
    unique = dict.fromkeys(findings)
    return tuple(sorted(unique, key=lambda f: (f.excluded is not None, f.path, f.line, f.rule)))


def _component_verdict(component: Component, unit: Judged, ctx: Context) -> ComponentVerdict:
    t = ctx.criteria.thresholds
    language = unit_language(unit.score, t.component_clear_lean, t.component_min_mass)
    if unit.score.marker_mass < t.component_min_mass:
        language = VerdictLanguage.UNDECIDED
    return ComponentVerdict(
        path=component.path,
        verdict=language,
        confidence=unit.score.confidence,
        lean=round(unit.score.lean, 6),
        mass=round(unit.score.mass, 6),
        manifests=component.manifests,
        ecosystems=component.ecosystems,
        languages=unit.shares,
        markers=tuple(sorted({f.category for f in unit.facts if f.counted})),
        files=len(unit.files),
        workspace=component.workspace,
        kind=component.kind,
        host=component.host,
        domain=unit.domain,
        incumbent=unit.incumbent,
    )


def build_report(
    *,
    tree_root: str,
    revision: str | None,
    version: str,
    inventory: Inventory,
    facts: Sequence[Fact],
    diagnostics: Sequence[Diagnostic],
    knowledge_criteria: Criteria,
    domains: DomainTable,
    team: Team | None = None,
    rules: Mapping[str, Rule],
    languages: LanguageTable,
    bytes_read: int,
    seconds: float,
    effort: Effort | None = None,
) -> Report:
    """The report of one analysis."""
    ctx = Context(
        rules=rules,
        criteria=knowledge_criteria,
        table=domains,
        languages=languages,
        file_languages={e.path: e.language for e in inventory.files if e.language is not None},
    )
    repo = judge(".", facts, inventory.files, ctx, extra=team_items(team or Team(), domains))
    by_component: dict[str, list[Fact]] = defaultdict(list)
    for fact in facts:
        by_component[fact.component].append(fact)
    files_by_component: dict[str, list[FileEntry]] = defaultdict(list)
    for entry in inventory.files:
        files_by_component[entry.component].append(entry)
    hosts = {c.host for c in inventory.components if c.kind in (UnitKind.NATIVE, UnitKind.CRATE)}
    judged = [
        (c, judge(c.path, by_component.get(c.path, []), files_by_component.get(c.path, []), ctx, host=c.path in hosts))
        for c in inventory.components
    ]
    components = tuple(_component_verdict(c, j, ctx) for c, j in judged)
    sides = find_sides([(c, j) for c, j in judged if j.shares], ctx) if len(judged) > 1 else None
    boundary = find_boundary(sides, {c.path: c for c in inventory.components}, facts) if sides else None
    if sides is not None and boundary is not None:
        verdict = make_both(repo, sides, boundary, ctx)
    else:
        verdict = make_single(repo, ctx)
    shares = repo.shares
    counted_files = sum(1 for e in inventory.files if e.role.counts)
    return Report(
        tool_name=TOOL_NAME,
        tool_version=version,
        target=Target(tree_root, revision),
        verdict=verdict,
        criteria=repo.score.criteria,
        markers=_markers(facts, counted=True),
        components=components,
        findings=_findings(facts, rules),
        diagnostics=tuple(sorted(diagnostics, key=lambda d: (d.path, d.message))),
        languages=shares,
        stats=Stats(len(inventory.files), counted_files, bytes_read, round(seconds, 3), len(rules)),
        excluded=_markers(facts, counted=False),
        effort=effort,
    )
