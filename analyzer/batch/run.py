"""The portfolio batch (DESIGN §10): many repositories, each analyzed once per commit, results kept in the store.

``run_batch`` probes every source from git's own files (no process, nothing that can block), reuses what the
store already holds at the same key (source, commit, tool version, configuration), hands the rest as ``Task``
records to a runner, and writes each outcome to the store the moment it arrives, so a killed batch resumes
where it stopped. A source whose commit only git can tell is probed by its worker, under the per-repository
timeout, with the commits already stored so that it can still be reused. ``run_task`` is the one per-repository
function; the local runner (``analyzer.batch.workers``) runs it in worker processes with a hard kill on timeout,
and ``--scheduler`` sends the same tasks to a Dask cluster through ``run_isolated``. A repository that fails
for any reason is a ``failed`` row with its error; the batch goes on. Nothing here prints.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from analyzer import __version__
from analyzer.batch.folder import content_key
from analyzer.batch.sources import Source, quick_probe
from analyzer.batch.store import RunKey, Store, StoredRun
from analyzer.batch.tasks import BatchOptions, Outcome, Settings, Status, Task


@dataclass(frozen=True)
class Row:
    """One repository of a batch's result: this run's status and the stored row behind it."""

    status: Status
    run: StoredRun
    history: tuple[StoredRun, ...] = ()
    """Every stored row of the source, oldest first (its trend), filled when more than one exists."""


class BatchObserver(Protocol):
    """Progress hooks; the CLI passes a progress bar."""

    def start(self, total: int) -> None: ...

    def row(self, row: Row) -> None: ...


Runner = Callable[[Sequence[Task], BatchOptions], Iterator[Outcome]]


def _runner(options: BatchOptions) -> Runner:
    if options.scheduler is not None or "dask_client" in options.hooks:
        from analyzer.batch.workers import run_dask  # loads the optional Dask extra only when asked for

        return run_dask
    from analyzer.batch.workers import run_local

    return run_local


def _plan(
    sources: Iterable[Source],
    settings: Settings,
    config: str,
    store: Store,
    options: BatchOptions,
    emit: Callable[[Row], None],
    planned: dict[str, str],
) -> list[Task]:
    """Rows for what needs no worker (reused, unreadable), and the tasks for the rest.

    A source the probe cannot read (missing, not a folder, a broken repository) is probed again on every run and
    stored as a fresh failure, never reused: the path may be back. A plain folder is keyed by its content
    (``folder.content_key``); ``planned`` receives the key each task's outcome is stored under.
    """
    tool = __version__
    tasks: list[Task] = []
    for source in sources:
        found = quick_probe(source)
        if found is None:  # a URL, or a repository whose HEAD only git can read: the worker probes it
            known: frozenset[str] = frozenset()
            if not options.force:
                known = store.revisions(source.spec, tool, config, failed_too=not options.retry_failed)
            planned[source.spec] = ""
            tasks.append(Task(source, settings, None, known))
            continue
        if found.error is not None:
            key = RunKey(source.spec, "", tool, config)
            emit(Row(Status.FAILED, store.save(key, report=None, error=found.error, seconds=0.0)))
            continue
        revision = found.commit
        if revision is None and not found.versioned:
            revision = content_key(Path(source.location))
        stored = None
        if not options.force and revision is not None:
            stored = store.get(RunKey(source.spec, revision, tool, config))
        if stored is not None and (stored.status == "ok" or not options.retry_failed):
            emit(Row(Status.REUSED, stored))
            continue
        planned[source.spec] = revision or ""
        tasks.append(Task(source, settings, found.commit))
    return tasks


def run_batch(
    sources: Sequence[Source],
    settings: Settings,
    store: Store,
    options: BatchOptions | None = None,
    observer: BatchObserver | None = None,
    runner: Runner | None = None,
) -> list[Row]:
    """Analyze (or reuse) every source, storing each result as it comes; rows in the order of ``sources``."""
    options = options if options is not None else BatchOptions()
    tool, config = __version__, settings.fingerprint()
    rows: dict[str, Row] = {}
    if observer is not None:
        observer.start(len(sources))

    def emit(row: Row) -> None:
        rows[row.run.key.source] = row
        if observer is not None:
            observer.row(row)

    planned: dict[str, str] = {}
    tasks = _plan(sources, settings, config, store, options, emit, planned)
    if tasks:
        # Unknown criteria or rule ids fail here, once, not in every worker; a fully reused run loads no rules.
        settings.knowledge()
    for outcome in (runner or _runner(options))(tasks, options) if tasks else ():
        key = RunKey(outcome.source, outcome.revision or planned.get(outcome.source, ""), tool, config)
        stored = store.get(key) if outcome.status is Status.REUSED else None
        if stored is not None:
            emit(Row(Status.REUSED, stored))
        else:
            saved = store.save(key, report=outcome.report, error=outcome.error, seconds=outcome.seconds)
            emit(Row(Status.OK if outcome.report is not None else Status.FAILED, saved))
    ordered = [rows[s.spec] for s in sources if s.spec in rows]
    several = store.sources_with_history()
    return [with_history(row, store) if row.run.key.source in several else row for row in ordered]


def with_history(row: Row, store: Store) -> Row:
    """The row with its source's stored history when there is more than this one run."""
    history = tuple(store.history(row.run.key.source))
    return Row(row.status, row.run, history if len(history) > 1 else ())
