"""Report renderers: one pure function per output format, from a Report to a string (DESIGN §6).

``render`` picks the renderer by format name from a small table; each renderer module is imported only
when its format is asked for, so ``--format json`` never loads rich. Adding a format is one module in
this package plus one line in ``_RENDERERS`` and one name in ``FORMATS``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from analyzer.model import Report

FORMATS: tuple[str, ...] = ("terminal", "json")
"""Format names accepted by ``render``, in the order the CLI lists them."""


@dataclass(frozen=True)
class _Options:
    color: bool
    width: int | None
    verbose: bool


def _terminal(report: Report, options: _Options) -> str:
    from analyzer.reports import terminal

    return terminal.render(report, color=options.color, width=options.width, verbose=options.verbose)


def _json(report: Report, options: _Options) -> str:
    from analyzer.reports import json as json_report

    return json_report.render(report)


_RENDERERS: Mapping[str, Callable[[Report, _Options], str]] = MappingProxyType(
    {"terminal": _terminal, "json": _json}
)


def render(
    report: Report, fmt: str, *, color: bool = False, width: int | None = None, verbose: bool = False
) -> str:
    """Render ``report`` in format ``fmt``; options a format has no use for are ignored.

    Raises ValueError for a format name not in ``FORMATS``.
    """
    renderer = _RENDERERS.get(fmt)
    if renderer is None:
        raise ValueError(f"unknown report format {fmt!r}; choose one of: {', '.join(FORMATS)}")
    return renderer(report, _Options(color=color, width=width, verbose=verbose))
