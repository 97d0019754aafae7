"""Report renderers: one pure function per output format, from a Report (or a Delta) to a string (DESIGN §6).

``render`` picks the renderer by format name from a small table; each renderer module is imported only
when its format is asked for, so ``--format json`` never loads rich. Adding a format is one module in
this package plus one line in ``_RENDERERS`` and one name in ``FORMATS``. ``render_delta`` does the same for
``analyze diff`` over ``DELTA_FORMATS``. The SARIF renderer takes the rule registry as an argument; when the
caller has none at hand, the dispatch here loads the shipped one, so renderers themselves never read files.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING

from analyzer.model import Delta, Report

if TYPE_CHECKING:
    from analyzer.knowledge.rules import RuleSet

FORMATS: tuple[str, ...] = ("terminal", "json", "sarif", "markdown", "github", "gitlab")
"""Format names accepted by ``render``, in the order the CLI lists them."""

DELTA_FORMATS: tuple[str, ...] = ("terminal", "json", "markdown")
"""Format names accepted by ``render_delta``."""


@dataclass(frozen=True)
class _Options:
    color: bool
    width: int | None
    verbose: bool
    rules: RuleSet | None = None


def _terminal(report: Report, options: _Options) -> str:
    from analyzer.reports import terminal

    return terminal.render(report, color=options.color, width=options.width, verbose=options.verbose)


def _json(report: Report, options: _Options) -> str:
    from analyzer.reports import json as json_report

    return json_report.render(report)


def _sarif(report: Report, options: _Options) -> str:
    from analyzer.reports import sarif

    rules = options.rules
    if rules is None:
        from analyzer.knowledge.criteria import load_criteria
        from analyzer.knowledge.rules import load_rules

        rules = load_rules(load_criteria())
    return sarif.render(report, rules=rules)


def _markdown(report: Report, options: _Options) -> str:
    from analyzer.reports import markdown

    return markdown.render(report, verbose=options.verbose)


def _github(report: Report, options: _Options) -> str:
    from analyzer.reports import github

    return github.render(report)


def _gitlab(report: Report, options: _Options) -> str:
    from analyzer.reports import gitlab

    return gitlab.render(report)


_RENDERERS: Mapping[str, Callable[[Report, _Options], str]] = MappingProxyType({
    "terminal": _terminal, "json": _json, "sarif": _sarif, "markdown": _markdown, "github": _github,
    "gitlab": _gitlab,
})


def render(
    report: Report, fmt: str, *, color: bool = False, width: int | None = None, verbose: bool = False,
    rules: RuleSet | None = None,
) -> str:
    """Render ``report`` in format ``fmt``; options a format has no use for are ignored.

    ``rules`` is the rule registry the analysis used (SARIF ``rules[]`` help); the shipped one when None.
    Raises ValueError for a format name not in ``FORMATS``.
    """
    renderer = _RENDERERS.get(fmt)
    if renderer is None:
        raise ValueError(f"unknown report format {fmt!r}; choose one of: {', '.join(FORMATS)}")
    return renderer(report, _Options(color=color, width=width, verbose=verbose, rules=rules))


def render_delta(
    delta: Delta, fmt: str, *, color: bool = False, width: int | None = None, verbose: bool = False
) -> str:
    """Render the ``analyze diff`` result in format ``fmt`` (one of ``DELTA_FORMATS``).

    Raises ValueError for any other format name.
    """
    if fmt == "terminal":
        from analyzer.reports import terminal_delta

        return terminal_delta.render_delta(delta, color=color, width=width, verbose=verbose)
    if fmt == "json":
        from analyzer.reports import json as json_report

        return json_report.render_delta(delta)
    if fmt == "markdown":
        from analyzer.reports import markdown

        return markdown.render_delta(delta, verbose=verbose)
    raise ValueError(f"format {fmt!r} cannot render a diff; choose one of: {', '.join(DELTA_FORMATS)}")


def job_summary(report: Report) -> str:
    """The Markdown the CLI appends to ``$GITHUB_STEP_SUMMARY`` (see ``github.job_summary``)."""
    from analyzer.reports import github

    return github.job_summary(report)
