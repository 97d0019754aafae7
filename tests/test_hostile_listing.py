"""Hostile trees against the listing: each builds one input and drives the real CLI as a subprocess.

Every case must finish (a generous hang detector, not a speed assertion), exit 0 with a JSON report, and
name the hostile file in a diagnostic. Before the listing was hardened these crashed with exit 3 (invalid
UTF-8 names, a 1,100-deep folder, a 50,000-character ignore line, ``exclude = ["\\"]``), stalled (a
star-heavy ``.gitattributes`` line: 9 to 28 s per name; 40,000 lines against 3,000 files: 35 s) or skipped a
FIFO without a word.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from analyzer.target.patterns import MAX_PATTERN_LINES, PatternSet

HANG = 120
"""Seconds after which a run counts as hung (the slowest case takes well under 5 s)."""


@pytest.fixture
def root(tmp_path: Path) -> Iterator[Path]:
    """The hostile repository's folder, removed by ``rm`` afterwards: pytest's own recursive clean-up
    cannot remove a 1,100-deep tree and would fail every later session sharing the temporary folder."""
    folder = tmp_path / "repo"
    folder.mkdir()
    yield folder
    subprocess.run(["rm", "-rf", str(folder)], check=False)


def _run(path: Path, *args: str) -> tuple[int, dict[str, Any], str]:
    # The repository is the working directory on purpose: nothing in it may be imported.
    done = subprocess.run(
        [sys.executable, "-I", "-m", "analyzer", str(path), "--format", "json", *args],
        capture_output=True,
        timeout=HANG,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    report = json.loads(done.stdout) if done.returncode == 0 else {}
    return done.returncode, report, done.stderr.decode("utf-8", "replace")


def _git(root: Path, *args: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com"}
    env |= {"GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, env=env)


def _commit_all(root: Path) -> None:
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "hostile")


def _bad_name(root: Path) -> str:
    (root / "ok.py").write_text("x = 1\n")
    Path(os.fsdecode(os.fsencode(root) + b"/bad\xff.py")).write_text("x = 1\n")
    return "bad\\xff.py"


def _bad_name_git(root: Path) -> str:
    name = _bad_name(root)
    _commit_all(root)
    return name


def _deep(root: Path) -> str:
    (root / "ok.py").write_text("x = 1\n")
    fd = os.open(root, os.O_RDONLY)
    try:
        for _ in range(1100):  # relative to a descriptor: the full path outgrows PATH_MAX
            os.mkdir("d", dir_fd=fd)
            inner = os.open("d", os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = inner
        os.close(os.open("deep.py", os.O_WRONLY | os.O_CREAT, dir_fd=fd))
    finally:
        os.close(fd)
    return "d/" * 255 + "d"


def _long_ignore_line(name: str) -> Callable[[Path], str]:
    def build(root: Path) -> str:
        (root / "ok.py").write_text("x = 1\n")
        (root / name).write_text("a" * 50_000 + "\n*.log\n")
        (root / "debug.log").write_text("x\n")
        return name

    return build


def _exclude_backslash(root: Path) -> str:
    (root / "ok.py").write_text("x = 1\n")
    (root / ".rustgo.toml").write_text('exclude = ["\\\\", "*.log"]\n')
    (root / "debug.log").write_text("x\n")
    return "exclude"


def _fifo(root: Path) -> str:
    (root / "ok.py").write_text("x = 1\n")
    os.mkfifo(root / "pipe.py")  # opening it for reading would block forever
    return "pipe.py"


def _attribute_lines(root: Path) -> str:
    lines = "".join(f"dir{i}/*.x{i} linguist-vendored\n" for i in range(40_000))
    (root / ".gitattributes").write_text(lines)
    for i in range(300):
        (root / f"f{i}.py").write_text("x = 1\n")
    return ".gitattributes"


def _long_component_git(root: Path) -> str:
    (root / "ok.py").write_text("x = 1\n")
    _commit_all(root)
    # git's index takes a name no file system can hold; the work tree then lists it from the index
    blob = subprocess.run(
        ["git", "-C", str(root), "hash-object", "-w", "ok.py"], check=True, capture_output=True, text=True
    ).stdout.strip()
    name = "n" * 300 + ".py"
    _git(root, "update-index", "--add", "--cacheinfo", f"100644,{blob},{name}")
    _git(root, "commit", "-qm", "long name")
    return name


@pytest.mark.parametrize(
    ("build", "args", "message"),
    [
        pytest.param(_bad_name, (), "not valid UTF-8", id="invalid-utf8-name-plain"),
        pytest.param(_bad_name_git, (), "not valid UTF-8", id="invalid-utf8-name-git"),
        pytest.param(_bad_name_git, ("--rev", "HEAD"), "not valid UTF-8", id="invalid-utf8-name-rev"),
        pytest.param(_deep, (), "nested deeper than", id="1100-deep-folder"),
        pytest.param(_long_ignore_line(".gitignore"), (), "over 1024 characters", id="gitignore-50k-line"),
        pytest.param(_long_ignore_line(".rustgoignore"), (), "over 1024 characters", id="rustgoignore-50k-line"),
        pytest.param(_exclude_backslash, (), "invalid pattern", id="exclude-backslash"),
        pytest.param(_fifo, (), "special file (FIFO)", id="fifo"),
        pytest.param(_attribute_lines, (), f"more than {MAX_PATTERN_LINES} lines", id="gitattributes-40k-lines"),
        pytest.param(_long_component_git, (), "File name too long", id="component-over-255-git"),
    ],
)
def test_hostile_listing_is_a_diagnostic(
    root: Path, build: Callable[[Path], str], args: tuple[str, ...], message: str
) -> None:
    hostile = build(root)
    code, report, stderr = _run(root, *args)
    assert code == 0, stderr
    found = [d for d in report["diagnostics"] if message in d["message"]]
    assert found, report["diagnostics"]
    assert any(d["path"].startswith(hostile[:40]) for d in found), found
    assert report["stats"]["counted_files"] >= 1  # ok.py beside the hostile input is still analyzed


def test_ignore_lines_around_a_hostile_one_still_apply(root: Path) -> None:
    _long_ignore_line(".gitignore")(root)
    code, report, stderr = _run(root)
    assert code == 0, stderr
    assert report["stats"]["files"] == 2  # ok.py and .gitignore: "*.log" on the next line still applies


def test_star_heavy_gitattributes_line_is_matched_in_linear_time(root: Path) -> None:
    # 20 stars: Python's backtracking took about 9 s per 30-character name; it used to be refused outright.
    name = "a" * 30 + "0.py"
    (root / ".gitattributes").write_text("*a*a*a*a*a*a**************0.py linguist-vendored\n")
    (root / name).write_text("import os\n")
    (root / ("a" * 30 + ".py")).write_text("import os\n")
    code, report, stderr = _run(root)
    assert code == 0, stderr
    assert not [d for d in report["diagnostics"] if d["path"] == ".gitattributes"]
    python = [entry["files"] for entry in report["languages"] if entry["language"] == "Python"]
    assert python == [1]  # the matching name is vendored, the other one counts
    assert PatternSet(["*a*a*a*a*a*a**0.py"]).indices(name) == [0]
