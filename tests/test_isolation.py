"""Nothing from an analyzed repository is ever imported (issue 8, item 1).

Each entry point runs as a real subprocess from inside a repository (or a portfolio folder) full of modules that
shadow the standard library, click and the analyzer itself; each shadow writes a canary file when imported.
The run must succeed and no canary may exist afterwards.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from git import Repo

from analyzer.batch.sources import Source, SourceKind
from analyzer.batch.tasks import Settings, Status, Task, run_isolated
from tests.conftest import needs

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "ci" / "github" / "action.sh"
SHADOWS = ("json", "click", "rich", "threading", "signal", "types", "runpy", "tomllib", "git", "venv")
"""Root modules a hostile repository plants: stdlib and dependencies the analyzer, Action or workers import."""
PACKAGES = ("multiprocessing", "analyzer", "pip", "concurrent")


def _canary(canaries: Path, name: str) -> str:
    target = canaries / name
    return f"open({str(target)!r}, 'w').write('imported')\n"


def plant(root: Path, canaries: Path, *, with_analyzer: bool = True) -> None:
    """Shadow modules and packages at ``root``, each writing ``canaries/<name>`` when imported."""
    for name in SHADOWS:
        (root / f"{name}.py").write_text(_canary(canaries, f"{root.name}-{name}"), encoding="utf-8")
    for name in PACKAGES:
        if name == "analyzer" and not with_analyzer:
            continue
        package = root / name
        package.mkdir(exist_ok=True)
        code = _canary(canaries, f"{root.name}-{name}")
        for module in ("__init__.py", "__main__.py", "spawn.py", "resource_tracker.py"):
            (package / module).write_text(code, encoding="utf-8")


def hostile_repo(root: Path, canaries: Path, *, with_analyzer: bool = True) -> Path:
    """A small Go service with shadow modules at its root, committed (so revisions and the batch see them)."""
    root.mkdir(parents=True)
    (root / "go.mod").write_text("module example.com/svc\n\ngo 1.22\n", encoding="utf-8")
    (root / "main.go").write_text('package main\n\nimport "fmt"\n\nfunc main() { fmt.Println("hi") }\n', "utf-8")
    plant(root, canaries, with_analyzer=with_analyzer)
    repo = Repo.init(root)
    repo.git.add(A=True)
    with repo.config_writer() as config:
        config.set_value("user", "name", "t").set_value("user", "email", "t@example.com")
    repo.index.commit("service")
    (root / "lib.go").write_text("package main\n\nfunc helper() int { return 1 }\n", encoding="utf-8")
    repo.git.add(A=True)
    repo.index.commit("helper")
    return root


def _environ() -> dict[str, str]:
    prefixes = ("GITHUB_", "INPUT_", "RUSTGO_", "RUNNER_", "GIT_", "PYTHON")
    keep = {k: v for k, v in os.environ.items() if not k.startswith(prefixes)}
    return keep | {"NO_COLOR": "1", "RUSTGO_CACHE_DIR": os.environ.get("RUSTGO_CACHE_DIR", "")}


def _console_script() -> Path:
    script = Path(sys.executable).parent / "analyze"
    needs("the installed `analyze` console script (pip install -e .)", script.is_file())
    return script


def _run(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args, cwd=cwd, env=env or _environ(), capture_output=True, text=True, timeout=300, check=False
    )


def _no_canary(canaries: Path, done: subprocess.CompletedProcess[str]) -> None:
    found = sorted(p.name for p in canaries.iterdir())
    assert found == [], f"imported from the analyzed repository: {found}\n{done.stdout}\n{done.stderr}"


@pytest.fixture
def canaries(tmp_path: Path) -> Path:
    folder = tmp_path / "canaries"
    folder.mkdir()
    return folder


def test_action_runs_nothing_from_the_checkout(tmp_path: Path, canaries: Path) -> None:
    repo = hostile_repo(tmp_path / "checkout", canaries)
    base = Repo(repo).commit("HEAD~1").hexsha
    runner = tmp_path / "runner"
    runner.mkdir()
    event = runner / "event.json"
    event.write_text(json.dumps({"pull_request": {"base": {"sha": base}}}), encoding="utf-8")
    outputs = runner / "output.txt"
    env = _environ() | {
        "ANALYZER_PYTHON": sys.executable,
        "GITHUB_OUTPUT": str(outputs),
        "GITHUB_EVENT_PATH": str(event),
        "RUNNER_TEMP": str(runner),
        "INPUT_SARIF": "true",
    }
    done = _run(["bash", str(SCRIPT)], cwd=repo, env=env)
    assert done.returncode == 0, done.stderr
    _no_canary(canaries, done)
    assert "verdict<<" in outputs.read_text("utf-8")
    assert json.loads((runner / "rustgo-analyzer" / "rustgo-report.json").read_text("utf-8"))["head"]["verdict"]


@pytest.mark.parametrize(
    ("how", "with_analyzer"),
    [
        pytest.param("console-script", True, id="analyze"),
        pytest.param("isolated-module", True, id="python-I-m-analyzer"),
    ],
)
def test_cli_from_inside_the_repository(tmp_path: Path, canaries: Path, how: str, with_analyzer: bool) -> None:
    """`python -m analyzer` cannot be defended against a root analyzer/ package, hence the README's safe forms."""
    repo = hostile_repo(tmp_path / "svc", canaries, with_analyzer=with_analyzer)
    start = {
        "console-script": [str(_console_script())],
        "isolated-module": [sys.executable, "-I", "-m", "analyzer"],
        "module": [sys.executable, "-m", "analyzer"],
    }[how]
    for args in (["."], ["diff", ".", "--base", "HEAD~1", "--format", "json"], [".", "--jobs", "2"]):
        done = _run([*start, *args], cwd=repo)
        assert done.returncode == 0, done.stderr
        _no_canary(canaries, done)


def test_batch_from_a_portfolio_folder(tmp_path: Path, canaries: Path) -> None:
    """The portfolio folder holds a repository named `multiprocessing` and shadows of its own."""
    portfolio = tmp_path / "portfolio"
    portfolio.mkdir()
    hostile_repo(portfolio / "multiprocessing", canaries)
    hostile_repo(portfolio / "threading", canaries)
    plant(portfolio, canaries)
    store = tmp_path / "batch.sqlite"
    done = _run(
        [str(_console_script()), "batch", "--discover", ".", "--jobs", "2", "--store", str(store), "--format", "json"],
        cwd=portfolio,
    )
    assert done.returncode == 0, done.stderr
    _no_canary(canaries, done)
    rows = json.loads(done.stdout)["repos"]
    assert sorted((r["source"], r["status"]) for r in rows) == [("multiprocessing", "ok"), ("threading", "ok")]


def test_dask_child_process_is_isolated(tmp_path: Path, canaries: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``run_isolated`` (what a Dask worker runs) starts its child from a hostile current folder."""
    repo = hostile_repo(tmp_path / "svc", canaries)
    monkeypatch.chdir(repo)
    task = Task(Source(str(repo), SourceKind.PATH, repo), Settings())
    outcome = run_isolated(task, timeout=240)
    assert outcome.status is Status.OK, outcome.error
    assert sorted(p.name for p in canaries.iterdir()) == []
