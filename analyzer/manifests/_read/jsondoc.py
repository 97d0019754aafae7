"""The one JSON reader of the manifest parsers: a document's top-level object (JSON or JSONC), and the line
of each object key (``json`` keeps no positions). Every failure is a ManifestError naming the file; deep
nesting and numbers past Python's digit limit included.
"""

from __future__ import annotations

import contextlib
import json
import re
from typing import Any

from analyzer.errors import ManifestError

_JSON_TOKEN = re.compile(r'"[^"\\\n]*(?:\\.[^"\\\n]*)*"|[{}\[\]:\n]')


def strip_jsonc(text: str) -> str:
    """JSON text of a JSONC text: ``//`` and ``/* */`` comments and trailing commas blanked out.

    Removed characters become spaces (newlines are kept), so offsets and line numbers do not move.
    """
    out = list(text)
    i, size = 0, len(text)
    last_comma = -1  # offset of a comma not yet followed by a value
    while i < size:
        char = text[i]
        if char == '"':
            j = i + 1
            while j < size and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            i, last_comma = j + 1, -1
        elif text.startswith("//", i) or text.startswith("/*", i):
            end = text.find("\n", i) if text[i + 1] == "/" else text.find("*/", i + 2)
            end = size if end < 0 else end + (0 if text[i + 1] == "/" else 2)
            for k in range(i, end):
                out[k] = "\n" if text[k] == "\n" else " "
            i = end
        elif char == ",":
            last_comma, i = i, i + 1
        elif char in "}]" and last_comma >= 0:
            out[last_comma] = " "
            last_comma, i = -1, i + 1
        else:
            if not char.isspace():
                last_comma = -1
            i += 1
    return "".join(out)


def load_json(text: str, filename: str) -> Any:
    """Any JSON value of a text; ManifestError naming the file for malformed, too deep or too large input."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ManifestError(f"invalid JSON in {filename} at line {exc.lineno}: {exc.msg}") from exc
    except RecursionError as exc:
        raise ManifestError(f"{filename} is nested too deeply to read") from exc
    except ValueError as exc:  # an integer past sys.get_int_max_str_digits()
        raise ManifestError(f"invalid JSON in {filename}: a number is too long to read") from exc


def load_json_object(text: str, filename: str, *, jsonc: bool = False) -> dict[str, Any]:
    """The top-level object of a JSON (or, with ``jsonc``, JSONC) text; ManifestError when it is anything else."""
    data = load_json(strip_jsonc(text) if jsonc else text, filename)
    if not isinstance(data, dict):
        raise ManifestError(f"{filename} must hold a JSON object at the top level")
    return data


def key_lines(text: str, depth: int) -> dict[tuple[str, ...], int]:
    """Line of each object key by its path of keys (arrays count as ""), down to ``depth`` keys.

    First occurrence wins. Give it plain JSON: pass JSONC through ``strip_jsonc`` first.
    """
    found: dict[tuple[str, ...], int] = {}
    stack: list[str] = []
    line, last, pending = 1, "", ""
    for match in _JSON_TOKEN.finditer(text):
        token = match.group()
        if token == "\n":
            line += 1
        elif token.startswith('"'):
            last = token[1:-1]
            if "\\" in last:
                with contextlib.suppress(json.JSONDecodeError):
                    last = json.loads(token)
        elif token == ":":
            pending = last
            if len(stack) <= depth:
                found.setdefault((*stack[1:], last), line)
        elif token in "{[":
            stack.append(pending if token == "{" else "")
            pending = ""
        elif stack:
            stack.pop()
    return found
