"""Configuration: defaults, then a file, then ``RUSTGO_*`` environment variables, then the command line.

The file is ``--config FILE``, else ``.rustgo.toml`` (top-level keys) or ``[tool.rustgo]`` in ``pyproject.toml``
at the root of the analyzed repository. That repository is untrusted, so a file may tune the analysis but may
not choose where output is written: ``output`` is taken only from the environment or the command line.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from analyzer.errors import ConfigError

FORMATS = ("terminal", "json")
EXPECTATIONS = ("rust", "go", "both", "undecided")


@dataclass(frozen=True)
class Config:
    """Everything a run can be told."""

    select: tuple[str, ...] = ()
    """Rule id prefixes or categories to use (all when empty)."""
    ignore: tuple[str, ...] = ()
    """Rule id prefixes or categories to leave out."""
    weights: Mapping[str, float] = field(default_factory=dict)
    """Criterion id → weight, replacing criteria.toml's defaults (the team's priorities)."""
    format: str = "terminal"
    output: str | None = None
    exclude: tuple[str, ...] = ()
    """Extra gitignore-style patterns of paths to leave out."""
    max_file_size: int = 1 << 20
    jobs: int = 0
    expect: str | None = None
    source: str = "defaults"
    """Where file settings came from (for --verbose)."""


_FILE_KEYS = {"select", "ignore", "weights", "format", "exclude", "max-file-size", "jobs", "expect"}


def _as_tuple(value: Any, key: str, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [v.strip() for v in value.split(",") if v.strip()]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where}: {key} must be a list of strings")
    return tuple(value)


def _weights(value: Any, where: str) -> dict[str, float]:
    if isinstance(value, str):
        pairs = [p.split("=", 1) for p in value.split(",") if p.strip()]
        if any(len(p) != 2 for p in pairs):
            raise ConfigError(f"{where}: weights must look like 'performance=2,interop=0.5'")
        value = {k.strip(): v.strip() for k, v in pairs}
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: weights must be a table of criterion = number")
    try:
        weights = {str(k): float(v) for k, v in value.items()}
    except (TypeError, ValueError):
        raise ConfigError(f"{where}: weights must be numbers") from None
    if any(w < 0 for w in weights.values()):
        raise ConfigError(f"{where}: weights must not be negative")
    return weights


def _int(value: Any, key: str, where: str) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ConfigError(f"{where}: {key} must be an integer, not {value!r}") from None
    if number < 0:
        raise ConfigError(f"{where}: {key} must not be negative")
    return number


def _apply(config: Config, values: Mapping[str, Any], where: str) -> Config:
    changes: dict[str, Any] = {}
    for key, value in values.items():
        if value is None:
            continue
        name = key.replace("-", "_")
        if name in ("select", "ignore", "exclude"):
            changes[name] = _as_tuple(value, key, where)
        elif name == "weights":
            changes[name] = _weights(value, where)
        elif name in ("max_file_size", "jobs"):
            changes[name] = _int(value, key, where)
        elif name == "format":
            if value not in FORMATS:
                raise ConfigError(f"{where}: format must be one of {', '.join(FORMATS)}, not {value!r}")
            changes[name] = value
        elif name == "expect":
            if value not in EXPECTATIONS:
                raise ConfigError(f"{where}: expect must be one of {', '.join(EXPECTATIONS)}, not {value!r}")
            changes[name] = value
        elif name == "output":
            changes[name] = str(value)
        else:
            raise ConfigError(f"{where}: unknown setting {key!r}")
    return replace(config, **changes)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the configuration file: {exc.strerror}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from exc


def find_file_settings(target: Path, explicit: Path | None) -> tuple[dict[str, Any], str]:
    """Settings from the configuration file that applies, and a name for where they came from."""
    if explicit is not None:
        data = _read_toml(explicit)
        table = data.get("tool", {}).get("rustgo", data) if explicit.name == "pyproject.toml" else data
        return dict(table), str(explicit)
    candidate = target / ".rustgo.toml"
    if candidate.is_file() and not candidate.is_symlink():
        return _read_toml(candidate), ".rustgo.toml"
    candidate = target / "pyproject.toml"
    if candidate.is_file() and not candidate.is_symlink():
        try:
            data = _read_toml(candidate)
        except ConfigError:
            return {}, "defaults"  # a broken pyproject is the manifest parser's diagnostic, not a config error
        table = data.get("tool", {}).get("rustgo")
        if isinstance(table, dict):
            return dict(table), "pyproject.toml [tool.rustgo]"
    return {}, "defaults"


def env_settings(environ: Mapping[str, str]) -> dict[str, Any]:
    """Settings from RUSTGO_* variables (RUSTGO_MAX_FILE_SIZE → max-file-size)."""
    names = {f.name for f in fields(Config)} - {"source"}
    out: dict[str, Any] = {}
    for name in names:
        value = environ.get("RUSTGO_" + name.upper())
        if value:
            out[name] = value
    return out


def resolve(
    target: Path, explicit: Path | None, environ: Mapping[str, str], cli: Mapping[str, Any]
) -> Config:
    """The configuration in force: command line over environment over file over defaults."""
    file_values, source = find_file_settings(target, explicit)
    unknown = set(file_values) - _FILE_KEYS
    if unknown:
        raise ConfigError(
            f"{source}: unknown or disallowed setting(s) {', '.join(sorted(unknown))}"
            " (output can only be set on the command line or with RUSTGO_OUTPUT)"
        )
    config = _apply(Config(source=source), file_values, source)
    config = _apply(config, env_settings(environ), "environment")
    return _apply(config, cli, "command line")


def default_environ() -> Mapping[str, str]:
    """The process environment (a seam for tests)."""
    return os.environ
