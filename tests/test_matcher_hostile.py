"""Hang detectors for content matching (DESIGN §8): inputs that made a backtracking engine quadratic finish.

Each input once stalled the run for tens of seconds or more, because hits were located with Python's ``re``: a
long run of blank lines before a near-miss of an anchored ``^\\s*import`` pattern, a long word before a C#
pointer declaration. The limits are generous (linear matching takes milliseconds); they catch a return to
quadratic time, not a slow machine.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from analyzer.facts.matcher import Matcher
from analyzer.knowledge.criteria import load_criteria
from analyzer.knowledge.rules import load_rules

LIMIT = 60.0
"""Seconds the whole CLI may take on one hostile repository (these ran 60 s to hours before)."""
BAIT_LIMIT = 2.0
"""Seconds one 20 KB bait text may take to match (quadratic location took over 3 s)."""
BAIT_SIZE = 20_000
"""Characters of filler before the bait."""
FILLERS = ("\n", " \n", "\t", "a", "a ", "0", "(", "*")
"""Runs that make backtracking patterns retry at every position: blank lines, words, digits, punctuation."""


def _hostile(name: str) -> tuple[dict[str, str], str, int]:
    """Files of a hostile repository, the rule expected to hit and the line it must be reported on."""
    if name == "go-blank-lines":
        body = "package main\n" + "\n" * 40_000 + 'import "crypto/aes" x\nimport "crypto/aes"\n'
        return {"main.go": body}, "CRY022", 40_003
    if name == "python-megabyte-of-newlines":
        return {"app.py": "\n" * 1_000_000 + "import asyncio_x\nimport asyncio\n"}, "ASY001", 1_000_002
    assert name == "csharp-long-word"
    return {"Native.cs": "a" * 80_000 + "\nbyte* p = stackalloc byte[4];\n"}, "MEM013", 2


@pytest.mark.parametrize("name", ["go-blank-lines", "python-megabyte-of-newlines", "csharp-long-word"])
def test_hostile_content_finishes_through_the_cli(tmp_path: Path, name: str) -> None:
    files, rule, line = _hostile(name)
    for path, text in files.items():
        (tmp_path / path).write_text(text, encoding="utf-8")
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-I", "-m", "analyzer", str(tmp_path), "--format", "json"],
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
        check=False,
        timeout=LIMIT * 2,
    )
    elapsed = time.perf_counter() - started
    assert done.returncode == 0, done.stderr
    assert elapsed < LIMIT, f"{name}: {elapsed:.1f} s"
    found = [(f["rule"], f["line"]) for f in json.loads(done.stdout)["findings"]]
    assert (rule, line) in found


def _baits() -> list[tuple[str, str | None, str, str]]:
    """(rule id, language, path, text) of each rule's first code example behind each filler, twice: on the line
    after the filler, and after a near-miss of it (last character cut) glued to the filler."""
    baits = []
    for rule in load_rules(load_criteria()).rules:
        for example in rule.examples_match[:1]:
            if example.code is None:
                continue
            code = example.code.rstrip("\n")
            path = example.file or "snippet"
            for filler in FILLERS:
                run = filler * (BAIT_SIZE // len(filler))
                baits.append((rule.id, example.language, path, f"{run}\n{code}\n"))
                baits.append((rule.id, example.language, path, f"{run}{code[:-1]}\n{code}\n"))
    return baits


def test_bait_texts_match_in_bounded_time() -> None:
    matcher = Matcher(load_rules(load_criteria()))
    slow = []
    missed = []
    for rule_id, language, path, text in _baits():
        started = time.perf_counter()
        hits = matcher.match_content(path, language, text)
        elapsed = time.perf_counter() - started
        if elapsed > BAIT_LIMIT:
            slow.append(f"{rule_id} {path} {text[:1]!r}: {elapsed:.1f} s")
        if not any(h.rule.id == rule_id for h in hits):
            missed.append(f"{rule_id} {path} {text[:1]!r}")
    assert not slow, slow
    assert not missed, missed  # the example is on a line of its own: every bait must still find its hit
