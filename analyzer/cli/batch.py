"""The ``analyze batch`` command group: run a portfolio batch, or render one from its store (DESIGN §10).

``analyze batch SOURCES...`` is wiring: collect the sources, resolve the configuration as ``analyze`` does (the
same analysis and output options, command line over ``RUSTGO_*`` over a file found from the current folder over
defaults, never an analyzed repository's own file), open the store, run the batch with a progress bar on stderr
(only when stderr is a terminal), render the rows in each requested format. ``analyze batch report --store PATH``
renders the newest stored row of every repository without scanning anything. Errors rise to ``cli.exits``.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click
from rich.console import Console

from analyzer.batch.store import DEFAULT_NAME
from analyzer.cli.exits import PolicyFailed
from analyzer.cli.options import analysis_options, color, output_options, settings, write
from analyzer.config import Config, Mode
from analyzer.errors import ConfigError
from analyzer.reports.portfolio import FORMATS

SCHEDULER_TIMEOUT = 20
"""Seconds to wait for the Dask scheduler to answer before saying it cannot be reached."""
_STORE_HELP = f"SQLite store of results (default: ./{DEFAULT_NAME})."


def _emit(rows: Sequence[Any], config: Config, no_color: bool, info: Any = None, history: bool = False) -> None:
    from analyzer.reports.portfolio import render  # here, not at the top: keeps --help fast

    for spec in config.formats:
        colored = spec.format == "terminal" and spec.path is None and color(no_color)
        pages = _write_pages(rows, Path(spec.path)) if spec.format == "html" and spec.path is not None else {}
        text = render(rows, spec.format, color=colored, info=info, pages=pages)
        if history and spec.format == "terminal":
            from analyzer.reports.portfolio_table import render_history

            text += render_history(rows, color=colored)
        write(text, spec.path)


def _write_pages(rows: Sequence[Any], dashboard: Path) -> dict[str, str]:
    """One page per analyzed repository in ``<dashboard name>-repos/`` beside the dashboard; source -> link."""
    from analyzer.reports.portfolio import repo_pages

    folder = f"{dashboard.stem}-repos"
    links = {}
    try:
        for source, (link, page) in repo_pages(rows, folder, dashboard.name).items():
            (dashboard.parent / folder).mkdir(parents=True, exist_ok=True)
            (dashboard.parent / link).write_text(page, encoding="utf-8")
            links[source] = link
    except OSError as exc:
        raise ConfigError(f"{dashboard.parent / folder}: cannot write the repository pages: {exc.strerror}") from exc
    return links


def _info(settings: Any = None) -> Any:
    from dataclasses import asdict
    from datetime import UTC, datetime

    from analyzer.reports.portfolio import RunInfo

    now = datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    return RunInfo(now, asdict(settings) if settings is not None else {})


def _cores() -> int:
    """The cores this process may run on (its affinity, which a container or ``taskset`` may narrow)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except (AttributeError, OSError):  # no sched_getaffinity on macOS
        return os.cpu_count() or 1


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
    "--timeout",
    type=click.FloatRange(min=0, min_open=True, max=7 * 24 * 3600),
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
    "--fail-on",
    "fail_on",
    type=click.Choice(["failed"]),
    help="Exit 1 when POLICY triggers: failed (any source failed, in this run or stored from an earlier one).",
)
@output_options(FORMATS)
@analysis_options
def run_command(
    sources: tuple[str, ...],
    from_files: tuple[Path, ...],
    discover_dirs: tuple[Path, ...],
    timeout: float,
    store_path: Path,
    cache_dir: Path | None,
    force: bool,
    retry_failed: bool,
    scheduler: str | None,
    fail_on: str | None,
    **options: Any,
) -> None:
    """Analyze every source (paths, bare repositories, git URLs) and store each result as it finishes."""
    from analyzer.batch.run import run_batch  # here, not at the top: keeps --help fast
    from analyzer.batch.sources import collect
    from analyzer.batch.store import Store
    from analyzer.batch.tasks import BatchOptions, Settings
    from analyzer.cli.progress import BatchProgress
    from analyzer.knowledge import vocabulary

    config = settings(Path(), options, Mode.BATCH, FORMATS)  # bad settings fail before any work
    if config.select or config.ignore or config.weights or config.fail_on:
        # Unknown criteria or rule ids fail here, before any work; the rules themselves are loaded by the batch
        # only when some repository needs analysing (a fully reused run never reads them).
        config.check_names(*vocabulary())
    found = collect(sources, cache_dir or _cache_dir(), from_files, discover_dirs)
    if not found:
        raise click.UsageError("no sources: give paths or URLs, --from-file or --discover")
    weights = tuple(sorted(config.weights.items()))
    batch = Settings(weights, config.select, config.ignore, config.exclude, config.max_file_size)
    if scheduler is not None:
        _reach(scheduler)
    jobs = config.jobs or _cores()
    options_ = BatchOptions(jobs=jobs, timeout=timeout, force=force, retry_failed=retry_failed, scheduler=scheduler)
    with Store(store_path) as store, BatchProgress(Console(stderr=True)) as progress:
        rows = run_batch(found, batch, store, options_, progress)
    _emit(rows, config, options["no_color"], _info(batch))
    failed = [row.run.key.source for row in rows if row.run.status == "failed"]
    if fail_on == "failed" and failed:
        click.echo(f"policy failed: {len(failed)} of {len(rows)} sources failed (--fail-on failed)", err=True)
        raise PolicyFailed


def _reach(address: str) -> None:
    """Fail in one line, before any work, when the Dask scheduler cannot be used."""
    try:
        from distributed import Client
    except ImportError:
        raise ConfigError(
            f"--scheduler {address}: Dask is not installed; pip install 'rustgo-analyzer[batch]'"
        ) from None
    try:
        Client(address, timeout=SCHEDULER_TIMEOUT).close()  # type: ignore[no-untyped-call]
    except Exception as exc:  # refused, timed out, or something that is not a scheduler answered: one line
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ConfigError(f"--scheduler {address}: cannot reach the Dask scheduler: {reason}") from None


@batch_command.command("report")
@click.option(
    "--store",
    "store_path",
    type=click.Path(path_type=Path, dir_okay=False),
    default=Path(DEFAULT_NAME),
    help=_STORE_HELP,
)
@click.option(
    "--history", is_flag=True, help="Also show how each repository's verdict and leans moved, one line per analysis."
)
@output_options(FORMATS)
def report_command(store_path: Path, history: bool, **options: Any) -> None:
    """Render the newest stored result of every repository in the store, without scanning."""
    from analyzer.batch.run import Row, with_history
    from analyzer.batch.store import Store, StoreError
    from analyzer.batch.tasks import Status

    config = settings(Path(), options, Mode.BATCH, FORMATS)
    if not store_path.is_file():
        raise StoreError(f"{store_path}: no such batch store; run `analyze batch` first or give --store")
    with Store(store_path) as store:
        several = store.sources_with_history()
        rows = [Row(Status(run.status), run) for run in store.latest()]
        rows = [with_history(row, store) if row.run.key.source in several else row for row in rows]
    _emit(rows, config, options["no_color"], _info(), history)
