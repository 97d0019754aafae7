"""The one INI reader of the manifest parsers (setup.cfg, platformio.ini), over ``configparser``.

``configparser``'s option pattern (``(?P<option>.*?)\\s*(?P<vi>[=:])``) backtracks quadratically on a long
run of whitespace in a line with no delimiter: a 100,000-tab line took 102 s. The pattern here takes
everything up to the first delimiter greedily instead (configparser strips the name afterwards, so the
result is the same) and is linear. Every failure is a ManifestError naming the file.
"""

from __future__ import annotations

import configparser
import re

from analyzer.errors import ManifestError


class _LinearParser(configparser.ConfigParser):
    OPTCRE = re.compile(r"(?P<option>[^=:]*)(?P<vi>[=:])\s*(?P<value>.*)$")


def load_ini(text: str, filename: str, *, inline_comments: tuple[str, ...] = ()) -> configparser.ConfigParser:
    """The parsed sections of an INI text: no interpolation, duplicates allowed (the last wins)."""
    parser = _LinearParser(
        interpolation=None,
        strict=False,
        comment_prefixes=("#", ";"),
        inline_comment_prefixes=inline_comments or None,
    )
    try:
        parser.read_string(text)
    except configparser.Error as exc:
        raise ManifestError(f"invalid {filename}: {' '.join(str(exc).split())[:300]}") from exc
    return parser
