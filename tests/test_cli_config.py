"""Configuration the analyzed repository cannot use against its user (issue 8 item 3, issue 11 item 3).

A repository's file may narrow and tune its own analysis, but in ``diff`` it never applies (both sides use the
user's configuration), and no file may set the number of processes, raise the read cap, choose outputs or carry
a non-finite weight. Every bad value is exit 2 naming its source; a broken ``pyproject.toml`` that is not
configuration is only the manifest parser's diagnostic.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import git
import pytest

from analyzer.cli.main import main

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
AUTHOR = git.Actor("t", "t@example.com")
GO_SERVICE = {
    "go.mod": "module example.com/svc\n\ngo 1.22\n",
    "main.go": 'package main\n\nimport "net/http"\n\nfunc main() { http.ListenAndServe(":8080", nil) }\n',
}


def _commit(root: Path, message: str) -> None:
    handle = git.Repo(root)
    handle.git.add("-A")
    handle.index.commit(message, author=AUTHOR, committer=AUTHOR)
    handle.close()


@pytest.fixture
def change(tmp_path: Path) -> Path:
    """A Go service, then a commit adding a wasm-bindgen crate and a .rustgo.toml that hides everything."""
    root = tmp_path / "repo"
    root.mkdir()
    for name, text in GO_SERVICE.items():
        (root / name).write_text(text, encoding="utf-8")
    git.Repo.init(root).close()
    _commit(root, "go service")
    shutil.copytree(FIXTURES / "rust-wasm-lib", root / "wasm")
    (root / ".rustgo.toml").write_text('exclude = ["**"]\nignore = ["WASM", "FFI"]\n', encoding="utf-8")
    _commit(root, "wasm crate, and a configuration that hides it")
    return root


@pytest.mark.parametrize("gate", ["verdict-change", "findings"])
def test_a_change_cannot_relax_its_own_gate(
    change: Path, gate: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(change)  # as in CI: the checkout is the current folder
    assert main(["diff", ".", "--base", "HEAD~1", "--fail-on", gate, "-q"]) == 1
    captured = capsys.readouterr()
    assert "policy failed" in captured.err
    assert "unchanged" not in captured.out
    # Uncommitted, the file is passed over just the same, with a note saying so.
    (change / ".rustgo.toml").write_text('exclude = ["**"]\n', encoding="utf-8")
    assert main(["diff", ".", "--base", "HEAD~1", "--fail-on", gate]) == 1
    assert ".rustgo.toml is not applied in diff" in capsys.readouterr().err


def test_diff_uses_an_explicit_config_on_both_sides(
    change: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mine = tmp_path / "mine.toml"
    mine.write_text('ignore = ["WASM"]\n', encoding="utf-8")
    assert main(["diff", str(change), "--base", "HEAD~1", "--config", str(mine), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["added_findings"]
    assert not any(f["rule"].startswith("WASM") for f in data["added_findings"])


def test_diff_reads_a_user_file_from_the_current_folder(
    change: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    outside = tmp_path / "ci"
    outside.mkdir()
    (outside / ".rustgo.toml").write_text('fail-on = ["verdict-change"]\n', encoding="utf-8")
    monkeypatch.chdir(outside)
    assert main(["diff", str(change), "--base", "HEAD~1", "-q"]) == 1
    assert "policy failed" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("text", "source"),
    [
        pytest.param("jobs = 10000\n", ".rustgo.toml:jobs", id="jobs"),
        pytest.param("jobs = 2\n", ".rustgo.toml:jobs", id="any-jobs"),
        pytest.param("max-file-size = 1e14\n", ".rustgo.toml:max-file-size", id="max-file-size-float"),
        pytest.param("max-file-size = 100000000000000\n", ".rustgo.toml:max-file-size", id="max-file-size-raised"),
        pytest.param("weights = { performance = nan }\n", ".rustgo.toml:weights", id="weight-nan"),
        pytest.param("weights = { performance = inf }\n", ".rustgo.toml:weights", id="weight-inf"),
        pytest.param("weights = { performance = -1 }\n", ".rustgo.toml:weights", id="weight-negative"),
        pytest.param('weights = { performance = "2" }\n', ".rustgo.toml:weights", id="weight-string"),
        pytest.param('ignore = "CLI"\n', ".rustgo.toml:ignore", id="ignore-string"),
        pytest.param('select = ["NOSUCH"]\n', ".rustgo.toml:select", id="unknown-rule"),
        pytest.param("exit-zero = true\n", ".rustgo.toml:exit-zero", id="exit-zero"),
        pytest.param('output = "x"\n', ".rustgo.toml:output", id="output"),
        pytest.param('selcet = ["CLI"]\n', "did you mean 'select'", id="typo-key"),
        pytest.param('expect = "rusty"\n', "did you mean 'rust'", id="expect-typo"),
        pytest.param("[broken\n", ".rustgo.toml: invalid TOML", id="invalid"),
        pytest.param("x = " + "[" * 5000 + "]" * 5000 + "\n", ".rustgo.toml: invalid TOML", id="deep"),
        pytest.param("x = " + "9" * 5000 + "\n", ".rustgo.toml: invalid TOML", id="huge-integer"),
    ],
)
def test_repository_file_values_refused(
    tmp_path: Path, text: str, source: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / ".rustgo.toml").write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["."]) == 2
    assert source in capsys.readouterr().err


@pytest.mark.parametrize(
    ("args", "env", "source"),
    [
        pytest.param(["--weights", "performance=nan"], {}, "--weights", id="flag-nan"),
        pytest.param([], {"RUSTGO_WEIGHTS": "performance=inf"}, "RUSTGO_WEIGHTS", id="env-inf"),
        pytest.param(["--weights", "performance=1e400"], {}, "--weights", id="flag-overflow"),
        pytest.param(["--jobs", "10000"], {}, "--jobs", id="jobs-out-of-range"),
        pytest.param([], {"RUSTGO_JOBS": "-1"}, "RUSTGO_JOBS", id="env-jobs"),
        pytest.param(["--max-file-size", "0"], {}, "--max-file-size", id="read-cap-zero"),
        pytest.param(["--select", "NOSUCH"], {}, "--select", id="flag-unknown"),
        pytest.param([], {"RUSTGO_SELECT": "NOSUCH"}, "RUSTGO_SELECT", id="env-unknown"),
        pytest.param(["--ignore", "LANG"], {}, "--ignore", id="pseudo-rule"),
        pytest.param(["--select", "concurency:threads"], {}, "did you mean 'concurrency:threads'", id="did-you-mean"),
        pytest.param([], {"RUSTGO_FAIL_ON": "verdict-change"}, "RUSTGO_FAIL_ON", id="env-delta-gate-on-check"),
        pytest.param(["--format", "jsn"], {}, "did you mean 'json'", id="format-typo"),
        pytest.param(["--weights", "perfromance=2"], {}, "did you mean 'performance'", id="criterion-typo"),
    ],
)
def test_user_values_checked_alike(
    tmp_path: Path,
    args: list[str],
    env: dict[str, str],
    source: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert main([str(tmp_path), *args]) == 2
    assert source in capsys.readouterr().err


def test_rules_category_typo(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "--category", "wasn"]) == 2
    assert "did you mean 'wasm'" in capsys.readouterr().err


@pytest.mark.parametrize(
    "text",
    [
        pytest.param('[project\nname = "x"\n', id="invalid"),
        pytest.param("[project]\nversion = " + "9" * 5000 + "\n", id="huge-integer"),
        pytest.param("[project]\nx = " + "[" * 100_000 + "\n", id="deep"),
        pytest.param("[project]\n" + "# padding\n" * 200_000, id="over-the-cap"),
    ],
)
def test_broken_pyproject_without_a_table_is_not_configuration(
    tmp_path: Path, text: str, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "pyproject.toml").write_text(text, encoding="utf-8")
    assert main([str(tmp_path), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["verdict"]


def test_invalid_utf8_pyproject_is_not_configuration(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "pyproject.toml").write_bytes(b'[project]\nname = "\xff\xfe"\n')
    assert main([str(tmp_path), "--format", "json"]) == 0


@pytest.mark.parametrize(
    "text",
    [
        pytest.param('[tool.rustgo]\nignore = ["CLI"\n', id="invalid"),
        pytest.param("[tool.rustgo]\nx = " + "9" * 5000 + "\n", id="huge-integer"),
        pytest.param('[tool.rustgo]\nignore = ["CLI"]\n' + "# padding\n" * 200_000, id="over-the-cap"),
    ],
)
def test_broken_tool_table_names_the_file(tmp_path: Path, text: str, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "pyproject.toml").write_text(text, encoding="utf-8")
    assert main([str(tmp_path)]) == 2
    assert "pyproject.toml" in capsys.readouterr().err


def test_config_found_upward_to_the_repository_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / ".rustgo.toml").write_text('format = ["json"]\n', encoding="utf-8")  # above the repository
    root = tmp_path / "repo"
    (root / "svc").mkdir(parents=True)
    git.Repo.init(root).close()
    (root / "svc" / "main.go").write_text("package main\n", encoding="utf-8")
    monkeypatch.chdir(root / "svc")
    assert main(["."]) == 0
    assert not capsys.readouterr().out.startswith("{")  # the file above the repository is never read
    (root / "pyproject.toml").write_text('[tool.rustgo]\nformat = ["json"]\n', encoding="utf-8")
    assert main(["."]) == 0
    assert json.loads(capsys.readouterr().out)["verdict"]


def test_explicit_pyproject_config(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "elsewhere" / "pyproject.toml"
    config.parent.mkdir()
    config.write_text('[project]\nname = "x"\n\n[tool.rustgo]\nformat = ["json"]\n', encoding="utf-8")
    assert main([str(tmp_path), "--config", str(config)]) == 0
    assert json.loads(capsys.readouterr().out)["verdict"]
    config.write_text('[project]\nname = "x"\n', encoding="utf-8")
    assert main([str(tmp_path), "--config", str(config)]) == 2
    assert "has no [tool.rustgo] table" in capsys.readouterr().err


def test_batch_shares_configuration_and_messages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = tmp_path / "svc"
    repo.mkdir()
    for name, text in GO_SERVICE.items():
        (repo / name).write_text(text, encoding="utf-8")
    git.Repo.init(repo).close()
    _commit(repo, "service")
    store = str(tmp_path / "batch.sqlite")
    assert main(["batch", str(repo), "--store", store, "--weights", "performance=nan"]) == 2
    batch_error = capsys.readouterr().err
    assert main([str(repo), "--weights", "performance=nan"]) == 2
    assert capsys.readouterr().err == batch_error
    monkeypatch.setenv("RUSTGO_SELECT", "NOSUCH")
    assert main(["batch", str(repo), "--store", store]) == 2
    assert "RUSTGO_SELECT" in capsys.readouterr().err
    monkeypatch.delenv("RUSTGO_SELECT")
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".rustgo.toml").write_text('format = ["json"]\njobs = 1\n', encoding="utf-8")
    assert main(["batch", str(repo), "--store", store]) == 2
    assert ".rustgo.toml:jobs" in capsys.readouterr().err
    (tmp_path / ".rustgo.toml").write_text('format = ["json"]\n', encoding="utf-8")
    monkeypatch.setenv("RUSTGO_JOBS", "1")
    assert main(["batch", str(repo), "--store", store]) == 0
    assert json.loads(capsys.readouterr().out)["repos"][0]["status"] == "ok"


def _installed_cli(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``analyze . ARGS`` as a subprocess run from ``cwd``, isolated from the current folder (``-I``)."""
    return subprocess.run(
        [sys.executable, "-I", "-m", "analyzer", ".", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_hostile_file_through_the_installed_cli(tmp_path: Path) -> None:
    """As a subprocess: a repository file asking for 10,000 processes is refused before any starts."""
    (tmp_path / ".rustgo.toml").write_text("jobs = 10000\nmax-file-size = 1e14\n", encoding="utf-8")
    done = _installed_cli(tmp_path)
    assert done.returncode == 2
    assert ".rustgo.toml:jobs" in done.stderr


def _narrowing_repo(root: Path, where: str) -> Path:
    """The flask fixture as a git work tree whose own configuration hides every file and reweighs the criteria."""
    shutil.copytree(FIXTURES / "py-flask-service", root)
    git.Repo.init(root).close()
    if where == "rustgo":
        (root / ".rustgo.toml").write_text('exclude = ["**"]\n[weights]\nperformance = 5\n', encoding="utf-8")
    else:
        pyproject = '[project]\nname = "svc"\n\n[tool.rustgo]\nexclude = ["**"]\nignore = ["CTR", "WEB"]\n'
        (root / "pyproject.toml").write_text(pyproject, encoding="utf-8")
    return root


@pytest.mark.parametrize("where", ["rustgo", "pyproject"])
def test_check_gates_ignore_the_repository_narrowing(
    tmp_path: Path, where: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """DESIGN §8: the repository's own file narrows the report shown, but the invoker's --fail-on findings and
    --expect are judged on the analysis without it (before: exit 0, every finding excluded)."""
    repo = _narrowing_repo(tmp_path / "repo", where)
    monkeypatch.chdir(repo)  # as in CI: the checkout is the current folder, its file found from there too
    assert main([".", "--format", "json", "--fail-on", "findings"]) == 1
    captured = capsys.readouterr()
    shown = json.loads(captured.out)
    assert shown["findings"] == []  # the display is narrowed...
    assert "policy failed: " in captured.err  # ...the gate is not
    assert "narrows the report shown" in captured.err
    assert main([".", "-q", "--expect", "undecided"]) == 1  # the narrowed report says undecided; the gate sees go
    assert "expected verdict undecided, got go" in capsys.readouterr().err
    assert main([".", "-q", "--expect", "go"]) == 0
    monkeypatch.setenv("RUSTGO_FAIL_ON", "findings")  # a gate from the invoker's environment alike
    assert main([".", "-q"]) == 1


def test_check_gate_the_repository_sets_itself_judges_its_own_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A gate in the repository's own file is the repository's own policy: it judges the report that file shapes,
    and no second analysis (or note) is made for it."""
    repo = _narrowing_repo(tmp_path / "repo", "rustgo")
    (repo / ".rustgo.toml").write_text('exclude = ["**"]\nfail-on = ["findings"]\n', encoding="utf-8")
    monkeypatch.chdir(repo)
    assert main(["."]) == 0
    assert "narrows the report shown" not in capsys.readouterr().err
    (repo / ".rustgo.toml").write_text('fail-on = ["findings"]\n', encoding="utf-8")
    assert main([".", "-q"]) == 1


def test_check_gates_use_an_explicit_config(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--config is the invoker's own choice: its narrowing applies to the gates as to the report."""
    repo = _narrowing_repo(tmp_path / "repo", "rustgo")
    assert main([str(repo), "-q", "--fail-on", "findings", "--config", str(repo / ".rustgo.toml")]) == 0
    assert "narrows the report shown" not in capsys.readouterr().err


def test_check_gate_through_the_installed_cli(tmp_path: Path) -> None:
    """As a subprocess, from inside the hostile checkout: exit 1, not 0."""
    repo = _narrowing_repo(tmp_path / "repo", "rustgo")
    done = _installed_cli(repo, "--fail-on", "findings", "--format", "json")
    assert done.returncode == 1, done.stderr
    assert json.loads(done.stdout)["findings"] == []
