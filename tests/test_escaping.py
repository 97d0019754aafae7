"""Control and bidi characters from repository text never reach an output raw (issue 8, item 4).

A finding and a diagnostic whose file names carry a terminal colour sequence, BEL, a right-to-left override and
a line break followed by a workflow command are rendered in every format. Human formats show each character
spelled out (``\\x1b``, ``\\u202e``); machine formats keep the exact path as data but spell it with JSON
escapes; ``--format github`` stays one workflow command per line. Before the shared helper, ``github`` passed
ESC and BEL raw and Markdown and the dashboard passed U+202E raw.
"""

from __future__ import annotations

import json

import pytest

from analyzer.model import Diagnostic, Finding, Report
from analyzer.reports import FORMATS, render
from analyzer.reports._text import json_escaped, json_visible, visible
from analyzer.reports.dashboard import render_html
from tests.report_samples import findings_report

NAMES = ("\x1b[31mred\x1b[0m.go", "bell\x07.go", "evil\u202eog.txt.go", "line\n::error::pwn%0A.go", "z\u2066w\u200f.go")
RAW = ("\x1b", "\x07", "\u202e", "\u2066", "\u200f")
"""Characters that must never appear in any rendering."""


def _report() -> Report:
    findings = [
        Finding(
            rule="CRY022",
            category="crypto",
            message=f"Go crypto in {name}",
            path=name,
            line=3,
            marker="go-crypto",
            component=".",
            snippet=f"// {name}",
        )
        for name in NAMES
    ]
    diagnostics = [Diagnostic(path=name, message=f"could not parse {name}", stage="manifests") for name in NAMES]
    return findings_report(findings, {"CRY022": 0.5}, diagnostics)


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_raw_control_or_bidi_character_in_any_format(fmt: str) -> None:
    report = _report()
    text = render(report, fmt, verbose=True, width=200)
    for raw in RAW:
        assert raw not in text, (fmt, raw)
    if fmt in ("json", "sarif", "gitlab"):
        assert "evil\\u202eog.txt.go" in text
        assert json.loads(text)  # still valid JSON, the data unchanged (checked for json below)


def test_json_keeps_the_exact_path_as_data() -> None:
    document = json.loads(render(_report(), "json"))
    assert {d["path"] for d in document["diagnostics"]} == set(NAMES)


def test_github_commands_cannot_be_injected() -> None:
    text = render(_report(), "github")
    lines = text.splitlines()
    assert all(line.startswith(("::notice ", "::warning ")) for line in lines), lines
    assert not any("\n::error" in line or line.startswith("::error") for line in lines)
    assert "evil\\u202eog.txt.go" in text  # visible, not reordered


def test_markdown_shows_bidi_controls_spelled_out() -> None:
    text = render(_report(), "markdown", verbose=True)
    assert "\\u202e" in text


def test_dashboard_shows_bidi_controls_spelled_out() -> None:
    # The embedded data stays exact (the page's script shows it escaped, see test_dashboard_browser); the
    # markup around it must hold no raw control or bidi character.
    page = render_html({"repos": [{"name": NAMES[2], "error": NAMES[0]}], "summary": {}}, NAMES[2])
    head, rest = page.split('id="batch-data">', 1)
    markup = head + rest.split("</script>", 1)[1]
    for raw in RAW:
        assert raw not in markup
    assert "\\u202" in head.lower()


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        pytest.param("plain.go", "plain.go", id="unchanged"),
        pytest.param("\x1b[31m", "\\x1b[31m", id="escape-sequence"),
        pytest.param("a\u202eb", "a\\u202eb", id="rlo"),
        pytest.param("a\U000e0001b", "a\\U000e0001b", id="tag-character"),
        pytest.param("a\nb", "a\\x0ab", id="newline"),
    ],
)
def test_visible(value: str, shown: str) -> None:
    assert visible(value) == shown


def test_json_escaping_keeps_the_data() -> None:
    value = {"p": "a\u202eb\U000e0001c\u00e9"}
    text = json_escaped(json.dumps(value, ensure_ascii=False))
    assert "\u202e" not in text
    assert "\u00e9" in text  # printable non-ASCII stays readable
    assert json.loads(text) == value
    assert json.loads(json_visible(json.dumps(value, ensure_ascii=False)))["p"] == "a\\u202eb\\U000e0001c\u00e9"
