"""The CI integrations' files: action.yml, the workflows of docs/ci.md, .pre-commit-hooks.yaml, the GitLab template.

Structure is checked with yaml.safe_load (inputs reach scripts only through ``env:``, steps are conditional
where they must be, outputs are the ones the script writes); the shell snippets that post comments are run
for real with a stand-in ``gh`` on PATH that records its arguments; the pre-commit entry and the GitLab job's
script are run against real repositories with the installed analyzer.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import git
import pytest
import yaml
from test_action import TwoCommits, make_repo, parse_outputs

from tests.conftest import needs

ROOT = Path(__file__).resolve().parent.parent
ACTION = ROOT / "action.yml"
SCRIPT = ROOT / "ci" / "github" / "action.sh"
DOCS = ROOT / "docs" / "ci.md"
HOOKS = ROOT / ".pre-commit-hooks.yaml"
GITLAB = ROOT / "ci" / "gitlab" / "rustgo.gitlab-ci.yml"
BIN = Path(sys.executable).parent
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")

# The keys pre-commit accepts in a hook manifest entry, and the languages it knows (pre-commit 3.x/4.x).
PRE_COMMIT_KEYS = {
    "id",
    "name",
    "entry",
    "language",
    "alias",
    "files",
    "exclude",
    "types",
    "types_or",
    "exclude_types",
    "additional_dependencies",
    "args",
    "always_run",
    "fail_fast",
    "pass_filenames",
    "description",
    "language_version",
    "log_file",
    "minimum_pre_commit_version",
    "require_serial",
    "stages",
    "verbose",
}
PRE_COMMIT_REQUIRED = {"id", "name", "entry", "language"}
PRE_COMMIT_LANGUAGES = {
    "conda",
    "coursier",
    "dart",
    "docker",
    "docker_image",
    "dotnet",
    "fail",
    "golang",
    "haskell",
    "julia",
    "lua",
    "node",
    "perl",
    "pygrep",
    "python",
    "r",
    "ruby",
    "rust",
    "script",
    "swift",
    "system",
    "unsupported",
    "unsupported_script",
}


def load(path: Path) -> Any:
    return yaml.safe_load(path.read_text("utf-8"))


def steps_of(document: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every step of an action (runs.steps) or a workflow (jobs.*.steps)."""
    yield from document.get("runs", {}).get("steps", [])
    for job in document.get("jobs", {}).values():
        yield from job.get("steps", [])


def triggers(workflow: dict[Any, Any]) -> Any:
    # YAML 1.1 reads the bare key `on` as the boolean True.
    return workflow.get("on", workflow.get(True))


def yaml_blocks(markdown: str) -> list[Any]:
    return [yaml.safe_load(block) for block in re.findall(r"```yaml\n(.*?)```", markdown, flags=re.DOTALL)]


def doc_workflows() -> list[dict[str, Any]]:
    return [b for b in yaml_blocks(DOCS.read_text("utf-8")) if isinstance(b, dict) and "jobs" in b]


def script_variables() -> set[str]:
    return set(re.findall(r"\$\{?(INPUT_[A-Z_]+)", SCRIPT.read_text("utf-8")))


def script_outputs() -> set[str]:
    return set(re.findall(r"^\s*set_output ([a-z-]+) ", SCRIPT.read_text("utf-8"), flags=re.MULTILINE))


def step(
    document: dict[str, Any], *, id_: str | None = None, uses: str | None = None, runs: str | None = None
) -> dict[str, Any]:
    for candidate in steps_of(document):
        if id_ is not None and candidate.get("id") == id_:
            return candidate
        if uses is not None and str(candidate.get("uses", "")).startswith(uses):
            return candidate
        if runs is not None and runs in str(candidate.get("run", "")):
            return candidate
    raise AssertionError(f"no step with id={id_} uses={uses} run~{runs}")


# --- action.yml ----------------------------------------------------------------------------------------------


def test_action_is_composite_with_the_documented_inputs_and_outputs() -> None:
    action = load(ACTION)
    assert action["runs"]["using"] == "composite"
    assert set(action["inputs"]) == {
        "path",
        "base",
        "expect",
        "fail-on",
        "format",
        "comment",
        "comment-on-change",
        "sarif",
        "summary",
        "python-version",
        "github-token",
    }
    assert all(spec.get("description") for spec in action["inputs"].values())
    assert {"verdict", "report-path"} <= set(action["outputs"])
    docs = DOCS.read_text("utf-8")
    for name in [*action["inputs"], *action["outputs"]]:
        assert f"| `{name}` |" in docs, f"docs/ci.md does not document {name}"


@pytest.mark.parametrize(
    ("name", "default"),
    [
        pytest.param("path", "."),
        pytest.param("base", ""),
        pytest.param("comment", "false"),
        pytest.param("sarif", "false"),
        pytest.param("summary", "true"),
        pytest.param("format", "github"),
    ],
)
def test_action_defaults(name: str, default: str) -> None:
    assert str(load(ACTION)["inputs"][name]["default"]) == default


def test_no_expression_is_pasted_into_a_run_script() -> None:
    for document in [load(ACTION), *doc_workflows()]:
        for candidate in steps_of(document):
            assert "${{" not in str(candidate.get("run", "")), candidate.get("name")


def test_every_input_reaches_the_script_through_env() -> None:
    action = load(ACTION)
    analyze = step(action, id_="analyze")
    env = analyze["env"]
    matches = {key: EXPRESSION.fullmatch(value) for key, value in env.items()}
    passed = {match.group(1): key for key, match in matches.items() if match is not None}
    for name in ("path", "base", "expect", "fail-on", "format", "sarif", "summary"):
        variable = passed.get(f"inputs.{name}")
        assert variable == "INPUT_" + name.upper().replace("-", "_"), name
    assert {v for v in env if v.startswith("INPUT_")} == script_variables()
    assert analyze["run"].strip() == 'bash "$GITHUB_ACTION_PATH/ci/github/action.sh"'
    # The other inputs are used by expressions the runner evaluates (if:, with:, env:), never by a script.
    text = ACTION.read_text("utf-8")
    for name in ("comment", "python-version", "github-token"):
        assert f"inputs.{name}" in text


def test_outputs_map_to_what_the_script_writes() -> None:
    action = load(ACTION)
    written = script_outputs()
    assert {"verdict", "report-path"} <= written
    for name, spec in action["outputs"].items():
        assert spec["value"] == f"${{{{ steps.analyze.outputs.{name} }}}}"
        assert name in written


@pytest.mark.parametrize(
    ("selector", "condition"),
    [
        pytest.param({"uses": "actions/setup-python@"}, "inputs.python-version != ''", id="setup-python"),
        pytest.param({"id_": "install"}, None, id="install"),
        pytest.param({"id_": "analyze"}, None, id="analyze"),
        pytest.param({"runs": "gh pr comment"}, "inputs.comment == 'true'", id="comment"),
        pytest.param({"uses": "github/codeql-action/upload-sarif@"}, "inputs.sarif == 'true'", id="sarif"),
    ],
)
def test_steps_are_conditional_where_they_should_be(selector: dict[str, str], condition: str | None) -> None:
    found = step(load(ACTION), **selector)
    if condition is None:
        assert "if" not in found
    else:
        assert condition in found["if"]
    if "run" in found:
        assert found["shell"] == "bash"


@pytest.mark.parametrize("name", ["comment", "sarif"])
def test_reporting_steps_run_even_when_a_gate_failed(name: str) -> None:
    found = step(
        load(ACTION),
        **({"runs": "gh pr comment"} if name == "comment" else {"uses": "github/codeql-action/upload-sarif@"}),
    )
    assert found["if"].startswith("always() &&")
    assert "steps.analyze.outputs." in found["if"]


def test_install_step_installs_the_action_itself() -> None:
    install = step(load(ACTION), id_="install")
    assert "-m pip install" in install["run"]
    assert '"$GITHUB_ACTION_PATH"' in install["run"]
    assert "python=" in install["run"]
    assert "$GITHUB_OUTPUT" in install["run"]


def test_sarif_upload_takes_the_scripts_file() -> None:
    upload = step(load(ACTION), uses="github/codeql-action/upload-sarif@")
    assert upload["with"]["sarif_file"] == "${{ steps.analyze.outputs.sarif-path }}"


@pytest.mark.parametrize(
    ("base", "changed"),
    [
        pytest.param("base", "true", id="adds-a-crate"),
        pytest.param("head", "false", id="nothing-moved"),
        pytest.param("none", "", id="no-diff"),
    ],
)
def test_action_script_says_whether_anything_moved(tmp_path: Path, base: str, changed: str) -> None:
    repo = make_repo(tmp_path / "repo")
    revision = {"base": repo.base, "head": repo.head, "none": "none"}[base]
    output = tmp_path / "output.txt"
    output.write_text("", encoding="utf-8")
    prefixes = ("GITHUB_", "INPUT_", "RUSTGO_", "RUNNER_", "GIT_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(prefixes)} | {
        "ANALYZER_PYTHON": sys.executable,
        "GITHUB_OUTPUT": str(output),
        "RUNNER_TEMP": str(tmp_path),
        "INPUT_PATH": str(repo.path),
        "INPUT_BASE": revision,
        "INPUT_FORMAT": "",
    }
    done = subprocess.run(["bash", str(SCRIPT)], env=env, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    assert parse_outputs(output.read_text("utf-8"))["changed"] == changed


# --- the comment scripts, run with a stand-in gh --------------------------------------------------------------

FAKE_GH = """#!/bin/sh
printf '%s\\n' "$*" | tr '\\n' ' ' | sed 's/ *$//' >> "$GH_LOG"
echo >> "$GH_LOG"
if [ "$1 $2" = "pr view" ]; then printf '%s\\n' "$FAKE_HEAD"; fi
if [ "$1" = api ] && [ "$2" != --method ]; then
  if [ -n "${FAKE_COMMENTS:-}" ]; then
    # What gh would print: the --jq filter run over the listed comments (jq has gh's filter language).
    while [ "$1" != --jq ]; do shift; done
    printf '%s' "$FAKE_COMMENTS" | jq -r "$2"
  fi
fi
"""

COMMENTS = [
    {"id": 5, "body": "<!-- rustgo-report -->\\nforged", "user": {"type": "User"}, "author_association": "NONE"},
    {"id": 6, "body": "looks good", "user": {"type": "Bot"}, "author_association": "NONE"},
    {"id": 7, "body": "<!-- rustgo-report -->\\nreport", "user": {"type": "Bot"}, "author_association": "NONE"},
    {"id": 8, "body": "thanks <!-- rustgo-report -->", "user": {"type": "Bot"}, "author_association": "NONE"},
]
"""A pull request's comments: an outsider's forged marker, an unrelated bot comment, the sticky one, a quote."""


def run_snippet(script: str, env: dict[str, str], tmp_path: Path, head: str = "") -> tuple[int, str, list[str]]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    gh = bin_dir / "gh"
    gh.write_text(FAKE_GH, encoding="utf-8")
    gh.chmod(0o755)
    log = tmp_path / "gh.log"
    log.write_text("", encoding="utf-8")
    full_env = {
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "GH_LOG": str(log),
        "FAKE_HEAD": head,
        "RUNNER_TEMP": str(tmp_path),
        **env,
    }
    done = subprocess.run(
        ["bash", "-e", "-c", script], env=full_env, capture_output=True, text=True, check=False, timeout=60
    )
    return done.returncode, done.stdout, log.read_text("utf-8").splitlines()


LIST = "api repos/octo/app/issues/12/comments --paginate --jq"
PATCH = "api --method PATCH repos/octo/app/issues/comments/7 -F body=@{report} --silent"
POST = "pr comment 12 --body-file {report}"


@pytest.mark.parametrize(
    ("head_repo", "comments", "on_change", "changed", "expected_calls"),
    [
        pytest.param("octo/app", [], "false", "true", [LIST, POST], id="first-comment"),
        pytest.param("octo/app", COMMENTS, "false", "true", [LIST, PATCH], id="updates-its-own-by-marker"),
        pytest.param("octo/app", COMMENTS[:2], "false", "false", [LIST, POST], id="forged-marker-is-not-edited"),
        pytest.param("octo/app", [], "true", "false", [LIST], id="nothing-moved-no-new-comment"),
        pytest.param("octo/app", [], "true", "true", [LIST, POST], id="moved-comments"),
        pytest.param("octo/app", COMMENTS, "true", "false", [LIST, PATCH], id="nothing-moved-still-updates"),
        pytest.param("fork-owner/app", COMMENTS, "false", "true", [], id="fork"),
    ],
)
def test_action_comment_step(
    tmp_path: Path,
    head_repo: str,
    comments: list[dict[str, Any]],
    on_change: str,
    changed: str,
    expected_calls: list[str],
) -> None:
    needs("jq (stands in for gh's --jq)", shutil.which("jq") is not None)
    report = tmp_path / "report.md"
    report.write_text("<!-- rustgo-report -->\n", encoding="utf-8")
    comment = step(load(ACTION), runs="gh pr comment")
    assert set(comment["env"]) >= {"GH_TOKEN", "PR", "REPORT", "CHANGED", "ON_CHANGE"}
    env = {
        "GH_TOKEN": "t",
        "GH_REPO": "octo/app",
        "PR": "12",
        "HEAD_REPO": head_repo,
        "REPORT": str(report),
        "ON_CHANGE": on_change,
        "CHANGED": changed,
        "FAKE_COMMENTS": json.dumps(comments),
    }
    code, stdout, calls = run_snippet(comment["run"], env, tmp_path)
    assert code == 0
    assert [LIST if c.startswith(LIST) else c for c in calls] == [c.format(report=report) for c in expected_calls]
    assert ("::notice" in stdout) == (not expected_calls)


def fork_workflows() -> tuple[dict[str, Any], dict[str, Any]]:
    analyze = [w for w in doc_workflows() if any("upload-artifact" in str(s.get("uses")) for s in steps_of(w))]
    comment = [w for w in doc_workflows() if "workflow_run" in triggers(w)]
    assert len(analyze) == 1
    assert len(comment) == 1
    return analyze[0], comment[0]


def test_fork_recipe_analyzes_read_only_and_comments_without_fork_code() -> None:
    analyze, comment = fork_workflows()
    assert triggers(analyze) == "pull_request"
    assert all(level in ("read", "none") for level in analyze["permissions"].values())
    assert triggers(comment)["workflow_run"]["workflows"] == [analyze["name"]]
    assert comment["permissions"] == {"actions": "read", "pull-requests": "write"}
    for candidate in steps_of(comment):
        assert "checkout" not in str(candidate.get("uses", ""))
    download = step(comment, uses="actions/download-artifact@")
    assert download["with"]["run-id"] == "${{ github.event.workflow_run.id }}"
    upload = step(analyze, uses="actions/upload-artifact@")
    assert upload["with"]["name"] == download["with"]["name"]


@pytest.mark.parametrize(
    ("number", "head_now", "code", "commented"),
    [
        pytest.param("42\n", "abc123", 0, True, id="posts"),
        pytest.param("42\n", "def456", 0, False, id="pull-request-moved-on"),
        pytest.param("42; rm -rf /\n", "abc123", 1, False, id="not-a-number"),
        pytest.param("", "abc123", 1, False, id="empty"),
    ],
)
def test_fork_recipe_comment_script(tmp_path: Path, number: str, head_now: str, code: int, commented: bool) -> None:
    _, comment = fork_workflows()
    post = step(comment, runs="gh pr comment")
    artifact = tmp_path / "artifact"
    artifact.mkdir()
    (artifact / "pr-number").write_text(number, encoding="utf-8")
    (artifact / "report.md").write_text("<!-- rustgo-report -->\nreport\n", encoding="utf-8")
    env = {"GH_TOKEN": "t", "GH_REPO": "octo/app", "HEAD_SHA": "abc123", "ARTIFACT": str(artifact)}
    result, _, calls = run_snippet(post["run"], env, tmp_path, head=head_now)
    assert result == code
    posted = [c for c in calls if c.startswith("pr comment")]
    if commented:
        assert posted == [f"pr comment 42 --body-file {tmp_path / 'comment.md'}"]
        assert (tmp_path / "comment.md").read_text("utf-8") == "<!-- rustgo-report -->\nreport\n"
    else:
        assert posted == []


def test_docs_open_with_the_readme_section() -> None:
    text = DOCS.read_text("utf-8")
    headings = re.findall(r"^## (.+)$", text, flags=re.MULTILINE)
    assert headings[0] == "For the README"
    section = text.split("## For the README", 1)[1].split("\n## ", 1)[0]
    workflows = [b for b in yaml_blocks(section) if isinstance(b, dict) and "jobs" in b]
    assert len(workflows) == 1
    uses = step(workflows[0], uses="OWNER/rustgo-analyzer@")
    assert uses["with"]["comment"] is True
    assert step(workflows[0], uses="actions/checkout@")["with"]["fetch-depth"] == 0


# --- pre-commit ----------------------------------------------------------------------------------------------


def test_pre_commit_manifest_structure() -> None:
    hooks = load(HOOKS)
    assert isinstance(hooks, list)
    assert len(hooks) == 1
    hook = hooks[0]
    assert PRE_COMMIT_REQUIRED <= set(hook) <= PRE_COMMIT_KEYS
    assert hook["language"] in PRE_COMMIT_LANGUAGES
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["scripts"]
    assert (hook["id"], hook["language"], hook["entry"]) == ("rustgo-analyzer", "python", "analyze")
    assert hook["entry"] in scripts
    assert hook["pass_filenames"] is False
    assert hook["always_run"] is True
    assert hook["args"] == ["--quiet", "."]


@pytest.mark.parametrize("fixture", ["go-cli-tool", "rust-wasm-lib"])
def test_pre_commit_entry_prints_one_verdict_line(fixture: str, tmp_path: Path) -> None:
    hook = load(HOOKS)[0]
    entry = BIN / hook["entry"]
    needs(f"the console script {hook['entry']!r} installed beside {sys.executable}", entry.exists())
    shutil.copytree(ROOT / "fixtures" / fixture, tmp_path / "repo")
    done = subprocess.run(
        [str(entry), *hook["args"]], cwd=tmp_path / "repo", capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].split()[0] in {"rust", "go", "both", "undecided"}


# --- GitLab --------------------------------------------------------------------------------------------------


def gitlab_job() -> dict[str, Any]:
    template = load(GITLAB)
    jobs = {k: v for k, v in template.items() if isinstance(v, dict) and "script" in v}
    assert list(jobs) == ["rustgo-analyzer"]
    return jobs["rustgo-analyzer"]


def test_gitlab_template_structure() -> None:
    job = gitlab_job()
    assert job["rules"] == [
        {"if": '$CI_PIPELINE_SOURCE == "merge_request_event"'},
        {"if": "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH"},  # the target-branch report the widget compares with
    ]
    assert job["variables"]["RUSTGO_PIP_SPEC"] == ""  # the user must say where the analyzer comes from
    assert "rustgo-analyzer" not in str(job["variables"]["RUSTGO_PIP_SPEC"])
    full = [line for line in job["script"] if line.startswith("analyze . ")]
    assert len(full) == 1
    assert "--format gitlab:gl-code-quality-report.json" in full[0]
    assert "$ANALYZER_GATES" not in full[0]  # diff gates would make the plain report a usage error
    diff = "\n".join(job["script"])
    assert 'analyze diff . --base "$CI_MERGE_REQUEST_DIFF_BASE_SHA"' in diff
    assert job["artifacts"]["reports"]["codequality"] == "gl-code-quality-report.json"
    assert "rustgo.md" in job["artifacts"]["paths"]
    assert job["artifacts"]["when"] == "always"
    assert not str(job["image"]).endswith("-slim")  # GitPython needs the git executable


FAKE_PYTHON = """#!/bin/sh
printf '%s\\n' "$*" >> "$PIP_LOG"
"""


@pytest.mark.parametrize(
    ("spec", "own_checkout", "code", "installed"),
    [
        pytest.param("", False, 2, None, id="unset-is-a-clear-failure"),
        pytest.param("rustgo-analyzer==0.1.0", False, 0, "rustgo-analyzer==0.1.0", id="from-the-variable"),
        pytest.param("", True, 0, ".", id="the-analyzer-installs-its-own-checkout"),
        pytest.param("git+https://example.org/r.git@v1", True, 0, "git+https://example.org/r.git@v1", id="set-wins"),
    ],
)
def test_gitlab_install_step(tmp_path: Path, spec: str, own_checkout: bool, code: int, installed: str | None) -> None:
    project = tmp_path / "project"
    project.mkdir()
    if own_checkout:
        shutil.copy(ROOT / "pyproject.toml", project / "pyproject.toml")
    else:
        (project / "pyproject.toml").write_text('[project]\nname = "shop"\n', encoding="utf-8")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "python").write_text(FAKE_PYTHON, encoding="utf-8")
    (bin_dir / "python").chmod(0o755)
    log = tmp_path / "pip.log"
    env = {"PATH": f"{bin_dir}{os.pathsep}/usr/bin:/bin", "PIP_LOG": str(log), "RUSTGO_PIP_SPEC": spec}
    done = subprocess.run(
        ["bash", "-e", "-c", "\n".join(gitlab_job()["before_script"])],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == code
    calls = log.read_text("utf-8").splitlines() if log.exists() else []
    if installed is None:
        assert calls == []
        assert "set the CI/CD variable RUSTGO_PIP_SPEC" in done.stderr
    else:
        assert calls == [f"-I -m pip install --quiet --disable-pip-version-check {installed}"]


def _gitlab_script(repo: Path, extra: dict[str, str]) -> subprocess.CompletedProcess[str]:
    needs(f"the console script 'analyze' installed beside {sys.executable}", (BIN / "analyze").exists())
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CI_", "GIT_", "RUSTGO_"))}
    env |= {"PATH": f"{BIN}{os.pathsep}{env['PATH']}", "ANALYZER_OPTIONS": "", "ANALYZER_GATES": "", "NO_COLOR": "1"}
    return subprocess.run(
        ["bash", "-e", "-c", "\n".join(gitlab_job()["script"])],
        cwd=repo,
        env=env | extra,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_gitlab_job_gives_the_widget_two_comparable_reports(tmp_path: Path) -> None:
    """The default branch's report and the merge request's are full reports whose fingerprints line up."""
    repo: TwoCommits = make_repo(tmp_path / "project")
    handle = git.Repo(repo.path)
    handle.git.checkout(repo.base, detach=True)
    target = _gitlab_script(repo.path, {"CI_PIPELINE_SOURCE": "push", "CI_COMMIT_BRANCH": "main"})
    assert target.returncode == 0, target.stderr
    before = json.loads((repo.path / "gl-code-quality-report.json").read_text("utf-8"))
    assert "<!-- rustgo-report -->" in (repo.path / "rustgo.md").read_text("utf-8")
    handle.git.checkout(repo.head, detach=True)
    merge = _gitlab_script(
        repo.path,
        {"CI_PIPELINE_SOURCE": "merge_request_event", "CI_MERGE_REQUEST_DIFF_BASE_SHA": repo.base},
    )
    assert merge.returncode == 0, merge.stderr
    after = json.loads((repo.path / "gl-code-quality-report.json").read_text("utf-8"))
    assert all({"description", "fingerprint", "severity", "location"} <= set(issue) for issue in after)
    old = {issue["fingerprint"] for issue in before}
    new = [issue for issue in after if issue["fingerprint"] not in old]
    assert old <= {issue["fingerprint"] for issue in after}  # nothing the change left alone looks resolved
    assert new
    assert all(issue["location"]["path"].startswith("wasm/") for issue in new)  # what the widget shows as new
    assert "WASM" in (repo.path / "rustgo.md").read_text("utf-8")  # the diff's Markdown report
