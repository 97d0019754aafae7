"""How wide and how colourful the terminal report is: the user's terminal and environment, read once by the CLI.

The terminal renderer itself is pure (its width and colour are arguments), so the same Report always renders
the same text. This module decides those arguments the way rich and the conventions of the colour variables do:
``COLUMNS`` first, then the size of whichever of stdout, stderr and stdin is a terminal (so ``analyze . | less``
still fits the screen), and ``PIPED_WIDTH`` when none is (CI logs, files); ``--no-color`` and ``NO_COLOR`` turn
colour off, ``FORCE_COLOR`` turns it on even when piped, ``TERM=dumb`` turns it off, and otherwise colour follows
whether stdout is a terminal.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence

PIPED_WIDTH = 100
"""Width when no terminal can be measured: wide enough that a repository path and its line stay on one line."""
MIN_WIDTH = 40
"""Narrowest layout the renderer supports; a smaller ``COLUMNS`` is raised to it."""
MAX_WIDTH = 400


def width(environ: Mapping[str, str], fds: Sequence[int] = (1, 2, 0)) -> int:
    """The report's width in cells: ``COLUMNS`` when it is a number, else the first terminal's, else ``PIPED_WIDTH``."""
    columns = environ.get("COLUMNS", "").strip()
    if columns.isdigit() and int(columns) > 0:
        return max(MIN_WIDTH, min(int(columns), MAX_WIDTH))
    for fd in fds:
        try:
            size = os.get_terminal_size(fd).columns
        except (OSError, ValueError):
            continue
        if size > 0:
            return max(MIN_WIDTH, min(size, MAX_WIDTH))
    return PIPED_WIDTH


def wants_color(environ: Mapping[str, str], *, isatty: bool, no_color: bool = False) -> bool:
    """Whether to colour: ``--no-color`` > ``NO_COLOR`` > ``FORCE_COLOR`` > ``TERM=dumb`` > stdout is a terminal.

    ``NO_COLOR`` and ``FORCE_COLOR`` count when set to anything but the empty string (no-color.org, force-color.org).
    """
    if no_color or environ.get("NO_COLOR"):
        return False
    if environ.get("FORCE_COLOR"):
        return True
    if environ.get("TERM", "").strip().lower() in ("dumb", "unknown"):
        return False
    return isatty
