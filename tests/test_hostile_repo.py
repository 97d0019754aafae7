"""The hostile repository as a test (issue 8, item 6): every hostile input at once, through the real CLI.

``tests/hostile_repo.py`` builds the repository once per module; each output format runs the installed
analyzer as a subprocess (isolated, with the repository as its working directory, so any shadow module there
would be imported if isolation broke). Every run must finish (a generous hang detector, not a speed
assertion), exit 0, write nothing from outside the root (the secret's token) and no canary; the JSON report
must satisfy the shipped schema, name each hostile file in a diagnostic and still find the evidence hidden
behind the long inputs. Before the manifest parsers were bounded the same repository took 216 s and wrote
168,000 diagnostics from a requirements fan-out; before the renderers escaped, ESC, BEL and U+202E reached
``--format github`` and Markdown raw.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.hostile_repo import CONTROL_NAMES, SECRET, build, build_config_attack
from tests.schemas import errors, sarif_validator, shipped_validator

HANG = 120
"""Seconds after which a run counts as hung (the whole repository takes a few seconds)."""

RAW = ("\x1b", "\x07", "\u202e")

EXPECTED: dict[str, str] = {
    "links/self": "symlink loop",
    "links/a": "symlink loop",
    "links/up": "outside the repository",
    "links/secret.go": "outside the repository",
    "links/outside": "outside the repository",
    "links/relative.go": "outside the repository",
    "composer.json": "nested too deeply",
    "docker-compose.yml": "alias",
    "pom.xml": "DTD",
    "Podfile": "never closed",
    "Gemfile": "never closed",
    "package.json": "workspace member globs",
    "Cargo.lock": "LFS pointer",
}
"""Diagnostics the parts of the repository other than the listing must produce (path -> words)."""


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path, dict[str, str]]]:
    base = tmp_path_factory.mktemp("hostile")
    root, outside = base / "repo", base / "outside"
    root.mkdir()
    outside.mkdir()
    expected = build(root, outside) | EXPECTED
    yield root, outside, expected
    subprocess.run(["rm", "-rf", str(base)], check=False)  # pytest's clean-up cannot remove 1,100 levels


def _run(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-I", "-m", "analyzer", str(root), *args],
        cwd=root,
        capture_output=True,
        timeout=HANG,
        stdin=subprocess.DEVNULL,
        check=False,
        encoding="utf-8",
        errors="surrogateescape",
    )


def _clean(done: subprocess.CompletedProcess[str], outside: Path) -> None:
    assert done.returncode == 0, done.stderr[-3000:]
    assert SECRET not in done.stdout
    assert SECRET not in done.stderr
    assert not [raw for raw in RAW if raw in done.stderr]
    assert sorted(p.name for p in outside.iterdir()) == ["secret.go"]  # no canary beside the secret


def test_json_report_names_every_hostile_file(hostile: tuple[Path, Path, dict[str, str]]) -> None:
    root, outside, expected = hostile
    done = _run(root, "--format", "json")
    _clean(done, outside)
    report: dict[str, Any] = json.loads(done.stdout)
    assert errors(shipped_validator("report.schema.json"), report) == []
    diagnostics = report["diagnostics"]
    missing = [
        (path, words)
        for path, words in expected.items()
        if not any(d["path"].startswith(path) and words in d["message"] for d in diagnostics)
    ]
    assert missing == [], diagnostics
    assert len(diagnostics) < 200  # the requirements fan-out is one budget, not one line per path (168,000)
    hits = {(f["rule"], f["path"], f["line"]) for f in report["findings"]}
    assert ("CRY022", "crypto.go", 40_001) in hits  # located past 40,000 newlines
    assert ("ASY001", "asyncish.py", 1_000_001) in hits  # and past 1,000,000
    assert ("ASY001", "utf16.py", 1) in hits  # a UTF-16 source is decoded, not skipped as binary
    assert {("CRY022", name, 3) for name in CONTROL_NAMES} <= hits  # odd names are analyzed, not dropped


@pytest.mark.parametrize("fmt", ["github", "markdown", "sarif", "terminal", "gitlab"])
def test_every_format_finishes_clean_and_escaped(hostile: tuple[Path, Path, dict[str, str]], fmt: str) -> None:
    root, outside, _ = hostile
    done = _run(root, "--format", fmt, "--no-color") if fmt == "terminal" else _run(root, "--format", fmt)
    _clean(done, outside)
    for raw in RAW:
        assert raw not in done.stdout, (fmt, raw)
    if fmt == "github":
        assert all(line.startswith("::") for line in done.stdout.splitlines()), done.stdout
        assert not any(line.startswith("::error") for line in done.stdout.splitlines())
    if fmt == "sarif":
        assert errors(sarif_validator(), json.loads(done.stdout)) == []


def test_a_config_that_relaxes_limits_is_refused(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    build_config_attack(root)
    done = _run(root, "--format", "json")
    assert done.returncode == 2, (done.returncode, done.stderr)
    assert ".rustgo.toml" in done.stderr
    assert "Traceback" not in done.stderr
