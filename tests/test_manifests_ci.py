"""Tests for the GitHub Actions, GitLab CI and Jenkinsfile readers (analyzer.manifests.ci)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from manifest_helpers import FakeContext

from analyzer.errors import ManifestError
from analyzer.manifests import Parser, parse_manifest, parser_for
from analyzer.manifests.ci import parse_github_action, parse_github_workflow, parse_gitlab_ci, parse_jenkinsfile
from analyzer.model import Scope, Severity

SAMPLES = Path(__file__).parent / "manifest_samples" / "ci"

Row = tuple[str, str, str, Scope, bool, int]
B = Scope.BUILD
SHA = "e5f05b81d5b6ff8307e5ee0a2a3c0d2ba6c6f5f3"


def _rows(parser: Parser, path: str, text: str) -> list[Row]:
    result = parser(path, text, FakeContext())
    assert {d.path for d in result.dependencies} <= {path}
    return [(d.ecosystem, d.name, d.version, d.scope, d.direct, d.line) for d in result.dependencies]


@pytest.mark.parametrize(
    ("parser", "sample", "path", "expected"),
    [
        pytest.param(
            parse_github_workflow,
            ".github/workflows/release.yml",
            ".github/workflows/release.yml",
            [
                ("docker", "golang", "1.22-bookworm", B, True, 8),
                ("docker", "postgres", "16", B, True, 11),
                ("github-actions", "actions/checkout", "v4", B, True, 15),
                ("github-actions", "actions/setup-go", "v5", B, True, 16),
                ("github-actions", "goreleaser/goreleaser-action", "v5", B, True, 20),
                ("github-actions", "docker/setup-buildx-action", "v3", B, True, 28),
                ("github-actions", "docker/build-push-action", "v5.1.0", B, True, 29),
                ("github-actions", "acme/workflows", "main", B, True, 33),
            ],
            id="workflow-actions-once-containers-services-reusable",
        ),
        pytest.param(
            parse_github_workflow,
            "edge-workflow.yml",
            ".github/workflows/edge.yml",
            [
                ("docker", "redis", "7", B, True, 10),
                ("docker", "alpine", "3.19", B, True, 14),
                ("github-actions", "github/codeql-action", SHA, B, True, 15),
                ("docker", "rust", "1.75", B, True, 21),
            ],
            id="workflow-expressions-local-docker-subpath-sha-anchors",
        ),
        pytest.param(
            parse_github_action,
            "action.yml",
            "action.yml",
            [
                ("github-actions", "runs:composite", "", B, True, 4),
                ("github-actions", "actions/cache", "v4", B, True, 6),
            ],
            id="root-composite-action",
        ),
        pytest.param(
            parse_github_action,
            "action.yml",
            ".github/actions/setup/action.yml",
            [
                ("github-actions", "actions/cache", "v4", B, True, 6),
            ],
            id="nested-action-is-not-what-the-repo-is",
        ),
        pytest.param(
            parse_github_action,
            "edge-action.yml",
            "action.yml",
            [
                ("github-actions", "runs:docker", "", B, True, 4),
                ("docker", "ghcr.io/acme/linter", "2.0", B, True, 5),
            ],
            id="root-docker-action-registry-image",
        ),
        pytest.param(
            parse_gitlab_ci,
            ".gitlab-ci.yml",
            ".gitlab-ci.yml",
            [
                ("docker", "python", "3.12-slim", B, True, 1),
                ("docker", "postgres", "16", B, True, 4),
                ("docker", "redis", "7", B, True, 5),
                ("gitlab-ci", "acme/ci-templates", "v3.1", B, True, 10),
                ("gitlab-ci", "template:Security/SAST.gitlab-ci.yml", "", B, True, 13),
                ("gitlab-ci", "https://example.com/ci/extra.yml", "", B, True, 14),
                ("gitlab-ci", "gitlab.com/acme/components/build", "1.2.0", B, True, 15),
                ("docker", "hashicorp/terraform", "1.6", B, True, 27),
            ],
            id="gitlab-images-services-includes-job-image",
        ),
        pytest.param(
            parse_gitlab_ci,
            "edge-gitlab-ci.yml",
            ".gitlab-ci.yml",
            [
                ("gitlab-ci", "https://example.com/ci/base.yml", "", B, True, 2),
                ("docker", "node", "20", B, True, 4),
                ("docker", "docker", "24", B, True, 6),
            ],
            id="gitlab-string-include-default-hidden-job-variables",
        ),
        pytest.param(
            parse_jenkinsfile,
            "Jenkinsfile",
            "Jenkinsfile",
            [
                ("docker", "hashicorp/terraform", "1.6", B, True, 5),
                ("ci-tool", "terraform", "", B, True, 12),
                ("ci-tool", "helm", "", B, True, 18),
                ("ci-tool", "kubectl", "", B, True, 19),
            ],
            id="jenkins-declarative-agent-sh-forms",
        ),
        pytest.param(
            parse_jenkinsfile,
            "edge-Jenkinsfile",
            "Jenkinsfile",
            [
                ("docker", "golang", "1.22", B, True, 5),
                ("ci-tool", "go", "", B, True, 7),
                ("ci-tool", "docker", "", B, True, 9),
            ],
            id="jenkins-scripted-comments-prefixes-paths",
        ),
    ],
)
def test_dependencies(parser: Parser, sample: str, path: str, expected: list[Row]) -> None:
    assert _rows(parser, path, (SAMPLES / sample).read_text()) == expected


@pytest.mark.parametrize(
    ("parser", "sample", "message"),
    [
        pytest.param(parse_github_workflow, "bad-workflow.yml", "line 3: 'jobs' is not a mapping", id="workflow"),
        pytest.param(parse_github_action, "bad-action.yml", "line 2: 'runs' is not a mapping", id="action"),
        pytest.param(parse_gitlab_ci, "bad-gitlab-ci.yml", r"invalid YAML in \S+ at line 5", id="gitlab"),
        pytest.param(
            parse_jenkinsfile, "bad-Jenkinsfile", "line 6: string opened with ' is never closed", id="jenkinsfile"
        ),
    ],
)
def test_malformed_samples_raise(parser: Parser, sample: str, message: str) -> None:
    with pytest.raises(ManifestError, match=message):
        parser(sample, (SAMPLES / sample).read_text(), FakeContext())


@pytest.mark.parametrize(
    ("parser", "text", "message"),
    [
        pytest.param(parse_github_workflow, "- on: push\n", "top level is not a mapping", id="workflow-list"),
        pytest.param(
            parse_github_workflow, "jobs:\n  build: ubuntu\n", "line 2: job 'build' is not a mapping", id="job-scalar"
        ),
        pytest.param(
            parse_github_workflow,
            "jobs:\n  b:\n    steps: {uses: x}\n",
            "line 3: 'steps' is not a list",
            id="steps-mapping",
        ),
        pytest.param(parse_github_workflow, "on: " + "{" * 1000, "nested too deeply", id="deep-flow"),
        pytest.param(parse_gitlab_ci, "'just a string'\n", "top level is not a mapping", id="gitlab-scalar"),
        pytest.param(
            parse_jenkinsfile,
            "node {\n/* unclosed\n",
            "line 2: comment '/\\*' is never closed",
            id="jenkins-unclosed-comment",
        ),
        pytest.param(
            parse_jenkinsfile,
            "sh '''\nterraform apply\n",
            "line 1: string opened with ''' is never closed",
            id="jenkins-unclosed-triple-quote",
        ),
    ],
)
def test_malformed_input_raises_quickly(parser: Parser, text: str, message: str) -> None:
    started = time.monotonic()
    with pytest.raises(ManifestError, match=message):
        parser("ci.yml", text, FakeContext())
    assert time.monotonic() - started < 2.0


@pytest.mark.parametrize(
    ("parser", "text", "expected"),
    [
        pytest.param(parse_github_workflow, "", [], id="empty-workflow"),
        pytest.param(parse_github_workflow, "on: push\n", [], id="workflow-without-jobs"),
        pytest.param(
            parse_github_workflow,
            "jobs:\n  a:\n    steps:\n      - uses: actions/checkout\n",
            [],
            id="uses-without-ref-is-not-an-action",
        ),
        pytest.param(parse_github_action, "name: x\ninputs: {}\n", [], id="action-yml-without-runs"),
        pytest.param(parse_gitlab_ci, "include:\n  - local: ci/a.yml\n", [], id="gitlab-local-include"),
        pytest.param(parse_jenkinsfile, "sh 'echo terraform'\nsh \"make helm\"\n", [], id="tool-not-first"),
        pytest.param(parse_jenkinsfile, "sh '''\n  set -e\n  helm lint\n'''\n", [], id="first-line-is-not-a-tool"),
        pytest.param(
            parse_jenkinsfile,
            "sh 'TF_IN_AUTOMATION=1 terraform plan'\n",
            [("ci-tool", "terraform", "", B, True, 1)],
            id="environment-prefix",
        ),
        pytest.param(
            parse_jenkinsfile,
            "agent { docker 'node:20' }\n",
            [("docker", "node", "20", B, True, 1)],
            id="agent-docker-shorthand",
        ),
        pytest.param(parse_jenkinsfile, 'docker.image("${IMAGE}").inside { }\n', [], id="variable-image"),
    ],
)
def test_edge_cases(parser: Parser, text: str, expected: list[Row]) -> None:
    assert _rows(parser, "ci", text) == expected


@pytest.mark.parametrize(
    ("path", "parser"),
    [
        pytest.param(".github/workflows/ci.yml", "parse_github_workflow", id="workflow-yml"),
        pytest.param(".github/workflows/release.yaml", "parse_github_workflow", id="workflow-yaml"),
        pytest.param(".github/workflows/deploy-playbook.yml", "parse_github_workflow", id="workflow-beats-playbook"),
        pytest.param("action.yaml", "parse_github_action", id="action"),
        pytest.param(".gitlab-ci.yml", "parse_gitlab_ci", id="gitlab"),
        pytest.param("ci/Jenkinsfile", "parse_jenkinsfile", id="jenkinsfile"),
        pytest.param("Jenkinsfile.release", "parse_jenkinsfile", id="jenkinsfile-suffix"),
    ],
)
def test_registry_routes_ci_files(path: str, parser: str) -> None:
    found = parser_for(path)
    assert found is not None
    assert found.__name__ == parser


def test_registry_leaves_other_github_files_alone() -> None:
    assert parser_for(".github/dependabot.yml") is None


def test_registry_turns_broken_workflow_into_diagnostic() -> None:
    result = parse_manifest(".github/workflows/ci.yml", (SAMPLES / "bad-workflow.yml").read_text(), FakeContext())
    (diagnostic,) = result.diagnostics
    assert (diagnostic.path, diagnostic.severity) == (".github/workflows/ci.yml", Severity.ERROR)
    assert "'jobs' is not a mapping" in diagnostic.message
