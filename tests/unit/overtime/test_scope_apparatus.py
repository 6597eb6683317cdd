"""Para. 40(1) scope of m, p and n: the akim's apparatus, not the akimat's departments (issues 15, 21).

«Для МИО применяется средняя фактическая численность работников аппарата акима области, столицы
и городов республиканского значения» — landing ``agencies.is_apparatus``; without it the level
rule is the fallback (N1 provisional), and it leaves out cities of oblast significance (para. 28).
"""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from kzeval.calendars import load_calendar
from kzeval.indicators.overtime_points import overtime_indicator_rows
from kzeval.overtime import (
    SCOPE_APPARATUS,
    SCOPE_LEVEL_RULE,
    apparatus_marked_bodies,
    compute_fct_overtime,
    compute_overtime_daily,
    overtime_scope_units,
)

CAL = load_calendar(2024)
SCHEMA = {
    "agency_id": pl.Utf8,
    "name_ru": pl.Utf8,
    "body_type": pl.Utf8,
    "parent_agency_id": pl.Utf8,
    "is_assessed": pl.Boolean,
    "region_code": pl.Utf8,
    "level": pl.Utf8,
    "workday_end": pl.Utf8,
    "is_apparatus": pl.Boolean,
}


def _agencies(rows: list[tuple]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=SCHEMA, orient="row")


# MIO «AKM»: the akim's apparatus (oblast), a department (управление, oblast level, a separate body
# of the same level), a city of oblast significance and a district; CGO «MIN»: central office,
# committee, territorial department.
TREE = [
    ("AKM", "Аппарат акима области", "MIO", None, True, "35", "oblast", "18:30", True),
    ("AKM-U", "Управление здравоохранения", "MIO", "AKM", False, "35", "oblast", "18:30", False),
    ("AKM-G", "Аппарат акима города Темиртау", "MIO", "AKM", False, "35", "city", "18:30", False),
    ("AKM-D", "Аппарат акима района", "MIO", "AKM", False, "35", "district", "18:30", False),
    ("MIN", "Министерство", "CGO", None, True, None, "central", "18:30", True),
    ("MIN-C", "Комитет", "CGO", "MIN", False, None, "central", "18:30", True),
    ("MIN-T", "Департамент по области", "CGO", "MIN-C", False, "35", "territorial", "18:30", False),
]


def _without_marks(rows: list[tuple]) -> pl.DataFrame:
    return _agencies(rows).with_columns(pl.lit(None, dtype=pl.Boolean).alias("is_apparatus"))


def test_scope_with_is_apparatus_is_the_apparatus_only() -> None:
    scope = overtime_scope_units(_agencies(TREE)).sort("agency_id")
    assert scope["agency_id"].to_list() == ["AKM", "MIN", "MIN-C"]  # no department, no city, no district
    assert set(scope["scope_source"]) == {SCOPE_APPARATUS}
    assert apparatus_marked_bodies(_agencies(TREE)) == {"AKM", "MIN"}


def test_fallback_level_rule_keeps_departments_but_not_a_city_of_oblast_significance() -> None:
    scope = overtime_scope_units(_without_marks(TREE)).sort("agency_id")
    # MIO: level oblast (the apparatus and the department); the `city` under an oblast is a city of
    # oblast significance (para. 28: «за исключением … городов областного значения») → out.
    assert scope["agency_id"].to_list() == ["AKM", "AKM-U", "MIN", "MIN-C"]
    assert set(scope["scope_source"]) == {SCOPE_LEVEL_RULE}


def test_fallback_keeps_a_city_of_republican_significance() -> None:
    rows = [("ALA", "Аппарат акима города Алматы", "MIO", None, True, "75", "city", "18:30", None)]
    assert overtime_scope_units(_agencies(rows))["agency_id"].to_list() == ["ALA"]


def test_marks_apply_per_body() -> None:
    """A body without marks falls back to the level rule even when another body has them."""
    rows = [*TREE[:4], *[(*r[:-1], None) for r in TREE[4:]]]
    scope = overtime_scope_units(_agencies(rows)).sort("agency_id")
    assert dict(zip(scope["agency_id"], scope["scope_source"], strict=True)) == {
        "AKM": SCOPE_APPARATUS,
        "MIN": SCOPE_LEVEL_RULE,
        "MIN-C": SCOPE_LEVEL_RULE,
    }


def _events(rows: list[tuple[str, str, str, str]]) -> pl.DataFrame:
    from datetime import datetime

    return pl.DataFrame(
        {
            "employee_id": [r[0] for r in rows],
            "agency_id": [r[1] for r in rows],
            "event_ts": [datetime.fromisoformat(r[2]) for r in rows],
            "direction": [r[3] for r in rows],
        },
        schema={"employee_id": pl.Utf8, "agency_id": pl.Utf8, "event_ts": pl.Datetime("us"), "direction": pl.Utf8},
    )


def _headcount(per_unit: dict[str, int]) -> pl.DataFrame:
    ends = pl.date_range(date(2024, 1, 1), date(2024, 12, 1), "1mo", eager=True).dt.month_end().to_list()
    rows = [(unit, end, n, n) for unit, n in per_unit.items() for end in ends]
    return pl.DataFrame(
        rows,
        schema={"agency_id": pl.Utf8, "month_end": pl.Date, "actual_headcount": pl.Int64, "staff_posts": pl.Int64},
        orient="row",
    )


def test_mio_departments_working_far_more_overtime_do_not_enter_n1(con) -> None:
    """The apparatus: 1 h after 19:00 on one Tuesday; the department: 5 h on each of four Tuesdays."""
    events = [("a1", "AKM", "2024-04-02 09:00", "in"), ("a1", "AKM", "2024-04-02 20:00", "out")]  # 19:00–20:00
    for day in ("2024-04-02", "2024-04-09", "2024-04-16", "2024-04-23"):
        events += [("u1", "AKM-U", f"{day} 09:00", "in"), ("u1", "AKM-U", f"{day} 23:59", "out")]  # 19:00–23:59
    headcount = _headcount({"AKM": 2, "AKM-U": 10, "AKM-D": 30})
    marked = compute_fct_overtime(con, _events(events), _agencies(TREE[:4]), CAL, None, headcount, 2024)
    row = marked.row(0, named=True)
    # m = 1 h of the apparatus only; n = 2 (the department's 10 and the district's 30 are out)
    assert row["workday_overtime_hours"] == pytest.approx(1.0)
    assert row["avg_headcount"] == pytest.approx(2.0)
    # d = 249 → b = (249 − 21) × 8 = 1824; a = 1824 + 1 / 2 = 1824,5
    assert row["avg_workday_hours"] == pytest.approx(1824.5)
    rows = {r.indicator: r for r in overtime_indicator_rows(row, "MIO", SCOPE_APPARATUS)}
    # N1 = 5 × (1 − 8 × (1824,5 / 1824 − 1)) = 5 × (1 − 8 × 0,5 / 1824) = 5 − 20 / 1824 = 4,98904
    assert rows["hr_overtime_quantitative"].value == pytest.approx(5 - 20 / 1824)
    assert not rows["hr_overtime_quantitative"].is_provisional

    fallback = compute_fct_overtime(con, _events(events), _without_marks(TREE[:4]), CAL, None, headcount, 2024)
    frow = fallback.row(0, named=True)
    # level rule: the department enters: m = 1 + 4 × 4,9833 h (19:00–23:59), n = 2 + 10 = 12
    dept = 4 * (4 + 59 / 60)
    assert frow["workday_overtime_hours"] == pytest.approx(1 + dept)
    assert frow["avg_headcount"] == pytest.approx(12.0)
    frows = {r.indicator: r for r in overtime_indicator_rows(frow, "MIO", SCOPE_LEVEL_RULE)}
    # a = 1824 + 20,933 / 12; N1 = 5 × (1 − 8 × (20,933 / 12) / 1824) = 4,9522 — provisional
    assert frows["hr_overtime_quantitative"].value == pytest.approx(5 * (1 - 8 * ((1 + dept) / 12) / 1824))
    assert frows["hr_overtime_quantitative"].is_provisional
    assert frows["hr_overtime_quantitative"].inputs["scope"] == SCOPE_LEVEL_RULE
    assert not frows["normal_hours"].is_provisional  # b does not depend on the scope


@pytest.mark.parametrize(
    ("out_at", "deduction", "threshold"),
    [
        ("18:50", 0.0, 0.0),  # inside the 30 minutes: nothing either way
        ("19:00", 0.0, 0.0),  # exactly end + 30 min: not past the threshold
        ("19:10", 10 / 60, 40 / 60),  # deduction: 19:00–19:10; threshold: 18:30–19:10
        ("21:00", 2.0, 2.5),
    ],
)
def test_exit_allowance_reading(con, out_at: str, deduction: float, threshold: float) -> None:
    """Reading hr.overtime_exit_allowance on a Tuesday with workday_end 18:30."""
    events = _events([("a1", "AKM", "2024-04-02 09:00", "in"), ("a1", "AKM", f"2024-04-02 {out_at}", "out")])
    got = {}
    for mode in ("deduction", "threshold"):
        rel = compute_overtime_daily(
            con,
            events,
            _agencies(TREE[:1]),
            CAL,
            None,
            date_from=date(2024, 4, 1),
            date_to=date(2024, 4, 8),
            target=f"daily_{mode}",
            exit_allowance=mode,
        )
        got[mode] = rel.pl()["workday_overtime_hours"].sum()
    assert got["deduction"] == pytest.approx(deduction)
    assert got["threshold"] == pytest.approx(threshold)


def test_missing_headcount_month_flags_n1_and_the_reading_divides_by_months() -> None:
    # stored n = Σ / 12 = 1100 / 12 (December missing); m = 110 h; d = 249 → b = 1824
    row = {
        "agency_id": "AKM",
        "workday_overtime_hours": 110.0,
        "weekend_overtime_hours": 0.0,
        "avg_headcount": 1100 / 12,
        "workdays": 249,
    }
    default = {r.indicator: r for r in overtime_indicator_rows(row, "MIO", SCOPE_APPARATUS, headcount_months=11)}
    n1 = default["hr_overtime_quantitative"]
    # a = 1824 + 110 / 91,667 = 1825,2; N1 = 5 × (1 − 8 × 1,2 / 1824) = 4,97368
    assert n1.value == pytest.approx(5 * (1 - 8 * (110 / (1100 / 12)) / 1824))
    assert n1.is_provisional and n1.inputs["headcount_months_missing"] is True
    by_months = {
        r.indicator: r
        for r in overtime_indicator_rows(
            row, "MIO", SCOPE_APPARATUS, headcount_months=11, headcount_reading="months_reported"
        )
    }
    # n = 1100 / 11 = 100 → a = 1824 + 1,1; N1 = 5 × (1 − 8 × 1,1 / 1824) = 4,97588
    assert by_months["hr_overtime_quantitative"].value == pytest.approx(5 * (1 - 8 * 1.1 / 1824))
    complete = {r.indicator: r for r in overtime_indicator_rows(row, "MIO", SCOPE_APPARATUS, headcount_months=12)}
    assert not complete["hr_overtime_quantitative"].is_provisional


@pytest.mark.parametrize("reading", ["divide_by_12", "months_reported"])
def test_n1_is_the_same_whichever_divisor_the_stored_row_used(reading: str) -> None:
    # Σ month-end headcount = 1100 over 11 months; m = 110 h; d = 249 → b = 1824.
    # A row stored under divide_by_12 holds n = 1100 / 12 (divisor 12), one stored under
    # months_reported n = 100 (divisor 11): N1 follows the reading asked for, not the stored divisor.
    base = {"agency_id": "AKM", "workday_overtime_hours": 110.0, "weekend_overtime_hours": 0.0, "workdays": 249}
    by_12 = {**base, "avg_headcount": 1100 / 12, "headcount_divisor": 12}
    by_11 = {**base, "avg_headcount": 100.0, "headcount_divisor": 11}
    # divide_by_12: N1 = 5 × (1 − 8 × (110 / 91,667) / 1824) = 4,97368; months_reported: 5 × (1 − 8 × 1,1 / 1824)
    expected = 5 * (1 - 8 * (110 / (1100 / 12)) / 1824) if reading == "divide_by_12" else 5 * (1 - 8 * 1.1 / 1824)
    for row in (by_12, by_11):
        rows = {
            r.indicator: r
            for r in overtime_indicator_rows(
                row, "MIO", SCOPE_APPARATUS, headcount_months=11, headcount_reading=reading
            )
        }
        assert rows["hr_overtime_quantitative"].value == pytest.approx(expected)
