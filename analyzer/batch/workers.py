"""Where batch tasks run: local worker processes killed hard on timeout, or the workers of a Dask cluster.

``run_local`` keeps ``--jobs`` long-lived worker processes, never more than there are tasks (each imports the
analysis and loads the rules once), and hands each one task at a time over a pipe, the next one as soon as an
outcome arrives, before the coordinator stores it. A worker that overruns ``--timeout`` is killed with its whole
process group (the git processes it started go too) and replaced; one that dies is replaced as well; either way the
repository becomes a failed outcome and the batch goes on. Workers watch their parent and exit when it is gone, so a
killed batch leaves nothing behind. ``run_dask`` submits ``batch.run_isolated`` for each task to a Dask
``Client``: the cluster schedules, the outcomes come back here, where the coordinator stores them.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import threading
import time
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from multiprocessing.context import SpawnContext, SpawnProcess
from typing import TYPE_CHECKING

from analyzer.batch.tasks import BatchOptions, Outcome, Settings, Status, Task, preload, run_isolated, run_task
from analyzer.children import safe_child_path
from analyzer.errors import AnalyzerError

if TYPE_CHECKING:
    from analyzer.knowledge import Knowledge

PARENT_CHECK = 1.0
"""Seconds between a worker's checks that the batch that started it is still alive."""
READY = "ready"
STOP_WAIT = 2.0
"""Seconds the workers have, together, to exit when the batch is done before they are killed."""
MAX_START_FAILURES = 3
"""Workers that may die before they are ready, per job, before the batch gives up on local workers."""


class WorkerStartError(AnalyzerError):
    """Worker processes die before they can take a task (out of memory, broken installation)."""


def _watch_parent(parent: int) -> None:
    while True:
        time.sleep(PARENT_CHECK)
        if os.getppid() != parent:
            os._exit(1)  # the batch is gone: nobody will read what this worker would send


def _serve(conn: Connection, parent: int, settings: Settings) -> None:
    """A worker's loop: import the analysis, load the rules, say so, then receive a task and send its outcome
    until told to stop."""
    os.setpgrp()  # its own group, so a timeout kills the git processes it started too
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the coordinator's to handle
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    loaded: dict[Settings, Knowledge] = {}
    with contextlib.suppress(Exception):  # run_task imports and loads again and reports the error in the row
        preload()
        loaded[settings] = settings.knowledge()
    conn.send(READY)  # the timeout of a task counts from here: starting a worker is not the repository's fault
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            # Every outcome has been sent and read: skip the interpreter's teardown (freeing the rules and every
            # module costs about 0.1 s per worker, and the batch would wait for it).
            conn.close()
            os._exit(0)
        if task.settings not in loaded:
            with contextlib.suppress(Exception):  # run_task loads again and reports the error in the row
                loaded[task.settings] = task.settings.knowledge()
        conn.send(run_task(task, loaded.get(task.settings)))


@dataclass
class _Slot:
    """One worker process and the task it is busy with (mutable: the pool's own bookkeeping)."""

    process: SpawnProcess
    conn: Connection
    task: Task | None = None
    deadline: float = 0.0
    ready: bool = False


def _start(ctx: SpawnContext, settings: Settings) -> _Slot:
    ours, theirs = ctx.Pipe()
    process = ctx.Process(target=_serve, args=(theirs, os.getpid(), settings), daemon=True, name="rustgo-batch-worker")
    with safe_child_path():  # spawn runs `python -c`: never from the current folder
        process.start()
    theirs.close()
    return _Slot(process, ours)


def _kill(slot: _Slot) -> None:
    pid = slot.process.pid
    if pid is not None:  # never 0: killpg(0) would be the batch's own group
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pid, signal.SIGKILL)
    slot.process.kill()  # in case it had not made its own group yet
    slot.process.join(5)
    slot.conn.close()


def _stop(slots: Sequence[_Slot]) -> None:
    """Tell every worker to exit, then reap them: they end side by side, not one after another."""
    for slot in slots:
        with contextlib.suppress(OSError):
            slot.conn.send(None)
    give_up = time.monotonic() + STOP_WAIT
    for slot in slots:
        slot.process.join(max(0.0, give_up - time.monotonic()))
        if slot.process.is_alive():
            _kill(slot)
        slot.conn.close()


def _failed(task: Task, error: str, deadline: float, timeout: float) -> Outcome:
    seconds = time.monotonic() - (deadline - timeout) if deadline else 0.0
    return Outcome(task.source.spec, Status.FAILED, task.commit, error=error, seconds=seconds)


def _collect(slot: _Slot, ready: Sequence[object], timeout: float) -> tuple[Outcome | None, bool]:
    """The outcome a busy slot has, if any, and whether its worker must be replaced."""
    task = slot.task
    assert task is not None
    if slot.conn in ready:
        try:
            outcome = slot.conn.recv()
        except (EOFError, OSError):
            code = slot.process.exitcode
            return _failed(task, f"worker process died (exit code {code})", slot.deadline, timeout), True
        assert isinstance(outcome, Outcome)
        return outcome, False
    if slot.process.sentinel in ready:
        code = slot.process.exitcode
        return _failed(task, f"worker process died (exit code {code})", slot.deadline, timeout), True
    if time.monotonic() >= slot.deadline:
        return _failed(task, f"timed out after {timeout:g} s", slot.deadline, timeout), True
    return None, False


def _dispatch(slots: list[_Slot], pending: deque[Task], timeout: float) -> None:
    """Give each ready, idle worker a task; a worker that cannot take it goes back to being watched."""
    for slot in slots:
        if slot.ready and slot.task is None and pending:
            task = pending.popleft()
            try:
                slot.conn.send(task)
            except OSError:
                pending.appendleft(task)  # not this repository's fault: the next worker takes it
                slot.ready = False
                continue
            slot.task = task
            slot.deadline = time.monotonic() + timeout


def _started(slot: _Slot, ready: Sequence[object]) -> bool | None:
    """For a worker still starting: True once it is ready, False if it died, None while it is loading."""
    if slot.conn in ready:
        try:
            slot.ready = slot.conn.recv() == READY
        except (EOFError, OSError):
            return False
        return slot.ready
    return False if slot.process.sentinel in ready else None


def run_local(tasks: Sequence[Task], options: BatchOptions) -> Iterator[Outcome]:
    """Run the tasks on ``options.jobs`` local worker processes; outcomes in the order they finish."""
    ctx = multiprocessing.get_context("spawn")  # a fork would copy the progress bar's thread and locks
    pending = deque(tasks)
    settings = tasks[0].settings if tasks else Settings()
    slots = [_start(ctx, settings) for _ in range(min(max(options.jobs, 1), len(pending)))]
    start_failures = 0
    try:
        while pending or any(slot.task is not None for slot in slots):
            _dispatch(slots, pending, options.timeout)
            watched = [slot for slot in slots if slot.task is not None or not slot.ready]
            deadlines = [slot.deadline for slot in slots if slot.task is not None]
            left = max(0.0, min(deadlines) - time.monotonic()) if deadlines else None
            ready = list(wait([s.conn for s in watched] + [s.process.sentinel for s in watched], timeout=left))
            finished: list[Outcome] = []
            for index, slot in enumerate(slots):
                replace = False
                if not slot.ready:
                    replace = _started(slot, ready) is False
                    start_failures += replace
                    if start_failures > MAX_START_FAILURES * len(slots):
                        raise WorkerStartError("batch worker processes keep dying before they start; see stderr")
                elif slot.task is not None:
                    outcome, replace = _collect(slot, ready, options.timeout)
                    if outcome is not None:
                        slot.task = None
                        finished.append(outcome)
                if replace:
                    _kill(slot)
                    slots[index] = _start(ctx, settings)
            # The next tasks go out before the outcomes are handed on: the workers analyze while the caller
            # stores what they sent, instead of waiting for it.
            _dispatch(slots, pending, options.timeout)
            yield from finished
    finally:
        _stop(slots)


def run_dask(tasks: Sequence[Task], options: BatchOptions) -> Iterator[Outcome]:
    """Submit every task to the Dask scheduler at ``options.scheduler``; outcomes in the order they finish."""
    from distributed import Client, as_completed  # the optional extra "batch": imported only when asked for

    client = options.hooks.get("dask_client") or Client(options.scheduler)  # type: ignore[no-untyped-call]
    try:
        futures = [client.submit(run_isolated, task, options.timeout, pure=False) for task in tasks]
        by_key = {future.key: task for future, task in zip(futures, tasks, strict=True)}
        for future in as_completed(futures):  # type: ignore[no-untyped-call]
            task = by_key[future.key]
            try:
                outcome = future.result()
            except Exception as exc:
                outcome = Outcome(task.source.spec, Status.FAILED, task.commit, error=f"dask task failed: {exc}")
            yield outcome
    finally:
        if client is not options.hooks.get("dask_client"):
            client.close()
