"""Portfolio renderers: JSON document, CSV rows, terminal table and the HTML page, from stored rows only."""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any

import pytest

from analyzer.batch.columns import Columns, move
from analyzer.batch.run import Row
from analyzer.batch.store import RunKey, StoredRun
from analyzer.batch.tasks import Status
from analyzer.reports.dashboard import READY, embed_json, render_html
from analyzer.reports.portfolio import CSV_COLUMNS, RunInfo, document, render, render_csv
from analyzer.reports.portfolio_rows import summarize
from analyzer.reports.portfolio_table import plain, render_table
from tests.schemas import errors, shipped_validator

HOSTILE = "</script><script>alert(1)</script><!--[bold]x[/bold]\x1b[31m=cmd|calc"


def _run(
    source: str,
    verdict: str | None = "go",
    lean: float | None = -0.5,
    *,
    error: str | None = None,
    markers: tuple[str, ...] = ("cli", "http-server"),
    revision: str = "c" * 40,
    files: int = 12,
    language: str = "Python",
) -> StoredRun:
    status = "failed" if error else "ok"
    found = Columns(
        verdict=verdict,
        confidence=0.8,
        lean=lean,
        files=files,
        bytes=4096,
        markers=markers,
        primary_language=language,
        primary_share=0.9,
        leans=(("performance", 0.25), ("concurrency", -0.5)),
        move=move(language, verdict),
        rules=500,
    )
    return StoredRun(
        RunKey(source, revision if not error else "", "0.1.0", "cfg"),
        status,
        Columns() if error else found,
        error,
        None,
        1.25,
        "2026-01-02T03:04:05.000Z",
    )


def _rows() -> list[Row]:
    return [
        Row(Status.OK, _run("svc-go")),
        Row(
            Status.REUSED,
            _run("core-rust", "rust", 0.7, markers=("wasm",), language="C"),
            (
                _run("core-rust", "go", -0.1, revision="1" * 40, language="C"),
                _run("core-rust", "rust", 0.7, language="C"),
            ),
        ),
        Row(Status.FAILED, _run("gone", error="gone: no such file or directory")),
    ]


def test_document_has_the_contract_fields() -> None:
    doc = document(_rows())
    first = doc["repos"][0]
    for key in ("source", "status", "commit", "verdict", "confidence", "lean", "markers", "error"):
        assert key in first
    assert [r["status"] for r in doc["repos"]] == ["ok", "reused", "failed"]
    assert doc["repos"][2]["commit"] is None
    assert doc["repos"][1]["history"][0]["verdict"] == "go"
    assert doc["summary"] == {
        "repos": 3,
        "ok": 1,
        "failed": 1,
        "failed_earlier": 0,
        "reused": 1,
        "errors": 1,
        "verdicts": {"go": 1, "rust": 1},
        "markers": {"cli": 1, "http-server": 1, "wasm": 1},
        "candidates": 2,
        "migrations": {"C → Rust": 1, "Python → Go": 1},
        "matrix": {"C": {"rust": 1}, "Python": {"go": 1}},
    }
    assert json.loads(render(_rows(), "json")) == doc
    assert (first["primary_language"], first["primary_share"], first["move"], first["candidate"]) == (
        "Python",
        0.9,
        "Python → Go",
        True,
    )
    assert first["leans"] == {"performance": 0.25, "concurrency": -0.5}
    assert doc["repos"][2]["failed_at"] == "2026-01-02T03:04:05.000Z"
    assert doc["run"]["rules"] == [500]
    assert doc["repos"][1]["history"][1]["leans"] == {"performance": 0.25, "concurrency": -0.5}


@pytest.mark.parametrize(
    ("sources", "names"),
    [
        pytest.param(["/srv/repos/a", "/srv/repos/team/b"], ["a", "team/b"], id="under-a-root"),
        pytest.param(["/srv/repos/a"], ["a"], id="lone-source"),
        pytest.param(["work/a", "work/b"], ["a", "b"], id="relative"),
        pytest.param(["/srv/a", "rel/b"], ["a", "b"], id="mixed-absolute-and-relative"),
        pytest.param(
            ["https://example.com/org/svc.git", "git@example.com:org/lib.git", "/srv/x"],
            ["example.com/org/svc", "example.com/org/lib", "x"],
            id="urls",
        ),
    ],
)
def test_names_are_relative_to_the_lists_root(sources: list[str], names: list[str]) -> None:
    doc = document([Row(Status.OK, _run(source)) for source in sources])
    assert [r["name"] for r in doc["repos"]] == names
    assert [r["source"] for r in doc["repos"]] == sources


def test_summary_counts_reused_failures_as_failed() -> None:
    rows = [Row(Status.REUSED, _run("gone", error="gone: no such file or directory"))]
    assert summarize(rows)["errors"] == 1
    assert summarize(rows)["failed"] == 1
    assert summarize(rows)["failed_earlier"] == 1
    assert summarize(rows)["reused"] == 0


def test_csv_has_one_row_per_repository() -> None:
    parsed = list(csv.reader(io.StringIO(render_csv(_rows()))))
    assert parsed[0] == list(CSV_COLUMNS)
    assert len(parsed) == 4
    by_column = [dict(zip(CSV_COLUMNS, line, strict=True)) for line in parsed[1:]]
    assert by_column[0]["markers"] == "cli;http-server"
    assert by_column[0]["lean"] == "-0.5"
    assert by_column[0]["move"] == "Python → Go"
    assert by_column[0]["leans"] == "performance=+0.250;concurrency=-0.500"
    assert by_column[0]["primary_language"] == "Python"
    assert by_column[2]["error"] == "gone: no such file or directory"
    assert by_column[2]["verdict"] == ""


@pytest.mark.parametrize(
    ("source", "cell"),
    [
        pytest.param('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")', id="formula"),
        pytest.param("@SUM(A1)", "'@SUM(A1)", id="at-sign"),
        pytest.param("-cmd", "'-cmd", id="minus"),
        pytest.param("plain/repo", "plain/repo", id="ordinary-name"),
    ],
)
def test_csv_neutralizes_formulas(source: str, cell: str) -> None:
    parsed = list(csv.reader(io.StringIO(render_csv([Row(Status.OK, _run(source))]))))
    assert parsed[1][0] == cell
    assert not parsed[1][1].startswith(("=", "+", "-", "@"))  # the display name too


def test_table_is_plain_text_without_color() -> None:
    text = render_table(_rows(), width=140)
    assert "\x1b[" not in text
    assert "svc-go" in text
    assert "gone: no such file or directory" in text
    assert "trend: go-0.10 → rust+0.70" in text
    assert "3 repositories: 1 analyzed, 1 reused, 1 failed; verdicts: go 1, rust 1" in text
    assert "Python → Go" in text
    assert "migration candidates: 2 (C → Rust 1, Python → Go 1)" in text


def test_table_never_interprets_a_repository_name() -> None:
    text = render_table([Row(Status.OK, _run(HOSTILE))], width=300)
    assert "\x1b" not in text
    assert "bold]\ufffd[31m=cmd|calc" in text  # the name after its last "/", escape neutralized
    text = render_table([Row(Status.OK, _run("[bold]x[red]y"))], width=300)
    assert "[bold]x[red]y" in text
    assert plain("a\x1b[2Jb\nc") == "a\ufffd[2Jb\ufffdc"


def test_color_table_has_ansi_codes() -> None:
    assert "\x1b[" in render_table(_rows(), color=True)


def _embedded(page: str) -> Any:
    match = re.search(r'<script type="application/json" id="batch-data">(.*?)</script>', page, re.S)
    assert match is not None
    return json.loads(match.group(1))


def test_html_embeds_the_document_and_cannot_be_broken_out_of() -> None:
    rows = [Row(Status.OK, _run(HOSTILE)), *_rows()]
    page = render(rows, "html", title="<b>Portfolio</b> & co")
    assert _embedded(page) == document(rows)
    assert page.count("</script>") == 3  # the data, the page links and the code, nothing from the data
    assert "<script>alert(1)" not in page
    assert "<title>&lt;b&gt;Portfolio&lt;/b&gt; &amp; co</title>" in page
    assert READY in page


def test_html_is_self_contained() -> None:
    page = render(_rows(), "html")
    assert not re.search(r"<(link|img|iframe)\b", page)
    assert not re.search(r"\b(src|href)\s*=", page)
    assert "innerHTML" not in page
    assert "default-src 'none'" in page
    assert re.findall(r"https?://[^\s\"']+", page) == ["http://www.w3.org/2000/svg"]


@pytest.mark.parametrize(
    ("value", "forbidden"),
    [
        pytest.param("</script>", "</", id="close-tag"),
        pytest.param("<!--", "<!", id="comment"),
        pytest.param("a\u2028b", "\u2028", id="line-separator"),
        pytest.param("&amp;", "&", id="ampersand"),
    ],
)
def test_embed_json_escapes(value: str, forbidden: str) -> None:
    text = embed_json({"v": value})
    assert forbidden not in text
    assert json.loads(text) == {"v": value}


def test_render_html_accepts_an_empty_batch() -> None:
    page = render_html(document([]), "empty")
    assert _embedded(page)["summary"]["repos"] == 0


def test_unknown_format_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown batch format"):
        render(_rows(), "yaml")


def test_batch_json_validates_against_its_schema() -> None:
    doc = json.loads(render(_rows(), "json", info=RunInfo("2026-01-02T03:04:05Z", {"weights": []})))
    assert errors(shipped_validator("batch.schema.json"), doc) == []
    assert doc["run"]["generated_at"] == "2026-01-02T03:04:05Z"


@pytest.mark.parametrize(
    ("path", "value"),
    [
        pytest.param(("repos", 0, "move"), "Python to Go", id="move-without-arrow"),
        pytest.param(("repos", 0, "leans", "performance"), 1.5, id="lean-out-of-range"),
        pytest.param(("repos", 2, "error"), None, id="failure-without-error"),
        pytest.param(("repos", 0, "status"), "skipped", id="unknown-status"),
        pytest.param(("summary", "migrations", "C → Rust"), -1, id="negative-count"),
    ],
)
def test_batch_schema_rejects(path: tuple[str | int, ...], value: Any) -> None:
    doc = document(_rows())
    node: Any = doc
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = value
    assert errors(shipped_validator("batch.schema.json"), doc) != []
