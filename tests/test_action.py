"""The GitHub Action's script, ci/github/action.sh, run for real outside GitHub.

Each test builds a real git repository with two commits (a Flask service, then a wasm-bindgen crate beside
it), points the script's environment at temporary files the way a runner would ($GITHUB_OUTPUT,
$GITHUB_STEP_SUMMARY, $GITHUB_EVENT_PATH, $RUNNER_TEMP) and checks the files it writes. The analyzer is the
installed one (``sys.executable -m analyzer``). Parts that need CLI options not yet present are skipped with
the missing option named, so the tests start checking them as soon as they land.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest
from git import Actor, Repo

from tests.conftest import needs

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "ci" / "github" / "action.sh"
FIXTURES = ROOT / "fixtures"
AUTHOR = Actor("Action Test", "action-test@example.com")
MARKER = "<!-- rustgo-report -->"
VERDICTS = {"rust", "go", "both", "undecided"}


@dataclass(frozen=True)
class TwoCommits:
    """A work tree whose second commit adds a wasm-bindgen crate."""

    path: Path
    base: str
    head: str


@dataclass(frozen=True)
class Run:
    """What one run of the script left behind."""

    returncode: int
    stdout: str
    stderr: str
    outputs: dict[str, str]
    summary: str


def _commit_all(repo: Repo, message: str) -> str:
    repo.git.add(A=True)
    return repo.index.commit(message, author=AUTHOR, committer=AUTHOR).hexsha


def make_repo(path: Path) -> TwoCommits:
    shutil.copytree(FIXTURES / "py-flask-service", path)
    repo = Repo.init(path)
    base = _commit_all(repo, "Flask inventory service")
    shutil.copytree(FIXTURES / "rust-wasm-lib", path / "wasm")
    head = _commit_all(repo, "Add a wasm-bindgen renderer")
    return TwoCommits(path, base, head)


@pytest.fixture(scope="module")
def origin(tmp_path_factory: pytest.TempPathFactory) -> TwoCommits:
    return make_repo(tmp_path_factory.mktemp("origin") / "repo")


@pytest.fixture
def checkout(origin: TwoCommits, tmp_path: Path) -> TwoCommits:
    """A fresh copy per test, so no run sees another's files."""
    shutil.copytree(origin.path, tmp_path / "repo", symlinks=True)
    return TwoCommits(tmp_path / "repo", origin.base, origin.head)


def parse_outputs(text: str) -> dict[str, str]:
    """Read a $GITHUB_OUTPUT file the way the runner does (``name=value`` and ``name<<DELIMITER`` blocks)."""
    outputs: dict[str, str] = {}
    lines = iter(text.splitlines())
    for line in lines:
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delimiter = line.split("<<", 1)
            body: list[str] = []
            for inner in lines:
                if inner == delimiter:
                    break
                body.append(inner)
            else:
                raise AssertionError(f"output {name!r} has no closing delimiter {delimiter!r}")
            outputs[name] = "\n".join(body)
        elif line:
            name, value = line.split("=", 1)
            outputs[name] = value
    return outputs


def _clean_environ() -> dict[str, str]:
    """The test process's environment without anything a runner or the user's config would add."""
    prefixes = ("GITHUB_", "INPUT_", "RUSTGO_", "RUNNER_", "GIT_")
    return {k: v for k, v in os.environ.items() if not k.startswith(prefixes)}


@pytest.fixture
def run_action(tmp_path: Path) -> Callable[..., Run]:
    def run(inputs: Mapping[str, str], event: Mapping[str, object] | None = None) -> Run:
        runner = tmp_path / "runner"
        runner.mkdir(exist_ok=True)
        output_file, summary_file = runner / "output.txt", runner / "summary.md"
        output_file.write_text("", encoding="utf-8")
        summary_file.write_text("", encoding="utf-8")
        env = _clean_environ() | {
            "ANALYZER_PYTHON": sys.executable,
            "GITHUB_OUTPUT": str(output_file),
            "GITHUB_STEP_SUMMARY": str(summary_file),
            "RUNNER_TEMP": str(runner),
            "NO_COLOR": "1",
        }
        if event is not None:
            event_file = runner / "event.json"
            event_file.write_text(json.dumps(event), encoding="utf-8")
            env["GITHUB_EVENT_PATH"] = str(event_file)
        env.update(inputs)
        done = subprocess.run(
            ["bash", str(SCRIPT)], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=300, check=False
        )
        return Run(
            done.returncode,
            done.stdout,
            done.stderr,
            parse_outputs(output_file.read_text("utf-8")),
            summary_file.read_text("utf-8"),
        )

    return run


# --- what the installed CLI can do today -------------------------------------------------------------------


def _analyzer(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "analyzer", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env=_clean_environ() | {"NO_COLOR": "1"},
    )


@pytest.fixture(scope="module")
def cli(origin: TwoCommits, tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], None]:
    """``require(feature)`` skips the test when the installed CLI lacks that feature (probed once each)."""
    scratch = tmp_path_factory.mktemp("probe")
    cache: dict[str, str | None] = {}

    def probe(feature: str) -> str | None:
        """None when the feature works, else why not."""
        if feature == "diff":
            result = _analyzer("diff", "--help", cwd=scratch)
            return None if result.returncode == 0 and "--base" in result.stdout else "`analyze diff` does not exist yet"
        if feature == "fail-on":
            result = _analyzer("diff", "--help", cwd=scratch)
            return None if "--fail-on" in result.stdout else "`analyze diff --fail-on` does not exist yet"
        fmt = feature.removeprefix("format:")
        target = scratch / f"probe.{fmt}"
        result = _analyzer("check", str(origin.path), "--format", f"{fmt}:{target}", cwd=scratch)
        if result.returncode == 0 and target.is_file():
            return None
        return f"`--format {fmt}:FILE` is not supported yet: {(result.stderr or result.stdout).strip()[:200]}"

    def require(feature: str) -> None:
        if feature not in cache:
            cache[feature] = probe(feature)
        reason = cache[feature]
        needs(reason or feature, reason is None)

    return require


def _reports_needed(cli: Callable[[str], None], *, diff: bool) -> None:
    cli("format:markdown")
    cli("format:json")
    if diff:
        cli("diff")


# --- tests ---------------------------------------------------------------------------------------------------


def test_diff_against_explicit_base(
    checkout: TwoCommits, run_action: Callable[..., Run], cli: Callable[[str], None]
) -> None:
    _reports_needed(cli, diff=True)
    result = run_action({"INPUT_PATH": str(checkout.path), "INPUT_BASE": checkout.base})
    assert result.returncode == 0, result.stderr
    assert f"analyze diff {checkout.path} --base {checkout.base}" in result.stdout
    assert result.outputs["verdict"] in VERDICTS
    assert result.outputs["base-verdict"] in VERDICTS
    assert result.outputs["exit-code"] == "0"
    report = Path(result.outputs["report-path"])
    assert report.is_file()
    assert MARKER in report.read_text("utf-8")
    assert "wasm" in report.read_text("utf-8")
    data = json.loads(Path(result.outputs["json-path"]).read_text("utf-8"))
    assert isinstance(data, dict)
    assert result.outputs["sarif-path"] == ""


def test_base_comes_from_the_pull_request_event(
    checkout: TwoCommits, run_action: Callable[..., Run], cli: Callable[[str], None]
) -> None:
    _reports_needed(cli, diff=True)
    event = {"pull_request": {"number": 7, "base": {"sha": checkout.base}, "head": {"sha": checkout.head}}}
    result = run_action({"INPUT_PATH": str(checkout.path)}, event=event)
    assert result.returncode == 0, result.stderr
    assert f"--base {checkout.base}" in result.stdout
    assert result.outputs["base-verdict"] in VERDICTS


@pytest.mark.parametrize(
    ("base", "event"),
    [
        pytest.param("none", {"pull_request": {"base": {"sha": "0" * 40}}}, id="none-overrides-the-event"),
        pytest.param("", None, id="no-event"),
        pytest.param("", {"push": {}, "before": "0" * 40}, id="push-event"),
        pytest.param("", {"pull_request": None}, id="malformed-event"),
    ],
)
def test_whole_tree_without_a_base(
    checkout: TwoCommits,
    run_action: Callable[..., Run],
    cli: Callable[[str], None],
    base: str,
    event: dict[str, object] | None,
) -> None:
    _reports_needed(cli, diff=False)
    result = run_action({"INPUT_PATH": str(checkout.path), "INPUT_BASE": base}, event=event)
    assert result.returncode == 0, result.stderr
    assert f"analyze check {checkout.path}" in result.stdout
    assert result.outputs["base-verdict"] == ""
    direct = _analyzer("check", str(checkout.path), "--format", "json", cwd=checkout.path)
    assert result.outputs["verdict"] == json.loads(direct.stdout)["verdict"]["language"]


@pytest.mark.parametrize(
    ("summary", "expected_markers"),
    [
        pytest.param("true", 1, id="on"),
        pytest.param("TRUE", 1, id="on-any-case"),
        pytest.param("false", 0, id="off"),
    ],
)
def test_job_summary_holds_the_report_once(
    checkout: TwoCommits,
    run_action: Callable[..., Run],
    cli: Callable[[str], None],
    summary: str,
    expected_markers: int,
) -> None:
    _reports_needed(cli, diff=True)
    cli("format:github")
    result = run_action({"INPUT_PATH": str(checkout.path), "INPUT_BASE": checkout.base, "INPUT_SUMMARY": summary})
    assert result.returncode == 0, result.stderr
    assert result.summary.count(MARKER) == expected_markers
    if expected_markers:
        assert Path(result.outputs["report-path"]).read_text("utf-8").strip() in result.summary


def test_sarif_output(checkout: TwoCommits, run_action: Callable[..., Run], cli: Callable[[str], None]) -> None:
    _reports_needed(cli, diff=True)
    cli("format:sarif")
    result = run_action({"INPUT_PATH": str(checkout.path), "INPUT_BASE": checkout.base, "INPUT_SARIF": "true"})
    assert result.returncode == 0, result.stderr
    sarif = json.loads(Path(result.outputs["sarif-path"]).read_text("utf-8"))
    assert sarif["version"] == "2.1.0"
    assert len(sarif["runs"]) == 1


def test_extra_format_specs_are_written(
    checkout: TwoCommits, run_action: Callable[..., Run], tmp_path: Path, cli: Callable[[str], None]
) -> None:
    _reports_needed(cli, diff=False)
    extra = tmp_path / "extra.json"
    result = run_action({"INPUT_PATH": str(checkout.path), "INPUT_BASE": "none", "INPUT_FORMAT": f"\n json:{extra}\n"})
    assert result.returncode == 0, result.stderr
    assert json.loads(extra.read_text("utf-8"))["verdict"]["language"] == result.outputs["verdict"]


def test_expect_mismatch_fails_after_writing_outputs(
    checkout: TwoCommits, run_action: Callable[..., Run], cli: Callable[[str], None]
) -> None:
    _reports_needed(cli, diff=False)
    first = run_action({"INPUT_PATH": str(checkout.path), "INPUT_BASE": "none"})
    other = sorted(VERDICTS - {first.outputs["verdict"]})[0]
    result = run_action({"INPUT_PATH": str(checkout.path), "INPUT_BASE": "none", "INPUT_EXPECT": other})
    assert result.returncode == 1
    assert result.outputs["exit-code"] == "1"
    assert result.outputs["verdict"] == first.outputs["verdict"]
    assert Path(result.outputs["report-path"]).is_file()
    assert MARKER in result.summary


def test_fail_on_verdict_change(
    checkout: TwoCommits, run_action: Callable[..., Run], cli: Callable[[str], None]
) -> None:
    _reports_needed(cli, diff=True)
    cli("fail-on")
    result = run_action(
        {"INPUT_PATH": str(checkout.path), "INPUT_BASE": checkout.base, "INPUT_FAIL_ON": "verdict-change"}
    )
    changed = result.outputs["verdict"] != result.outputs["base-verdict"]
    assert result.returncode == (1 if changed else 0), result.stderr
    assert result.outputs["exit-code"] == str(result.returncode)


def test_fail_on_without_a_base_is_ignored_with_a_warning(
    checkout: TwoCommits, run_action: Callable[..., Run], cli: Callable[[str], None]
) -> None:
    _reports_needed(cli, diff=False)
    result = run_action({"INPUT_PATH": str(checkout.path), "INPUT_BASE": "none", "INPUT_FAIL_ON": "verdict-change"})
    assert result.returncode == 0, result.stderr
    assert "::warning" in result.stdout
    assert "--fail-on" not in result.stdout


def test_base_missing_from_a_shallow_clone_is_fetched(
    origin: TwoCommits, tmp_path: Path, run_action: Callable[..., Run], cli: Callable[[str], None]
) -> None:
    _reports_needed(cli, diff=True)
    clone = Repo.clone_from(origin.path.as_uri(), tmp_path / "shallow", depth=1)
    assert origin.base not in {commit.hexsha for commit in clone.iter_commits()}
    result = run_action({"INPUT_PATH": str(clone.working_dir), "INPUT_BASE": origin.base})
    assert result.returncode == 0, result.stderr
    assert f"fetching base commit {origin.base}" in result.stdout
    assert result.outputs["base-verdict"] in VERDICTS


@pytest.mark.parametrize(
    ("inputs", "message"),
    [
        pytest.param({"INPUT_SUMMARY": "maybe"}, "input summary must be true or false", id="bad-summary"),
        pytest.param({"INPUT_SARIF": "2"}, "input sarif must be true or false", id="bad-sarif"),
        pytest.param({"INPUT_BASE": "--output=/etc/passwd"}, "must not start with '-'", id="option-as-base"),
        pytest.param({"INPUT_PATH": "does/not/exist"}, "is not a directory", id="missing-path"),
        pytest.param(
            {"INPUT_BASE": "0123456789abcdef0123456789abcdef01234567"}, "could not be fetched", id="unknown-base"
        ),
    ],
)
def test_usage_errors_exit_2_with_an_annotation(
    checkout: TwoCommits, run_action: Callable[..., Run], inputs: dict[str, str], message: str
) -> None:
    result = run_action({"INPUT_PATH": str(checkout.path)} | inputs)
    assert result.returncode == 2
    assert "::error title=rustgo-analyzer::" in result.stdout
    assert message in result.stdout
    assert "verdict" not in result.outputs


def test_analyzer_crash_still_writes_empty_outputs(checkout: TwoCommits, run_action: Callable[..., Run]) -> None:
    # An unknown format is a usage error of the analyzer itself: no report, but the outputs say so.
    result = run_action({"INPUT_PATH": str(checkout.path), "INPUT_BASE": "none", "INPUT_FORMAT": "no-such-format"})
    assert result.returncode == 2
    assert result.outputs["exit-code"] == "2"
    assert result.outputs["verdict"] == ""
    assert result.outputs["report-path"] == ""
    assert result.summary == ""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("a=1\nb=two words\n", {"a": "1", "b": "two words"}, id="plain"),
        pytest.param("a<<EOF\nx=1\ny\nEOF\n", {"a": "x=1\ny"}, id="delimited"),
        pytest.param("a<<D\n\nD\nb=c=d\n", {"a": "", "b": "c=d"}, id="empty-and-equals"),
    ],
)
def test_output_file_parser(text: str, expected: dict[str, str]) -> None:
    assert parse_outputs(text) == expected
