"""The command line over a real git repository whose second commit adds a wasm-bindgen crate (issue 4's done-check):
analyze diff, --rev on work trees and bare clones, --fail-on policies, --exit-zero, baselines, several outputs."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import git
import pytest

from analyzer.cli.main import main

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
AUTHOR = git.Actor("Test Author", "author@example.com")
SERVICE = {
    "svc/go.mod": "module example.com/svc\n\ngo 1.22\n",
    "svc/main.go": 'package main\n\nimport "net/http"\n\nfunc main() {\n\tgo http.ListenAndServe(":8080", nil)\n}\n',
}


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A Go service (HEAD~1), then a wasm-bindgen crate beside it (HEAD); the work tree equals HEAD."""
    root = tmp_path_factory.mktemp("repo")
    for name, text in SERVICE.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    handle = git.Repo.init(root)
    handle.git.add("-A")
    handle.index.commit("go service", author=AUTHOR, committer=AUTHOR)
    shutil.copytree(FIXTURES / "rust-wasm-lib", root / "wasm")
    handle.git.add("-A")
    handle.index.commit("wasm crate", author=AUTHOR, committer=AUTHOR)
    handle.close()
    return root


def _json(capsys: pytest.CaptureFixture[str], args: list[str], code: int = 0) -> dict:  # type: ignore[type-arg]
    assert main(args) == code, capsys.readouterr().err
    return json.loads(capsys.readouterr().out)  # type: ignore[no-any-return]


def _categories(markers: list[dict]) -> set[str]:  # type: ignore[type-arg]
    return {m["category"] for m in markers}


def test_diff_shows_wasm_added_and_lean_toward_rust(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    delta = _json(capsys, ["diff", str(repo), "--base", "HEAD~1", "--format", "json"])
    assert "wasm" in _categories(delta["added_markers"])
    assert delta["removed_markers"] == []
    assert delta["lean_change"] > 0
    assert {f["path"].split("/")[0] for f in delta["added_findings"]} == {"wasm"}
    assert delta["removed_findings"] == []
    explicit = _json(capsys, ["diff", str(repo), "--base", "HEAD~1", "--head", "HEAD", "--format", "json"])
    assert explicit["added_markers"] == delta["added_markers"]
    assert explicit["lean_change"] == delta["lean_change"]


def test_rev_reports_the_tree_before(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sha = git.Repo(repo).commit("HEAD~1").hexsha
    before = _json(capsys, [str(repo), "--rev", "HEAD~1", "--format", "json"])
    assert before["target"]["revision"] == sha
    assert "wasm" not in _categories(before["markers"])
    assert before["verdict"]["language"] == "go"
    now = _json(capsys, [str(repo), "--format", "json"])
    assert "wasm" in _categories(now["markers"])


def test_bare_clone_gives_the_same_verdict(repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bare = tmp_path / "bare.git"
    git.Repo.clone_from(str(repo), str(bare), bare=True).close()
    work = _json(capsys, [str(repo), "--format", "json"])
    cloned = _json(capsys, [str(bare), "--rev", "HEAD", "--format", "json"])
    assert cloned["verdict"] == work["verdict"]
    assert cloned["markers"] == work["markers"]
    assert _json(capsys, [str(bare), "--format", "json"])["verdict"] == work["verdict"]  # HEAD by default
    delta = _json(capsys, ["diff", str(bare), "--base", "HEAD~1", "--format", "json"])
    assert "wasm" in _categories(delta["added_markers"])


@pytest.mark.parametrize(
    ("args", "code"),
    [
        pytest.param(["--fail-on", "verdict-change"], 1, id="verdict-change"),
        pytest.param(["--fail-on", "lean:0.1"], 1, id="lean-moved"),
        pytest.param(["--fail-on", "lean:2"], 0, id="lean-under-threshold"),
        pytest.param(["--fail-on", "criterion:ecosystem:0.1"], 1, id="criterion-moved"),
        pytest.param(["--fail-on", "criterion:performance:2"], 0, id="criterion-under-threshold"),
        pytest.param(["--fail-on", "findings"], 1, id="new-findings"),
        pytest.param(["--fail-on", "lean:0.1", "--exit-zero"], 0, id="exit-zero"),
        pytest.param(["--fail-on", "criterion:speed:0.1"], 2, id="unknown-criterion"),
        pytest.param(["--fail-on", "lean:x"], 2, id="malformed-policy"),
        pytest.param(["--format", "sarif"], 0, id="annotation-format-renders-new-findings"),
    ],
)
def test_diff_policies(repo: Path, args: list[str], code: int, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", str(repo), "--base", "HEAD~1", "-q", *args]) == code
    captured = capsys.readouterr()
    if code == 1:
        assert "policy failed" in captured.err
    if "--exit-zero" in args:
        assert "ignored: --exit-zero" in captured.err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(["diff", "{repo}", "--base", "no-such-branch"], "no-such-branch", id="unknown-base"),
        pytest.param(["diff", "{repo}", "--base", "HEAD", "--head", "v9"], "v9", id="unknown-head"),
        pytest.param(["{repo}", "--rev", "HEAD~7"], "HEAD~7", id="unknown-rev"),
        pytest.param(["{repo}", "--fail-on", "verdict-change"], "use analyze diff", id="delta-policy-on-check"),
        pytest.param(["{repo}", "--format", "json", "--format", "terminal"], "stdout", id="two-stdout-formats"),
        pytest.param(["{repo}", "--format", "json:"], "names no file", id="format-without-file"),
        pytest.param(["{repo}", "--baseline", "{repo}/none.json"], "cannot read the baseline", id="missing-baseline"),
    ],
)
def test_usage_errors_exit_2(repo: Path, args: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([a.replace("{repo}", str(repo)) for a in args]) == 2
    assert message in capsys.readouterr().err


def test_rev_on_a_plain_directory_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(tmp_path), "--rev", "HEAD"]) == 2
    assert "not inside a git repository" in capsys.readouterr().err


def test_baseline_keeps_only_new_findings(repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    baseline = tmp_path / "baseline.json"
    assert main([str(repo), "--rev", "HEAD~1", "--write-baseline", str(baseline), "--fail-on", "findings", "-q"]) == 1
    assert json.loads(baseline.read_text(encoding="utf-8"))["findings"]
    capsys.readouterr()
    assert main([str(repo), "--rev", "HEAD~1", "--baseline", str(baseline), "--fail-on", "findings", "-q"]) == 0
    capsys.readouterr()
    report = _json(capsys, [str(repo), "--baseline", str(baseline), "--format", "json"], 0)
    assert report["findings"]
    assert all(f["path"].startswith("wasm/") for f in report["findings"])
    head = tmp_path / "head.json"
    assert main([str(repo), "--write-baseline", str(head), "-q"]) == 0
    capsys.readouterr()
    delta = _json(capsys, ["diff", str(repo), "--base", "HEAD~1", "--baseline", str(head), "--format", "json"])
    assert delta["added_findings"] == []
    assert "wasm" in _categories(delta["added_markers"])  # a baseline hides findings, not what the change does
    assert main(["diff", str(repo), "--base", "HEAD~1", "--baseline", str(head), "--fail-on", "findings", "-q"]) == 0


def test_several_outputs_from_one_run(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n", encoding="utf-8")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    md, sarif, gh = tmp_path / "report.md", tmp_path / "out.sarif", tmp_path / "annotations.txt"
    data = _json(
        capsys,
        [
            str(repo),
            "--format",
            f"markdown:{md}",
            "--format",
            f"sarif:{sarif}",
            "--format",
            f"github:{gh}",
            "--format",
            "json",
        ],
    )
    assert data["verdict"]["language"] in ("rust", "both")
    assert "<!-- rustgo-report -->" in md.read_text(encoding="utf-8")
    log = json.loads(sarif.read_text(encoding="utf-8"))
    assert log["version"] == "2.1.0"
    assert len(log["runs"]) == 1
    assert gh.read_text(encoding="utf-8").startswith("::notice")
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("earlier step\n")
    assert len(text) > len("earlier step\n")
    out = tmp_path / "delta.md"
    assert main(["diff", str(repo), "--base", "HEAD~1", "--format", f"markdown:{out}", "-q"]) == 0
    assert "wasm" in out.read_text(encoding="utf-8").lower()
    assert capsys.readouterr().out == ""  # every format went to a file
    args = ["diff", str(repo), "--base", "HEAD~1", "--format", f"markdown:{out}", "--format", "terminal", "-q"]
    assert main(args) == 0
    # a two-line Go stub is not a service side of its own (issue 10: each side of `both` carries real code)
    assert capsys.readouterr().out.startswith(("go -> both; lean +", "go -> rust; lean +"))


def test_output_option_and_environment(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "report.json"
    assert main([str(repo), "--format", "json", "--output", str(target)]) == 0
    assert capsys.readouterr().out == ""
    assert json.loads(target.read_text(encoding="utf-8"))["verdict"]
    monkeypatch.setenv("RUSTGO_FAIL_ON", "lean:0.1")
    assert main(["diff", str(repo), "--base", "HEAD~1", "-q"]) == 1
    monkeypatch.setenv("RUSTGO_EXIT_ZERO", "1")
    assert main(["diff", str(repo), "--base", "HEAD~1", "-q"]) == 0


def test_repository_config_cannot_choose_files_or_silence_gates(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / ".rustgo.toml").write_text('format = ["json:/tmp/owned.json"]\n', encoding="utf-8")
    assert main([str(tmp_path)]) == 2
    assert "may not choose output files" in capsys.readouterr().err
    for setting in ("exit-zero = true\n", 'baseline = "x.json"\n'):
        (tmp_path / ".rustgo.toml").write_text(setting, encoding="utf-8")
        assert main([str(tmp_path)]) == 2
        assert "not allowed in a configuration file" in capsys.readouterr().err
    (tmp_path / ".rustgo.toml").write_text('fail-on = ["findings"]\n', encoding="utf-8")
    (tmp_path / "main.go").write_text("package main\n", encoding="utf-8")
    assert main([str(tmp_path), "-q"]) == 1


def test_annotation_formats_carry_only_the_new_crate(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 11's done-check: in a diff, github, sarif and gitlab hold the added crate's findings and nothing else."""
    from tests.schemas import errors, sarif_validator, shipped_validator

    gh, sarif, gitlab = tmp_path / "annotations.txt", tmp_path / "diff.sarif", tmp_path / "codequality.json"
    args = ["diff", str(repo), "--base", "HEAD~1", "-q"]
    assert main([*args, "--format", f"github:{gh}", "--format", f"sarif:{sarif}", "--format", f"gitlab:{gitlab}"]) == 0
    annotations = gh.read_text(encoding="utf-8").splitlines()
    files = [line.split("file=", 1)[1].split(",", 1)[0] for line in annotations if "file=" in line]
    assert files
    assert all(name.startswith("wasm/") for name in files), files
    assert "adds a WASM target" in annotations[0]
    log = json.loads(sarif.read_text(encoding="utf-8"))
    assert errors(sarif_validator(), log) == []
    uris = [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in log["runs"][0]["results"]]
    assert uris
    assert all(uri.startswith("wasm/") for uri in uris), uris
    issues = json.loads(gitlab.read_text(encoding="utf-8"))
    assert issues
    assert all(issue["location"]["path"].startswith("wasm/") for issue in issues)
    # The new-findings output keeps the full report's fingerprints, so GitLab and code scanning match them.
    assert main([str(repo), "--format", "gitlab", "-q"]) == 0
    full = {issue["fingerprint"] for issue in json.loads(capsys.readouterr().out)}
    assert {issue["fingerprint"] for issue in issues} <= full
    assert len(full) > len(issues)  # the Go service's findings are in the full report, not in the diff's
    delta = _json(capsys, [*args, "--format", "json"])
    assert errors(shipped_validator("delta.schema.json"), delta) == []


def test_cap_limits_what_is_shown_never_what_is_compared(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Over 100 findings of one rule: files added before the others in path order must not make any look removed."""
    root = tmp_path / "many"
    (root / "pkg").mkdir(parents=True)
    (root / "go.mod").write_text("module example.com/many\n\ngo 1.22\n", encoding="utf-8")
    for n in range(120):
        (root / "pkg" / f"z{n:03}.go").write_text(f"package pkg\n\nconst Z{n} = {n}\n", encoding="utf-8")
    handle = git.Repo.init(root)
    handle.git.add("-A")
    handle.index.commit("many files", author=AUTHOR, committer=AUTHOR)
    for n in range(10):
        (root / "pkg" / f"a{n:03}.go").write_text(f"package pkg\n\nconst A{n} = {n}\n", encoding="utf-8")
    handle.git.add("-A")
    handle.index.commit("ten more", author=AUTHOR, committer=AUTHOR)
    handle.close()
    delta = _json(capsys, ["diff", str(root), "--base", "HEAD~1", "--format", "json"])
    assert delta["removed_findings"] == []
    assert sorted({f["path"] for f in delta["added_findings"]}) == [f"pkg/a{n:03}.go" for n in range(10)]
    report = _json(capsys, [str(root), "--format", "json"])
    per_rule: dict[str, int] = {}
    for finding in report["findings"]:
        per_rule[finding["rule"]] = per_rule.get(finding["rule"], 0) + 1
    assert max(per_rule.values()) == 100  # the report shows at most 100 a rule...
    assert report["omitted_findings"] >= 30  # ...and says how many it left out
    sarif = json.loads(_text(capsys, ["diff", str(root), "--base", "HEAD~1", "--format", "sarif"]))
    assert len(sarif["runs"][0]["results"]) == 10


def _text(capsys: pytest.CaptureFixture[str], args: list[str]) -> str:
    assert main(args) == 0, capsys.readouterr().err
    return capsys.readouterr().out


def test_diff_with_a_baseline_says_what_it_hid(repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from tests.schemas import errors, shipped_validator

    head = tmp_path / "known.json"
    assert main([str(repo), "--rev", "HEAD~1", "--write-baseline", str(head), "-q"]) == 0
    known = len(json.loads(head.read_text(encoding="utf-8"))["findings"])
    capsys.readouterr()
    args = ["diff", str(repo), "--base", "HEAD~1", "--baseline", str(head)]
    delta = _json(capsys, [*args, "--format", "json"])
    assert delta["hidden_by_baseline"] == known
    assert errors(shipped_validator("delta.schema.json"), delta) == []
    note = f"{known} known findings hidden by the baseline"
    assert note in _text(capsys, [*args, "--format", "markdown"])
    assert note in _text(capsys, [*args, "--no-color"])
    assert note in _text(capsys, [*args, "--format", "github"]).splitlines()[0]
