"""The batch's HTML dashboard: one self-contained page (inline CSS and vanilla JS, nothing fetched).

The batch document (``portfolio.document``) is embedded as JSON in a ``<script type="application/json">``
element, with ``<``, ``>``, ``&`` and the JavaScript line separators escaped so that no repository name can
close the element or start markup. The page's script builds everything from that data with ``textContent``
and DOM calls, never ``innerHTML``: a sortable table (click a header, or open the page at ``#sort=lean:desc``),
a scatter plot of repositories by lean (x) and size (y, files, log scale) as inline SVG, and bars for the
distribution of verdicts and of marker categories. It logs ``rustgo-dashboard-ready`` on the console once
drawn, which the browser test waits for.
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping
from typing import Any

READY = "rustgo-dashboard-ready"

_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}

_STYLE = """
body{font:14px/1.4 system-ui,sans-serif;margin:1.5rem;color:#222;background:#fafafa}
h1{font-size:1.4rem;margin:0 0 .5rem} h2{font-size:1.05rem;margin:1.2rem 0 .4rem}
.cards{display:flex;gap:.8rem;flex-wrap:wrap}.card{background:#fff;border:1px solid #ddd;border-radius:6px;
padding:.5rem .9rem}.card b{display:block;font-size:1.3rem}
.charts{display:flex;gap:1.5rem;flex-wrap:wrap;align-items:flex-start}
svg{background:#fff;border:1px solid #ddd;border-radius:6px}svg text{font:11px system-ui,sans-serif;fill:#333}
table{border-collapse:collapse;background:#fff;width:100%;margin-top:.5rem}
th,td{border-bottom:1px solid #e4e4e4;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{cursor:pointer;user-select:none;background:#f0f0f0;white-space:nowrap}
th[aria-sort=ascending]::after{content:" \\25B2"}
th[aria-sort=descending]::after{content:" \\25BC"}td.num{text-align:right;font-variant-numeric:tabular-nums}
.failed{color:#c62828}.reused{color:#1565c0}.ok{color:#2e7d32}.err{color:#c62828;font-size:12px}
.v-rust{color:#b7410e;font-weight:600}.v-go{color:#007d9c;font-weight:600}.v-both{color:#7b5ea7;font-weight:600}
"""

_SCRIPT = r"""
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("batch-data").textContent);
  var NS = "http://www.w3.org/2000/svg";
  var COLORS = {rust: "#b7410e", go: "#00add8", both: "#7b5ea7", undecided: "#9e9e9e"};
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }
  function sv(tag, attrs, text) {
    var node = document.createElementNS(NS, tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, String(attrs[k])); });
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }
  function cards() {
    var box = document.getElementById("summary"), s = data.summary;
    [["repositories", s.repos], ["analyzed", s.ok], ["reused", s.reused], ["failed", s.failed]].forEach(function (c) {
      var card = el("div", {"class": "card"});
      card.appendChild(el("b", {}, c[1])); card.appendChild(el("span", {}, c[0]));
      box.appendChild(card);
    });
  }
  function bars(id, counts, label) {
    var names = Object.keys(counts).slice(0, 16), max = 1, row = 22, w = 420;
    names.forEach(function (n) { max = Math.max(max, counts[n]); });
    var svg = sv("svg", {width: w, height: 30 + row * Math.max(names.length, 1), role: "img", "aria-label": label});
    svg.appendChild(sv("text", {x: 8, y: 16, "font-weight": "bold"}, label));
    if (!names.length) { svg.appendChild(sv("text", {x: 8, y: 40}, "no data")); }
    names.forEach(function (n, i) {
      var y = 26 + i * row, len = Math.max(2, (w - 200) * counts[n] / max);
      svg.appendChild(sv("text", {x: 8, y: y + 14}, n));
      var bar = sv("rect", {"class": "bar", x: 160, y: y + 3, width: len, height: row - 8,
        fill: COLORS[n] || "#5c7cfa"});
      bar.appendChild(sv("title", {}, n + ": " + counts[n])); svg.appendChild(bar);
      svg.appendChild(sv("text", {x: 166 + len, y: y + 14}, counts[n]));
    });
    document.getElementById(id).appendChild(svg);
  }
  function scatter() {
    var w = 560, h = 340, left = 50, right = 16, top = 28, bottom = 40, pw = w - left - right, ph = h - top - bottom;
    var pts = data.repos.filter(function (r) { return r.outcome === "ok" && r.lean !== null; });
    var top10 = 1;
    pts.forEach(function (r) { top10 = Math.max(top10, Math.ceil(Math.log10(Math.max(r.files || 1, 1)) + 0.001)); });
    var svg = sv("svg", {width: w, height: h, role: "img", "aria-label": "repositories by lean and size"});
    svg.appendChild(sv("text", {x: left, y: 16, "font-weight": "bold"},
      "Lean (Go \u2190 \u2192 Rust) by size (files, log scale)"));
    for (var p = 0; p <= top10; p++) {
      var gy = top + ph - ph * p / top10;
      svg.appendChild(sv("line", {x1: left, x2: left + pw, y1: gy, y2: gy, stroke: "#eee"}));
      svg.appendChild(sv("text", {x: left - 6, y: gy + 4, "text-anchor": "end"}, Math.pow(10, p)));
    }
    [-1, -0.5, 0, 0.5, 1].forEach(function (v) {
      var gx = left + pw * (v + 1) / 2;
      svg.appendChild(sv("line", {x1: gx, x2: gx, y1: top, y2: top + ph, stroke: v === 0 ? "#bbb" : "#eee"}));
      svg.appendChild(sv("text", {x: gx, y: top + ph + 16, "text-anchor": "middle"}, v));
    });
    svg.appendChild(sv("text", {x: left, y: h - 6}, "\u2190 Go"));
    svg.appendChild(sv("text", {x: left + pw, y: h - 6, "text-anchor": "end"}, "Rust \u2192"));
    pts.forEach(function (r) {
      var x = left + pw * (Math.max(-1, Math.min(1, r.lean)) + 1) / 2;
      var y = top + ph - ph * Math.log10(Math.max(r.files || 1, 1)) / top10;
      var dot = sv("circle", {"class": "point", cx: x.toFixed(1), cy: y.toFixed(1), r: 5,
        fill: COLORS[r.verdict] || "#555",
        "fill-opacity": 0.8, stroke: "#fff"});
      var label = r.source + " \u2014 " + r.verdict + ", lean " + r.lean + ", " + r.files + " files";
      dot.appendChild(sv("title", {}, label));
      svg.appendChild(dot);
    });
    document.getElementById("scatter").appendChild(svg);
  }
  var COLUMNS = [["source", "text"], ["status", "text"], ["verdict", "text"], ["confidence", "num"], ["lean", "num"],
    ["files", "num"], ["bytes", "num"], ["markers", "list"], ["commit", "commit"], ["error", "text"]];
  function cell(r, c) {
    var v = r[c[0]];
    if (c[1] === "list") { return (v || []).join(", "); }
    if (c[1] === "commit") { return v ? v.slice(0, 12) : ""; }
    if (c[0] === "verdict" && !v && r.outcome === "failed") { return "failed"; }
    return v === null || v === undefined ? "" : v;
  }
  function table() {
    var tbl = document.getElementById("repos"), head = el("tr"), body = el("tbody"), state = {col: -1, dir: 1};
    COLUMNS.forEach(function (c, i) {
      var th = el("th", {scope: "col", "aria-sort": "none"}, c[0]);
      th.addEventListener("click", function () { sortBy(i); });
      head.appendChild(th);
    });
    var thead = el("thead"); thead.appendChild(head); tbl.appendChild(thead); tbl.appendChild(body);
    function fill(list) {
      while (body.firstChild) { body.removeChild(body.firstChild); }
      list.forEach(function (r) {
        var tr = el("tr", {"class": "repo"});
        COLUMNS.forEach(function (c) {
          var cls = c[1] === "num" ? "num" : (c[0] === "status" ? r.status : "");
          if (c[0] === "verdict") { cls = "v-" + r.verdict; }
          if (c[0] === "error") { cls = "err"; }
          tr.appendChild(el("td", {"class": cls}, cell(r, c)));
        });
        body.appendChild(tr);
      });
    }
    function sortBy(i) {
      state.dir = state.col === i ? -state.dir : 1; state.col = i;
      var c = COLUMNS[i], rows = data.repos.slice();
      rows.sort(function (a, b) {
        var x = cell(a, c), y = cell(b, c);
        if (x === "" && y !== "") { return 1; } if (y === "" && x !== "") { return -1; }
        if (c[1] === "num") { return (x - y) * state.dir; }
        return String(x).localeCompare(String(y)) * state.dir;
      });
      Array.prototype.forEach.call(head.children, function (th, j) {
        th.setAttribute("aria-sort", j === i ? (state.dir > 0 ? "ascending" : "descending") : "none");
      });
      fill(rows);
    }
    fill(data.repos);
    // #sort=lean or #sort=lean:desc opens the page sorted, so a sorted view can be linked (and tested)
    var wanted = /^#sort=([a-z_]+)(:desc)?$/.exec(window.location.hash);
    COLUMNS.forEach(function (c, i) {
      if (wanted && wanted[1] === c[0]) { sortBy(i); if (wanted[2]) { sortBy(i); } }
    });
  }
  cards();
  bars("verdicts", data.summary.verdicts, "Verdicts");
  bars("markers", data.summary.markers, "Marker categories");
  scatter(); table();
  document.body.setAttribute("data-ready", "1");
  console.info("rustgo-dashboard-ready");
})();
"""


def embed_json(value: Any) -> str:
    """JSON text that is safe inside a ``<script>`` element: it cannot close it or open a comment."""
    text = json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    for raw, escaped in _ESCAPES.items():
        text = text.replace(raw, escaped)
    return text


def render_html(document: Mapping[str, Any], title: str) -> str:
    """The dashboard page for a batch document (``{"repos": [...], "summary": {...}}``)."""
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline';"
        " script-src 'unsafe-inline'\">\n"
        f"<title>{html.escape(title)}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n"
        f'<h1>{html.escape(title)}</h1>\n<div id="summary" class="cards"></div>\n'
        '<div class="charts"><div id="scatter"></div><div><div id="verdicts"></div><div id="markers"></div>'
        "</div></div>\n<h2>Repositories</h2>\n<noscript>This dashboard draws its table and charts with JavaScript."
        '</noscript>\n<table id="repos"></table>\n'
        f'<script type="application/json" id="batch-data">{embed_json(document)}</script>\n'
        f"<script>{_SCRIPT}</script>\n</body>\n</html>\n"
    )
