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
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

from analyzer.matching import Matcher
from analyzer.model import Fact, FactKind, FileEntry, Inventory, Role
from analyzer.rules import RuleSet
from analyzer.tree import Tree

PARALLEL_BYTES = 16 << 20
"""Below this many bytes to match, worker processes cost more than they save."""
BATCH_BYTES = 4 << 20
"""Bytes of files handed to a worker at a time."""

Key = tuple[str, str | None, bytes]
"""(path, language, digest of the content): what a file's hits depend on."""
Hits = tuple[tuple[str, int, str], ...]
"""(rule id, line, snippet) of each hit in a file."""


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


def _key(entry: FileEntry, data: bytes) -> Key:
    return entry.path, entry.language, hashlib.blake2b(data, digest_size=16).digest()


def match_batch(
    job: Job, matcher: Matcher, batch: Sequence[FileEntry], texts: Mapping[str, str]
) -> tuple[list[Fact], int, dict[Key, Hits], int]:
    """Facts of a batch, bytes read, newly computed hits, and how many files reused known hits.

    ``texts`` holds files already read (manifests), so that no file is read twice.
    """
    facts: list[Fact] = []
    read = reused = 0
    fresh: dict[Key, Hits] = {}
    for entry in batch:
        text = texts.get(entry.path)
        if text is None:
            data = job.tree.read(entry.path, job.limit)
            if data is None or b"\0" in data[:8192]:
                continue
            read += len(data)
        else:
            data = text.encode("utf-8")
        key = _key(entry, data)
        hits = job.known.get(key)
        if hits is None:
            decoded = text if text is not None else data.decode("utf-8", errors="replace")
            found = matcher.match_content(entry.path, entry.language, decoded)
            hits = tuple((h.rule.id, h.line, h.snippet) for h in found)
            fresh[key] = hits
        else:
            reused += 1
        weight = job.test_weight if entry.role is Role.TEST else 1.0
        for rule_id, line, snippet in hits:
            rule = matcher.rule(rule_id)
            facts.append(Fact(rule_id, rule.category, rule.marker, FactKind.CONTENT, entry.path, line, snippet,
                              entry.component, weight))
    return facts, read, fresh, reused


_WORKER: tuple[Job, Matcher] | None = None


def _init_worker(job: Job) -> None:
    global _WORKER
    _WORKER = (job, Matcher(job.rules))


def _worker_batch(batch: Sequence[FileEntry]) -> tuple[list[Fact], int, dict[Key, Hits], int]:
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


def content_facts(
    job: Job, matcher: Matcher, inventory: Inventory, texts: Mapping[str, str], jobs: int,
    progress: Callable[[int], None] | None = None, cache: ContentCache | None = None,
) -> tuple[list[Fact], int]:
    """Content facts of every counted file some pattern applies to, and the bytes read for them."""
    wanted = [e for e in inventory.files if e.role.counts and matcher.wants_content(e.path, e.language)]
    in_memory = [e for e in wanted if e.path in texts]
    to_read = [e for e in wanted if e.path not in texts]
    facts, read, fresh, reused = match_batch(job, matcher, in_memory, texts)
    batches = _batches(to_read, BATCH_BYTES)
    workers = jobs or os.cpu_count() or 1
    total = sum(min(e.size, job.limit) for e in to_read)
    if workers > 1 and total >= PARALLEL_BYTES and len(batches) > 1:
        with ProcessPoolExecutor(workers, initializer=_init_worker, initargs=(job,)) as pool:
            results = zip(pool.map(_worker_batch, batches), batches, strict=True)
            for (batch_facts, batch_read, batch_fresh, batch_reused), batch in results:
                facts += batch_facts
                read += batch_read
                fresh.update(batch_fresh)
                reused += batch_reused
                if progress is not None:
                    progress(len(batch))
    else:
        for batch in batches:
            batch_facts, batch_read, batch_fresh, batch_reused = match_batch(job, matcher, batch, {})
            facts += batch_facts
            read += batch_read
            fresh.update(batch_fresh)
            reused += batch_reused
            if progress is not None:
                progress(len(batch))
    if cache is not None:
        cache.hits.update(fresh)
        cache.reused = reused
    return facts, read
