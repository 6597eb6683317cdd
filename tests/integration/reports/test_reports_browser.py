"""The HTML reports rendered in a real headless Chromium: charts drawn, tables present, no JS errors.

Chromium is required (Debian: ``apt-get install -y chromium``); without it these tests FAIL
with an install hint. ``KZEVAL_NO_BROWSER=1`` opts out explicitly.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kzeval.reports.browser import BrowserMissing, find_chromium, render
from kzeval.reports.build import build_agency_report
from kzeval.reports.data import Snapshot
from kzeval.reports.html import render_agency_html, render_national_html
from kzeval.reports.national import build_national_report

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _require_browser() -> None:
    if os.environ.get("KZEVAL_NO_BROWSER") == "1":
        pytest.skip("KZEVAL_NO_BROWSER=1: headless-browser rendering opted out")
    try:
        find_chromium()
    except BrowserMissing as exc:
        pytest.fail(str(exc))


def test_national_report_renders_in_chromium(snapshot: Snapshot, tmp_path: Path) -> None:
    _require_browser()
    html = tmp_path / "national.html"
    html.write_text(render_national_html(build_national_report(snapshot)), encoding="utf-8")
    result = render(html, tmp_path / "national.png")
    assert result.js_errors == []
    # charts: tiers, direction spread, 3 rankings, regions, movers for the 2 tables with 2023 scores
    assert result.plot_containers == 8
    for table_id in ("summary-table", "ranking-table-interaction-CGO", "regions-table", "risers-interaction-MIO"):
        assert f'id="{table_id}"' in result.dom
    assert "Министерство Б" in result.dom
    png = result.screenshot.read_bytes()
    assert png.startswith(PNG_SIGNATURE) and len(png) > 20_000


def test_agency_report_renders_in_chromium(snapshot: Snapshot, tmp_path: Path) -> None:
    _require_browser()
    html = tmp_path / "CGO-A.html"
    html.write_text(render_agency_html(build_agency_report(snapshot, "CGO-A")), encoding="utf-8")
    result = render(html, tmp_path / "CGO-A.png")
    assert result.js_errors == []
    assert result.plot_containers == 3  # summary + one per block
    assert result.tables == 9  # summary, 2 block forms, 3 direction forms, 2 weakest tables, indicator detail
    assert 'id="form-table-services"' in result.dom and "Степень эффективности" in result.dom
    assert result.screenshot.read_bytes().startswith(PNG_SIGNATURE)
