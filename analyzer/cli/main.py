"""The command line: ``analyze PATH`` (``check``), ``analyze diff``, ``analyze rules [ID]`` and, from its own
module, ``analyze batch`` (DESIGN §7).

Each command is wiring: resolve the configuration (``cli.options``), call the engine, render. Outcomes become exit
codes in one place, ``cli.exits``: 0 report produced, 1 a policy (``--expect``, ``--fail-on``) failed, 2 usage,
configuration, target or git error, 3 unexpected internal error, 130 interrupted.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from analyzer import PROG_NAME, __version__
from analyzer.cli import exits
from analyzer.cli.options import analysis_options, color, load_checked, output_options, settings, write
from analyzer.compare.delta import gate_failures
from analyzer.config import EXPECTATIONS, Config, Mode
from analyzer.errors import ConfigError, TargetError
from analyzer.reports import FORMATS, console

# What a command needs beyond parsing its arguments is imported inside it, so that `analyze --version` and
# `--help` load neither the engine (RE2, worker pools) nor rich nor the batch command.
if TYPE_CHECKING:
    from rich.console import Console

    from analyzer.compare.baseline import Baseline
    from analyzer.facts.content import ContentCache
    from analyzer.knowledge import Knowledge
    from analyzer.model import Delta, Report
    from analyzer.reports.terminal_rows import Excerpts

SUBCOMMANDS = ("check", "diff", "rules", "batch")


def _append(text: str, path: str) -> None:
    """Add to a file the CI owns ($GITHUB_STEP_SUMMARY); failing to is worth a warning, not the run."""
    try:
        with Path(path).open("a", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as exc:
        click.echo(f"warning: {path}: cannot append the job summary: {exc.strerror}", err=True)


def _stderr_console() -> Console:
    """rich's console on stderr, for a progress bar that is about to appear (rich is imported only then)."""
    from rich.console import Console

    return Console(stderr=True)


def _width() -> int:
    """The terminal report's width: COLUMNS, the terminal's, or a width that keeps path:line whole when piped."""
    return console.width(os.environ)


def _excerpts(path: Path, report: Report, run: _Run) -> Excerpts:
    """The source lines --show-source prints, read from the tree the report describes."""
    from analyzer.reports.excerpts import read_excerpts
    from analyzer.reports.terminal import source_places

    return read_excerpts(path, report, source_places(report, run.verbose), run.config.exclude)


def _job_summary(report: Report) -> str:
    from analyzer.reports import job_summary

    return job_summary(report)


def _render_delta(run: _Run, delta: Delta, fmt: str, color: bool) -> str:
    """A diff format renders the delta; an annotation format (sarif, github, gitlab) the change's new findings."""
    from analyzer.reports import render_delta

    return render_delta(delta, fmt, color=color, width=_width(), verbose=run.verbose, rules=run.knowledge.rules)


def _delta_line(delta: Delta) -> str:
    """The one line ``analyze diff --quiet`` prints."""
    base, head = delta.base.verdict.language.value, delta.head.verdict.language.value
    verdict = f"{base} -> {head}" if delta.verdict_changed else f"{head} (unchanged)"
    toward = "Rust" if delta.lean_change > 0 else "Go"
    lean = f"lean {delta.lean_change:+.2f}" + (f" toward {toward}" if delta.lean_change else "")
    markers = [f"+{m.category}" for m in delta.added_markers] + [f"-{m.category}" for m in delta.removed_markers]
    parts = [verdict, lean, *([" ".join(dict.fromkeys(markers))] if markers else [])]
    return "; ".join(parts)


class _Commands(click.Group):
    """The command group; ``batch`` lives in its own module and is imported only when it is asked for."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), "batch"})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name == "batch" and cmd_name not in self.commands:
            from analyzer.cli.batch import batch_command

            self.add_command(batch_command, name="batch")
        return super().get_command(ctx, cmd_name)


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name=PROG_NAME)
def main_group() -> None:
    """Say, with evidence, whether a repository's domain is better served by Rust, by Go, or by both.

    Run `analyze PATH` to analyze a repository (the `check` command is the default).
    """


def _policy_options(command: Callable[..., None]) -> Callable[..., None]:
    """Options of the commands that judge one repository (check and diff), after the shared ones."""
    options = [
        click.option(
            "--fail-on",
            "fail_on",
            multiple=True,
            metavar="POLICY",
            help="Exit 1 when POLICY triggers, repeatable: findings (new findings), and for diff "
            "verdict-change, lean:N (|lean change| >= N), criterion:ID:N.",
        ),
        click.option("--exit-zero", is_flag=True, default=None, help="Exit 0 even when a policy triggers."),
        click.option(
            "--baseline",
            type=click.Path(dir_okay=False),
            help="A previous JSON report: its findings are known and neither shown nor counted.",
        ),
        click.option(
            "--write-baseline",
            type=click.Path(dir_okay=False, path_type=Path),
            help="Save this run's findings (its JSON report) as a baseline to FILE.",
        ),
        click.option(
            "--effort",
            is_flag=True,
            default=None,
            help="Add porting-effort figures: lines per language, Python complexity and hot spots (radon).",
        ),
        click.option("--quiet", "-q", is_flag=True, help="Print only the verdict line (terminal format)."),
        click.option("--verbose", "-v", is_flag=True, help="Show all evidence and diagnostics."),
    ]
    for option in reversed(options):
        command = option(command)
    return output_options(FORMATS)(analysis_options(command))


@dataclass(frozen=True)
class _Run:
    """What the wiring of one command needs besides the report: settings and rendering switches."""

    config: Config
    knowledge: Knowledge
    quiet: bool
    verbose: bool
    no_color: bool


def _prepare(path: Path, options: dict[str, Any], mode: Mode, user_side: bool = False, **extra: Any) -> _Run:
    """Check the target, resolve the configuration, load the knowledge."""
    if not path.exists():
        raise TargetError(f"{path}: no such file or directory")
    if not path.is_dir():
        raise TargetError(f"{path}: not a directory; give the root of a repository")
    config = settings(
        path,
        options,
        mode,
        FORMATS,
        user_side=user_side,
        fail_on=list(options["fail_on"]) or None,
        exit_zero=options["exit_zero"],
        baseline=options["baseline"],
        effort=options["effort"],
        **extra,
    )
    if mode is Mode.CHECK and any(gate.needs_delta for gate in config.fail_on):
        raise ConfigError(
            f"{config.origin('fail_on')}: verdict-change, lean:N and criterion:ID:N compare two revisions: "
            "use analyze diff (check takes findings)"
        )
    return _Run(config, load_checked(config), options["quiet"], options["verbose"], options["no_color"])


def _analyze(run: _Run, path: Path, rev: str | None, cache: ContentCache | None = None) -> Report:
    """One analysis of the work tree at ``path``, or of revision ``rev`` of the repository holding it."""
    from analyzer.cli.progress import DelayedProgress
    from analyzer.engine import Options, analyze
    from analyzer.target.revision import RevisionTree
    from analyzer.target.worktree import WorkTree

    observer = None if run.quiet else DelayedProgress(_stderr_console)
    options = Options(
        run.config.max_file_size,
        run.config.jobs,
        run.config.effort,
        team=tuple(sorted(run.config.team.items())),
        history=run.config.history,
    )
    if rev is None and _is_bare_repository(path):
        rev = "HEAD"  # a bare repository has no work tree: its files are git's own, not the project's
    try:
        if rev is None:
            tree = WorkTree(path, extra_ignores=run.config.exclude)
            return analyze(tree, run.knowledge, options, observer, cache=cache)
        with RevisionTree(path, rev, extra_ignores=run.config.exclude) as revision:
            return analyze(revision, run.knowledge, options, observer, revision=revision.revision, cache=cache)
    except (TargetError, BrokenPipeError) as exc:  # nothing is written to stdout before the report: a broken
        raise _git_failure(path, rev, exc) from None  # pipe here is git's, not the reader's


_MISSING_OBJECTS = ("could not read", "bad object", "missing", "unable to read", "not a valid object")


def _git_failure(path: Path, rev: str | None, exc: TargetError | BrokenPipeError) -> TargetError:
    """One line saying why a revision could not be read; objects git cannot find are named as missing."""
    if rev is None and isinstance(exc, TargetError):
        return exc
    message = str(exc) if isinstance(exc, TargetError) else f"{path}: git stopped while revision {rev!r} was read"
    if isinstance(exc, BrokenPipeError) or any(word in message.lower() for word in _MISSING_OBJECTS):
        return TargetError(
            f"{message}: objects are missing from the repository (a partial or damaged clone; "
            f"`git -C {path} fsck` lists them)"
        )
    return exc


def _is_bare_repository(path: Path) -> bool:
    """Whether ``path`` has a bare repository's layout (HEAD, objects/, refs/ at its top)."""
    return (path / "HEAD").is_file() and (path / "objects").is_dir() and (path / "refs").is_dir()


def _known_findings(run: _Run, report: Report, write_to: Path | None) -> Baseline | None:
    """Write the baseline if asked (before any is applied), then read the one to apply, if any."""
    from analyzer.compare.baseline import load_baseline, write_baseline

    if write_to is not None:
        from analyzer.reports import json as json_report  # only runs that write a baseline need it

        write_baseline(json_report.render(report, max_per_rule=None), write_to)  # every finding, uncapped
    return load_baseline(Path(run.config.baseline)) if run.config.baseline else None


def _emit(run: _Run, render_one: Callable[[str, bool], str], quiet_line: str, summary: Callable[[], str]) -> None:
    """Write every requested rendering; ``render_one(format, color)`` renders one format."""
    for spec in run.config.formats:
        if run.quiet and spec.format == "terminal" and spec.path is None:
            text = quiet_line + "\n"
        else:
            use_color = spec.format == "terminal" and spec.path is None and color(run.no_color)
            text = render_one(spec.format, use_color)
        write(text, spec.path)
        if spec.format == "github" and os.environ.get("GITHUB_STEP_SUMMARY"):
            _append(summary(), os.environ["GITHUB_STEP_SUMMARY"])


def _policies(run: _Run, failures: list[str]) -> None:
    """Report failed policies on stderr; the run fails unless --exit-zero."""
    suffix = " (ignored: --exit-zero)" if run.config.exit_zero else ""
    for failure in failures:
        click.echo(f"policy failed: {failure}{suffix}", err=True)
    if failures and not run.config.exit_zero:
        raise exits.PolicyFailed


@main_group.command("check")
@click.argument("path", type=click.Path(path_type=Path), default=Path())
@click.option(
    "--rev",
    help="Analyze this git revision, read from git objects without a checkout "
    "(default: the work tree; HEAD in a bare repository).",
)
@click.option("--expect", type=click.Choice(EXPECTATIONS), help="Exit 1 when the verdict differs.")
@click.option("--show-source", is_flag=True, help="Show the source lines around each listed finding (terminal).")
@click.option("--statistics", is_flag=True, help="Count the counted findings per rule (terminal).")
@_policy_options
def check(
    path: Path,
    rev: str | None,
    expect: str | None,
    show_source: bool,
    statistics: bool,
    write_baseline: Path | None,
    **options: Any,
) -> None:
    """Analyze the repository at PATH and print its Rust-vs-Go report."""
    from analyzer.compare.baseline import apply_baseline
    from analyzer.reports import render

    run = _prepare(path, options, Mode.CHECK, expect=expect)
    report = _analyze(run, path, rev)
    baseline = _known_findings(run, report, write_baseline)
    if baseline is not None:
        report = apply_baseline(report, baseline)
    gated = _gated_report(run, path, rev, options, expect, baseline) or report
    verdict = report.verdict
    excerpts = _excerpts(path, report, run) if show_source else None
    _emit(
        run,
        lambda fmt, color: render(
            report,
            fmt,
            color=color,
            width=_width(),
            verbose=run.verbose,
            rules=run.knowledge.rules,
            excerpts=excerpts,
            statistics=statistics,
        ),
        f"{verdict.language.value} ({verdict.confidence:.0%}): {verdict.summary}",
        lambda: _job_summary(report),
    )
    own = run.config.set_by_own_file
    failures = gate_failures(run.config.fail_on, report if own("fail_on") else gated)
    judged = (report if own("expect") else gated).verdict.language.value
    if run.config.expect and run.config.expect != judged:
        failures.insert(0, f"expected verdict {run.config.expect}, got {judged}")
    _policies(run, failures)


def _gated_report(
    run: _Run, path: Path, rev: str | None, options: dict[str, Any], expect: str | None, baseline: Baseline | None
) -> Report | None:
    """The report the invoker's gates judge when the repository's own file narrowed the one shown; else None.

    A repository's configuration may narrow its report (DESIGN §8) but not relax a gate someone else set: with
    ``exclude = ["**"]`` in its ``.rustgo.toml`` a repository would otherwise pass ``--fail-on findings``. So the
    invoker's ``--fail-on`` and ``--expect`` are judged on a second analysis with the command line, ``RUSTGO_*`` and
    ``--config`` only, as ``diff`` judges both sides.
    """
    from analyzer.compare.baseline import apply_baseline

    narrowed = run.config.narrowed_by_own_file()
    if not narrowed or not run.config.invoker_gates():
        return None
    if not run.quiet:
        click.echo(
            f"note: {run.config.own_file} narrows the report shown ({', '.join(narrowed)}), not the gates: "
            "--fail-on and --expect judge the analysis made with the command line, RUSTGO_* and --config only",
            err=True,
        )
    gate_run = _prepare(path, options, Mode.CHECK, user_side=True, expect=expect)
    gated = _analyze(replace(gate_run, quiet=True), path, rev)
    return apply_baseline(gated, baseline) if baseline is not None else gated


@main_group.command(
    "diff",
    epilog="Formats terminal, json and markdown show the change; sarif, github and gitlab "
    "carry only the findings the change adds (after --baseline).",
)
@click.argument("path", type=click.Path(path_type=Path), default=Path())
@click.option("--base", required=True, help="The revision to compare against (e.g. origin/main, HEAD~1).")
@click.option("--head", help="The revision to compare (default: the work tree at PATH; HEAD in a bare repository).")
@_policy_options
def diff_command(path: Path, base: str, head: str | None, write_baseline: Path | None, **options: Any) -> None:
    """Analyze two revisions of the repository at PATH and report what changed between them."""
    from analyzer.compare.baseline import apply_baseline
    from analyzer.compare.delta import compute_delta
    from analyzer.facts.content import ContentCache

    run = _prepare(path, options, Mode.DIFF)
    cache = ContentCache()  # the head side re-matches only the files whose bytes differ from the base
    before = _analyze(run, path, base, cache)
    after = _analyze(run, path, head, cache)
    baseline = _known_findings(run, after, write_baseline)
    if baseline is not None:
        before, after = apply_baseline(before, baseline), apply_baseline(after, baseline)
    delta = compute_delta(before, after)
    _emit(
        run,
        lambda fmt, color: _render_delta(run, delta, fmt, color),
        _delta_line(delta),
        lambda: _render_delta(run, delta, "markdown", False),
    )
    _policies(run, gate_failures(run.config.fail_on, after, delta))


@main_group.command("rules")
@click.argument("rule_id", required=False)
@click.option("--category", help="Only rules of this category (e.g. wasm, concurrency:threads).")
@click.option("--ecosystem", help="Only rules matching dependencies of this ecosystem (pypi, cargo, go, ...).")
@click.option("--format", "fmt", type=click.Choice(["terminal", "json"]), default="terminal")
def rules_command(rule_id: str | None, category: str | None, ecosystem: str | None, fmt: str) -> None:
    """List the rules, or explain the rule RULE_ID."""
    from analyzer.reports.rules import explain, listing

    if category is not None or ecosystem is not None:
        _check_listing_filters(category, ecosystem)
    text = explain(rule_id, fmt) if rule_id is not None else listing(category, ecosystem, fmt)
    click.echo(text, nl=not text.endswith("\n"))


def _check_listing_filters(category: str | None, ecosystem: str | None) -> None:
    """A category or ecosystem no rule has is a typo, not an empty list."""
    from analyzer.config.values import did_you_mean
    from analyzer.knowledge import load

    rules = load(select=("",)).rules.rules  # the empty prefix selects every rule, deprecated ones too
    for flag, given, known in (
        ("--category", category, {r.category for r in rules}),
        ("--ecosystem", ecosystem, {eco for r in rules for eco, _ in r.dependencies}),
    ):
        if given is not None and given not in known:
            raise ConfigError(
                f"{flag}: no rule has {given!r}{did_you_mean(given, known)}; choose from {', '.join(sorted(known))}"
            )


def _route(argv: Sequence[str]) -> list[str]:
    """`analyze PATH ...` means `analyze check PATH ...`: the check command is the default."""
    args = list(argv)
    if not args:
        return ["check"]
    if args[0] in SUBCOMMANDS or args[0] in ("-h", "--help", "--version"):
        return args
    return ["check", *args]


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the exit code (``cli.exits`` maps every outcome)."""
    args = _route(sys.argv[1:] if argv is None else argv)

    def invoke() -> None:
        # make_context and invoke, not click's main(): main() turns a broken pipe into a silent exit 1 and
        # Ctrl-C into Abort, and exits itself; here every outcome reaches the one map in cli.exits.
        with main_group.make_context("analyze", args) as ctx:
            main_group.invoke(ctx)

    return exits.run(invoke)


def entry() -> None:
    """Console-script wrapper."""
    exits.leave(main())
