"""The single-repository HTML report (``analyze PATH --format html``): one self-contained page, no script needed.

The page is built from the JSON report (``reports.json.to_dict``), so the batch can write the same page for every
repository from what its store holds, with the repository's history beside it. It shows the verdict and its
sentence, the move from the current language, a chart of the criteria leans (inline SVG), the units and the
``both`` split with its interop path, the languages, the evidence per criterion with ``path:line`` and the source
line, the markers, the diagnostics, the effort figures when they were asked for, and the history of verdicts and
leans. Every string from the repository passes ``html.escape`` after control and bidi characters are made
visible (``visible``), and the page's Content-Security-Policy forbids loading anything.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping, Sequence
from importlib import resources
from typing import Any

from analyzer.batch.columns import columns
from analyzer.model import Report

_COLORS = {"rust": "#c2410c", "go": "#0096c7", "both": "#7b4fc4", "undecided": "#757575"}
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
MAX_EVIDENCE = 200
"""Evidence rows shown per criterion; the rest are counted, not listed (the JSON has them all)."""


def visible(text: str) -> str:
    """``text`` with control and bidi characters shown as ``\\uXXXX``: what a page may display of an untrusted name."""
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group(0)):04X}", text)


def _e(value: Any) -> str:
    return html.escape(visible("" if value is None else str(value)))


def _pct(value: float | None) -> str:
    return "" if value is None else f"{round(value * 100)}%"


def _signed(value: float | None) -> str:
    return "" if value is None else f"{value:+.2f}"


def _table(head: Sequence[str], rows: Iterable[Sequence[str]], cls: str = "") -> str:
    """A table whose cells are already-escaped HTML."""
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    heading = "".join(f'<th scope="col">{html.escape(h)}</th>' for h in head)
    return (
        f'<div class="scroll"><table class="{cls}"><thead><tr>{heading}</tr></thead><tbody>{body}</tbody></table></div>'
    )


def _lean_chart(criteria: Sequence[Mapping[str, Any]]) -> str:
    """Diverging bars: one row per criterion, Go to the left of the centre, Rust to the right."""
    row, width, left, bar = 30, 700, 220, 400
    centre = left + bar / 2
    parts = [
        f'<svg viewBox="0 0 {width} {row * len(criteria) + 40}" role="img" aria-label="Criteria leans">',
        f'<line x1="{centre}" x2="{centre}" y1="8" y2="{row * len(criteria) + 12}" stroke="#90a4ae"/>',
    ]
    for i, criterion in enumerate(criteria):
        y = 12 + i * row
        lean = max(-1.0, min(1.0, float(criterion.get("lean", 0))))
        start, length = (centre, lean * bar / 2) if lean >= 0 else (centre + lean * bar / 2, -lean * bar / 2)
        colour = _COLORS["rust"] if lean > 0 else _COLORS["go"]
        name = _e(criterion.get("name") or criterion.get("id"))
        parts += [
            f'<text class="crit" x="{left - 8}" y="{y + 15}" text-anchor="end">{name}</text>',
            f'<rect class="lean-bar" x="{start:.1f}" y="{y + 4}" width="{max(length, 1):.1f}" height="16"'
            f' fill="{colour}"><title>{name}: {_signed(lean)}</title></rect>',
            f'<text x="{left + bar + 8}" y="{y + 15}">{_signed(lean)}</text>',
        ]
    bottom = row * len(criteria) + 32
    parts += [
        f'<text class="axis" x="{left}" y="{bottom}">\u2190 Go</text>',
        f'<text class="axis" x="{left + bar}" y="{bottom}" text-anchor="end">Rust \u2192</text>',
        "</svg>",
    ]
    return "".join(parts)


def _verdict(doc: Mapping[str, Any]) -> str:
    verdict = doc.get("verdict", {})
    found = columns(doc)
    language = str(verdict.get("language", "undecided"))
    facts = [
        ("current \u2192 recommended", found.move),
        ("confidence", _pct(found.confidence)),
        ("overall lean", _signed(found.lean)),
        (
            "primary language",
            f"{found.primary_language} {_pct(found.primary_share)}" if found.primary_language else None,
        ),
        ("domain", _name(verdict.get("domain")) or found.domain),
        ("runner-up", verdict.get("runner_up")),
    ]
    listed = "".join(f"<dt>{html.escape(k)}</dt><dd>{_e(v)}</dd>" for k, v in facts if v)
    reasons = "".join(f"<li>{_e(reason)}</li>" for reason in verdict.get("reasons", []))
    return (
        f'<section class="panel verdict verdict-{_e(language)}">'
        f'<h2>Verdict: <span class="answer">{_e(language)}</span></h2>'
        f'<p class="sentence">{_e(verdict.get("summary"))}</p><dl>{listed}</dl>'
        + (f"<h3>Reasons</h3><ul>{reasons}</ul>" if reasons else "")
        + "</section>"
    )


def _name(domain: Any) -> str:
    """A domain as judgement v2 writes it (a record with id and name), or as plain text."""
    if isinstance(domain, Mapping):
        return str(domain.get("name") or domain.get("id") or "")
    return str(domain or "")


def _boundary(verdict: Mapping[str, Any]) -> str:
    boundary = verdict.get("boundary")
    if not isinstance(boundary, Mapping):
        return ""
    where = ", ".join(
        f"{x['path']}:{x['line']}" if x.get("line") else str(x["path"]) for x in boundary.get("evidence", [])
    )
    parts = [
        f"Go side: <code>{_e(', '.join(boundary.get('go', [])))}</code>",
        f"Rust side: <code>{_e(', '.join(boundary.get('rust', [])))}</code>",
        f"boundary seen at <code>{_e(where)}</code>" if where else "",
        f"move first: <b>{_e(boundary.get('move_first'))}</b>" if boundary.get("move_first") else "",
        _e(boundary.get("why")) if boundary.get("why") else "",
    ]
    return "<p>" + "<br>".join(part for part in parts if part) + "</p>"


def _split(doc: Mapping[str, Any]) -> str:
    verdict = doc.get("verdict", {})
    split = verdict.get("split", [])
    rows = [
        (
            _e(unit.get("path")),
            _e(unit.get("kind") or ""),
            f'<span class="v-{_e(unit.get("verdict"))}">{_e(unit.get("verdict"))}</span>',
            _pct(unit.get("confidence")),
            _signed(unit.get("lean")),
            _e(_name(unit.get("domain"))),
            _e(", ".join(f"{s['language']} {_pct(s.get('share'))}" for s in unit.get("languages", [])[:3])),
            _e(", ".join(unit.get("markers", []))),
        )
        for unit in doc.get("components", [])
    ]
    text = ""
    if split:
        sides = "".join(f"<li><code>{_e(s['component'])}</code> \u2192 <b>{_e(s['language'])}</b></li>" for s in split)
        text = (
            f'<div class="split"><h3>The split</h3><ul>{sides}</ul>'
            f"<p>Interop path: <b>{_e(verdict.get('interop') or 'not named')}</b></p>{_boundary(verdict)}</div>"
        )
    head = ("unit", "kind", "verdict", "confidence", "lean", "domain", "languages", "markers")
    return f'<section class="panel"><h2>Units and the split</h2>{text}{_table(head, rows)}</section>'


def _evidence(doc: Mapping[str, Any]) -> str:
    snippets = {(f["rule"], f["path"], f["line"]): f.get("snippet", "") for f in doc.get("findings", [])}
    out = ['<section class="panel"><h2>Evidence</h2>']
    for criterion in doc.get("criteria", []):
        items = criterion.get("evidence", [])
        rows = [
            (
                f'<span class="v-{_e(item["leans"])}">{_e(item["leans"])}</span>',
                f"{item['weight']:.2f}",
                _e(item["rule"]),
                _e(item["message"]),
                f"<code>{_e(item['path'])}:{item['line']}</code>"
                if item.get("line")
                else f"<code>{_e(item['path'])}</code>",
                f"<code>{_e(snippets.get((item['rule'], item['path'], item['line']), ''))}</code>",
            )
            for item in items[:MAX_EVIDENCE]
        ]
        more = f"<p>{len(items) - MAX_EVIDENCE} more in the JSON report.</p>" if len(items) > MAX_EVIDENCE else ""
        title = f"{criterion.get('name') or criterion.get('id')} ({_signed(criterion.get('lean'))})"
        table = _table(("leans", "weight", "rule", "what", "where", "source line"), rows, "evidence") if rows else ""
        out.append(
            f"<details{' open' if rows else ''}><summary>{_e(title)}: {len(items)} items</summary>"
            f"{table}{more}</details>"
        )
    return "".join(out) + "</section>"


def _small_sections(doc: Mapping[str, Any]) -> str:
    languages = _table(
        ("language", "files", "bytes", "share"),
        ((_e(s["language"]), str(s["files"]), str(s["bytes"]), _pct(s["share"])) for s in doc.get("languages", [])),
    )
    markers = _table(
        ("category", "marker", "count", "where"),
        (
            (
                _e(m["category"]),
                _e(m["name"]),
                str(m["count"]),
                _e(", ".join(f"{x['path']}:{x['line']}" for x in m["evidence"][:5])),
            )
            for m in doc.get("markers", [])
        ),
    )
    diagnostics = doc.get("diagnostics", [])
    diag = _table(
        ("severity", "file", "message"),
        ((_e(d["severity"]), f"<code>{_e(d['path'])}</code>", _e(d["message"])) for d in diagnostics),
    )
    return (
        f'<section class="panel"><h2>Languages</h2>{languages}</section>'
        f'<section class="panel"><h2>Markers</h2>{markers}</section>'
        f'<section class="panel"><h2>Diagnostics ({len(diagnostics)})</h2>'
        f"{diag if diagnostics else '<p>None.</p>'}</section>"
    )


def _effort(doc: Mapping[str, Any]) -> str:
    effort = doc.get("effort")
    if not effort:
        return ""
    lines = _table(
        ("language", "files", "lines"), ((_e(x["language"]), str(x["files"]), str(x["lines"])) for x in effort["lines"])
    )
    spots = _table(
        ("function", "where", "complexity"),
        (
            (_e(h["name"]), f"<code>{_e(h['path'])}:{h['line']}</code>", str(h["complexity"]))
            for h in effort["hotspots"]
        ),
    )
    figures = (
        f"<p>Python: {effort['python_files']} files, {effort['python_sloc']} source lines, {effort['functions']}"
        f" functions, mean complexity {effort['mean_complexity']:.2f}.</p>"
    )
    return f'<section class="panel"><h2>Porting effort</h2>{figures}{lines}<h3>Hot spots</h3>{spots}</section>'


def _history(history: Sequence[Mapping[str, Any]]) -> str:
    if not history:
        return ""
    names = sorted({k for past in history for k in past.get("leans", {})})
    rows = [
        (
            _e(str(past.get("analyzed_at", ""))[:16].replace("T", " ")),
            f"<code>{_e(str(past.get('commit') or '')[:12])}</code>",
            f'<span class="v-{_e(past.get("verdict"))}">{_e(past.get("verdict") or past.get("status"))}</span>',
            _pct(past.get("confidence")),
            _signed(past.get("lean")),
            *(_signed(past.get("leans", {}).get(name)) for name in names),
        )
        for past in history
    ]
    head = ("analyzed", "commit", "verdict", "confidence", "lean", *names)
    return f'<section class="panel" id="history"><h2>History</h2>{_table(head, rows, "history")}</section>'


def render_document(
    doc: Mapping[str, Any],
    *,
    history: Sequence[Mapping[str, Any]] = (),
    back: str | None = None,
    name: str | None = None,
) -> str:
    """The page for one JSON report; ``history`` lists earlier analyses, ``back`` links to the dashboard."""
    target = doc.get("target", {})
    title = name or str(target.get("path") or "repository")
    tool = doc.get("tool", {})
    stats = doc.get("stats", {})
    meta = (
        f"revision <b>{_e(target.get('revision') or 'work tree')}</b>"
        f" \u00b7 {_e(tool.get('name'))} {_e(tool.get('version'))}"
        f" \u00b7 {_e(stats.get('rules'))} rules \u00b7 {_e(stats.get('files'))} files"
    )
    style = resources.files("analyzer.reports").joinpath("assets", "report.css").read_text(encoding="utf-8")
    nav = f'<p><a href="{html.escape(back, quote=True)}">\u2190 portfolio</a></p>' if back else ""
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
        f"<title>{_e(title)} \u2014 Rust or Go</title>\n<style>{style}</style>\n</head>\n<body>\n{nav}"
        f'<header><h1>{_e(title)}</h1><p class="meta">{meta}</p></header>\n'
        + _verdict(doc)
        + f'<section class="panel"><h2>Criteria</h2>{_lean_chart(doc.get("criteria", []))}</section>'
        + _split(doc)
        + _history(history)
        + _evidence(doc)
        + _small_sections(doc)
        + _effort(doc)
        + "\n</body>\n</html>\n"
    )


def render(report: Report) -> str:
    """The page for a Report (``--format html``)."""
    from analyzer.reports.json import to_dict

    return render_document(to_dict(report))
