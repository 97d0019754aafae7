"""Times `analyze` against ripgrep, github-linguist and cloc on the same trees, plus a regex-engine micro-benchmark.

Usage: python bench/bench.py [TREE...] [--runs N] [--jobs N] [--portfolio N] [--fit-parts] [--baseline COMMAND]
[--json FILE] [--readme]

The commands of one tree alternate: each round runs every tool once, in an order that rotates from round to round,
and the first round is a warm-up that is not counted (the page cache is hot for all alike, and the analyzer's
bytecode is written: the timed commands run without PYTHONDONTWRITEBYTECODE, as an installed tool does). The table
gives the median wall time and CPU time of the counted rounds, the throughput over the tree's bytes, the ratios of
analyze to the reference (ripgrep's ASCII scan of the analyzer's content-marker patterns over every file, hidden
and ignored ones too), to linguist and to cloc, and the peak RSS of the command as GNU time measures it: a fresh
child of ``/usr/bin/time``, not a fork of this large Python process, whose resident set Linux would carry across
the exec into ``ru_maxrss``. The same run times the start-up rows (``analyze --version``, a five-file repository,
the flask fixture), ``analyze batch`` over ``--portfolio N`` git repositories made from the fixtures (a first run
and a fully reused re-run), and fits the per-file and per-MB costs by least squares (``--fit-parts`` adds parts of
each tree). The micro-benchmark runs the patterns over the tree's text with a Python ``re`` alternation, a Python
``re`` loop and the RE2 Set the analyzer uses. The figures are measurements, never pass/fail; ``--readme`` writes
them, with the machine and its load, into bench/README.md.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import json
import os
import platform
import re
import shlex
import shutil
import signal
import stat
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

INSTALL_HINT = "apt-get install ripgrep cloc ruby-github-linguist time"
REFERENCE = "rg ASCII marker scan"
"""The row every ratio is taken against."""
MB = 1_000_000
"""Throughput and sizes use decimal megabytes; peak RSS uses MiB (what the kernel counts in KiB)."""
SNIFF = 8192


@dataclass(frozen=True)
class Listing:
    """The files a tree is measured over (regular files only, .git excluded)."""

    source: str
    """``git`` (ls-files: tracked plus untracked not ignored) or ``walk`` (no git work tree)."""
    files: tuple[Path, ...]
    bytes: int


@dataclass(frozen=True)
class Sample:
    """One timed run of one command."""

    seconds: float
    cpu_seconds: float
    peak_rss_mib: float
    returncode: int


@dataclass(frozen=True)
class ToolResult:
    """Figures of one tool on one tree; ``status`` is ok, skipped (not installed) or failed."""

    tool: str
    status: str
    command: tuple[str, ...]
    note: str = ""
    seconds: float | None = None
    """Median wall time of the timed rounds."""
    seconds_all: tuple[float, ...] = ()
    cpu_seconds: float | None = None
    """Median user plus system time, children included (above ``seconds`` when parallel)."""
    peak_rss_mib: float | None = None
    """Largest resident set of any single process of the command over the timed rounds (GNU time's %M)."""


@dataclass(frozen=True)
class EngineResult:
    """Throughput of one regex engine over the micro-benchmark text."""

    engine: str
    mb_per_s: float | None
    bytes_scanned: int
    seconds: float
    note: str = ""


@dataclass(frozen=True)
class Tool:
    """A command to time and the exit codes that mean it worked."""

    name: str
    argv: tuple[str, ...]
    ok_codes: tuple[int, ...] = (0,)
    note: str = ""


def content_patterns() -> list[str]:
    """Every distinct content pattern of the shipped rule set, in rule order."""
    from analyzer.knowledge.criteria import load_criteria
    from analyzer.knowledge.rules import load_rules

    ruleset = load_rules(load_criteria())
    return list(dict.fromkeys(p.pattern for rule in ruleset.rules for p in rule.content))


def write_patterns(patterns: Sequence[str], path: Path) -> int:
    """Write one pattern per line (ripgrep's ``-f`` format); patterns spanning lines cannot be written."""
    kept = [p for p in patterns if "\n" not in p and "\r" not in p]
    path.write_text("".join(p + "\n" for p in kept), encoding="utf-8")
    return len(patterns) - len(kept)


def _rg_accepts(rg: str, patterns: Sequence[str], flags: Sequence[str], scratch: Path) -> bool:
    pattern_file, empty = scratch / "probe.txt", scratch / "empty.txt"
    write_patterns(patterns, pattern_file)
    empty.write_bytes(b"")
    done = subprocess.run(
        [rg, *flags, "--no-messages", "-c", "-f", str(pattern_file), str(empty)], capture_output=True, check=False
    )
    return done.returncode in (0, 1)  # 2 is ripgrep's "error", here a pattern it cannot compile


def rg_patterns(rg: str, patterns: Sequence[str], scratch: Path) -> tuple[list[str], list[str], str]:
    """The patterns ripgrep accepts, the extra flags it needs, and a note on what was dropped.

    ripgrep's default engine takes RE2 syntax; a pattern it refuses is retried with ``--engine auto``
    (PCRE2 where built in) and dropped only if that fails too.
    """
    kept = [p for p in patterns if "\n" not in p and "\r" not in p]
    dropped = len(patterns) - len(kept)
    if _rg_accepts(rg, kept, (), scratch):
        return kept, [], f"{len(kept)} patterns, {dropped} dropped (multi-line)" if dropped else f"{len(kept)} patterns"
    refused = [p for p in kept if not _rg_accepts(rg, [p], (), scratch)]
    auto = ["--engine", "auto"]
    still = [p for p in refused if not _rg_accepts(rg, [p], auto, scratch)]
    flags = auto if len(still) < len(refused) else []
    lost = set(still if flags else refused)
    kept = [p for p in kept if p not in lost]
    engine = "; --engine auto" if flags else ""
    return kept, flags, f"{len(kept)} patterns, {dropped + len(lost)} dropped (refused by rg){engine}"


def list_tree(tree: Path) -> Listing:
    """The tree's regular files as git lists them, or by a walk that skips .git when it is no work tree."""
    import git

    names: list[str] | None = None
    try:
        out = git.Git(str(tree)).ls_files("-z", "--cached", "--others", "--exclude-standard")
        names = [n for n in out.split("\0") if n]
        source = "git"
    except git.GitCommandError:
        source = "walk"
    if not names:  # no work tree, or one that ignores this whole folder
        source = "walk"
    candidates = (tree / n for n in names) if names else _walk(tree)
    files, total = [], 0
    for path in candidates:
        try:
            info = path.lstat()
        except OSError:  # listed by the index but deleted in the work tree
            continue
        if stat.S_ISREG(info.st_mode):  # symlinks are never followed out of the tree
            files.append(path)
            total += info.st_size
    return Listing(source, tuple(files), total)


def _folder_size(folder: Path) -> tuple[int, float]:
    """(regular files, megabytes) of a small folder such as a fixture."""
    sizes = [p.lstat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink()]
    return len(sizes), sum(sizes) / MB


def _walk(tree: Path) -> Iterator[Path]:
    for folder, dirs, names in os.walk(tree, followlinks=False):
        dirs[:] = sorted(d for d in dirs if d != ".git")
        yield from (Path(folder) / n for n in sorted(names))


TIME = "/usr/bin/time"
"""GNU time: wall, CPU and the peak RSS of the command it starts (apt-get install time)."""


def _child_environ() -> dict[str, str]:
    """The timed commands' environment: this one without PYTHONDONTWRITEBYTECODE.

    A pip install compiles the package's bytecode; an editable install writes it on first import unless that
    variable forbids it, and then every start compiles about sixty modules again (about 0.1 s). The warm-up round
    writes the ``.pyc`` files, so the timed rounds measure what an installed analyzer costs.
    """
    return {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def run_once(argv: Sequence[str], cwd: Path, timeout: float) -> tuple[Sample, str]:
    """Run a command under GNU time with its output in a file (a grep may quit early into /dev/null).

    Wall and CPU time are measured here, to the microsecond (GNU time prints hundredths, too coarse for a 20 ms
    start-up), and include GNU time's own start, about 2 ms; the peak RSS is GNU time's figure for the command.
    """
    with (
        tempfile.TemporaryFile() as out,
        tempfile.TemporaryFile() as err,
        tempfile.NamedTemporaryFile("r", suffix=".time") as figures,
    ):
        timed = os.access(TIME, os.X_OK)
        command = [TIME, "-q", "-o", figures.name, "-f", "%e %U %S %M %x", *argv] if timed else list(argv)
        started = time.perf_counter()
        proc = subprocess.Popen(
            command,
            cwd=cwd,
            env=_child_environ(),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            start_new_session=True,
        )
        timer = threading.Timer(timeout, os.killpg, (proc.pid, signal.SIGKILL))
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here, so Popen must not wait again
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace")
        fields = figures.read().split() if timed else []
    cpu = usage.ru_utime + usage.ru_stime  # the time process and what it waited for: the command and its children
    if len(fields) == 5:  # the peak RSS is the command's own, not that of the time process or of this one
        return Sample(seconds, cpu, int(fields[3]) / 1024, int(fields[4])), stderr
    return Sample(seconds, cpu, float("nan"), proc.returncode), stderr


def time_tools(tools: Sequence[Tool], runs: int, cwd: Path, timeout: float) -> list[ToolResult]:
    """Alternate the tools: a warm-up round, then ``runs`` rounds, the order rotating each round.

    A tool that fails in the warm-up is reported and left out of the timed rounds.
    """
    failed: dict[str, str] = {}
    samples: dict[str, list[Sample]] = {t.name: [] for t in tools}
    for round_number in range(runs + 1):
        shift = round_number % len(tools) if tools else 0
        for tool in [*tools[shift:], *tools[:shift]]:
            if tool.name in failed:
                continue
            sample, stderr = run_once(tool.argv, cwd, timeout)
            if sample.returncode not in tool.ok_codes:
                last = (stderr.strip().splitlines() or ["no message"])[-1][:200]
                failed[tool.name] = f"exit {sample.returncode}: {last}"
            elif round_number > 0:
                samples[tool.name].append(sample)
    results = []
    for tool in tools:
        if tool.name in failed:
            results.append(ToolResult(tool.name, "failed", tool.argv, failed[tool.name]))
        else:
            results.append(_summarize(tool, samples[tool.name]))
    return results


@contextlib.contextmanager
def linguist_repo(tree: Path) -> Iterator[tuple[Path, str]]:
    """A git repository linguist can read: the tree itself if it is a work-tree root, else a committed copy."""
    import git

    try:
        repo = git.Repo(tree)
        if repo.head.is_valid() and Path(repo.working_dir).resolve() == tree.resolve():
            yield tree, "HEAD of the tree's own repository"
            return
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        pass
    with tempfile.TemporaryDirectory(prefix="bench-linguist-") as scratch:
        copy = Path(scratch) / tree.name
        shutil.copytree(tree, copy, symlinks=True, ignore=shutil.ignore_patterns(".git"))
        commit_snapshot(copy)
        yield copy, "timed on a committed copy (the tree is not a git work-tree root)"


def commit_snapshot(folder: Path) -> None:
    """``git init`` the folder and commit everything its .gitignore keeps, under a fixed identity."""
    import git

    repo = git.Repo.init(folder)
    who = {
        "GIT_AUTHOR_NAME": "bench",
        "GIT_AUTHOR_EMAIL": "bench@invalid",
        "GIT_COMMITTER_NAME": "bench",
        "GIT_COMMITTER_EMAIL": "bench@invalid",
    }
    with repo.git.custom_environment(**who):
        repo.git.add("--all")
        repo.git.commit("-q", "--no-verify", "--no-gpg-sign", "--allow-empty", "-m", "benchmark snapshot")


def analyze_command() -> tuple[str, ...]:
    """The installed console script beside this Python, else ``python -P -m analyzer`` (never the cwd's code)."""
    script = Path(sys.executable).with_name("analyze")
    return (str(script),) if script.exists() else (sys.executable, "-P", "-m", "analyzer")


def reference_scan(rg: str, patterns: Sequence[str], tree: Path, scratch: Path) -> Tool:
    """The reference: ripgrep's ASCII scan of the analyzer's content-marker patterns over every file of the tree.

    ``--no-unicode`` gives ``\\b``, ``\\w`` and ``\\s`` RE2's ASCII meaning; ``--hidden --no-ignore`` reads what the
    analyzer reads (dot-folders such as ``.github``) and more (ignored files), never less; ``.git/`` folders, git's
    own store, are left out as the analyzer leaves them out.
    """
    kept, flags, note = rg_patterns(rg, patterns, scratch)
    write_patterns(kept, scratch / "patterns.txt")
    argv = (
        rg,
        *flags,
        "--no-unicode",
        "--hidden",
        "--no-ignore",
        "--glob",
        "!.git/",  # git's own store, which the analyzer never reads (--hidden would search it)
        "--no-messages",
        "-c",
        "-f",
        str(scratch / "patterns.txt"),
        str(tree),
    )
    return Tool(REFERENCE, argv, (0, 1), note)


def analyze_tools(label: str, args: argparse.Namespace, *arguments: str) -> list[Tool]:
    """``analyze`` with these arguments, and the same with the ``--baseline`` command when one is given."""
    tools = [Tool(label, (*analyze_command(), *arguments))]
    if args.baseline:
        tools.append(Tool(f"{label} ({args.baseline_label})", (*args.baseline.split(), *arguments), note=args.baseline))
    return tools


def measure_tools(tree: Path, args: argparse.Namespace, patterns: Sequence[str], scratch: Path) -> list[ToolResult]:
    """Time analyze, the reference scan and the other tools on one tree, alternating them."""
    jobs = ("--jobs", str(args.jobs)) if args.jobs is not None else ()
    tools = analyze_tools("analyze", args, str(tree), "--format", "json", *jobs)
    if args.jobs is None:  # what the default's worker pool gains on this tree, in the same rounds
        tools.insert(1, Tool("analyze --jobs 1", (*analyze_command(), str(tree), "--format", "json", "--jobs", "1")))
    missing: list[ToolResult] = []
    rg, linguist, cloc = shutil.which("rg"), shutil.which("github-linguist"), shutil.which("cloc")
    if rg:
        tools.append(reference_scan(rg, patterns, tree, scratch))
    else:
        missing.append(_missing(REFERENCE, "rg"))
    with contextlib.ExitStack() as stack:
        if linguist:
            repo, where = stack.enter_context(linguist_repo(tree))
            tools.append(Tool("github-linguist", (linguist, "--breakdown", "--json", str(repo)), note=where))
        else:
            missing.append(_missing("github-linguist", "github-linguist"))
        if cloc:
            tools.append(Tool("cloc", (cloc, "--quiet", "--json", str(tree))))
        else:
            missing.append(_missing("cloc", "cloc"))
        return time_tools(tools, args.runs, scratch, args.timeout) + missing


FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
FLASK = FIXTURES / "py-flask-service"
"""A flask-sized service (14 files) from the project's fixtures: what pre-commit pays on a small repository."""


FIVE_FILES = (
    ("go.mod", "module example.com/tiny\n\ngo 1.22\n"),
    ("main.go", "package main\n\nfunc main() {}\n"),
    ("README.md", "# tiny\n"),
    ("Dockerfile", "FROM scratch\n"),
    (".gitignore", "/bin\n"),
)


def measure_startup(args: argparse.Namespace, scratch: Path) -> list[ToolResult]:
    """``analyze --version`` and ``analyze`` on a five-file repository: what pre-commit and CI pay per call."""
    tiny = scratch / "five-files"
    tiny.mkdir()
    for name, text in FIVE_FILES:
        (tiny / name).write_text(text, encoding="utf-8")
    tools = [
        *analyze_tools("analyze --version", args, "--version"),
        *analyze_tools("analyze 5-file repo", args, str(tiny), "--format", "json"),
    ]
    if FLASK.is_dir():
        tools += analyze_tools("analyze flask fixture", args, str(FLASK), "--format", "json")
    return time_tools(tools, args.runs, scratch, args.timeout)


def build_portfolio(folder: Path, count: int) -> list[Path]:
    """``count`` git repositories in ``folder``: the project's fixtures in turn, each copied under a numbered name
    (``go-cli-tool-0``, ``go-cli-tool-1``...) and committed, so that each has a commit a re-run can reuse."""
    fixtures = sorted(p for p in FIXTURES.iterdir() if p.is_dir())
    repos = []
    for index in range(count):
        fixture = fixtures[index % len(fixtures)]
        repo = folder / f"{fixture.name}-{index // len(fixtures)}"
        shutil.copytree(fixture, repo, symlinks=True)
        commit_snapshot(repo)
        repos.append(repo)
    return repos


@dataclass(frozen=True)
class BatchResult:
    """``analyze batch`` over the portfolio: one kind of run (first or reused re-run) of one command."""

    result: ToolResult
    kind: str
    """``first run`` (into an empty store) or ``reused re-run`` (every repository already stored)."""
    repos: int
    outcome: str
    """What the untimed warm-up round's report said of the repositories, e.g. ``380 ok`` or ``380 reused``."""

    @property
    def per_minute(self) -> float | None:
        """Repositories per minute at the median wall time."""
        return self.repos / self.result.seconds * 60 if self.result.seconds else None


def _outcome(stdout: bytes) -> str:
    """The statuses of a batch's JSON report, counted: ``380 reused``, ``379 ok, 1 failed``."""
    try:
        rows = json.loads(stdout)["repos"]
        counts = collections.Counter(str(row["status"]) for row in rows)
    except (ValueError, KeyError, TypeError):
        return "no readable JSON report"
    return ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))


def measure_batch(args: argparse.Namespace, portfolio: Path, repos: int, scratch: Path) -> list[BatchResult]:
    """``analyze batch`` over the portfolio: a first run into an empty store, then a re-run that finds every
    repository stored, for analyze and the ``--baseline``, alternating like the trees.

    Each round's first run writes a new store and its re-run reads it. The warm-up round is not timed: its JSON
    reports are read instead, so the table says what the timed commands did (all analyzed, all reused).
    """
    jobs = ("--jobs", str(args.jobs)) if args.jobs is not None else ()
    commands = [("", analyze_command())]
    if args.baseline:
        commands.append((f" ({args.baseline_label})", tuple(args.baseline.split())))
    samples: dict[tuple[str, str], list[Sample]] = {}
    failed: dict[tuple[str, str], str] = {}
    outcomes: dict[tuple[str, str], str] = {}
    for round_number in range(args.runs + 1):
        order = commands if round_number % 2 == 0 else commands[::-1]
        for suffix, command in order:
            store = scratch / f"store-{len(suffix)}-{round_number}.sqlite"
            argv = (*command, "batch", "--discover", str(portfolio), "--store", str(store), "--format", "json", *jobs)
            for kind in ("first run", "reused re-run"):
                key = (kind, suffix)
                if key in failed:
                    continue
                if round_number == 0:  # warm-up: writes the bytecode, and its report says what the runs do
                    done = subprocess.run(
                        argv, cwd=scratch, env=_child_environ(), capture_output=True, timeout=args.timeout, check=False
                    )
                    code, stderr = done.returncode, done.stderr.decode("utf-8", "replace")
                    outcomes[key] = _outcome(done.stdout)
                else:
                    sample, stderr = run_once(argv, scratch, args.timeout)
                    code = sample.returncode
                    samples.setdefault(key, []).append(sample)
                if code != 0:
                    failed[key] = f"exit {code}: {(stderr.strip().splitlines() or ['?'])[-1][:200]}"
    results = []
    for suffix, command in commands:
        for kind in ("first run", "reused re-run"):
            key, name = (kind, suffix), f"analyze batch{suffix}"
            if key in failed:
                result = ToolResult(name, "failed", command, failed[key])
            else:
                result = _summarize(Tool(name, command), samples[key])
            results.append(BatchResult(result, kind, repos, outcomes.get(key, "")))
    return results


def _summarize(tool: Tool, taken: Sequence[Sample]) -> ToolResult:
    """Medians of wall and CPU time, and the largest peak RSS, of a tool's timed rounds."""
    rss = [s.peak_rss_mib for s in taken if s.peak_rss_mib == s.peak_rss_mib]  # NaN: no GNU time
    return ToolResult(
        tool.name,
        "ok",
        tool.argv,
        tool.note,
        statistics.median(s.seconds for s in taken),
        tuple(s.seconds for s in taken),
        statistics.median(s.cpu_seconds for s in taken),
        max(rss) if rss else None,
    )


PART_STEPS = (8, 4, 2)
"""``--fit-parts`` analyzes every 8th, 4th and 2nd listed file of each tree as well."""


def subset_points(tree: Path, listing: Listing, args: argparse.Namespace, scratch: Path) -> list[FitPoint]:
    """Fit points from parts of a tree: every 8th, 4th and 2nd listed file, linked (or copied) into a scratch
    folder with their paths kept and analyzed in their own alternating rounds, so the fit has more sizes than
    the trees themselves. The parts keep the tree's mix of files; the small repositories add other mixes. Like
    the trees' points they run in one process (``--jobs 1``, unless ``--jobs`` is given): the fit is of costs,
    and the worker pool, which starts only past a size, would bend the line."""
    parts = []
    for step in PART_STEPS:
        part = scratch / f"{tree.name}-1of{step}"
        chosen = listing.files[::step]
        for path in chosen:
            dest = part / path.relative_to(tree)
            dest.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(path, dest)
            except OSError:  # another file system, or links refused
                shutil.copyfile(path, dest)
        size = sum(p.stat().st_size for p in chosen) / MB
        parts.append((part, len(chosen), size))
    jobs = ("--jobs", str(args.jobs if args.jobs is not None else 1))
    tools = [Tool(f"analyze {p.name}", (*analyze_command(), str(p), "--format", "json", *jobs)) for p, _, _ in parts]
    timed = time_tools(tools, args.runs, scratch, args.timeout)
    return [
        FitPoint(t.tool.removeprefix("analyze "), files, size, t.seconds)
        for t, (_, files, size) in zip(timed, parts, strict=True)
        if t.seconds
    ]


@dataclass(frozen=True)
class FitPoint:
    """One analyze run the costs are fitted over: what it analyzed and how long it took (median wall)."""

    name: str
    files: int
    megabytes: float
    seconds: float


def fit_lines(points: Sequence[FitPoint]) -> list[str]:
    """The fitted costs, how well they fit, and per point the measured and fitted seconds with the residual."""
    fitted = fit_costs([(p.files, p.megabytes, p.seconds) for p in points])
    if fitted is None:
        return []
    start, per_file, per_mb = fitted
    models = [start + per_file * p.files + per_mb * p.megabytes for p in points]
    residuals = [p.seconds - m for p, m in zip(points, models, strict=True)]
    rms = (sum(r * r for r in residuals) / len(residuals)) ** 0.5
    mean = statistics.fmean(p.seconds for p in points)
    spread = sum((p.seconds - mean) ** 2 for p in points)
    explained = 1 - sum(r * r for r in residuals) / spread if spread else float("nan")
    lines = [
        f"Fitted by least squares over {len(points)} analyze runs of this run (3 unknowns): {start:.3f} s to start"
        f" + {per_file * 1e6:.1f} µs per listed file + {per_mb * 1e3:.2f} ms per MB of the tree;"
        f" root-mean-square residual {rms:.3f} s, R² {explained:.4f}."
        + (
            " A negative cost means these runs cannot tell the per-file cost from the per-MB cost apart: fit over"
            " trees with different bytes per file (both trees, --fit-parts)."
            if min(per_file, per_mb) < 0
            else ""
        ),
        "",
        "| run | files | MB | measured s | fitted s | residual s | residual % |",
        "|---|---|---|---|---|---|---|",
    ]
    for p, model, residual in zip(points, models, residuals, strict=True):
        share = f"{residual / p.seconds * 100:+.0f}" if p.seconds else "-"
        lines.append(
            f"| {p.name} | {p.files:,} | {p.megabytes:.1f} | {p.seconds:.3f} | {model:.3f} | {residual:+.3f}"
            f" | {share} |"
        )
    return lines


def fit_costs(points: Sequence[tuple[int, float, float]]) -> tuple[float, float, float] | None:
    """Least-squares fit of seconds = start + per_file * files + per_mb * megabytes over (files, MB, seconds)
    points; None when the points cannot determine three costs (fewer than three, or all on one line).

    The columns are scaled to at most 1 before the normal equations are solved, so that files (tens of
    thousands) and megabytes (hundreds) do not make them ill-conditioned.
    """
    if len(points) < 3:
        return None
    columns = [[1.0] * len(points), [float(f) for f, _, _ in points], [mb for _, mb, _ in points]]
    scales = [max(abs(v) for v in column) or 1.0 for column in columns]
    rows = list(zip(*([v / scale for v in column] for column, scale in zip(columns, scales, strict=True)), strict=True))
    normal = [[sum(r[i] * r[j] for r in rows) for j in range(3)] for i in range(3)]
    right = [sum(r[i] * seconds for r, (_, _, seconds) in zip(rows, points, strict=True)) for i in range(3)]
    for col in range(3):  # Gauss-Jordan elimination with partial pivoting on the 3x3 normal equations
        pivot = max(range(col, 3), key=lambda r: abs(normal[r][col]))
        if abs(normal[pivot][col]) < 1e-9 * len(points):
            return None
        normal[col], normal[pivot] = normal[pivot], normal[col]
        right[col], right[pivot] = right[pivot], right[col]
        for r in range(3):
            if r != col:
                factor = normal[r][col] / normal[col][col]
                normal[r] = [a - factor * b for a, b in zip(normal[r], normal[col], strict=True)]
                right[r] -= factor * right[col]
    start, per_file, per_mb = (right[i] / normal[i][i] / scales[i] for i in range(3))
    return start, per_file, per_mb


def _missing(tool: str, command: str) -> ToolResult:
    note = f"{command} not found; install it with: {INSTALL_HINT}"
    print(f"skipping {tool}: {note}", file=sys.stderr)
    return ToolResult(tool, "skipped", (), note)


def read_text(files: Sequence[Path], limit: int) -> list[tuple[str, int]]:
    """The first ``limit`` bytes of the listed text files, with their sizes (a NUL in the first 8 KiB: binary)."""
    texts: list[tuple[str, int]] = []
    left = limit
    for path in files:
        if left <= 0:
            break
        try:
            with path.open("rb") as handle:
                data = handle.read(left)
        except OSError:
            continue
        if b"\0" not in data[:SNIFF]:
            texts.append((data.decode("utf-8", "replace"), len(data)))
            left -= len(data)
    return texts


def _scan(
    texts: Sequence[tuple[str, int]], scan: Callable[[str], object], runs: int, budget: float
) -> tuple[float, int]:
    """Best (seconds, bytes) of ``runs`` passes; a pass stops after ``budget`` seconds, and then is the only one."""
    total = sum(size for _, size in texts)
    best: tuple[float, int] | None = None
    for _ in range(runs):
        done, started = 0, time.perf_counter()
        for text, size in texts:
            scan(text)
            done += size
            if time.perf_counter() - started > budget:
                break
        elapsed = time.perf_counter() - started
        if best is None or done * best[0] > best[1] * elapsed:
            best = (elapsed, done)
        if done < total:
            break  # too slow to repeat: the figure over a budget's worth of text is stable enough
    assert best is not None
    return best


def micro(texts: Sequence[tuple[str, int]], patterns: Sequence[str], runs: int, budget: float) -> list[EngineResult]:
    """MB/s of a Python ``re`` alternation, a loop of Python ``re`` patterns and the RE2 Set, per file."""
    from analyzer.facts import matcher as matching

    alternation = re.compile("|".join(f"(?:{p})" for p in patterns), re.MULTILINE)
    multi = matching._MultiRegex(patterns, multiline=True)
    compiled = [re.compile(p, re.MULTILINE) for p in patterns]
    engines: list[tuple[str, Callable[[str], object] | None, str]] = [
        ("python re alternation (finditer)", lambda t: sum(1 for _ in alternation.finditer(t)), ""),
        ("python re loop", lambda t: [c for c in compiled if c.search(t)], ""),
        ("re2 Set (analyzer)", multi.matching, ""),
    ]
    results = []
    for name, scan, missing in engines:
        if scan is None:
            results.append(EngineResult(name, None, 0, 0.0, missing))
            continue
        seconds, done = _scan(texts, scan, runs, budget)
        results.append(EngineResult(name, done / MB / seconds if seconds else None, done, seconds))
    return results


def _fmt(value: float | None, digits: int = 2) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def render(tree: Path, listing: Listing, tools: Sequence[ToolResult], engines: Sequence[EngineResult]) -> str:
    """The plain-text table of one tree; ratios are wall times over the reference scan's."""
    ref = next((t.seconds for t in tools if t.tool == REFERENCE), None)
    lines = [
        f"{tree}: {len(listing.files)} files, {listing.bytes / MB:.2f} MB (listed by {listing.source})",
        f"{'tool':<22}{'wall s':>9}{'cpu s':>9}{'÷ rg':>8}{'MB/s':>9}{'peak RSS MiB':>14}  note",
    ]
    for t in tools:
        ratio = mbps = None
        if t.seconds:
            mbps = listing.bytes / MB / t.seconds
            ratio = t.seconds / ref if ref else None
        note = t.note if t.status == "ok" else f"{t.status.upper()}: {t.note}"
        lines.append(
            f"{t.tool:<22}{_fmt(t.seconds):>9}{_fmt(t.cpu_seconds):>9}{_fmt(ratio, 1):>8}"
            f"{_fmt(mbps, 2):>9}{_fmt(t.peak_rss_mib, 1):>14}  {note}"
        )
    lines.append(f"÷ rg = median wall s / the {REFERENCE}'s median wall s (analyze's target: at most 2 to 3).")
    lines.append("matcher micro-benchmark (all content patterns, per file):")
    for e in engines:
        lines.append(
            f"  {e.engine:<36}{_fmt(e.mb_per_s, 2):>10} MB/s over {e.bytes_scanned / MB:.2f} MB"
            f" in {e.seconds:.1f} s {e.note}".rstrip()
        )
    return "\n".join(lines)


def markdown_rows(name: str, files: int | None, megabytes: float | None, tools: Sequence[ToolResult]) -> list[str]:
    """Rows of the README's table of every tool on one tree."""
    ref = next((t.seconds for t in tools if t.tool == REFERENCE), None)
    rows = []
    for index, t in enumerate(tools):
        head = "| | | "
        if index == 0:
            head = f"| {name} | {files:,} | {megabytes:.1f} " if files is not None and megabytes is not None else ""
            head = head or f"| {name} | - | - "
        ratio = t.seconds / ref if t.seconds and ref else None
        rows.append(
            f"{head}| {t.tool} | {_fmt(t.seconds)} | {_fmt(t.cpu_seconds)} | {_fmt(ratio, 1)} "
            f"| {_fmt(t.peak_rss_mib, 1)} |"
        )
    return rows


TREE_TABLE = (
    "| tree | files | MB | tool | wall s | cpu s | ÷ rg | peak RSS MiB |",
    "|---|---|---|---|---|---|---|---|",
)
SUMMARY_TABLE = (
    "| tree | files | MB | rg s | linguist s | cloc s | command | wall s | cpu s | ÷ rg | ÷ linguist | ÷ cloc "
    "| peak RSS MiB |",
    "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
)


def summary_rows(name: str, files: int, megabytes: float, tools: Sequence[ToolResult]) -> list[str]:
    """The issue's table for one tree: each analyze command beside the reference, linguist and cloc, as ratios."""
    seconds = {t.tool: t.seconds for t in tools}
    others = [seconds.get(tool) for tool in (REFERENCE, "github-linguist", "cloc")]
    rows: list[str] = []
    for t in (t for t in tools if t.tool.startswith("analyze")):
        head = (
            "| | | | | | | "
            if rows
            else f"| {name} | {files:,} | {megabytes:.1f} | " + "".join(f"{_fmt(o)} | " for o in others)
        )
        ratios = "".join(f"{_fmt(t.seconds / o if t.seconds and o else None)} | " for o in others)
        rows.append(f"{head}{t.tool} | {_fmt(t.seconds)} | {_fmt(t.cpu_seconds)} | {ratios}{_fmt(t.peak_rss_mib, 1)} |")
    return rows


STARTUP_TABLE = ("| command | wall s | cpu s | peak RSS MiB |", "|---|---|---|---|")


def startup_rows(tools: Sequence[ToolResult]) -> list[str]:
    """The start-up rows: one command each, no tree figures."""
    return [
        f"| {t.tool} | {_fmt(t.seconds, 3)} | {_fmt(t.cpu_seconds, 3)} | {_fmt(t.peak_rss_mib, 1)} |" for t in tools
    ]


BATCH_TABLE = (
    "| run | repos | command | wall s | cpu s | cpu ÷ wall | repos/min | peak RSS MiB | what the run did |",
    "|---|---|---|---|---|---|---|---|---|",
)


def batch_rows(results: Sequence[BatchResult]) -> list[str]:
    """The portfolio rows: repositories per minute, and CPU over wall time (2 when both cores work throughout)."""
    rows = []
    for b in results:
        t = b.result
        share = t.cpu_seconds / t.seconds if t.seconds and t.cpu_seconds is not None else None
        per_minute = f"{b.per_minute:,.0f}" if b.per_minute else "-"
        did = b.outcome if t.status == "ok" else f"{t.status.upper()}: {t.note}"
        rows.append(
            f"| {b.kind} | {b.repos} | {t.tool} | {_fmt(t.seconds)} | {_fmt(t.cpu_seconds)} | {_fmt(share)} "
            f"| {per_minute} | {_fmt(t.peak_rss_mib, 1)} | {did} |"
        )
    return rows


README = Path(__file__).resolve().with_name("README.md")
FIGURES_START, FIGURES_END = "<!-- figures:start -->\n", "<!-- figures:end -->"


def write_readme(
    environment: dict[str, str], runs: int, lines: Sequence[str], command: str, readme: Path = README
) -> None:
    """Replace the figures section of bench/README.md with this run's tables and the machine it ran on."""
    machine = ", ".join(f"{k} {v}" for k, v in environment.items())
    table = [
        f"Measured {time.strftime('%Y-%m-%d')} by `{command}` on: {machine}.",
        f"Median of {runs} alternating rounds after a warm-up round; ÷ rg is the ratio to the {REFERENCE}.",
        "",
        *lines,
        "",
    ]
    text = readme.read_text(encoding="utf-8")
    head, found, rest = text.partition(FIGURES_START)
    tail = rest.partition(FIGURES_END)[2] if found else "\n"
    readme.write_text(head + FIGURES_START + "\n".join(table) + FIGURES_END + tail, encoding="utf-8")


def command_line(args: argparse.Namespace) -> str:
    """This run's command as the README shows it: trees by their folder names, no machine paths."""
    words = ["python", "bench/bench.py", *(Path(t).name for t in args.trees)]
    if args.runs != 5:
        words += ["--runs", str(args.runs)]
    if args.jobs is not None:
        words += ["--jobs", str(args.jobs)]
    if args.portfolio:
        words += ["--portfolio", str(args.portfolio)]
    if args.fit_parts:
        words.append("--fit-parts")
    if args.baseline:
        words += ["--baseline", "COMMAND", "--baseline-label", shlex.quote(args.baseline_label)]
    return " ".join([*words, "--readme"] if args.readme else words)


def _memory() -> str:
    try:
        with Path("/proc/meminfo").open(encoding="ascii") as handle:
            kib = int(handle.readline().split()[1])
    except (OSError, ValueError, IndexError):
        return "?"
    return f"{kib / 1024 / 1024:.0f} GiB"


def _install() -> str:
    """How the timed analyzer is installed: ``regular`` (as ``pip install .``) or ``editable`` (``pip install -e``)."""
    from importlib import metadata

    try:
        text = metadata.distribution("rustgo-analyzer").read_text("direct_url.json")
    except metadata.PackageNotFoundError:
        return "not installed (python -m analyzer)"
    try:
        editable = bool(text and json.loads(text).get("dir_info", {}).get("editable"))
    except (ValueError, AttributeError):
        editable = False
    return "editable" if editable else "regular"


def _commit() -> str:
    """The project's commit this benchmark ran from, ``+changes`` when its work tree differs from it."""
    root = Path(__file__).resolve().parents[1]
    head = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True, check=False
    )
    if head.returncode != 0:
        return "?"
    dirty = subprocess.run(["git", "status", "--porcelain"], cwd=root, capture_output=True, text=True, check=False)
    return head.stdout.strip() + ("+changes" if dirty.stdout.strip() else "")


def _load() -> str:
    """The load average over the last minute (what else the machine was doing)."""
    try:
        return f"{os.getloadavg()[0]:.2f}"
    except OSError:
        return "?"


def _versions(load_before: str) -> dict[str, str]:
    found = {
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": str(os.cpu_count()),
        "memory": _memory(),
        "analyzer install": _install(),
        "checkout": _commit(),
        "load average (1 min) before and after": f"{load_before} / {_load()}",
    }
    for name in ("rg", "cloc", "github-linguist"):
        argv = [name, "--version"]
        if shutil.which(argv[0]):
            out = subprocess.run(argv, capture_output=True, text=True, check=False).stdout
            found[name] = (out.strip().splitlines() or ["?"])[0]
    return found


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("trees", nargs="*", type=Path, metavar="TREE")
    parser.add_argument("--runs", type=int, default=5, help="timed rounds after the warm-up round (default 5)")
    parser.add_argument("--readme", action="store_true", help="write this run's figures into bench/README.md")
    parser.add_argument("--jobs", type=int, help="passed to analyze --jobs and analyze batch --jobs")
    parser.add_argument(
        "--baseline",
        metavar="COMMAND",
        help="another analyze command (e.g. an older install's console script) timed in the same rounds",
    )
    parser.add_argument(
        "--baseline-label", default="baseline", metavar="TEXT", help="what the baseline rows are called"
    )
    parser.add_argument("--json", type=Path, metavar="FILE", help="write all figures to FILE as JSON")
    parser.add_argument(
        "--portfolio",
        type=int,
        default=0,
        metavar="N",
        help="also time analyze batch over N git repositories made from the fixtures (first run, reused re-run)",
    )
    parser.add_argument(
        "--fit-parts", action="store_true", help="also time parts of each tree (1/8, 1/4, 1/2) for the cost fit"
    )
    parser.add_argument("--timeout", type=float, default=1800, help="seconds before a run is killed")
    parser.add_argument("--micro-mb", type=float, default=50, help="MB of text for the micro-benchmark")
    parser.add_argument("--micro-budget", type=float, default=20, help="seconds one engine pass may take")
    return parser


@dataclass
class Figures:
    """Everything one run measured, gathered as it goes (the README block and the JSON are made from it)."""

    summary: list[str] = field(default_factory=list)
    detail: list[str] = field(default_factory=list)
    trees: list[dict[str, object]] = field(default_factory=list)
    points: list[FitPoint] = field(default_factory=list)
    startup: list[ToolResult] = field(default_factory=list)
    batch: list[BatchResult] = field(default_factory=list)

    def lines(self) -> list[str]:
        """The README's figures: the issue's summary, every tool per tree, start-up, the portfolio, the fit."""
        found: list[str] = []
        if self.summary:
            found += [*SUMMARY_TABLE, *self.summary, "", "Every tool:", "", *TREE_TABLE, *self.detail, ""]
        if self.startup:
            found += [*STARTUP_TABLE, *startup_rows(self.startup), ""]
        if self.batch:
            repos = self.batch[0].repos
            found += [f"`analyze batch` over {repos} git repositories made from the fixtures:", ""]
            found += [*BATCH_TABLE, *batch_rows(self.batch), ""]
        return found + fit_lines(self.points)


def measure_tree(tree: Path, args: argparse.Namespace, patterns: Sequence[str], figures: Figures) -> None:
    """Every tool on one tree, its parts when asked, and the matcher micro-benchmark."""
    listing = list_tree(tree)
    with tempfile.TemporaryDirectory(prefix="bench-") as scratch:
        tools = measure_tools(tree, args, patterns, Path(scratch))
    if args.fit_parts:
        with tempfile.TemporaryDirectory(prefix="bench-fit-") as scratch:
            figures.points += subset_points(tree, listing, args, Path(scratch))
    fitted = "analyze --jobs 1" if args.jobs is None else "analyze"  # the costs of one process, pool aside
    figures.points += [
        FitPoint(tree.name, len(listing.files), listing.bytes / MB, t.seconds)
        for t in tools
        if t.tool == fitted and t.seconds
    ]
    texts = read_text(listing.files, int(args.micro_mb * MB))
    engines = micro(texts, patterns, args.runs, args.micro_budget)
    print(render(tree, listing, tools, engines), end="\n\n", flush=True)
    figures.trees.append(
        {
            "tree": str(tree),
            "listing": listing.source,
            "files": len(listing.files),
            "bytes": listing.bytes,
            "tools": [asdict(t) for t in tools],
            "micro": [asdict(e) for e in engines],
        }
    )
    figures.summary += summary_rows(tree.name, len(listing.files), listing.bytes / MB, tools)
    figures.detail += markdown_rows(tree.name, len(listing.files), listing.bytes / MB, tools)


def measure_small(args: argparse.Namespace, figures: Figures) -> None:
    """The start-up rows, and the batch over the portfolio when asked; the small runs join the cost fit."""
    with tempfile.TemporaryDirectory(prefix="bench-") as scratch:
        figures.startup = measure_startup(args, Path(scratch))
    for t in figures.startup:
        print(
            f"{t.tool:<40}{_fmt(t.seconds, 3):>9} s wall{_fmt(t.cpu_seconds, 3):>9} s cpu"
            f"{_fmt(t.peak_rss_mib, 1):>9} MiB  {t.note}".rstrip()
        )
    sizes = {
        "analyze 5-file repo": (len(FIVE_FILES), sum(len(text) for _, text in FIVE_FILES) / MB),
        "analyze flask fixture": _folder_size(FLASK),
    }
    figures.points += [
        FitPoint(t.tool.removeprefix("analyze "), *sizes[t.tool], t.seconds)
        for t in figures.startup
        if t.tool in sizes and t.seconds
    ]
    if args.portfolio > 0:
        with tempfile.TemporaryDirectory(prefix="bench-batch-") as scratch:
            portfolio = Path(scratch) / "portfolio"
            portfolio.mkdir()
            started = time.perf_counter()
            repos = build_portfolio(portfolio, args.portfolio)
            print(f"portfolio: {len(repos)} git repositories, made in {time.perf_counter() - started:.0f} s (untimed)")
            figures.batch = measure_batch(args, portfolio, len(repos), Path(scratch))
        for b in figures.batch:
            t = b.result
            rate = f"{b.per_minute:,.0f} repos/min" if b.per_minute else t.note
            print(
                f"{t.tool + ', ' + b.kind:<40}{_fmt(t.seconds, 3):>9} s wall{_fmt(t.cpu_seconds, 3):>9} s cpu"
                f"  {rate}  {b.outcome}"
            )


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.runs < 1:
        _parser().error("--runs must be at least 1")
    load_before = _load()
    patterns = content_patterns()
    figures = Figures()
    for tree in args.trees:
        if not tree.is_dir():
            print(f"{tree}: not a directory, skipped", file=sys.stderr)
            continue
        measure_tree(tree.resolve(), args, patterns, figures)
    measure_small(args, figures)
    fitted = fit_lines(figures.points)
    if fitted:
        print("\n".join(fitted))
    environment = _versions(load_before)
    if args.json:
        report = {
            "environment": environment,
            "command": command_line(args),
            "patterns": len(patterns),
            "trees": figures.trees,
            "startup": [asdict(t) for t in figures.startup],
            "batch": [asdict(b) for b in figures.batch],
            "fit": [asdict(p) for p in figures.points],
        }
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    if args.readme:
        write_readme(environment, args.runs, figures.lines(), command_line(args))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
