"""The terminal report as a user gets it from the CLI: real widths, colour switches, source, statistics, baselines.

Run through ``main`` with the environment a terminal or a CI log gives it. Every ``path:line`` the report lists
must come out whole on one line at 60, 80, 120 and 200 columns (editors and terminals open it only then), no line
may be wider than the screen, ``--show-source`` prints the hit line with two lines of context, ``--statistics``
counts findings per rule, and a baseline says what it hid in every format.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import git
import pytest
from rich.cells import cell_len

from analyzer.cli.main import main
from analyzer.reports import console
from tests.schemas import errors, sarif_validator

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
LONG_PATHS = FIXTURES / "go-services-rust-core"
ANSI = re.compile(r"\x1b\[[0-9;]*m")
AUTHOR = git.Actor("Test Author", "author@example.com")


def _run(capsys: pytest.CaptureFixture[str], args: list[str], code: int = 0) -> str:
    assert main(args) == code, capsys.readouterr().err
    return capsys.readouterr().out


def _places(report: dict) -> set[str]:  # type: ignore[type-arg]
    return {
        f"{item['path']}:{item['line']}" if item["line"] else item["path"]
        for criterion in report["criteria"]
        for item in criterion["evidence"]
        if item["path"]
    }


@pytest.mark.parametrize("columns", [60, 80, 120, 200])
def test_every_location_stays_whole_at_any_width(
    columns: int, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("COLUMNS", str(columns))
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    text = _run(capsys, [str(LONG_PATHS), "--verbose", "--no-color"])
    report = json.loads(_run(capsys, [str(LONG_PATHS), "--format", "json"]))
    lines = text.splitlines()
    assert max(cell_len(line) for line in lines) <= columns
    places = _places(report)
    assert any(len(p) > 40 for p in places), "the fixture must have a long location for this test to mean anything"
    for location in places:
        assert any(re.search(rf"(^|\s){re.escape(location)}(\s|$)", line) for line in lines), location
    evidence = text.split("Evidence", 1)[1].split("\nMarkers", 1)[0].splitlines()
    rows = [line for line in evidence if line and not line.startswith(" ")]
    assert len(rows) == len(set(rows)), "a fact is listed once"


def test_piped_output_has_a_sane_width(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COLUMNS", raising=False)
    assert console.width({}, fds=()) == console.PIPED_WIDTH == 100
    assert console.width({"COLUMNS": "133"}) == 133
    assert console.width({"COLUMNS": "12"}) == console.MIN_WIDTH
    assert console.width({"COLUMNS": "wide"}, fds=()) == 100


@pytest.mark.parametrize(
    ("environ", "isatty", "no_color", "expected"),
    [
        pytest.param({}, True, False, True, id="terminal"),
        pytest.param({}, False, False, False, id="piped"),
        pytest.param({"FORCE_COLOR": "1"}, False, False, True, id="force-color-when-piped"),
        pytest.param({"NO_COLOR": "1"}, True, False, False, id="no-color"),
        pytest.param({"NO_COLOR": "1", "FORCE_COLOR": "1"}, True, False, False, id="no-color-wins"),
        pytest.param({"FORCE_COLOR": "1"}, True, True, False, id="flag-wins"),
        pytest.param({"TERM": "dumb"}, True, False, False, id="dumb-terminal"),
        pytest.param({"TERM": "dumb", "FORCE_COLOR": "1"}, True, False, True, id="force-beats-dumb"),
        pytest.param({"NO_COLOR": ""}, True, False, True, id="empty-no-color-is-unset"),
    ],
)
def test_colour_switches(environ: dict[str, str], isatty: bool, no_color: bool, expected: bool) -> None:
    assert console.wants_color(environ, isatty=isatty, no_color=no_color) is expected


@pytest.mark.parametrize(
    ("extra_env", "coloured"),
    [
        pytest.param({"FORCE_COLOR": "1"}, True, id="force-color"),
        pytest.param({"FORCE_COLOR": "1", "NO_COLOR": "1"}, False, id="no-color"),
        pytest.param({}, False, id="piped"),
    ],
)
def test_colour_through_a_real_pipe(extra_env: dict[str, str], coloured: bool) -> None:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(Path.home()), **extra_env}
    done = subprocess.run(
        [sys.executable, "-m", "analyzer", str(FIXTURES / "rust-cli-tool")],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert bool(ANSI.search(done.stdout)) is coloured
    assert max(cell_len(ANSI.sub("", line)) for line in done.stdout.splitlines()) <= 100  # piped: 100 columns


def test_show_source_prints_the_hit_with_context(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("COLUMNS", "100")
    text = _run(capsys, [str(LONG_PATHS), "--show-source", "--no-color"])
    source = (LONG_PATHS / "engine" / "src" / "lib.rs").read_text(encoding="utf-8").splitlines()
    hit = next(n for n, line in enumerate(source, 1) if "#[no_mangle]" in line)
    assert f"engine/src/lib.rs:{hit}" in text
    assert re.search(rf"^  > {hit} │ #\[no_mangle\]$", text, flags=re.MULTILINE)
    for context in (hit - 1, hit + 1, hit + 2):
        assert re.search(rf"^    {context} │( |$)", text, flags=re.MULTILINE), context
    assert " │ " not in _run(capsys, [str(LONG_PATHS), "--no-color"])  # only on request


def test_show_source_reads_the_analyzed_revision(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "repo"
    shutil.copytree(FIXTURES / "c-json-parser", root)
    handle = git.Repo.init(root)
    handle.git.add("-A")
    handle.index.commit("c library", author=AUTHOR, committer=AUTHOR)
    handle.close()
    for path in root.rglob("*.c"):
        path.write_text("/* rewritten in the work tree */\n", encoding="utf-8")
    text = _run(capsys, [str(root), "--rev", "HEAD", "--show-source", "--no-color"])
    assert re.search(r"^  > \d+ │ .*(malloc|free|memcpy|strcpy|sprintf|realloc)", text, flags=re.MULTILINE)
    assert "rewritten in the work tree" not in text


def test_statistics_count_counted_findings_per_rule(capsys: pytest.CaptureFixture[str]) -> None:
    report = json.loads(_run(capsys, [str(LONG_PATHS), "--format", "json"]))
    text = _run(capsys, [str(LONG_PATHS), "--statistics", "--no-color"])
    block = text.split("Statistics", 1)[1].split("\n\n", 1)[0]
    counts = {}
    for finding in report["findings"]:
        if finding["excluded"] is None:
            counts[finding["rule"]] = counts.get(finding["rule"], 0) + 1
    for rule, count in counts.items():
        assert re.search(rf"^ *{count}  {rule}  ", block, flags=re.MULTILINE), rule
    listed = [int(m) for m in re.findall(r"^ *(\d+)  [A-Z]+\d+  ", block, flags=re.MULTILINE)]
    assert listed == sorted(listed, reverse=True)


def test_language_share_points_at_the_largest_counted_file(capsys: pytest.CaptureFixture[str]) -> None:
    report = json.loads(_run(capsys, [str(LONG_PATHS), "--format", "json"]))
    shares = [i for c in report["criteria"] for i in c["evidence"] if i["rule"] == "LANG" and i["component"] == "."]
    assert shares
    for item in shares:
        suffix = {"Rust": ".rs", "Go": ".go"}.get(item["marker"])
        if suffix is None:
            continue
        files = [p for p in LONG_PATHS.rglob(f"*{suffix}") if "test" not in p.name]
        largest = max(files, key=lambda p: p.stat().st_size)
        assert item["path"] == largest.relative_to(LONG_PATHS).as_posix()


def _baseline_repo(tmp_path: Path) -> tuple[Path, Path]:
    root = tmp_path / "repo"
    shutil.copytree(FIXTURES / "go-cli-tool", root)
    baseline = tmp_path / "baseline.json"
    assert main([str(root), "--write-baseline", str(baseline), "-q"]) == 0
    extra = root / "cmd" / "spawn.go"
    extra.parent.mkdir(exist_ok=True)
    extra.write_text("package cmd\n\nfunc spawn(f func()) {\n\tgo func() { f() }()\n}\n", encoding="utf-8")
    return root, baseline


def test_baseline_says_what_it_hid_in_every_format(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root, baseline = _baseline_repo(tmp_path)
    capsys.readouterr()
    full = json.loads(_run(capsys, [str(root), "--format", "json"]))
    known = len(full["findings"]) - sum(1 for f in full["findings"] if f["path"] == "cmd/spawn.go")
    note = f"{known} known findings hidden by the baseline"
    data = json.loads(_run(capsys, [str(root), "--baseline", str(baseline), "--format", "json"]))
    assert data["hidden_by_baseline"] == known
    assert {f["path"] for f in data["findings"]} == {"cmd/spawn.go"}
    terminal = _run(capsys, [str(root), "--baseline", str(baseline), "--no-color"])
    assert note in terminal
    new_block = terminal.split("New findings", 1)[1].split("\n\n", 1)[0]
    assert "cmd/spawn.go:4" in new_block
    assert note in _run(capsys, [str(root), "--baseline", str(baseline), "--format", "markdown"])
    assert note in _run(capsys, [str(root), "--baseline", str(baseline), "--format", "github"]).splitlines()[0]
    sarif = json.loads(_run(capsys, [str(root), "--baseline", str(baseline), "--format", "sarif"]))
    assert sarif["runs"][0]["properties"]["hiddenByBaseline"] == known
    assert errors(sarif_validator(), sarif) == []  # the baseline path's SARIF is valid too
    code = main([str(root), "--baseline", str(baseline), "--fail-on", "findings", "--no-color"])
    captured = capsys.readouterr()
    assert code == 1
    assert note in captured.out  # the report still comes out, listing what failed the policy
    assert "cmd/spawn.go:4" in captured.out
    assert "policy failed" in captured.err


def test_readme_examples_are_current() -> None:
    from golden import README, readme_with_examples

    text = README.read_text(encoding="utf-8")
    assert "--show-source" in text.split("<!-- show-source:start -->", 1)[1].split("<!-- show-source:end -->")[0]
    assert readme_with_examples(text) == text, "stale README example runs: run `python tests/golden.py`"
