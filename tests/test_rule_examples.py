"""Every rule's examples, run through the real matcher: what must match does, what must not does not."""

from __future__ import annotations

import pytest

from analyzer.facts.matcher import Matcher
from analyzer.knowledge.criteria import load_criteria
from analyzer.knowledge.rules import Example, Rule, load_rules
from analyzer.model import Dependency, Scope

_CRITERIA = load_criteria()
_RULES = load_rules(_CRITERIA)


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(_RULES)


def _matches(matcher: Matcher, rule: Rule, example: Example) -> bool:
    if example.dependency is not None:
        ecosystem, _, name = example.dependency.partition(":")
        dep = Dependency(ecosystem, name, "", Scope.RUNTIME, True, "manifest", 1)
        return rule in matcher.match_dependency(dep)
    if example.code is not None:
        path = example.file or "snippet"
        language = example.language
        return any(hit.rule.id == rule.id for hit in matcher.match_content(path, language, example.code))
    assert example.path is not None
    return rule in matcher.match_path(example.path)


def _cases(expected: bool) -> list[object]:
    cases = []
    for rule in _RULES.rules:
        examples = rule.examples_match if expected else rule.examples_no_match
        for i, example in enumerate(examples):
            cases.append(pytest.param(rule, example, id=f"{rule.id}-{'match' if expected else 'no_match'}-{i}"))
    return cases


@pytest.mark.parametrize(("rule", "example"), _cases(True))
def test_example_matches(matcher: Matcher, rule: Rule, example: Example) -> None:
    assert _matches(matcher, rule, example), f"{rule.id} ({rule.pack}) should match {example}"


@pytest.mark.parametrize(("rule", "example"), _cases(False))
def test_example_does_not_match(matcher: Matcher, rule: Rule, example: Example) -> None:
    assert not _matches(matcher, rule, example), f"{rule.id} ({rule.pack}) should not match {example}"


def test_rule_base_is_broad() -> None:
    categories = {rule.category for rule in _RULES.rules}
    assert len(_RULES.rules) >= 150
    assert categories == set(_CRITERIA.categories)
