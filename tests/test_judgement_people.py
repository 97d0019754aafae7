"""Team profile, git history and sensitivity (issue 10 item 6): evidence that moves the verdict, shown as such."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from git import Actor, Repo

from analyzer.config import Config, resolve
from analyzer.engine import Options, analyze
from analyzer.errors import ConfigError
from analyzer.knowledge import Knowledge
from analyzer.knowledge import load as load_knowledge
from analyzer.model import Report, VerdictLanguage
from analyzer.target.worktree import WorkTree

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@pytest.fixture(scope="module")
def knowledge() -> Knowledge:
    return load_knowledge()


def _people(report: Report) -> dict[str, list[tuple[str, str]]]:
    found: dict[str, list[tuple[str, str]]] = {}
    for criterion in report.criteria:
        for item in criterion.evidence:
            if item.rule in ("TEAM", "HISTORY"):
                found.setdefault(item.rule, []).append((item.leans.value, item.message))
    return found


@pytest.mark.parametrize(
    ("team", "leans"),
    [
        pytest.param((("rust", "expert"),), "rust", id="rust-experts"),
        pytest.param((("go", "expert"),), "go", id="go-experts"),
        pytest.param((("rust", "none"),), "go", id="new-to-rust-meets-the-steep-curve"),
    ],
)
def test_team_profile_is_developer_experience_evidence(
    knowledge: Knowledge, team: tuple[tuple[str, str], ...], leans: str
) -> None:
    report = analyze(WorkTree(FIXTURES / "rust-cli-tool"), knowledge, Options(jobs=1, team=team))
    assert [lean for lean, _ in _people(report)["TEAM"]] == [leans]
    plain = analyze(WorkTree(FIXTURES / "rust-cli-tool"), knowledge, Options(jobs=1))
    assert "TEAM" not in _people(plain)
    assert (report.verdict.lean < plain.verdict.lean) == (leans == "go")


def test_history_counts_authors_of_go_and_rust_files(tmp_path: Path, knowledge: Knowledge) -> None:
    root = tmp_path / "repo"
    shutil.copytree(FIXTURES / "go-netlink-exporter", root)
    repo = Repo.init(root)
    repo.git.add("-A")
    repo.index.commit("exporter", author=Actor("Ana", "ana@example.com"), committer=Actor("Ana", "ana@example.com"))
    (root / "collector" / "extra.go").write_text("package collector\n", encoding="utf-8")
    (root / "NOTES.txt").write_text("notes\n", encoding="utf-8")
    repo.git.add("-A")
    repo.index.commit("more", author=Actor("Bo", "bo@example.com"), committer=Actor("Bo", "bo@example.com"))
    repo.close()
    report = analyze(WorkTree(root), knowledge, Options(jobs=1, history=True))
    assert _people(report)["HISTORY"] == [("go", "2 of 2 authors of the last 2 commits already write Go here")]
    assert "HISTORY" not in _people(analyze(WorkTree(root), knowledge, Options(jobs=1)))


def test_history_of_a_folder_inside_a_repository_is_not_read(knowledge: Knowledge) -> None:
    """A fixture lives inside this project's repository: its history would be the project's, so none is read."""
    report = analyze(WorkTree(FIXTURES / "go-netlink-exporter"), knowledge, Options(jobs=1, history=True))
    assert "HISTORY" not in _people(report)


LOW_ECOSYSTEM = {"ecosystem": 0.1}
"""Priorities that leave an Express API with mixed evidence, so that some weightings change its answer."""


@pytest.mark.parametrize(
    ("name", "weights"),
    [
        pytest.param("node-express-api", LOW_ECOSYSTEM, id="express-low-ecosystem"),
        pytest.param("py-flask-service", LOW_ECOSYSTEM, id="flask-low-ecosystem"),
        pytest.param("rust-cli-tool", {}, id="rust-cli"),
        pytest.param("java-trading-gateway", {}, id="java-gateway"),
    ],
)
def test_every_flip_reported_flips(name: str, weights: dict[str, float]) -> None:
    knowledge = load_knowledge(weights)
    report = analyze(WorkTree(FIXTURES / name), knowledge, Options(jobs=1))
    for flip in report.verdict.flips:
        base = {c.id: c.weight for c in knowledge.criteria.criteria}
        again = analyze(
            WorkTree(FIXTURES / name),
            load_knowledge({**base, flip.criterion: base[flip.criterion] * flip.factor}),
            Options(jobs=1),
        )
        assert again.verdict.language is flip.verdict, (flip, again.verdict.summary)
        assert again.verdict.language is not report.verdict.language


def test_the_smallest_flip_is_named_in_the_summary() -> None:
    report = analyze(WorkTree(FIXTURES / "node-express-api"), load_knowledge(LOW_ECOSYSTEM), Options(jobs=1))
    assert report.verdict.language is VerdictLanguage.GO
    assert report.verdict.flips
    assert "With developer experience weighted x0.5 the verdict would be undecided." in report.verdict.summary


def test_a_verdict_no_weighting_changes_says_so(knowledge: Knowledge) -> None:
    report = analyze(WorkTree(FIXTURES / "go-netlink-exporter"), knowledge, Options(jobs=1))
    assert report.verdict.flips == ()
    assert "No single criterion weighted up to x8 changes it." in report.verdict.summary


@pytest.mark.parametrize(
    ("value", "message"),
    [
        pytest.param("go=guru", "is not one of none, some, expert", id="unknown-level"),
        pytest.param("zig=expert", "is not one of go, rust", id="unknown-language"),
        pytest.param("go", "team settings look like", id="no-level"),
    ],
)
def test_team_setting_is_checked(tmp_path: Path, value: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        resolve(tmp_path, None, {}, {"team": value})


def test_team_and_history_from_the_config_file(tmp_path: Path) -> None:
    (tmp_path / ".rustgo.toml").write_text('history = true\n[team]\ngo = "some"\nrust = "expert"\n', encoding="utf-8")
    config = resolve(tmp_path, None, {}, {})
    assert isinstance(config, Config)
    assert dict(config.team) == {"go": "some", "rust": "expert"}
    assert config.history is True
