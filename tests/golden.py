"""Golden reports of the fixtures: how they are produced, and the one command that rewrites them.

    python tests/golden.py    # rewrite tests/golden/*.json, the rule count, the terminal snapshot, README counts
                              # and example runs, docs/rules.md

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

EXAMPLE_FIXTURE = "python-with-rust-ext"
SOURCE_FIXTURE = "c-json-parser"
SOURCE_ROWS = 3
"""The README shows the first rows of the Evidence part of ``analyze fixtures/c-json-parser --show-source``."""
EXAMPLES = {
    "example": f"$ analyze fixtures/{EXAMPLE_FIXTURE}",
    "show-source": f"$ analyze fixtures/{SOURCE_FIXTURE} --show-source",
}


def _terminal(name: str, *, show_source: bool) -> str:
    """The terminal report of a fixture as the CLI prints it at 100 columns, named as the README's command names it."""
    import dataclasses

    from analyzer.engine import Options, analyze
    from analyzer.knowledge import load as load_knowledge
    from analyzer.reports import terminal
    from analyzer.reports.excerpts import read_excerpts
    from analyzer.target.worktree import WorkTree

    report = analyze(WorkTree(FIXTURES / name), load_knowledge(), Options(jobs=1))
    report = dataclasses.replace(report, target=dataclasses.replace(report.target, path=f"fixtures/{name}"))
    excerpts = read_excerpts(FIXTURES / name, report, terminal.source_places(report), ()) if show_source else None
    return terminal.render(report, width=100, excerpts=excerpts)


def _evidence_rows(text: str, rows: int) -> str:
    """The Evidence heading and its first ``rows`` rows (a row starts at the left edge, its detail is indented)."""
    lines = text.split("\nEvidence", 1)[1].split("\n\n", 1)[0].splitlines()
    kept = ["Evidence" + lines[0]]
    starts = 0
    for line in lines[1:]:
        if line and not line.startswith(" "):
            starts += 1
            if starts > rows:
                break
        kept.append(line)
    return "\n".join(kept) + "\n…\n"


def readme_examples() -> dict[str, str]:
    """The README's example blocks, by marker name: each a ```text block of a real run."""
    full = _terminal(EXAMPLE_FIXTURE, show_source=False)
    source = _evidence_rows(_terminal(SOURCE_FIXTURE, show_source=True), SOURCE_ROWS)
    return {
        "example": f"```text\n{EXAMPLES['example']}\n{full}```\n",
        "show-source": f"```text\n{EXAMPLES['show-source']}\n{source}```\n",
    }


def readme_with_examples(text: str) -> str:
    """The README with its generated examples brought up to date."""
    for name, block in readme_examples().items():
        start, end = f"<!-- {name}:start -->\n", f"<!-- {name}:end -->"
        head, rest = text.split(start, 1)
        _, tail = rest.split(end, 1)
        text = head + start + block + end + tail
    return text


def main() -> int:
    from analyzer.reports.rules import rules_markdown

    text = readme_with_examples(readme_with_counts(README.read_text(encoding="utf-8")))
    README.write_text(text, encoding="utf-8")
    print("wrote the rule counts and the example runs in README.md")
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
