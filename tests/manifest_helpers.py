"""Shared pieces of the manifest parser tests."""

from __future__ import annotations


class FakeContext:
    """A tree with no other files: every include a parser asks for is missing."""

    def read_text(self, path: str) -> str | None:
        return None
