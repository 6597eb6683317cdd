"""Render a report in headless Chromium: screenshot, rendered DOM and console errors.

Used by the tests and ``scripts/screenshot_report.sh`` to prove the HTML opens offline, the
plotly charts draw (``plot-container`` elements exist in the rendered DOM) and no script
fails (no «Uncaught» in Chromium's console log).

Usage: ``python -m kzeval.reports.browser REPORT.html SCREENSHOT.png [WIDTHxHEIGHT]``
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
)
DEFAULT_WINDOW = (1400, 2000)
VIRTUAL_TIME_BUDGET_MS = 10_000  # let plotly finish drawing before the DOM is dumped
TIMEOUT_S = 180


class BrowserMissing(RuntimeError):
    """No Chromium on PATH (Debian: ``apt-get install -y chromium``)."""


@dataclass(frozen=True)
class RenderResult:
    dom: str  # the DOM after scripts ran
    log: str  # Chromium's stderr with the console messages
    screenshot: Path

    @property
    def js_errors(self) -> list[str]:
        """Console lines reporting an uncaught script error."""
        return [line for line in self.log.splitlines() if "Uncaught" in line]

    @property
    def plot_containers(self) -> int:
        return len(re.findall(r'class="[^"]*\bplot-container\b', self.dom))

    @property
    def tables(self) -> int:
        return len(re.findall(r"<table\b", self.dom))


def find_chromium() -> str:
    for name in CHROMIUM_NAMES:
        path = shutil.which(name)
        if path:
            return path
    raise BrowserMissing(
        "Chromium is not installed: the HTML report test renders the page in a real headless browser. "
        "Install it (Debian/Ubuntu: `apt-get update && apt-get install -y chromium`) "
        "or set KZEVAL_NO_BROWSER=1 to opt out."
    )


def render(html: Path, screenshot: Path, window: tuple[int, int] = DEFAULT_WINDOW) -> RenderResult:
    """Open ``html`` twice in headless Chromium: once for the DOM + console log, once for the screenshot."""
    chromium = find_chromium()
    url = html.resolve().as_uri()
    screenshot.parent.mkdir(parents=True, exist_ok=True)
    size = f"--window-size={window[0]},{window[1]}"
    with tempfile.TemporaryDirectory(prefix="kzeval-chromium-") as profile:
        common = [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", size]
        dumped = subprocess.run(
            [
                *common,
                "--enable-logging=stderr",
                "--v=0",
                f"--virtual-time-budget={VIRTUAL_TIME_BUDGET_MS}",
                "--dump-dom",
                url,
            ],
            capture_output=True,
            text=True,
            timeout=TIMEOUT_S,
            check=False,
        )
        shot = subprocess.run(
            [*common, f"--virtual-time-budget={VIRTUAL_TIME_BUDGET_MS}", f"--screenshot={screenshot.resolve()}", url],
            capture_output=True,
            text=True,
            timeout=TIMEOUT_S,
            check=False,
        )
    if dumped.returncode != 0 or not dumped.stdout:
        raise RuntimeError(f"chromium --dump-dom failed ({dumped.returncode}): {dumped.stderr[-2000:]}")
    if shot.returncode != 0 or not screenshot.exists():
        raise RuntimeError(f"chromium --screenshot failed ({shot.returncode}): {shot.stderr[-2000:]}")
    return RenderResult(dom=dumped.stdout, log=dumped.stderr + shot.stderr, screenshot=screenshot)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) not in (2, 3):
        print(__doc__, file=sys.stderr)
        return 2
    window = DEFAULT_WINDOW
    if len(args) == 3:
        width, height = args[2].lower().split("x")
        window = (int(width), int(height))
    result = render(Path(args[0]), Path(args[1]), window)
    print(f"screenshot: {result.screenshot}")
    print(f"tables: {result.tables}; plotly charts rendered: {result.plot_containers}")
    for line in result.js_errors:
        print(f"JS ERROR: {line}", file=sys.stderr)
    return 1 if result.js_errors else 0


if __name__ == "__main__":
    sys.exit(main())
