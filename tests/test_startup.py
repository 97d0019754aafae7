"""Start-up: what `analyze --version` and `--help` import. pre-commit and CI pay the start-up on every call, so
the command line loads the engine, rich and the batch command only when a command needs them."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from analyzer.cli.main import main

HEAVY = (
    "analyzer.batch",
    "analyzer.cli.batch",
    "analyzer.engine",
    "analyzer.facts",
    "analyzer.reports.portfolio",
    "concurrent.futures.process",
    "git",
    "multiprocessing",
    "re2",
    "rich",
    "sqlite3",
)
"""Modules (and their sub-modules) the version and help paths must not import."""


def _imported_by(code: str) -> list[str]:
    probe = f"import sys, json\n{code}\nprint(json.dumps(sorted(sys.modules)))"
    done = subprocess.run([sys.executable, "-I", "-c", probe], capture_output=True, text=True, check=True, timeout=60)
    return json.loads(done.stdout.splitlines()[-1])  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    "code",
    [
        pytest.param("import analyzer.cli.main", id="import"),
        pytest.param(
            "from analyzer.cli.main import main\ntry:\n    main(['--version'])\nexcept SystemExit:\n    pass",
            id="version",
        ),
    ],
)
def test_version_path_imports_nothing_heavy(code: str) -> None:
    loaded = _imported_by(code)
    heavy = [m for m in loaded if any(m == h or m.startswith(h + ".") for h in HEAVY)]
    assert heavy == []


def test_batch_command_is_loaded_when_asked(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["batch", "--help"]) == 0
    assert "portfolio" in capsys.readouterr().out.lower()
    assert main(["--help"]) == 0
    assert "batch" in capsys.readouterr().out
