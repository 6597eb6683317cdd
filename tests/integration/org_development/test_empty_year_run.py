"""Issue 15 item 8: `kzeval run --year 2022` on a drop holding only 2024 data stops and publishes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.launch import run_assessment
from tests.support.drops import AGENCIES_HEADER, write_table

pytestmark = pytest.mark.slow


def test_a_year_without_data_stops_and_publishes_nothing(tmp_path: Path) -> None:
    landing, published = tmp_path / "landing", tmp_path / "warehouse" / "kzeval.duckdb"
    write_table(
        landing,
        "agencies",
        AGENCIES_HEADER,
        [["C1", "Министерство тестов", "CGO", "", "true", "", "central"]],
    )
    write_table(
        landing,
        "hr_strategy",
        ["agency_id", "year", "strategy_status", "execution_pct"],
        [["C1", 2024, "approved_full", 85.0]],
    )
    result = run_assessment(2022, landing, published)
    assert not result.success
    assert any(
        "year 2022: no landing table other than agencies and calendar has a row for 2022" in f
        and "the drop holds data for 2024" in f
        for f in result.failures
    ), result.failures
    assert not published.exists()  # nothing published
    assert result.tables_missing == []  # no ledger to judge the drop by: no false «not in the drop» list
