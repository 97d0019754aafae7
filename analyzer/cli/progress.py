"""Progress bars on stderr: one for a long scan, shown only once it has taken about a second, one for a batch.

``DelayedProgress`` implements the engine's ``Observer`` hooks and ``BatchProgress`` the batch's, so the core never
imports rich. Nothing is drawn when stderr is not a terminal, so machine output and CI logs stay clean. The scan's
bar imports rich only when it is about to appear: a run that ends within the delay never loads it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from types import TracebackType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress, TaskID

DELAY = 1.0
"""Seconds of work before the bar appears."""


class DelayedProgress:
    """Observer that draws a rich progress bar after ``DELAY`` seconds."""

    def __init__(self, console: Callable[[], Console], clock: Callable[[], float] = time.monotonic) -> None:
        self._make_console = console
        self._console: Console | None = None
        self._clock = clock
        self._started = 0.0
        self._total = 0
        self._done = 0
        self._progress: Progress | None = None
        self._task: TaskID | None = None

    def start(self, total: int) -> None:
        self._started = self._clock()
        self._total = total
        self._done = 0

    def advance(self, count: int) -> None:
        self._done += count
        if self._progress is None and self._console is None and self._clock() - self._started >= DELAY:
            self._console = self._make_console()
            if self._console.is_terminal:
                self._progress = self._bar(self._console)
                self._progress.start()
                self._task = self._progress.add_task("files", total=self._total)
        if self._progress is not None and self._task is not None:
            self._progress.update(self._task, completed=self._done)

    @staticmethod
    def _bar(console: Console) -> Progress:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        return Progress(
            TextColumn("matching"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=console,
            transient=True,
        )

    def finish(self) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None


class BatchProgress:
    """Batch observer drawing a rich bar with counts and time left on stderr, when stderr is a terminal."""

    def __init__(self, console: Console) -> None:
        self._console = console
        self._bar: Progress | None = None
        self._task: TaskID | None = None
        self._counts = {"ok": 0, "reused": 0, "failed": 0}

    def start(self, total: int) -> None:
        if not self._console.is_terminal:
            return
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        self._bar = Progress(
            TextColumn("batch"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.description}"),
            TimeRemainingColumn(),
            console=self._console,
            transient=True,
        )
        self._bar.start()
        self._task = self._bar.add_task("", total=total)

    def row(self, row: Any) -> None:
        self._counts["failed" if row.run.status == "failed" else row.status.value] += 1
        if self._bar is not None and self._task is not None:
            text = " · ".join(f"{name} {count}" for name, count in self._counts.items())
            self._bar.update(self._task, advance=1, description=text)

    def __enter__(self) -> BatchProgress:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None) -> None:
        if self._bar is not None:
            self._bar.stop()
