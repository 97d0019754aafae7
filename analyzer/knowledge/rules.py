"""The rule registry: loads the rule packs of heuristics/rules/*.toml into validated, frozen ``Rule`` records.

Every consumer (the matcher, `analyze rules`, the example tests, future SARIF ``rules[]``) reads rules from the
``RuleSet`` built here, so a rule is added by writing one ``[[rule]]`` table and nothing else. Validation is
strict: a malformed rule raises ``RuleError`` naming the pack, the rule and the problem.
"""

from __future__ import annotations

import enum
import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import heuristics
from analyzer.errors import RuleError
from analyzer.knowledge.criteria import Criteria, EvidenceSpec, parse_evidence

_ID = re.compile(r"^[A-Z][A-Z0-9]{1,4}\d{3}$")
_NAME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_IDIOM_LANGUAGES = frozenset({"go", "rust"})


class Status(str, enum.Enum):
    """Lifecycle of a rule."""

    STABLE = "stable"
    PREVIEW = "preview"
    DEPRECATED = "deprecated"


class MatchScope(str, enum.Enum):
    """Which parts of a source file a content pattern may match."""

    CODE = "code"
    CODE_AND_STRINGS = "code+strings"
    RAW = "raw"


@dataclass(frozen=True)
class ContentPattern:
    """A regular expression matched per line against files of some languages or paths."""

    pattern: str
    languages: tuple[str, ...]
    paths: tuple[str, ...]
    negative: str | None
    scope: MatchScope


@dataclass(frozen=True)
class Example:
    """A case the rule must (or must not) match: a dependency, a path, or code."""

    dependency: str | None = None
    path: str | None = None
    language: str | None = None
    file: str | None = None
    code: str | None = None


@dataclass(frozen=True)
class Rule:
    """One rule of the registry."""

    id: str
    name: str
    status: Status
    category: str
    marker: str
    summary: str
    rationale: str
    weight: float
    evidence: tuple[EvidenceSpec, ...]
    """Override of the category's evidence; empty means the category default applies."""
    dependencies: tuple[tuple[str, tuple[str, ...]], ...]
    paths: tuple[str, ...]
    content: tuple[ContentPattern, ...]
    examples_match: tuple[Example, ...]
    examples_no_match: tuple[Example, ...]
    pack: str
    idiom_of: tuple[str, ...] = ()
    """Languages ("go", "rust") whose own low-level idiom a hit is when it is in that language's code or manifest
    (DESIGN §4.3): the judgement may treat such a hit as what the incumbent does there, not as evidence for the
    other language. A hit of the same rule in a file of another language (C, say) is not covered."""


@dataclass(frozen=True)
class RuleSet:
    """All rules in force, sorted by id."""

    rules: tuple[Rule, ...]

    def get(self, rule_id: str) -> Rule:
        """The rule with this id or name (KeyError if none)."""
        for rule in self.rules:
            if rule.id == rule_id.upper() or rule.name == rule_id:
                return rule
        raise KeyError(rule_id)

    def select(self, select: Sequence[str] = (), ignore: Sequence[str] = ()) -> RuleSet:
        """Rules whose id starts with a prefix in ``select`` (all if empty) and with none in ``ignore``.

        Prefixes may also be category names (``wasm``, ``concurrency:threads``), as ruff's ``--select``
        takes codes or families. Deprecated rules are never selected implicitly.
        """

        def hit(rule: Rule, prefixes: Sequence[str]) -> bool:
            return any(rule.id.startswith(p.upper()) or rule.category == p for p in prefixes)

        kept = tuple(
            r
            for r in self.rules
            if (hit(r, select) if select else r.status is not Status.DEPRECATED) and not hit(r, ignore)
        )
        return RuleSet(kept)


def _strings(raw: Any, where: str) -> tuple[str, ...]:
    if isinstance(raw, str):
        return (raw,)
    if not isinstance(raw, list) or not all(isinstance(x, str) for x in raw):
        raise RuleError(f"{where}: expected a string or a list of strings")
    return tuple(raw)


def _compile_check(pattern: str, where: str) -> None:
    """A pattern must compile under Python's re and, when installed, RE2 (the fast path)."""
    try:
        compiled = re.compile(pattern, re.MULTILINE)
    except re.error as exc:
        raise RuleError(f"{where}: bad pattern {pattern!r}: {exc}") from exc
    if compiled.search(""):
        raise RuleError(f"{where}: pattern {pattern!r} matches the empty string")
    try:
        import re2
    except ImportError:
        return
    try:
        re2.compile(pattern)
    except re2.error as exc:
        raise RuleError(f"{where}: pattern {pattern!r} is not RE2 syntax: {exc}") from exc


def _content(raw: Any, where: str) -> tuple[ContentPattern, ...]:
    if not isinstance(raw, list):
        raise RuleError(f"{where}: content must be a list of tables")
    patterns = []
    for item in raw:
        if not isinstance(item, dict) or "pattern" not in item:
            raise RuleError(f"{where}: each content entry needs a pattern")
        languages = _strings(item.get("languages", []), where)
        paths = _strings(item.get("paths", []), where)
        if not languages and not paths:
            raise RuleError(f"{where}: content entry {item['pattern']!r} needs languages or paths")
        _compile_check(item["pattern"], where)
        negative = item.get("not")
        if negative is not None:
            _compile_check(negative, where)
        try:
            scope = MatchScope(item.get("scope", "code"))
        except ValueError:
            raise RuleError(f"{where}: scope must be code, code+strings or raw") from None
        patterns.append(ContentPattern(item["pattern"], languages, paths, negative, scope))
    return tuple(patterns)


def _examples(raw: Any, where: str) -> tuple[Example, ...]:
    if not isinstance(raw, list) or not raw:
        raise RuleError(f"{where}: needs a non-empty list of examples")
    out = []
    for item in raw:
        if not isinstance(item, dict):
            raise RuleError(f"{where}: examples must be tables")
        unknown = set(item) - {"dependency", "path", "language", "file", "code"}
        if unknown:
            raise RuleError(f"{where}: unknown example keys {sorted(unknown)}")
        example = Example(**{k: str(v) for k, v in item.items()})
        if example.code is None and example.dependency is None and example.path is None:
            raise RuleError(f"{where}: an example needs dependency, path, or code")
        if example.code is not None and example.language is None and example.file is None:
            raise RuleError(f"{where}: a code example needs a language or a file")
        out.append(example)
    return tuple(out)


def _rule(raw: dict[str, Any], pack: str, criteria: Criteria) -> Rule:
    rule_id = raw.get("id", "?")
    where = f"heuristics/rules/{pack} rule {rule_id}"
    for key in ("id", "name", "status", "category", "summary", "rationale", "match", "examples"):
        if key not in raw:
            raise RuleError(f"{where}: missing {key!r}")
    if not _ID.match(rule_id):
        raise RuleError(f"{where}: id must be 2-5 capitals and 3 digits")
    if not _NAME.match(raw["name"]):
        raise RuleError(f"{where}: name {raw['name']!r} is not kebab-case")
    if raw["category"] not in criteria.categories:
        raise RuleError(f"{where}: unknown category {raw['category']!r}")
    match = raw["match"]
    deps = match.get("dependencies", {})
    if not isinstance(deps, dict):
        raise RuleError(f"{where}: match.dependencies must be a table ecosystem -> names")
    dependencies = tuple(sorted((eco, _strings(names, where)) for eco, names in deps.items()))
    paths = _strings(match.get("paths", []), where)
    content = _content(match.get("content", []), where)
    if not dependencies and not paths and not content:
        raise RuleError(f"{where}: match needs dependencies, paths or content")
    ids = {c.id for c in criteria.criteria}
    evidence = parse_evidence(raw["evidence"], where, ids) if "evidence" in raw else ()
    try:
        status = Status(raw["status"])
    except ValueError:
        raise RuleError(f"{where}: status must be stable, preview or deprecated") from None
    weight = raw.get("weight", 1.0)
    if not isinstance(weight, int | float) or weight <= 0:
        raise RuleError(f"{where}: weight must be a positive number")
    idiom_of = _strings(raw.get("idiom_of", []), f"{where}: idiom_of")
    if not set(idiom_of) <= _IDIOM_LANGUAGES:
        raise RuleError(f"{where}: idiom_of must name go and/or rust, not {sorted(set(idiom_of) - _IDIOM_LANGUAGES)}")
    examples = raw["examples"]
    return Rule(
        id=rule_id,
        name=raw["name"],
        status=status,
        category=raw["category"],
        marker=str(raw.get("marker", raw["name"])),
        summary=str(raw["summary"]),
        rationale=str(raw["rationale"]),
        weight=float(weight),
        evidence=evidence,
        dependencies=dependencies,
        paths=paths,
        content=content,
        examples_match=_examples(examples.get("match"), f"{where} examples.match"),
        examples_no_match=_examples(examples.get("no_match"), f"{where} examples.no_match"),
        pack=pack,
        idiom_of=idiom_of,
    )


def parse_pack(name: str, text: str, criteria: Criteria) -> list[Rule]:
    """Rules of one pack; raises RuleError for a malformed pack."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RuleError(f"heuristics/rules/{name}: {exc}") from exc
    return [_rule(raw, name, criteria) for raw in data.get("rule", [])]


def load_rules(criteria: Criteria, extra_packs: Iterable[tuple[str, str]] = ()) -> RuleSet:
    """The shipped packs plus any extra (name, text) packs, validated together (ids and names unique)."""
    rules: list[Rule] = []
    for name, text in [*heuristics.rule_packs(), *extra_packs]:
        rules.extend(parse_pack(name, text, criteria))
    for attr in ("id", "name"):
        seen: dict[str, str] = {}
        for rule in rules:
            key = getattr(rule, attr)
            if key in seen:
                raise RuleError(f"rule {attr} {key!r} is used twice ({seen[key]} and {rule.pack})")
            seen[key] = rule.pack
    return RuleSet(tuple(sorted(rules, key=lambda r: r.id)))
