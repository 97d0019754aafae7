"""Times `analyze` against ripgrep, github-linguist and cloc on the same trees, plus a regex-engine micro-benchmark.

Usage: python bench/bench.py TREE [TREE...] [--runs N] [--jobs N] [--json FILE]

Every tool runs once as a warm-up (so the page cache is hot for all alike), then ``--runs`` times; the table gives
the best wall time, CPU time, throughput over the tree's bytes and peak RSS (from ``os.wait4``, the per-child
form of ``getrusage``). ripgrep gets the rule set's own content patterns. The micro-benchmark runs those patterns
over the tree's text with one Python ``re`` alternation, with a Python ``re`` loop (the analyzer's fallback) and
with the RE2 Set the analyzer uses. The figures are measurements, never pass/fail; see bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

INSTALL_HINT = "apt-get install ripgrep cloc ruby-github-linguist"
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
    """Best wall time of the timed runs."""
    seconds_all: tuple[float, ...] = ()
    cpu_seconds: float | None = None
    """User plus system time of the best run, children included (above ``seconds`` when parallel)."""
    peak_rss_mib: float | None = None
    """Largest resident set of any single process of the command, over all timed runs."""


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
    done = subprocess.run([rg, *flags, "--no-messages", "-c", "-f", str(pattern_file), str(empty)],
                          capture_output=True, check=False)
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


def _walk(tree: Path) -> Iterator[Path]:
    for folder, dirs, names in os.walk(tree, followlinks=False):
        dirs[:] = sorted(d for d in dirs if d != ".git")
        yield from (Path(folder) / n for n in sorted(names))


def run_once(argv: Sequence[str], cwd: Path, timeout: float) -> tuple[Sample, str]:
    """Run a command with its output in a file (a grep may quit early into /dev/null); return figures, stderr."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(argv, cwd=cwd, stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                                start_new_session=True)
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
    sample = Sample(seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, proc.returncode)
    return sample, stderr


def time_tool(tool: Tool, runs: int, cwd: Path, timeout: float) -> ToolResult:
    """One warm-up, then ``runs`` timed runs; a failing warm-up is reported and not timed."""
    warm, stderr = run_once(tool.argv, cwd, timeout)
    if warm.returncode not in tool.ok_codes:
        last = (stderr.strip().splitlines() or ["no message"])[-1][:200]
        return ToolResult(tool.name, "failed", tool.argv, f"exit {warm.returncode}: {last}")
    samples = [run_once(tool.argv, cwd, timeout)[0] for _ in range(runs)]
    best = min(samples, key=lambda s: s.seconds)
    return ToolResult(tool.name, "ok", tool.argv, tool.note, best.seconds, tuple(s.seconds for s in samples),
                      best.cpu_seconds, max(s.peak_rss_mib for s in samples))


@contextmanager
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
    who = {"GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@invalid",
           "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@invalid"}
    with repo.git.custom_environment(**who):
        repo.git.add("--all")
        repo.git.commit("-q", "--no-verify", "--no-gpg-sign", "--allow-empty", "-m", "benchmark snapshot")


def measure_tools(tree: Path, args: argparse.Namespace, patterns: Sequence[str], scratch: Path) -> list[ToolResult]:
    """Time analyze and the other tools on one tree, skipping any that is not installed."""
    jobs = ("--jobs", str(args.jobs)) if args.jobs is not None else ()
    analyze = Tool("analyze", (sys.executable, "-m", "analyzer", str(tree), "--format", "json", *jobs))
    results = [time_tool(analyze, args.runs, scratch, args.timeout)]
    rg, linguist, cloc = shutil.which("rg"), shutil.which("github-linguist"), shutil.which("cloc")
    if rg:
        kept, flags, note = rg_patterns(rg, patterns, scratch)
        write_patterns(kept, scratch / "patterns.txt")
        argv = (rg, *flags, "--no-messages", "-c", "-f", str(scratch / "patterns.txt"), str(tree))
        results.append(time_tool(Tool("ripgrep", argv, (0, 1), note), args.runs, scratch, args.timeout))
        # RE2's \b, \w and \s are ASCII, ripgrep's are Unicode unless told: this row matches like the analyzer.
        ascii_rg = Tool("rg --no-unicode", (*argv[:-1], "--no-unicode", str(tree)), (0, 1), "ASCII classes, as RE2")
        results.append(time_tool(ascii_rg, args.runs, scratch, args.timeout))
    else:
        results += [_missing("ripgrep", "rg"), _missing("rg --no-unicode", "rg")]
    if linguist:
        with linguist_repo(tree) as (repo, where):
            argv = (linguist, "--breakdown", "--json", str(repo))
            results.append(time_tool(Tool("github-linguist", argv, note=where), args.runs, scratch, args.timeout))
    else:
        results.append(_missing("github-linguist", "github-linguist"))
    if cloc:
        argv = (cloc, "--quiet", "--json", str(tree))
        results.append(time_tool(Tool("cloc", argv), args.runs, scratch, args.timeout))
    else:
        results.append(_missing("cloc", "cloc"))
    return results


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


def _scan(texts: Sequence[tuple[str, int]], scan: Callable[[str], object], runs: int,
          budget: float) -> tuple[float, int]:
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
    """MB/s of a Python ``re`` alternation, the Python ``re`` loop fallback and the RE2 Set, per file."""
    from analyzer.facts import matcher as matching

    alternation = re.compile("|".join(f"(?:{p})" for p in patterns), re.MULTILINE)
    multi = matching._MultiRegex(patterns, multiline=True)
    compiled = [multi.compiled(i) for i in range(len(patterns))]
    engines: list[tuple[str, Callable[[str], object] | None, str]] = [
        ("python re alternation (finditer)", lambda t: sum(1 for _ in alternation.finditer(t)), ""),
        ("python re loop (analyzer fallback)", lambda t: [c for c in compiled if c.search(t)], ""),
        ("re2 Set (analyzer)", multi.matching if matching.re2 is not None else None, "google-re2 not installed"),
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
    """The plain-text table of one tree."""
    base = next((t.seconds for t in tools if t.tool == "analyze"), None)
    lines = [f"{tree}: {len(listing.files)} files, {listing.bytes / MB:.2f} MB (listed by {listing.source})",
             f"{'tool':<16}{'wall s':>9}{'cpu s':>9}{'tool/analyze':>14}{'analyze/tool':>14}{'MB/s':>9}"
             f"{'peak RSS MiB':>14}  note"]
    for t in tools:
        ratio = inverse = mbps = None
        if t.seconds and base:
            ratio, inverse, mbps = t.seconds / base, base / t.seconds, listing.bytes / MB / t.seconds
        note = t.note if t.status == "ok" else f"{t.status.upper()}: {t.note}"
        lines.append(f"{t.tool:<16}{_fmt(t.seconds):>9}{_fmt(t.cpu_seconds):>9}{_fmt(ratio):>14}"
                     f"{_fmt(inverse):>14}{_fmt(mbps, 2):>9}{_fmt(t.peak_rss_mib, 1):>14}  {note}")
    lines.append("tool/analyze = tool wall s / analyze wall s (above 1: the tool is slower than analyze); "
                 "analyze/tool is its inverse.")
    lines.append("matcher micro-benchmark (all content patterns, per file):")
    for e in engines:
        lines.append(f"  {e.engine:<36}{_fmt(e.mb_per_s, 2):>10} MB/s over {e.bytes_scanned / MB:.2f} MB"
                     f" in {e.seconds:.1f} s {e.note}".rstrip())
    return "\n".join(lines)


def _versions() -> dict[str, str]:
    found = {"python": platform.python_version(), "machine": platform.machine(), "cpus": str(os.cpu_count())}
    for name in ("rg", "cloc", "github-linguist"):
        argv = [name, "--version"]
        if shutil.which(argv[0]):
            out = subprocess.run(argv, capture_output=True, text=True, check=False).stdout
            found[name] = (out.strip().splitlines() or ["?"])[0]
    return found


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("trees", nargs="+", type=Path, metavar="TREE")
    parser.add_argument("--runs", type=int, default=3, help="timed runs per tool after one warm-up (default 3)")
    parser.add_argument("--jobs", type=int, help="passed to analyze --jobs")
    parser.add_argument("--json", type=Path, metavar="FILE", help="write all figures to FILE as JSON")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds before a run is killed")
    parser.add_argument("--micro-mb", type=float, default=50, help="MB of text for the micro-benchmark")
    parser.add_argument("--micro-budget", type=float, default=20, help="seconds one engine pass may take")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    patterns = content_patterns()
    trees: list[dict[str, object]] = []
    for tree in args.trees:
        if not tree.is_dir():
            print(f"{tree}: not a directory, skipped", file=sys.stderr)
            continue
        tree = tree.resolve()
        listing = list_tree(tree)
        with tempfile.TemporaryDirectory(prefix="bench-") as scratch:
            tools = measure_tools(tree, args, patterns, Path(scratch))
        texts = read_text(listing.files, int(args.micro_mb * MB))
        engines = micro(texts, patterns, args.runs, args.micro_budget)
        print(render(tree, listing, tools, engines), end="\n\n", flush=True)
        entry = {"tree": str(tree), "listing": listing.source, "files": len(listing.files), "bytes": listing.bytes,
                 "tools": [asdict(t) for t in tools], "micro": [asdict(e) for e in engines]}
        trees.append(entry)
    if args.json:
        report = {"environment": _versions(), "patterns": len(patterns), "trees": trees}
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
