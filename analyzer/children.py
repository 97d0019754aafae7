"""Python processes the analyzer starts never import from the current folder (DESIGN §8).

multiprocessing's spawn and forkserver start methods (macOS, Windows, and Linux from Python 3.14) start
``python -c ...``, which puts the current folder first on the import path: run from inside an analyzed repository
that holds a root ``multiprocessing`` or ``threading`` package, every worker (and the resource tracker or fork
server) would import it. ``safe_child_path`` sets PYTHONSAFEPATH (Python 3.11) while children start, so they
leave the current folder off their path; an isolated parent (``python -I``) passes ``-I`` on by itself.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator


@contextlib.contextmanager
def safe_child_path() -> Iterator[None]:
    """Within the block, Python children started by this process do not import from the current folder."""
    previous = os.environ.get("PYTHONSAFEPATH")
    os.environ["PYTHONSAFEPATH"] = "1"
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("PYTHONSAFEPATH", None)
        else:
            os.environ["PYTHONSAFEPATH"] = previous
