"""A hand-made warehouse for the report tests: marts tables with a few rows, no pipeline run.

Shared by tests/unit/reports and tests/integration/reports (their conftest.py re-export the fixtures).

Bodies: three CGOs (A, B, «В & Г» — the ampersand checks HTML escaping), one territorial
sub-unit of A (not assessed), two MIOs in regions 35 and 71.

Interaction block, 2024 (2023 in brackets):
    block scores  CGO-B 92.50 high #1 (95.00 #1), CGO-A 81.20 medium #2 (75.00 #2),
                  CGO-C 62.00 low #3 (60.00 #3); MIO-35 88.00 medium #1 (85.00 #1),
                  MIO-71 45.50 ineffective #2 (50.00 low #2)
    services      CGO-A raw 80.00, penalty 2.20, score 77.80 (2023: 70.00); CGO-B 90.00; CGO-C 70.00;
                  MIO-35 88.00; MIO-71 45.50
    appeals       CGO-A 85.00 (2023: 80.00); CGO-B 86.00; CGO-C 83.00
Org-development block, 2024 only, CGO-A and CGO-B, IT direction only:
    it            CGO-A raw 60.00, penalty 0.40, score 59.60 (low #2); CGO-B 72.00 (medium #1)
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

from kzeval.reports.data import Snapshot, load_snapshot

AGENCIES = [
    # agency_id, name_ru, name_kk, body_type, parent, assessed_agency_id, is_assessed, region_code, level
    ("CGO-A", "Министерство А", "А министрлігі", "CGO", None, "CGO-A", True, None, "central"),
    ("CGO-B", "Министерство Б", "Б министрлігі", "CGO", None, "CGO-B", True, None, "central"),
    ("CGO-C", "Министерство В & Г", "В министрлігі", "CGO", None, "CGO-C", True, None, "central"),
    ("CGO-A-T", "Департамент А по Карагандинской области", "", "CGO", "CGO-A", "CGO-A", False, "35", "territorial"),
    ("MIO-35", "Акимат Карагандинской области", "", "MIO", None, "MIO-35", True, "35", "oblast"),
    ("MIO-71", "Акимат города Астаны", "", "MIO", None, "MIO-71", True, "71", "city"),
]


def _ind(year, agency, block, direction, code, value, max_points, role="indicator", provisional=False, inputs=None):
    reading = "svc.automation_effectiveness=average" if provisional else "default"
    return (
        year,
        agency,
        block,
        direction,
        code,
        role,
        value,
        max_points,
        reading,
        provisional,
        json.dumps(inputs or {}),
    )


INDICATORS = [
    # --- 2024, services (interaction) ---
    _ind(2024, "CGO-A", "interaction", "services", "svc_satisfaction", 12.0, 15.0, inputs={"n": 3}),
    _ind(
        2024, "CGO-A", "interaction", "services", "svc_complaints", 9.5, 10.0, inputs={"i": 5, "b1": 100000, "k": 10.0}
    ),
    _ind(2024, "CGO-A", "interaction", "services", "svc_k1", 21.5, 25.0, role="criterion"),
    _ind(2024, "CGO-A", "interaction", "services", "svc_downtime_penalty", -1.0, -5.0, inputs={"t": 5, "w": 0.2}),
    _ind(2024, "CGO-B", "interaction", "services", "svc_satisfaction", 15.0, 15.0),
    _ind(2024, "CGO-B", "interaction", "services", "svc_complaints", 6.0, 10.0),
    _ind(2024, "CGO-B", "interaction", "services", "svc_k1", 21.0, 25.0, role="criterion"),
    _ind(2024, "CGO-C", "interaction", "services", "svc_satisfaction", 9.0, 15.0),
    _ind(2024, "CGO-C", "interaction", "services", "svc_complaints", 10.0, 10.0),
    _ind(2024, "CGO-C", "interaction", "services", "svc_k1", 19.0, 25.0, role="criterion"),
    _ind(2024, "MIO-35", "interaction", "services", "svc_satisfaction", 20.0, 20.0),
    _ind(2024, "MIO-71", "interaction", "services", "svc_satisfaction", 8.0, 20.0),
    # --- 2024, appeals ---
    _ind(2024, "CGO-A", "interaction", "appeals", "appeal_review_timeliness", 30.0, 40.0, provisional=True),
    _ind(2024, "CGO-A", "interaction", "appeals", "appeal_court_overturned", 30.0, 30.0),
    _ind(2024, "CGO-A", "interaction", "appeals", "appeal_redirect_timeliness", 15.0, 20.0),
    _ind(2024, "CGO-A", "interaction", "appeals", "appeal_internal_control", 10.0, 10.0),
    _ind(2024, "CGO-B", "interaction", "appeals", "appeal_review_timeliness", 40.0, 40.0),
    _ind(2024, "CGO-B", "interaction", "appeals", "appeal_court_overturned", 20.0, 30.0),
    _ind(2024, "CGO-B", "interaction", "appeals", "appeal_redirect_timeliness", 20.0, 20.0),
    _ind(2024, "CGO-B", "interaction", "appeals", "appeal_internal_control", 6.0, 10.0),
    _ind(2024, "CGO-C", "interaction", "appeals", "appeal_review_timeliness", 35.0, 40.0),
    _ind(2024, "CGO-C", "interaction", "appeals", "appeal_court_overturned", 30.0, 30.0),
    _ind(2024, "CGO-C", "interaction", "appeals", "appeal_redirect_timeliness", 10.0, 20.0),
    _ind(2024, "CGO-C", "interaction", "appeals", "appeal_internal_control", 8.0, 10.0),
    # --- 2024, IT (org development) ---
    _ind(2024, "CGO-A", "org_development", "it", "it_architecture_portal", 15.0, 30.0),
    _ind(2024, "CGO-A", "org_development", "it", "it_data_currency", 20.0, 20.0),
    _ind(2024, "CGO-A", "org_development", "it", "it_local_content", 2.5, 5.0),
    _ind(2024, "CGO-A", "org_development", "it", "it_unused_systems", -1.0, -5.0),
    _ind(2024, "CGO-B", "org_development", "it", "it_architecture_portal", 30.0, 30.0),
    _ind(2024, "CGO-B", "org_development", "it", "it_data_currency", 10.0, 20.0),
    # --- 2023 ---
    _ind(2023, "CGO-A", "interaction", "services", "svc_satisfaction", 9.0, 15.0),
    _ind(2023, "CGO-A", "interaction", "services", "svc_complaints", 9.0, 10.0),
    _ind(2023, "CGO-A", "interaction", "services", "svc_k1", 18.0, 25.0, role="criterion"),
    _ind(2023, "CGO-A", "interaction", "appeals", "appeal_review_timeliness", 36.0, 40.0),
]

DIRECTIONS = [
    # year, agency, block, direction, raw_score, reporting_penalty, score, score_rounded, is_provisional
    (2024, "CGO-A", "interaction", "services", 80.0, 2.2, 77.8, 77.8, False),
    (2024, "CGO-B", "interaction", "services", 90.0, 0.0, 90.0, 90.0, False),
    (2024, "CGO-C", "interaction", "services", 70.0, 0.0, 70.0, 70.0, False),
    (2024, "MIO-35", "interaction", "services", 88.0, 0.0, 88.0, 88.0, False),
    (2024, "MIO-71", "interaction", "services", 45.5, 0.0, 45.5, 45.5, False),
    (2024, "CGO-A", "interaction", "appeals", 85.0, 0.0, 85.0, 85.0, True),
    (2024, "CGO-B", "interaction", "appeals", 86.0, 0.0, 86.0, 86.0, False),
    (2024, "CGO-C", "interaction", "appeals", 83.0, 0.0, 83.0, 83.0, False),
    (2024, "CGO-A", "org_development", "it", 60.0, 0.4, 59.6, 59.6, False),
    (2024, "CGO-B", "org_development", "it", 72.0, 0.0, 72.0, 72.0, False),
    (2023, "CGO-A", "interaction", "services", 70.0, 0.0, 70.0, 70.0, False),
    (2023, "CGO-A", "interaction", "appeals", 80.0, 0.0, 80.0, 80.0, False),
]

BLOCKS = [
    # year, agency, block, body_type, score, score_rounded, tier, tier_label, rank, is_provisional
    (2024, "CGO-B", "interaction", "CGO", 92.5, 92.5, "high", "Высокая", 1, False),
    (2024, "CGO-A", "interaction", "CGO", 81.2, 81.2, "medium", "Средняя", 2, True),
    (2024, "CGO-C", "interaction", "CGO", 62.0, 62.0, "low", "Низкая", 3, False),
    (2024, "MIO-35", "interaction", "MIO", 88.0, 88.0, "medium", "Средняя", 1, False),
    (2024, "MIO-71", "interaction", "MIO", 45.5, 45.5, "ineffective", "Неэффективная", 2, False),
    (2024, "CGO-B", "org_development", "CGO", 72.0, 72.0, "medium", "Средняя", 1, False),
    (2024, "CGO-A", "org_development", "CGO", 59.6, 59.6, "low", "Низкая", 2, False),
    (2023, "CGO-B", "interaction", "CGO", 95.0, 95.0, "high", "Высокая", 1, False),
    (2023, "CGO-A", "interaction", "CGO", 75.0, 75.0, "medium", "Средняя", 2, False),
    (2023, "CGO-C", "interaction", "CGO", 60.0, 60.0, "low", "Низкая", 3, False),
    (2023, "MIO-35", "interaction", "MIO", 85.0, 85.0, "medium", "Средняя", 1, False),
    (2023, "MIO-71", "interaction", "MIO", 50.0, 50.0, "low", "Низкая", 2, False),
]

# fct_national_rollup 2024 and 2023, hand-computed from BLOCKS:
#   interaction CGO: mean (92.5 + 81.2 + 62.0) / 3 = 78.5667, median 81.2, min 62.0, max 92.5,
#                    previous mean (95 + 75 + 60) / 3 = 76.6667, change +1.9
#   interaction MIO: mean (88 + 45.5) / 2 = 66.75 = median, previous (85 + 50) / 2 = 67.5, change −0.75
#   regions 35: 88 (prev 85, +3); 71: 45.5 (prev 50, −4.5)
#   org_development CGO: mean (72 + 59.6) / 2 = 65.8, no previous year
ROLLUP = [
    # year, block, body_type, region, agencies, mean, median, min, max, high, medium, low, ineff, prev_mean, change
    (2024, "interaction", "CGO", "KZ", 3, 235.7 / 3, 81.2, 62.0, 92.5, 1, 1, 1, 0, 230.0 / 3, 235.7 / 3 - 230.0 / 3),
    (2024, "interaction", "MIO", "KZ", 2, 66.75, 66.75, 45.5, 88.0, 0, 1, 0, 1, 67.5, -0.75),
    (2024, "interaction", "MIO", "35", 1, 88.0, 88.0, 88.0, 88.0, 0, 1, 0, 0, 85.0, 3.0),
    (2024, "interaction", "MIO", "71", 1, 45.5, 45.5, 45.5, 45.5, 0, 0, 0, 1, 50.0, -4.5),
    (2024, "org_development", "CGO", "KZ", 2, 65.8, 65.8, 59.6, 72.0, 0, 1, 1, 0, None, None),
    # 2023 as the mart rounds it: interaction CGO mean 230 / 3 = 76.67, median 75; MIO (85 + 50) / 2 = 67.5
    (2023, "interaction", "CGO", "KZ", 3, 76.67, 75.0, 60.0, 95.0, 1, 1, 1, 0, None, None),
    (2023, "interaction", "MIO", "KZ", 2, 67.5, 67.5, 50.0, 85.0, 0, 1, 1, 0, None, None),
    (2023, "interaction", "MIO", "35", 1, 85.0, 85.0, 85.0, 85.0, 0, 1, 0, 0, None, None),
    (2023, "interaction", "MIO", "71", 1, 50.0, 50.0, 50.0, 50.0, 0, 0, 1, 0, None, None),
]

DDL = {
    "dim_agencies": "agency_id VARCHAR, name_ru VARCHAR, name_kk VARCHAR, body_type VARCHAR, parent_agency_id VARCHAR, "
    "assessed_agency_id VARCHAR, is_assessed BOOLEAN, region_code VARCHAR, level VARCHAR",
    "fct_indicator_scores": "year BIGINT, agency_id VARCHAR, block VARCHAR, direction VARCHAR, indicator VARCHAR, "
    "role VARCHAR, value DOUBLE, max_points DOUBLE, reading VARCHAR, is_provisional BOOLEAN, inputs VARCHAR",
    "fct_direction_scores": "year BIGINT, agency_id VARCHAR, block VARCHAR, direction VARCHAR, raw_score DOUBLE, "
    "reporting_penalty DOUBLE, score DOUBLE, score_rounded DOUBLE, is_provisional BOOLEAN",
    "fct_block_scores": "year BIGINT, agency_id VARCHAR, block VARCHAR, body_type VARCHAR, score DOUBLE, "
    "score_rounded DOUBLE, efficiency_tier VARCHAR, tier_label_ru VARCHAR, rank_in_body_type BIGINT, "
    "is_provisional BOOLEAN",
    "fct_national_rollup": "year BIGINT, block VARCHAR, body_type VARCHAR, region_code VARCHAR, agencies BIGINT, "
    "mean_score DOUBLE, median_score DOUBLE, min_score DOUBLE, max_score DOUBLE, tier_high BIGINT, "
    "tier_medium BIGINT, tier_low BIGINT, tier_ineffective BIGINT, previous_mean_score DOUBLE, "
    "mean_change_vs_previous_year DOUBLE",
}
ROWS = {
    "dim_agencies": AGENCIES,
    "fct_indicator_scores": INDICATORS,
    "fct_direction_scores": DIRECTIONS,
    "fct_block_scores": BLOCKS,
    "fct_national_rollup": ROLLUP,
}


def build_warehouse(path: Path, with_rollup: bool = True) -> Path:
    """Write the marts tables above into a new DuckDB file."""
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE SCHEMA marts")
        for table, ddl in DDL.items():
            if table == "fct_national_rollup" and not with_rollup:
                continue
            con.execute(f"CREATE TABLE marts.{table} ({ddl})")
            width = len(ROWS[table][0])
            con.executemany(f"INSERT INTO marts.{table} VALUES ({', '.join('?' * width)})", ROWS[table])
    return path


@pytest.fixture(scope="session")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Built once: reports only read it (test_reports_cli checks it stays byte-identical)."""
    return build_warehouse(tmp_path_factory.mktemp("warehouse") / "kzeval.duckdb")


@pytest.fixture
def make_warehouse(tmp_path: Path) -> Callable[..., Path]:
    """Another fixture warehouse, e.g. without fct_national_rollup."""

    def make(name: str = "other.duckdb", with_rollup: bool = True) -> Path:
        folder = tmp_path / "warehouses"
        folder.mkdir(exist_ok=True)
        return build_warehouse(folder / name, with_rollup=with_rollup)

    return make


@pytest.fixture(scope="session")
def snapshot(warehouse: Path) -> Snapshot:
    return load_snapshot(warehouse, 2024)
