"""Shared pieces of the manifest parser tests."""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Iterator


class FakeContext:
    """A tree with no other files: every include a parser asks for is missing."""

    def read_text(self, path: str) -> str | None:
        return None


class HangError(AssertionError):
    """A case ran past its hang limit."""


@contextlib.contextmanager
def hang_limit(seconds: float) -> Iterator[None]:
    """Fail the block (with HangError) when it runs longer than ``seconds``: a hang detector, not a timing
    assertion, so the limit is generous. SIGALRM-based, so the main thread only (pytest runs tests there)."""

    def expire(signum: int, frame: object) -> None:
        raise HangError(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


class DictContext:
    """A tree of in-memory text files for parsers that include others (``-r base.txt``)."""

    def __init__(self, files: dict[str, str]) -> None:
        self.files = files
        self.reads = 0

    def read_text(self, path: str) -> str | None:
        self.reads += 1
        return self.files.get(path)
