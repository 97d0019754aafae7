"""The HTML dashboard in a real headless Chromium: it renders its table and charts, sorts from the URL, logs no
console error, and a hostile repository name stays text. Skipped only when Chromium is absent outside CI."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from analyzer.batch.run import Row
from analyzer.batch.store import RunKey, StoredRun
from analyzer.batch.tasks import Status
from analyzer.reports.dashboard import READY
from analyzer.reports.portfolio import render
from tests.conftest import needs

HOSTILE = '</script><script>console.error("pwned")</script><img src=x onerror=console.error("pwned")>'


def _chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    needs("Chromium for the dashboard test (Debian: apt-get install chromium)", found is not None)
    assert found is not None
    return found


def _run(source: str, verdict: str | None, lean: float, files: int, markers: tuple[str, ...] = ()) -> StoredRun:
    failed = verdict is None
    return StoredRun(
        RunKey(source, "" if failed else "ab" * 20, "0.1.0", "cfg"),
        "failed" if failed else "ok",
        verdict,
        None if failed else 0.9,
        None if failed else lean,
        None if failed else files,
        None if failed else files * 900,
        markers,
        "cannot clone: timed out" if failed else None,
        None,
        1.0,
        "2026-01-01T00:00:00Z",
    )


ROWS = [
    Row(Status.OK, _run("services/payments", "go", -0.8, 120, ("http-server", "grpc"))),
    Row(Status.REUSED, _run("native/codec", "rust", 0.9, 40, ("ffi", "unsafe-memory"))),
    Row(Status.OK, _run("platform/monorepo", "both", 0.1, 4000, ("grpc", "ffi"))),
    Row(Status.OK, _run(HOSTILE, "go", -0.3, 7, ("cli",))),
    Row(Status.FAILED, _run("https://example.com/gone.git", None, 0, 0)),
]


def _load(chromium: str, tmp_path: Path, fragment: str = "") -> tuple[str, str]:
    page = tmp_path / "dashboard.html"
    page.write_text(render(ROWS, "html"), encoding="utf-8")
    profile = tmp_path / "profile"
    completed = subprocess.run(
        [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={profile}",
            "--enable-logging=stderr",
            "--v=0",
            "--dump-dom",
            page.as_uri() + fragment,
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    return completed.stdout, completed.stderr


def _console_errors(log: str) -> list[str]:
    return [line for line in log.splitlines() if "Uncaught" in line or "ERROR:CONSOLE" in line or "pwned" in line]


def test_dashboard_renders_without_console_errors(tmp_path: Path) -> None:
    dom, log = _load(_chromium(), tmp_path)
    assert READY in log
    assert _console_errors(log) == []
    assert 'data-ready="1"' in dom
    assert len(re.findall(r'<tr class="repo"', dom)) == len(ROWS)
    assert len(re.findall(r'<circle class="point"', dom)) == 4  # every analyzed repository, not the failure
    assert len(re.findall(r'<rect class="bar"', dom)) == 3 + 5  # three verdicts, five marker categories
    assert dom.count("<svg") == 3
    assert "cannot clone: timed out" in dom
    assert "&lt;/script&gt;&lt;script&gt;console.error" in dom  # the hostile name is shown as text
    assert "<img" not in dom


def test_dashboard_sorts_from_the_url(tmp_path: Path) -> None:
    dom, log = _load(_chromium(), tmp_path, "#sort=lean:desc")
    assert _console_errors(log) == []
    order = re.findall(r'<tr class="repo"><td class="">([^<]*)</td>', dom)
    assert order[:2] == ["native/codec", "platform/monorepo"]
    assert order[2].startswith("&lt;/script&gt;&lt;script&gt;console.error")
    assert order[-1] == "https://example.com/gone.git"  # no lean: last whichever the direction
    assert 'aria-sort="descending"' in dom
