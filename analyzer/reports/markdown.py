"""The Markdown report: a GitHub-flavoured pull-request comment (or job summary) for a Report or a Delta.

The first line is the hidden ``<!-- rustgo-report -->`` marker a CI job searches for to update its own comment
instead of adding one per push. Then the verdict headline, the criteria as a table with text lean bars, the
markers, and the evidence and findings inside collapsed ``<details>`` sections. The whole document stays under
``gfm.MAX_CHARS`` (60,000) characters: when it would not, the findings list is cut and the cut said in plain
words, pointing to the JSON or SARIF report for the rest.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from analyzer.model import Delta, EvidenceItem, Finding, Lean, Marker, Report, Target
from analyzer.reports import change, gfm
from analyzer.reports import findings as ranking

TOP_REASONS = 4
EVIDENCE_PER_CRITERION = 10
MARKERS_PER_CATEGORY = 6
MAX_DIAGNOSTICS = 30
_INTEROP = {"ffi": "FFI (C ABI)", "grpc": "gRPC", "rest": "REST"}


def bar(lean: float, half: int = 5) -> str:
    """``Go ◀───━━┿─────▶ Rust``: the side the lean points to filled from the centre, ``half`` cells a side."""
    lean = max(-1.0, min(1.0, lean)) if lean == lean else 0.0
    filled = int(abs(lean) * half + 0.5)
    go, rust = (filled, 0) if lean < 0 else (0, filled)
    return f"Go ◀{'─' * (half - go)}{'━' * go}┿{'━' * rust}{'─' * (half - rust)}▶ Rust"


def _percent(fraction: float) -> str:
    return f"{int(fraction * 100 + 0.5)}%"


def _revision(target: Target) -> str:
    return gfm.code(target.revision[:12]) if target.revision else "work tree"


def render(report: Report, *, verbose: bool = False, marker: bool = True, cap: int = gfm.MAX_CHARS) -> str:
    """The report as GFM under ``cap`` characters; ``marker`` puts the sticky-comment marker on the first line."""
    rows = [f for f in report.findings if f.excluded is None]
    # Only the findings section depends on how many rows fit; the rest is rendered once.
    head = [gfm.MARKER] if marker else []
    head += [_headline(report), _criteria(report), _evidence(report, verbose), _markers(report.markers)]
    if len(report.components) > 1:
        head.append(_components(report))
    tail = [_diagnostics(report, verbose)] if report.diagnostics else []
    tail.append(_footer(report))

    cells = [_finding_row(finding) for finding in rows]

    def build(shown: int) -> list[str]:
        return [*head, _findings(report, cells, shown), *tail]

    return gfm.fit(build, len(rows), cap)


def _headline(report: Report) -> str:
    verdict = report.verdict
    name = change.LANGUAGE_NAMES[verdict.language]
    lines = [
        f"### {gfm.text(report.tool_name)}: **{name}** · confidence {_percent(verdict.confidence)} · "
        f"lean {change.signed(verdict.lean)}",
        "",
        gfm.text(verdict.summary, limit=1000),
    ]
    extras = []
    if verdict.runner_up is not None:
        extras.append(f"**Runner-up:** {change.LANGUAGE_NAMES[verdict.runner_up]}")
    if verdict.split:
        split = ", ".join(f"{gfm.code(path)} → {change.LANGUAGE_NAMES[lang]}" for path, lang in verdict.split)
        extras.append(f"**Split:** {split}")
    if verdict.interop:
        extras.append(f"**Interop:** {_INTEROP.get(verdict.interop, gfm.text(verdict.interop))}")
    if extras:
        lines += ["", " · ".join(extras)]
    reasons = verdict.reasons[:TOP_REASONS]
    if reasons:
        lines += ["", "**Why**", "", *(f"- {gfm.text(reason)}" for reason in reasons)]
    if report.hidden_by_baseline is not None:
        new = sum(1 for f in report.findings if f.excluded is None)
        lines += [
            "",
            f"**Baseline:** {new} new {'finding' if new == 1 else 'findings'} listed below; "
            f"{ranking.baseline_note(report.hidden_by_baseline)}",
        ]
    return "\n".join(lines)


def _criteria(report: Report) -> str:
    rows = [
        [gfm.text(s.name), f"{s.weight:.2f}", f"`{bar(s.lean)}`", change.signed(s.lean), str(len(s.evidence))]
        for s in report.criteria
    ]
    header = ["Criterion", "Weight", "Lean (-1 Go, +1 Rust)", "", "Evidence"]
    return "#### Criteria\n\n" + gfm.table(header, "lrlrr", rows)


def _evidence_rows(items: tuple[EvidenceItem, ...], verbose: bool) -> tuple[list[list[str]], int]:
    ranked = sorted(items, key=lambda e: (-e.weight, e.path, e.line, e.rule))
    shown = ranked if verbose else ranked[:EVIDENCE_PER_CRITERION]
    rows = [
        [
            gfm.place(e.path, e.line),
            gfm.code(e.rule, table=True),
            gfm.text(e.message),
            f"{e.weight:.2f}",
            "Rust" if e.leans is Lean.RUST else "Go",
        ]
        for e in shown
    ]
    return rows, len(ranked) - len(shown)


def _evidence(report: Report, verbose: bool) -> str:
    blocks = ["#### Evidence"]
    for score in report.criteria:
        if not score.evidence:
            continue
        rows, hidden = _evidence_rows(score.evidence, verbose)
        body = gfm.table(["Place", "Rule", "Evidence", "Weight", "Toward"], "lllrl", rows)
        if hidden:
            body += f"\n\n{hidden} more {'item' if hidden == 1 else 'items'} of less weight."
        count = len(score.evidence)
        summary = f"{score.name}: {change.signed(score.lean)} ({count} {'item' if count == 1 else 'items'})"
        blocks.append(gfm.details(summary, body))
    if len(blocks) == 1:
        blocks.append("No evidence found: nothing in the repository points to Rust or Go.")
    return "\n\n".join(blocks)


def _grouped(markers: tuple[Marker, ...]) -> list[tuple[str, int, list[Marker]]]:
    groups: dict[str, list[Marker]] = defaultdict(list)
    for item in markers:
        groups[item.category].append(item)
    ranked = [
        (cat, sum(m.count for m in items), sorted(items, key=lambda m: (-m.count, m.name)))
        for cat, items in groups.items()
    ]
    return sorted(ranked, key=lambda group: (-group[1], group[0]))


def _markers(markers: tuple[Marker, ...]) -> str:
    groups = _grouped(markers)
    if not groups:
        return "#### Markers\n\nNo markers found."
    rows = []
    for category, total, items in groups:
        names = " · ".join(f"{gfm.text(m.name)} {m.count}" for m in items[:MARKERS_PER_CATEGORY])
        if len(items) > MARKERS_PER_CATEGORY:
            names += f" · +{len(items) - MARKERS_PER_CATEGORY} more"
        rows.append([gfm.code(category, table=True), str(total), names])
    return "#### Markers\n\n" + gfm.table(["Category", "Facts", "Markers"], "lrl", rows)


def _components(report: Report) -> str:
    rows = [
        [
            gfm.code(c.path, table=True),
            change.LANGUAGE_NAMES[c.verdict],
            _percent(c.confidence),
            change.signed(c.lean),
            str(c.files),
            ", ".join(gfm.text(m) for m in c.markers[:4]),
        ]
        for c in report.components
    ]
    header = ["Component", "Verdict", "Confidence", "Lean", "Files", "Markers"]
    return "#### Components\n\n" + gfm.table(header, "llrrrl", rows)


def _finding_row(finding: Finding, sign: str = "") -> list[str]:
    cells = [
        gfm.place(finding.path, finding.line),
        gfm.code(finding.rule, table=True),
        gfm.text(finding.message),
        gfm.code(finding.snippet, table=True) if finding.snippet else "",
    ]
    return [sign, *cells] if sign else cells


def _excluded_note(report: Report) -> str:
    reasons = Counter(f.excluded for f in report.findings if f.excluded is not None)
    if not reasons:
        return ""
    ranked = sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0]))
    total = sum(reasons.values())
    listed = ", ".join(f"{gfm.text(reason)} {count}" for reason, count in ranked)
    return f"{total} {'finding' if total == 1 else 'findings'} excluded (not counted): {listed}."


def _findings(report: Report, rows: list[list[str]], shown: int) -> str:
    body = gfm.table(["Place", "Rule", "Message", "Snippet"], "llll", rows[:shown])
    if not rows:
        body = "No counted findings."
    if shown < len(rows):
        body += "\n\n" + gfm.truncated(len(rows) - shown, "findings")
    excluded = _excluded_note(report)
    if excluded:
        body += "\n\n" + excluded
    if report.hidden_by_baseline is not None:
        return gfm.details(f"New findings: {len(rows)} not in the baseline", body)
    return gfm.details(f"Findings: {len(rows)} counted", body)


def _diagnostics(report: Report, verbose: bool) -> str:
    shown = report.diagnostics if verbose else report.diagnostics[:MAX_DIAGNOSTICS]
    lines = [f"- {gfm.place(d.path, 0, table=False)} ({d.severity.value}): {gfm.text(d.message)}" for d in shown]
    if len(shown) < len(report.diagnostics):
        lines.append(f"- … and {len(report.diagnostics) - len(shown)} more")
    return gfm.details(f"Diagnostics ({len(report.diagnostics)})", "\n".join(lines))


def _footer(report: Report) -> str:
    stats = report.stats
    return (
        f"<sub>{gfm.text(report.tool_name)} {gfm.text(report.tool_version)} · {gfm.text(report.target.path)} "
        f"@ {_revision(report.target)} · {stats.files:,} files ({stats.counted_files:,} counted) · "
        f"{stats.rules} rules</sub>"
    )


def render_delta(delta: Delta, *, verbose: bool = False, cap: int = gfm.MAX_CHARS) -> str:
    """What a change does to the analysis, as a sticky pull-request comment under ``cap`` characters."""
    pairs = [*((f, "+") for f in delta.added_findings), *((f, "-") for f in delta.removed_findings)]
    rows = [_finding_row(finding, sign) for finding, sign in pairs]

    head = [gfm.MARKER, _delta_headline(delta), _delta_criteria(delta), _delta_markers(delta)]
    footer = _footer(delta.head)

    def build(shown: int) -> list[str]:
        return [*head, _delta_findings(delta, rows, shown), footer]

    del verbose  # every changed row is already shown; nothing more to add
    return gfm.fit(build, len(rows), cap)


def _delta_headline(delta: Delta) -> str:
    tool = gfm.text(delta.head.tool_name)
    return "\n".join(
        [
            f"### {tool} diff: **{change.verdict_line(delta)}**",
            "",
            gfm.text(change.headline(delta), limit=1000),
            "",
            f"{change.lean_line(delta)} · base {_revision(delta.base.target)} → head {_revision(delta.head.target)}",
            *_baseline_line(delta.head),
        ]
    )


def _baseline_line(report: Report) -> list[str]:
    """With ``--baseline``: the sentence saying how many known findings it hid, else nothing."""
    if report.hidden_by_baseline is None:
        return []
    return ["", f"**Baseline:** {ranking.baseline_note(report.hidden_by_baseline)}"]


def _delta_criteria(delta: Delta) -> str:
    moves = change.moved(delta)
    if not moves:
        return "#### Criteria\n\nNo criterion moved."
    rows = [
        [
            gfm.text(change.criterion_name(delta, c.id)),
            change.signed(c.before),
            change.signed(c.after),
            f"`{bar(c.after)}`",
            change.toward(c.change),
        ]
        for c in moves
    ]
    return "#### Criteria\n\n" + gfm.table(["Criterion", "Before", "After", "Lean now", "Change"], "lrrll", rows)


def _marker_rows(markers: tuple[Marker, ...], sign: str) -> list[list[str]]:
    return [
        [
            sign,
            gfm.code(m.category, table=True),
            gfm.text(m.name),
            str(m.count),
            ", ".join(gfm.place(loc.path, loc.line) for loc in m.evidence[:3]),
        ]
        for m in sorted(markers, key=lambda m: (m.category, m.name))
    ]


def _delta_markers(delta: Delta) -> str:
    rows = _marker_rows(delta.added_markers, "+") + _marker_rows(delta.removed_markers, "-")
    if not rows:
        return "#### Markers\n\nNo marker added or removed."
    return "#### Markers\n\n" + gfm.table(["", "Category", "Marker", "Facts", "Where"], "lllrl", rows)


def _delta_findings(delta: Delta, rows: list[list[str]], shown: int) -> str:
    added, removed = len(delta.added_findings), len(delta.removed_findings)
    summary = f"Findings: {added} added, {removed} removed"
    if not rows:
        return gfm.details(summary, "No finding added or removed.")
    body = gfm.table(["", "Place", "Rule", "Message", "Snippet"], "lllll", rows[:shown])
    if shown < len(rows):
        body += "\n\n" + gfm.truncated(len(rows) - shown, "findings")
    return gfm.details(summary, body)
