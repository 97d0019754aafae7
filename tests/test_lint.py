"""The style rules of CONVENTIONS.md hold: ruff with the broad selection of pyproject.toml, and mypy strict."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import needs

ROOT = Path(__file__).resolve().parents[1]


def _tool(name: str) -> list[str]:
    missing = (
        shutil.which(name) is None
        and subprocess.run([sys.executable, "-m", name, "--version"], capture_output=True, check=False).returncode
    )
    needs(f"{name} (pip install '.[test]')", not missing)
    return [sys.executable, "-m", name]


def test_ruff_clean() -> None:
    done = subprocess.run(
        [*_tool("ruff"), "check", "analyzer", "heuristics", "tests", "bench"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_ruff_format_clean() -> None:
    done = subprocess.run(
        [*_tool("ruff"), "format", "--check", "analyzer", "heuristics", "tests", "bench"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, "run `ruff format analyzer heuristics tests bench`\n" + done.stdout + done.stderr


def test_mypy_strict_clean() -> None:
    done = subprocess.run([*_tool("mypy")], cwd=ROOT, capture_output=True, text=True, check=False, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
