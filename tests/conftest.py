"""Shared test switches: what a test needs from the machine, and what CI must provide.

A test that needs something the machine may lack (Chromium, ripgrep, the installed console script, the SARIF
schema beside the project) calls ``needs(what, available)``. On a developer's machine a missing piece skips
the test with a reason; under CI (``CI`` set), where ``.ci/run`` installs every such piece, it fails instead,
so a broken install step can never turn into a green run that tested nothing.
"""

from __future__ import annotations

import os

import pytest


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
