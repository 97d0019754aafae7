"""Tests for the Gemfile and Gemfile.lock parsers (analyzer.manifests.ruby)."""

from __future__ import annotations

from pathlib import Path

import pytest
from manifest_helpers import FakeContext

from analyzer.errors import ManifestError
from analyzer.manifests import Parser, parse_manifest
from analyzer.manifests.ruby import parse_gemfile, parse_gemfile_lock, parse_gemspec
from analyzer.model import Scope

SAMPLES = Path(__file__).parent / "manifest_samples" / "ruby"


Row = tuple[str, str, Scope, bool, int]


def _rows(parser: Parser, path: str, text: str) -> list[Row]:
    result = parser(path, text, FakeContext())
    assert {(d.ecosystem, d.path) for d in result.dependencies} <= {("gem", path)}
    return [(d.name, d.version, d.scope, d.direct, d.line) for d in result.dependencies]


@pytest.mark.parametrize(
    ("parser", "sample", "expected"),
    [
        pytest.param(
            parse_gemfile,
            "Gemfile",
            [
                # the Gemfile says `gemspec`: the gemspec holds the runtime, ungrouped gems here are for development
                ("rails", "~> 7.1, >= 7.1.2", Scope.DEV, True, 7),
                ("pg", "~> 1.5", Scope.DEV, True, 8),
                ("puma", ">= 5.0", Scope.DEV, True, 9),
                ("sidekiq", "", Scope.RUNTIME, True, 10),
                ("bootsnap", "", Scope.DEV, True, 11),
                ("debug", "", Scope.DEV, True, 14),
                ("pry-byebug", "", Scope.DEV, True, 16),
                ("capybara", "", Scope.TEST, True, 21),
                ("selenium-webdriver", "~> 4.10", Scope.TEST, True, 22),
                ("rubocop-rails", "", Scope.DEV, True, 25),
                ("rspec-rails", "", Scope.TEST, True, 26),
                ("activerecord-jdbcpostgresql-adapter", "", Scope.DEV, True, 29),  # JRuby only
            ],
            id="gemfile-groups-options-nested-blocks",
        ),
        pytest.param(
            parse_gemfile_lock,
            "Gemfile.lock",
            [
                ("bootsnap", "1.17.0", Scope.RUNTIME, False, 5),
                ("actionpack", "7.1.2", Scope.RUNTIME, False, 11),
                ("msgpack", "1.7.2", Scope.RUNTIME, False, 13),
                ("nokogiri", "1.15.5-x86_64-linux", Scope.RUNTIME, False, 14),
                ("pg", "1.5.4", Scope.RUNTIME, False, 16),
                ("racc", "1.7.3", Scope.RUNTIME, False, 17),
                ("rack", "3.0.8", Scope.RUNTIME, False, 18),
                ("rails", "7.1.2", Scope.RUNTIME, False, 19),
            ],
            id="lockfile-git-and-gem-sources",
        ),
    ],
)
def test_dependencies(parser: Parser, sample: str, expected: list[Row]) -> None:
    assert _rows(parser, f"app/{sample}", (SAMPLES / sample).read_text()) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("", [], id="empty"),
        pytest.param('gem "a#b", "1.0" # note\n', [("a#b", "1.0", Scope.RUNTIME, True, 1)], id="hash-inside-string"),
        pytest.param(
            'group :doc do\n  gem "yard"\nend\n', [("yard", "", Scope.DEV, True, 2)], id="non-standard-group-is-dev"
        ),
        pytest.param(
            'group :production do\n  gem "lograge"\nend\n',
            [("lograge", "", Scope.RUNTIME, True, 2)],
            id="production-group-is-runtime",
        ),
        pytest.param('gem "dotenv" if ENV["X"]\n', [("dotenv", "", Scope.RUNTIME, True, 1)], id="modifier-if"),
        pytest.param(
            'source "https://gems.example" do\n  gem "private"\nend\ngem "public"\n',
            [("private", "", Scope.RUNTIME, True, 2), ("public", "", Scope.RUNTIME, True, 4)],
            id="source-block",
        ),
        pytest.param(
            'gem "fiddle", platforms: [:mswin, :mingw, :x64_mingw]\ngem "pg", platforms: :ruby\n',
            [("fiddle", "", Scope.DEV, True, 1), ("pg", "", Scope.RUNTIME, True, 2)],
            id="windows-only-gem-is-not-runtime",
        ),
        pytest.param(
            'platforms :jruby do\n  gem "jdbc-sqlite3"\nend\nplatforms :mri do\n  gem "sqlite3"\nend\n',
            [("jdbc-sqlite3", "", Scope.DEV, True, 2), ("sqlite3", "", Scope.RUNTIME, True, 5)],
            id="platform-blocks",
        ),
        pytest.param(
            'source "https://rubygems.org"\n\ngemspec\n\ngem "rake-compiler"\ngroup :test do\n  gem "rspec"\nend\n',
            [("rake-compiler", "", Scope.DEV, True, 5), ("rspec", "", Scope.TEST, True, 7)],
            id="gemspec-gemfile-holds-developer-tools",
        ),
    ],
)
def test_gemfile_edge_cases(text: str, expected: list[Row]) -> None:
    assert _rows(parse_gemfile, "Gemfile", text) == expected


@pytest.mark.parametrize(
    ("parser", "text", "message"),
    [
        pytest.param(parse_gemfile, 'gem "a"\nend\n', "line 2: 'end' without an open block", id="gemfile-stray-end"),
        pytest.param(
            parse_gemfile,
            'group :test do\n  gem "a"\n',
            "opened at line 1 is never closed",
            id="gemfile-unclosed-group",
        ),
        pytest.param(
            parse_gemfile_lock, "GEM\n  specs:\n    rails 7.1\n", "line 3: 'rails 7.1' is not", id="lock-bad-spec"
        ),
        pytest.param(
            parse_gemfile_lock,
            "GEM\n  specs:\n<<<<<<< HEAD\n",
            "line 3: unresolved merge conflict",
            id="lock-merge-conflict",
        ),
        pytest.param(parse_gemfile_lock, '{"not": "a lockfile"}\n', "not a Gemfile.lock", id="lock-not-lockfile"),
    ],
)
def test_malformed_input_raises(parser: Parser, text: str, message: str) -> None:
    with pytest.raises(ManifestError, match=message):
        parser("Gemfile", text, FakeContext())


def test_registry_picks_the_lockfile_parser() -> None:
    result = parse_manifest("web/Gemfile.lock", (SAMPLES / "Gemfile.lock").read_text(), FakeContext())
    assert result.dependencies
    assert not any(d.direct for d in result.dependencies)  # the Gemfile, not the lockfile, says what is direct
    assert result.diagnostics == ()


def test_gemspec_dependencies() -> None:
    text = (
        "Gem::Specification.new do |s|\n"
        "  s.name = 'web'\n"
        "  s.add_dependency        'rack',         '>= 1', '< 4'\n"
        '  s.add_runtime_dependency("eventmachine", "~> 1.0")\n'
        "  # s.add_dependency 'commented'\n"
        "  s.add_development_dependency 'rspec'\n"
        "  s.extensions = Dir['ext/**/extconf.rb']\n"
        "end\n"
    )
    assert _rows(parse_gemspec, "web.gemspec", text) == [
        ("rack", ">= 1, < 4", Scope.RUNTIME, True, 3),
        ("eventmachine", "~> 1.0", Scope.RUNTIME, True, 4),
        ("rspec", "", Scope.DEV, True, 6),
    ]
