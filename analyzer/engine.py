"""The pipeline of DESIGN §2, end to end, one call per stage: target → inventory → manifests → facts → judgement.

``analyze`` is the one entry point the check, diff and batch commands call. It never prints and never exits;
progress goes through the narrow ``Observer`` hooks. Content matching runs in worker processes when there is
enough to read to make that worth it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Protocol

from analyzer import __version__, facts, manifests
from analyzer.facts.content import ContentCache
from analyzer.inventory.scan import scan
from analyzer.inventory.units import find_units
from analyzer.inventory.workspaces import link_workspaces
from analyzer.judgement.report import build_report
from analyzer.knowledge import Knowledge
from analyzer.model import Report, Team
from analyzer.target.git import history_summary
from analyzer.target.worktree import Tree, WorkTree


@dataclass(frozen=True)
class Options:
    """Run options that are not knowledge."""

    max_file_size: int = 1 << 20
    """Bytes read at most from one file."""
    jobs: int = 0
    """Worker processes for content matching; 0 = one per core, 1 = none."""
    effort: bool = False
    """Measure size and complexity for the porting-effort figures (costs a parse of every Python file)."""
    team: tuple[tuple[str, str], ...] = ()
    """The team's experience per language: (go|rust, none|some|expert) pairs."""
    history: bool = False
    """Read the bounded git history (HISTORY_COMMITS newest commits since HISTORY_SINCE) for who writes Go or Rust."""


HISTORY_COMMITS = 500
HISTORY_SINCE = "2 years ago"


def team_of(tree: Tree, options: Options) -> Team:
    """The team profile given, with the authors of the bounded history when asked and the tree is a repository."""
    given = dict(options.team)
    team = Team(go=given.get("go"), rust=given.get("rust"))
    if not options.history or not isinstance(tree, WorkTree):
        return team
    summary = history_summary(Path(tree.root), HISTORY_COMMITS, HISTORY_SINCE, whole_repository=True)
    if summary is None:
        return team
    groups = dict(summary.authors_by_language)
    return replace(
        team,
        commits=summary.commits,
        authors=summary.authors,
        go_authors=groups.get("go", 0),
        rust_authors=groups.get("rust", 0),
    )


class Observer(Protocol):
    """Progress hooks; the CLI passes a rich progress bar, tests pass nothing."""

    def start(self, total: int) -> None: ...

    def advance(self, count: int) -> None: ...

    def finish(self) -> None: ...


def analyze(
    tree: Tree,
    knowledge: Knowledge,
    options: Options = Options(),
    observer: Observer | None = None,
    revision: str | None = None,
    clock: Callable[[], float] = time.perf_counter,
    cache: ContentCache | None = None,
) -> Report:
    """Analyze one tree and return its report; ``cache`` carries content hits between analyses of one run."""
    started = clock()
    inventory = scan(tree, knowledge.languages, knowledge.paths)
    read = manifests.read_all(tree, inventory, options.max_file_size)
    inventory = replace(inventory, components=link_workspaces(inventory.components, list(read.results)))
    settings = facts.Settings(max_file_size=options.max_file_size, jobs=options.jobs, effort=options.effort)
    found = facts.collect(tree, inventory, read.results, read.texts, knowledge, settings, observer, cache)
    inventory, unit_facts = find_units(
        inventory, found.facts, lambda name: knowledge.languages.kind(name) == "programming"
    )
    return build_report(
        tree_root=tree.root,
        revision=revision,
        version=__version__,
        inventory=inventory,
        facts=list(unit_facts),
        diagnostics=[*inventory.diagnostics, *read.diagnostics],
        knowledge_criteria=knowledge.criteria,
        domains=knowledge.domains,
        team=team_of(tree, options),
        rules={r.id: r for r in knowledge.rules.rules},
        languages=knowledge.languages,
        bytes_read=found.bytes_read,
        seconds=clock() - started,
        effort=found.effort,
    )
