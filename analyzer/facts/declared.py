"""Facts from dependencies and paths: which rules match what the manifests declare and what files exist.

Content facts are made in ``engine`` (they need file bytes); these two kinds need only records. A fact is
always made, then marked excluded when it does not count (transitive lockfile entry, vendored, fixture,
example, docs or generated file), so the report can show what was set aside and why.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from analyzer.facts.matcher import Matcher
from analyzer.knowledge.criteria import Criteria
from analyzer.model import Dependency, Fact, FactKind, FileEntry, Inventory, ManifestResult, Role, Scope

_SCOPE_MULTIPLIER = {
    Scope.RUNTIME: None,
    Scope.DEV: "dev-dependency",
    Scope.TEST: "test-dependency",
    Scope.BUILD: "build-dependency",
}


def _dependency_weight(dependency: Dependency, entry: FileEntry, criteria: Criteria) -> float:
    key = _SCOPE_MULTIPLIER[dependency.scope]
    weight = 1.0 if key is None else criteria.multipliers.get(key, 1.0)
    if entry.role is Role.TEST:
        weight = min(weight, criteria.multipliers.get("test-file", 1.0))
    return weight


def dependency_facts(
    manifests: Sequence[tuple[FileEntry, ManifestResult]], matcher: Matcher, criteria: Criteria, inventory: Inventory
) -> list[Fact]:
    """One fact per (dependency, matching rule)."""
    facts = []
    for entry, result in manifests:
        for dependency in result.dependencies:
            for rule in matcher.match_dependency(dependency):
                snippet = f"{dependency.ecosystem}:{dependency.name} {dependency.version}".strip()
                facts.append(
                    Fact(
                        rule=rule.id,
                        category=rule.category,
                        marker=rule.marker,
                        kind=FactKind.DEPENDENCY,
                        path=dependency.path,
                        line=dependency.line,
                        snippet=snippet[:160],
                        component=entry.component,
                        weight=_dependency_weight(dependency, entry, criteria),
                        excluded=None if dependency.direct else "transitive",
                    )
                )
    return facts


def path_facts(inventory: Inventory, matcher: Matcher, criteria: Criteria) -> list[Fact]:
    """One fact per (file, matching path rule); files in roles that do not count give excluded facts."""
    test_weight = criteria.multipliers.get("test-file", 1.0)
    facts = []
    for entry in inventory.files:
        for rule in matcher.match_path(entry.path):
            facts.append(
                Fact(
                    rule=rule.id,
                    category=rule.category,
                    marker=rule.marker,
                    kind=FactKind.PATH,
                    path=entry.path,
                    line=0,
                    snippet=entry.path[-160:],
                    component=entry.component,
                    weight=test_weight if entry.role is Role.TEST else 1.0,
                    excluded=None if entry.role.counts else entry.role.value,
                )
            )
    return facts


def exclude_test_only(facts: Sequence[Fact], test_weight: float) -> list[Fact]:
    """Facts with those of "test-only" categories excluded.

    A category whose counted facts all come from tests (test files, test or dev dependencies) and from a single
    file says nothing about the product: one CLI parser in a test helper, one Go fixture in an integration test.
    """
    sources: dict[str, set[str]] = {}
    product: set[str] = set()
    for fact in facts:
        if not fact.counted:
            continue
        if fact.weight > test_weight:
            product.add(fact.category)
        sources.setdefault(fact.category, set()).add(fact.path)
    test_only = {c for c, paths in sources.items() if c not in product and len(paths) == 1}
    if not test_only:
        return list(facts)
    return [replace(f, excluded="test-only") if f.counted and f.category in test_only else f for f in facts]
