"""One hostile repository holding every input of issue 8 at once, for the end-to-end hostile test.

``build(root, outside)`` fills ``root`` (a plain folder) and returns the hostile paths (relative, as the report
names them) with the words a diagnostic about each must hold. ``outside`` is a folder beside the repository:
the secret file the symlinks point at and the canaries the shadow modules would write live there, so a test can
check that nothing came in from outside the root and nothing ran. ``build_config_attack`` writes the
``.rustgo.toml`` that tries to relax the machine's limits; it is a separate case because the analyzer refuses
it (exit 2, by design), and the main repository must still be analyzed in full.

Sizes are those of the issue's measurements where they are cheap to build (sparse files, runs of one byte);
the manifest bombs are the issue's sizes too, which took 30 to 160 s each before the parsers were bounded.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

SECRET = "RUSTGO-HOSTILE-SECRET-7f3c9a"
"""A token only the file outside the root holds: it must never appear in any output."""

CANARY_NAMES = ("json", "click", "threading", "analyzer", "setup", "conftest", "build.rs")
"""What the code planted in the repository would write (as ``outside/canary-<name>``) if it ever ran."""

CONTROL_NAMES = ("\x1b[31mred\x1b[0m.go", "bell\x07.go", "evil\u202eog.txt.go", "line\n::error::pwn%0A.go")
"""File names carrying a terminal colour sequence, BEL, a right-to-left override and a workflow command."""

Hostile = dict[str, str]
"""Relative path (as a report names it) -> words a diagnostic about that path must hold."""


def _canary(outside: Path, name: str) -> str:
    return f"open({str(outside / f'canary-{name}')!r}, 'w').write('ran')\n"


def _shadows(root: Path, outside: Path) -> None:
    """Modules that shadow what the analyzer imports, and files a build or test tool would run."""
    for name in ("json", "click", "threading", "setup", "conftest"):
        (root / f"{name}.py").write_text(_canary(outside, name), encoding="utf-8")
    (root / "analyzer").mkdir()
    for module in ("__init__.py", "__main__.py"):
        (root / "analyzer" / module).write_text(_canary(outside, "analyzer"), encoding="utf-8")
    rust = f'fn main() {{ std::fs::write("{outside / "canary-build.rs"}", "ran").unwrap(); }}\n'
    (root / "build.rs").write_text(rust, encoding="utf-8")
    (root / "Cargo.toml").write_text('[package]\nname = "svc"\nversion = "0.1.0"\nbuild = "build.rs"\n')
    (root / "go.mod").write_bytes(b"\xef\xbb\xbfmodule example.com/svc\n\ngo 1.22\n")  # a UTF-8 BOM
    (root / "main.go").write_text('package main\n\nimport "fmt"\n\nfunc main() { fmt.Println("hi") }\n')


def _links(root: Path, outside: Path) -> None:
    """Symlink loops and links out of the root, to a secret file and to the folder holding it."""
    secret = outside / "secret.go"
    secret.write_text(f'package secret\n\n// {SECRET}\nimport "crypto/aes"\n', encoding="utf-8")
    (root / "links").mkdir()
    (root / "links" / "self").symlink_to("self")
    (root / "links" / "a").symlink_to("b")
    (root / "links" / "b").symlink_to("a")
    (root / "links" / "up").symlink_to("..")
    (root / "links" / "secret.go").symlink_to(secret)
    (root / "links" / "outside").symlink_to(outside)
    (root / "links" / "relative.go").symlink_to("../../" + outside.name + "/secret.go")


def _deep(root: Path, depth: int = 1100) -> None:
    fd = os.open(root, os.O_RDONLY)
    try:
        for _ in range(depth):  # relative to a descriptor: the full path outgrows PATH_MAX
            os.mkdir("d", dir_fd=fd)
            inner = os.open("d", os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = inner
        os.close(os.open("deep.py", os.O_WRONLY | os.O_CREAT, dir_fd=fd))
    finally:
        os.close(fd)


def _listing(root: Path) -> Hostile:
    """Inputs that attack the walk itself: special files, names, depth, size, ignore and attribute files."""
    os.mkfifo(root / "pipe.py")
    Path(os.fsdecode(os.fsencode(root) + b"/bad\xff.py")).write_text("x = 1\n")
    _deep(root)
    with (root / "huge.go").open("wb") as handle:  # 2 GiB, sparse: reading it whole would take 2 GiB
        handle.truncate(2 << 30)
    (root / ".gitignore").write_text("a" * 50_000 + "\n*.log\n")
    (root / ".gitattributes").write_text("*a*a*a*a*a*a******0 linguist-vendored\n")
    (root / ("a" * 30 + ".py")).write_text("import os\n")
    (root / "crypto.go").write_text("\n" * 40_000 + 'import "crypto/aes"\n')
    (root / "asyncish.py").write_text("\n" * 1_000_000 + "import asyncio\n")
    (root / "utf16.py").write_bytes("import asyncio\nasync def f():\n    pass\n".encode("utf-16"))
    for name in CONTROL_NAMES:
        (root / name).write_text('package main\n\nimport "crypto/aes"\n', encoding="utf-8")
    return {
        "pipe.py": "special file (FIFO)",
        "bad\\xff.py": "not valid UTF-8",
        "d/d/d": "nested deeper than",
        ".gitignore": "over 1024 characters",
    }


def _manifest_bombs(root: Path) -> Hostile:
    """Manifests that stalled or blew up a parser, at the sizes the issue measured."""
    (root / "setup.cfg").write_text("[metadata]\nname = x" + "\t" * 100_000 + "y\n")
    (root / "platformio.ini").write_text("[env:x]\nlib_deps =" + "\t" * 100_000 + "\n")
    (root / "Podfile").write_text("target 'x' do\n" * 40_000)
    (root / "Gemfile").write_text("group :x do\n" * 40_000)
    (root / "mix.exs").write_text("defmodule X do\r" * 40_000)
    (root / "x.cabal").write_text("name: x\nbuild-depends: base" + "\n" + "\t" * 15_000 + "\n")
    (root / "Package.swift").write_text("// swift-tools-version:5.5\n" + "#" * 400_000 + "\n")
    globs = [f"packages/p{i}/*" for i in range(40_000)]
    (root / "package.json").write_text(json.dumps({"name": "x", "workspaces": globs}))
    (root / "reqs").mkdir()
    for i in range(9):
        includes = "".join(f"-r r{j}.txt\n" for j in range(10))
        (root / "reqs" / f"r{i}.txt").write_text(includes + f"pkg{i}==1.0\n")
    (root / "requirements.txt").write_text("".join(f"-r reqs/r{i}.txt\n" for i in range(9)))
    return {}


def _data_bombs(root: Path, outside: Path) -> Hostile:
    """YAML, XML and JSON bombs, BOMs and LFS pointers."""
    laughs = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8)
    )
    (root / "docker-compose.yml").write_text(laughs)
    (root / "pubspec.yaml").write_text("name: !!python/object/apply:os.system ['touch canary']\n")
    (root / "pom.xml").write_text(
        f'<?xml version="1.0"?>\n<!DOCTYPE p [<!ENTITY x SYSTEM "file://{outside / "secret.go"}">]>\n'
        "<project><artifactId>&x;</artifactId></project>\n"
    )
    (root / "composer.json").write_text("[" * 200_000 + "]" * 200_000)
    (root / "pyproject.toml").write_bytes(b'\xef\xbb\xbf[project]\nname = "x"\ndependencies = ["fastapi"]\n')
    pointer = "version https://git-lfs.github.com/spec/v1\noid sha256:" + "0" * 64 + "\nsize 123\n"
    (root / "Cargo.lock").write_text(pointer)
    return {}


def build(root: Path, outside: Path) -> Hostile:
    """Fill ``root`` with every hostile input; return the paths that must each have a diagnostic."""
    hostile: Hostile = {}
    parts: tuple[Callable[[], Hostile | None], ...] = (
        lambda: _shadows(root, outside),
        lambda: _links(root, outside),
        lambda: _listing(root),
        lambda: _manifest_bombs(root),
        lambda: _data_bombs(root, outside),
    )
    for part in parts:
        hostile |= part() or {}
    return hostile


def build_config_attack(root: Path) -> None:
    """A ``.rustgo.toml`` that tries to raise every limit and switch the analysis off."""
    (root / ".rustgo.toml").write_text(
        'jobs = 10000\nmax-file-size = 1e14\nexclude = ["**"]\n[weights]\ngo = nan\nrust = -1.0\n'
    )
    (root / "main.go").write_text('package main\n\nimport "crypto/aes"\n')
