"""Tests of the Cargo.toml, Cargo.lock and .cargo/config.toml parsers over manifest_samples/rust."""

from __future__ import annotations

from pathlib import Path

import pytest

from analyzer.errors import ManifestError
from analyzer.manifests import parse_manifest
from analyzer.manifests.rust import parse_cargo_config, parse_cargo_lock, parse_cargo_toml
from analyzer.model import Dependency, Scope, Severity

SAMPLES = Path(__file__).parent / "manifest_samples" / "rust"
Row = tuple[str, str, str, Scope, bool, int]


class NoFiles:
    """A parse context with no other files: Cargo manifests never include any."""

    def read_text(self, path: str) -> str | None:
        return None


def _sample(name: str) -> str:
    return (SAMPLES / name).read_text(encoding="utf-8")


def _rows(deps: tuple[Dependency, ...]) -> list[Row]:
    return [(d.ecosystem, d.name, d.version, d.scope, d.direct, d.line) for d in deps]


RT, DEV, BUILD = Scope.RUNTIME, Scope.DEV, Scope.BUILD
WASM_CFG = 'cfg(target_arch = "wasm32")'


@pytest.mark.parametrize(
    ("parser", "sample", "expected"),
    [
        pytest.param(
            parse_cargo_toml,
            "Cargo.toml",
            [
                ("cargo", "serde", "1.0", RT, True, 13),
                ("cargo", "tokio", "workspace", RT, True, 14),
                ("cargo", "rand", "0.8", RT, True, 15),
                ("cargo", "serde_json", "1", RT, True, 16),
                ("cargo", "local-util", "path:../util", RT, True, 17),
                ("cargo", "anyhow", "workspace", RT, True, 18),
                ("cargo", "clap", "4", RT, True, 20),
                ("cargo", "criterion", "0.5", DEV, True, 25),
                ("cargo", "cc", "1.0", BUILD, True, 28),
                ("target", WASM_CFG, "", RT, True, 30),
                ("cargo", "wasm-bindgen", "0.2", RT, True, 31),
                ("target", "wasm32-unknown-unknown", "", DEV, True, 33),
                ("cargo", "wasm-bindgen-test", "0.3", DEV, True, 34),
                ("target", "cdylib", "", RT, True, 9),
                ("target", "wasm-pack", "", BUILD, True, 6),
            ],
            id="cargo-toml-normal-renames-inheritance-targets",
        ),
        pytest.param(
            parse_cargo_toml,
            "workspace.toml",
            [
                ("cargo", "tokio", "1", RT, True, 8),
                ("cargo", "serde", "1", RT, True, 9),
            ],
            id="cargo-toml-virtual-workspace",
        ),
        pytest.param(
            parse_cargo_lock,
            "Cargo.lock",
            [
                ("cargo", "serde", "1.0.197", RT, False, 13),
                ("cargo", "wasm-bindgen", "0.2.92", RT, False, 20),
            ],
            id="cargo-lock-skips-local-crates-name-after-version",
        ),
        pytest.param(
            parse_cargo_config,
            "config.toml",
            [
                ("target", "wasm32-unknown-unknown", "", RT, True, 2),
                ("target", "thumbv7em-none-eabihf", "", RT, True, 4),
                ("target", 'cfg(all(target_arch = "arm", target_os = "none"))', "", RT, True, 7),
            ],
            id="cargo-config-build-target-and-target-tables",
        ),
        pytest.param(
            parse_cargo_config,
            "config-list.toml",
            [
                ("target", "wasm32-wasi", "", RT, True, 4),
                ("target", "aarch64-unknown-linux-gnu", "", RT, True, 4),
                ("target", "x86_64-pc-windows-gnu", "", RT, True, 1),
            ],
            id="cargo-config-target-list-and-dotted-keys",
        ),
    ],
)
def test_parsers(parser: object, sample: str, expected: list[Row]) -> None:
    assert callable(parser)
    result = parser("crate/" + sample, _sample(sample), NoFiles())
    assert _rows(result.dependencies) == expected
    assert {d.path for d in result.dependencies} == {"crate/" + sample}


@pytest.mark.parametrize(
    ("sample", "members"),
    [
        pytest.param("workspace.toml", ("crates/*", "tools/cli"), id="virtual-workspace"),
        pytest.param("Cargo.toml", (), id="no-workspace"),
    ],
)
def test_workspace_members(sample: str, members: tuple[str, ...]) -> None:
    assert parse_cargo_toml("Cargo.toml", _sample(sample), NoFiles()).workspace_members == members


@pytest.mark.parametrize(
    ("sample", "filename", "message"),
    [
        pytest.param("bad.toml", "Cargo.toml", "invalid TOML in Cargo.toml", id="broken-header"),
        pytest.param("badvalue.toml", "Cargo.toml", "string or a table", id="integer-dependency"),
        pytest.param("badlock.lock", "Cargo.lock", "package #1 has no name", id="lock-package-without-name"),
        pytest.param("badconfig.toml", ".cargo/config.toml", "list of strings", id="config-target-not-strings"),
    ],
)
def test_malformed(sample: str, filename: str, message: str) -> None:
    parser = {"Cargo.toml": parse_cargo_toml, "Cargo.lock": parse_cargo_lock}.get(filename, parse_cargo_config)
    with pytest.raises(ManifestError, match=message):
        parser(filename, _sample(sample), NoFiles())
    result = parse_manifest(f"crate/{filename}", _sample(sample), NoFiles())
    assert result.dependencies == ()
    assert [d.severity for d in result.diagnostics] == [Severity.ERROR]
    assert message in result.diagnostics[0].message


def test_deeply_nested_toml_is_an_error_not_a_crash() -> None:
    text = "[dependencies]\nx = " + "[" * 50_000 + "]" * 50_000 + "\n"
    with pytest.raises(ManifestError):
        parse_cargo_toml("Cargo.toml", text, NoFiles())
