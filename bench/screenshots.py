"""Screenshots of HTML reports in headless Chromium, at a wide and a narrow window, for a person to look at.

Usage: python bench/screenshots.py PAGE.html [PAGE.html ...] [--out DIR] [--widths 1400,800] [--height 3200]

Writes ``DIR/<page name>-<width>.png`` for each page and width (default DIR: ``screenshots`` in the current folder),
and prints, per shot, whether the page is wider than the window (a sideways scroll). Nothing is committed: the
images are for review (docs or a pull request), taken again whenever the pages change.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--hide-scrollbars",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
_PROBE = (
    "<script>addEventListener('load',function(){setTimeout(function(){document.title='scroll-width:'+"
    "document.documentElement.scrollWidth},50)})</script>"
)


def chromium() -> str:
    """The Chromium binary on PATH; exit with a message when there is none."""
    found = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if found is None:
        sys.exit("Chromium is not installed (Debian: apt-get install chromium)")
    return found


def shoot(browser: str, page: Path, width: int, height: int, out: Path) -> None:
    """One screenshot of ``page`` in a ``width`` x ``height`` window."""
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [
                browser,
                *_FLAGS,
                f"--user-data-dir={profile}",
                f"--window-size={width},{height}",
                f"--screenshot={out}",
                page.resolve().as_uri(),
            ],
            capture_output=True,
            timeout=180,
            check=True,
        )


def scroll_width(browser: str, page: Path, width: int) -> int | None:
    """The page's layout width in a ``width``-pixel window (wider than the window means a sideways scroll)."""
    with tempfile.TemporaryDirectory() as folder:
        probe = Path(folder) / page.name
        text = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", page.read_text(encoding="utf-8"))
        probe.write_text(text.replace("</body>", _PROBE + "</body>", 1), encoding="utf-8")
        done = subprocess.run(
            [
                browser,
                *_FLAGS,
                f"--user-data-dir={folder}/profile",
                f"--window-size={width},900",
                "--virtual-time-budget=3000",
                "--dump-dom",
                probe.as_uri(),
            ],
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
    found = re.search(r"<title>scroll-width:(\d+)</title>", done.stdout)
    return int(found.group(1)) if found else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pages", nargs="+", type=Path)
    parser.add_argument("--out", type=Path, default=Path("screenshots"))
    parser.add_argument("--widths", default="1400,800")
    parser.add_argument("--height", type=int, default=3200)
    args = parser.parse_args(argv)
    browser = chromium()
    args.out.mkdir(parents=True, exist_ok=True)
    for page in args.pages:
        for width in (int(w) for w in args.widths.split(",")):
            target = args.out / f"{page.stem}-{width}.png"
            shoot(browser, page, width, args.height, target)
            layout = scroll_width(browser, page, width)
            verdict = "unknown" if layout is None else ("sideways scroll" if layout > width else "fits")
            print(f"{target}: {width} px window, layout {layout} px: {verdict}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
