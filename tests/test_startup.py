"""Start-up: what `analyze --version` and `--help` import. pre-commit and CI pay the start-up on every call, so
the command line loads the engine, rich and the batch command only when a command needs them."""

from __future__ import annotations

import json
import os
import pickle
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from analyzer.cli.launch import version_line
from analyzer.cli.main import main, main_group
from analyzer.inventory.globs import LazyRegex
from analyzer.knowledge import load
from tests.conftest import needs

HEAVY = (
    "analyzer.batch",
    "analyzer.cli.batch",
    "analyzer.engine",
    "analyzer.facts",
    "analyzer.reports.portfolio",
    "concurrent.futures.process",
    "git",
    "multiprocessing",
    "re2",
    "rich",
    "sqlite3",
)
"""Modules (and their sub-modules) the version and help paths must not import."""


def _imported_by(code: str) -> list[str]:
    probe = f"import sys, json\n{code}\nprint(json.dumps(sorted(sys.modules)))"
    done = subprocess.run([sys.executable, "-I", "-c", probe], capture_output=True, text=True, check=True, timeout=60)
    return json.loads(done.stdout.splitlines()[-1])  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    "code",
    [
        pytest.param("import analyzer.cli.main", id="import"),
        pytest.param(
            "from analyzer.cli.main import main\ntry:\n    main(['--version'])\nexcept SystemExit:\n    pass",
            id="version",
        ),
    ],
)
def test_version_path_imports_nothing_heavy(code: str) -> None:
    loaded = _imported_by(code)
    heavy = [m for m in loaded if any(m == h or m.startswith(h + ".") for h in HEAVY)]
    assert heavy == []


def test_batch_command_is_loaded_when_asked(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["batch", "--help"]) == 0
    assert "portfolio" in capsys.readouterr().out.lower()
    assert main(["--help"]) == 0
    assert "batch" in capsys.readouterr().out


FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "py-flask-service"

_PROBE = """
import sys
sys.argv = ["analyze", *sys.argv[1:]]
from analyzer.cli.launch import entry
try:
    entry()
except SystemExit:
    pass
print("\\nMODULES " + " ".join(sorted(m for m in sys.modules if "." not in m)), file=sys.stderr)
"""


def _modules(*args: str, cwd: Path) -> tuple[set[str], str]:
    """Top-level modules loaded by a run of the command line (in a fresh, isolated interpreter) once the knowledge
    cache is warm: the run that builds the bundle translates the role patterns with pathspec, later ones do not."""
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "FORCE_COLOR")}
    for _ in range(2):
        done = subprocess.run(
            [sys.executable, "-I", "-c", _PROBE, *args], cwd=cwd, env=env, capture_output=True, text=True, check=False
        )
    line = next(line for line in done.stderr.splitlines() if line.startswith("MODULES "))
    return set(line.split()[1:]), done.stdout


def test_version_fast_path_says_what_click_says() -> None:
    result = CliRunner().invoke(main_group, ["--version"])
    assert result.exit_code == 0
    assert result.output == version_line() + "\n"


def test_version_loads_neither_click_nor_the_records(tmp_path: Path) -> None:
    modules, out = _modules("--version", cwd=tmp_path)
    assert out == version_line() + "\n"
    assert not modules & {"click", "rich", "git", "yaml", "re2", "dataclasses"}, modules


def test_installed_console_script_answers_version(tmp_path: Path) -> None:
    script = Path(sys.executable).parent / "analyze"
    needs("the installed `analyze` console script (pip install -e .)", script.is_file())
    done = subprocess.run([str(script), "--version"], cwd=tmp_path, capture_output=True, text=True, check=False)
    assert (done.returncode, done.stdout) == (0, version_line() + "\n")


def test_small_json_run_loads_only_what_it_uses(tmp_path: Path) -> None:
    """A JSON report of a small work tree: no GitPython (git runs as a process), no rich (the progress bar never
    showed), no radon (no --effort), no pathspec (its translations are in the knowledge), no process pool."""
    modules, out = _modules(str(FIXTURE), "--format", "json", cwd=tmp_path)
    assert '"verdict"' in out
    assert not modules & {"git", "rich", "radon", "pathspec", "multiprocessing", "concurrent"}, modules


def test_dockerfile_without_compose_loads_no_yaml(tmp_path: Path) -> None:
    """The flask-sized fixture has a Dockerfile and no YAML file: PyYAML (about 11 ms to import) is not loaded;
    a Compose file beside it is read with it."""
    modules, out = _modules(str(FIXTURE), "--format", "json", cwd=tmp_path)
    assert '"verdict"' in out
    assert "yaml" not in modules
    tree = tmp_path / "svc"
    shutil.copytree(FIXTURE, tree)
    (tree / "compose.yaml").write_text("services:\n  db:\n    image: postgres:16\n", encoding="utf-8")
    modules, out = _modules(str(tree), "--format", "json", cwd=tmp_path)
    assert "yaml" in modules
    assert json.loads(out)["diagnostics"] == []


def test_terminal_run_loads_rich_but_not_git(tmp_path: Path) -> None:
    modules, _ = _modules(str(FIXTURE), cwd=tmp_path)
    assert "rich" in modules
    assert not modules & {"git", "radon", "multiprocessing"}, modules


def test_knowledge_patterns_pickle_as_text() -> None:
    """The cached bundle brings back pattern text, compiled on first use, not compiled ``re`` objects."""
    knowledge = load()
    restored = pickle.loads(pickle.dumps(knowledge))
    lazy = [rule for h in restored.languages.heuristics.values() for _, rule in h.rules]
    assert lazy
    assert all(isinstance(rule, LazyRegex) and rule._compiled is None for rule in lazy)
    assert "re.Pattern" not in repr(pickle.dumps(knowledge))
    first = lazy[0]
    assert first.search("") is None or first.search("") is not None  # compiles on demand without error
    assert first._compiled is not None


def test_lazy_regex_checks_at_build_and_compares_by_text() -> None:
    with pytest.raises(re.error):
        LazyRegex.checked("(unclosed")
    assert LazyRegex.checked("a+", re.MULTILINE) == LazyRegex("a+", re.MULTILINE)
    assert LazyRegex("a+").search("baa") is not None
    assert LazyRegex("a+").search("bbb") is None
