"""GitHub Actions output: workflow-command annotations for a step's log, and the job summary in Markdown.

GitHub shows at most 10 annotations of each level per step (and 50 per job), so ``render`` emits one summary
notice with the verdict first, then the weightiest counted findings: at most 10 warnings (findings of a rule
weighing at least ``findings.WEIGHTY``) and 9 notices, so the summary is never the one GitHub hides. Every value
is escaped as the runner expects: ``%``, CR and LF in the message, and also ``:`` and ``,`` in properties, so a
hostile file name cannot end a command early or inject another one. ``job_summary`` is the Markdown report
without the sticky-comment marker, for the CLI to append to ``$GITHUB_STEP_SUMMARY``.
"""

from __future__ import annotations

from collections.abc import Iterable

from analyzer.model import Finding, Report
from analyzer.reports import change, markdown
from analyzer.reports import findings as ranking
from analyzer.reports._text import visible

MAX_WARNINGS = 10
MAX_NOTICES = 9
"""Finding notices; the verdict notice makes ten, GitHub's per-step limit."""

SUMMARY_CAP = 200_000
"""GitHub takes up to 1 MiB of step summary; a summary this long is already past reading."""


def escape_data(value: str) -> str:
    """A workflow command's message: ``%`` first, so the escapes it adds are not escaped again."""
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    """A workflow command's property value: as a message, plus the ``:`` and ``,`` that delimit properties."""
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def command(level: str, message: str, *, file: str = "", line: int = 0, title: str = "") -> str:
    """One ``::level file=…,line=…,title=…::message`` line; properties that are empty are left out."""
    # Control and bidi characters are spelled out first: ESC sequences would recolour the log, and a line break
    # left raw would end this command and start one of the repository's choosing (%0A is the runner's own).
    file, title, message = visible(file), visible(title), visible(message, keep="\n")
    properties = []
    if file:
        properties.append(f"file={escape_property(file)}")
        if line > 0:
            properties.append(f"line={line}")
    if title:
        properties.append(f"title={escape_property(title)}")
    head = f"{level} {','.join(properties)}" if properties else level
    return f"::{head}::{escape_data(message)}"


def _verdict_notice(report: Report, annotated: int, total: int, headline: str | None) -> str:
    verdict = report.verdict
    message = (
        f"{change.LANGUAGE_NAMES[verdict.language]} (confidence {verdict.confidence:.0%}, "
        f"lean {change.signed(verdict.lean)}): {verdict.summary}"
    )
    what = "counted findings"
    if headline is not None:
        message = f"{headline} {message}"
        what = "new findings"
        if total == 0:
            message += " No new findings."
    if total > annotated:
        message += f" {annotated} of {total} {what} annotated; the job summary and SARIF report list all."
    if report.hidden_by_baseline is not None:
        message += f" {ranking.baseline_note(report.hidden_by_baseline)}"
    return command("notice", message, title=f"{report.tool_name} verdict")


def _annotation(level: str, finding: Finding) -> str:
    return command(
        level, finding.message, file=finding.path, line=finding.line, title=f"{finding.rule} {finding.marker}"
    )


def render(report: Report, *, only: Iterable[Finding] | None = None, headline: str | None = None) -> str:
    """The annotations, one workflow command per line, verdict first, then warnings, then notices.

    In ``analyze diff`` only the change's new findings (``only``) are annotated and the first notice opens with
    the change's ``headline``. Notices on a line come before file-level ones, which say the least.
    """
    weights = ranking.rule_weights(report)
    pool = [finding for finding, _ in ranking.selected(report.findings, only)]
    candidates = ranking.ranked(pool, weights)
    warnings = [f for f in candidates if ranking.is_weighty(f, weights)][:MAX_WARNINGS]
    light = [f for f in candidates if not ranking.is_weighty(f, weights)]
    notices = sorted(light, key=lambda f: f.line <= 0)[:MAX_NOTICES]  # stable: keeps the ranking within each
    lines = [_verdict_notice(report, len(warnings) + len(notices), len(candidates), headline)]
    lines += [_annotation("warning", f) for f in warnings]
    lines += [_annotation("notice", f) for f in notices]
    return "\n".join(lines) + "\n"


def job_summary(report: Report) -> str:
    """The Markdown for ``$GITHUB_STEP_SUMMARY``: the full report, no hidden marker, all evidence shown."""
    return markdown.render(report, verbose=True, marker=False, cap=SUMMARY_CAP)
