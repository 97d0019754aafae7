"""`python -m analyzer` runs the same command line as the `analyze` console script.

`python -m` puts the current folder first on the import path unless Python runs with ``-I`` (or ``-P``), so from
inside an analyzed repository a root ``click.py`` or ``json.py`` would be imported instead of the real module. By
the time this file runs, ``analyzer`` itself has been found, so the safe forms are the ``analyze`` console script
and ``python -I -m analyzer`` (README). What can still be done here is done first: the current folder leaves the
import path before anything else is imported, unless it is where this package itself was found (a source checkout).
"""

from __future__ import annotations

import os
import sys


def _drop_current_folder() -> None:
    # os.path, not pathlib: pathlib imports modules (fnmatch, urllib) that must not be looked up here yet.
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # noqa: PTH100, PTH120
    cwd = os.getcwd()  # noqa: PTH109
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != cwd or cwd == here]  # noqa: PTH100


if __name__ == "__main__":
    _drop_current_folder()
    from analyzer.cli.launch import entry

    entry()
