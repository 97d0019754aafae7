"""Where worker processes start to pay for content matching: one process against several, on growing parts of a tree.

Usage: python bench/crossover.py TREE [--jobs N] [--rounds N] [--sizes MB,MB,...]

The tree is listed and classified once; then, for each size, the first files (in path order) that content
patterns apply to, up to that many megabytes, are matched with ``--jobs 1`` and with ``--jobs N`` (the pool
forced on), alternating, and the medians of wall time are printed. The size where the second column drops below
the first is the crossover that ``analyzer.facts.content.PARALLEL_BYTES`` should sit at. Figures, not tests; on a
machine whose cores are busy with other work the pool loses at every size, so note the load average beside them.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import statistics
import time
from collections.abc import Sequence
from pathlib import Path


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("tree", type=Path)
    parser.add_argument("--jobs", type=int, default=2, help="processes of the parallel runs (default 2)")
    parser.add_argument("--rounds", type=int, default=5, help="runs of each command per size (default 5)")
    parser.add_argument("--sizes", default="1,2,4,8,16,32", help="megabytes of matched files per step")
    args = parser.parse_args(argv)

    from analyzer.facts import content
    from analyzer.facts.matcher import Matcher
    from analyzer.inventory.scan import scan
    from analyzer.knowledge import load
    from analyzer.target.worktree import WorkTree

    knowledge = load()
    tree = WorkTree(args.tree)
    inventory = scan(tree, knowledge.languages, knowledge.paths)
    probe = Matcher(knowledge.rules)
    wanted = [e for e in inventory.files if e.role.counts and probe.wants_content(e.path, e.language)]
    job = content.Job(tree, knowledge.rules, 1 << 20, 1.0, {})
    content.PARALLEL_BYTES = 0  # forced on: the point is to see where it pays
    print(f"{args.tree}: load average {os.getloadavg()[0]:.1f}, {os.cpu_count()} cores")
    print(f"{'MB':>6}{'files':>7}{'jobs 1 s':>10}{f'jobs {args.jobs} s':>10}")
    for size in (float(x) for x in args.sizes.split(",")):
        chosen, total = [], 0
        for entry in wanted:
            if total >= size * 1e6:
                break
            chosen.append(entry)
            total += entry.size
        part = dataclasses.replace(inventory, files=tuple(chosen))
        seconds: dict[int, list[float]] = {1: [], args.jobs: []}
        for round_number in range(args.rounds):
            for jobs in (1, args.jobs) if round_number % 2 else (args.jobs, 1):
                matcher = Matcher(knowledge.rules)  # each run compiles its sets, as a real run does
                started = time.perf_counter()
                content.content_facts(job, matcher, part, {}, jobs)
                seconds[jobs].append(time.perf_counter() - started)
        one, many = statistics.median(seconds[1]), statistics.median(seconds[args.jobs])
        print(f"{total / 1e6:>6.1f}{len(chosen):>7}{one:>10.3f}{many:>10.3f}", flush=True)
        if len(chosen) == len(wanted):
            break
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
