"""The pipeline of DESIGN §2, end to end: tree → inventory → manifests → facts → evidence → scores → Report.

``analyze`` is the one entry point the CLI (and later the batch and diff commands) call. It never prints and
never exits; progress goes through the narrow ``Observer`` hooks. Content matching runs in worker processes
when there is enough to read to make that worth it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Protocol

from analyzer import __version__
from analyzer.facts.content import ContentCache, Job, content_facts
from analyzer.facts.declared import dependency_facts, exclude_test_only, path_facts
from analyzer.facts.effort import summarize
from analyzer.facts.matcher import Matcher
from analyzer.inventory.languages import LanguageTable, load_languages
from analyzer.inventory.scan import PathRules, load_path_rules, scan
from analyzer.inventory.workspaces import link_workspaces
from analyzer.judgement.report import build_report
from analyzer.knowledge.criteria import Criteria, load_criteria
from analyzer.knowledge.rules import RuleSet, load_rules
from analyzer.manifests import is_manifest, parse_manifest
from analyzer.model import Component, Diagnostic, FileEntry, Inventory, ManifestResult, Report, Role
from analyzer.target.worktree import Tree


@dataclass(frozen=True)
class Knowledge:
    """Everything loaded from heuristics/: built once per run and passed down."""

    criteria: Criteria
    rules: RuleSet
    languages: LanguageTable
    paths: PathRules


@dataclass(frozen=True)
class Options:
    """Run options that are not knowledge."""

    max_file_size: int = 1 << 20
    """Bytes read at most from one file."""
    jobs: int = 0
    """Worker processes for content matching; 0 = one per core, 1 = none."""
    effort: bool = False
    """Measure size and complexity for the porting-effort figures (costs a parse of every Python file)."""


class Observer(Protocol):
    """Progress hooks; the CLI passes a rich progress bar, tests pass nothing."""

    def start(self, total: int) -> None: ...

    def advance(self, count: int) -> None: ...

    def finish(self) -> None: ...


def load_knowledge(
    weights: dict[str, float] | None = None,
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    extra_packs: Iterable[tuple[str, str]] = (),
) -> Knowledge:
    """Load criteria, rules, languages and path roles; apply the user's weights and rule selection."""
    criteria = load_criteria()
    if weights:
        criteria = criteria.with_weights(weights)
    rules = load_rules(criteria, extra_packs).select(select, ignore)
    return Knowledge(criteria, rules, load_languages(), load_path_rules())


class _TreeContext:
    """ParseContext over a tree, for manifests that include other files."""

    def __init__(self, tree: Tree, limit: int) -> None:
        self._tree = tree
        self._limit = limit

    def read_text(self, path: str) -> str | None:
        data = self._tree.read(path, self._limit)
        if data is None or b"\0" in data[:8192]:
            return None
        return data.decode("utf-8", errors="replace")


def _read_manifests(
    tree: Tree, inventory: Inventory, limit: int
) -> tuple[list[tuple[FileEntry, ManifestResult]], dict[str, str], list[Diagnostic]]:
    ctx = _TreeContext(tree, limit)
    results = []
    texts: dict[str, str] = {}
    diagnostics = []
    for entry in inventory.files:
        if not entry.role.counts or not is_manifest(entry.path):
            continue
        text = ctx.read_text(entry.path)
        if text is None:
            message = "manifest could not be read or is binary; skipped"
            diagnostics.append(Diagnostic(entry.path, message, stage="manifests"))
            continue
        texts[entry.path] = text
        results.append((entry, parse_manifest(entry.path, text, ctx)))
    return results, texts, diagnostics


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
    manifests, manifest_texts, diagnostics = _read_manifests(tree, inventory, options.max_file_size)
    components: tuple[Component, ...] = link_workspaces(inventory.components, manifests)
    inventory = replace(inventory, components=components)
    matcher = Matcher(knowledge.rules)
    facts = dependency_facts(manifests, matcher, knowledge.criteria, inventory)
    facts += path_facts(inventory, matcher, knowledge.criteria)
    test_weight = knowledge.criteria.multipliers.get("test-file", 1.0)
    programming = frozenset(
        e.language for e in inventory.files
        if options.effort and e.language is not None and knowledge.languages.kind(e.language) == "programming"
    )
    job = Job(tree, knowledge.rules, options.max_file_size, test_weight, dict(cache.hits) if cache else {},
              programming)

    def measured(entry: FileEntry) -> bool:
        return entry.role is Role.SOURCE and entry.language in programming

    outcome = content_facts(job, matcher, inventory, manifest_texts, options.jobs,
                            observer.advance if observer is not None else None, cache, measured,
                            observer.start if observer is not None else None)
    if observer is not None:
        observer.finish()
    content, read = outcome.facts, outcome.read
    facts = exclude_test_only([*facts, *content], test_weight)
    diagnostics = [*inventory.diagnostics, *diagnostics]
    for _, result in manifests:
        diagnostics.extend(result.diagnostics)
    read += sum(len(t) for t in manifest_texts.values())
    effort = summarize(sorted(outcome.metrics, key=lambda m: m.path)) if options.effort else None
    return build_report(
        tree_root=tree.root,
        revision=revision,
        version=__version__,
        inventory=inventory,
        facts=facts,
        diagnostics=diagnostics,
        knowledge_criteria=knowledge.criteria,
        rules={r.id: r for r in knowledge.rules.rules},
        languages=knowledge.languages,
        bytes_read=read,
        seconds=clock() - started,
        effort=effort,
    )
