"""`python -m analyzer` runs the same command line as the `analyze` console script."""

from __future__ import annotations

from analyzer.cli.main import entry

if __name__ == "__main__":
    entry()
