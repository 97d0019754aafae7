"""Tests for the Pulumi, Serverless and Ansible parsers (analyzer.manifests.cloud_deploy)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from manifest_helpers import FakeContext

from analyzer.errors import ManifestError
from analyzer.manifests import Parser, parse_manifest, parser_for
from analyzer.manifests.cloud_deploy import (
    parse_ansible_tasks,
    parse_galaxy_requirements,
    parse_pulumi,
    parse_role_meta,
    parse_serverless,
)
from analyzer.model import Scope, Severity

SAMPLES = Path(__file__).parent / "manifest_samples" / "cloud"

Row = tuple[str, str, str, Scope, bool, int]
R, B = Scope.RUNTIME, Scope.BUILD


def _rows(parser: Parser, path: str, text: str) -> list[Row]:
    result = parser(path, text, FakeContext())
    assert {d.path for d in result.dependencies} <= {path}
    return [(d.ecosystem, d.name, d.version, d.scope, d.direct, d.line) for d in result.dependencies]


@pytest.mark.parametrize(
    ("parser", "sample", "expected"),
    [
        pytest.param(
            parse_pulumi,
            "Pulumi.yaml",
            [
                ("pulumi", "project:shop-infra", "", B, True, 1),
                ("pulumi", "runtime:go", "", B, True, 2),
            ],
            id="pulumi-runtime-string",
        ),
        pytest.param(
            parse_pulumi,
            "edge-Pulumi.yaml",
            [
                ("pulumi", "project:2024", "", B, True, 2),
                ("pulumi", "runtime:python", "", B, True, 4),
            ],
            id="pulumi-runtime-mapping-numeric-name",
        ),
        pytest.param(
            parse_serverless,
            "serverless.yml",
            [
                ("serverless", "provider:aws", "", R, True, 5),
                ("serverless", "runtime:python3.12", "", R, True, 6),
                ("serverless", "runtime:nodejs20.x", "", R, True, 14),
                ("npm", "serverless-python-requirements", "", B, True, 17),
                ("npm", "serverless-offline", "", B, True, 18),
            ],
            id="serverless-provider-runtimes-plugins-cloudformation-tags",
        ),
        pytest.param(
            parse_serverless,
            "edge-serverless.yml",
            [
                ("serverless", "runtime:provided.al2023", "", R, True, 6),
                ("npm", "serverless-rust", "", B, True, 14),
            ],
            id="serverless-variables-merged-runtime-plugin-modules",
        ),
        pytest.param(
            parse_ansible_tasks,
            "playbooks/site.yml",
            [
                ("ansible", "ansible.builtin.apt", "", R, True, 9),
                ("ansible", "community.docker.docker_container", "", R, True, 17),
                ("ansible", "template", "", R, True, 22),
                ("ansible", "copy", "", R, True, 25),
                ("ansible", "debug", "", R, True, 29),
                ("ansible", "ansible.builtin.service", "", R, True, 33),
                ("ansible", "ansible.builtin.import_playbook", "", R, True, 39),
            ],
            id="playbook-sections-blocks-action-import",
        ),
        pytest.param(
            parse_ansible_tasks,
            "roles/web/tasks/main.yml",
            [
                ("ansible", "ansible.builtin.user", "", R, True, 3),
                ("ansible", "ansible.builtin.copy", "", R, True, 7),
                ("ansible", "include_tasks", "", R, True, 13),
            ],
            id="role-tasks-loops-vault-tag-odd-keys",
        ),
        pytest.param(parse_ansible_tasks, "edge-site.yml", [], id="site-yml-that-is-not-a-playbook"),
        pytest.param(
            parse_role_meta,
            "roles/web/meta/main.yml",
            [
                ("ansible-galaxy", "common", "", R, True, 5),
                ("ansible-galaxy", "geerlingguy.docker", "", R, True, 6),
                ("ansible-galaxy", "firewall", "v2.0.0", R, True, 7),
                ("ansible-galaxy", "community.general", "", R, True, 11),
            ],
            id="role-meta-dependencies-and-collections",
        ),
        pytest.param(parse_role_meta, "edge-meta.yml", [], id="role-meta-empty-and-null"),
        pytest.param(
            parse_galaxy_requirements,
            "requirements.yml",
            [
                ("ansible-galaxy", "geerlingguy.java", "2.3.0", R, True, 3),
                ("ansible-galaxy", "app", "main", R, True, 5),
                ("ansible-galaxy", "community.docker", ">=3.4.0", R, True, 10),
                ("ansible-galaxy", "kubernetes.core", "", R, True, 12),
                ("ansible-galaxy", "https://github.com/acme/collection.git", "", R, True, 13),
            ],
            id="requirements-roles-and-collections",
        ),
        pytest.param(parse_galaxy_requirements, "edge-requirements.yml", [], id="requirements-of-another-tool"),
    ],
)
def test_dependencies(parser: Parser, sample: str, expected: list[Row]) -> None:
    assert _rows(parser, sample, (SAMPLES / sample).read_text()) == expected


@pytest.mark.parametrize(
    ("parser", "sample", "message"),
    [
        pytest.param(parse_pulumi, "bad-Pulumi.yaml", "line 2: unknown Pulumi runtime 'cobol'", id="pulumi"),
        pytest.param(parse_serverless, "bad-serverless.yml", "no 'provider'", id="serverless"),
        pytest.param(parse_ansible_tasks, "bad-playbook.yml", "line 3: 'tasks' is not a list", id="playbook"),
        pytest.param(parse_role_meta, "bad-meta.yml", "top level is not a mapping", id="role-meta"),
        pytest.param(
            parse_galaxy_requirements, "bad-requirements.yml", "line 2: a requirement without a name", id="requirements"
        ),
    ],
)
def test_malformed_samples_raise(parser: Parser, sample: str, message: str) -> None:
    with pytest.raises(ManifestError, match=message):
        parser(sample, (SAMPLES / sample).read_text(), FakeContext())


def _nested_blocks(depth: int) -> str:
    lines = ["- hosts: all", "  tasks:"]
    for level in range(depth):
        lines.append("    " + "  " * level + "- block:")
    lines.append("    " + "  " * depth + "- ping:")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    ("parser", "text", "message"),
    [
        pytest.param(parse_pulumi, "name: x\n", "no 'runtime'", id="pulumi-without-runtime"),
        pytest.param(parse_pulumi, "- runtime: go\n", "top level is not a mapping", id="pulumi-list"),
        pytest.param(
            parse_serverless,
            "service: x\nprovider: aws\nplugins: serverless-offline\n",
            "line 3: 'plugins' is not a list",
            id="serverless-plugins-string",
        ),
        pytest.param(
            parse_ansible_tasks,
            "- hosts: all\n  tasks:\n    - just a string\n",
            "line 3: a task is not a mapping",
            id="task-string",
        ),
        pytest.param(parse_ansible_tasks, _nested_blocks(20), "blocks nested deeper than 16", id="deep-blocks"),
        pytest.param(
            parse_ansible_tasks, "- hosts: all\n  tasks: [\n", r"invalid YAML in \S+ at line", id="invalid-yaml"
        ),
    ],
)
def test_malformed_input_raises_quickly(parser: Parser, text: str, message: str) -> None:
    started = time.monotonic()
    with pytest.raises(ManifestError, match=message):
        parser("x.yml", text, FakeContext())
    assert time.monotonic() - started < 2.0


def test_module_cap_per_file() -> None:
    text = "".join(f"- name: t{n}\n  mod_{n}:\n" for n in range(700))
    rows = _rows(parse_ansible_tasks, "roles/x/tasks/main.yml", text)
    assert len(rows) == 500
    assert (rows[0][1], rows[-1][1]) == ("mod_0", "mod_499")


def test_repeated_modules_counted_once_at_first_use() -> None:
    text = "- copy: {src: a, dest: b}\n- ansible.builtin.shell: ls\n- copy: {src: c, dest: d}\n"
    assert _rows(parse_ansible_tasks, "site.yml", text) == [
        ("ansible", "copy", "", R, True, 1),
        ("ansible", "ansible.builtin.shell", "", R, True, 2),
    ]


@pytest.mark.parametrize(
    ("path", "parser"),
    [
        pytest.param("infra/Pulumi.yaml", "parse_pulumi", id="pulumi"),
        pytest.param("functions/serverless.yaml", "parse_serverless", id="serverless"),
        pytest.param("ansible/playbooks/deploy.yml", "parse_ansible_tasks", id="playbooks-dir"),
        pytest.param("deploy-playbook.yaml", "parse_ansible_tasks", id="playbook-name"),
        pytest.param("site.yml", "parse_ansible_tasks", id="site"),
        pytest.param("ansible/roles/db/tasks/install.yml", "parse_ansible_tasks", id="role-tasks"),
        pytest.param("roles/db/handlers/main.yml", "parse_ansible_tasks", id="role-handlers"),
        pytest.param("roles/db/meta/main.yml", "parse_role_meta", id="role-meta"),
        pytest.param("collections/requirements.yml", "parse_galaxy_requirements", id="requirements"),
    ],
)
def test_registry_routes_cloud_files(path: str, parser: str) -> None:
    found = parser_for(path)
    assert found is not None
    assert found.__name__ == parser


@pytest.mark.parametrize(
    "path",
    [
        pytest.param("roles/db/defaults/main.yml", id="role-defaults"),
        pytest.param("tasks/main.yml", id="tasks-outside-a-role"),
        pytest.param("config/settings.yml", id="any-yaml"),
    ],
)
def test_registry_leaves_other_yaml_alone(path: str) -> None:
    assert parser_for(path) is None


def test_registry_turns_broken_playbook_into_diagnostic() -> None:
    result = parse_manifest("playbooks/deploy.yml", (SAMPLES / "bad-playbook.yml").read_text(), FakeContext())
    (diagnostic,) = result.diagnostics
    assert (diagnostic.path, diagnostic.severity) == ("playbooks/deploy.yml", Severity.ERROR)
    assert "'tasks' is not a list" in diagnostic.message
