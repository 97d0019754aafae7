"""Tests of the package.json and npm / Yarn / pnpm lockfile parsers over manifest_samples/js."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from analyzer.errors import ManifestError
from analyzer.manifests import ParseContext, parse_manifest
from analyzer.manifests.javascript import (
    parse_package_json,
    parse_package_lock,
    parse_pnpm_lock,
    parse_yarn_lock,
)
from analyzer.model import Dependency, ManifestResult, Scope, Severity

SAMPLES = Path(__file__).parent / "manifest_samples" / "js"
Row = tuple[str, str, Scope, bool, int]
RT, DEV = Scope.RUNTIME, Scope.DEV
Parser = Callable[[str, str, ParseContext], ManifestResult]


class NoFiles:
    """A parse context with no other files: JavaScript manifests never include any."""

    def read_text(self, path: str) -> str | None:
        return None


def _sample(name: str) -> str:
    return (SAMPLES / name).read_text(encoding="utf-8")


def _rows(deps: tuple[Dependency, ...]) -> list[Row]:
    return [(d.name, d.version, d.scope, d.direct, d.line) for d in deps]


@pytest.mark.parametrize(
    ("parser", "sample", "expected"),
    [
        pytest.param(
            parse_package_json,
            "package.json",
            [
                ("express", "^4.18.2", RT, True, 9),
                ("@grpc/grpc-js", "~1.10.0", RT, True, 10),
                ("left-pad", "1.3.0", RT, True, 11),
                ("typescript", "^5.4.0", DEV, True, 13),
                ("jest", "^29.0.0", DEV, True, 13),
                ("react", ">=18", RT, True, 15),
                ("fsevents", "2.3.3", RT, True, 18),
                ("vendored-lib", "", RT, True, 20),
            ],
            id="package-json-all-sections-not-fooled-by-scripts",
        ),
        pytest.param(
            parse_package_json,
            "package-object-workspaces.json",
            [("lodash", "^4.17.21", RT, True, 2), ('esc"aped', "1.0.0", RT, True, 2)],
            id="package-json-compact-escaped-key",
        ),
        pytest.param(
            parse_package_lock,
            "package-lock-v3.json",
            [
                ("express", "4.18.2", RT, False, 13),
                ("debug", "2.6.9", DEV, False, 17),
                ("@types/node", "20.11.0", DEV, False, 21),
            ],
            id="package-lock-v3-nested-dev-links-skipped",
        ),
        pytest.param(
            parse_package_lock,
            "package-lock-v1.json",
            [("debug", "4.3.4", RT, False, 5), ("ms", "2.1.2", RT, False, 11), ("ms", "2.1.3", DEV, False, 16)],
            id="package-lock-v1-tree-duplicate-names",
        ),
        pytest.param(
            parse_yarn_lock,
            "yarn-v1.lock",
            [
                ("@babel/code-frame", "7.12.13", RT, False, 5),
                ("lodash", "4.17.21", RT, False, 11),
                ("string-width", "4.2.3", RT, False, 15),
            ],
            id="yarn-classic-scoped-unquoted-alias",
        ),
        pytest.param(
            parse_yarn_lock,
            "yarn-berry.lock",
            [("@babel/code-frame", "7.24.2", RT, False, 7), ("tokio-js", "1.0.0", RT, False, 26)],
            id="yarn-berry-skips-metadata-workspace-patch",
        ),
        pytest.param(
            parse_pnpm_lock,
            "pnpm-v6.yaml",
            [
                ("express", "4.18.2", RT, True, 22),
                ("@types/node", "20.11.0", DEV, True, 26),
                ("react-dom", "18.2.0", RT, False, 30),
            ],
            id="pnpm-v6-importers-peers",
        ),
        pytest.param(
            parse_pnpm_lock,
            "pnpm-v5.yaml",
            [("@scope/pkg", "1.0.0", RT, True, 13), ("foo", "2.0.1", RT, True, 17), ("bar", "3.0.0", DEV, False, 21)],
            id="pnpm-v5-slash-keys-root-dependencies",
        ),
        pytest.param(
            parse_pnpm_lock,
            "pnpm-v9.yaml",
            [("axios", "1.6.7", RT, True, 14), ("@esbuild/linux-x64", "0.20.1", RT, False, 17)],
            id="pnpm-v9-quoted-keys-snapshots-ignored",
        ),
    ],
)
def test_parsers(parser: Parser, sample: str, expected: list[Row]) -> None:
    result = parser("web/" + sample, _sample(sample), NoFiles())
    assert _rows(result.dependencies) == expected
    assert {d.ecosystem for d in result.dependencies} == {"npm"}
    assert {d.path for d in result.dependencies} == {"web/" + sample}


@pytest.mark.parametrize(
    ("sample", "members"),
    [
        pytest.param("package.json", ("packages/*", "apps/web"), id="array"),
        pytest.param("package-object-workspaces.json", ("libs/*",), id="object-packages"),
    ],
)
def test_workspaces(sample: str, members: tuple[str, ...]) -> None:
    assert parse_package_json("package.json", _sample(sample), NoFiles()).workspace_members == members


@pytest.mark.parametrize(
    ("sample", "filename", "message"),
    [
        pytest.param("bad-package.json", "package.json", "invalid JSON in package.json", id="truncated-json"),
        pytest.param("array-package.json", "package.json", "JSON object at the top level", id="json-array"),
        pytest.param("list-deps-package.json", "package.json", "must be an object", id="deps-as-list"),
        pytest.param("bad-package.json", "package-lock.json", "invalid JSON in package-lock.json", id="lock-truncated"),
        pytest.param("bad-yarn.lock", "yarn.lock", "yarn.lock line 3", id="yarn-stray-line"),
        pytest.param("indented-yarn.lock", "yarn.lock", "outside any entry", id="yarn-indented-first"),
        pytest.param("bad-pnpm.yaml", "pnpm-lock.yaml", "invalid YAML", id="pnpm-broken-yaml"),
        pytest.param("list-pnpm.yaml", "pnpm-lock.yaml", "'packages' must be a mapping", id="pnpm-packages-list"),
    ],
)
def test_malformed(sample: str, filename: str, message: str) -> None:
    result = parse_manifest(f"web/{filename}", _sample(sample), NoFiles())
    assert result.dependencies == ()
    assert [d.severity for d in result.diagnostics] == [Severity.ERROR]
    assert message in result.diagnostics[0].message
    assert "\n" not in result.diagnostics[0].message


@pytest.mark.parametrize(
    ("parser", "text"),
    [
        pytest.param(parse_package_json, '{"a":' + "[" * 100_000 + "]" * 100_000 + "}", id="deep-json"),
        pytest.param(parse_package_lock, "[" * 100_000 + "]" * 100_000, id="deep-lock"),
        pytest.param(parse_pnpm_lock, "a: " + "[" * 20_000 + "]" * 20_000 + "\n", id="deep-yaml"),
    ],
)
def test_hostile_nesting_is_a_manifest_error(parser: Parser, text: str) -> None:
    with pytest.raises(ManifestError):
        parser("x", text, NoFiles())
