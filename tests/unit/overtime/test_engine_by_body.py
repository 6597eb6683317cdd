"""Per assessed body: m, p, n, d, b, a, s and unclosed days (para. 40 (1)–(2), scope para. 28)."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from kzeval.calendars import load_calendar
from kzeval.overtime import (
    FCT_OVERTIME_SCHEMA,
    compute_fct_overtime,
    compute_overtime_by_body,
    compute_overtime_month,
    overtime_scope_units,
    unclosed_days_by_unit,
)

CAL = load_calendar(2024)


@pytest.fixture
def agencies3(agencies: pl.DataFrame) -> pl.DataFrame:
    """The shared tree plus a CGO «MIN2» that has turnstile data but no headcount."""
    extra = pl.DataFrame(
        {
            "agency_id": ["MIN2"],
            "name_ru": ["Агентство"],
            "body_type": ["CGO"],
            "parent_agency_id": [None],
            "is_assessed": [True],
            "region_code": [None],
            "level": ["central"],
            "workday_end": [None],
        },
        schema=agencies.schema,
    )
    return pl.concat([agencies, extra])


@pytest.fixture
def year_events(make_events) -> pl.DataFrame:
    return make_events(
        # CGO MIN, in scope (central office 18:30, committee 18:00)
        ("e1", "MIN", "2024-04-02 09:00", "in"),  # Tue: 19:00–21:00 = 2 h
        ("e1", "MIN", "2024-04-02 21:00", "out"),
        ("e2", "MIN-C", "2024-04-03 09:00", "in"),  # Wed, committee: 18:30–19:30 = 1 h
        ("e2", "MIN-C", "2024-04-03 19:30", "out"),
        ("e1", "MIN", "2024-04-06 10:00", "in"),  # Sat: 4 h − 1 h ordered = 3 h
        ("e1", "MIN", "2024-04-06 14:00", "out"),
        ("e2", "MIN", "2024-04-04 09:00", "in"),  # Thu: unclosed (next event is an in on Dec 2)
        ("e2", "MIN", "2024-12-02 09:00", "in"),  # Mon 2 Dec: 19:00–19:45 = 0.75 h
        ("e2", "MIN", "2024-12-02 19:45", "out"),
        ("e1", "MIN", "2023-12-29 09:00", "in"),  # previous year: ignored
        ("e1", "MIN", "2023-12-29 22:00", "out"),
        # CGO MIN, territorial unit: out of scope
        ("e3", "MIN-T", "2024-04-02 09:00", "in"),
        ("e3", "MIN-T", "2024-04-02 23:00", "out"),
        ("e3", "MIN-T", "2024-04-05 09:00", "in"),  # unclosed, but out of scope
        # MIO AKM: akimat (oblast) and regional department (oblast, ends 19:00) in scope
        ("e5", "AKM", "2024-04-06 10:00", "in"),  # Sat: 10 h, no order
        ("e5", "AKM", "2024-04-06 20:00", "out"),
        ("e6", "AKM-U", "2024-04-02 09:00", "in"),  # Tue: 19:30–21:00 = 1.5 h
        ("e6", "AKM-U", "2024-04-02 21:00", "out"),
        ("e7", "AKM-D", "2024-04-02 09:00", "in"),  # district: out of scope
        ("e7", "AKM-D", "2024-04-02 22:00", "out"),
        ("e8", "AKM-X", "2024-04-02 09:00", "in"),  # no level and not the akimat itself: out of scope
        ("e8", "AKM-X", "2024-04-02 22:00", "out"),
        # MIN2: no headcount rows
        ("e9", "MIN2", "2024-04-02 09:00", "in"),
        ("e9", "MIN2", "2024-04-02 20:00", "out"),
    )


@pytest.fixture
def orders() -> pl.DataFrame:
    return pl.DataFrame(
        {"employee_id": ["e1"], "agency_id": ["MIN"], "date": [date(2024, 4, 6)], "hours": [1.0], "act_ref": ["15-к"]}
    )


@pytest.fixture
def headcount() -> pl.DataFrame:
    ends = pl.date_range(date(2024, 1, 1), date(2024, 12, 1), "1mo", eager=True).dt.month_end().to_list()
    rows = []
    for i, end in enumerate(ends):
        rows.append(("MIN", end, 10 if i < 6 else 14))  # Σ = 6·10 + 6·14 = 144
        rows.append(("MIN-C", end, 6))  # Σ = 72
        rows.append(("MIN-T", end, 100))  # out of scope
        if i < 11:
            rows.append(("AKM", end, 5))  # December missing: Σ = 55
        rows.append(("AKM-U", end, 7))  # Σ = 84
        rows.append(("AKM-D", end, 50))  # out of scope
    rows.append(("MIN", date(2023, 12, 31), 1000))  # previous year: ignored
    return pl.DataFrame(
        {
            "agency_id": [r[0] for r in rows],
            "month_end": [r[1] for r in rows],
            "actual_headcount": [r[2] for r in rows],
            "staff_posts": [r[2] + 1 for r in rows],
        }
    )


def _check(fct: pl.DataFrame) -> None:
    assert fct.schema == pl.Schema(FCT_OVERTIME_SCHEMA)
    assert fct["agency_id"].to_list() == ["AKM", "MIN", "MIN2"]
    rows = {r["agency_id"]: r for r in fct.iter_rows(named=True)}
    # d = 249 working days in 2024; b = (249 − 21) × 8 = 1824
    for r in rows.values():
        assert r["year"] == 2024
        assert r["workdays"] == 249
        assert r["normal_hours"] == 1824.0

    mn = rows["MIN"]
    assert mn["workday_overtime_hours"] == pytest.approx(3.75)  # 2 + 1 + 0.75
    assert mn["weekend_overtime_hours"] == pytest.approx(3.0)  # 4 − 1 ordered
    assert mn["avg_headcount"] == pytest.approx(18.0)  # (144 + 72) / 12
    assert mn["avg_workday_hours"] == pytest.approx(1824 + 3.75 / 18)  # a = b + m / n
    assert mn["avg_weekend_overtime"] == pytest.approx(3.0 / 18)  # s = p / n
    assert mn["unclosed_days"] == 1  # Thu 4 Apr; the territorial unit's unclosed day is out of scope

    akm = rows["AKM"]
    assert akm["workday_overtime_hours"] == pytest.approx(1.5)
    assert akm["weekend_overtime_hours"] == pytest.approx(10.0)
    assert akm["avg_headcount"] == pytest.approx(139 / 12)  # (55 + 84) / 12: the law divides by 12
    assert akm["avg_workday_hours"] == pytest.approx(1824 + 1.5 * 12 / 139)
    assert akm["avg_weekend_overtime"] == pytest.approx(10 * 12 / 139)
    assert akm["unclosed_days"] == 0

    m2 = rows["MIN2"]
    assert m2["workday_overtime_hours"] == pytest.approx(1.0)
    assert m2["avg_headcount"] is None
    assert m2["avg_workday_hours"] is None
    assert m2["avg_weekend_overtime"] is None


def test_scope_predicate(agencies3: pl.DataFrame) -> None:
    scope = overtime_scope_units(agencies3).sort("agency_id")
    assert scope["agency_id"].to_list() == ["AKM", "AKM-U", "MIN", "MIN-C", "MIN2"]
    assert dict(zip(scope["agency_id"], scope["assessed_agency_id"], strict=True))["MIN-C"] == "MIN"


def test_fct_overtime_whole_year(con, agencies3, year_events, orders, headcount) -> None:
    _check(compute_fct_overtime(con, year_events, agencies3, CAL, orders, headcount, 2024))


def test_fct_overtime_from_monthly_partitions(con, agencies3, year_events, orders, headcount) -> None:
    tables = []
    for month in range(1, 13):
        compute_overtime_month(con, year_events, agencies3, CAL, orders, 2024, month)
        tables.append(f"overtime_daily_2024_{month:02d}")
    fct = compute_overtime_by_body(con, tables, agencies3, headcount, CAL, 2024)
    _check(fct)
    per_unit = {r["agency_id"]: r for r in unclosed_days_by_unit(con, tables, 2024).iter_rows(named=True)}
    assert per_unit["MIN"]["unclosed_turnstile_days"] == 1
    assert per_unit["MIN-T"]["unclosed_turnstile_days"] == 1  # the data-quality view keeps every unit


def test_monthly_partitions_as_parquet(con, agencies3, year_events, orders, headcount, tmp_path) -> None:
    for month in (4, 12):
        rel = compute_overtime_month(con, year_events, agencies3, CAL, orders, 2024, month)
        rel.write_parquet(str(tmp_path / f"2024-{month:02d}.parquet"))
    _check(compute_overtime_by_body(con, tmp_path, agencies3, headcount, CAL, 2024))


def test_events_from_parquet_and_resolved_agencies(con, agencies3, year_events, orders, headcount, tmp_path) -> None:
    from kzeval.agencies import resolve_hierarchy

    year_events.write_parquet(tmp_path / "2024-all.parquet")
    fct = compute_fct_overtime(
        con, tmp_path / "2024-all.parquet", resolve_hierarchy(agencies3), CAL, orders, headcount, 2024
    )
    _check(fct)


@pytest.fixture
def headcount_ten_months() -> pl.DataFrame:
    """MIN reports January–October only (10 month-end values); AKM's units cover all 12 months."""
    ends = pl.date_range(date(2024, 1, 1), date(2024, 12, 1), "1mo", eager=True).dt.month_end().to_list()
    rows = []
    for i, end in enumerate(ends):
        if i < 10:
            rows.append(("MIN", end, 12))  # Σ = 10 · 12 = 120
            rows.append(("MIN-C", end, 6))  # Σ = 10 · 6 = 60
        rows.append(("AKM", end, 5))  # Σ = 60
        rows.append(("AKM-U", end, 7))  # Σ = 84
    return pl.DataFrame(
        {
            "agency_id": [r[0] for r in rows],
            "month_end": [r[1] for r in rows],
            "actual_headcount": [r[2] for r in rows],
            "staff_posts": [r[2] + 1 for r in rows],
        }
    )


@pytest.mark.parametrize(
    ("reading", "n", "divisor"),
    [
        ("divide_by_12", 180 / 12, 12),  # (120 + 60) / 12 = 15 — the seed's «деленная на 12»
        ("months_reported", 180 / 10, 10),  # (120 + 60) / 10 = 18
    ],
)
def test_n_with_ten_months_reported_follows_the_reading(
    con, agencies3, year_events, orders, headcount_ten_months, reading: str, n: float, divisor: int
) -> None:
    for month in (4, 12):
        compute_overtime_month(con, year_events, agencies3, CAL, orders, 2024, month)
    tables = ["overtime_daily_2024_04", "overtime_daily_2024_12"]
    fct = compute_overtime_by_body(con, tables, agencies3, headcount_ten_months, CAL, 2024, headcount_reading=reading)
    assert fct.schema == pl.Schema(FCT_OVERTIME_SCHEMA)
    rows = {r["agency_id"]: r for r in fct.iter_rows(named=True)}
    mn = rows["MIN"]
    assert (mn["headcount_months"], mn["headcount_months_missing"], mn["headcount_divisor"]) == (10, True, divisor)
    assert mn["avg_headcount"] == pytest.approx(n)
    # m = 3,75 h, p = 3 h (see year_events); b = 1824: a = 1824 + 3,75 / n, s = 3 / n
    # divide_by_12: a = 1824,25, s = 0,2; months_reported: a = 1824 + 0,208333, s = 0,166667
    assert mn["avg_workday_hours"] == pytest.approx(1824 + 3.75 / n)
    assert mn["avg_weekend_overtime"] == pytest.approx(3.0 / n)
    # AKM: 12 month-end values over its units → not flagged, n = (60 + 84) / 12 = 12 under both readings
    akm = rows["AKM"]
    assert (akm["headcount_months"], akm["headcount_months_missing"], akm["headcount_divisor"]) == (12, False, 12)
    assert akm["avg_headcount"] == pytest.approx(12.0)
    # MIN2 has no headcount rows: nothing to flag, n null
    m2 = rows["MIN2"]
    assert (m2["headcount_months"], m2["headcount_months_missing"], m2["avg_headcount"]) == (None, None, None)


def test_unknown_headcount_reading_is_refused(con, agencies3, year_events, orders, headcount) -> None:
    with pytest.raises(ValueError, match=r"hr\.headcount_missing_months"):
        compute_fct_overtime(con, year_events, agencies3, CAL, orders, headcount, 2024, headcount_reading="mean")
