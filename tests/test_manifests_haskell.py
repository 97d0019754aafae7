"""Tests of the .cabal and stack.yaml parsers (analyzer.manifests.haskell)."""

from __future__ import annotations

from pathlib import Path

import pytest
from manifest_helpers import FakeContext

from analyzer.errors import ManifestError
from analyzer.manifests import Parser, parse_manifest, parser_for
from analyzer.manifests.haskell import parse_cabal, parse_stack_yaml
from analyzer.model import Scope

SAMPLES = Path(__file__).parent / "manifest_samples" / "haskell"
RT, TEST, BUILD = Scope.RUNTIME, Scope.TEST, Scope.BUILD
Row = tuple[str, str, Scope, bool, int]


def _rows(parser: Parser, sample: str) -> list[Row]:
    result = parser(f"hs/{sample}", (SAMPLES / sample).read_text(encoding="utf-8"), FakeContext())
    assert {(d.ecosystem, d.path) for d in result.dependencies} <= {("hackage", f"hs/{sample}")}
    return [(d.name, d.version, d.scope, d.direct, d.line) for d in result.dependencies]


@pytest.mark.parametrize(
    ("parser", "sample", "expected"),
    [
        pytest.param(
            parse_cabal,
            "shop.cabal",
            [
                ("base", ">=4.14 && <5", RT, True, 18),
                ("servant-server", "^>=0.20", RT, True, 19),
                ("warp", ">= 3.3 && < 3.4", RT, True, 20),
                ("aeson", "< 2.2", RT, True, 21),
                ("base", "", RT, True, 28),
                ("base", "", TEST, True, 35),
                ("hspec", "==2.*", TEST, True, 35),
                ("hspec-discover", "", BUILD, True, 36),
                ("base", "", TEST, True, 41),
                ("criterion", "", TEST, True, 41),
            ],
            id="cabal-stanzas-multiline-own-library-skipped-prose-ignored",
        ),
        pytest.param(
            parse_cabal,
            "edge.cabal",
            [
                ("base", "", BUILD, True, 7),
                ("Cabal", ">= 2.0", BUILD, True, 7),
                ("base", ">= 4 && < 5", RT, True, 12),
                ("containers", "", RT, True, 13),
                ("async", ">= 2.2", RT, True, 14),
                ("network-uri", ">= 2.6", RT, True, 16),
                ("network", ">= 2.6", RT, True, 16),
                ("network", "< 2.6", RT, True, 18),
                ("mylib", "^>= 1.2", RT, True, 19),
            ],
            id="cabal-leading-commas-conditionals-custom-setup-sublibraries",
        ),
        pytest.param(
            parse_stack_yaml,
            "stack.yaml",
            [
                ("acme-missiles", "0.3", RT, True, 8),
                ("servant", "0.20.1", RT, True, 9),
                ("async", "github:haskell/async", RT, True, 10),
            ],
            id="stack-extra-deps-hash-and-github",
        ),
        pytest.param(
            parse_stack_yaml,
            "edge-stack.yaml",
            [
                ("wai", "git:https://github.com/yesodweb/wai.git", RT, True, 6),
                ("text", "2.1", RT, True, 9),
            ],
            id="stack-local-and-archive-skipped-git-subdirs",
        ),
    ],
)
def test_dependencies(parser: Parser, sample: str, expected: list[Row]) -> None:
    assert _rows(parser, sample) == expected


def test_stack_packages_are_workspace_members() -> None:
    text = (SAMPLES / "stack.yaml").read_text(encoding="utf-8")
    assert parse_stack_yaml("stack.yaml", text, FakeContext()).workspace_members == ("shop-client",)


@pytest.mark.parametrize(
    ("parser", "text", "message"),
    [
        pytest.param(
            parse_cabal,
            (SAMPLES / "bad.cabal").read_text(encoding="utf-8"),
            "line 6: dependency '>= 1.0 && < 2' does not start with a package name",
            id="cabal-sample",
        ),
        pytest.param(
            parse_stack_yaml,
            (SAMPLES / "bad-stack.yaml").read_text(encoding="utf-8"),
            "line 3: extra-deps must be a list",
            id="stack-sample-mapping",
        ),
        pytest.param(
            parse_cabal,
            "name: a\nlibary\n  build-depends: base\n",
            "line 2: expected a field or a section",
            id="cabal-misspelt-stanza",
        ),
        pytest.param(
            parse_stack_yaml,
            "extra-deps:\n- acme\n",
            "line 2: extra-dep 'acme' is not name-version",
            id="stack-entry-without-version",
        ),
        pytest.param(parse_stack_yaml, "extra-deps:\n- [a]\n", "line 2: extra-deps entries", id="stack-entry-list"),
        pytest.param(parse_stack_yaml, "- a\n", "stack.yaml must be a mapping", id="stack-root-list"),
        pytest.param(parse_stack_yaml, "extra-deps: [a\n", "invalid YAML in stack.yaml", id="stack-bad-yaml"),
    ],
)
def test_malformed_raises(parser: Parser, text: str, message: str) -> None:
    with pytest.raises(ManifestError, match=message):
        parser("x.cabal", text, FakeContext())


def test_tabs_and_comments_in_cabal() -> None:
    text = "name: t\nexecutable t\n\tbuild-depends: base,\n\t-- scotty 0.12\n\t\tscotty >= 0.20\n"
    assert [(d.name, d.line) for d in parse_cabal("t.cabal", text, FakeContext()).dependencies] == [
        ("base", 3),
        ("scotty", 5),
    ]


@pytest.mark.parametrize(
    "path",
    [pytest.param("pkg/shop.cabal", id="cabal"), pytest.param("stack.yaml", id="stack-yaml")],
)
def test_registry_dispatch(path: str) -> None:
    parser = parser_for(path)
    assert parser is not None
    assert parser.__module__ == "analyzer.manifests.haskell"


def test_registry_turns_errors_into_diagnostics() -> None:
    result = parse_manifest("a.cabal", "library\n  build-depends: , >= 2\n", FakeContext())
    assert "could not parse a.cabal" in result.diagnostics[0].message
