"""rustgo-analyzer: reads a repository and says, with evidence, whether Rust, Go or both fit it best."""

from __future__ import annotations

__version__ = "0.1.0"
PROG_NAME = "rustgo-analyzer"
"""The name ``analyze --version`` prints."""
