"""Tests for the .NET project file and packages.config parsers (analyzer.manifests.dotnet)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from manifest_helpers import FakeContext

from analyzer.errors import ManifestError
from analyzer.manifests import Parser, parse_manifest, parser_for
from analyzer.manifests.dotnet import (
    parse_directory_packages_props,
    parse_packages_config,
    parse_packages_lock_json,
    parse_project,
)
from analyzer.model import Scope

SAMPLES = Path(__file__).parent / "manifest_samples" / "dotnet"


Row = tuple[str, str, Scope, bool, int]


def _rows(parser: Parser, path: str, text: str) -> list[Row]:
    result = parser(path, text, FakeContext())
    assert {(d.ecosystem, d.path) for d in result.dependencies} <= {("nuget", path)}
    return [(d.name, d.version, d.scope, d.direct, d.line) for d in result.dependencies]


@pytest.mark.parametrize(
    ("parser", "sample", "expected"),
    [
        pytest.param(
            parse_project,
            "Api.csproj",
            [
                ("sdk:Microsoft.NET.Sdk.Web", "", Scope.BUILD, True, 1),
                ("Grpc.AspNetCore", "2.59.0", Scope.RUNTIME, True, 10),
                ("Serilog.AspNetCore", "8.0.0", Scope.RUNTIME, True, 11),
                ("StyleCop.Analyzers", "1.1.118", Scope.DEV, True, 13),
                ("Grpc.Tools", "2.60.0", Scope.DEV, True, 14),
                ("Newtonsoft.Json", "13.0.3", Scope.RUNTIME, True, 19),
            ],
            id="sdk-style-attributes-children-update-private-assets",
        ),
        pytest.param(
            parse_project,
            "Legacy.vbproj",
            [
                ("sdk:Microsoft.Build.CentralPackageVersions", "2.1.3", Scope.BUILD, True, 4),
                ("Dapper", "", Scope.RUNTIME, True, 7),
            ],
            id="msbuild-namespace-sdk-element-central-versions",
        ),
        pytest.param(
            parse_packages_config,
            "packages.config",
            [
                ("Newtonsoft.Json", "12.0.3", Scope.RUNTIME, True, 4),
                ("BouncyCastle", "1.8.9", Scope.RUNTIME, True, 5),
                ("xunit", "2.4.2", Scope.DEV, True, 6),
            ],
            id="packages-config",
        ),
    ],
)
def test_dependencies(parser: Parser, sample: str, expected: list[Row]) -> None:
    assert _rows(parser, f"src/{sample}", (SAMPLES / sample).read_text()) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            '<Project Sdk="Microsoft.NET.Sdk;Aspire.AppHost.Sdk/8.0.0"></Project>',
            [
                ("sdk:Microsoft.NET.Sdk", "", Scope.BUILD, True, 1),
                ("sdk:Aspire.AppHost.Sdk", "8.0.0", Scope.BUILD, True, 1),
            ],
            id="several-sdks-with-version",
        ),
        pytest.param(
            '<Project>\n  <Import Sdk="Microsoft.NET.Sdk" Project="Sdk.props" />\n</Project>',
            [("sdk:Microsoft.NET.Sdk", "", Scope.BUILD, True, 2)],
            id="import-sdk",
        ),
        pytest.param(
            '<Project>\n<ItemGroup><PackageReference Include="A;B" VersionOverride="2.0"/></ItemGroup>\n</Project>',
            [("A", "2.0", Scope.RUNTIME, True, 2), ("B", "2.0", Scope.RUNTIME, True, 2)],
            id="semicolon-list-and-version-override",
        ),
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
        pytest.param(
            parse_project,
            '<!DOCTYPE p [<!ENTITY x SYSTEM "file:///etc/hosts">]><Project>&x;</Project>',
            "unsafe XML",
            id="project-external-entity",
        ),
        pytest.param(
            parse_project, "<Project>\n<ItemGroup>\n</Project>", "malformed XML at line 3", id="project-mismatched-tag"
        ),
        pytest.param(parse_project, "<packages/>", "not <Project>", id="project-wrong-root"),
        pytest.param(
            parse_packages_config,
            '<packages>\n  <package version="1.0" />\n</packages>',
            "line 2: <package> without an id",
            id="packages-config-no-id",
        ),
        pytest.param(parse_packages_config, _ENTITY_BOMB, "unsafe XML", id="packages-config-entity-bomb"),
    ],
)
def test_malformed_input_raises(parser: Parser, text: str, message: str) -> None:
    started = time.monotonic()
    with pytest.raises(ManifestError, match=message):
        parser("App.csproj", text, FakeContext())
    assert time.monotonic() - started < 2.0


def test_registry_dispatches_fsproj() -> None:
    text = (
        '<Project Sdk="Microsoft.NET.Sdk"><ItemGroup><PackageReference Include="FSharp.Core" Version="8.0.100"/>'
        "</ItemGroup></Project>"
    )
    result = parse_manifest("lib/Lib.fsproj", text, FakeContext())
    assert [(d.name, d.version) for d in result.dependencies] == [
        ("sdk:Microsoft.NET.Sdk", ""),
        ("FSharp.Core", "8.0.100"),
    ]


# --- Directory.Packages.props and packages.lock.json ---------------------------------------------


@pytest.mark.parametrize(
    ("parser", "sample", "expected"),
    [
        pytest.param(
            parse_directory_packages_props,
            "Directory.Packages.props",
            [
                ("Grpc.AspNetCore", "2.59.0", Scope.RUNTIME, True, 6),
                ("Serilog.AspNetCore", "8.0.0", Scope.RUNTIME, True, 7),
                ("xunit", "2.6.2", Scope.RUNTIME, True, 9),
                ("StyleCop.Analyzers", "1.1.118", Scope.DEV, True, 12),
            ],
            id="central-versions-comment-global-reference",
        ),
        pytest.param(
            parse_directory_packages_props,
            "edge-Directory.Packages.props",
            [
                ("Microsoft.Extensions.Hosting", "8.0.0", Scope.RUNTIME, True, 4),
                ("System.Text.Json", "8.0.1", Scope.RUNTIME, True, 7),
            ],
            id="central-versions-namespace-child-version-update",
        ),
        pytest.param(
            parse_packages_lock_json,
            "packages.lock.json",
            [
                ("Grpc.AspNetCore", "2.59.0", Scope.RUNTIME, True, 5),
                ("Grpc.Core.Api", "2.59.0", Scope.RUNTIME, False, 14),
            ],
            id="lock-direct-transitive-project-skipped",
        ),
        pytest.param(
            parse_packages_lock_json,
            "edge-packages.lock.json",
            [
                ("System.Memory", "4.5.5", Scope.RUNTIME, True, 5),
                ("Serilog", "3.1.1", Scope.RUNTIME, False, 6),
            ],
            id="lock-several-frameworks-direct-wins-central-transitive",
        ),
    ],
)
def test_central_and_lock_dependencies(parser: Parser, sample: str, expected: list[Row]) -> None:
    assert _rows(parser, f"src/{sample}", (SAMPLES / sample).read_text()) == expected


@pytest.mark.parametrize(
    ("parser", "text", "message"),
    [
        pytest.param(
            parse_directory_packages_props,
            (SAMPLES / "bad-Directory.Packages.props").read_text(),
            "line 3: <PackageVersion> without an Include",
            id="props-sample-no-include",
        ),
        pytest.param(
            parse_packages_lock_json,
            (SAMPLES / "bad-packages.lock.json").read_text(),
            "net8.0 / Grpc.AspNetCore has no type",
            id="lock-sample-no-type",
        ),
        pytest.param(parse_directory_packages_props, _ENTITY_BOMB, "unsafe XML", id="props-entity-bomb"),
        pytest.param(parse_directory_packages_props, "<packages/>", "not <Project>", id="props-wrong-root"),
        pytest.param(parse_packages_lock_json, "{", "invalid JSON", id="lock-bad-json"),
        pytest.param(parse_packages_lock_json, '{"version": 1}', "no 'dependencies'", id="lock-no-dependencies"),
        pytest.param(
            parse_packages_lock_json,
            '{"dependencies": {"net8.0": []}}',
            "must be an object",
            id="lock-framework-not-object",
        ),
        pytest.param(
            parse_packages_lock_json,
            "[" * 100000 + "]" * 100000,
            "nested too deeply|invalid JSON",
            id="lock-deep-nesting",
        ),
    ],
)
def test_central_and_lock_malformed(parser: Parser, text: str, message: str) -> None:
    with pytest.raises(ManifestError, match=message):
        parser("Directory.Packages.props", text, FakeContext())


@pytest.mark.parametrize(
    ("path", "function"),
    [
        pytest.param("Directory.Packages.props", "parse_directory_packages_props", id="props"),
        pytest.param("src/Api/packages.lock.json", "parse_packages_lock_json", id="lock"),
    ],
)
def test_registry_dispatches_central_files(path: str, function: str) -> None:
    parser = parser_for(path)
    assert parser is not None
    assert parser.__name__ == function
