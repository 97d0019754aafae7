"""The one TOML reader of the manifest parsers, over ``tomllib``: every failure a ManifestError naming the
file (tomllib's own message, a number past Python's digit limit, nesting too deep to read)."""

from __future__ import annotations

import tomllib
from typing import Any

from analyzer.errors import ManifestError


def load_toml(text: str, filename: str) -> dict[str, Any]:
    """The document of a TOML text as plain data."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ManifestError(f"invalid TOML in {filename}: {exc}") from exc
    except RecursionError as exc:
        raise ManifestError(f"{filename} is nested too deeply to read") from exc
    except ValueError as exc:  # an integer past sys.get_int_max_str_digits()
        raise ManifestError(f"invalid TOML in {filename}: a number is too long to read") from exc
