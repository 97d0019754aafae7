"""Configuration: defaults, then a file, then ``RUSTGO_*`` environment variables, then the command line.

The file is ``--config FILE`` (a ``.rustgo.toml`` or a ``pyproject.toml`` with ``[tool.rustgo]``), else the first
such file found upward from a starting folder to its repository root (``files``). Which folder depends on what is
being judged:

- ``check`` starts at the analyzed path: the repository describes itself, and its file may tune the analysis and
  narrow the report shown. It cannot relax a gate the invoker sets (``--fail-on``, ``--expect``, or their
  ``RUSTGO_*`` variables): those are judged on an analysis with the user-side configuration only (``gate_view``),
  as in ``diff``; a gate the repository's own file sets is judged on the report it narrowed.
- ``diff`` starts at the current folder and skips any file inside the analyzed repository, whose revisions are
  what a gate compares: both sides are analyzed with the same, user-side configuration, and neither the head's
  file nor the base's is read. ``batch`` starts at the current folder too and never reads a repository's file.

Any file is untrusted (it may have come with the repository): it may narrow and tune the analysis, but it cannot
choose files to write or read (``output``, ``fmt:path``, ``baseline``), silence a gate (``exit-zero``), set the
number of processes (``jobs``) or raise the per-file read cap (``max-file-size`` above the default). Every value
is checked for type and range, and every message names its source: ``--flag``, ``RUSTGO_VAR`` or ``file:key``.
"""

from __future__ import annotations

import enum
import os
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from analyzer.compare.delta import Gate
from analyzer.config import files, values
from analyzer.config.values import DEFAULT_MAX_FILE_SIZE, EXPECTATIONS, Kind, Origin
from analyzer.errors import ConfigError
from analyzer.model import OutputFormat

__all__ = ["EXPECTATIONS", "FORMATS", "Config", "Mode", "OutputSpec", "default_environ", "resolve"]

FORMATS = tuple(f.value for f in OutputFormat)


class Mode(enum.Enum):
    """What the run judges, which decides where the configuration file is looked for."""

    CHECK = "check"
    DIFF = "diff"
    BATCH = "batch"


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
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    jobs: int = 0
    effort: bool = False
    """Measure size and complexity for the porting-effort figures (``--effort``)."""
    team: Mapping[str, str] = field(default_factory=dict)
    """The team's experience per language (go, rust) as none, some or expert (``--team``): evidence, not a rule."""
    history: bool = False
    """Read the bounded git history for who already writes Go or Rust here (``--history``)."""
    expect: str | None = None
    fail_on: tuple[Gate, ...] = ()
    """Policies that make the run exit 1 (``--fail-on``)."""
    exit_zero: bool = False
    """Exit 0 even when a policy fails (errors still exit 2 or 3)."""
    baseline: str | None = None
    """JSON report whose findings are already known (``--baseline``)."""
    source: str = "defaults"
    """Where file settings came from (for --verbose)."""
    origins: Mapping[str, Origin] = field(default_factory=dict)
    """Setting → where its value came from, for messages about it found later (an unknown rule id)."""
    notes: tuple[str, ...] = ()
    """Things the user should know about how the configuration was resolved (printed on stderr)."""
    own_file: str | None = None
    """The analyzed repository's own configuration file, when ``check`` found and applied it."""

    def set_by_own_file(self, name: str) -> bool:
        """Whether setting ``name`` came from the analyzed repository's own file."""
        found = self.origins.get(name)
        return self.own_file is not None and found is not None and found.kind is Kind.FILE

    def narrowed_by_own_file(self) -> tuple[str, ...]:
        """The settings of the repository's own file that change what the analysis finds or concludes."""
        return tuple(
            name.replace("_", "-")
            for name in ("select", "ignore", "exclude", "weights", "team", "history", "max_file_size")
            if self.set_by_own_file(name)
        )

    def invoker_gates(self) -> bool:
        """Whether a gate (``--fail-on``, ``--expect``) was set by the invoker rather than the repository's file."""
        return any(
            getattr(self, name) and not self.set_by_own_file(name) and name in self.origins
            for name in ("fail_on", "expect")
        )

    def origin(self, name: str) -> str:
        """How messages name the source of setting ``name``."""
        found = self.origins.get(name)
        return str(found) if found is not None else name.replace("_", "-")

    def check_names(self, ids: Collection[str], categories: Collection[str], criteria: Collection[str]) -> None:
        """Refuse rule selections and weights that name nothing known, saying where each came from."""
        for name in ("select", "ignore"):
            values.unknown_names(
                getattr(self, name), self.origins.get(name, Origin(Kind.FLAG, name)), ids, categories, name
            )
        values.unknown_criteria(self.weights, self.origins.get("weights", Origin(Kind.FLAG, "--weights")), criteria)
        for gate in self.fail_on:
            if gate.criterion and gate.criterion not in criteria:
                hint = values.did_you_mean(gate.criterion, criteria)
                raise ConfigError(
                    f"{self.origin('fail_on')}: criterion:{gate.criterion}: unknown criterion{hint}; "
                    f"choose from {', '.join(sorted(criteria))}"
                )


@dataclass(frozen=True)
class _Setting:
    """One setting: how its values are parsed and whether a configuration file may give it."""

    key: str
    """As spelled in a file (``max-file-size``); the field is the same with underscores."""
    in_files: bool
    why_not: str = ""


_SETTINGS = {
    s.key: s
    for s in (
        _Setting("select", True),
        _Setting("ignore", True),
        _Setting("exclude", True),
        _Setting("weights", True),
        _Setting("format", True),
        _Setting("max-file-size", True),
        _Setting("expect", True),
        _Setting("fail-on", True),
        _Setting("effort", True),
        _Setting("team", True),
        _Setting("history", True),
        _Setting("jobs", False, "the number of processes is the invoker's choice"),
        _Setting("output", False, "a file may not choose where reports are written"),
        _Setting("baseline", False, "a file may not choose which findings count as known"),
        _Setting("exit-zero", False, "a file may not silence a gate"),
    )
}


def _parse(key: str, value: Any, where: Origin, formats: Sequence[str]) -> tuple[str, Any]:
    """(field name, parsed value) of one setting."""
    name = key.replace("-", "_")
    if key in ("select", "ignore", "exclude"):
        return name, values.names(value, where)
    if key == "weights":
        return name, values.weights(value, where)
    if key == "max-file-size":
        high = DEFAULT_MAX_FILE_SIZE if where.kind is Kind.FILE else values.MAX_FILE_SIZE_LIMIT
        return name, values.integer(value, where, 1, high)
    if key == "jobs":
        return name, values.integer(value, where, 0, values.MAX_JOBS)
    if key == "format":
        return "formats", _outputs(value, where, formats)
    if key == "fail-on":
        return name, values.gates(value, where)
    if key == "team":
        return name, values.team(value, where)
    if key in ("effort", "exit-zero", "history"):
        return name, values.boolean(value, where)
    if key == "expect":
        return name, values.choice(value, where, EXPECTATIONS)
    return name, values.text(value, where)  # output, baseline


def _outputs(value: Any, where: Origin, formats: Sequence[str]) -> tuple[OutputSpec, ...]:
    """``json`` or ``sarif:out.sarif`` items; a file may not name output files."""
    specs: list[OutputSpec] = []
    for item in values.names(value, where):
        name, colon, path = item.partition(":")
        values.choice(name, Origin(where.kind, f"{where}: format {item!r}"), formats)
        if colon and not path:
            raise ConfigError(f"{where}: format {item!r} names no file; write {name}:PATH or just {name}")
        if colon and where.kind is Kind.FILE:
            raise ConfigError(f"{where}: a configuration file may not choose output files ({item!r})")
        specs.append(OutputSpec(name, path or None))
    return tuple(specs)


def _apply(config: Config, given: Mapping[str, Any], kind: Kind, file: str, formats: Sequence[str]) -> Config:
    changes: dict[str, Any] = {}
    origins = dict(config.origins)
    for raw_key, value in given.items():
        if value is None:
            continue
        key = raw_key.replace("_", "-")
        where = values.origin(kind, key, file)
        setting = _SETTINGS.get(key)
        if setting is None:
            hint = values.did_you_mean(key, [k for k, s in _SETTINGS.items() if s.in_files])
            known = ", ".join(k for k, s in _SETTINGS.items() if s.in_files)
            raise ConfigError(f"{where}: unknown setting{hint}; a file may set {known}")
        if kind is Kind.FILE and not setting.in_files:
            flag = values.origin(Kind.FLAG, key)
            env = values.origin(Kind.ENV, key)
            raise ConfigError(f"{where}: not allowed in a configuration file ({setting.why_not}); use {flag} or {env}")
        name, parsed = _parse(key, value, where, formats)
        changes[name] = parsed
        origins[name] = where
    return replace(config, **changes, origins=origins)


def env_settings(environ: Mapping[str, str]) -> dict[str, str]:
    """Settings from RUSTGO_* variables (RUSTGO_MAX_FILE_SIZE → max-file-size); empty ones are unset."""
    out: dict[str, str] = {}
    for key in _SETTINGS:
        value = environ.get("RUSTGO_" + key.replace("-", "_").upper())
        if value:
            out[key] = value
    return out


def _file_settings(
    target: Path, explicit: Path | None, mode: Mode, cwd: Path, user_side: bool = False
) -> tuple[files.FileSettings, str]:
    """The file that applies, and a note when the analyzed repository's own file was passed over.

    ``user_side`` (check's gates): the file ``diff`` would use, never one inside the analyzed repository (or
    inside the analyzed folder when it is in none).
    """
    if explicit is not None:
        return files.read(explicit, cwd), ""
    if mode is Mode.CHECK and not user_side:
        return files.discover(target, cwd), ""
    found = files.discover(cwd, cwd)
    if user_side:
        inside = files.repository_root(target.resolve()) or target.resolve()
        if found.path is not None and found.path.resolve().is_relative_to(inside):
            return files.NO_FILE, ""
        return found, ""
    analyzed_root = files.repository_root(target.resolve())
    if mode is Mode.DIFF and analyzed_root is not None:
        own = files.discover(target, cwd)
        if found.path is not None and found.path.resolve().is_relative_to(analyzed_root):
            found = files.NO_FILE
        if own.path is not None and own.path != found.path:
            return found, (
                f"note: {own.name} is not applied in diff: both sides use the command line, RUSTGO_* and --config "
                f"only, so a change cannot relax its own gates (pass --config {own.name} to use it)"
            )
    return found, ""


def resolve(
    target: Path,
    explicit: Path | None,
    environ: Mapping[str, str],
    cli: Mapping[str, Any],
    *,
    mode: Mode = Mode.CHECK,
    cwd: Path | None = None,
    formats: Sequence[str] = FORMATS,
    user_side: bool = False,
) -> Config:
    """The configuration in force: command line over environment over file over defaults.

    ``user_side``: without the analyzed repository's own file (the configuration check's invoker gates are judged
    with).
    """
    here = (cwd or Path.cwd()).resolve()
    found, note = _file_settings(target, explicit, mode, here, user_side)
    table = found.table
    if mode is Mode.BATCH:  # a batch has no policies and no effort figures: a shared file's are not errors
        table = {k: v for k, v in table.items() if k not in ("expect", "fail-on", "effort")}
    own = found.name if mode is Mode.CHECK and explicit is None and not user_side and found.path else None
    config = Config(source=found.name, notes=(note,) if note else (), own_file=own)
    config = _apply(config, table, Kind.FILE, found.name, formats)
    config = _apply(config, env_settings(environ), Kind.ENV, "", formats)
    config = _apply(config, cli, Kind.FLAG, "", formats)
    return _route_outputs(config)


def _route_outputs(config: Config) -> Config:
    """Send bare formats to ``output`` when it is set; refuse two renderings on stdout."""
    bare = [s.format for s in config.formats if s.path is None]
    if config.output is not None and len(bare) != 1:
        raise ConfigError(
            f"{config.origin('output')}: needs exactly one format without a FILE to send there, not {len(bare)}"
        )
    specs = tuple(OutputSpec(s.format, s.path or config.output) for s in config.formats)
    on_stdout = [s.format for s in specs if s.path is None]
    if len(on_stdout) > 1:
        raise ConfigError(
            f"formats {', '.join(on_stdout)} would all go to stdout; "
            f"give all but one a file (e.g. {on_stdout[-1]}:PATH)"
        )
    return replace(config, formats=specs)


def default_environ() -> Mapping[str, str]:
    """The process environment (a seam for tests)."""
    return os.environ
