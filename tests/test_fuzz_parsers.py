"""Fuzzing that stays (issue 8 item 5): every registered manifest parser, every lexer family and the
configuration loader are fed mutated and adversarial text (long runs, deep nesting, huge numbers, control
bytes, byte-order marks, truncated documents), and fail on any exception that escapes their error boundary or
any case that runs past a generous hang limit.

The budget is fixed: examples are derandomized (the same cases on every run, so CI cannot flake and a failure
reproduces), ``max_examples`` is small, and hypothesis prints the falsifying example. Set
``RUSTGO_FUZZ_EXAMPLES`` to explore more locally (random seeds then, printed with each failure).

The long-input checks run each parser on 100,000-character runs of the tokens that made parsers quadratic
before (tabs, blank lines, ``do``, brackets, ``#``...): a quadratic parser needs minutes there, a linear one
well under a second, so a hang limit tells them apart without timing anything.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analyzer.config import resolve
from analyzer.errors import ConfigError
from analyzer.facts.lexers import lex, supports
from analyzer.manifests import parse_manifest, registered
from tests.manifest_helpers import DictContext, hang_limit

_EXAMPLES = int(os.environ.get("RUSTGO_FUZZ_EXAMPLES", "0")) or 12
_HANG = 20.0
_FUZZ = settings(
    max_examples=_EXAMPLES,
    derandomize="RUSTGO_FUZZ_EXAMPLES" not in os.environ,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
    print_blob=True,
)

# Pieces of every syntax the parsers read, and of the inputs that once broke one.
_TOKENS = (
    *("\n", "\r", "\r\n", "\t", " ", "\x00", "\x1b[31m", "\u202e", "\ufeff", "\ud7ff", "\U0001f600"),
    *("[", "]", "{", "}", "(", ")", "<", ">", '"', "'", "`", ",", ":", "=", ";", "#", "--", "//", "/*", "*/"),
    *("- ", "&a ", "*a", "<<: *a", "!!python/object:os.system", "---\n", "...", "${X}", "@", "\\", "%"),
    *("do\n", "end\n", "group :test do\n", "target 'T' do\n", "defmodule X do\n", "defp deps do\n"),
    *("[options]\n", "install_requires =\n", "[env:x]\nlib_deps =\n", "library\n", "build-depends: ", "-r x.txt\n"),
    *('{"dependencies": {"a": "1"}}', '"workspaces": [', "require (\n", "module x\n", "[package]\n", "[[package]]\n"),
    *("name = ", "version = ", "dependencies:\n  ", "<project><dependencies>", "<!DOCTYPE x [<!ENTITY a 'b'>]>"),
    *("gem 'rails', '~> 7'\n", "pod 'A', '1.0'\n", '{:phoenix, "~> 1.7"}', "9" * 5000, "1e99999", "0x", "-1"),
)
_REPEATS = (1, 1, 2, 3, 16, 300, 5000)


@st.composite
def _adversarial(draw: st.DrawFn) -> str:
    """A text of a few tokens, each repeated from once to thousands of times, maybe cut short."""
    parts = draw(st.lists(st.tuples(st.sampled_from(_TOKENS), st.sampled_from(_REPEATS)), max_size=10))
    text = "".join(token * count for token, count in parts)
    text += draw(st.text(max_size=40))
    if draw(st.booleans()):
        text = text[: draw(st.integers(0, len(text)))]  # a document cut at the read cap
    return text


_PARSERS = [pytest.param(path, id=target) for path, target in registered()]


@pytest.mark.parametrize("path", _PARSERS)
@_FUZZ
@given(text=_adversarial())
def test_parser_survives_adversarial_text(path: str, text: str) -> None:
    ctx = DictContext({"x.txt": text, "requirements.txt": text})
    with hang_limit(_HANG):
        result = parse_manifest(path, text, ctx)
    # The boundary words a parser's own failure; "please report it" means an exception the parser did not expect.
    assert [d.message for d in result.diagnostics if "please report it" in d.message] == []


_LANGUAGES = [
    lang for lang in ("C", "C++", "Rust", "Go", "Swift", "Python", "Ruby", "Shell", "Lua", "Haskell") if supports(lang)
]


@pytest.mark.parametrize("language", _LANGUAGES)
@_FUZZ
@given(text=_adversarial())
def test_lexer_survives_adversarial_text(language: str, text: str) -> None:
    with hang_limit(_HANG):
        spans = lex(language, text)
    assert all(0 <= start <= end <= len(text) for start, end in (*spans.comments, *spans.strings))


@_FUZZ
@given(text=_adversarial(), name=st.sampled_from([".rustgo.toml", "pyproject.toml"]))
def test_config_loader_raises_only_config_errors(text: str, name: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / ".git").mkdir()
        (root / name).write_text("[tool.rustgo]\n" + text if name == "pyproject.toml" else text, errors="surrogatepass")
        with hang_limit(_HANG), contextlib.suppress(ConfigError):
            resolve(root, None, {}, {}, cwd=root)


_RUNS = ("\t", "\r\n", "#", "[", "{", '"', "do\n", "- ", ":", "\\")
_LONG = 100_000
_LONG_HANG = 10.0


# Runs after a neutral first line, and blank runs after the words that open a line in line-based formats.
_LONG_CASES = (
    *(("name: x\n", run) for run in _RUNS),
    *((word, " ") for word in ("group ", "platforms ", "gem ", "pod ", "target ", "x do", "plugins ", "library ")),
)


@pytest.mark.parametrize("path", _PARSERS)
def test_parser_is_linear_on_long_runs(path: str) -> None:
    """A quadratic parser needs minutes at this size, a linear one a blink: the hang limit tells them apart."""
    for prefix, run in _LONG_CASES:
        text = prefix + run * (_LONG // len(run)) + "y\n"
        with hang_limit(_LONG_HANG):
            parse_manifest(path, text, DictContext({}))
