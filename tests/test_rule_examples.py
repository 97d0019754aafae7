"""Every rule's examples, run through the real matcher: what must match does, what must not does not."""

from __future__ import annotations

import re

import pytest

from analyzer.errors import RuleError
from analyzer.facts.matcher import Matcher, compile_pattern
from analyzer.knowledge.criteria import load_criteria
from analyzer.knowledge.rules import Example, Rule, load_rules, parse_pack
from analyzer.model import Dependency, Scope

_CRITERIA = load_criteria()
_RULES = load_rules(_CRITERIA)


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(_RULES)


def _matches(matcher: Matcher, rule: Rule, example: Example) -> bool:
    if example.dependency is not None:
        ecosystem, _, name = example.dependency.partition(":")
        dep = Dependency(
            ecosystem=ecosystem, name=name, version="", scope=Scope.RUNTIME, direct=True, path="manifest", line=1
        )
        return rule in matcher.match_dependency(dep)
    if example.code is not None:
        path = example.file or "snippet"
        language = example.language
        return any(hit.rule.id == rule.id for hit in matcher.match_content(path, language, example.code))
    assert example.path is not None
    return rule in matcher.match_path(example.path)


def _cases(expected: bool) -> list[object]:
    cases = []
    for rule in _RULES.rules:
        examples = rule.examples_match if expected else rule.examples_no_match
        for i, example in enumerate(examples):
            cases.append(pytest.param(rule, example, id=f"{rule.id}-{'match' if expected else 'no_match'}-{i}"))
    return cases


@pytest.mark.parametrize(("rule", "example"), _cases(True))
def test_example_matches(matcher: Matcher, rule: Rule, example: Example) -> None:
    assert _matches(matcher, rule, example), f"{rule.id} ({rule.pack}) should match {example}"


@pytest.mark.parametrize(("rule", "example"), _cases(False))
def test_example_does_not_match(matcher: Matcher, rule: Rule, example: Example) -> None:
    assert not _matches(matcher, rule, example), f"{rule.id} ({rule.pack}) should not match {example}"


def test_rule_base_is_broad() -> None:
    categories = {rule.category for rule in _RULES.rules}
    assert len(_RULES.rules) >= 150
    assert categories == set(_CRITERIA.categories)


def _pattern_cases() -> list[object]:
    cases = []
    for rule in _RULES.rules:
        examples = [*rule.examples_match, *rule.examples_no_match]
        for n, pattern in enumerate(rule.content):
            for text in [e.code for e in examples if e.code is not None]:
                cases.append(pytest.param(pattern.pattern, text, id=f"{rule.id}-{n}-{len(cases)}"))
                if pattern.negative is not None:
                    for line in text.split("\n"):
                        cases.append(pytest.param(pattern.negative, line, id=f"{rule.id}-{n}-not-{len(cases)}"))
    return cases


def _spans(engine: str, pattern: str, text: str) -> list[tuple[int, int]]:
    if engine == "re":
        return [m.span() for m in re.finditer(pattern, text, re.MULTILINE)]
    return [m.span() for m in compile_pattern(pattern).finditer(text)]


@pytest.mark.parametrize(("pattern", "text"), _pattern_cases())
def test_re2_and_python_agree_on_examples(pattern: str, text: str) -> None:
    """Hits are located with RE2; the packs are written (and validated) in Python's syntax: on every example text
    both engines find the same spans, so a rule's examples mean the same thing to its author and to the matcher."""
    assert _spans("re2", pattern, text) == _spans("re", pattern, text)


@pytest.mark.parametrize(
    ("pattern", "text", "python", "re2"),
    [
        pytest.param(r"\bunsafe\b", "éunsafe", [], [(1, 7)], id="word-boundary-is-ascii"),
        pytest.param(r"^\s*import\b", "\vimport os", [(0, 7)], [], id="vertical-tab-is-not-space"),
        pytest.param(r"\w+", "größe", [(0, 5)], [(0, 2), (4, 5)], id="word-class-is-ascii"),
    ],
)
def test_where_re2_and_python_differ(pattern: str, text: str, python: list[object], re2: list[object]) -> None:
    """The documented differences (analyzer/facts/matcher.py): RE2's classes are ASCII. A rule that must see
    non-ASCII identifiers spells the characters out instead of relying on ``\\w``."""
    assert _spans("re", pattern, text) == python
    assert _spans("re2", pattern, text) == re2


_MINIMAL_RULE = """
[[rule]]
id = "TST001"
name = "test-rule"
status = "stable"
category = "systems"
summary = "s"
rationale = "r"
{extra}
[rule.match]
content = [{{ languages = ["Go"], pattern = 'unix\\.Syscall\\(' }}]
[rule.examples]
match = [{{ language = "Go", code = "unix.Syscall(1)\\n" }}]
no_match = [{{ language = "Go", code = "x := 1\\n" }}]
"""


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        pytest.param("", (), id="absent"),
        pytest.param('idiom_of = "go"', ("go",), id="string"),
        pytest.param('idiom_of = ["go", "rust"]', ("go", "rust"), id="list"),
    ],
)
def test_idiom_of_is_read(extra: str, expected: tuple[str, ...]) -> None:
    (rule,) = parse_pack("test.toml", _MINIMAL_RULE.format(extra=extra), _CRITERIA)
    assert rule.idiom_of == expected


@pytest.mark.parametrize("extra", ['idiom_of = "c"', 'idiom_of = ["go", "java"]', "idiom_of = 1"])
def test_idiom_of_names_only_go_or_rust(extra: str) -> None:
    with pytest.raises(RuleError, match="idiom_of"):
        parse_pack("test.toml", _MINIMAL_RULE.format(extra=extra), _CRITERIA)


@pytest.mark.parametrize(
    ("language", "code"),
    [
        pytest.param("Go", "p := unsafe.Pointer(&x)\n", id="unsafe-pointer"),
        pytest.param(
            "Go", 'import (\n\t"syscall"\n)\nfunc f() { syscall.Syscall(syscall.SYS_IOCTL, 0, 0, 0) }\n', id="syscall"
        ),
        pytest.param("Go", "var n atomic.Int64\n", id="sync-atomic"),
        pytest.param("Go", 'import "C"\n', id="cgo"),
        pytest.param("Go", "unix.IoctlSetInt(fd, unix.TUNSETIFF, 0)\n", id="ioctl"),
        pytest.param("Go", "fd, _ := unix.Socket(unix.AF_NETLINK, unix.SOCK_RAW, 0)\n", id="netlink"),
        pytest.param("Go", 'import "crypto/ed25519"\n', id="crypto-stdlib"),
    ],
)
def test_go_low_level_idioms_say_so(matcher: Matcher, language: str, code: str) -> None:
    """Every rule that fires on Go's own low-level idioms carries idiom_of = go, so the judgement can treat the
    hit as what Go does there (issue 10 item 3)."""
    hits = matcher.match_content("x.go", language, code)
    assert hits, code
    assert all("go" in hit.rule.idiom_of for hit in hits if hit.rule.category != "existing-go"), [
        (h.rule.id, h.rule.idiom_of) for h in hits
    ]


@pytest.mark.parametrize(
    ("language", "code", "rule_id"),
    [
        pytest.param(
            "C++", "std::lock_guard<std::recursive_mutex> lock(m_lock);\n", "THR012", id="two-matches-one-line"
        ),
        pytest.param("Go", "p := unsafe.Pointer(unsafe.SliceData(b))\n", "MEM012", id="go-unsafe-twice"),
    ],
)
def test_one_fact_per_rule_and_line(matcher: Matcher, language: str, code: str, rule_id: str) -> None:
    """A line that matches a rule twice is one fact, so a count means places, not regex matches."""
    hits = [h for h in matcher.match_content("snippet", language, code) if h.rule.id == rule_id]
    assert [h.line for h in hits] == [1]
