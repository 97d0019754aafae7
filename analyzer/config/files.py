"""Configuration files: found upward from a folder to its repository root, read with a size cap, never trusted.

A file is ``.rustgo.toml`` (settings at the top level) or ``pyproject.toml`` holding a ``[tool.rustgo]`` table;
the first one found from the starting folder upward wins, and the walk stops at the repository root (the folder
holding ``.git``, or a bare repository's top), so a file above the repository is never picked up. A folder in no
repository is its own root. Symbolic links and special files are not read. A ``pyproject.toml`` that cannot be
parsed is someone else's business (the manifest parser reports it) unless it mentions ``tool.rustgo``: then it
was meant as configuration and is an error naming the file.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from analyzer.errors import ConfigError

MAX_BYTES = 1 << 20
"""Bytes a configuration file may hold: settings fit in a few hundred; a larger file is not read."""
NAMES = (".rustgo.toml", "pyproject.toml")


@dataclass(frozen=True)
class FileSettings:
    """The settings table of one configuration file and how messages name that file."""

    table: dict[str, Any]
    name: str
    """The file as messages show it (relative to the current folder when below it)."""
    path: Path | None = None


NO_FILE = FileSettings({}, "defaults")


def repository_root(start: Path) -> Path | None:
    """The nearest folder at or above ``start`` that holds ``.git`` or is a bare repository, if any."""
    for folder in (start, *start.parents):
        if (folder / ".git").exists() or _is_bare(folder):
            return folder
    return None


def _is_bare(folder: Path) -> bool:
    return (folder / "HEAD").is_file() and (folder / "objects").is_dir() and (folder / "refs").is_dir()


def _upward(start: Path) -> Iterator[Path]:
    root = repository_root(start)
    if root is None:
        yield start
        return
    for folder in (start, *start.parents):
        yield folder
        if folder == root:
            return


def display(path: Path, cwd: Path) -> str:
    try:
        return str(path.relative_to(cwd))
    except ValueError:
        return str(path)


def _read(path: Path, name: str) -> str:
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise ConfigError(f"{name}: cannot read the configuration file: {exc.strerror}") from exc
    if len(data) > MAX_BYTES:
        raise ConfigError(f"{name}: larger than {MAX_BYTES >> 20} MiB; a configuration file is not read past that")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{name}: not UTF-8 text (byte {exc.start})") from None


def parse(text: str, name: str) -> dict[str, Any]:
    """TOML text as a table; every way tomllib can fail (deep nesting, huge integers) is one ConfigError."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{name}: invalid TOML: {exc}") from None
    except RecursionError:
        raise ConfigError(f"{name}: invalid TOML: nested too deeply") from None
    except ValueError as exc:  # e.g. an integer of more digits than Python converts
        raise ConfigError(f"{name}: invalid TOML: {exc}") from None


def _mentions_table(text: str) -> bool:
    """Whether the text means to hold a [tool.rustgo] table, even if it does not parse."""
    starts = ("[tool.rustgo]", "[tool.rustgo.", "tool.rustgo.", "tool.rustgo=", '[tool."rustgo"]')
    return any(line.replace(" ", "").replace("\t", "").startswith(starts) for line in text.splitlines())


def _tool_table(data: dict[str, Any], name: str) -> dict[str, Any] | None:
    tool = data.get("tool")
    table = tool.get("rustgo") if isinstance(tool, dict) else None
    if table is not None and not isinstance(table, dict):
        raise ConfigError(f"{name}: tool.rustgo must be a table")
    return table


def _pyproject(path: Path, name: str) -> dict[str, Any] | None:
    """The [tool.rustgo] table of a pyproject.toml; None when it has none (broken or not)."""
    try:
        with path.open("rb") as handle:
            head = handle.read(MAX_BYTES + 1).decode("utf-8", errors="replace")
    except OSError:
        return None
    if not _mentions_table(head):
        return None
    return _tool_table(parse(_read(path, name), name), name)


def read(path: Path, cwd: Path) -> FileSettings:
    """The settings of an explicitly named file (``--config``): either kind, by name or by content."""
    name = display(path, cwd)
    if not path.is_file():
        raise ConfigError(f"{name}: not a regular file")
    data = parse(_read(path, name), name)
    table = _tool_table(data, name)
    if path.name == "pyproject.toml" and table is None:
        raise ConfigError(f"{name}: has no [tool.rustgo] table")
    return FileSettings(dict(table if table is not None else data), name, path)


def discover(start: Path, cwd: Path) -> FileSettings:
    """The first configuration file from ``start`` upward to its repository root, or ``NO_FILE``."""
    for folder in _upward(start.resolve()):
        for file_name in NAMES:
            path = folder / file_name
            if path.is_symlink() or not path.is_file():
                continue
            name = display(path, cwd)
            if file_name == ".rustgo.toml":
                return FileSettings(parse(_read(path, name), name), name, path)
            table = _pyproject(path, name)
            if table is not None:
                return FileSettings(dict(table), name, path)
    return NO_FILE
