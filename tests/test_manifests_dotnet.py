"""Tests for the .NET project file and packages.config parsers (analyzer.manifests.dotnet)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from analyzer.errors import ManifestError
from analyzer.manifests import Parser, parse_manifest
from analyzer.manifests.dotnet import parse_packages_config, parse_project
from analyzer.model import Scope
from manifest_helpers import FakeContext

SAMPLES = Path(__file__).parent / "manifest_samples" / "dotnet"



Row = tuple[str, str, Scope, bool, int]


def _rows(parser: Parser, path: str, text: str) -> list[Row]:
    result = parser(path, text, FakeContext())
    assert {(d.ecosystem, d.path) for d in result.dependencies} <= {("nuget", path)}
    return [(d.name, d.version, d.scope, d.direct, d.line) for d in result.dependencies]


@pytest.mark.parametrize(
    ("parser", "sample", "expected"),
    [
        pytest.param(parse_project, "Api.csproj", [
            ("sdk:Microsoft.NET.Sdk.Web", "", Scope.BUILD, True, 1),
            ("Grpc.AspNetCore", "2.59.0", Scope.RUNTIME, True, 10),
            ("Serilog.AspNetCore", "8.0.0", Scope.RUNTIME, True, 11),
            ("StyleCop.Analyzers", "1.1.118", Scope.DEV, True, 13),
            ("Grpc.Tools", "2.60.0", Scope.DEV, True, 14),
            ("Newtonsoft.Json", "13.0.3", Scope.RUNTIME, True, 19),
        ], id="sdk-style-attributes-children-update-private-assets"),
        pytest.param(parse_project, "Legacy.vbproj", [
            ("sdk:Microsoft.Build.CentralPackageVersions", "2.1.3", Scope.BUILD, True, 4),
            ("Dapper", "", Scope.RUNTIME, True, 7),
        ], id="msbuild-namespace-sdk-element-central-versions"),
        pytest.param(parse_packages_config, "packages.config", [
            ("Newtonsoft.Json", "12.0.3", Scope.RUNTIME, True, 4),
            ("BouncyCastle", "1.8.9", Scope.RUNTIME, True, 5),
            ("xunit", "2.4.2", Scope.DEV, True, 6),
        ], id="packages-config"),
    ],
)
def test_dependencies(parser: Parser, sample: str, expected: list[Row]) -> None:
    assert _rows(parser, f"src/{sample}", (SAMPLES / sample).read_text()) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param('<Project Sdk="Microsoft.NET.Sdk;Aspire.AppHost.Sdk/8.0.0"></Project>', [
            ("sdk:Microsoft.NET.Sdk", "", Scope.BUILD, True, 1),
            ("sdk:Aspire.AppHost.Sdk", "8.0.0", Scope.BUILD, True, 1),
        ], id="several-sdks-with-version"),
        pytest.param('<Project>\n  <Import Sdk="Microsoft.NET.Sdk" Project="Sdk.props" />\n</Project>',
                     [("sdk:Microsoft.NET.Sdk", "", Scope.BUILD, True, 2)], id="import-sdk"),
        pytest.param('<Project>\n<ItemGroup><PackageReference Include="A;B" VersionOverride="2.0"/></ItemGroup>\n'
                     "</Project>",
                     [("A", "2.0", Scope.RUNTIME, True, 2), ("B", "2.0", Scope.RUNTIME, True, 2)],
                     id="semicolon-list-and-version-override"),
    ],
)
def test_project_edge_cases(text: str, expected: list[Row]) -> None:
    assert _rows(parse_project, "App.csproj", text) == expected


_ENTITY_BOMB = """<?xml version="1.0"?>
<!DOCTYPE Project [
  <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
  <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
  <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
  <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
  <!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
]>
<Project><ItemGroup><PackageReference Include="&e;" /></ItemGroup></Project>
"""


@pytest.mark.parametrize(
    ("parser", "text", "message"),
    [
        pytest.param(parse_project, _ENTITY_BOMB, "unsafe XML", id="project-entity-bomb"),
        pytest.param(parse_project, '<!DOCTYPE p [<!ENTITY x SYSTEM "file:///etc/hosts">]><Project>&x;</Project>',
                     "unsafe XML", id="project-external-entity"),
        pytest.param(parse_project, "<Project>\n<ItemGroup>\n</Project>", "malformed XML at line 3",
                     id="project-mismatched-tag"),
        pytest.param(parse_project, "<packages/>", "not <Project>", id="project-wrong-root"),
        pytest.param(parse_packages_config, "<packages>\n  <package version=\"1.0\" />\n</packages>",
                     "line 2: <package> without an id", id="packages-config-no-id"),
        pytest.param(parse_packages_config, _ENTITY_BOMB, "unsafe XML", id="packages-config-entity-bomb"),
    ],
)
def test_malformed_input_raises(parser: Parser, text: str, message: str) -> None:
    started = time.monotonic()
    with pytest.raises(ManifestError, match=message):
        parser("App.csproj", text, FakeContext())
    assert time.monotonic() - started < 2.0


def test_registry_dispatches_fsproj() -> None:
    text = '<Project Sdk="Microsoft.NET.Sdk"><ItemGroup><PackageReference Include="FSharp.Core" Version="8.0.100"/>' \
           "</ItemGroup></Project>"
    result = parse_manifest("lib/Lib.fsproj", text, FakeContext())
    assert [(d.name, d.version) for d in result.dependencies] == [("sdk:Microsoft.NET.Sdk", ""), ("FSharp.Core", "8.0.100")]
