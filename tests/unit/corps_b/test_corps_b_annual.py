"""Annual grade (seed 000 para. 5 and 8): mean of assessed quarterly scores, 2 decimals half up, band."""

from __future__ import annotations

from typing import Any

import polars as pl

from kzeval.agencies import attach_assessed, resolve_hierarchy
from kzeval.corps_b import annual_grades

YEAR = 2026  # every quarter of 2026 is scored by seed 000 (the 2025 edition)

LABELS = {
    "effective": "Выполняет функциональные обязанности эффективно",
    "proper": "Выполняет функциональные обязанности надлежащим образом",
    "satisfactory": "Выполняет функциональные обязанности удовлетворительно",
    "unsatisfactory": "Выполняет функциональные обязанности не удовлетворительно",
}


def sheet(employee: str, quarter: int, p: tuple[float, ...], **overrides: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "employee_id": employee,
        "agency_id": "A",
        "year": YEAR,
        "quarter": quarter,
        "sheet": "non_leader",
        **{f"p{i}": float(v) for i, v in enumerate(p, start=1)},
        "sanction": "none",
        "days_in_position": 92,
        "worked_days": 60,
        "calibrated_score": None,
    }
    row.update(overrides)
    return row


def frame(*rows: dict[str, Any]) -> pl.DataFrame:
    return pl.DataFrame(list(rows), schema_overrides={"calibrated_score": pl.Float64})


def by_employee(annual: pl.DataFrame) -> dict[str, dict[str, Any]]:
    return {r["employee_pseudonym"]: r for r in annual.iter_rows(named=True)}


FOUR = (4, 4, 4, 4, 4)  # 20 / 5 = 4.00
THREE_99 = (4, 4, 4, 4, 3.95)  # 19.95 / 5 = 3.99
THREE_98 = (4, 4, 4, 4, 3.9)  # 19.9 / 5 = 3.98


def test_columns_match_the_mart() -> None:
    annual = annual_grades(frame(sheet("e", 1, FOUR)), YEAR)
    assert annual.columns == [
        "year",
        "employee_pseudonym",
        "agency_id",
        "quarters_assessed",
        "sheets_assessed",
        "annual_score",
        "grade",
        "grade_label_ru",
        "reading",
        "edition",
    ]


def test_annual_3_995_rounds_up_to_effective() -> None:
    # (4.00 + 3.99) / 2 = 3.995 → 4.00 half up → «эффективно»
    r = by_employee(annual_grades(frame(sheet("e", 1, FOUR), sheet("e", 2, THREE_99)), YEAR))["e"]
    assert (r["annual_score"], r["grade"], r["quarters_assessed"]) == (4.00, "effective", 2)
    assert r["grade_label_ru"] == LABELS["effective"]


def test_annual_below_half_rounds_down_to_proper() -> None:
    # (4.00 + 4.00 + 3.98) / 3 = 11.98 / 3 = 3.99333… → 3.99 → «надлежащим образом»
    rows = frame(sheet("e", 1, FOUR), sheet("e", 2, FOUR), sheet("e", 3, THREE_98))
    r = by_employee(annual_grades(rows, YEAR))["e"]
    assert (r["annual_score"], r["grade"]) == (3.99, "proper")
    assert r["grade_label_ru"] == LABELS["proper"]


def test_annual_four_quarters() -> None:
    # (3.99 + 3.99 + 3.99 + 4.00) / 4 = 15.97 / 4 = 3.9925 → 3.99
    rows = frame(sheet("e", 1, THREE_99), sheet("e", 2, THREE_99), sheet("e", 3, THREE_99), sheet("e", 4, FOUR))
    assert by_employee(annual_grades(rows, YEAR))["e"]["annual_score"] == 3.99
    # (3.99 + 4.00 + 4.00 + 4.00) / 4 = 15.99 / 4 = 3.9975 → 4.00
    rows = frame(sheet("f", 1, THREE_99), sheet("f", 2, FOUR), sheet("f", 3, FOUR), sheet("f", 4, FOUR))
    assert by_employee(annual_grades(rows, YEAR))["f"]["grade"] == "effective"


def test_capped_and_calibrated_quarters_enter_the_annual_mean() -> None:
    # Q1 (4+4+3+3+3)/5 = 3.40 → reprimand cap 2.99; Q2 3.40 calibrated to 4.50; Q3 (5·5)/5 = 5.00
    # annual (2.99 + 4.50 + 5.00) / 3 = 12.49 / 3 = 4.16333… → 4.16 → «эффективно»
    rows = frame(
        sheet("e", 1, (4, 4, 3, 3, 3), sanction="reprimand"),
        sheet("e", 2, (4, 4, 3, 3, 3), calibrated_score=4.5),
        sheet("e", 3, (5, 5, 5, 5, 5)),
    )
    r = by_employee(annual_grades(rows, YEAR))["e"]
    assert (r["annual_score"], r["grade"], r["quarters_assessed"]) == (4.16, "effective", 3)


def test_unsatisfactory_and_satisfactory_labels() -> None:
    # e: 2.50 with severe → 1.99 (single quarter) → «не удовлетворительно»; f: (2+2+2+3+3)/5 = 2.40
    rows = frame(sheet("e", 1, (3, 3, 2, 2, 2.5), sanction="severe"), sheet("f", 1, (2, 2, 2, 3, 3)))
    result = by_employee(annual_grades(rows, YEAR))
    assert (result["e"]["annual_score"], result["e"]["grade"]) == (1.99, "unsatisfactory")
    assert result["e"]["grade_label_ru"] == LABELS["unsatisfactory"]
    assert (result["f"]["annual_score"], result["f"]["grade"]) == (2.40, "satisfactory")
    assert result["f"]["grade_label_ru"] == LABELS["satisfactory"]


def test_dismissed_employee_assessed_for_quarters_worked() -> None:
    # dismissed in Q3 after 10 days: Q1 (5+4+4+4+4)/5 = 4.20, Q2 (4+4+4+3+3)/5 = 3.60, Q3 excluded
    # annual (4.20 + 3.60) / 2 = 3.90 → «надлежащим образом», 2 quarters assessed
    rows = frame(
        sheet("e", 1, (5, 4, 4, 4, 4)),
        sheet("e", 2, (4, 4, 4, 3, 3)),
        sheet("e", 3, (1, 1, 1, 1, 1), days_in_position=10, worked_days=8),
    )
    r = by_employee(annual_grades(rows, YEAR))["e"]
    assert (r["annual_score"], r["grade"], r["quarters_assessed"]) == (3.90, "proper", 2)


def test_excluded_quarters_do_not_count() -> None:
    # Q1 5.00 assessed; Q2 1.00 but only 14 worked days → not assessed; annual 5.00
    rows = frame(sheet("e", 1, (5, 5, 5, 5, 5)), sheet("e", 2, (1, 1, 1, 1, 1), worked_days=14))
    r = by_employee(annual_grades(rows, YEAR))["e"]
    assert (r["annual_score"], r["quarters_assessed"]) == (5.00, 1)


def test_employee_without_assessed_quarter_has_no_annual_grade() -> None:
    rows = frame(sheet("e", 4, FOUR, days_in_position=20), sheet("f", 1, FOUR))
    assert set(by_employee(annual_grades(rows, YEAR))) == {"f"}


def test_other_years_ignored() -> None:
    rows = frame(sheet("e", 1, FOUR), sheet("e", 2, (1, 1, 1, 1, 1), year=2025))
    r = by_employee(annual_grades(rows, YEAR))["e"]
    assert (r["annual_score"], r["year"], r["quarters_assessed"]) == (4.00, YEAR, 1)


def test_move_between_bodies_one_grade_attributed_to_latest_body() -> None:
    # Q1, Q2 in body A: 4.00, 4.00; Q3, Q4 in body B: 3.00, 3.00 → (4 + 4 + 3 + 3) / 4 = 3.50 in body B
    rows = frame(
        sheet("e", 1, FOUR),
        sheet("e", 2, FOUR),
        sheet("e", 3, (3, 3, 3, 3, 3), agency_id="B"),
        sheet("e", 4, (3, 3, 3, 3, 3), agency_id="B"),
    )
    annual = annual_grades(rows, YEAR)
    assert annual.height == 1
    r = annual.row(0, named=True)
    assert (r["agency_id"], r["annual_score"], r["quarters_assessed"]) == ("B", 3.50, 4)


def test_two_sheets_in_one_quarter_make_one_quarter_score() -> None:
    # moved mid-Q2 with ≥ 30 days in each post: sheets 4.00 (A, 45 days) and 3.00 (B, 46 days)
    # para. 5 averages quarters: Q2 = (4.00 + 3.00) / 2 = 3.50; annual (4.00 + 3.50) / 2 quarters = 3.75
    # (over sheets it would have been (4 + 4 + 3) / 3 = 3.67); latest sheet: Q2, more days → B
    rows = frame(
        sheet("e", 1, FOUR),
        sheet("e", 2, FOUR, days_in_position=45, worked_days=30),
        sheet("e", 2, (3, 3, 3, 3, 3), agency_id="B", days_in_position=46, worked_days=31),
    )
    r = by_employee(annual_grades(rows, YEAR))["e"]
    assert (r["annual_score"], r["quarters_assessed"], r["sheets_assessed"], r["agency_id"]) == (3.75, 2, 3, "B")
    assert r["grade"] == "proper"


def test_units_roll_up_to_their_assessed_body() -> None:
    agencies = pl.DataFrame(
        {
            "agency_id": ["MIN", "MIN-DEP1", "MIN-DEP2"],
            "parent_agency_id": [None, "MIN", "MIN"],
            "is_assessed": [True, False, False],
            "body_type": ["CGO", "CGO", "CGO"],
            "name_ru": ["Министерство", "Департамент 1", "Департамент 2"],
            "region_code": [None, None, None],
        }
    )
    rows = attach_assessed(
        frame(sheet("e", 1, FOUR, agency_id="MIN-DEP1"), sheet("e", 2, FOUR, agency_id="MIN-DEP2")),
        resolve_hierarchy(agencies),
    )
    annual = annual_grades(rows, YEAR)
    assert annual.get_column("agency_id").to_list() == ["MIN"]


def test_empty_input_gives_empty_frame_with_mart_columns() -> None:
    annual = annual_grades(frame(sheet("e", 1, FOUR)).clear(), YEAR)
    assert annual.height == 0
    assert annual.schema["annual_score"] == pl.Float64
