"""Benchmark of ``analyze batch``: repositories per minute with 1 and 2 worker processes, and a reused re-run.

The portfolio is every folder of ``fixtures/`` committed as a git repository in a temporary directory (copied
again under new names until there are at least ``--min-repos``), plus any paths given on the command line. A
given path that is not a git repository is committed into a bare repository in the temporary directory (the
path itself is only read), so every repository has a commit and the re-run can reuse it. Not a timed test:
it prints figures for the README and the issue notes.

    python bench/batch_bench.py [PATH...] [--min-repos 20] [--timeout 600]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

import git

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analyzer.batch.run import run_batch  # noqa: E402
from analyzer.batch.sources import collect  # noqa: E402
from analyzer.batch.store import Store  # noqa: E402
from analyzer.batch.tasks import BatchOptions, Settings  # noqa: E402

AUTHOR = git.Actor("Batch Bench", "batch-bench@example.com")


def _commit_copy(source: Path, dest: Path) -> Path:
    shutil.copytree(source, dest, symlinks=True)
    repo = git.Repo.init(dest)
    repo.git.add(A=True)
    repo.index.commit("bench snapshot", author=AUTHOR, committer=AUTHOR)
    repo.close()
    return dest


def _commit_in_place(path: Path, bare: Path) -> Path:
    """A bare repository holding one commit of ``path``'s files; ``path`` is read, never written."""
    repo = git.Repo.init(bare, bare=True)
    env = {
        "GIT_AUTHOR_NAME": AUTHOR.name,
        "GIT_AUTHOR_EMAIL": AUTHOR.email,
        "GIT_COMMITTER_NAME": AUTHOR.name,
        "GIT_COMMITTER_EMAIL": AUTHOR.email,
    }
    outside = ["git", f"--git-dir={bare}", f"--work-tree={path}"]
    repo.git.execute([*outside, "add", "-A", "."], env=env)
    repo.git.execute([*outside, "commit", "-q", "-m", "bench snapshot"], env=env)
    repo.close()
    return bare


def build_portfolio(work: Path, extra: list[Path], min_repos: int) -> list[str]:
    fixtures = sorted(p for p in (ROOT / "fixtures").iterdir() if p.is_dir())
    repos: list[str] = []
    round_ = 0
    while len(repos) < min_repos:
        for fixture in fixtures:
            repos.append(str(_commit_copy(fixture, work / f"{fixture.name}-{round_}")))
        round_ += 1
    for path in extra:
        if (path / ".git").exists() or (path / "HEAD").is_file():
            repos.append(str(path))
        else:
            repos.append(str(_commit_in_place(path.resolve(), work / f"{path.name}.git")))
    return repos


def _timed(specs: list[str], store: Path, cache: Path, jobs: int, timeout: float) -> tuple[float, dict[str, int]]:
    sources = collect(specs, cache)
    started = time.perf_counter()
    with Store(store) as opened:
        rows = run_batch(sources, Settings(), opened, BatchOptions(jobs=jobs, timeout=timeout))
    seconds = time.perf_counter() - started
    counts: dict[str, int] = {}
    for row in rows:
        counts[row.status.value] = counts.get(row.status.value, 0) + 1
    return seconds, counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", type=Path, help="more repositories (e.g. /path/to/corpus/*)")
    parser.add_argument("--min-repos", type=int, default=20)
    parser.add_argument("--timeout", type=float, default=600.0)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="rustgo-batch-bench-") as tmp:
        work = Path(tmp)
        started = time.perf_counter()
        specs = build_portfolio(work, args.paths, args.min_repos)
        print(f"portfolio: {len(specs)} repositories, built in {time.perf_counter() - started:.1f} s")
        print(f"{'run':<22}{'seconds':>9}{'repos/min':>11}  statuses")
        for jobs in (1, 2):
            seconds, counts = _timed(specs, work / f"jobs{jobs}.sqlite", work / "cache", jobs, args.timeout)
            print(f"{f'--jobs {jobs}':<22}{seconds:>9.1f}{len(specs) / seconds * 60:>11.1f}  {counts}")
        seconds, counts = _timed(specs, work / "jobs2.sqlite", work / "cache", 2, args.timeout)
        print(f"{'re-run, all reused':<22}{seconds:>9.2f}{len(specs) / seconds * 60:>11.0f}  {counts}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
