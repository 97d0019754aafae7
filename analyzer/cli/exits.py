"""The one map from outcomes to exit codes, for every command (``analyze``, ``diff``, ``rules``, ``batch``).

0 the report was produced; 1 only a policy failed (``--expect``, ``--fail-on``), after the report was written;
2 usage, configuration, target or git trouble, said in one line; 3 an unexpected internal error, with the
traceback to report; 130 interrupted (Ctrl-C). Commands never exit: they return, raise ``PolicyFailed`` or let an
error rise to ``run``, which is the only code that knows these numbers.
"""

from __future__ import annotations

import contextlib
import enum
import os
import sys
import traceback
from collections.abc import Callable
from typing import NoReturn

import click

from analyzer.errors import AnalyzerError


class ExitCode(enum.IntEnum):
    OK = 0
    POLICY = 1
    USAGE = 2
    INTERNAL = 3
    INTERRUPTED = 130


class PolicyFailed(click.exceptions.Exit):
    """A policy failed; the report is already out and each failure was printed.

    A click ``Exit`` with code 1, so a command run through click's own ``main`` (CliRunner) ends the same way.
    """

    def __init__(self) -> None:
        super().__init__(ExitCode.POLICY)


def _say(message: str) -> None:
    with contextlib.suppress(OSError):  # stderr closed too: the exit code is all that is left to say it
        click.echo(message, err=True)


def run(invoke: Callable[[], None]) -> int:
    """Call ``invoke`` (a command with its arguments) and map what happens to an exit code."""
    try:
        invoke()
    except PolicyFailed:
        return ExitCode.POLICY
    except click.exceptions.Exit as exc:  # --help, --version
        return ExitCode.OK if exc.exit_code == 0 else ExitCode.USAGE
    except click.ClickException as exc:
        exc.show()
        return ExitCode.USAGE
    except (KeyboardInterrupt, click.exceptions.Abort):
        _say("interrupted")
        return ExitCode.INTERRUPTED
    except AnalyzerError as exc:
        _say(f"error: {exc}")
        return ExitCode.USAGE
    except BrokenPipeError:  # stdout went away (`analyze . | head`): what was wanted was read; say nothing
        _silence_stdout()
        return ExitCode.OK
    except Exception:  # the one place an unexpected error becomes exit code 3
        _say("internal error (please report it with the traceback below):")
        _say(traceback.format_exc())
        return ExitCode.INTERNAL
    return ExitCode.OK


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so the interpreter's last flush does not complain about the closed pipe."""
    with contextlib.suppress(OSError, ValueError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def leave(code: int) -> NoReturn:
    """End the process with ``code`` (console scripts and ``python -m``)."""
    raise SystemExit(code)
