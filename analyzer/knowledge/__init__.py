"""Everything loaded from ``heuristics/``: the criteria and the article's mapping (``criteria``), the rule packs
(``rules``), and the language and path tables the inventory classifies files with. In: the data files and the
user's weights, select and ignore. Out: one frozen ``Knowledge`` bundle from ``load()``, built once per run and
passed down to every stage.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from analyzer.inventory.languages import LanguageTable, load_languages
from analyzer.inventory.scan import PathRules, load_path_rules
from analyzer.knowledge.criteria import Criteria, load_criteria
from analyzer.knowledge.rules import RuleSet, load_rules


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


def load(
    weights: Mapping[str, float] | None = None,
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    extra_packs: Iterable[tuple[str, str]] = (),
) -> Knowledge:
    """Load criteria, rules, languages and path roles; apply the user's weights and rule selection."""
    criteria = load_criteria()
    if weights:
        criteria = criteria.with_weights(dict(weights))
    rules = load_rules(criteria, extra_packs).select(select, ignore)
    return Knowledge(criteria=criteria, rules=rules, languages=load_languages(), paths=load_path_rules())
