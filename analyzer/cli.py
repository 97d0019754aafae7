"""The command line: ``analyze PATH`` and ``analyze rules [ID]`` (DESIGN §7).

Each command is wiring: resolve the configuration, call the engine, render, return an exit code. This is the
only module that maps outcomes to exit codes: 0 report produced, 1 a policy (``--expect``) failed, 2 usage or
configuration error, 3 unexpected internal error.
"""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click
from rich.console import Console

from analyzer import __version__
from analyzer.config import EXPECTATIONS, FORMATS, Config, default_environ, resolve
from analyzer.errors import AnalyzerError, ConfigError, TargetError

EXIT_OK, EXIT_POLICY, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3
SUBCOMMANDS = ("check", "rules")


def _color(no_color: bool, output: str | None) -> bool:
    if no_color or os.environ.get("NO_COLOR") or output:
        return False
    return sys.stdout.isatty()


def _write(text: str, output: str | None) -> None:
    if output is None:
        click.echo(text, nl=not text.endswith("\n"))
        return
    try:
        Path(output).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{output}: cannot write the report: {exc.strerror}") from exc


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="rustgo-analyzer")
def main_group() -> None:
    """Say, with evidence, whether a repository's domain is better served by Rust, by Go, or by both.

    Run `analyze PATH` to analyze a repository (the `check` command is the default).
    """


@main_group.command("check")
@click.argument("path", type=click.Path(path_type=Path), default=Path("."))
@click.option("--format", "fmt", type=click.Choice(FORMATS), help="Report format (default: terminal).")
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write the report to FILE instead of stdout.")
@click.option("--config", "config_file", type=click.Path(path_type=Path, dir_okay=False, exists=True),
              help="Configuration file (default: .rustgo.toml or [tool.rustgo] in the repo's pyproject.toml).")
@click.option("--select", help="Comma-separated rule ids, id prefixes or categories to use.")
@click.option("--ignore", help="Comma-separated rule ids, id prefixes or categories to leave out.")
@click.option("--exclude", help="Comma-separated gitignore-style paths to leave out.")
@click.option("--weights", help="Criterion weights, e.g. 'performance=2,developer-experience=0.5'.")
@click.option("--expect", type=click.Choice(EXPECTATIONS), help="Exit 1 when the verdict differs.")
@click.option("--jobs", "-j", type=int, help="Worker processes for content matching (0 = one per core).")
@click.option("--quiet", "-q", is_flag=True, help="Print only the verdict line (terminal format).")
@click.option("--verbose", "-v", is_flag=True, help="Show all evidence and diagnostics.")
@click.option("--no-color", is_flag=True, help="Plain output (also when NO_COLOR is set or output is piped).")
def check(path: Path, fmt: str | None, output: str | None, config_file: Path | None, select: str | None,
          ignore: str | None, exclude: str | None, weights: str | None, expect: str | None, jobs: int | None,
          quiet: bool, verbose: bool, no_color: bool) -> None:
    """Analyze the repository at PATH and print its Rust-vs-Go report."""
    from analyzer.engine import Options, analyze, load_knowledge  # noqa: PLC0415 - keeps --help fast
    from analyzer.progress import DelayedProgress  # noqa: PLC0415
    from analyzer.reports import render  # noqa: PLC0415
    from analyzer.tree import WorkTree  # noqa: PLC0415

    if not path.exists():
        raise TargetError(f"{path}: no such file or directory")
    if not path.is_dir():
        raise TargetError(f"{path}: not a directory; give the root of a repository")
    cli_values: dict[str, Any] = {
        "format": fmt, "output": output, "select": select, "ignore": ignore, "exclude": exclude,
        "weights": weights, "expect": expect, "jobs": jobs,
    }
    config: Config = resolve(path, config_file, default_environ(), cli_values)
    knowledge = load_knowledge(dict(config.weights), config.select, config.ignore)
    tree = WorkTree(path, extra_ignores=config.exclude)
    err = Console(stderr=True)
    observer = None if quiet else DelayedProgress(err)
    report = analyze(tree, knowledge, Options(config.max_file_size, config.jobs), observer)
    color = _color(no_color, config.output) and config.format == "terminal"
    if quiet and config.format == "terminal":
        text = f"{report.verdict.language.value} ({report.verdict.confidence:.0%}): {report.verdict.summary}\n"
    else:
        text = render(report, config.format, color=color, verbose=verbose)
    _write(text, config.output)
    if config.expect and config.expect != report.verdict.language.value:
        click.echo(f"expected verdict {config.expect}, got {report.verdict.language.value}", err=True)
        raise SystemExit(EXIT_POLICY)


@main_group.command("rules")
@click.argument("rule_id", required=False)
@click.option("--category", help="Only rules of this category (e.g. wasm, concurrency:threads).")
@click.option("--ecosystem", help="Only rules matching dependencies of this ecosystem (pypi, cargo, go, ...).")
@click.option("--format", "fmt", type=click.Choice(["terminal", "json"]), default="terminal")
def rules_command(rule_id: str | None, category: str | None, ecosystem: str | None, fmt: str) -> None:
    """List the rules, or explain the rule RULE_ID."""
    from analyzer.rulesdoc import explain, listing  # noqa: PLC0415

    if rule_id is not None:
        text = explain(rule_id, fmt)
    else:
        text = listing(category, ecosystem, fmt)
    click.echo(text, nl=not text.endswith("\n"))


def _route(argv: Sequence[str]) -> list[str]:
    """`analyze PATH ...` means `analyze check PATH ...`: the check command is the default."""
    args = list(argv)
    if not args:
        return ["check"]
    if args[0] in SUBCOMMANDS or args[0] in ("-h", "--help", "--version"):
        return args
    return ["check", *args]


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the exit code."""
    args = _route(sys.argv[1:] if argv is None else argv)
    try:
        main_group.main(args=args, prog_name="analyze", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        return EXIT_USAGE
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        return EXIT_USAGE
    except SystemExit as exc:
        return int(exc.code or 0) if isinstance(exc.code, int) else EXIT_INTERNAL
    except AnalyzerError as exc:
        click.echo(f"error: {exc}", err=True)
        return EXIT_USAGE
    except Exception:  # noqa: BLE001 - the one place an unexpected error becomes exit code 3
        click.echo("internal error (please report it with the traceback below):", err=True)
        click.echo(traceback.format_exc(), err=True)
        return EXIT_INTERNAL
    return EXIT_OK


def entry() -> None:
    """Console-script wrapper."""
    raise SystemExit(main())
