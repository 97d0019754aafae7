"""The benchmark script's plumbing: pattern export ripgrep accepts, tree listing, linguist snapshot, --help.

No timing is asserted here: the benchmark reports figures, it does not pass or fail them.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import git
import pytest

from tests.conftest import needs

BENCH = Path(__file__).resolve().parents[1] / "bench" / "bench.py"
RG = shutil.which("rg")


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_script", BENCH)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses resolve their string annotations through sys.modules
    spec.loader.exec_module(module)
    return module


def test_help_runs() -> None:
    done = subprocess.run([sys.executable, str(BENCH), "--help"], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert "--runs" in done.stdout
    assert "--json" in done.stdout


def test_pattern_export_is_not_empty(bench: ModuleType, tmp_path: Path) -> None:
    patterns = bench.content_patterns()
    target = tmp_path / "patterns.txt"
    dropped = bench.write_patterns(patterns, target)
    lines = target.read_text(encoding="utf-8").splitlines()
    assert lines
    assert len(lines) + dropped == len(patterns)
    assert len(set(lines)) == len(lines)


def test_ripgrep_accepts_exported_patterns(bench: ModuleType, tmp_path: Path) -> None:
    needs("ripgrep (Debian: apt-get install ripgrep)", RG is not None)
    patterns = bench.content_patterns()
    kept, flags, note = bench.rg_patterns(RG, patterns, tmp_path)
    assert kept == patterns, note
    assert flags == []
    bench.write_patterns(kept, tmp_path / "patterns.txt")
    sample = tmp_path / "src" / "main.rs"
    sample.parent.mkdir()
    sample.write_text("fn main() {}\n", encoding="utf-8")
    done = subprocess.run(
        [RG, "--no-messages", "-c", "-f", str(tmp_path / "patterns.txt"), str(sample.parent)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode in (0, 1), done.stderr


@pytest.mark.parametrize(
    ("extra", "kept_count"),
    [
        pytest.param(r"\bfoo\b", 2, id="plain"),
        pytest.param("a(b", 1, id="unbalanced-dropped"),
        pytest.param("two\nlines", 1, id="multi-line-dropped"),
    ],
)
def test_ripgrep_refusals_are_dropped(bench: ModuleType, tmp_path: Path, extra: str, kept_count: int) -> None:
    needs("ripgrep (Debian: apt-get install ripgrep)", RG is not None)
    kept, flags, note = bench.rg_patterns(RG, ["alpha", extra], tmp_path)
    assert kept[0] == "alpha"
    assert len(kept) == kept_count
    assert flags == []
    assert note.startswith(f"{kept_count} patterns")


def test_lookbehind_needs_pcre2_or_is_dropped(bench: ModuleType, tmp_path: Path) -> None:
    needs("ripgrep (Debian: apt-get install ripgrep)", RG is not None)
    kept, flags, _ = bench.rg_patterns(RG, ["alpha", "(?<=x)y"], tmp_path)
    if flags:
        assert (flags, kept) == (["--engine", "auto"], ["alpha", "(?<=x)y"])
    else:
        assert kept == ["alpha"]


@pytest.mark.parametrize(
    "as_repo",
    [pytest.param(True, id="git-work-tree"), pytest.param(False, id="plain-folder")],
)
def test_listing_counts_regular_files_without_git(bench: ModuleType, tmp_path: Path, as_repo: bool) -> None:
    tree = tmp_path / "tree"
    (tree / "src").mkdir(parents=True)
    (tree / "src" / "a.go").write_bytes(b"package a\n")
    (tree / "README").write_bytes(b"12345")
    (tree / "link").symlink_to(tmp_path)
    if as_repo:
        bench.commit_snapshot(tree)
    listing = bench.list_tree(tree)
    assert listing.source == ("git" if as_repo else "walk")
    assert sorted(p.name for p in listing.files) == ["README", "a.go"]
    assert listing.bytes == 15


def test_linguist_copy_is_a_committed_repo(bench: ModuleType, tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "main.go").write_text("package main\n", encoding="utf-8")
    with bench.linguist_repo(tree) as (repo_dir, note):
        assert repo_dir != tree
        assert "copy" in note
        repo = git.Repo(repo_dir)
        assert [b.path for b in repo.head.commit.tree.blobs] == ["main.go"]
    assert not repo_dir.exists()
    assert not (tree / ".git").exists()


def test_peak_rss_is_the_commands_own(bench: ModuleType, tmp_path: Path) -> None:
    """/bin/true measured from this (large) Python process reads a few MiB, not this process's resident set."""
    needs("GNU time (Debian: apt-get install time)", Path(bench.TIME).exists())
    ballast = bytearray(300 << 20)  # make this process's resident set large, as a real benchmark parent's is
    ballast[::4096] = b"x" * len(ballast[::4096])
    sample, _ = bench.run_once(["/bin/true"], tmp_path, 60)
    assert sample.returncode == 0
    assert sample.peak_rss_mib < 50


def test_tools_alternate_and_the_warm_up_is_not_counted(bench: ModuleType, tmp_path: Path) -> None:
    log = tmp_path / "order.log"
    tools = [bench.Tool(name, ("sh", "-c", f"echo {name} >> {log}")) for name in ("a", "b", "c")]
    results = bench.time_tools(tools, 2, tmp_path, 60)
    assert log.read_text().split() == ["a", "b", "c", "b", "c", "a", "c", "a", "b"]
    assert [len(r.seconds_all) for r in results] == [2, 2, 2]
    failing = bench.time_tools([bench.Tool("bad", ("sh", "-c", "echo oops >&2; exit 4"))], 2, tmp_path, 60)
    assert failing[0].status == "failed"
    assert "exit 4: oops" in failing[0].note


def test_readme_figures_are_replaced_between_the_markers(bench: ModuleType, tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(f"# B\n\n{bench.FIGURES_START}old\n{bench.FIGURES_END}\n\n## After\n", encoding="utf-8")
    result = bench.ToolResult("analyze", "ok", ("analyze",), seconds=1.5, cpu_seconds=1.4, peak_rss_mib=40.0)
    reference = bench.ToolResult(bench.REFERENCE, "ok", ("rg",), seconds=0.5, cpu_seconds=0.9, peak_rss_mib=20.0)
    cloc = bench.ToolResult("cloc", "ok", ("cloc",), seconds=6.0, cpu_seconds=6.0, peak_rss_mib=70.0)
    serial = bench.ToolResult("analyze --jobs 1", "ok", ("analyze",), seconds=2.0, cpu_seconds=1.9, peak_rss_mib=39.0)
    tools = [result, serial, reference, cloc]
    figures = bench.Figures(
        summary=bench.summary_rows("loki", 17800, 300.0, tools), detail=bench.markdown_rows("loki", 17800, 300.0, tools)
    )
    for header, rows in ((bench.SUMMARY_TABLE[0], figures.summary), (bench.TREE_TABLE[0], figures.detail)):
        assert {row.count("|") for row in rows} == {header.count("|")}
    bench.write_readme({"cpus": "2"}, 5, figures.lines(), "python bench/bench.py loki --readme", readme)
    text = readme.read_text(encoding="utf-8")
    assert "old" not in text
    assert text.endswith("## After\n")
    assert "| loki | 17,800 | 300.0 | analyze | 1.50 | 1.40 | 3.0 | 40.0 |" in text
    # the table: rg, linguist (not installed here: -), cloc, then analyze with its three ratios
    assert "| loki | 17,800 | 300.0 | 0.50 | - | 6.00 | analyze | 1.50 | 1.40 | 3.00 | - | 0.25 | 40.0 |" in text
    assert "| | | | | | | analyze --jobs 1 | 2.00 | 1.90 | 4.00 | - | 0.33 | 39.0 |" in text
    assert "by `python bench/bench.py loki --readme` on: cpus 2." in text


def test_the_readme_command_names_no_machine_path(bench: ModuleType) -> None:
    args = bench._parser().parse_args(
        [
            "/somewhere/trees/babel+babel",
            "--portfolio",
            "380",
            "--fit-parts",
            "--baseline",
            "/opt/old/bin/analyze",
            "--readme",
        ]
    )
    line = bench.command_line(args)
    assert line == (
        "python bench/bench.py babel+babel --portfolio 380 --fit-parts --baseline COMMAND --baseline-label baseline"
        " --readme"
    )


def test_costs_are_fitted_from_three_points(bench: ModuleType) -> None:
    points = [(5, 0.0, 0.3 + 5e-5 * 5), (1000, 10.0, 0.3 + 1000 * 5e-5 + 10 * 0.02), (20000, 3.0, 0.3 + 1.0 + 0.06)]
    start, per_file, per_mb = bench.fit_costs(points)
    assert (round(start, 6), round(per_file, 9), round(per_mb, 6)) == (0.3, 5e-5, 0.02)
    assert bench.fit_costs(points[:2]) is None


def test_costs_are_a_least_squares_fit_with_residuals(bench: ModuleType) -> None:
    """Ten runs that do not lie on one plane: the fit is the one that minimizes the squared residuals (their sum
    is zero and they are orthogonal to files and MB), and the README lines give each residual."""
    sizes = [(5, 0.0), (14, 0.05), (2200, 5.0), (3400, 4.0), (6900, 10.0), (13800, 20.0), (27700, 40.0)]
    sizes += [(2200, 37.0), (4500, 75.0), (17800, 300.0)]
    noise = [0.01, -0.02, 0.03, -0.01, 0.02, -0.03, 0.01, -0.02, 0.04, -0.02]
    truth = (0.2, 40e-6, 5e-3)
    seconds = [truth[0] + truth[1] * f + truth[2] * mb + e for (f, mb), e in zip(sizes, noise, strict=True)]
    points = [(f, mb, s) for (f, mb), s in zip(sizes, seconds, strict=True)]
    start, per_file, per_mb = bench.fit_costs(points)
    residuals = [s - (start + per_file * f + per_mb * mb) for f, mb, s in points]
    assert abs(sum(residuals)) < 1e-9
    assert abs(sum(r * f for r, (f, _, _) in zip(residuals, points, strict=True))) < 1e-6
    assert abs(sum(r * mb for r, (_, mb, _) in zip(residuals, points, strict=True))) < 1e-7
    assert any(abs(r) > 1e-3 for r in residuals)  # noisy points: a fit, not an exact solve
    assert abs(per_file - truth[1]) < 5e-6
    assert abs(per_mb - truth[2]) < 5e-4
    assert bench.fit_costs([(1000, 10.0, 1.0), (2000, 20.0, 2.0), (4000, 40.0, 3.9)]) is None  # MB ∝ files
    named = [bench.FitPoint(f"run{i}", f, mb, s) for i, (f, mb, s) in enumerate(points)]
    lines = bench.fit_lines(named)
    assert f"{per_file * 1e6:.1f} µs per listed file" in lines[0]
    assert "R²" in lines[0]
    assert len([line for line in lines if line.startswith("| run")]) == len(points) + 1  # the header too
    assert f"{residuals[-1]:+.3f}" in lines[-1]


def test_crossover_script_runs(tmp_path: Path) -> None:
    (tmp_path / "main.go").write_text('package main\n\nimport "crypto/aes"\n', encoding="utf-8")
    script = BENCH.with_name("crossover.py")
    done = subprocess.run(
        [sys.executable, str(script), str(tmp_path), "--rounds", "1", "--sizes", "1"],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "jobs 1 s" in done.stdout


def test_portfolio_rows_say_what_the_batch_did(bench: ModuleType, tmp_path: Path) -> None:
    """A portfolio of three committed fixtures: the first run analyzes all three, the re-run reuses all three, and
    both rows carry timings, repositories per minute and what the warm-up's JSON report said."""
    portfolio = tmp_path / "portfolio"
    portfolio.mkdir()
    repos = bench.build_portfolio(portfolio, 3)
    folders = sorted(p.name for p in bench.FIXTURES.iterdir() if p.is_dir())
    assert [r.name for r in repos] == [f"{name}-0" for name in folders[:3]]
    assert all(git.Repo(r).head.is_valid() for r in repos)
    args = bench._parser().parse_args(["--runs", "1", "--jobs", "2"])
    results = bench.measure_batch(args, portfolio, len(repos), tmp_path)
    assert [(b.kind, b.result.status, b.outcome) for b in results] == [
        ("first run", "ok", "3 ok"),
        ("reused re-run", "ok", "3 reused"),
    ]
    assert all(b.per_minute and b.per_minute > 0 for b in results)
    rows = bench.batch_rows(results)
    assert rows[1].startswith("| reused re-run | 3 | analyze batch | ")
    assert rows[1].endswith(" | 3 reused |")


@pytest.mark.parametrize(
    ("stdout", "said"),
    [
        pytest.param(
            b'{"repos": [{"status": "ok"}, {"status": "failed"}, {"status": "ok"}]}', "1 failed, 2 ok", id="ok"
        ),
        pytest.param(b"not json", "no readable JSON report", id="garbage"),
        pytest.param(b'{"rows": []}', "no readable JSON report", id="other-shape"),
    ],
)
def test_batch_outcome_counts_the_statuses(bench: ModuleType, stdout: bytes, said: str) -> None:
    assert bench._outcome(stdout) == said
