"""The console script's first module: ``analyze --version`` answers from here, everything else goes to ``cli.main``.

``--version`` is what scripts and pre-commit hooks call to check the tool is there, and loading the command group
(click, the configuration and the records it names) costs about three times the interpreter's own start. The answer
is the one click's ``version_option`` gives (a test holds the two equal).
"""

from __future__ import annotations

import os
import sys


def version_line() -> str:
    """What ``analyze --version`` prints."""
    from analyzer import PROG_NAME, __version__

    return f"{PROG_NAME}, version {__version__}"


def entry() -> None:
    """Console-script entry point."""
    if sys.argv[1:] == ["--version"]:
        try:
            sys.stdout.write(version_line() + "\n")
            sys.stdout.flush()
        except BrokenPipeError:  # `analyze --version | true`: nothing left to tell anyone
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return
    from analyzer.cli.main import entry as run

    run()
