"""The analyzer's knowledge as data; this module only finds the files (through importlib.resources)."""

from __future__ import annotations

from importlib import resources


def read_text(name: str) -> str:
    """Text of a data file shipped in this package, e.g. ``read_text("criteria.toml")``."""
    return resources.files(__name__).joinpath(name).read_text(encoding="utf-8")


def rule_packs() -> list[tuple[str, str]]:
    """(file name, text) of every rule pack under ``rules/``, sorted by name."""
    folder = resources.files(__name__).joinpath("rules")
    packs = [(p.name, p.read_text(encoding="utf-8")) for p in folder.iterdir() if p.name.endswith(".toml")]
    return sorted(packs)
