"""The pipeline of DESIGN §2, end to end: tree → inventory → manifests → facts → evidence → scores → Report.

``analyze`` is the one entry point the CLI (and later the batch and diff commands) call. It never prints and
never exits; progress goes through the narrow ``Observer`` hooks. Content matching runs in worker processes
when there is enough to read to make that worth it.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from typing import Protocol

from analyzer import __version__
from analyzer.assembly import build_report
from analyzer.facts import dependency_facts, path_facts
from analyzer.inventory import PathRules, load_path_rules, scan
from analyzer.knowledge import Criteria, load_criteria
from analyzer.languages import LanguageTable, load_languages
from analyzer.manifests import is_manifest, parse_manifest
from analyzer.matching import Matcher
from analyzer.model import Component, Diagnostic, Fact, FactKind, FileEntry, Inventory, ManifestResult, Report, Role
from analyzer.rules import RuleSet, load_rules
from analyzer.tree import Tree
from analyzer.workspaces import link_workspaces

PARALLEL_BYTES = 16 << 20
"""Below this many bytes to match, worker processes cost more than they save."""
BATCH_BYTES = 4 << 20
"""Bytes of files handed to a worker at a time."""


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
            diagnostics.append(Diagnostic(entry.path, "manifest could not be read or is binary; skipped", stage="manifests"))
            continue
        texts[entry.path] = text
        results.append((entry, parse_manifest(entry.path, text, ctx)))
    return results, texts, diagnostics


# -- content matching, sequential or in worker processes ---------------------------------------------

_WORKER: tuple[Tree, Matcher, int, float] | None = None


def _init_worker(tree: Tree, rules: RuleSet, limit: int, test_weight: float) -> None:
    global _WORKER  # noqa: PLW0603 - per-process state of a worker pool, built once per worker
    _WORKER = (tree, Matcher(rules), limit, test_weight)


def _match_files(
    tree: Tree, matcher: Matcher, limit: int, test_weight: float, batch: Sequence[FileEntry],
    cache: Mapping[str, str] | None = None,
) -> tuple[list[Fact], int]:
    """Content facts of a batch of files; ``cache`` holds texts already read (manifests), read only once."""
    facts: list[Fact] = []
    read = 0
    for entry in batch:
        text = cache.get(entry.path) if cache else None
        if text is None:
            data = tree.read(entry.path, limit)
            if data is None or b"\0" in data[:8192]:
                continue
            read += len(data)
            text = data.decode("utf-8", errors="replace")
        multiplier = test_weight if entry.role is Role.TEST else 1.0
        facts.extend(
            Fact(
                rule=hit.rule.id,
                category=hit.rule.category,
                marker=hit.rule.marker,
                kind=FactKind.CONTENT,
                path=entry.path,
                line=hit.line,
                snippet=hit.snippet,
                component=entry.component,
                weight=multiplier,
            )
            for hit in matcher.match_content(entry.path, entry.language, text)
        )
    return facts, read


def _worker_match(batch: Sequence[FileEntry]) -> tuple[list[Fact], int]:
    assert _WORKER is not None
    return _match_files(*_WORKER, batch)


def _batches(entries: Sequence[FileEntry], size: int) -> list[list[FileEntry]]:
    batches: list[list[FileEntry]] = [[]]
    total = 0
    for entry in entries:
        if total >= size and batches[-1]:
            batches.append([])
            total = 0
        batches[-1].append(entry)
        total += entry.size
    return [b for b in batches if b]


def _content_facts(
    tree: Tree, knowledge: Knowledge, matcher: Matcher, inventory: Inventory, options: Options,
    observer: Observer | None, cache: Mapping[str, str],
) -> tuple[list[Fact], int]:
    wanted = [e for e in inventory.files if e.role.counts and matcher.wants_content(e.path, e.language)]
    cached = [e for e in wanted if e.path in cache]
    wanted = [e for e in wanted if e.path not in cache]
    total_bytes = sum(min(e.size, options.max_file_size) for e in wanted)
    jobs = options.jobs or os.cpu_count() or 1
    if observer is not None:
        observer.start(len(wanted) + len(cached))
    test_weight = knowledge.criteria.multipliers.get("test-file", 1.0)
    facts, read = _match_files(tree, matcher, options.max_file_size, test_weight, cached, cache)
    batches = _batches(wanted, BATCH_BYTES)
    if jobs > 1 and total_bytes >= PARALLEL_BYTES and len(batches) > 1:
        with ProcessPoolExecutor(jobs, initializer=_init_worker, initargs=(tree, knowledge.rules, options.max_file_size, test_weight)) as pool:
            for (batch_facts, batch_read), batch in zip(pool.map(_worker_match, batches), batches, strict=True):
                facts += batch_facts
                read += batch_read
                if observer is not None:
                    observer.advance(len(batch))
    else:
        for batch in batches:
            batch_facts, batch_read = _match_files(tree, matcher, options.max_file_size, test_weight, batch)
            facts += batch_facts
            read += batch_read
            if observer is not None:
                observer.advance(len(batch))
    if observer is not None:
        observer.finish()
    return facts, read


def analyze(
    tree: Tree,
    knowledge: Knowledge,
    options: Options = Options(),
    observer: Observer | None = None,
    revision: str | None = None,
    clock: Callable[[], float] = time.perf_counter,
) -> Report:
    """Analyze one tree and return its report."""
    started = clock()
    inventory = scan(tree, knowledge.languages, knowledge.paths)
    manifests, manifest_texts, diagnostics = _read_manifests(tree, inventory, options.max_file_size)
    components: tuple[Component, ...] = link_workspaces(inventory.components, manifests)
    inventory = replace(inventory, components=components)
    matcher = Matcher(knowledge.rules)
    facts = dependency_facts(manifests, matcher, knowledge.criteria, inventory)
    facts += path_facts(inventory, matcher, knowledge.criteria)
    content, read = _content_facts(tree, knowledge, matcher, inventory, options, observer, manifest_texts)
    facts += content
    diagnostics = [*inventory.diagnostics, *diagnostics]
    for _, result in manifests:
        diagnostics.extend(result.diagnostics)
    read += sum(len(t) for t in manifest_texts.values())
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
    )
