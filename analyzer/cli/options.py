"""What every command shares: its options, one configuration resolution, output routing and colour.

``analyze``, ``analyze diff`` and ``analyze batch`` take the same analysis options (``--config``, ``--select``,
``--ignore``, ``--exclude``, ``--weights``, ``--max-file-size``, ``--jobs``) and output options (``--format``,
``--output``, ``--no-color``), resolved by ``config.resolve`` (command line over ``RUSTGO_*`` over file over
defaults) with the same messages; ``write`` sends each rendering where ``--format FMT[:FILE]`` said.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from analyzer.config import Config, Mode, default_environ, resolve
from analyzer.errors import ConfigError
from analyzer.reports import console

if TYPE_CHECKING:
    from analyzer.knowledge import Knowledge

F = TypeVar("F", bound=Callable[..., Any])
_ANALYSIS_KEYS = ("select", "ignore", "exclude", "weights", "team", "history", "max_file_size", "jobs")


def _apply(command: F, options: Sequence[Callable[[F], F]]) -> F:
    for option in reversed(options):
        command = option(command)
    return command


def analysis_options(command: F) -> F:
    """Options that decide what is analyzed and how (every analyzing command)."""
    return _apply(
        command,
        [
            click.option(
                "--config",
                "config_file",
                type=click.Path(path_type=Path, dir_okay=False, exists=True),
                help="Configuration file: a .rustgo.toml or a pyproject.toml with [tool.rustgo] "
                "(default: the first one found upward to the repository root).",
            ),
            click.option("--select", help="Comma-separated rule ids, id prefixes or categories to use."),
            click.option("--ignore", help="Comma-separated rule ids, id prefixes or categories to leave out."),
            click.option("--exclude", help="Comma-separated gitignore-style paths to leave out."),
            click.option("--weights", help="Criterion weights, e.g. 'performance=2,developer-experience=0.5'."),
            click.option("--team", help="The team's experience as none, some or expert, e.g. 'go=expert,rust=none'."),
            click.option(
                "--history/--no-history",
                default=None,
                help="Weigh who already writes Go or Rust here (newest 500 commits of the last two years).",
            ),
            click.option("--max-file-size", metavar="BYTES", help="Bytes read at most per file (default 1048576)."),
            click.option("--jobs", "-j", metavar="N", help="Worker processes (0 = one per core, the default)."),
        ],
    )


def output_options(formats: Sequence[str]) -> Callable[[F], F]:
    """``--format FMT[:FILE]``, ``--output`` and ``--no-color``, for a command offering ``formats``."""

    def decorate(command: F) -> F:
        return _apply(
            command,
            [
                click.option(
                    "--format",
                    "formats",
                    multiple=True,
                    metavar="FORMAT[:FILE]",
                    help=f"Report format, repeatable: {', '.join(formats)}; FORMAT:FILE writes to FILE "
                    "(default: terminal on stdout).",
                ),
                click.option(
                    "--output",
                    "-o",
                    type=click.Path(dir_okay=False),
                    help="Write the report of the format given without FILE to FILE instead of stdout.",
                ),
                click.option(
                    "--no-color", is_flag=True, help="Plain output (also when NO_COLOR is set or output is piped)."
                ),
            ],
        )

    return decorate


def settings(
    path: Path, options: dict[str, Any], mode: Mode, formats: Sequence[str], user_side: bool = False, **extra: Any
) -> Config:
    """The configuration of a run from its command-line values (None: not given) and everything under them.

    ``user_side``: leave out the analyzed repository's own configuration file (what check's gates are judged with).
    """
    given = {key: options.get(key) for key in _ANALYSIS_KEYS}
    given["format"] = list(options.get("formats") or ()) or None
    given["output"] = options.get("output")
    config = resolve(
        path,
        options.get("config_file"),
        default_environ(),
        {**given, **extra},
        mode=mode,
        formats=formats,
        user_side=user_side,
    )
    if user_side:
        return config
    for note in config.notes:
        if not options.get("quiet"):
            click.echo(note, err=True)
    return config


def load_checked(config: Config) -> Knowledge:
    """The knowledge a configuration selects, once its rule names and criteria are known to exist."""
    from analyzer.knowledge import load, vocabulary  # imported late: keeps --help fast

    config.check_names(*vocabulary())
    return load(dict(config.weights), config.select, config.ignore)


def color(no_color: bool) -> bool:
    """Whether the terminal rendering on stdout gets colour: --no-color, NO_COLOR, FORCE_COLOR, TERM=dumb, a tty."""
    return console.wants_color(os.environ, isatty=sys.stdout.isatty(), no_color=no_color)


def write(text: str, path: str | None) -> None:
    """One rendering to stdout (``path`` None) or to a file."""
    if path is None:
        # color=True: never strip escapes; a renderer writes them only when colour was chosen (FORCE_COLOR when piped).
        click.echo(text, nl=not text.endswith("\n"), color=True)
        return
    try:
        Path(path).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot write the report: {exc.strerror}") from exc
