"""One repository of a batch as a task: what a worker needs (``Task``), what it sends back (``Outcome``), and the
one per-repository function ``run_task``, also run in a fresh child process by ``run_isolated`` for Dask workers,
which cannot kill a running task. Every failure, expected or not, comes back as a failed outcome.

The engine and the readers of git objects are imported by ``preload``, which a worker calls before it takes a task,
not by this module: the coordinator uses these records (and a fully reused batch only them), so it never pays for
the analysis code it does not run.
"""

from __future__ import annotations

import enum
import hashlib
import importlib
import json
import os
import pickle
import signal
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from analyzer.batch.sources import Source, SourceKind, materialize, probe
from analyzer.errors import AnalyzerError
from analyzer.target import git as gitinfo

if TYPE_CHECKING:
    from analyzer.knowledge import Knowledge


@dataclass(frozen=True)
class Settings:
    """The configuration every repository of a batch is analyzed with; its fingerprint is part of the key."""

    weights: tuple[tuple[str, float], ...] = ()
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    max_file_size: int = 1 << 20

    def fingerprint(self) -> str:
        """Digest of these settings and of the shipped knowledge files: a new rule means a new key."""
        from analyzer.knowledge import content_digest

        digest = hashlib.sha256(json.dumps(asdict(self), sort_keys=True).encode("utf-8"))
        digest.update(content_digest().encode("ascii"))
        return digest.hexdigest()[:16]

    def knowledge(self) -> Knowledge:
        """The rules, criteria and languages these settings select (loaded once per worker)."""
        from analyzer.knowledge import load as load_knowledge

        return load_knowledge(dict(self.weights), self.select, self.ignore)


class Status(str, enum.Enum):
    """What happened to a repository in this run."""

    OK = "ok"
    FAILED = "failed"
    REUSED = "reused"
    """Already in the store at the same key: not analyzed again."""


@dataclass(frozen=True)
class Task:
    """One repository to analyze: everything a worker (local or on a Dask cluster) needs."""

    source: Source
    settings: Settings
    commit: str | None = None
    """Commit found by the probe (local git sources); the worker analyzes exactly it."""
    known: frozenset[str] = frozenset()
    """Commits already stored for this source (URLs, and repositories whose HEAD only git can read): a commit
    that turns out to be one of them is not analyzed again."""


@dataclass(frozen=True)
class Outcome:
    """What a worker sends back."""

    source: str
    status: Status
    revision: str | None
    report: Mapping[str, Any] | None = None
    error: str | None = None
    seconds: float = 0.0


_ANALYSIS = ("analyzer.engine", "analyzer.reports.json", "analyzer.target.revision", "analyzer.target.worktree")


def preload() -> None:
    """Import what analyzing a repository needs, so that a worker's first task does not pay for it."""
    for name in _ANALYSIS:
        importlib.import_module(name)


def _analyze(location: Path, commit: str | None, settings: Settings, knowledge: Knowledge) -> dict[str, Any]:
    from analyzer.engine import Options, analyze
    from analyzer.reports.json import to_dict
    from analyzer.target.revision import RevisionTree
    from analyzer.target.worktree import WorkTree

    # One repository per worker: the engine's own process pool would only compete with the batch's.
    options = Options(max_file_size=settings.max_file_size, jobs=1)
    if commit is None:
        return to_dict(analyze(WorkTree(location, extra_ignores=settings.exclude), knowledge, options))
    with RevisionTree(location, commit, extra_ignores=settings.exclude) as tree:
        return to_dict(analyze(tree, knowledge, options, revision=tree.revision))


def run_task(task: Task, knowledge: Knowledge | None = None) -> Outcome:
    """Analyze one repository; every failure, expected or not, comes back as a failed Outcome."""
    started = time.monotonic()
    spec, commit = task.source.spec, task.commit
    try:
        location = materialize(task.source)
        if task.source.kind is SourceKind.URL:
            commit = gitinfo.head_commit(location)
            if commit is None:
                raise AnalyzerError(f"{spec}: the clone has no readable HEAD commit")
            if commit in task.known:
                return Outcome(spec, Status.REUSED, commit, seconds=time.monotonic() - started)
        elif commit is None:
            found = probe(task.source)  # git's files did not decide: git tells, under this task's timeout
            if found.error is not None:
                raise AnalyzerError(found.error)
            commit = found.commit
            if commit is not None and commit in task.known:
                return Outcome(spec, Status.REUSED, commit, seconds=time.monotonic() - started)
        knowledge = knowledge or task.settings.knowledge()
        report = _analyze(location, commit, task.settings, knowledge)
    except AnalyzerError as exc:
        return Outcome(spec, Status.FAILED, commit, error=str(exc), seconds=time.monotonic() - started)
    except Exception as exc:
        error = f"internal error: {type(exc).__name__}: {exc}"
        return Outcome(spec, Status.FAILED, commit, error=error, seconds=time.monotonic() - started)
    return Outcome(spec, Status.OK, commit, report, seconds=time.monotonic() - started)


# -- the same task in a child process, for Dask workers (which cannot kill a running task) --------------


def run_isolated(task: Task, timeout: float) -> Outcome:
    """``run_task`` in a fresh Python process group, killed whole after ``timeout``."""
    started = time.monotonic()
    # Isolated (-I): nothing from the current folder, PYTHON* variables or the user site is imported; the
    # import path is this process's own, less the current folder, so the analyzer is found where it was here.
    cwd = Path.cwd().resolve()
    path = [p for p in sys.path if p and Path(p).resolve() != cwd]
    code = f"import sys; sys.path[:] = {path!r}; from analyzer.batch.tasks import child_main; child_main()"
    child = subprocess.Popen(
        [sys.executable, "-I", "-c", code],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        out, _ = child.communicate(pickle.dumps(task), timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(child.pid, signal.SIGKILL)  # git processes of the task go too
        child.wait()
        return Outcome(
            task.source.spec,
            Status.FAILED,
            task.commit,
            error=f"timed out after {timeout:g} s",
            seconds=time.monotonic() - started,
        )
    if child.returncode != 0 or not out:
        error = f"worker process died (exit code {child.returncode})"
        return Outcome(task.source.spec, Status.FAILED, task.commit, error=error, seconds=time.monotonic() - started)
    outcome = pickle.loads(out)
    assert isinstance(outcome, Outcome)
    return outcome


def child_main() -> None:
    """The child's side of ``run_isolated``: a pickled Task on stdin, its pickled Outcome on stdout."""
    task = pickle.loads(sys.stdin.buffer.read())
    sys.stdout.buffer.write(pickle.dumps(run_task(task)))


@dataclass(frozen=True)
class BatchOptions:
    """How a batch runs (not part of the key)."""

    jobs: int = 1
    timeout: float = 600.0
    """Seconds one repository may take before its worker is killed."""
    force: bool = False
    """Analyze again even what the store holds."""
    retry_failed: bool = False
    """Analyze again what failed before at the same key (a timeout, a crash)."""
    scheduler: str | None = None
    """Address of a Dask scheduler; None runs on local worker processes."""
    hooks: Mapping[str, Any] = field(default_factory=dict)
    """Test seams (e.g. ``dask_client``: an existing Client); empty in normal runs."""
