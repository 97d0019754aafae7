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
from pathlib import Path

from analyzer.engine import Options, analyze
from analyzer.knowledge import load as load_knowledge
from analyzer.target.worktree import WorkTree


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    labels = Path(__file__).resolve().parents[2] / "shared/eval/dev_repos.toml"
    parser.add_argument("--labels", type=Path, default=labels)
    parser.add_argument("--jobs", type=int, default=0)
    parser.add_argument("--only", help="substring of repo names to run")
    args = parser.parse_args(argv)
    labels = tomllib.loads(args.labels.read_text(encoding="utf-8"))["repo"]
    knowledge = load_knowledge()
    rows = []
    right = 0
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
                ",".join(found),
                ",".join(missing),
                ",".join(extra),
                f"{seconds:.1f}",
            )
        )
    print("| repo | label | verdict | confidence | lean | markers found | missing | other categories | s |")
    print("|---|---|---|---|---|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    print(f"\n{right}/{len(rows)} verdicts as labelled")
    for name, values in (("right", hits), ("wrong", misses)):
        mean = f"{sum(values) / len(values):.2f}" if values else "-"
        print(f"mean confidence of {name} verdicts: {mean} ({len(values)})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
