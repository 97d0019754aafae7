"""Golden reports of the fixtures: how they are produced, and the one command that rewrites them.

    python tests/golden.py    # rewrite tests/golden/*.json, the rule count, the terminal snapshot, README counts, docs/rules.md

The JSON report is normalized before comparison: the target path becomes the fixture's name, the run time is
zeroed and the number of rules in force is kept in one golden of its own (``tests/golden/rule-count.txt``), so a
fixture's golden changes only when what the analyzer says about it changes, not when a rule is added elsewhere.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"
GOLDEN = Path(__file__).resolve().parent / "golden"
RULE_COUNT = GOLDEN / "rule-count.txt"
SNAPSHOT = Path(__file__).resolve().parent / "snapshots" / "terminal_sample.txt"
RULES_IN_FORCE = "see tests/golden/rule-count.txt"
"""What a golden says in place of ``stats.rules``."""


def fixture_names() -> list[str]:
    """Every fixture repository (a folder of fixtures/)."""
    return sorted(p.name for p in FIXTURES.iterdir() if p.is_dir())


def normalized_report(name: str) -> dict[str, Any]:
    """The JSON report of one fixture, normalized."""
    from analyzer.engine import Options, analyze
    from analyzer.knowledge import load as load_knowledge
    from analyzer.reports.json import to_dict
    from analyzer.target.worktree import WorkTree

    report = analyze(WorkTree(FIXTURES / name), load_knowledge(), Options(jobs=1))
    data = to_dict(report)
    data["target"]["path"] = name
    data["stats"]["seconds"] = 0.0
    data["stats"]["rules"] = RULES_IN_FORCE
    return data


def rule_count() -> int:
    """Rules in force with the default configuration (what every report's ``stats.rules`` says)."""
    from analyzer.knowledge import load as load_knowledge

    return len(load_knowledge().rules.rules)


def terminal_snapshot() -> str:
    """The terminal rendering of the sample report that ``tests/snapshots/terminal_sample.txt`` holds."""
    from analyzer.reports import terminal
    from tests.report_samples import both_report

    return terminal.render(both_report(), width=100)


def dump(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


README = ROOT / "README.md"
START, END = "<!-- rule-counts:start -->\n", "<!-- rule-counts:end -->"


def readme_with_counts(text: str) -> str:
    """The README with its generated rule-count table brought up to date."""
    from analyzer.reports.rules import counts_table

    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    return head + START + counts_table() + END + tail


RULES_DOC = ROOT / "docs" / "rules.md"


def main() -> int:
    from analyzer.reports.rules import rules_markdown

    README.write_text(readme_with_counts(README.read_text(encoding="utf-8")), encoding="utf-8")
    print("wrote the rule counts in README.md")
    RULES_DOC.parent.mkdir(exist_ok=True)
    RULES_DOC.write_text(rules_markdown(), encoding="utf-8")
    print("wrote docs/rules.md")
    GOLDEN.mkdir(exist_ok=True)
    RULE_COUNT.write_text(f"{rule_count()}\n", encoding="utf-8")
    print("wrote tests/golden/rule-count.txt")
    SNAPSHOT.parent.mkdir(exist_ok=True)
    SNAPSHOT.write_text(terminal_snapshot(), encoding="utf-8")
    print("wrote tests/snapshots/terminal_sample.txt")
    for name in fixture_names():
        (GOLDEN / f"{name}.json").write_text(dump(normalized_report(name)), encoding="utf-8")
        print(f"wrote tests/golden/{name}.json")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    raise SystemExit(main())
