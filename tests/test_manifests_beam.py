"""Tests of the mix.exs, mix.lock and rebar.config parsers (analyzer.manifests.beam)."""

from __future__ import annotations

from pathlib import Path

import pytest
from manifest_helpers import FakeContext

from analyzer.errors import ManifestError
from analyzer.manifests import Parser, parse_manifest, parser_for
from analyzer.manifests.beam import parse_mix_exs, parse_mix_lock, parse_rebar_config
from analyzer.model import Scope

SAMPLES = Path(__file__).parent / "manifest_samples" / "beam"
RT, DEV, TEST, BUILD = Scope.RUNTIME, Scope.DEV, Scope.TEST, Scope.BUILD
Row = tuple[str, str, Scope, bool, int]


def _rows(parser: Parser, sample: str) -> list[Row]:
    result = parser(f"svc/{sample}", (SAMPLES / sample).read_text(encoding="utf-8"), FakeContext())
    assert {(d.ecosystem, d.path) for d in result.dependencies} <= {("hex", f"svc/{sample}")}
    return [(d.name, d.version, d.scope, d.direct, d.line) for d in result.dependencies]


@pytest.mark.parametrize(
    ("parser", "sample", "expected"),
    [
        pytest.param(
            parse_mix_exs,
            "mix.exs",
            [
                ("phoenix", "~> 1.7.10", RT, True, 16),
                ("plug_cowboy", "~> 2.6", RT, True, 17),
                ("credo", "~> 1.7", DEV, True, 19),
                ("mox", "~> 1.1", TEST, True, 20),
                ("esbuild", "~> 0.8", RT, True, 21),
                ("ex_doc", ">= 0.0.0", DEV, True, 22),
                ("heroicons", "github:tailwindlabs/heroicons", RT, True, 23),
            ],
            id="mix-exs-defp-deps-only-runtime-github-comment",
        ),
        pytest.param(
            parse_mix_exs,
            "edge-mix.exs",
            [
                ("broadway", "~> 1.0", RT, True, 6),
                ("gettext", "", RT, True, 8),
                ("local_lib", "path:../local_lib", RT, True, 9),
                ("dialyxir", "~> 1.4", DEV, True, 10),
                ("nimble_options", "~> 1.0", RT, True, 11),
            ],
            id="mix-exs-inline-deps-umbrella-hex-rename-aliases-ignored",
        ),
        pytest.param(
            parse_mix_lock,
            "mix.lock",
            [
                ("castore", "1.0.5", RT, False, 2),
                ("cowboy", "2.10.0", RT, False, 3),
                ("heroicons", "git:https://github.com/tailwindlabs/heroicons.git", RT, False, 4),
                ("phoenix", "1.7.10", RT, False, 5),
            ],
            id="mix-lock-hex-and-git",
        ),
        pytest.param(
            parse_mix_lock,
            "edge-mix.lock",
            [
                ("gettext", "0.24.0", RT, False, 1),
                ("broadway", "1.0.7", RT, False, 2),
            ],
            id="mix-lock-first-entry-on-brace-line-renamed-package",
        ),
        pytest.param(
            parse_rebar_config,
            "rebar.config",
            [
                ("cowboy", "2.10.0", RT, True, 5),
                ("jsx", "", RT, True, 6),
                ("lager", "git:https://github.com/erlang-lager/lager.git", RT, True, 7),
                ("hackney", "1.20.1", RT, True, 8),
                ("rebar3_hex", "", BUILD, True, 11),
                ("meck", "", TEST, True, 14),
                ("proper", "1.4.0", TEST, True, 14),
                ("edown", "0.8.4", DEV, True, 15),
            ],
            id="rebar-deps-plugins-profiles-comment-brace",
        ),
        pytest.param(
            parse_rebar_config,
            "edge-rebar.config",
            [
                ("jsone", "", RT, True, 3),
                ("quoted-name", "1.0.0", RT, True, 4),
                ("recon", ".*", RT, True, 5),
                ("erlfmt", "~> 1.3", BUILD, True, 7),
            ],
            id="rebar-pkg-alias-binary-quoted-atom-list-tail",
        ),
    ],
)
def test_dependencies(parser: Parser, sample: str, expected: list[Row]) -> None:
    assert _rows(parser, sample) == expected


def test_umbrella_apps_are_workspace_members() -> None:
    text = (SAMPLES / "edge-mix.exs").read_text(encoding="utf-8")
    assert parse_mix_exs("mix.exs", text, FakeContext()).workspace_members == ("apps/*",)


@pytest.mark.parametrize(
    ("parser", "text", "message"),
    [
        pytest.param(
            parse_mix_exs,
            (SAMPLES / "bad-mix.exs").read_text(encoding="utf-8"),
            r"line 7: unbalanced '\]'",
            id="mix-exs-sample-unclosed-tuple",
        ),
        pytest.param(
            parse_mix_lock,
            (SAMPLES / "bad-mix.lock").read_text(encoding="utf-8"),
            "line 2: hex entry 'phoenix' has no package name",
            id="mix-lock-sample-short-tuple",
        ),
        pytest.param(
            parse_rebar_config,
            (SAMPLES / "bad-rebar.config").read_text(encoding="utf-8"),
            "line 3: expected ',' or ']'",
            id="rebar-sample-missing-comma",
        ),
        pytest.param(parse_mix_exs, '[{:a, "1"}]\n', "no defmodule", id="mix-exs-not-a-project"),
        pytest.param(
            parse_mix_exs,
            'defmodule A do\n  defp deps, do: [{:a, "1}]\nend\n',
            "never closed|unterminated",
            id="mix-exs-unterminated-string",
        ),
        pytest.param(parse_mix_lock, '["a"]\n', "map literal", id="mix-lock-not-a-map"),
        pytest.param(parse_mix_lock, '%{\n  "a": "b",\n}\n', "line 2: lock entry", id="mix-lock-entry-not-tuple"),
        pytest.param(parse_rebar_config, "{deps, []}\n", "unexpected end of file", id="rebar-missing-full-stop"),
        pytest.param(
            parse_rebar_config, "{deps, cowboy}.\n", "line 1: deps and plugins must be lists", id="rebar-deps-not-list"
        ),
        pytest.param(parse_rebar_config, '{deps, ["x"]}.\n', "must be an atom", id="rebar-dep-string"),
        pytest.param(parse_rebar_config, "{deps, ['open]}.\n", "unterminated quoted atom", id="rebar-open-atom"),
        pytest.param(parse_rebar_config, "{profiles, [test]}.\n", "a profile must be", id="rebar-bad-profile"),
        pytest.param(
            parse_rebar_config, "{a, " + "[" * 300 + "]" * 300 + "}.\n", "nested deeper", id="rebar-deep-nesting"
        ),
        pytest.param(parse_rebar_config, "{deps, [a]}. ~\n", "line 1: unexpected '~'", id="rebar-stray-char"),
    ],
)
def test_malformed_raises(parser: Parser, text: str, message: str) -> None:
    with pytest.raises(ManifestError, match=message):
        parser("mix.exs", text, FakeContext())


def test_character_literals_are_not_comments() -> None:
    text = '{sep, $%}.\n{deps, [{cowboy, "2.10.0"}]}. % real comment\n'
    assert [(d.name, d.line) for d in parse_rebar_config("rebar.config", text, FakeContext()).dependencies] == [
        ("cowboy", 2)
    ]


@pytest.mark.parametrize(
    "path",
    [
        pytest.param("mix.exs", id="mix-exs"),
        pytest.param("apps/web/mix.lock", id="mix-lock"),
        pytest.param("rebar.config", id="rebar-config"),
    ],
)
def test_registry_dispatch(path: str) -> None:
    parser = parser_for(path)
    assert parser is not None
    assert parser.__module__ == "analyzer.manifests.beam"


def test_registry_turns_errors_into_diagnostics() -> None:
    result = parse_manifest("rebar.config", "{deps, [\n", FakeContext())
    assert "could not parse rebar.config" in result.diagnostics[0].message


def test_tuple_text_inside_a_string_is_not_a_dependency() -> None:
    text = 'defmodule A do\n  defp deps do\n    [{:a, "1", note: "{:b, 2}"}]\n  end\nend\n'
    assert [(d.name, d.line) for d in parse_mix_exs("mix.exs", text, FakeContext()).dependencies] == [("a", 3)]
