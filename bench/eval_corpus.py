"""Runs the analyzer over the development corpus and prints the table for a closing note.

Usage: python bench/eval_corpus.py CORPUS_DIR [--labels ../shared/eval/dev_repos.toml] [--jobs N]

CORPUS_DIR holds one folder per repo named ``owner+name`` (or ``owner__name``) with the tree at the labelled
commit (written outside the project; nothing of those repos is ever committed here). For each repo the table
gives the verdict against the label, its confidence, the labelled markers found and missing, extra marker
categories, and seconds; the summary gives the mean confidence of right and of wrong verdicts.
"""

from __future__ import annotations

import argparse
import sys
import time
import tomllib
from collections import Counter
from pathlib import Path

from analyzer.engine import Options, analyze
from analyzer.knowledge import load as load_knowledge
from analyzer.model import Report
from analyzer.target.worktree import WorkTree


def _default_labels() -> Path:
    """shared/eval/dev_repos.toml in the nearest ancestor that has it (a worktree sits deeper than the checkout)."""
    here = Path(__file__).resolve()
    for folder in here.parents:
        candidate = folder / "shared/eval/dev_repos.toml"
        if candidate.is_file():
            return candidate
    return here.parents[2] / "shared/eval/dev_repos.toml"


def _units(report: Report) -> str:
    """The units judged: manifest components and the native islands or crates the inventory found."""
    kinds = Counter(c.kind.value for c in report.components)
    return ", ".join(f"{n} {kind}" for kind, n in sorted(kinds.items()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--labels", type=Path, default=_default_labels())
    parser.add_argument("--jobs", type=int, default=0)
    parser.add_argument("--only", help="substring of repo names to run")
    args = parser.parse_args(argv)
    labels = tomllib.loads(args.labels.read_text(encoding="utf-8"))["repo"]
    knowledge = load_knowledge()
    rows = []
    right = 0
    missing_total = 0
    extra_total = 0
    hits: list[float] = []
    misses: list[float] = []
    for repo in labels:
        if args.only and args.only not in repo["name"]:
            continue
        folder = next(
            (
                args.corpus / repo["name"].replace("/", sep)
                for sep in ("+", "__")
                if (args.corpus / repo["name"].replace("/", sep)).is_dir()
            ),
            args.corpus / repo["name"],
        )
        if not folder.is_dir():
            print(f"{repo['name']}: missing {folder}", file=sys.stderr)
            continue
        started = time.perf_counter()
        report = analyze(WorkTree(folder), knowledge, Options(jobs=args.jobs))
        seconds = time.perf_counter() - started
        seen = {m.category for m in report.markers}
        found = [m for m in repo["markers"] if m in seen]
        missing = [m for m in repo["markers"] if m not in seen]
        extra = sorted(seen - set(repo["markers"]))
        missing_total += len(missing)
        extra_total += len(extra)
        ok = report.verdict.language.value == repo["verdict"]
        right += ok
        (hits if ok else misses).append(report.verdict.confidence)
        rows.append(
            (
                repo["name"],
                repo["verdict"],
                report.verdict.language.value + ("" if ok else " ✗"),
                f"{report.verdict.confidence:.2f}",
                f"{report.verdict.lean:+.2f}",
                report.verdict.domain.id if report.verdict.domain else "-",
                _units(report),
                ",".join(found),
                ",".join(missing),
                ",".join(extra),
                f"{seconds:.1f}",
            )
        )
    columns = ["repo", "label", "verdict", "confidence", "lean", "domain", "units"]
    columns += ["markers found", "missing", "other categories", "s"]
    print("| " + " | ".join(columns) + " |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    print(f"\n{right}/{len(rows)} verdicts as labelled")
    print(f"labelled markers missing: {missing_total}; unlabelled marker categories reported: {extra_total}")
    for name, values in (("right", hits), ("wrong", misses)):
        mean = f"{sum(values) / len(values):.2f}" if values else "-"
        print(f"mean confidence of {name} verdicts: {mean} ({len(values)})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
