"""The README's set-up commands are the ones CI runs, and its generated parts are not stale."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _code_blocks(text: str) -> list[str]:
    return [block.strip() for block in re.findall(r"```(?:sh|bash|console)?\n(.*?)```", text, flags=re.DOTALL)]


def test_readme_starts_with_two_setup_commands() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    head = text.split("\n## ", 1)[0]
    blocks = _code_blocks(head)
    assert len(blocks) == 2
    assert "pip install" in blocks[0]
    assert "analyze fixtures/" in blocks[0]
    assert "'.[test]'" in blocks[1]
    assert "pytest" in blocks[1]


def test_ci_runs_the_readme_test_command() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    test_command = _code_blocks(readme.split("\n## ", 1)[0])[1]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert test_command in ci.splitlines()


def test_readme_fixture_exists() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first = _code_blocks(readme.split("\n## ", 1)[0])[0]
    fixture = re.search(r"analyze (fixtures/[\w.-]+)", first)
    assert fixture is not None
    assert (ROOT / fixture.group(1)).is_dir()


def test_rule_counts_are_current() -> None:
    from golden import README, readme_with_counts

    text = README.read_text(encoding="utf-8")
    assert readme_with_counts(text) == text, "stale rule counts: run `python tests/golden.py`"


def test_rules_doc_is_current() -> None:
    from golden import RULES_DOC

    from analyzer.reports.rules import rules_markdown

    assert RULES_DOC.is_file(), "no docs/rules.md: run `python tests/golden.py`"
    assert RULES_DOC.read_text(encoding="utf-8") == rules_markdown(), (
        "stale docs/rules.md: run `python tests/golden.py`"
    )
