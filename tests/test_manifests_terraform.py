"""Tests for the Terraform, lock file and Terragrunt parsers (analyzer.manifests.terraform)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from manifest_helpers import FakeContext

from analyzer.errors import ManifestError
from analyzer.manifests import Parser, parse_manifest, parser_for
from analyzer.manifests.terraform import parse_terraform_lock, parse_tf
from analyzer.model import Scope, Severity

SAMPLES = Path(__file__).parent / "manifest_samples" / "terraform"

Row = tuple[str, str, str, Scope, bool, int]
R = Scope.RUNTIME


def _rows(parser: Parser, path: str, text: str) -> list[Row]:
    result = parser(path, text, FakeContext())
    assert {d.path for d in result.dependencies} <= {path}
    return [(d.ecosystem, d.name, d.version, d.scope, d.direct, d.line) for d in result.dependencies]


@pytest.mark.parametrize(
    ("parser", "sample", "path", "expected"),
    [
        pytest.param(
            parse_tf,
            "main.tf",
            "infra/main.tf",
            [
                ("terraform", "hashicorp/aws", "~> 5.0", R, True, 6),
                ("terraform", "hashicorp/kubernetes", ">= 2.20, < 3.0", R, True, 10),
                ("terraform", "hashicorp/random", "", R, True, 14),
                ("terraform", "google", "", R, True, 27),
                ("terraform-module", "terraform-aws-modules/vpc/aws", "5.1.2", R, True, 38),
                ("terraform-module", "git::https://example.com/infra/dns.git", "v1.4.0", R, True, 49),
            ],
            id="tf-required-providers-provider-blocks-modules-comments-heredoc",
        ),
        pytest.param(
            parse_tf,
            "edge.tf",
            "infra/edge.tf",
            [
                ("terraform", "azurerm", "~> 3.0", R, True, 5),
                ("terraform", "hashicorp/helm", "2.11.0", R, True, 6),
                ("terraform", "google", "", R, True, 11),
                ("terraform-module", "terraform-aws-modules/eks/aws", "~> 19.0", R, True, 23),
            ],
            id="tf-legacy-versions-one-line-blocks-aliases-braces-in-strings",
        ),
        pytest.param(
            parse_terraform_lock,
            ".terraform.lock.hcl",
            "infra/.terraform.lock.hcl",
            [
                ("terraform", "hashicorp/aws", "5.31.0", R, False, 4),
                ("terraform", "hashicorp/random", "3.6.0", R, False, 13),
            ],
            id="lock-registries-dropped-transitive",
        ),
        pytest.param(
            parse_terraform_lock,
            "edge.terraform.lock.hcl",
            ".terraform.lock.hcl",
            [
                ("terraform", "example.com/acme/widgets", "", R, False, 2),
            ],
            id="lock-third-party-registry-no-version",
        ),
        pytest.param(
            parse_tf,
            "terragrunt.hcl",
            "live/prod/vpc/terragrunt.hcl",
            [
                (
                    "terraform-module",
                    "git::git@github.com:acme/infrastructure-modules.git//networking/vpc",
                    "v0.7.0",
                    R,
                    True,
                    6,
                ),
            ],
            id="terragrunt-git-source-with-ref",
        ),
        pytest.param(parse_tf, "edge-terragrunt.hcl", "live/app/terragrunt.hcl", [], id="terragrunt-local-source"),
    ],
)
def test_dependencies(parser: Parser, sample: str, path: str, expected: list[Row]) -> None:
    assert _rows(parser, path, (SAMPLES / sample).read_text()) == expected


@pytest.mark.parametrize(
    ("parser", "sample", "message"),
    [
        pytest.param(parse_tf, "bad.tf", "the file ends before the block opened at line 1 is closed", id="tf"),
        pytest.param(parse_terraform_lock, "bad.terraform.lock.hcl", "line 2: string is never closed", id="lock"),
        pytest.param(parse_tf, "bad-terragrunt.hcl", "line 4: comment '/\\*' is never closed", id="terragrunt"),
    ],
)
def test_malformed_samples_raise(parser: Parser, sample: str, message: str) -> None:
    with pytest.raises(ManifestError, match=message):
        parser("terragrunt.hcl", (SAMPLES / sample).read_text(), FakeContext())


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("}\n", "line 1: unexpected '}' outside any block", id="stray-brace"),
        pytest.param(
            "locals {\n  x = <<EOT\nnever closed\n}\n", "line 2: heredoc <<EOT is never closed", id="unclosed-heredoc"
        ),
        pytest.param('locals {\n  x = "${var.a\n}\n', "line 2: string is never closed", id="unclosed-template"),
        pytest.param(
            "locals {\n  x = [1, 2\n}\n",
            "line 3: unexpected '}' \\('\\[' of line 2 is still open\\)",
            id="unclosed-list",
        ),
        pytest.param("locals {\n  x = (1]\n}\n", "line 2: unexpected '\\]'", id="mismatched-bracket"),
        pytest.param('"label" {\n}\n', "line 1: expected an attribute or block name", id="string-as-name"),
        pytest.param('resource "a" "b" = 1\n', "line 1: expected '{' after block 'resource'", id="block-without-body"),
        pytest.param("a {\n" * 100 + "}\n" * 100, "blocks nested deeper than 64", id="deep-blocks"),
        pytest.param(
            'x = "' + "${" * 20 + "\n", "string templates nested too deeply|never closed", id="deep-templates"
        ),
    ],
)
def test_malformed_input_raises_quickly(text: str, message: str) -> None:
    started = time.monotonic()
    with pytest.raises(ManifestError, match=message):
        parse_tf("main.tf", text, FakeContext())
    assert time.monotonic() - started < 2.0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("", [], id="empty"),
        pytest.param(
            'provider "aws" {}\nprovider "aws" {\n  alias = "b"\n}\n',
            [("terraform", "aws", "", R, True, 1)],
            id="provider-counted-once",
        ),
        pytest.param('module "m" {\n  source = var.src\n}\n', [], id="module-source-not-a-literal"),
        pytest.param('module "m" {\n  source = "../m"\n}\n', [], id="module-local-path"),
        pytest.param('# provider "aws" {}\n// provider "gcp" {}\n/* provider "x" {} */\n', [], id="comments-only"),
        pytest.param(
            'terraform {\n  required_providers {\n    aws = {\n      source = "hashicorp/aws" # pin below\n'
            '      version = "5.0" // exact\n    }\n  }\n}\nprovider "aws" {}\n',
            [("terraform", "hashicorp/aws", "5.0", R, True, 3)],
            id="trailing-comments-and-known-source",
        ),
        pytest.param(
            'resource "x" "y" {\n  s = "a\\"}"\n}\nprovider "p" {}\n',
            [("terraform", "p", "", R, True, 4)],
            id="escaped-quote-before-brace",
        ),
    ],
)
def test_tf_edge_cases(text: str, expected: list[Row]) -> None:
    assert _rows(parse_tf, "main.tf", text) == expected


@pytest.mark.parametrize(
    ("path", "parser"),
    [
        pytest.param("infra/network.tf", "parse_tf", id="tf"),
        pytest.param("live/prod/terragrunt.hcl", "parse_tf", id="terragrunt"),
        pytest.param("infra/.terraform.lock.hcl", "parse_terraform_lock", id="lock"),
    ],
)
def test_registry_routes_terraform_files(path: str, parser: str) -> None:
    found = parser_for(path)
    assert found is not None
    assert found.__name__ == parser


def test_registry_turns_broken_file_into_diagnostic() -> None:
    result = parse_manifest("infra/main.tf", (SAMPLES / "bad.tf").read_text(), FakeContext())
    (diagnostic,) = result.diagnostics
    assert (diagnostic.path, diagnostic.severity) == ("infra/main.tf", Severity.ERROR)
    assert "block opened at line 1" in diagnostic.message
