"""Judges one unit (the repository, a component, a native island, or the union of a side of a split).

A unit's language shares decide its incumbent language (Go or Rust when most of its code is already in it); the
incumbent's own idioms are set aside; the remaining facts give the category strengths its domain is decided from;
the domain adds its starting lean to the ecosystem criterion; and the evidence is scored (``scores``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from analyzer.inventory.languages import LanguageTable
from analyzer.inventory.roles import SHARE_FILE_CAP
from analyzer.judgement.domains import category_strengths, decide, incumbent, spec_of
from analyzer.judgement.evidence import fact_evidence, language_evidence, rule_strengths, share_factor
from analyzer.judgement.scores import UnitScore, score_unit
from analyzer.knowledge.criteria import Criteria
from analyzer.knowledge.domains import DomainTable
from analyzer.knowledge.rules import Rule
from analyzer.model import DOMAIN_RULE, Domain, EvidenceItem, Fact, FactKind, FileEntry, LanguageShare, Role

BINDING_CATEGORY = "ffi"
"""The category of facts that show a native binding."""


@dataclass(frozen=True, kw_only=True)
class Context:
    """What judging a unit needs besides its facts and files."""

    rules: Mapping[str, Rule]
    criteria: Criteria
    table: DomainTable
    languages: LanguageTable
    file_languages: Mapping[str, str]


@dataclass(frozen=True, kw_only=True)
class Judged:
    """One unit, judged."""

    path: str
    score: UnitScore
    items: tuple[EvidenceItem, ...]
    """The evidence the score was computed from (kept to weigh what-ifs)."""
    domain: Domain | None
    second: Domain | None
    """The runner-up domain."""
    incumbent: str | None
    shares: tuple[LanguageShare, ...]
    code: int
    """Bytes of counted programming source."""
    facts: tuple[Fact, ...]
    """The unit's facts (all of them, set-aside idioms included)."""
    files: tuple[FileEntry, ...]


def shares_of(files: Iterable[FileEntry], languages: LanguageTable) -> tuple[tuple[LanguageShare, ...], dict[str, str]]:
    """Share of counted source bytes per programming language, and each language's largest file."""
    sizes: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    largest: dict[str, tuple[int, str]] = {}
    for entry in files:
        if entry.role is not Role.SOURCE or entry.language is None:
            continue
        if languages.kind(entry.language) != "programming":
            continue
        sizes[entry.language][0] += 1
        sizes[entry.language][1] += min(entry.size, SHARE_FILE_CAP)  # no single file decides a share
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


def _domain_item(domain: Domain, facts: Sequence[Fact], table: DomainTable, component: str) -> EvidenceItem:
    spec = spec_of(domain, table)
    first = min(
        (f for f in facts if f.counted and f.category in spec.categories), key=lambda f: (f.path, f.line), default=None
    )
    return EvidenceItem(
        criterion="ecosystem",
        leans=domain.leans,
        weight=spec.weight,
        rule=DOMAIN_RULE,
        category="domain",
        marker=domain.id,
        message=f"a {domain.name}: {domain.reason}",
        path=first.path if first else "",
        line=first.line if first else 0,
        component=component,
    )


def judge(
    path: str,
    facts: Sequence[Fact],
    files: Sequence[FileEntry],
    ctx: Context,
    *,
    host: bool = False,
    extra: Sequence[EvidenceItem] = (),
) -> Judged:
    """Judge one unit.

    ``host``: the unit builds a native island or crate of its own; its binding facts (ffi) describe that boundary,
    which the verdict weighs as such, not the host's own nature. ``extra``: evidence from outside the tree (the
    team profile and the history).
    """
    shares, largest = shares_of(files, ctx.languages)
    held = incumbent(shares, ctx.table)
    kept = [
        f
        for f in facts
        if not (held is not None and f.category in held.idioms and held.owns(f.path, ctx.file_languages.get(f.path)))
        and not (host and f.category == BINDING_CATEGORY)
    ]
    kept_shares = tuple(s for s in shares if held is None or s.language not in held.languages)
    by_language = {s.language: s.share for s in shares}

    def scale(fact: Fact) -> float:
        language = ctx.file_languages.get(fact.path) if fact.kind is FactKind.CONTENT else None
        return share_factor(by_language.get(language)) if language is not None else 1.0

    strengths = category_strengths(rule_strengths(kept, ctx.rules, scale))
    domain, second = decide(strengths, kept_shares, ctx.table)
    used = ctx.criteria
    items = fact_evidence(kept, ctx.rules, used, scale) + language_evidence(kept_shares, largest, used, path)
    if domain is not None:
        items.append(_domain_item(domain, kept, ctx.table, path))
    items.extend(extra)
    return Judged(
        path=path,
        score=score_unit(items, used),
        items=tuple(items),
        domain=domain,
        second=second,
        incumbent=held.language if held else None,
        shares=shares,
        code=sum(s.bytes for s in shares),
        facts=tuple(facts),
        files=tuple(files),
    )
