"""Shared test switches: what a test needs from the machine, and what CI must provide.

A test that needs something the machine may lack (Chromium, ripgrep, the installed console script, the SARIF
schema beside the project) calls ``needs(what, available)``. On a developer's machine a missing piece skips
the test with a reason; under CI (``CI`` set), where ``.ci/run`` installs every such piece, it fails instead,
so a broken install step can never turn into a green run that tested nothing.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture(autouse=True, scope="session")
def _knowledge_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Every test (and every CLI it starts) keeps the compiled-knowledge cache in a folder of this session."""
    folder = tmp_path_factory.mktemp("knowledge-cache")
    before = os.environ.get("RUSTGO_CACHE_DIR")
    os.environ["RUSTGO_CACHE_DIR"] = str(folder)
    yield folder
    if before is None:
        os.environ.pop("RUSTGO_CACHE_DIR", None)
    else:
        os.environ["RUSTGO_CACHE_DIR"] = before


def under_ci() -> bool:
    """Whether this run is CI's, which must run every test."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def needs(what: str, available: bool) -> None:
    """Skip (locally) or fail (under CI) unless ``available``; ``what`` says what is missing and how to get it."""
    if available:
        return
    if under_ci():
        pytest.fail(f"CI must provide {what}")
    pytest.skip(f"{what} is not available here")
