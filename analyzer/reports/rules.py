"""`analyze rules` and `analyze rules ID`: the rule registry as a table, JSON, or one rule explained.

Everything here is generated from the same ``RuleSet`` the matcher uses, so the documentation cannot drift
from the rules.
"""

from __future__ import annotations

import io
import json
from collections import Counter
from typing import Any

from rich.console import Console
from rich.table import Table

from analyzer.errors import ConfigError
from analyzer.knowledge.criteria import Criteria, EvidenceSpec, load_criteria
from analyzer.knowledge.domains import load_domains
from analyzer.knowledge.rules import Example, Rule, RuleSet, load_rules
from analyzer.model import DOMAIN_RULE, JUDGEMENT_RULES, LANGUAGE_SHARE_RULE, TEAM_RULE


def _load() -> tuple[Criteria, RuleSet]:
    criteria = load_criteria()
    return criteria, load_rules(criteria)


def _evidence(rule: Rule, criteria: Criteria) -> tuple[EvidenceSpec, ...]:
    return rule.evidence or criteria.categories[rule.category]


def _example_text(example: Example) -> str:
    if example.dependency is not None:
        return f"dependency {example.dependency}"
    if example.path is not None and example.code is None:
        return f"path {example.path}"
    where = example.file or example.language
    return f"{where}: {(example.code or '').strip()}"


def rule_dict(rule: Rule, criteria: Criteria) -> dict[str, Any]:
    """One rule as JSON-ready data."""
    return {
        "id": rule.id,
        "name": rule.name,
        "status": rule.status.value,
        "category": rule.category,
        "marker": rule.marker,
        "summary": rule.summary,
        "rationale": rule.rationale,
        "weight": rule.weight,
        "evidence": [
            {"criterion": s.criterion, "leans": s.leans.value, "weight": s.weight} for s in _evidence(rule, criteria)
        ],
        "dependencies": {eco: list(names) for eco, names in rule.dependencies},
        "paths": list(rule.paths),
        "content": [
            {"pattern": c.pattern, "languages": list(c.languages), "paths": list(c.paths), "scope": c.scope.value}
            for c in rule.content
        ],
        "examples": {
            "match": [_example_text(e) for e in rule.examples_match],
            "no_match": [_example_text(e) for e in rule.examples_no_match],
        },
        "pack": rule.pack,
    }


def _filtered(rules: RuleSet, category: str | None, ecosystem: str | None) -> list[Rule]:
    out = list(rules.rules)
    if category:
        out = [r for r in out if r.category == category]
    if ecosystem:
        out = [r for r in out if any(eco == ecosystem for eco, _ in r.dependencies)]
    return out


def listing(category: str | None, ecosystem: str | None, fmt: str, width: int = 120) -> str:
    """All rules (filtered) as a table or JSON."""
    criteria, rules = _load()
    chosen = _filtered(rules, category, ecosystem)
    if fmt == "json":
        return json.dumps([rule_dict(r, criteria) for r in chosen], indent=2) + "\n"
    table = Table(title=f"{len(chosen)} rules", show_lines=False)
    for column in ("id", "name", "category", "status", "summary"):
        table.add_column(column, overflow="fold")
    for rule in chosen:
        table.add_row(rule.id, rule.name, rule.category, rule.status.value, rule.summary)
    return _render(table, width)


def explain(rule_id: str, fmt: str, width: int = 100) -> str:
    """One rule explained: summary, why it matters, criterion and lean, matches, examples."""
    if rule_id.upper() in JUDGEMENT_RULES:
        return _explain_judgement(rule_id.upper(), fmt)
    criteria, rules = _load()
    try:
        rule = rules.get(rule_id)
    except KeyError:
        known = ", ".join(JUDGEMENT_RULES)
        raise ConfigError(f"no rule {rule_id!r}; `analyze rules` lists them (and explains {known})") from None
    data = rule_dict(rule, criteria)
    if fmt == "json":
        return json.dumps(data, indent=2) + "\n"
    lines = [
        f"{rule.id} {rule.name} ({rule.status.value})",
        f"category: {rule.category}   marker: {rule.marker}   pack: {rule.pack}",
        "",
        rule.summary,
        "",
        "Why it matters: " + rule.rationale,
        "",
        "Evidence: "
        + "; ".join(
            f"{criteria.criterion(s.criterion).name} leans {s.leans.value} (weight {s.weight:g})"
            for s in _evidence(rule, criteria)
        ),
    ]
    for ecosystem, names in rule.dependencies:
        lines.append(f"Matches {ecosystem} dependencies: {', '.join(names)}")
    if rule.paths:
        lines.append(f"Matches paths: {', '.join(rule.paths)}")
    for content in rule.content:
        where = ", ".join(content.languages + content.paths)
        lines.append(f"Matches in {where} ({content.scope.value}): {content.pattern}")
    lines += ["", "Examples that match:"] + [f"  + {t}" for t in data["examples"]["match"]]
    lines += ["Examples that do not match:"] + [f"  - {t}" for t in data["examples"]["no_match"]]
    return "\n".join(lines) + "\n"


def _explain_judgement(rule_id: str, fmt: str) -> str:
    """What a judgement evidence id means, with the weights it uses, read from the same data the judgement reads."""
    criteria = load_criteria()
    table = load_domains()
    name = {c.id: c.name for c in criteria.criteria}
    rows: list[dict[str, Any]]
    if rule_id == DOMAIN_RULE:
        summary = (
            "What a unit is for, from its markers and languages: the best-scoring use case of the article decides "
            f"where the verdict starts (a domain scoring under {table.min_score:g} gives none)."
        )
        source = "heuristics/domains.toml [[domain]]"
        rows = [
            {"id": d.id, "name": d.name, "leans": d.leans.value, "weight": d.weight, "reason": d.reason}
            for d in table.domains
        ]
        lines = [f"{d['id']}: {d['name']} -> {d['leans']} ({name['ecosystem']}, weight {d['weight']:g})" for d in rows]
    elif rule_id == LANGUAGE_SHARE_RULE:
        summary = (
            "The languages the code is written in: each language's share of the unit's counted code times the "
            "weights below."
        )
        source = "heuristics/criteria.toml [language.*]"
        rows = [
            {"language": language, "criterion": spec.criterion, "leans": spec.leans.value, "weight": spec.weight}
            for language, specs in sorted(criteria.languages.items())
            for spec in specs
        ]
        lines = [f"{r['language']}: {name[r['criterion']]} leans {r['leans']} (weight {r['weight']:g})" for r in rows]
    elif rule_id == TEAM_RULE:
        summary = "The team profile given with --team (go=LEVEL,rust=LEVEL): evidence on developer experience."
        source = "heuristics/domains.toml [team.*]"
        rows = [
            {"language": language, "level": level, "weight": weight}
            for language, levels in sorted(table.team.items())
            for level, weight in levels.items()
        ]
        lines = [f"{r['language']}={r['level']}: weight {r['weight']:+g} toward {r['language']}" for r in rows]
    else:
        summary = (
            "The bounded git history (--history): the share of recent authors who already write Go (Rust) here, "
            f"times {table.history_weight:g}, is developer-experience evidence toward Go (Rust)."
        )
        source = "heuristics/domains.toml [history]"
        rows = [{"weight": table.history_weight}]
        lines = []
    data = {"id": rule_id, "kind": "judgement", "summary": summary, "source": source, "weights": rows}
    if fmt == "json":
        return json.dumps(data, indent=2) + "\n"
    head = [f"{rule_id} (judgement evidence: no [[rule]] defines it)", "", summary, "", f"From: {source}"]
    return "\n".join(head + (["", *lines] if lines else [])) + "\n"


def _render(renderable: Table, width: int) -> str:
    buffer = io.StringIO()
    Console(file=buffer, width=width, color_system=None, force_terminal=False, highlight=False).print(renderable)
    return buffer.getvalue()


def counts_table() -> str:
    """Markdown table of rule counts per category and match kind, for the README."""
    _, rules = _load()
    rows: dict[str, list[int]] = {}
    for rule in rules.rules:
        row = rows.setdefault(rule.category, [0, 0, 0, 0])
        row[0] += 1
        row[1] += bool(rule.dependencies)
        row[2] += bool(rule.paths)
        row[3] += bool(rule.content)
    lines = ["| category | rules | on dependencies | on paths | on source |", "|---|---:|---:|---:|---:|"]
    for category in sorted(rows):
        lines.append(f"| {category} | " + " | ".join(str(n) for n in rows[category]) + " |")
    totals = [sum(r[i] for r in rows.values()) for i in range(4)]
    lines.append("| **all** | " + " | ".join(f"**{n}**" for n in totals) + " |")
    statuses = Counter(rule.status.value for rule in rules.rules)
    in_force = statuses.pop("stable", 0)
    others = ", ".join(f"{count} {status}" for status, count in sorted(statuses.items()))
    # A run reports the rules in force ("N rules" in its footer); the table counts every id ever given.
    lines += [
        "",
        f"{in_force} stable rules are in force by default"
        + (f"; {others} kept so ids are never reused." if others else "."),
    ]
    return "\n".join(lines) + "\n"


def rules_markdown() -> str:
    """docs/rules.md: every rule with its category, what it matches and how it leans, generated from the registry."""
    criteria, rules = _load()
    lines = [
        "# Rules",
        "",
        "Generated from `heuristics/rules/*.toml` by `python tests/golden.py`; do not edit by hand.",
        "`analyze rules ID` explains one rule with its rationale and examples.",
        "",
    ]
    for category in sorted({r.category for r in rules.rules}):
        chosen = [r for r in rules.rules if r.category == category]
        lines += [
            f"## {category} ({len(chosen)})",
            "",
            "| id | name | status | matches | leans | summary |",
            "|---|---|---|---|---|---|",
        ]
        for rule in chosen:
            kinds = [
                k
                for k, present in (("dependencies", rule.dependencies), ("paths", rule.paths), ("source", rule.content))
                if present
            ]
            leans = ", ".join(f"{s.criterion} → {s.leans.value}" for s in _evidence(rule, criteria))
            summary = rule.summary.replace("|", "\\|")
            # The anchor is what SARIF helpUri links to (docs_url#id), one per rule.
            cells = [
                f'<a id="{rule.id.lower()}"></a>{rule.id}',
                rule.name,
                rule.status.value,
                ", ".join(kinds),
                leans,
                summary,
            ]
            lines.append("| " + " | ".join(cells) + " |")
        lines.append("")
    return "\n".join(lines)
