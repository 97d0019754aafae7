(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("batch-data").textContent);
  var links = JSON.parse(document.getElementById("page-links").textContent);
  var NS = "http://www.w3.org/2000/svg";
  var COLORS = {rust: "#c2410c", go: "#0096c7", both: "#7b4fc4", undecided: "#9e9e9e"};
  var VERDICTS = ["go", "rust", "both", "undecided"];
  var STAY = {go: "Go", rust: "Rust"};
  var repos = data.repos;
  var good = repos.filter(function (r) { return r.outcome === "ok"; });
  var byLines = good.length > 0 && good.every(function (r) { return r.lines !== null; });

  // Repository text is untrusted: control and bidi characters are shown as escapes, never obeyed.
  function clean(s) {
    return String(s === null || s === undefined ? "" : s).replace(
      /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g,
      function (c) { return "\\u" + ("000" + c.charCodeAt(0).toString(16).toUpperCase()).slice(-4); });
  }
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined && text !== null) { node.textContent = clean(text); }
    return node;
  }
  function sv(tag, attrs, text) {
    var node = document.createElementNS(NS, tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, String(attrs[k])); });
    if (text !== undefined && text !== null) { node.textContent = clean(text); }
    return node;
  }
  function compact(n) {
    if (n === null || n === undefined) { return ""; }
    var units = [[1e9, "G"], [1e6, "M"], [1e3, "k"]];
    for (var i = 0; i < units.length; i++) {
      if (Math.abs(n) >= units[i][0]) {
        var v = n / units[i][0];
        return (v >= 100 ? v.toFixed(0) : v.toFixed(1).replace(/\.0$/, "")) + units[i][1];
      }
    }
    return String(n);
  }
  function shortList(list, n) {
    return list.length > n ? list.slice(0, n).join(", ") + ", +" + (list.length - n) + " more" : list.join(", ");
  }
  function size(r) { return byLines ? r.lines : r.bytes; }
  function sizeText(r) {
    var v = size(r);
    if (v === null || v === undefined) { return ""; }
    return byLines ? compact(v) + " lines" : compact(v).replace(/([kMG])$/, " $1") + "B";
  }
  function pct(x) { return x === null || x === undefined ? "" : Math.round(x * 100) + "%"; }
  function signed(x) { return x === null || x === undefined ? "" : (x > 0 ? "+" : "") + x.toFixed(2); }
  function day(stamp) { return stamp ? String(stamp).replace("T", " ").slice(0, 16) + " UTC" : ""; }

  function meta() {
    var box = document.getElementById("meta"), run = data.run;
    var settings = Object.keys(run.settings || {}).filter(function (k) {
      var v = run.settings[k];
      return !(Array.isArray(v) && v.length === 0) && k !== "max_file_size";
    }).map(function (k) { return k + " " + JSON.stringify(run.settings[k]); });
    var parts = [
      ["generated", run.generated_at ? day(run.generated_at) : "from the store"],
      ["tool", run.tool.name + " " + run.tool.version + (run.tool_versions.length ? " (rows by " + run.tool_versions.join(", ") + ")" : "")],
      ["rules", run.rules.length ? run.rules.join(", ") : "unknown"],
      ["configuration", (run.configs.join(", ") || "none") + (settings.length ? " \u2014 " + settings.join("; ") : " \u2014 default settings")],
      ["size", byLines ? "lines of code" : "bytes of counted code"]
    ];
    var folder = String(run.root || "").split("/").filter(Boolean).slice(-1)[0];
    if (folder) { parts.push(["names relative to", folder + "/"]); }
    parts.forEach(function (p, i) {
      if (i) { box.appendChild(document.createTextNode(" \u00b7 ")); }
      box.appendChild(document.createTextNode(p[0] + " "));
      box.appendChild(el("b", {}, p[1]));
    });
  }

  function cards() {
    var box = document.getElementById("cards"), s = data.summary;
    [["repositories", s.repos, ""], ["migration candidates", s.candidates, "key"], ["analyzed now", s.ok, ""],
     ["reused", s.reused, ""], ["failed", s.failed, s.failed ? "alert" : ""]].forEach(function (c) {
      var card = el("div", {"class": "card " + c[2], "data-card": c[0]});
      card.appendChild(el("b", {}, c[1]));
      card.appendChild(el("span", {}, c[0] + (c[0] === "failed" && s.failed_earlier ? " (" + s.failed_earlier + " from an earlier run)" : "")));
      box.appendChild(card);
    });
  }

  var bubbleOf = {};
  function bubbles() {
    var w = 640, h = 420, left = 48, right = 20, top = 20, bottom = 44, pw = w - left - right, ph = h - top - bottom;
    var svg = sv("svg", {viewBox: "0 0 " + w + " " + h, role: "img",
      "aria-label": "Repositories by lean (x), confidence (y) and size (area)"});
    svg.appendChild(sv("rect", {x: left, y: top, width: pw / 2, height: ph, fill: "#e9f7fb"}));
    svg.appendChild(sv("rect", {x: left + pw / 2, y: top, width: pw / 2, height: ph, fill: "#fdf0e9"}));
    [0, 0.25, 0.5, 0.75, 1].forEach(function (v) {
      var y = top + ph - ph * v;
      svg.appendChild(sv("line", {x1: left, x2: left + pw, y1: y, y2: y, stroke: "#fff"}));
      svg.appendChild(sv("text", {"class": "axis", x: left - 6, y: y + 4, "text-anchor": "end"}, pct(v)));
    });
    [-1, -0.5, 0, 0.5, 1].forEach(function (v) {
      var x = left + pw * (v + 1) / 2;
      svg.appendChild(sv("line", {x1: x, x2: x, y1: top, y2: top + ph, stroke: v === 0 ? "#90a4ae" : "#fff"}));
      svg.appendChild(sv("text", {"class": "axis", x: x, y: top + ph + 16, "text-anchor": "middle"}, signed(v)));
    });
    svg.appendChild(sv("text", {"class": "axis", x: left + 4, y: h - 8}, "\u2190 Go"));
    svg.appendChild(sv("text", {"class": "axis", x: left + pw / 2, y: h - 8, "text-anchor": "middle"}, "lean"));
    svg.appendChild(sv("text", {"class": "axis", x: left + pw - 4, y: h - 8, "text-anchor": "end"}, "Rust \u2192"));
    svg.appendChild(sv("text", {"class": "axis", x: 12, y: top + ph / 2, transform: "rotate(-90 12 " + (top + ph / 2) + ")",
      "text-anchor": "middle"}, "confidence"));
    var pts = good.filter(function (r) { return r.lean !== null; });
    var max = 1;
    pts.forEach(function (r) { max = Math.max(max, size(r) || 0); });
    function radius(r) { return 3 + 25 * Math.sqrt((size(r) || 0) / max); }
    var order = pts.slice().sort(function (a, b) { return (size(b) || 0) - (size(a) || 0); });
    var labelled = {};
    order.slice(0, 8).forEach(function (r) { labelled[r.source] = true; });
    var dots = sv("g"), labels = sv("g"), taken = [];
    function position(label, x, y, anchor) {
      label.setAttribute("x", x.toFixed(1)); label.setAttribute("y", y.toFixed(1));
      label.setAttribute("text-anchor", anchor);
    }
    // Labels of the largest bubbles, placed right, left, above or below their bubble where they overlap no
    // other label and stay inside the chart; a label with no free place is left to the tooltip.
    function place(label, x, y, rad, chars) {
      var wide = 6.2 * chars, tries = [[x + rad + 3, y + 4, "start"], [x - rad - 3, y + 4, "end"],
        [x, y - rad - 4, "middle"], [x, y + rad + 12, "middle"]];
      for (var i = 0; i < tries.length; i++) {
        var t = tries[i], x0 = t[2] === "start" ? t[0] : (t[2] === "end" ? t[0] - wide : t[0] - wide / 2);
        var box = [x0, t[1] - 10, x0 + wide, t[1] + 3];
        var inside = box[0] >= left && box[2] <= w - 2 && box[1] >= 0 && box[3] <= top + ph;
        var free = taken.every(function (o) { return box[2] < o[0] || box[0] > o[2] || box[3] < o[1] || box[1] > o[3]; });
        if (inside && free) { taken.push(box); position(label, t[0], t[1], t[2]); return true; }
      }
      position(label, x + rad + 3, y + 4, "start");
      return false;
    }
    order.forEach(function (r) {
      var x = left + pw * (Math.max(-1, Math.min(1, r.lean)) + 1) / 2;
      var y = top + ph - ph * Math.max(0, Math.min(1, r.confidence || 0));
      var rad = radius(r);
      var g = sv("g", {"class": "point", "data-source": r.source});
      var dot = sv("circle", {"class": "bubble", cx: x.toFixed(1), cy: y.toFixed(1), r: rad.toFixed(1),
        fill: COLORS[r.verdict] || "#555", "fill-opacity": 0.72});
      dot.appendChild(sv("title", {}, r.name + " \u2014 " + (r.move || r.verdict) + ", lean " + signed(r.lean) +
        ", confidence " + pct(r.confidence) + ", " + sizeText(r)));
      g.appendChild(dot);
      var name = clean(r.name);
      var text = name.length > 28 ? name.slice(0, 27) + "\u2026" : name;
      var label = sv("text", {"class": "label"}, text);
      if (labelled[r.source]) { labelled[r.source] = place(label, x, y, rad, text.length); }
      else { position(label, x + rad + 3, y + 4, "start"); }
      label.style.display = labelled[r.source] ? "" : "none";
      dot.addEventListener("click", function () {
        var on = dot.getAttribute("class").indexOf("selected") < 0;
        dot.setAttribute("class", on ? "bubble selected" : "bubble");
        label.style.display = on || labelled[r.source] ? "" : "none";
      });
      dots.appendChild(g); labels.appendChild(label);
      bubbleOf[r.source] = [g, label];
    });
    svg.appendChild(dots); svg.appendChild(labels);
    document.getElementById("bubbles").appendChild(svg);
    var legend = document.getElementById("legend");
    VERDICTS.forEach(function (v) {
      var item = el("span", {"class": "legend-item"});
      var sw = el("span", {"class": "swatch"}); sw.style.background = COLORS[v];
      item.appendChild(sw); item.appendChild(document.createTextNode(v + " " + (data.summary.verdicts[v] || 0)));
      legend.appendChild(item);
    });
    legend.appendChild(el("span", {}, "area = " + (byLines ? "lines of code" : "bytes of code") +
      " (largest " + (byLines ? compact(max) + " lines" : compact(max) + "B") + "); labels on the 8 largest, click a bubble to label it"));
  }

  var filters = {verdict: "", language: "", domain: "", text: ""};
  function select(name, label, values) {
    var wrap = el("label", {}, label);
    var box = el("select", {name: name, id: "filter-" + name});
    box.appendChild(el("option", {value: ""}, "all"));
    values.forEach(function (v) { box.appendChild(el("option", {value: v}, v)); });
    box.addEventListener("change", function () { filters[name] = box.value; apply(); });
    wrap.appendChild(box);
    return wrap;
  }
  function uniq(fn) {
    var seen = {};
    repos.forEach(function (r) { var v = fn(r); if (v) { seen[v] = true; } });
    return Object.keys(seen).sort();
  }
  function buildFilters() {
    var form = document.getElementById("filters");
    form.addEventListener("submit", function (e) { e.preventDefault(); });
    form.appendChild(select("verdict", "verdict", VERDICTS.concat(["failed"])));
    form.appendChild(select("language", "language", uniq(function (r) { return r.primary_language; })));
    var domains = uniq(function (r) { return r.domain; });
    var domainBox = select("domain", "domain", domains);
    if (!domains.length) { domainBox.querySelector("select").disabled = true; domainBox.title = "no repository names a domain"; }
    form.appendChild(domainBox);
    var wrap = el("label", {}, "search");
    var input = el("input", {type: "search", id: "filter-text", placeholder: "name, move, marker, error"});
    input.addEventListener("input", function () { filters.text = input.value.toLowerCase(); apply(); });
    wrap.appendChild(input); form.appendChild(wrap);
    form.appendChild(el("span", {id: "shown", "aria-live": "polite"}));
  }
  function matches(r) {
    if (filters.verdict === "failed" && r.outcome !== "failed") { return false; }
    if (filters.verdict && filters.verdict !== "failed" && r.verdict !== filters.verdict) { return false; }
    if (filters.language && r.primary_language !== filters.language) { return false; }
    if (filters.domain && r.domain !== filters.domain) { return false; }
    if (filters.text) {
      var hay = [r.name, r.move, r.verdict, r.primary_language, r.domain, r.error, (r.markers || []).join(" ")].join(" ");
      if (hay.toLowerCase().indexOf(filters.text) < 0) { return false; }
    }
    return true;
  }
  var rowOf = {};
  function apply() {
    var shown = 0;
    repos.forEach(function (r) {
      var on = matches(r);
      shown += on ? 1 : 0;
      if (rowOf[r.source]) { rowOf[r.source].hidden = !on; }
      if (bubbleOf[r.source]) {
        bubbleOf[r.source][0].style.display = on ? "" : "none";
        if (!on) { bubbleOf[r.source][1].style.display = "none"; }
      }
    });
    document.getElementById("shown").textContent = shown + " of " + repos.length + " shown";
    ["verdict", "language", "domain"].forEach(function (k) {
      var box = document.getElementById("filter-" + k);
      if (box && box.value !== filters[k]) { box.value = filters[k]; }
    });
  }

  function matrix() {
    var tbl = document.getElementById("matrix"), langs = Object.keys(data.summary.matrix);
    langs.sort(function (a, b) { return total(b) - total(a) || a.localeCompare(b); });
    function total(l) { var t = 0, m = data.summary.matrix[l]; Object.keys(m).forEach(function (k) { t += m[k]; }); return t; }
    var head = el("tr");
    head.appendChild(el("th", {scope: "col"}, "current \u2193 / recommended \u2192"));
    VERDICTS.forEach(function (v) { head.appendChild(el("th", {scope: "col", "class": "v-" + v}, v)); });
    var thead = el("thead"); thead.appendChild(head); tbl.appendChild(thead);
    var body = el("tbody");
    langs.forEach(function (l) {
      var tr = el("tr");
      tr.appendChild(el("th", {scope: "row"}, l));
      VERDICTS.forEach(function (v) {
        var n = data.summary.matrix[l][v] || 0;
        var stay = STAY[v] === l;
        var td = el("td", {"class": "cell" + (stay ? " stay" : "") + (n ? "" : " zero"), "data-language": l, "data-verdict": v},
          n ? (stay ? n + " stay" : n) : "\u00b7");
        if (n && !stay && v !== "undecided") {
          td.style.background = COLORS[v] + Math.round(40 + 160 * n / Math.max(1, good.length)).toString(16).padStart(2, "0");
        }
        if (n) {
          td.title = n + " " + l + " repositor" + (n === 1 ? "y" : "ies") + " \u2192 " + v;
          td.addEventListener("click", function () {
            filters.language = l; filters.verdict = v; filters.domain = ""; filters.text = "";
            document.getElementById("filter-text").value = "";
            apply();
            document.getElementById("repos").scrollIntoView();
          });
        }
        tr.appendChild(td);
      });
      body.appendChild(tr);
    });
    tbl.appendChild(body);
  }

  function bars(id, counts, cls, colour) {
    var box = document.getElementById(id), names = Object.keys(counts), max = 1;
    names.forEach(function (n) { max = Math.max(max, counts[n]); });
    if (!names.length) { box.appendChild(el("span", {"class": "sub"}, "none")); }
    names.forEach(function (n) {
      box.appendChild(el("span", {"class": cls + "-name"}, n));
      var bar = el("span", {"class": "bar " + cls});
      var fill = el("span", {"class": "fill"});
      fill.style.width = "calc((100% - 3rem) * " + (counts[n] / max).toFixed(4) + ")";
      if (colour) { fill.style.background = colour(n); }
      bar.appendChild(fill); bar.appendChild(el("span", {}, counts[n]));
      box.appendChild(bar);
    });
  }
  function moveColour(m) { return /Go \+ Rust$/.test(m) ? COLORS.both : (/Rust$/.test(m) ? COLORS.rust : COLORS.go); }

  var COLUMNS = [
    {key: "name", label: "repository", sort: function (r) { return r.name; }},
    {key: "status", label: "status", sort: function (r) { return r.status; }},
    {key: "move", label: "current \u2192 recommended", sort: function (r) { return r.move; }},
    {key: "confidence", label: "confidence", num: true, sort: function (r) { return r.confidence; }},
    {key: "lean", label: "lean", num: true, sort: function (r) { return r.lean; }},
    {key: "language", label: "language", sort: function (r) { return r.primary_language; }},
    {key: "domain", label: "domain", sort: function (r) { return r.domain; }},
    {key: "size", label: "size", num: true, sort: function (r) { return size(r); }},
    {key: "markers", label: "markers", wide: true, sort: function (r) { return (r.markers || []).length; }, num: false},
    {key: "analyzed", label: "analyzed", wide: true, sort: function (r) { return r.analyzed_at; }}
  ];
  function cellFor(r, c) {
    var td = el("td", {"class": (c.num ? "num " : "") + (c.wide ? "wide" : "")});
    if (c.key === "name") {
      var link = links[r.source];
      var name = link ? el("a", {"href": link, "class": "repo-link"}, r.name) : el("span", {}, r.name);
      td.appendChild(name);
      // errors name the source as given (often an absolute path): show the repository's name instead
      if (r.outcome === "failed") { td.appendChild(el("span", {"class": "err"}, String(r.error || "").split(r.source).join(r.name))); }
      else if (r.summary) { td.setAttribute("title", clean(r.summary)); }
    } else if (c.key === "status") {
      td.appendChild(el("span", {"class": "status-" + r.status}, r.status));
      if (r.outcome === "failed") { td.appendChild(el("span", {"class": "sub"}, (r.reused ? "stored, " : "") + "failed " + day(r.failed_at))); }
    } else if (c.key === "move") {
      td.appendChild(el("span", {"class": "move v-" + (r.verdict || "undecided") + (r.candidate ? " candidate" : "")}, r.move || ""));
      if (r.split && r.split.length) {
        var sides = r.split.map(function (s) { return s.component + " \u2192 " + s.language; });
        td.appendChild(el("span", {"class": "sub", title: clean(sides.join(", "))}, shortList(sides, 3) + (r.interop ? " via " + r.interop : "")));
      }
    } else if (c.key === "confidence") { td.textContent = pct(r.confidence); }
    else if (c.key === "lean") { td.textContent = signed(r.lean); }
    else if (c.key === "language") { td.textContent = clean(r.primary_language ? r.primary_language + " " + pct(r.primary_share) : ""); }
    else if (c.key === "domain") { td.textContent = clean(r.domain || ""); }
    else if (c.key === "size") { td.textContent = sizeText(r); }
    else if (c.key === "markers") {
      td.textContent = clean(shortList(r.markers || [], 5));
      td.setAttribute("title", clean((r.markers || []).join(", ")));
    }
    else if (c.key === "analyzed") { td.textContent = day(r.analyzed_at); }
    return td;
  }
  var anyDomain = repos.some(function (r) { return !!r.domain; });
  if (!anyDomain) { COLUMNS = COLUMNS.filter(function (c) { return c.key !== "domain"; }); }
  function table() {
    var tbl = document.getElementById("repos"), head = el("tr"), body = el("tbody"), state = {col: -1, dir: 1};
    COLUMNS.forEach(function (c, i) {
      var th = el("th", {scope: "col", "aria-sort": "none", "data-key": c.key, "class": c.wide ? "wide" : ""}, c.label);
      th.addEventListener("click", function () { sortBy(i); });
      head.appendChild(th);
    });
    var thead = el("thead"); thead.appendChild(head); tbl.appendChild(thead); tbl.appendChild(body);
    repos.forEach(function (r) {
      var tr = el("tr", {"class": "repo" + (r.outcome === "failed" ? " failed" : ""), "data-source": r.source});
      COLUMNS.forEach(function (c) { tr.appendChild(cellFor(r, c)); });
      rowOf[r.source] = tr;
      body.appendChild(tr);
    });
    function sortBy(i) {
      state.dir = state.col === i ? -state.dir : 1; state.col = i;
      var c = COLUMNS[i], list = repos.slice();
      list.sort(function (a, b) {
        var x = c.sort(a), y = c.sort(b), nx = x === null || x === undefined || x === "", ny = y === null || y === undefined || y === "";
        if (nx || ny) { return nx === ny ? 0 : (nx ? 1 : -1); }
        if (typeof x === "number") { return (x - y) * state.dir; }
        return String(x).localeCompare(String(y)) * state.dir;
      });
      Array.prototype.forEach.call(head.children, function (th, j) {
        th.setAttribute("aria-sort", j === i ? (state.dir > 0 ? "ascending" : "descending") : "none");
      });
      list.forEach(function (r) { body.appendChild(rowOf[r.source]); });
    }
    // #sort=lean:desc opens the page sorted and #verdict=rust / #language=Python / #q=text filtered: linkable views
    var hash = window.location.hash.replace(/^#/, "").split("&");
    hash.forEach(function (part) {
      var kv = part.split("="), key = kv[0], value = decodeURIComponent(kv.slice(1).join("=") || "");
      if (key === "sort") {
        var want = value.split(":");
        COLUMNS.forEach(function (c, i) { if (c.key === want[0]) { sortBy(i); if (want[1] === "desc") { sortBy(i); } } });
      } else if (key === "q") { filters.text = value.toLowerCase(); document.getElementById("filter-text").value = value; }
      else if (key in filters) { filters[key] = value; }
    });
  }

  meta(); cards(); bubbles(); matrix();
  bars("moves", data.summary.migrations, "move-bar", moveColour);
  bars("markers", data.summary.markers, "marker-bar");
  buildFilters(); table(); apply();
  document.body.setAttribute("data-ready", "1");
  console.info("rustgo-dashboard-ready");
})();
