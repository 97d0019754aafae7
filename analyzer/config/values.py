"""One parser per setting, strict about types and ranges, with every message naming where the value came from.

A value comes from a flag (``--select``), a variable (``RUSTGO_SELECT``) or a file key (``.rustgo.toml:select``);
``Origin`` carries that name into each message, with the values that would have been accepted. Flags and variables
are text (lists comma-separated); a file holds TOML types, and a string where a list belongs is refused rather
than split, so ``ignore = "CLI"`` reads as the mistake it usually is.
"""

from __future__ import annotations

import difflib
import enum
import math
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from analyzer.compare.delta import Gate, parse_gate
from analyzer.errors import ConfigError

DEFAULT_MAX_FILE_SIZE = 1 << 20
"""Bytes read at most per file; a configuration file may lower it, never raise it."""
MAX_FILE_SIZE_LIMIT = 1 << 30
"""The most the command line or the environment may ask for."""
MAX_JOBS = 256
MAX_WEIGHT = 100.0
MAX_ITEMS = 1000
"""Entries one list setting may hold (select, ignore, exclude, format, fail-on)."""
EXPECTATIONS = ("rust", "go", "both", "undecided")
_TRUE, _FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off")


class Kind(enum.Enum):
    """Where a value came from, which decides its syntax and what it may set."""

    FILE = "file"
    ENV = "environment"
    FLAG = "command line"


@dataclass(frozen=True)
class Origin:
    """The source of one value, as a message names it: ``--jobs``, ``RUSTGO_JOBS`` or ``.rustgo.toml:jobs``."""

    kind: Kind
    label: str

    def __str__(self) -> str:
        return self.label


def origin(kind: Kind, key: str, file: str = "") -> Origin:
    """The origin of setting ``key`` (spelled as in a file, ``max-file-size``) from a source of ``kind``."""
    if kind is Kind.FILE:
        return Origin(kind, f"{file}:{key}")
    if kind is Kind.ENV:
        return Origin(kind, "RUSTGO_" + key.replace("-", "_").upper())
    return Origin(kind, "--" + key)


def did_you_mean(word: str, choices: Collection[str]) -> str:
    """`` (did you mean 'x'?)`` when one of ``choices`` is close to ``word``, else nothing."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    if not close and word.upper() != word:
        close = difflib.get_close_matches(word.upper(), list(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def names(value: Any, where: Origin) -> tuple[str, ...]:
    """A list of strings: a TOML array in a file, comma-separated text (or a repeated flag) elsewhere."""
    if isinstance(value, str) and where.kind is not Kind.FILE:
        value = value.split(",")
    if isinstance(value, str):
        raise ConfigError(f'{where}: must be a list of strings, e.g. ["{value}"], not the string {value!r}')
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where}: must be a list of strings, not {_shown(value)}")
    items = tuple(v.strip() for v in value if v.strip())
    if len(items) > MAX_ITEMS:
        raise ConfigError(f"{where}: at most {MAX_ITEMS} entries, got {len(items)}")
    return items


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _number(value: Any, where: Origin, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ConfigError(f"{where}: {what} must be a number, not {_shown(value)}")
    try:
        number = float(value)
    except (ValueError, OverflowError):
        raise ConfigError(f"{where}: {what} must be a number, not {_shown(value)}") from None
    if not math.isfinite(number) or not 0 <= number <= MAX_WEIGHT:
        raise ConfigError(f"{where}: {what} must be a finite number from 0 to {MAX_WEIGHT:g}, not {_shown(value)}")
    return number


def _table(value: Any, where: Origin, what: str, example: str) -> Any:
    """A ``name=value,name=value`` text from the command line or environment as a table; other values as given."""
    if isinstance(value, str) and where.kind is not Kind.FILE:
        pairs = [part.split("=", 1) for part in value.split(",") if part.strip()]
        if any(len(pair) != 2 for pair in pairs):
            raise ConfigError(f"{where}: {what} look like '{example}', not {_shown(value)}")
        value = {name.strip(): text.strip() for name, text in pairs}
    return value


def weights(value: Any, where: Origin) -> dict[str, float]:
    """Criterion = weight: a TOML table in a file, ``performance=2,interop=0.5`` elsewhere."""
    value = _table(value, where, "weights", "performance=2,interop=0.5")
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: must be a table of criterion = number, not {_shown(value)}")
    if where.kind is Kind.FILE and any(isinstance(v, str) for v in value.values()):
        raise ConfigError(f"{where}: weights are numbers, not strings")
    return {str(name): _number(number, where, f"weight {name}") for name, number in value.items()}


TEAM_LEVELS = ("none", "some", "expert")
"""Experience levels a team profile gives per language."""


def team(value: Any, where: Origin) -> dict[str, str]:
    """Language = experience level: a TOML table in a file, ``go=expert,rust=none`` elsewhere."""
    value = _table(value, where, "team settings", "go=expert,rust=none")
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: must be a table of language = level, not {_shown(value)}")
    profile = {}
    for name, level in value.items():
        language = choice(str(name).lower(), Origin(where.kind, f"{where}: team language"), ("go", "rust"))
        profile[language] = choice(level, Origin(where.kind, f"{where}: team {language}"), TEAM_LEVELS)
    return profile


def integer(value: Any, where: Origin, low: int, high: int) -> int:
    """A whole number in [low, high]; a file needs a TOML integer (``1e14`` is a float and is refused)."""
    text_allowed = where.kind is not Kind.FILE
    if isinstance(value, bool) or not (isinstance(value, int) or (text_allowed and isinstance(value, str))):
        raise ConfigError(f"{where}: must be a whole number from {low} to {high}, not {_shown(value)}")
    number = value
    if isinstance(value, str):
        digits = value.strip()
        if not digits.isdigit() or len(digits) > 12:
            raise ConfigError(f"{where}: must be a whole number from {low} to {high}, not {_shown(value)}")
        number = int(digits)
    assert isinstance(number, int)
    if not low <= number <= high:
        raise ConfigError(f"{where}: must be a whole number from {low} to {high}, not {number}")
    return number


def boolean(value: Any, where: Origin) -> bool:
    if isinstance(value, bool):
        return value
    text = value.strip().lower() if isinstance(value, str) and where.kind is not Kind.FILE else None
    if text not in _TRUE + _FALSE:
        raise ConfigError(f"{where}: must be true or false, not {_shown(value)}")
    return text in _TRUE


def choice(value: Any, where: Origin, choices: Sequence[str]) -> str:
    if not isinstance(value, str) or value not in choices:
        hint = did_you_mean(value, choices) if isinstance(value, str) else ""
        raise ConfigError(f"{where}: {_shown(value)} is not one of {', '.join(choices)}{hint}")
    return value


def text(value: Any, where: Origin) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{where}: must be a non-empty string, not {_shown(value)}")
    return value


def gates(value: Any, where: Origin) -> tuple[Gate, ...]:
    out = []
    for spec in names(value, where):
        try:
            out.append(parse_gate(spec))
        except ValueError as exc:
            raise ConfigError(f"{where}: {exc}") from None
    return tuple(out)


def unknown_names(
    given: Sequence[str], where: Origin, ids: Collection[str], categories: Collection[str], what: str
) -> None:
    """Refuse a rule selection naming no rule id, id prefix or category, with the nearest valid one."""
    for name in given:
        upper = name.upper()
        if name in categories or any(rule.startswith(upper) for rule in ids):
            continue
        families = sorted({"".join(c for c in rule if c.isalpha()) for rule in ids})
        hint = did_you_mean(name, [*ids, *families, *categories])
        raise ConfigError(
            f"{where}: {name!r} names no rule id, id prefix or category{hint}; {what} takes ids such as "
            f"{', '.join(families[:6])}... or categories; `analyze rules` lists them"
        )


def unknown_criteria(given: Mapping[str, float], where: Origin, criteria: Collection[str]) -> None:
    for name in given:
        if name not in criteria:
            raise ConfigError(
                f"{where}: unknown criterion {name!r}{did_you_mean(name, criteria)}; "
                f"choose from {', '.join(sorted(criteria))}"
            )


Parser = Callable[[Any, Origin], Any]
