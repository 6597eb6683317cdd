"""Corps «Б» editions by period and the annual mean over quarters (issue 15 items 4 and 5).

Quarters ending before 1 July 2025: ranking method (seed 002: p1 … p4, Σ/4, no caps, only the
one-month exclusion). From 2025 Q3: seed 000 (five parameters, caps, 15 worked days).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from kzeval.corps_b import annual_grades, quarter_scores, quarterly_scores
from kzeval.landing.loader import check_file
from kzeval.methodology import active_readings
from kzeval.methodology import corps_b_2025 as m


def sheet(employee: str, year: int, quarter: int, p: tuple[float, ...], **overrides: Any) -> dict[str, Any]:
    values = [float(v) for v in p] + [None] * (5 - len(p))
    row: dict[str, Any] = {
        "employee_id": employee,
        "agency_id": "A",
        "year": year,
        "quarter": quarter,
        "sheet": "non_leader",
        **{f"p{i}": v for i, v in enumerate(values, start=1)},
        "sanction": "none",
        "days_in_position": 92,
        "worked_days": 60,
        "calibrated_score": None,
        "period_end": None,
    }
    row.update(overrides)
    return row


def frame(*rows: dict[str, Any]) -> pl.DataFrame:
    return pl.DataFrame(
        list(rows),
        schema_overrides={"calibrated_score": pl.Float64, "p5": pl.Float64, "period_end": pl.Date},
    )


def one(row: dict[str, Any]) -> dict[str, Any]:
    result = quarterly_scores(frame(row), row["year"])
    assert result.height == 1
    return result.row(0, named=True)


def annual_of(rows: pl.DataFrame, year: int, **readings: str) -> dict[str, Any]:
    annual = annual_grades(rows, year, active_readings(readings) if readings else None)
    assert annual.height == 1
    return annual.row(0, named=True)


# --- editions by period --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("year", "quarter", "edition"),
    [
        (2017, 4, None),  # ends 31.12.2017: before order No 13 of 2018, no edition in the seeds
        (2018, 1, "2018"),
        (2024, 4, "2018"),
        (2025, 2, "2018"),  # ends 30.06.2025: before 1 July 2025 → ranking
        (2025, 3, "2025"),  # ends 30.09.2025: on or after 1 July 2025 → seed 000
        (2026, 1, "2025"),
    ],
)
def test_edition_of_a_quarter(year: int, quarter: int, edition: str | None) -> None:
    p = (4, 4, 4, 4, 4) if edition == "2025" else (4, 4, 4, 4)
    r = one(sheet("e", year, quarter, p))
    assert r["edition"] == edition
    assert r["is_assessed"] is (edition is not None)


def test_ranking_sheet_is_the_mean_of_four_parameters_without_a_cap() -> None:
    # 2025 Q2, ranking: (4 + 4 + 3 + 3) / 4 = 14 / 4 = 3.50; a severe sanction caps nothing
    r = one(sheet("e", 2025, 2, (4, 4, 3, 3), sanction="severe"))
    assert (r["edition"], r["sheet_average"], r["sanction_cap"], r["score"], r["grade"]) == (
        "2018",
        3.50,
        None,
        3.50,
        "proper",
    )
    # 2025 Q3, seed 000: (4 + 4 + 3 + 3 + 3) / 5 = 17 / 5 = 3.40 → severe cap 1.99
    r = one(sheet("e", 2025, 3, (4, 4, 3, 3, 3), sanction="severe"))
    assert (r["edition"], r["sheet_average"], r["sanction_cap"], r["score"], r["grade"]) == (
        "2025",
        3.40,
        1.99,
        1.99,
        "unsatisfactory",
    )


def test_ranking_sheet_rounds_half_up_at_two_decimals() -> None:
    # (4 + 4 + 4 + 3.94) / 4 = 15.94 / 4 = 3.985 → 3.99 (half up); (4 + 4 + 4 + 3.9) / 4 = 3.975 → 3.98
    assert one(sheet("e", 2024, 1, (4, 4, 4, 3.94)))["score"] == 3.99
    assert one(sheet("e", 2024, 1, (4, 4, 4, 3.9)))["score"] == 3.98
    # a calibration session replaces the ranking score as it does the seed 000 score
    assert one(sheet("e", 2024, 1, (2, 2, 2, 2), calibrated_score=3.0))["score"] == 3.00


@pytest.mark.parametrize(
    ("year", "quarter", "days", "worked", "reason"),
    [
        (2024, 3, 92, 10, None),  # ranking (seed 002 para. 6): no worked-days rule
        (2024, 3, 29, 20, "days_in_position_under_one_month"),
        (2024, 3, 30, 20, None),
        (2025, 3, 92, 14, "worked_days_under_15"),  # seed 000 para. 6: ≥ 15 worked days
        (2025, 3, 92, 15, None),
    ],
)
def test_exclusions_per_edition(year: int, quarter: int, days: int, worked: int, reason: str | None) -> None:
    p = (4, 4, 4, 4, 4) if year >= 2025 and quarter >= 3 else (4, 4, 4, 4)
    r = one(sheet("e", year, quarter, p, days_in_position=days, worked_days=worked))
    assert r["exclusion_reason"] == reason
    assert r["is_assessed"] is (reason is None)


def test_year_2025_mixes_both_editions_and_stores_them() -> None:
    # Q1 ranking (4·4)/4 = 4.00; Q2 ranking (3·4)/4 = 3.00; Q3 seed 000 (5·5)/5 = 5.00 with a reprimand → 2.99;
    # Q4 seed 000 (4·5)/5 = 4.00. Annual (4.00 + 3.00 + 2.99 + 4.00) / 4 = 13.99 / 4 = 3.4975 → 3.50
    rows = frame(
        sheet("e", 2025, 1, (4, 4, 4, 4)),
        sheet("e", 2025, 2, (3, 3, 3, 3)),
        sheet("e", 2025, 3, (5, 5, 5, 5, 5), sanction="reprimand"),
        sheet("e", 2025, 4, (4, 4, 4, 4, 4)),
    )
    r = annual_of(rows, 2025)
    assert (r["annual_score"], r["grade"], r["quarters_assessed"], r["edition"]) == (3.50, "proper", 4, "2018+2025")
    only_ranking = annual_of(frame(sheet("f", 2024, 1, (4, 4, 4, 4))), 2024)
    assert only_ranking["edition"] == "2018"


# --- the annual score is a mean over quarters (para. 5) ---------------------------------------------


def _moved_in_q2() -> pl.DataFrame:
    # Q1: 4.00. Q2: moved on 16 May — post A (3.00, 1 Apr – 15 May, 45 days) then post B (4.50, to 30 June)
    return frame(
        sheet("e", 2026, 1, (4, 4, 4, 4, 4)),
        sheet("e", 2026, 2, (3, 3, 3, 3, 3), days_in_position=45, worked_days=30, period_end=dt.date(2026, 5, 15)),
        sheet(
            "e",
            2026,
            2,
            (4.5, 4.5, 4.5, 4.5, 4.5),
            agency_id="B",
            days_in_position=46,
            worked_days=31,
            period_end=dt.date(2026, 6, 30),
        ),
    )


def test_quarter_with_two_sheets_default_sheet_mean() -> None:
    # Q2 = (3.00 + 4.50) / 2 = 3.75; annual (4.00 + 3.75) / 2 = 7.75 / 2 = 3.875 → 3.88 «надлежащим образом»
    # (the old mean over sheets, (4.00 + 3.00 + 4.50) / 3 = 3.83, counted Q2 twice)
    r = annual_of(_moved_in_q2(), 2026)
    assert (r["annual_score"], r["grade"], r["quarters_assessed"], r["sheets_assessed"]) == (3.88, "proper", 2, 3)
    assert r["agency_id"] == "B"  # the post held last
    assert "corps_b.quarter_score=sheet_mean" in r["reading"]


def test_quarter_with_two_sheets_quarter_end_post_reading() -> None:
    # Q2 = the sheet of post B, held on 30 June: 4.50; annual (4.00 + 4.50) / 2 = 4.25 «эффективно»
    r = annual_of(_moved_in_q2(), 2026, **{m.QUARTER_SCORE: "quarter_end_post"})
    assert (r["annual_score"], r["grade"], r["quarters_assessed"]) == (4.25, "effective", 2)
    assert "corps_b.quarter_score=quarter_end_post" in r["reading"]


def test_quarter_end_post_without_period_end_falls_back_to_the_mean() -> None:
    rows = _moved_in_q2().with_columns(pl.lit(None, dtype=pl.Date).alias("period_end"))
    # the landing data do not say which post came last: Q2 = mean 3.75, annual 3.88 as by default
    r = annual_of(rows, 2026, **{m.QUARTER_SCORE: "quarter_end_post"})
    assert r["annual_score"] == 3.88


def test_quarter_mean_rounds_half_up_in_hundredths() -> None:
    sheets = pl.DataFrame(
        {
            "employee_id": ["e", "e", "f"],
            "quarter": [1, 1, 1],
            "score_hundredths": [301, 400, 350],
            "assessed_agency_id": ["A", "B", "A"],
            "days_in_position": [40, 50, 90],
            "worked_days": [30, 30, 60],
            "edition": ["2025", "2025", "2025"],
        },
        schema_overrides={"score_hundredths": pl.Int64},
    )
    # e: (3.01 + 4.00) / 2 = 3.505 → 3.51 (⌊(2·701 + 2) / 4⌋ = 351); f: one sheet, 3.50
    result = {r["employee_id"]: r for r in quarter_scores(sheets, "sheet_mean").iter_rows(named=True)}
    assert (result["e"]["score_hundredths"], result["e"]["sheets"]) == (351, 2)
    assert result["e"]["assessed_agency_id"] == "B"  # no period_end: the post held longer
    assert (result["f"]["score_hundredths"], result["f"]["sheets"]) == (350, 1)
    with pytest.raises(ValueError, match="unknown option"):
        quarter_scores(sheets, "last")


def test_quarter_score_reading_is_listed_with_its_legal_text() -> None:
    definition = active_readings().definitions[m.QUARTER_SCORE]
    assert definition.default == "sheet_mean"
    assert set(definition.options) == {"sheet_mean", "quarter_end_post"}
    assert "за отчетные кварталы" in definition.legal_text


# --- landing rules ----------------------------------------------------------------------------------

HEADER = (
    "employee_id,agency_id,year,quarter,sheet,p1,p2,p3,p4,p5,sanction,days_in_position,worked_days,calibrated_score\n"
)


def test_landing_rejects_kpi_sheets_and_sheets_of_the_wrong_edition(tmp_path: Path) -> None:
    path = tmp_path / "corps_b_evaluations" / "sheets.csv"
    path.parent.mkdir()
    path.write_text(
        HEADER
        + "E1,A,2025,2,non_leader,4,4,4,3,,none,92,60,\n"  # ranking, p5 empty: good
        + "E2,A,2025,2,non_leader,4,4,4,3,4,none,92,60,\n"  # ranking with a fifth parameter
        + "E3,A,2025,3,non_leader,4,4,4,3,,none,92,60,\n"  # seed 000 without p5
        + "E4,A,2024,3,kpi,4,4,4,3,,none,92,60,\n"  # KPI sheet of a head
        + "E5,A,2017,3,leader,4,4,4,3,,none,92,60,\n"  # before 2018
        + "E6,A,2025,3,leader,4,4,4,3,5,none,92,60,\n",  # seed 000: good
        encoding="utf-8",
    )
    checked = check_file(path, "corps_b_evaluations", {"A"}, hold_back_share=1.0)
    assert checked.good["employee_id"].to_list() == ["E1", "E6"]
    reasons = {(r["row_number"], r["column_name"]): r["reason"] for r in checked.quarantine.iter_rows(named=True)}
    assert set(reasons) == {(2, "p5"), (3, "p5"), (4, "sheet"), (5, "year")}
    assert "four parameters" in reasons[(2, "p5")]
    assert "p5 is required" in reasons[(3, "p5")]
    assert "admissible-score table" in reasons[(4, "sheet")] and "App. 3" in reasons[(4, "sheet")]
    assert "before 2018" in reasons[(5, "year")]


def test_the_edition_is_stored_with_the_annual_score_in_the_warehouse() -> None:
    import duckdb

    from kzeval.landing.loader import ensure_tables
    from kzeval.steps.context import RunContext
    from kzeval.steps.core import build_agencies, compute_corps_b_year, ensure_core_tables
    from kzeval.warehouse import ensure_schemas

    con = duckdb.connect()
    ensure_schemas(con)
    ensure_tables(con)
    # a warehouse created before the edition column existed
    con.execute(
        "CREATE TABLE core.corps_b_annual (year BIGINT, employee_pseudonym VARCHAR, agency_id VARCHAR, "
        "quarters_assessed BIGINT, sheets_assessed BIGINT, annual_score DOUBLE, grade VARCHAR, "
        "grade_label_ru VARCHAR, reading VARCHAR)"
    )
    ensure_core_tables(con)
    con.execute(
        "INSERT INTO raw.agencies (agency_id, name_ru, body_type, is_assessed, level, _file_sha256, _file_path, "
        "_row_number) VALUES ('A', 'Министерство', 'CGO', true, 'central', 'sha-a', 'a.csv', 1)"
    )
    rows = frame(sheet("e", 2025, 2, (4, 4, 4, 4)), sheet("e", 2025, 3, (3, 3, 3, 3, 3)))
    con.register("_rows", rows.with_columns(pl.lit("sha").alias("_file_sha256"), pl.lit("c.csv").alias("_file_path")))
    con.execute("INSERT INTO raw.corps_b_evaluations BY NAME SELECT *, 1 AS _row_number FROM _rows")
    build_agencies(con)
    compute_corps_b_year(con, RunContext.direct(2025, active_readings()))
    # Q2 ranking 4.00, Q3 seed 000 3.00 → (4.00 + 3.00) / 2 = 3.50
    assert con.execute("SELECT annual_score, edition FROM core.corps_b_annual").fetchall() == [(3.5, "2018+2025")]
