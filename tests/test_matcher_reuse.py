"""A batch worker analyses repository after repository with one RuleSet: its matcher is compiled once."""

from __future__ import annotations

from analyzer.facts.matcher import Matcher
from analyzer.knowledge import load


def test_same_rules_same_matcher_other_rules_other_matcher() -> None:
    every = load()
    first = Matcher.of(every.rules)
    assert Matcher.of(every.rules) is first
    narrowed = load(select=["LAT"])  # a repository whose own configuration narrows the rules
    other = Matcher.of(narrowed.rules)
    assert other is not first
    assert other.ruleset is narrowed.rules
    assert {r.id[:3] for r in other.ruleset.rules} == {"LAT"}
    assert Matcher.of(every.rules) is not other  # back to the full set: rebuilt for those rules, never stale
