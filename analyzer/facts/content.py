"""Content facts: every counted file that some pattern applies to is read once and matched, in this process
or in worker processes when there is enough to read.

A ``ContentCache`` keeps the hits of each (path, language, content digest) so that a second analysis of the
same repository — the other side of ``analyze diff`` — matches only the files whose bytes changed. Hits are
cached without role or component, which are applied afresh from each side's inventory.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from analyzer.children import safe_child_path
from analyzer.facts.effort import FileMetrics, measure
from analyzer.facts.matcher import Matcher
from analyzer.inventory.languages import WIDE_BOMS
from analyzer.knowledge.rules import RuleSet
from analyzer.manifests._read.decode import decode
from analyzer.model import Fact, FactKind, FileEntry, Inventory, Role
from analyzer.target.worktree import Tree

POOL_START: str | None = None
"""Start method of the worker pool; None is the platform's own (fork on Linux before Python 3.14, else spawn or
forkserver, which start ``python -c``: hence ``safe_child_path``)."""
PARALLEL_BYTES = 6 << 20
"""Bytes to match from which a second process pays (bench/README.md, "Parallelism"): matching runs at about 35 MB/s
per core, and a worker costs about 60 ms to start, so below some 4 MB the pool costs more than half the work."""
BATCH_BYTES = 1 << 20
"""Bytes of files in one batch: small enough that the processes finish together, large enough that sending a
batch and its hits costs little beside matching it."""

Key = tuple[str, str | None, bytes]
"""(path, language, digest of the content): what a file's hits depend on."""
Hits = tuple[tuple[str, int, str], ...]
"""(rule id, line, snippet) of each hit in a file."""


def _utf8(data: bytes | None) -> bytes | None:
    """A file's bytes as UTF-8, None when binary: a UTF-16/32 source (by its BOM) is transcoded, since its NUL
    bytes would otherwise make it binary and its rules would never see it."""
    if data is not None and data.startswith(WIDE_BOMS):
        text = decode(data)
        return None if text is None else text.encode("utf-8")
    return None if data is None or b"\0" in data[:8192] else data


@dataclass
class ContentCache:
    """Hits per file content, shared by the analyses of one run (e.g. both sides of a diff)."""

    hits: dict[Key, Hits] = field(default_factory=dict)
    reused: int = 0
    """Files whose hits came from the cache in the last analysis that used it."""


@dataclass(frozen=True)
class Job:
    """What a batch of files needs besides the files: picklable, sent once to each worker."""

    tree: Tree
    rules: RuleSet
    limit: int
    test_weight: float
    known: Mapping[Key, Hits]
    effort: frozenset[str] = frozenset()
    """Programming languages whose source files are also measured for the effort figures (the same read)."""


@dataclass
class Outcome:
    """What matching a set of files gave."""

    facts: list[Fact] = field(default_factory=list)
    read: int = 0
    fresh: dict[Key, Hits] = field(default_factory=dict)
    reused: int = 0
    metrics: list[FileMetrics] = field(default_factory=list)

    def add(self, other: Outcome) -> None:
        self.facts += other.facts
        self.read += other.read
        self.fresh.update(other.fresh)
        self.reused += other.reused
        self.metrics += other.metrics


def _key(entry: FileEntry, data: bytes) -> Key:
    return entry.path, entry.language, hashlib.blake2b(data, digest_size=16).digest()


def match_batch(job: Job, matcher: Matcher, batch: Sequence[FileEntry], texts: Mapping[str, str]) -> Outcome:
    """Facts of a batch, with bytes read, newly computed hits, reuse count and effort metrics.

    ``texts`` holds files already read (manifests), so that no file is read twice.
    """
    out = Outcome()
    for entry in batch:
        text = texts.get(entry.path)
        if text is None:
            data = _utf8(job.tree.read(entry.path, job.limit))
            if data is None:
                continue
            out.read += len(data)
        else:
            data = text.encode("utf-8")
        decoded = text
        if entry.role is Role.SOURCE and entry.language in job.effort:
            decoded = data.decode("utf-8", errors="replace") if decoded is None else decoded
            out.metrics.append(measure(entry.path, entry.language, decoded))
        if not matcher.wants_content(entry.path, entry.language):
            continue  # read only for the effort figures
        key = _key(entry, data)
        hits = job.known.get(key)
        if hits is None:
            decoded = data.decode("utf-8", errors="replace") if decoded is None else decoded
            found = matcher.match_content(entry.path, entry.language, decoded)
            hits = tuple((h.rule.id, h.line, h.snippet) for h in found)
            out.fresh[key] = hits
        else:
            out.reused += 1
        weight = job.test_weight if entry.role is Role.TEST else 1.0
        for rule_id, line, snippet in hits:
            rule = matcher.rule(rule_id)
            out.facts.append(
                Fact(
                    rule=rule_id,
                    category=rule.category,
                    marker=rule.marker,
                    kind=FactKind.CONTENT,
                    path=entry.path,
                    line=line,
                    snippet=snippet,
                    component=entry.component,
                    weight=weight,
                )
            )
    return out


_WORKER: tuple[Job, Matcher] | None = None


def _init_worker(job: Job) -> None:
    global _WORKER
    _WORKER = (job, Matcher(job.rules))


def _worker_batch(batch: Sequence[FileEntry]) -> Outcome:
    assert _WORKER is not None
    job, matcher = _WORKER
    return match_batch(job, matcher, batch, {})


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


def _workers(jobs: int) -> int:
    if jobs:
        return jobs
    try:
        return len(os.sched_getaffinity(0))  # the cores this process may run on, not the machine's
    except AttributeError:  # pragma: no cover - platforms without affinity
        return os.cpu_count() or 1


def _in_parallel(
    job: Job, matcher: Matcher, batches: list[list[FileEntry]], workers: int, progress: Callable[[int], None] | None
) -> list[Outcome]:
    """Outcomes of the batches, in order, from ``workers - 1`` processes and this one.

    The pool takes batches from the front; this process takes them from the back until it reaches one a worker
    has started, so no process idles while batches remain and a worker is never waited for needlessly.
    """
    import multiprocessing  # here: a run that stays in-process never loads it
    from concurrent.futures import ProcessPoolExecutor

    outcomes: dict[int, Outcome] = {}
    context = multiprocessing.get_context(POOL_START)
    with (
        safe_child_path(),
        ProcessPoolExecutor(workers - 1, mp_context=context, initializer=_init_worker, initargs=(job,)) as pool,
    ):
        futures = [pool.submit(_worker_batch, batch) for batch in batches]
        for index in reversed(range(len(batches))):
            if not futures[index].cancel():
                break
            outcomes[index] = match_batch(job, matcher, batches[index], {})
            if progress is not None:
                progress(len(batches[index]))
        for index, future in enumerate(futures):
            if index not in outcomes:
                outcomes[index] = future.result()
                if progress is not None:
                    progress(len(batches[index]))
    return [outcomes[index] for index in range(len(batches))]


def content_facts(
    job: Job,
    matcher: Matcher,
    inventory: Inventory,
    texts: Mapping[str, str],
    jobs: int,
    progress: Callable[[int], None] | None = None,
    cache: ContentCache | None = None,
    measured: Callable[[FileEntry], bool] | None = None,
    started: Callable[[int], None] | None = None,
) -> Outcome:
    """Content facts of every counted file some pattern applies to (and every file ``measured`` selects for
    the effort figures), with the bytes read for them. ``started`` learns how many files that is, ``progress``
    how many are done."""
    wanted = [
        e
        for e in inventory.files
        if e.role.counts and (matcher.wants_content(e.path, e.language) or (measured is not None and measured(e)))
    ]
    if started is not None:
        started(len(wanted))
    in_memory = [e for e in wanted if e.path in texts]
    to_read = [e for e in wanted if e.path not in texts]
    out = match_batch(job, matcher, in_memory, texts)
    batches = _batches(to_read, BATCH_BYTES)
    workers = _workers(jobs)
    total = sum(min(e.size, job.limit) for e in to_read)
    if workers > 1 and total >= PARALLEL_BYTES and len(batches) > 1:
        for outcome in _in_parallel(job, matcher, batches, workers, progress):
            out.add(outcome)
    else:
        for batch in batches:
            out.add(match_batch(job, matcher, batch, {}))
            if progress is not None:
                progress(len(batch))
    if cache is not None:
        cache.hits.update(out.fresh)
        cache.reused = out.reused
    return out
