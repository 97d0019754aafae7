"""Report renderers: one pure function per output format, from a Report (or a Delta) to a string (DESIGN §6).

``render`` picks the renderer for an ``OutputFormat`` (the closed set of formats, in ``model``) with an
exhaustive match; each renderer module is imported only when its format is asked for, so ``--format json``
never loads rich. Adding a format is one member of ``OutputFormat``, one module in this package and one branch
here (mypy's exhaustiveness check finds the branch that is missing). ``render_delta`` does the same for
``analyze diff``: formats whose ``shows_delta`` is true show the change, the annotation formats its new findings.
The SARIF renderer takes the rule registry as an
argument; when the caller has none at hand, the dispatch here loads the shipped one, so renderers themselves
never read files.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, assert_never

from analyzer.model import Delta, OutputFormat, Report

if TYPE_CHECKING:
    from analyzer.knowledge.rules import RuleSet
    from analyzer.reports.terminal_rows import Excerpts

FORMATS: tuple[str, ...] = tuple(f.value for f in OutputFormat)
"""Format names accepted by ``render``, in the order the CLI lists them."""

DELTA_FORMATS: tuple[str, ...] = tuple(f.value for f in OutputFormat if f.shows_delta)
"""Format names whose ``render_delta`` shows the change itself (the others carry the change's new findings)."""


@dataclass(frozen=True)
class _Options:
    color: bool
    width: int | None
    verbose: bool
    rules: RuleSet | None = None
    excerpts: Excerpts | None = None
    statistics: bool = False


def _terminal(report: Report, options: _Options) -> str:
    from analyzer.reports import terminal

    return terminal.render(
        report,
        color=options.color,
        width=options.width,
        verbose=options.verbose,
        excerpts=options.excerpts,
        statistics=options.statistics,
    )


def _json(report: Report, options: _Options) -> str:
    from analyzer.reports import json as json_report

    return json_report.render(report)


def _sarif(report: Report, options: _Options) -> str:
    from analyzer.reports import sarif

    return sarif.render(report, rules=options.rules or _shipped_rules(), docs_url=docs_url())


def _shipped_rules() -> RuleSet:
    from analyzer.knowledge.criteria import load_criteria
    from analyzer.knowledge.rules import load_rules

    return load_rules(load_criteria())


def docs_url() -> str | None:
    """The absolute URL of the rules page, from the installed package's ``Project-URL: Rules, URL`` metadata.

    SARIF's ``helpUri`` must be absolute, and only the project's packaging knows where its docs are published;
    an installation without that entry gets rule help without a link.
    """
    from importlib import metadata

    try:
        entries = metadata.metadata("rustgo-analyzer").get_all("Project-URL") or []
    except metadata.PackageNotFoundError:
        return None
    for entry in entries:
        label, _, url = str(entry).partition(",")
        if label.strip().lower() == "rules" and url.strip().startswith(("https://", "http://")):
            return url.strip()
    return None


def _markdown(report: Report, options: _Options) -> str:
    from analyzer.reports import markdown

    return markdown.render(report, verbose=options.verbose)


def _github(report: Report, options: _Options) -> str:
    from analyzer.reports import github

    return github.render(report)


def _gitlab(report: Report, options: _Options) -> str:
    from analyzer.reports import gitlab

    return gitlab.render(report)


def _html(report: Report, options: _Options) -> str:
    from analyzer.reports import html

    return html.render(report)


def _renderer(fmt: OutputFormat) -> Callable[[Report, _Options], str]:
    match fmt:
        case OutputFormat.TERMINAL:
            return _terminal
        case OutputFormat.JSON:
            return _json
        case OutputFormat.SARIF:
            return _sarif
        case OutputFormat.MARKDOWN:
            return _markdown
        case OutputFormat.GITHUB:
            return _github
        case OutputFormat.GITLAB:
            return _gitlab
        case OutputFormat.HTML:
            return _html
        case _:
            assert_never(fmt)


def _format(name: str | OutputFormat, choices: tuple[str, ...]) -> OutputFormat:
    try:
        fmt = OutputFormat(name)
    except ValueError:
        fmt = None
    if fmt is None or fmt.value not in choices:
        problem = f"unknown report format {name!r}" if fmt is None else f"format {name!r} cannot render a diff"
        raise ValueError(f"{problem}; choose one of: {', '.join(choices)}")
    return fmt


def render(
    report: Report,
    fmt: str | OutputFormat,
    *,
    color: bool = False,
    width: int | None = None,
    verbose: bool = False,
    rules: RuleSet | None = None,
    excerpts: Excerpts | None = None,
    statistics: bool = False,
) -> str:
    """Render ``report`` in format ``fmt``; options a format has no use for are ignored.

    ``rules`` is the rule registry the analysis used (SARIF ``rules[]`` help); the shipped one when None.
    ``excerpts`` (source lines for ``--show-source``) and ``statistics`` (``--statistics``) are the terminal's.
    Raises ValueError for a format name not in ``FORMATS``.
    """
    renderer = _renderer(_format(fmt, FORMATS))
    options = _Options(color, width, verbose, rules, excerpts, statistics)
    return renderer(report, options)


def render_delta(
    delta: Delta,
    fmt: str | OutputFormat,
    *,
    color: bool = False,
    width: int | None = None,
    verbose: bool = False,
    rules: RuleSet | None = None,
) -> str:
    """Render the ``analyze diff`` result in format ``fmt`` (any of ``FORMATS``).

    Formats of ``DELTA_FORMATS`` show the change itself. The annotation formats (sarif, github, gitlab) carry
    only the change's new findings, so a pull request is annotated with what it added and nothing it did not
    touch; the new findings were found by comparing every finding of both sides, never only the shown ones.
    Raises ValueError for a format name not in ``FORMATS``.
    """
    chosen = _format(fmt, FORMATS)
    if chosen is OutputFormat.TERMINAL:
        from analyzer.reports import terminal_delta

        return terminal_delta.render_delta(delta, color=color, width=width, verbose=verbose)
    if chosen is OutputFormat.JSON:
        from analyzer.reports import json as json_report

        return json_report.render_delta(delta)
    if chosen is OutputFormat.MARKDOWN:
        from analyzer.reports import markdown

        return markdown.render_delta(delta, verbose=verbose)
    return _new_findings(delta, chosen, rules)


def _new_findings(delta: Delta, fmt: OutputFormat, rules: RuleSet | None) -> str:
    """The head report in an annotation format, restricted to the delta's added findings."""
    from analyzer.reports import change

    if fmt is OutputFormat.SARIF:
        from analyzer.reports import sarif

        return sarif.render(delta.head, rules=rules or _shipped_rules(), docs_url=docs_url(), only=delta.added_findings)
    if fmt is OutputFormat.GITHUB:
        from analyzer.reports import github

        return github.render(delta.head, only=delta.added_findings, headline=change.headline(delta))
    if fmt is OutputFormat.GITLAB:
        from analyzer.reports import gitlab

        return gitlab.render(delta.head, only=delta.added_findings)
    raise ValueError(f"format {fmt.value!r} has no diff rendering")  # unreachable: every format is handled


def job_summary(report: Report) -> str:
    """The Markdown the CLI appends to ``$GITHUB_STEP_SUMMARY`` (see ``github.job_summary``)."""
    from analyzer.reports import github

    return github.job_summary(report)
