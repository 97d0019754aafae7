"""The HTML dashboard and a repository's page in a real headless Chromium, driven over the DevTools pipe: what a
person sees (labels, legend, the matrix, readable numbers), a filter that hides rows, a link that opens a repository
page showing the split, no sideways scroll at 800 px, no console error, and a hostile repository name that stays
text. The batch is real: fixture folders, a real store, the CLI. Skipped only when Chromium is absent outside CI."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from analyzer.reports.dashboard import READY
from tests.batch_repos import FIXTURES
from tests.browser import Browser
from tests.conftest import needs

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = "<img src=x onerror=console.error('pwned')>\u202eevil"
PORTFOLIO = ("go-services-rust-core", "py-flask-service", "c-json-parser", "rust-cli-tool", "go-cli-tool")


def _chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    needs("Chromium for the dashboard test (Debian: apt-get install chromium)", found is not None)
    assert found is not None
    return found


@pytest.fixture(scope="module")
def dashboard(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real batch over fixture folders (one with a hostile name) and a missing path, rendered with its pages."""
    root = tmp_path_factory.mktemp("portfolio")
    repos = root / "repos"
    for name in PORTFOLIO:
        shutil.copytree(FIXTURES / name, repos / name)
    shutil.copytree(FIXTURES / "go-cli-tool", repos / HOSTILE)
    sources = [str(repos / name) for name in (*PORTFOLIO, HOSTILE, "gone")]
    page = root / "out" / "portfolio.html"
    page.parent.mkdir()
    outputs = ("--format", f"html:{page}", "--format", f"json:{root / 'out' / 'batch.json'}")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "analyzer",
            "batch",
            *sources,
            "--store",
            str(root / "s.sqlite"),
            "--jobs",
            "2",
            *outputs,
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    return page


def _text(browser: Browser, selector: str) -> list[str]:
    return list(browser.evaluate(f"Array.from(document.querySelectorAll({selector!r})).map(e => e.textContent)"))


def _visible_rows(browser: Browser) -> list[str]:
    script = "Array.from(document.querySelectorAll('tr.repo')).filter(r => !r.hidden).map(r => r.dataset.source)"
    return [Path(source).name for source in browser.evaluate(script)]


def _open(chromium: str, tmp_path: Path, url: str, width: int = 1400) -> Browser:
    browser = Browser(chromium, tmp_path / "profile")
    browser.open(url, width)
    browser.wait_for(lambda: READY in browser.console or browser.evaluate("document.readyState") == "complete", "load")
    return browser


def test_dashboard_shows_what_an_architect_reads(dashboard: Path, tmp_path: Path) -> None:
    with _open(_chromium(), tmp_path, dashboard.as_uri()) as browser:
        assert READY in browser.console
        assert browser.evaluate("document.body.dataset.ready") == "1"
        assert browser.evaluate("document.querySelectorAll('tr.repo').length") == len(PORTFOLIO) + 2
        assert browser.evaluate("document.querySelectorAll('#bubbles circle.bubble').length") == len(PORTFOLIO) + 1
        labels = _text(browser, "#bubbles text.label")
        assert "go-services-rust-core" in labels  # the largest bubbles are named on the chart
        legend = " ".join(_text(browser, "#legend"))
        assert all(word in legend for word in ("go ", "rust ", "both ", "undecided ", "area = "))
        axes = _text(browser, "#bubbles text.axis")
        assert {"lean", "confidence", "\u2190 Go", "Rust \u2192"} <= set(axes)
        cells = browser.evaluate(
            "Object.fromEntries(Array.from(document.querySelectorAll('#matrix td.cell'))"
            ".map(c => [c.dataset.language + '>' + c.dataset.verdict, c.textContent]))"
        )
        assert cells["Python>go"] == "1"
        assert cells["Go>go"] == "2 stay"  # go-cli-tool and its hostile copy stay in Go
        assert cells["C>rust"] == "1"
        moves = _text(browser, "#moves .move-bar-name")
        assert {"Python \u2192 Go", "C \u2192 Rust"} <= set(moves)
        document = json.loads((dashboard.parent / "batch.json").read_text(encoding="utf-8"))
        assert len(_text(browser, "#markers .marker-bar-name")) == len(document["summary"]["markers"])
        domains = browser.evaluate("Array.from(document.querySelectorAll('#filter-domain option')).map(o => o.value)")
        assert len(domains) > 1  # the domain filter lists the domains the rows name
        meta = browser.evaluate("document.getElementById('meta').textContent")
        assert "rules" in meta
        assert "generated" in meta
        assert "configuration" in meta
        assert str(dashboard.parent.parent) not in browser.evaluate("document.body.innerText")  # no absolute paths
        assert "1 failed" in browser.evaluate("document.getElementById('cards').innerText").replace("\n", " ")
        assert browser.console_errors == []


def test_filters_hide_rows_and_a_link_opens_the_repository_page(dashboard: Path, tmp_path: Path) -> None:
    with _open(_chromium(), tmp_path, dashboard.as_uri()) as browser:
        browser.evaluate(
            "(() => { const s = document.getElementById('filter-verdict'); s.value = 'rust';"
            " s.dispatchEvent(new Event('change')); })()"
        )
        assert _visible_rows(browser) == ["c-json-parser", "rust-cli-tool"]
        assert browser.evaluate("document.getElementById('shown').textContent") == "2 of 7 shown"
        browser.evaluate(
            "(() => { const s = document.getElementById('filter-verdict'); s.value = '';"
            " s.dispatchEvent(new Event('change')); const t = document.getElementById('filter-text');"
            " t.value = 'flask'; t.dispatchEvent(new Event('input')); })()"
        )
        assert _visible_rows(browser) == ["py-flask-service"]
        browser.evaluate('document.querySelector(\'#matrix td[data-language="Go"][data-verdict="go"]\').click()')
        assert sorted(_visible_rows(browser)) == sorted(["go-cli-tool", HOSTILE])
        link = "tr.repo[data-source$='go-services-rust-core'] a.repo-link"
        loads = browser.loads
        browser.evaluate(f"document.querySelector({link!r}).click()")
        browser.wait_for(lambda: browser.loads > loads, "the repository page")
        text = browser.evaluate("document.body.innerText")
        assert "VERDICT: BOTH" in text.upper()
        assert "The split" in text
        assert "Interop path" in text
        assert browser.evaluate("document.querySelectorAll('rect.lean-bar').length") == 6
        assert browser.evaluate("location.pathname").endswith(".html")
        assert browser.console_errors == []


def test_a_hostile_name_stays_visible_text(dashboard: Path, tmp_path: Path) -> None:
    with _open(_chromium(), tmp_path, dashboard.as_uri()) as browser:
        assert browser.evaluate("document.querySelectorAll('img').length") == 0
        names = _text(browser, "tr.repo td:first-child a, tr.repo td:first-child > span:first-child")
        shown = [name for name in names if "evil" in name]
        assert shown == ["<img src=x onerror=console.error('pwned')>\\u202Eevil"]  # the override shown, not obeyed
        assert "\u202e" not in browser.evaluate("document.body.innerText")
        assert browser.console_errors == []
        assert not any("pwned" in line for line in browser.console)


@pytest.mark.parametrize("width", [pytest.param(1400, id="wide"), pytest.param(800, id="narrow")])
def test_no_sideways_scroll(dashboard: Path, tmp_path: Path, width: int) -> None:
    pages = [dashboard, *sorted((dashboard.parent / "portfolio-repos").glob("go-services-rust-core-*.html"))]
    assert len(pages) == 2
    with Browser(_chromium(), tmp_path / "profile") as browser:
        for page in pages:
            browser.open(page.as_uri(), width)
            assert browser.evaluate("document.documentElement.scrollWidth") <= width, page.name
        assert browser.console_errors == []


def test_sort_from_the_url(dashboard: Path, tmp_path: Path) -> None:
    with _open(_chromium(), tmp_path, dashboard.as_uri() + "#sort=lean:desc") as browser:
        order = browser.evaluate("Array.from(document.querySelectorAll('tr.repo')).map(r => r.dataset.source)")
        leans: dict[str, Any] = {
            r["source"]: r["lean"]
            for r in json.loads((dashboard.parent / "batch.json").read_text(encoding="utf-8"))["repos"]
        }
        values = [leans[source] for source in order if leans[source] is not None]
        assert values == sorted(values, reverse=True)
        assert leans[order[-1]] is None  # the failure has no lean: last
        assert browser.evaluate("document.querySelector('th[data-key=lean]').getAttribute('aria-sort')") == "descending"


def test_single_repository_page_from_the_cli(tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    outputs = ("--format", f"html:{page}", "--format", f"json:{tmp_path / 'report.json'}")
    done = subprocess.run(
        [sys.executable, "-m", "analyzer", str(FIXTURES / "go-services-rust-core"), *outputs],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    with _open(_chromium(), tmp_path, page.as_uri(), 800) as browser:
        text = browser.evaluate("document.body.innerText")
        assert "The split" in text
        assert "services/api" in text
        assert "engine" in text
        verdict = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))["verdict"]
        assert f"Interop path: {verdict['interop']}" in text
        assert "Rust side: engine" in text
        first = verdict["boundary"]["evidence"][0]
        assert f"boundary seen at {first['path']}:{first['line']}" in text  # the boundary and its evidence
        assert browser.evaluate("document.querySelectorAll('table.evidence code').length") > 0
        assert browser.evaluate("document.documentElement.scrollWidth") <= 800
        assert browser.console_errors == []
