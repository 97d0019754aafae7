"""The batch's HTML dashboard: one self-contained page (inline CSS, inline SVG drawn by vanilla JS, nothing fetched).

The page answers the architect's question at a glance: which repositories should move, from what to what. It
shows the run (date, tool version, rule count, configuration), cards with the counts, a bubble chart (x the lean
from Go to Rust, y the confidence, bubble area the code size, colour the verdict, a legend, labels on the largest
bubbles and on any bubble clicked), a matrix of current language x recommendation whose cells filter the table,
the migration candidates by move, every marker category, and a sortable, filterable table (verdict, language,
domain, text) with readable numbers (``1.7M lines``, ``96%``), names relative to the list's root, and a link to
each repository's own page when one was written (``portfolio.repo_pages``).

The batch document (``portfolio.document``) is embedded as JSON in a ``<script type="application/json">``
element, with ``<``, ``>``, ``&`` and the JavaScript line separators escaped so that no repository name can close
the element or start markup. The script builds everything with ``textContent`` and DOM calls, never
``innerHTML``, and shows control and bidirectional-override characters (U+202E...) as visible ``\\uXXXX`` escapes,
so a name cannot reorder what a person reads. It logs ``rustgo-dashboard-ready`` on the console once drawn, which
the browser test waits for.
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping
from importlib import resources
from typing import Any

from analyzer.reports.html import visible

READY = "rustgo-dashboard-ready"

_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def embed_json(value: Any) -> str:
    """JSON text that is safe inside a ``<script>`` element: it cannot close it or open a comment."""
    text = json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    for raw, escaped in _ESCAPES.items():
        text = text.replace(raw, escaped)
    return text


def _asset(name: str) -> str:
    return resources.files("analyzer.reports").joinpath("assets", name).read_text(encoding="utf-8")


def render_html(document: Mapping[str, Any], title: str, pages: Mapping[str, str] | None = None) -> str:
    """The dashboard page for a batch document; ``pages`` maps a source to the relative link of its page."""
    name = html.escape(visible(title))
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline';"
        " script-src 'unsafe-inline'\">\n"
        f"<title>{name}</title>\n<style>{_asset('dashboard.css')}</style>\n</head>\n<body>\n"
        f'<header><h1>{name}</h1><p id="meta" class="meta"></p></header>\n'
        '<section id="cards" class="cards" aria-label="counts"></section>\n'
        '<div class="grid">\n'
        '<section class="panel"><h2>Repositories by lean and confidence</h2>'
        '<div id="bubbles"></div><div id="legend" class="legend"></div></section>\n'
        '<section class="panel"><h2>Current language \u00d7 recommendation</h2>'
        '<p class="hint">Click a cell to list its repositories.</p><div class="scroll"><table id="matrix"></table>'
        '</div><h3>Migration candidates by move</h3><div id="moves" class="bars"></div></section>\n'
        "</div>\n"
        '<section class="panel"><h2>Marker categories</h2><div id="markers" class="bars cols"></div></section>\n'
        '<section class="panel"><h2>Repositories</h2><form id="filters" class="filters" role="search"></form>\n'
        "<noscript>This dashboard draws its table and charts with JavaScript.</noscript>\n"
        '<div class="scroll"><table id="repos"></table></div></section>\n'
        f'<script type="application/json" id="batch-data">{embed_json(document)}</script>\n'
        f'<script type="application/json" id="page-links">{embed_json(dict(pages or {}))}</script>\n'
        f"<script>{_asset('dashboard.js')}</script>\n</body>\n</html>\n"
    )
