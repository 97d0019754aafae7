"""Builds the Report from facts: language shares, evidence and scores per unit, the verdict, markers, findings.

The repository is scored as one unit and each component as its own; the verdict comes from the repository's
lean unless components split clearly between Go and Rust, which makes it ``both``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

from analyzer.inventory.languages import LanguageTable
from analyzer.judgement.evidence import fact_evidence, language_evidence, share_factor
from analyzer.judgement.scores import UnitScore, find_split, score_unit, unit_language
from analyzer.knowledge.criteria import Criteria
from analyzer.knowledge.rules import Rule
from analyzer.model import (
    ComponentVerdict,
    Diagnostic,
    Effort,
    Fact,
    FactKind,
    FileEntry,
    Finding,
    Inventory,
    LanguageShare,
    Location,
    Marker,
    Report,
    Role,
    Stats,
    Target,
    Verdict,
    VerdictLanguage,
)

MAX_MARKER_EVIDENCE = 10
TOOL_NAME = "rustgo-analyzer"


def _shares(files: Iterable[FileEntry], languages: LanguageTable) -> tuple[tuple[LanguageShare, ...], dict[str, str]]:
    """Share of counted source bytes per programming language, and each language's largest file."""
    sizes: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    largest: dict[str, tuple[int, str]] = {}
    for entry in files:
        if entry.role is not Role.SOURCE or entry.language is None:
            continue
        if languages.kind(entry.language) != "programming":
            continue
        sizes[entry.language][0] += 1
        sizes[entry.language][1] += entry.size
        if entry.size > largest.get(entry.language, (-1, ""))[0]:
            largest[entry.language] = (entry.size, entry.path)
    total = sum(b for _, b in sizes.values()) or 1
    shares = tuple(
        sorted(
            (LanguageShare(lang, n, b, round(b / total, 6)) for lang, (n, b) in sizes.items()),
            key=lambda s: (-s.bytes, s.language),
        )
    )
    return shares, {lang: path for lang, (_, path) in largest.items()}


def _score(
    facts: Sequence[Fact],
    shares: tuple[LanguageShare, ...],
    largest: Mapping[str, str],
    rules: Mapping[str, Rule],
    criteria: Criteria,
    component: str,
    file_languages: Mapping[str, str],
) -> UnitScore:
    by_language = {s.language: s.share for s in shares}

    def scale(fact: Fact) -> float:
        if fact.kind is not FactKind.CONTENT:
            return 1.0
        language = file_languages.get(fact.path)
        return share_factor(by_language.get(language)) if language is not None else 1.0

    items = fact_evidence(facts, rules, criteria, scale) + language_evidence(shares, largest, criteria, component)
    return score_unit(items, criteria)


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
        markers.append(Marker(category, name, rules, locations, len(group)))
    return tuple(markers)


def _findings(facts: Sequence[Fact], rules: Mapping[str, Rule]) -> tuple[Finding, ...]:
    """Every fact as a finding, uncapped: a diff or a baseline compares them all (renderers cap what they show)."""
    findings = []
    for fact in facts:
        rule = rules.get(fact.rule)
        message = rule.summary if rule else fact.marker
        findings.append(
            Finding(
                fact.rule,
                fact.category,
                message,
                fact.path,
                fact.line,
                fact.marker,
                fact.component,
                fact.snippet,
                fact.excluded,
            )
        )
    return tuple(sorted(findings, key=lambda f: (f.excluded is not None, f.path, f.line, f.rule)))


def _reasons(score: UnitScore, sign: int, limit: int = 4) -> tuple[str, ...]:
    by_marker: dict[tuple[str, str], float] = defaultdict(float)
    for criterion in score.criteria:
        for item in criterion.evidence:
            if item.leans.sign == sign:
                by_marker[(item.category, item.marker)] += item.weight * criterion.weight
    ranked = sorted(by_marker.items(), key=lambda kv: (-kv[1], kv[0]))
    return tuple(
        f"{category}: {marker}" if category != "language" else f"code in {marker}"
        for (category, marker), _ in ranked[:limit]
    )


def _interop(facts: Sequence[Fact]) -> str:
    categories = {f.category for f in facts if f.counted}
    if "ffi" in categories:
        return "ffi"
    if "grpc" in categories:
        return "grpc"
    return "rest"


def _verdict(
    score: UnitScore, criteria: Criteria, components: Sequence[tuple[str, UnitScore]], facts: Sequence[Fact]
) -> Verdict:
    t = criteria.thresholds
    split = find_split(components, t) if len(components) > 1 else None
    lean = round(score.lean, 6)
    leaning = VerdictLanguage.RUST if lean > 0 else VerdictLanguage.GO
    if split is not None:
        sides = [(p, VerdictLanguage.RUST) for p in split.rust] + [(p, VerdictLanguage.GO) for p in split.go]
        pairs = tuple(sorted(sides))
        interop = _interop(facts)

        def named(paths: Sequence[str]) -> str:
            return ", ".join("the root" if p == "." else p for p in paths)

        summary = f"Both: Go for {named(split.go)} and Rust for {named(split.rust)}, joined through {interop}."
        reasons = _reasons(score, 1, 2) + _reasons(score, -1, 2)
        # Each side is as sure as its surest component; the split is as sure as its less sure side.
        confidences = dict((path, unit.confidence) for path, unit in components)
        confidence = min(max(confidences[p] for p in split.rust), max(confidences[p] for p in split.go))
        return Verdict(VerdictLanguage.BOTH, confidence, summary, leaning, lean, reasons, pairs, interop)
    language = unit_language(score, t.clear_lean, t.min_mass)
    if language is VerdictLanguage.UNDECIDED:
        if score.mass < t.min_mass:
            summary = "Undecided: too little evidence to say (no code or markers that speak to the criteria)."
        else:
            summary = f"Undecided: the evidence is mixed (lean {lean:+.2f})."
        runner_up = leaning if score.mass >= t.min_mass else None
        sign = 1 if leaning is VerdictLanguage.RUST else -1
        return Verdict(VerdictLanguage.UNDECIDED, score.confidence, summary, runner_up, lean, _reasons(score, sign))
    reasons = _reasons(score, language_sign := (1 if language is VerdictLanguage.RUST else -1))
    other = _reasons(score, -language_sign, 1)
    name = "Rust" if language is VerdictLanguage.RUST else "Go"
    summary = f"{name} fits best (lean {lean:+.2f}): " + "; ".join(reasons) + "."
    runner_up = VerdictLanguage.GO if language is VerdictLanguage.RUST else VerdictLanguage.RUST
    if other:
        summary += f" Against it: {other[0]}."
    return Verdict(language, score.confidence, summary, runner_up, lean, reasons)


def build_report(
    *,
    tree_root: str,
    revision: str | None,
    version: str,
    inventory: Inventory,
    facts: Sequence[Fact],
    diagnostics: Sequence[Diagnostic],
    knowledge_criteria: Criteria,
    rules: Mapping[str, Rule],
    languages: LanguageTable,
    bytes_read: int,
    seconds: float,
    effort: Effort | None = None,
) -> Report:
    """The report of one analysis."""
    criteria = knowledge_criteria
    shares, largest = _shares(inventory.files, languages)
    file_languages = {e.path: e.language for e in inventory.files if e.language is not None}
    repo = _score(facts, shares, largest, rules, criteria, ".", file_languages)
    by_component: dict[str, list[Fact]] = defaultdict(list)
    for fact in facts:
        by_component[fact.component].append(fact)
    files_by_component: dict[str, list[FileEntry]] = defaultdict(list)
    for entry in inventory.files:
        files_by_component[entry.component].append(entry)
    scored: list[tuple[str, UnitScore]] = []
    components = []
    t = criteria.thresholds
    for component in inventory.components:
        c_shares, c_largest = _shares(files_by_component.get(component.path, ()), languages)
        c_facts = by_component.get(component.path, [])
        c_score = _score(c_facts, c_shares, c_largest, rules, criteria, component.path, file_languages)
        if c_shares:  # a component without code of its own (a lone manifest) cannot carry a side of a split
            scored.append((component.path, c_score))
        c_verdict = unit_language(c_score, t.component_clear_lean, t.component_min_mass)
        if c_score.marker_mass < t.component_min_mass:
            c_verdict = VerdictLanguage.UNDECIDED
        components.append(
            ComponentVerdict(
                path=component.path,
                verdict=c_verdict,
                confidence=c_score.confidence,
                lean=round(c_score.lean, 6),
                mass=round(c_score.mass, 6),
                manifests=component.manifests,
                ecosystems=component.ecosystems,
                languages=c_shares,
                markers=tuple(sorted({f.category for f in c_facts if f.counted})),
                files=len(files_by_component.get(component.path, ())),
                workspace=component.workspace,
            )
        )
    verdict = _verdict(repo, criteria, scored, facts)
    counted_files = sum(1 for e in inventory.files if e.role.counts)
    return Report(
        tool_name=TOOL_NAME,
        tool_version=version,
        target=Target(tree_root, revision),
        verdict=verdict,
        criteria=repo.criteria,
        markers=_markers(facts, counted=True),
        components=tuple(components),
        findings=_findings(facts, rules),
        diagnostics=tuple(sorted(diagnostics, key=lambda d: (d.path, d.message))),
        languages=shares,
        stats=Stats(len(inventory.files), counted_files, bytes_read, round(seconds, 3), len(rules)),
        excluded=_markers(facts, counted=False),
        effort=effort,
    )
