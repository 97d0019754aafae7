"""The facts stage. In: a ``Tree``, its ``Inventory``, the parsed manifests and the ``Knowledge``. Out:
``Collected``: neutral ``Fact`` records with file:line evidence — from declared dependencies and paths
(``declared``) and from file contents, read once and matched with the compiled patterns (``content``, ``matcher``,
``lexers``) — the bytes read, and the porting-effort figures when asked (``effort``, the one module that imports
radon). ``collect()`` is the stage's one entry point.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from analyzer.facts.content import ContentCache, Job, content_facts
from analyzer.facts.declared import dependency_facts, exclude_test_only, path_facts
from analyzer.facts.effort import summarize
from analyzer.facts.matcher import Matcher
from analyzer.model import Effort, Fact, FileEntry, Inventory, ManifestResult, Role

if TYPE_CHECKING:
    from analyzer.knowledge import Knowledge
    from analyzer.target.worktree import Tree


class Progress(Protocol):
    """Progress hooks of the content scan; the CLI passes a progress bar, tests pass nothing."""

    def start(self, total: int) -> None: ...

    def advance(self, count: int) -> None: ...

    def finish(self) -> None: ...


@dataclass(frozen=True, kw_only=True)
class Collected:
    """What the facts stage found in one tree."""

    facts: tuple[Fact, ...]
    """Every fact, test-only categories already discounted."""
    bytes_read: int
    """Bytes of file contents read (manifests included)."""
    effort: Effort | None
    """Porting-effort figures, when they were asked for."""


@dataclass(frozen=True, kw_only=True)
class Settings:
    """How the stage reads: caps and parallelism, none of them knowledge."""

    max_file_size: int
    """Bytes read at most from one file."""
    jobs: int
    """Worker processes for content matching; 0 = one per core, 1 = none."""
    effort: bool
    """Measure size and complexity for the porting-effort figures."""


def collect(
    tree: Tree,
    inventory: Inventory,
    manifests: Sequence[tuple[FileEntry, ManifestResult]],
    manifest_texts: Mapping[str, str],
    knowledge: Knowledge,
    settings: Settings,
    progress: Progress | None = None,
    cache: ContentCache | None = None,
) -> Collected:
    """The facts of one tree: declared, path and content facts; ``cache`` carries content hits between runs."""
    matcher = Matcher.of(knowledge.rules)
    facts = dependency_facts(list(manifests), matcher, knowledge.criteria, inventory)
    facts += path_facts(inventory, matcher, knowledge.criteria)
    test_weight = knowledge.criteria.multipliers.get("test-file", 1.0)
    programming = frozenset(
        e.language
        for e in inventory.files
        if settings.effort and e.language is not None and knowledge.languages.kind(e.language) == "programming"
    )
    job = Job(
        tree, knowledge.rules, settings.max_file_size, test_weight, dict(cache.hits) if cache else {}, programming
    )

    def measured(entry: FileEntry) -> bool:
        return entry.role is Role.SOURCE and entry.language in programming

    outcome = content_facts(
        job,
        matcher,
        inventory,
        manifest_texts,
        settings.jobs,
        progress.advance if progress is not None else None,
        cache,
        measured,
        progress.start if progress is not None else None,
    )
    if progress is not None:
        progress.finish()
    read = outcome.read + sum(len(t) for t in manifest_texts.values())
    effort = summarize(sorted(outcome.metrics, key=lambda m: m.path)) if settings.effort else None
    return Collected(
        facts=tuple(exclude_test_only([*facts, *outcome.facts], test_weight)), bytes_read=read, effort=effort
    )
