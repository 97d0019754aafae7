"""Configuration: defaults, then a file, then ``RUSTGO_*`` environment variables, then the command line.

The file is ``--config FILE``, else ``.rustgo.toml`` (top-level keys) or ``[tool.rustgo]`` in ``pyproject.toml``
at the root of the analyzed repository. That repository is untrusted, so a file may tune the analysis and set
policies but may not choose which files are written or read, nor silence a gate: ``output``, ``fmt:path``
outputs, ``baseline`` and ``exit-zero`` are taken only from the environment or the command line.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from analyzer.compare.delta import Gate, parse_gate
from analyzer.errors import ConfigError
from analyzer.model import OutputFormat

EXPECTATIONS = ("rust", "go", "both", "undecided")
FORMATS = tuple(f.value for f in OutputFormat)


@dataclass(frozen=True)
class OutputSpec:
    """One rendering of a run: a format and where it goes."""

    format: str
    path: str | None = None
    """File to write, None for stdout."""


@dataclass(frozen=True)
class Config:
    """Everything a run can be told."""

    select: tuple[str, ...] = ()
    """Rule id prefixes or categories to use (all when empty)."""
    ignore: tuple[str, ...] = ()
    """Rule id prefixes or categories to leave out."""
    weights: Mapping[str, float] = field(default_factory=dict)
    """Criterion id → weight, replacing criteria.toml's defaults (the team's priorities)."""
    formats: tuple[OutputSpec, ...] = (OutputSpec("terminal"),)
    """Renderings of the run; at most one goes to stdout."""
    output: str | None = None
    """Where the stdout rendering goes instead (``--output``)."""
    exclude: tuple[str, ...] = ()
    """Extra gitignore-style patterns of paths to leave out."""
    max_file_size: int = 1 << 20
    jobs: int = 0
    effort: bool = False
    """Measure size and complexity for the porting-effort figures (``--effort``)."""
    expect: str | None = None
    fail_on: tuple[Gate, ...] = ()
    """Policies that make the run exit 1 (``--fail-on``)."""
    exit_zero: bool = False
    """Exit 0 even when a policy fails (errors still exit 2 or 3)."""
    baseline: str | None = None
    """JSON report whose findings are already known (``--baseline``)."""
    source: str = "defaults"
    """Where file settings came from (for --verbose)."""


_FILE_KEYS = {
    "select",
    "ignore",
    "weights",
    "format",
    "exclude",
    "max-file-size",
    "jobs",
    "expect",
    "fail-on",
    "effort",
}
_ENV_KEYS = (
    "select",
    "ignore",
    "weights",
    "format",
    "output",
    "exclude",
    "max_file_size",
    "jobs",
    "expect",
    "fail_on",
    "exit_zero",
    "baseline",
    "effort",
)
_TRUE, _FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off", "")


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


def _outputs(value: Any, where: str, paths_allowed: bool) -> tuple[OutputSpec, ...]:
    """``json`` or ``sarif:out.sarif`` items (a list, or one comma-separated string)."""
    specs: list[OutputSpec] = []
    for item in _as_tuple(value, "format", where):
        name, colon, path = item.partition(":")
        if name not in FORMATS:
            raise ConfigError(f"{where}: format must be one of {', '.join(FORMATS)}, not {name!r}")
        if colon and not path:
            raise ConfigError(f"{where}: format {item!r} names no file; write {name}:PATH or just {name}")
        if colon and not paths_allowed:
            raise ConfigError(f"{where}: a configuration file may not choose output files ({item!r})")
        specs.append(OutputSpec(name, path or None))
    return tuple(specs)


def _gates(value: Any, where: str) -> tuple[Gate, ...]:
    try:
        return tuple(parse_gate(spec) for spec in _as_tuple(value, "fail-on", where))
    except ValueError as exc:
        raise ConfigError(f"{where}: {exc}") from None


def _bool(value: Any, key: str, where: str) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text not in _TRUE + _FALSE:
        raise ConfigError(f"{where}: {key} must be true or false, not {value!r}")
    return text in _TRUE


def _apply(config: Config, values: Mapping[str, Any], where: str, paths_allowed: bool = True) -> Config:
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
            changes["formats"] = _outputs(value, where, paths_allowed)
        elif name == "fail_on":
            changes[name] = _gates(value, where)
        elif name in ("exit_zero", "effort"):
            changes[name] = _bool(value, key, where)
        elif name == "expect":
            if value not in EXPECTATIONS:
                raise ConfigError(f"{where}: expect must be one of {', '.join(EXPECTATIONS)}, not {value!r}")
            changes[name] = value
        elif name in ("output", "baseline"):
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
    out: dict[str, Any] = {}
    for name in _ENV_KEYS:
        value = environ.get("RUSTGO_" + name.upper())
        if value:
            out[name] = value
    return out


def resolve(target: Path, explicit: Path | None, environ: Mapping[str, str], cli: Mapping[str, Any]) -> Config:
    """The configuration in force: command line over environment over file over defaults."""
    file_values, source = find_file_settings(target, explicit)
    unknown = set(file_values) - _FILE_KEYS
    if unknown:
        raise ConfigError(
            f"{source}: unknown or disallowed setting(s) {', '.join(sorted(unknown))}"
            " (output, baseline and exit-zero can only be set on the command line or with RUSTGO_* variables)"
        )
    config = _apply(Config(source=source), file_values, source, paths_allowed=False)
    config = _apply(config, env_settings(environ), "environment")
    config = _apply(config, cli, "command line")
    return _route_outputs(config)


def _route_outputs(config: Config) -> Config:
    """Send bare formats to ``output`` when it is set; refuse two renderings on stdout."""
    specs = tuple(OutputSpec(s.format, s.path or config.output) for s in config.formats)
    on_stdout = [s.format for s in specs if s.path is None]
    if len(on_stdout) > 1:
        raise ConfigError(
            f"formats {', '.join(on_stdout)} would all go to stdout;"
            f" give all but one a file (e.g. {on_stdout[-1]}:PATH)"
        )
    return replace(config, formats=specs)


def default_environ() -> Mapping[str, str]:
    """The process environment (a seam for tests)."""
    return os.environ
