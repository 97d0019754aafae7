"""compute_delta over hand-built and real reports, finding identity without line numbers, and --fail-on policies."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import git
import pytest

from analyzer.compare.delta import Gate, GateKind, compute_delta, finding_key, gate_failures, new_findings, parse_gate
from analyzer.engine import Options, analyze
from analyzer.knowledge import Knowledge
from analyzer.knowledge import load as load_knowledge
from analyzer.model import Finding, Report, VerdictLanguage
from analyzer.target.revision import RevisionTree
from analyzer.target.worktree import WorkTree
from tests.report_samples import both_report, undecided_report

AUTHOR = git.Actor("Test Author", "author@example.com")


def _finding(rule: str, path: str, line: int, snippet: str) -> Finding:
    return Finding(
        rule=rule, category="wasm", message="m", path=path, line=line, marker="x", component=".", snippet=snippet
    )


@pytest.fixture(scope="module")
def knowledge() -> Knowledge:
    return load_knowledge()


def test_delta_from_nothing_to_both() -> None:
    base, head = undecided_report(), both_report()
    delta = compute_delta(base, head)
    assert delta.verdict_changed
    assert delta.lean_change == pytest.approx(head.verdict.lean - base.verdict.lean)
    assert [(m.category, m.name) for m in delta.added_markers] == [(m.category, m.name) for m in head.markers]
    assert delta.removed_markers == ()
    assert delta.added_findings == head.findings
    changes = {c.id: c for c in delta.criteria}
    assert set(changes) == {c.id for c in head.criteria} | {c.id for c in base.criteria}
    for score in head.criteria:
        assert changes[score.id].after == score.lean


def test_delta_of_a_report_with_itself_is_empty() -> None:
    report = both_report()
    delta = compute_delta(report, report)
    assert not delta.verdict_changed
    assert delta.lean_change == 0
    assert (delta.added_markers, delta.removed_markers, delta.added_findings, delta.removed_findings) == ((),) * 4
    assert all(c.change == 0 for c in delta.criteria)


def test_moved_findings_do_not_fire_but_copies_do() -> None:
    report = both_report()
    moved = tuple(replace(f, line=f.line + 40) for f in report.findings)
    first = report.findings[0]
    copy = replace(first, line=first.line + 99)
    delta = compute_delta(report, replace(report, findings=(*moved, copy)))
    assert delta.added_findings == (copy,)
    assert delta.removed_findings == ()


@pytest.mark.parametrize(
    ("findings", "known", "expected"),
    [
        pytest.param([("A", "x.rs", 1, "s")], [("A", "x.rs", 9, "s")], [], id="line-moved"),
        pytest.param([("A", "x.rs", 1, "s")], [("A", "y.rs", 1, "s")], [0], id="other-path"),
        pytest.param([("A", "x.rs", 1, "s")], [("B", "x.rs", 1, "s")], [0], id="other-rule"),
        pytest.param([("A", "x.rs", 1, "s")], [("A", "x.rs", 1, "t")], [0], id="other-snippet"),
        pytest.param([("A", "x.rs", 1, "s"), ("A", "x.rs", 5, "s")], [("A", "x.rs", 3, "s")], [1], id="one-of-two"),
    ],
)
def test_new_findings(
    findings: list[tuple[str, str, int, str]], known: list[tuple[str, str, int, str]], expected: list[int]
) -> None:
    items = [_finding(*f) for f in findings]
    fresh = new_findings(items, [_finding(*k) for k in known])
    assert fresh == tuple(items[i] for i in expected)
    assert all(finding_key(f) == (f.rule, f.path, f.snippet) for f in items)


@pytest.mark.parametrize(
    ("spec", "gate"),
    [
        pytest.param("verdict-change", Gate(GateKind.VERDICT_CHANGE), id="verdict"),
        pytest.param("lean:0.1", Gate(GateKind.LEAN, 0.1), id="lean"),
        pytest.param("criterion:performance:0.25", Gate(GateKind.CRITERION, 0.25, "performance"), id="criterion"),
        pytest.param("findings", Gate(GateKind.FINDINGS), id="findings"),
    ],
)
def test_parse_gate(spec: str, gate: Gate) -> None:
    assert parse_gate(spec) == gate


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        pytest.param("verdict", "unknown --fail-on policy", id="unknown"),
        pytest.param("lean:abc", "not a number", id="not-a-number"),
        pytest.param("lean:0", "threshold", id="zero"),
        pytest.param("lean:-0.2", "threshold", id="negative"),
        pytest.param("criterion:0.1", "needs an id", id="criterion-without-id"),
        pytest.param("findings:3", "takes no value", id="value-on-flag"),
    ],
)
def test_parse_gate_rejects(spec: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_gate(spec)


def test_gate_failures() -> None:
    base, head = undecided_report(), both_report()
    delta = compute_delta(base, head)
    gates = [parse_gate(s) for s in ("verdict-change", "lean:0.01", "lean:2", "findings")]
    failures = gate_failures(gates, head, delta)
    assert len(failures) == 3
    assert failures[0] == "verdict changed from undecided to both"
    assert "new finding(s)" in failures[2]
    moved = max(delta.criteria, key=lambda c: abs(c.change))
    assert gate_failures([Gate(GateKind.CRITERION, abs(moved.change), moved.id)], head, delta)
    assert not gate_failures([Gate(GateKind.CRITERION, abs(moved.change) + 0.01, moved.id)], head, delta)
    # Without a delta only the findings policy applies; excluded findings never count.
    assert gate_failures(gates, head) == [failures[2].replace("new finding(s)", "finding(s)")]
    quiet = replace(head, findings=tuple(replace(f, excluded="vendored") for f in head.findings))
    assert gate_failures([Gate(GateKind.FINDINGS)], quiet) == []


def _commit(root: Path, files: dict[str, str], message: str) -> git.Repo:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    repo = git.Repo(root) if (root / ".git").exists() else git.Repo.init(root)
    repo.git.add("-A")
    repo.index.commit(message, author=AUTHOR, committer=AUTHOR)
    return repo


def _revision(root: Path, rev: str, knowledge: Knowledge) -> Report:
    with RevisionTree(root, rev) as tree:
        return analyze(tree, knowledge, Options(jobs=1), revision=tree.revision)


def test_moved_code_in_a_real_repository(tmp_path: Path, knowledge: Knowledge) -> None:
    body = "func main() {\n\tgo serve()\n}\n\nfunc serve() {}\n"
    _commit(tmp_path, {"main.go": "package main\n\n" + body, "go.mod": "module example.com/m\n\ngo 1.22\n"}, "one")
    _commit(tmp_path, {"main.go": "package main\n\n// a comment\n// and another\n\n" + body}, "moved")
    delta = compute_delta(_revision(tmp_path, "HEAD~1", knowledge), _revision(tmp_path, "HEAD", knowledge))
    lines = {f.line for f in delta.head.findings if f.path == "main.go" and f.category == "concurrency:goroutines"}
    assert lines
    assert lines != {
        f.line for f in delta.base.findings if f.path == "main.go" and f.category == "concurrency:goroutines"
    }
    assert delta.added_findings == ()
    assert delta.removed_findings == ()
    assert not delta.verdict_changed
    (tmp_path / "worker.go").write_text("package main\n\nfunc work() {\n\tgo serve()\n}\n", encoding="utf-8")
    head = analyze(WorkTree(tmp_path), knowledge, Options(jobs=1))
    delta = compute_delta(_revision(tmp_path, "HEAD", knowledge), head)
    assert {f.path for f in delta.added_findings} == {"worker.go"}
    assert delta.head.verdict.language is VerdictLanguage.GO
