"""Reading a JSON manifest's top-level object, with every failure a ManifestError (deep nesting included)."""

from __future__ import annotations

import json
from typing import Any

from analyzer.errors import ManifestError


def load_json_object(text: str, filename: str = "") -> dict[str, Any]:
    """The top-level object of a JSON text; ``filename``, when given, is named in the error messages."""
    where = f" in {filename}" if filename else ""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ManifestError(f"invalid JSON{where} at line {exc.lineno}: {exc.msg}") from exc
    except RecursionError as exc:
        message = f"{filename} is nested too deeply to read" if filename else "JSON nested too deeply"
        raise ManifestError(message) from exc
    if not isinstance(data, dict):
        raise ManifestError(
            f"{filename} must hold a JSON object at the top level" if filename else "top level is not a JSON object"
        )
    return data
