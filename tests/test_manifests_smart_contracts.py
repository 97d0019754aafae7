"""Tests for the smart-contract project readers (analyzer.manifests.smart_contracts): Foundry, Anchor, Move,
Hardhat and Truffle (the JavaScript configs are read statically, never run)."""

from __future__ import annotations

from pathlib import Path

import pytest
from manifest_helpers import FakeContext

from analyzer.errors import ManifestError
from analyzer.manifests import Parser, parse_manifest, parser_for
from analyzer.manifests import smart_contracts as chain
from analyzer.model import Scope, Severity

SAMPLES = Path(__file__).parent / "manifest_samples" / "chain"
R, D, T, B = Scope.RUNTIME, Scope.DEV, Scope.TEST, Scope.BUILD

Row = tuple[str, str, str, Scope, bool, int]


def _rows(parser: Parser, sample: str) -> list[Row]:
    result = parser(f"contracts/{sample}", (SAMPLES / sample).read_text(), FakeContext())
    assert {d.path for d in result.dependencies} <= {f"contracts/{sample}"}
    return [(d.ecosystem, d.name, d.version, d.scope, d.direct, d.line) for d in result.dependencies]


@pytest.mark.parametrize(
    ("parser", "sample", "expected"),
    [
        pytest.param(
            chain.parse_foundry,
            "foundry.toml",
            [
                ("solidity", "solc", "0.8.24", B, True, 5),
                ("solidity", "openzeppelin-contracts", "", R, True, 7),
                ("solidity", "forge-std", "", T, True, 7),
            ],
            id="foundry-solc-once-across-profiles-remappings",
        ),
        pytest.param(
            chain.parse_foundry,
            "edge-foundry.toml",
            [
                ("solidity", "solc", "0.8.26", B, True, 3),
                ("solidity", "solady", "", R, True, 4),
                ("solidity", "@uniswap/v4-core", "", R, True, 4),
                ("solidity", "forge-std", "1.9.1", T, True, 11),
                ("solidity", "@openzeppelin-contracts", "5.0.2", R, True, 12),
            ],
            id="foundry-soldeer-scoped-and-self-remapping",
        ),
        pytest.param(
            chain.parse_anchor,
            "Anchor.toml",
            [
                ("anchor", "anchor-cli", "0.30.1", B, True, 2),
                ("anchor", "token_vault", "", R, True, 9),
                ("anchor", "staking", "", R, True, 10),
                ("anchor", "cluster:Localnet", "", R, True, 16),
            ],
            id="anchor-programs-once-across-clusters",
        ),
        pytest.param(
            chain.parse_anchor,
            "edge-Anchor.toml",
            [
                ("anchor", "my-program", "", R, True, 10),
                ("anchor", "cluster:https://api.devnet.solana.com", "", R, True, 6),
            ],
            id="anchor-quoted-program-url-cluster",
        ),
        pytest.param(
            chain.parse_move,
            "Move.toml",
            [
                ("move", "Sui", "framework/testnet", R, True, 7),
                ("move", "Utils", "../utils", R, True, 8),
                ("move", "TestHelpers", "../test_helpers", D, True, 14),
            ],
            id="move-git-local-dev",
        ),
        pytest.param(chain.parse_move, "edge-Move.toml", [], id="move-implicit-framework"),
        pytest.param(
            chain.parse_js_chain_config,
            "hardhat.config.js",
            [
                ("solidity", "solc", "0.8.20", B, True, 12),
                ("solidity", "solc", "0.7.6", B, True, 13),
                ("npm", "@nomicfoundation/hardhat-toolbox", "", D, True, 1),
                ("npm", "hardhat-gas-reporter", "", D, True, 2),
                ("npm", "hardhat", "", D, True, 5),
            ],
            id="hardhat-compilers-comments-builtins-relative",
        ),
        pytest.param(
            chain.parse_js_chain_config,
            "edge-hardhat.config.ts",
            [
                ("solidity", "solc", "0.8.24", B, True, 9),
                ("npm", "hardhat", "", D, True, 1),
                ("npm", "@nomicfoundation/hardhat-toolbox-viem", "", D, True, 2),
                ("npm", "dotenv", "", D, True, 3),
            ],
            id="hardhat-ts-string-version-imports",
        ),
        pytest.param(
            chain.parse_js_chain_config,
            "truffle-config.js",
            [
                ("solidity", "solc", "0.8.19", B, True, 9),
                ("npm", "@truffle/hdwallet-provider", "", D, True, 1),
            ],
            id="truffle-solc-block",
        ),
    ],
)
def test_dependencies(parser: Parser, sample: str, expected: list[Row]) -> None:
    assert _rows(parser, sample) == expected


@pytest.mark.parametrize(
    ("sample", "path", "message"),
    [
        pytest.param("bad-foundry.toml", "foundry.toml", "invalid TOML", id="foundry-duplicate-table"),
        pytest.param(
            "bad-Anchor.toml", "Anchor.toml", "'programs.localnet' is not a table", id="anchor-programs-string"
        ),
        pytest.param("bad-Move.toml", "move/Move.toml", "no [package] name", id="move-without-package"),
        pytest.param(
            "bad-hardhat.config.js",
            "hardhat.config.js",
            "unterminated comment opened at line 6",
            id="hardhat-unterminated-comment",
        ),
    ],
)
def test_malformed_becomes_diagnostic(sample: str, path: str, message: str) -> None:
    result = parse_manifest(path, (SAMPLES / sample).read_text(), FakeContext())
    assert result.dependencies == ()
    assert [(d.path, d.severity) for d in result.diagnostics] == [(path, Severity.ERROR)]
    assert message in result.diagnostics[0].message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param('module.exports = { solidity: "0.8.9" };\n', [("solidity", "solc", 1)], id="one-line"),
        pytest.param("const v = 'solidity: \"0.1.0\"';\n", [], id="inside-a-string"),
        pytest.param('import("hardhat-deploy");\n', [("npm", "hardhat-deploy", 1)], id="dynamic-import"),
        pytest.param("const u = `template ${x}`;\nrequire('ethers');\n", [("npm", "ethers", 2)], id="template-literal"),
        pytest.param('module.exports = { solidity: { version: "latest" } };\n', [], id="non-numeric-version-skipped"),
    ],
)
def test_js_config_edge_cases(text: str, expected: list[tuple[str, str, int]]) -> None:
    result = chain.parse_js_chain_config("hardhat.config.js", text, FakeContext())
    assert [(d.ecosystem, d.name, d.line) for d in result.dependencies] == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param('require("x);\n', "unterminated string literal at line 1", id="unterminated-string"),
        pytest.param('module.exports = { solidity: { version: "0.8.1" ;\n', "never closed", id="unclosed-block"),
    ],
)
def test_js_config_malformed(text: str, message: str) -> None:
    with pytest.raises(ManifestError, match=message):
        chain.parse_js_chain_config("hardhat.config.js", text, FakeContext())


@pytest.mark.parametrize(
    ("path", "parser"),
    [
        pytest.param("foundry.toml", "parse_foundry", id="foundry"),
        pytest.param("programs/Anchor.toml", "parse_anchor", id="anchor"),
        pytest.param("move/Move.toml", "parse_move", id="move"),
        pytest.param("hardhat.config.cjs", "parse_js_chain_config", id="hardhat-cjs"),
        pytest.param("hardhat.config.mjs", "parse_js_chain_config", id="hardhat-mjs"),
        pytest.param("truffle.js", "parse_js_chain_config", id="truffle-legacy"),
    ],
)
def test_registry_routes_to_parser(path: str, parser: str) -> None:
    found = parser_for(path)
    assert found is not None
    assert found.__name__ == parser
