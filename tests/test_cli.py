"""The real command line: exit codes, formats, output files, rules listing, configuration precedence."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib import resources
from pathlib import Path

import jsonschema
import pytest

from analyzer.cli.main import main

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
FLASK = FIXTURES / "py-flask-service"
RUST = FIXTURES / "rust-cli-tool"


def _schema() -> dict:  # type: ignore[type-arg]
    return json.loads(
        resources.files("analyzer.reports.schema").joinpath("report.schema.json").read_text(encoding="utf-8")
    )


def test_json_report_validates(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(FLASK), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    jsonschema.Draft202012Validator(_schema()).validate(data)
    assert data["verdict"]["language"] == "go"
    assert {c["id"] for c in data["criteria"]} == {
        "performance",
        "memory-safety",
        "concurrency",
        "developer-experience",
        "ecosystem",
        "interop",
    }


@pytest.mark.parametrize(
    ("args", "code"),
    [
        pytest.param([str(FLASK), "--expect", "go"], 0, id="expect-met"),
        pytest.param([str(FLASK), "--expect", "rust"], 1, id="expect-failed"),
        pytest.param(["does/not/exist"], 2, id="missing-path"),
        pytest.param([str(FLASK / "Dockerfile")], 2, id="file-not-dir"),
        pytest.param([str(FLASK), "--format", "yaml"], 2, id="bad-format"),
        pytest.param([str(FLASK), "--weights", "speed=2"], 2, id="unknown-criterion"),
        pytest.param([str(FLASK), "--weights", "performance"], 2, id="malformed-weights"),
        pytest.param(["rules", "NOPE999"], 2, id="unknown-rule"),
    ],
)
def test_exit_codes(args: list[str], code: int, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(args) == code


def test_internal_error_exits_3(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    def boom(*_: object, **__: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("analyzer.engine.analyze", boom)
    assert main([str(FLASK)]) == 3
    assert "internal error" in capsys.readouterr().err


def test_output_file_and_plain_terminal(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "report.txt"
    assert main([str(RUST), "--output", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert "RUST" in text
    assert "\x1b[" not in text
    assert capsys.readouterr().out == ""


def test_quiet_prints_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(RUST), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("rust (")
    assert out.count("\n") == 1


def test_select_limits_rules(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(FLASK), "--format", "json", "--select", "CTR"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {m["category"] for m in data["markers"]} == {"container"}


def test_config_precedence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "app.py").write_text("from flask import Flask\napp = Flask(__name__)\n", encoding="utf-8")
    (repo / "requirements.txt").write_text("flask==3.0\n", encoding="utf-8")
    (repo / ".rustgo.toml").write_text('format = ["json"]\nignore = ["WEB"]\n', encoding="utf-8")
    assert main([str(repo)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert "http-server" not in {m["category"] for m in data["markers"]}
    monkeypatch.setenv("RUSTGO_IGNORE", "CTR")
    assert main([str(repo)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert "http-server" in {m["category"] for m in data["markers"]}
    assert main([str(repo), "--ignore", "WEB", "--format", "terminal", "--no-color"]) == 0
    assert "Criteria" in capsys.readouterr().out


def test_repo_config_cannot_choose_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / ".rustgo.toml").write_text('output = "/tmp/owned.txt"\n', encoding="utf-8")
    assert main([str(tmp_path)]) == 2
    assert "output" in capsys.readouterr().err


def test_pyproject_tool_table(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\n[tool.rustgo]\nformat = ["json"]\n', encoding="utf-8"
    )
    assert main([str(tmp_path)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["verdict"]["language"] == "undecided"


def test_rules_listing_and_explain(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "--format", "json", "--category", "wasm"]) == 0
    rules = json.loads(capsys.readouterr().out)
    assert rules
    assert all(r["category"] == "wasm" for r in rules)
    assert main(["rules", rules[0]["id"]]) == 0
    text = capsys.readouterr().out
    assert rules[0]["id"] in text
    assert "Why it matters" in text
    assert "Examples that match" in text


def _cited_rules(node: object) -> set[str]:
    if isinstance(node, dict):
        own = {node["rule"]} if isinstance(node.get("rule"), str) else set()
        return own.union(*(_cited_rules(v) for v in node.values()))
    if isinstance(node, list):
        return set().union(*(_cited_rules(v) for v in node))
    return set()


def test_every_rule_a_report_cites_can_be_looked_up(capsys: pytest.CaptureFixture[str]) -> None:
    """A linter's promise: each id in a report, judgement evidence (DOMAIN, LANG, ...) included, is explained."""
    golden = Path(__file__).parent / "golden"
    cited = set().union(*(_cited_rules(json.loads(p.read_text(encoding="utf-8"))) for p in golden.glob("*.json")))
    assert {"DOMAIN", "LANG"} <= cited
    for rule_id in sorted(cited):
        assert main(["rules", rule_id]) == 0, rule_id
        assert rule_id in capsys.readouterr().out
    for rule_id in ("DOMAIN", "LANG", "TEAM", "HISTORY"):
        assert main(["rules", rule_id.lower(), "--format", "json"]) == 0
        data = json.loads(capsys.readouterr().out)
        assert (data["id"], data["kind"]) == (rule_id, "judgement")
        assert data["weights"], rule_id
    assert main(["rules", "NOPE1"]) == 2
    assert "DOMAIN, LANG, TEAM, HISTORY" in capsys.readouterr().err


def test_module_entry_point_as_subprocess(tmp_path: Path) -> None:
    env = {**os.environ, "NO_COLOR": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "analyzer", str(RUST), "--format", "json"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["verdict"]["language"] == "rust"
    assert done.stderr == ""
