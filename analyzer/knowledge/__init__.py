"""Everything loaded from ``heuristics/``: the criteria and the article's mapping (``criteria``), the rule packs
(``rules``), and the language and path tables the inventory classifies files with. In: the data files and the
user's weights, select and ignore. Out: one frozen ``Knowledge`` bundle from ``load()``, built once per run and
passed down to every stage.

Parsing and validating the packs (TOML, then every pattern compiled once to check it) is most of a small run's
start-up, so the validated bundle is kept in a compiled-knowledge cache (``cache``), keyed by the content of the
shipped data files and the tool's version; the user's weights and selection are applied after it is loaded.
"""

from __future__ import annotations

import hashlib
import importlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import heuristics
from analyzer import __version__
from analyzer.inventory.languages import LanguageTable, load_languages
from analyzer.inventory.scan import PathRules, load_path_rules
from analyzer.knowledge import cache
from analyzer.knowledge.criteria import Criteria, load_criteria
from analyzer.knowledge.domains import DomainTable, load_domains
from analyzer.knowledge.rules import RuleSet, load_rules

DATA_FILES = ("criteria.toml", "domains.toml", "languages.toml", "paths.toml")
"""The data files of ``heuristics/`` besides the rule packs."""
CODE_MODULES = (
    "analyzer.model",
    "analyzer.knowledge.criteria",
    "analyzer.knowledge.rules",
    "analyzer.inventory.globs",
    "analyzer.inventory.languages",
    "analyzer.inventory.rolematch",
    "analyzer.inventory.roles",
    "analyzer.inventory.scan",
)
"""Modules whose classes a cache entry holds: an entry of other code is never read, even at the same version."""


def _module_source(name: str) -> bytes:
    module = importlib.import_module(name)
    return Path(module.__file__ or "").read_bytes()


@dataclass(frozen=True, kw_only=True)
class Knowledge:
    """Everything loaded from heuristics/: built once per run and passed down."""

    criteria: Criteria
    """The article's criteria, weights, thresholds and the mapping of categories to evidence."""
    rules: RuleSet
    """The rules in force after the user's select and ignore."""
    languages: LanguageTable
    """Language of a file by name, extension, shebang and first bytes."""
    paths: PathRules
    """Roles of paths: tests, docs, vendored, generated, fixtures."""
    domains: DomainTable
    """The article's use cases, the incumbent languages' idioms, the confidence floor (heuristics/domains.toml)."""


def content_digest() -> str:
    """Digest of every shipped data file (name and bytes), the tool's version and the source of the modules whose
    classes the bundle holds: what a cached bundle depends on."""
    digest = hashlib.sha256(__version__.encode("utf-8") + b"\0")
    for name in DATA_FILES:
        digest.update(name.encode("utf-8") + b"\0" + heuristics.read_text(name).encode("utf-8") + b"\0")
    for name, text in heuristics.rule_packs():
        digest.update(name.encode("utf-8") + b"\0" + text.encode("utf-8") + b"\0")
    for name in CODE_MODULES:
        digest.update(name.encode("utf-8") + b"\0" + _module_source(name) + b"\0")
    return digest.hexdigest()


def _build(extra_packs: Iterable[tuple[str, str]] = ()) -> Knowledge:
    """Parse and validate the data files: the slow path, taken on a cache miss."""
    criteria = load_criteria()
    return Knowledge(
        criteria=criteria,
        rules=load_rules(criteria, extra_packs),
        languages=load_languages(),
        paths=load_path_rules(),
        domains=load_domains(),
    )


_LOADED: dict[tuple[str, str], Knowledge] = {}
"""The bundle this process last read or built, by digest and cache folder: a run asks for it twice (the names a
configuration may use, then the rules it selects), and unpickling it is most of a small run's start-up. It is
immutable, and a different digest or folder is a miss, so this holds no state a caller could see."""


def _shipped() -> Knowledge:
    """The shipped knowledge, from the cache when it holds this exact content, else built (and cached)."""
    key = content_digest()
    memo = (key, str(cache.directory()))
    if memo in _LOADED:
        return _LOADED[memo]
    found = cache.read(key)
    if not isinstance(found, Knowledge):
        found = _build()
        cache.write(key, found)
    _LOADED.clear()
    _LOADED[memo] = found
    return found


def vocabulary() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """What a configuration may name: every rule id (deprecated ones too), every category, every criterion."""
    base = _shipped()
    categories = {r.category for r in base.rules.rules} | set(base.criteria.categories)
    return (
        frozenset(r.id for r in base.rules.rules),
        frozenset(categories),
        frozenset(c.id for c in base.criteria.criteria),
    )


def load(
    weights: Mapping[str, float] | None = None,
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    extra_packs: Iterable[tuple[str, str]] = (),
) -> Knowledge:
    """Load criteria, rules, languages and path roles; apply the user's weights and rule selection."""
    packs = tuple(extra_packs)
    base = _build(packs) if packs else _shipped()
    criteria = base.criteria.with_weights(dict(weights)) if weights else base.criteria  # rules do not depend on them
    return replace(base, criteria=criteria, rules=base.rules.select(select, ignore))
