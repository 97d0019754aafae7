"""The ``analyze batch`` command group: run a portfolio batch, or render one from its store (DESIGN §10).

``analyze batch SOURCES...`` is wiring: collect the sources, open the store, run the batch with a progress bar
on stderr (only when stderr is a terminal), render the rows in each requested format. ``analyze batch report
--store PATH`` renders the newest stored row of every repository without scanning anything. Errors are
raised as ``AnalyzerError``s for ``cli.main`` to turn into exit code 2; run standalone (``python -m
analyzer.cli.batch``), ``main`` does the same mapping.
"""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeRemainingColumn

from analyzer.batch.store import DEFAULT_NAME
from analyzer.errors import AnalyzerError, ConfigError
from analyzer.reports.portfolio import FORMATS

_STORE_HELP = f"SQLite store of results (default: ./{DEFAULT_NAME})."


class _Progress:
    """Batch observer drawing a rich bar with counts and time left on stderr, when stderr is a terminal."""

    def __init__(self, console: Console) -> None:
        self._console = console
        self._bar: Progress | None = None
        self._task: TaskID | None = None
        self._counts = {"ok": 0, "reused": 0, "failed": 0}

    def start(self, total: int) -> None:
        if not self._console.is_terminal:
            return
        self._bar = Progress(
            TextColumn("batch"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.description}"),
            TimeRemainingColumn(),
            console=self._console,
            transient=True,
        )
        self._bar.start()
        self._task = self._bar.add_task("", total=total)

    def row(self, row: Any) -> None:
        self._counts["failed" if row.run.status == "failed" else row.status.value] += 1
        if self._bar is not None and self._task is not None:
            text = " · ".join(f"{name} {count}" for name, count in self._counts.items())
            self._bar.update(self._task, advance=1, description=text)

    def __enter__(self) -> _Progress:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None) -> None:
        if self._bar is not None:
            self._bar.stop()


def _split(value: str | None) -> tuple[str, ...]:
    return tuple(part.strip() for part in (value or "").split(",") if part.strip())


def _weights(value: str | None) -> tuple[tuple[str, float], ...]:
    pairs = []
    for part in _split(value):
        name, sep, number = part.partition("=")
        try:
            weight = float(number)
        except ValueError:
            weight = -1.0
        if not sep or weight < 0:
            raise ConfigError(f"--weights: {part!r} must look like 'performance=2' with a number >= 0")
        pairs.append((name.strip(), weight))
    return tuple(sorted(pairs))


def _outputs(formats: Sequence[str], output: str | None) -> list[tuple[str, str | None]]:
    """(format, file or None for stdout) for each --format FMT[:FILE]; --output goes to a bare format."""
    specs = []
    for spec in formats or ("terminal",):
        name, _, path = spec.partition(":")
        if name not in FORMATS:
            raise ConfigError(f"--format {spec}: unknown format; choose one of {', '.join(FORMATS)} (FMT or FMT:FILE)")
        specs.append((name, path or None))
    bare = [i for i, (_, path) in enumerate(specs) if path is None]
    if output is not None:
        if len(bare) != 1:
            raise ConfigError("--output needs exactly one --format without a :FILE")
        specs[bare[0]] = (specs[bare[0]][0], output)
    return specs


def _emit(rows: Sequence[Any], formats: Sequence[str], output: str | None, no_color: bool) -> None:
    from analyzer.reports.portfolio import render  # here, not at the top: keeps --help fast

    for fmt, path in _outputs(formats, output):
        color = (
            path is None
            and fmt == "terminal"
            and not no_color
            and not os.environ.get("NO_COLOR")
            and sys.stdout.isatty()
        )
        text = render(rows, fmt, color=color)
        if path is None:
            click.echo(text, nl=not text.endswith("\n"))
            continue
        try:
            Path(path).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"{path}: cannot write the {fmt} output: {exc.strerror}") from exc


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "rustgo-analyzer" / "clones"


class _BatchGroup(click.Group):
    """`batch SOURCES...` runs a batch; `batch report ...` is the one subcommand."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args or (args[0] not in self.commands and args[0] not in ("-h", "--help")):
            args = ["run", *args]
        return super().parse_args(ctx, args)


@click.group("batch", cls=_BatchGroup, context_settings={"help_option_names": ["-h", "--help"]})
def batch_command() -> None:
    """Analyze many repositories into a resumable SQLite store, and render the portfolio.

    `analyze batch SOURCES...` runs a batch (see `analyze batch run --help`);
    `analyze batch report --store PATH` renders a stored batch without scanning.
    """


@batch_command.command("run")
@click.argument("sources", nargs=-1)
@click.option(
    "--from-file",
    "from_files",
    multiple=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="A file listing sources, one per line (# comments).",
)
@click.option(
    "--discover",
    "discover_dirs",
    multiple=True,
    type=click.Path(path_type=Path, file_okay=False),
    help="A folder whose immediate subfolders that are git repositories (work trees or bare) are sources.",
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=os.cpu_count() or 1,
    show_default="cores",
    help="Worker processes.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=600.0,
    show_default=True,
    help="Seconds one repository may take before its worker is killed.",
)
@click.option(
    "--store",
    "store_path",
    type=click.Path(path_type=Path, dir_okay=False),
    default=Path(DEFAULT_NAME),
    help=_STORE_HELP,
)
@click.option(
    "--cache-dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Where git URLs are cloned (default: ~/.cache/rustgo-analyzer/clones).",
)
@click.option("--force", is_flag=True, help="Analyze again even what the store already holds.")
@click.option("--retry-failed", is_flag=True, help="Analyze again what failed before (timeouts, crashes).")
@click.option("--scheduler", metavar="ADDRESS", help="Run the tasks on a Dask cluster (needs the 'batch' extra).")
@click.option(
    "--format",
    "formats",
    multiple=True,
    metavar="FMT[:FILE]",
    help=f"Output format, repeatable: {', '.join(FORMATS)}; FMT:FILE writes to FILE.",
)
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write the one format without :FILE here.")
@click.option("--select", help="Comma-separated rule ids, id prefixes or categories to use.")
@click.option("--ignore", help="Comma-separated rule ids, id prefixes or categories to leave out.")
@click.option("--exclude", help="Comma-separated gitignore-style paths to leave out in every repository.")
@click.option("--weights", help="Criterion weights, e.g. 'performance=2,developer-experience=0.5'.")
@click.option("--max-file-size", type=click.IntRange(min=1), default=1 << 20, help="Bytes read at most per file.")
@click.option(
    "--fail-on",
    "fail_on",
    type=click.Choice(["failed"]),
    help="Exit 1 when POLICY triggers: failed (any source failed, in this run or stored from an earlier one).",
)
@click.option("--no-color", is_flag=True, help="Plain output.")
def run_command(
    sources: tuple[str, ...],
    from_files: tuple[Path, ...],
    discover_dirs: tuple[Path, ...],
    jobs: int,
    timeout: float,
    store_path: Path,
    cache_dir: Path | None,
    force: bool,
    retry_failed: bool,
    scheduler: str | None,
    formats: tuple[str, ...],
    output: str | None,
    select: str | None,
    ignore: str | None,
    exclude: str | None,
    weights: str | None,
    max_file_size: int,
    fail_on: str | None,
    no_color: bool,
) -> None:
    """Analyze every source (paths, bare repositories, git URLs) and store each result as it finishes."""
    from analyzer.batch.run import run_batch  # here, not at the top: keeps --help fast
    from analyzer.batch.sources import collect
    from analyzer.batch.store import Store
    from analyzer.batch.tasks import BatchOptions, Settings

    _outputs(formats, output)  # a bad --format fails before any work
    found = collect(sources, cache_dir or _cache_dir(), from_files, discover_dirs)
    if not found:
        raise click.UsageError("no sources: give paths or URLs, --from-file or --discover")
    settings = Settings(_weights(weights), _split(select), _split(ignore), _split(exclude), max_file_size)
    settings.knowledge()  # unknown criteria or rule ids fail here, once, not in every worker
    options = BatchOptions(jobs=jobs, timeout=timeout, force=force, retry_failed=retry_failed, scheduler=scheduler)
    with Store(store_path) as store, _Progress(Console(stderr=True)) as progress:
        rows = run_batch(found, settings, store, options, progress)
    _emit(rows, formats, output, no_color)
    failed = [row.run.key.source for row in rows if row.run.status == "failed"]
    if fail_on == "failed" and failed:
        click.echo(f"policy failed: {len(failed)} of {len(rows)} sources failed (--fail-on failed)", err=True)
        click.get_current_context().exit(1)


@batch_command.command("report")
@click.option(
    "--store",
    "store_path",
    type=click.Path(path_type=Path, dir_okay=False),
    default=Path(DEFAULT_NAME),
    help=_STORE_HELP,
)
@click.option(
    "--format",
    "formats",
    multiple=True,
    metavar="FMT[:FILE]",
    help=f"Output format, repeatable: {', '.join(FORMATS)}; FMT:FILE writes to FILE.",
)
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write the one format without :FILE here.")
@click.option("--no-color", is_flag=True, help="Plain output.")
def report_command(store_path: Path, formats: tuple[str, ...], output: str | None, no_color: bool) -> None:
    """Render the newest stored result of every repository in the store, without scanning."""
    from analyzer.batch.run import Row, with_history
    from analyzer.batch.store import Store, StoreError
    from analyzer.batch.tasks import Status

    _outputs(formats, output)
    if not store_path.is_file():
        raise StoreError(f"{store_path}: no such batch store; run `analyze batch` first or give --store")
    with Store(store_path) as store:
        rows = [with_history(Row(Status(run.status), run), store) for run in store.latest()]
    _emit(rows, formats, output, no_color)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the batch group standalone; exit codes as ``analyze``: 0 done, 2 usage or configuration, 3 crash."""
    try:
        batch_command.main(
            args=list(sys.argv[1:] if argv is None else argv), prog_name="analyze batch", standalone_mode=False
        )
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        return 2
    except AnalyzerError as exc:
        click.echo(f"error: {exc}", err=True)
        return 2
    except Exception:
        click.echo("internal error (please report it with the traceback below):", err=True)
        click.echo(traceback.format_exc(), err=True)
        return 3
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
