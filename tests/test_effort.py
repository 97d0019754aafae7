"""Porting-effort figures: radon on Python, line counts elsewhere, opt-in through the engine and the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from analyzer.cli.main import main
from analyzer.engine import Options, analyze
from analyzer.facts import content as contents
from analyzer.facts.effort import FileMetrics, measure, summarize
from analyzer.knowledge import load as load_knowledge
from analyzer.reports.json import to_dict
from analyzer.target.worktree import WorkTree

BRANCHY = """\
def classify(n):
    if n < 0:
        return "negative"
    elif n == 0:
        return "zero"
    for d in (2, 3, 5):
        if n % d == 0:
            return "composite"
    return "other"


class Shape:
    def area(self):
        return 0
"""


@pytest.mark.parametrize(
    ("language", "text", "lines", "parsed", "functions"),
    [
        pytest.param("Python", BRANCHY, 14, True, {("classify", 1, 5), ("Shape.area", 13, 1)}, id="python"),
        pytest.param("Python", "def broken(:\n    pass\n", 2, False, set(), id="syntax-error-counts-lines"),
        pytest.param("Go", "package main\n\nfunc main() {}\n", 3, False, set(), id="other-language-lines"),
        pytest.param("Go", "package main", 1, False, set(), id="no-final-newline"),
        pytest.param("Python", "", 0, True, set(), id="empty"),
    ],
)
def test_measure(language: str, text: str, lines: int, parsed: bool, functions: set[tuple[str, int, int]]) -> None:
    metrics = measure("x", language, text)
    assert metrics.lines == lines
    assert metrics.parsed is parsed
    assert set(metrics.functions) == functions


def test_summarize_ranks_hotspots_and_counts_lines() -> None:
    effort = summarize(
        [
            FileMetrics("a.py", "Python", 10, 8, (("f", 1, 3), ("g", 5, 9)), parsed=True),
            FileMetrics("b.py", "Python", 4, 4, (("h", 1, 9),), parsed=True),
            FileMetrics("c.go", "Go", 30),
        ]
    )
    assert [(x.language, x.files, x.lines) for x in effort.lines] == [("Go", 1, 30), ("Python", 2, 14)]
    assert (effort.python_files, effort.python_sloc, effort.functions) == (2, 12, 3)
    assert effort.mean_complexity == 7.0
    assert [(h.path, h.name) for h in effort.hotspots] == [("a.py", "g"), ("b.py", "h"), ("a.py", "f")]


def _repo(root: Path) -> Path:
    (root / "pkg").mkdir(parents=True)
    (root / "pkg" / "logic.py").write_text(BRANCHY, encoding="utf-8")
    (root / "pkg" / "main.go").write_text(
        "package main\n\nfunc main() {\n\tgo work()\n}\n\nfunc work() {}\n", encoding="utf-8"
    )
    (root / "README.md").write_text("# docs are not measured\n", encoding="utf-8")
    return root


def test_engine_effort_is_opt_in(tmp_path: Path) -> None:
    knowledge = load_knowledge()
    root = _repo(tmp_path)
    plain = analyze(WorkTree(root), knowledge, Options(jobs=1))
    assert plain.effort is None
    assert to_dict(plain)["effort"] is None
    measured = analyze(WorkTree(root), knowledge, Options(jobs=1, effort=True))
    assert measured.effort is not None
    assert {x.language for x in measured.effort.lines} == {"Python", "Go"}
    assert measured.effort.hotspots[0].name == "classify"
    assert measured.findings == plain.findings


def test_effort_same_in_worker_processes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    knowledge = load_knowledge()
    root = _repo(tmp_path)
    sequential = analyze(WorkTree(root), knowledge, Options(jobs=1, effort=True))
    monkeypatch.setattr(contents, "PARALLEL_BYTES", 0)
    monkeypatch.setattr(contents, "BATCH_BYTES", 1)
    parallel = analyze(WorkTree(root), knowledge, Options(jobs=2, effort=True))
    assert parallel.effort == sequential.effort


def test_cli_effort_flag(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = _repo(tmp_path)
    assert main([str(root), "--effort", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["effort"]["python_files"] == 1
    assert data["effort"]["hotspots"][0]["complexity"] == 5
    assert main([str(root), "--effort", "--no-color"]) == 0
    assert "Porting effort" in capsys.readouterr().out


def test_effort_validates_against_the_schema(tmp_path: Path) -> None:
    from importlib import resources

    import jsonschema

    schema = json.loads(
        resources.files("analyzer.reports.schema").joinpath("report.schema.json").read_text(encoding="utf-8")
    )
    report = analyze(WorkTree(_repo(tmp_path)), load_knowledge(), Options(jobs=1, effort=True))
    jsonschema.Draft202012Validator(schema).validate(to_dict(report))
