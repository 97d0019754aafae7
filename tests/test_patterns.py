"""The compiled gitignore-style matcher: bounded lines, collapsed stars, RE2 sets split until they compile."""

from __future__ import annotations

import pickle

import pytest

from analyzer.model import Diagnostic
from analyzer.target.patterns import MAX_PATTERN_CHARS, MAX_PATTERN_LINES, PatternSet, clean_lines, ignore_patterns


def test_many_lines_are_split_into_sets_that_compile() -> None:
    # one RE2 set of 5,000 such lines fails to compile: the matcher halves it until each part does
    patterns = [f"dir{i}/*.x{i}" for i in range(5000)]
    matcher = PatternSet(patterns)
    assert matcher.match("dir4999/a.x4999")
    assert matcher.match("dir0/b.x0")
    assert not matcher.match("dir1/b.x2")


def test_star_runs_collapse_as_git_reads_them() -> None:
    diagnostics: list[Diagnostic] = []
    [(_, pattern)] = clean_lines(["*a*a*a*a*a*a******0"], "x", diagnostics)
    assert pattern == "*a*a*a*a*a*a**0"
    assert PatternSet([pattern]).match("a" * 30 + "0")
    assert not PatternSet([pattern]).match("a" * 30)
    assert diagnostics == []


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("a" * (MAX_PATTERN_CHARS + 1) + "\n*.log\n", "line 1: pattern over", id="long-line"),
        pytest.param("\\\n*.log\n", "line 1: invalid pattern", id="lone-backslash"),
        pytest.param("x\n" * (MAX_PATTERN_LINES + 5), f"more than {MAX_PATTERN_LINES} lines", id="too-many-lines"),
    ],
)
def test_bad_lines_are_diagnostics_and_the_rest_applies(text: str, message: str) -> None:
    diagnostics: list[Diagnostic] = []
    matcher = ignore_patterns(text, ".gitignore", diagnostics)
    assert [d.message for d in diagnostics if message in d.message]
    assert matcher.match("debug.log") or matcher.match("x")


def test_names_that_are_not_utf8_never_match_and_never_raise() -> None:
    assert PatternSet(["*.py"]).check("bad\udcff.py") is None


def test_parent_directory_decides_as_in_git() -> None:
    matcher = PatternSet(["build/", "!build/keep.txt"])
    assert matcher.match("build/keep.txt")  # git never looks inside an ignored directory
    assert PatternSet(["a/**", "!a/keep"]).check("a/keep") is False
    assert PatternSet(["docs"]).indices("docs/readme.md") == []  # only the file itself, for attributes


def test_survives_pickling() -> None:
    matcher = pickle.loads(pickle.dumps(PatternSet(["*.log", "!keep.log"])))
    assert matcher.match("a.log")
    assert not matcher.match("keep.log")
