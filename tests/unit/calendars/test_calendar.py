"""Shipped production calendars and the drop override (data contract `calendar`)."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl
import pytest

from kzeval.calendars import CalendarMissingError, count_workdays, load_calendar, shipped_years


def _day(cal: pl.DataFrame, day: date) -> str:
    return str(cal.filter(pl.col("date") == day)["day_type"].item())


def test_shipped_years_2022_to_2026() -> None:
    assert shipped_years() == [2022, 2023, 2024, 2025, 2026]


def test_2024_calendar_transfers_and_holidays() -> None:
    cal = load_calendar(2024)
    assert cal.height == 366
    assert cal.schema == {"date": pl.Date, "day_type": pl.Utf8}
    assert _day(cal, date(2024, 5, 4)) == "workday"  # Saturday worked (decree: day off moved to 8 May)
    assert _day(cal, date(2024, 5, 8)) == "weekend"  # transferred day off
    assert _day(cal, date(2024, 5, 9)) == "holiday"  # Victory Day
    assert _day(cal, date(2024, 3, 23)) == "holiday"  # Nauryz on a Saturday stays a holiday
    assert _day(cal, date(2024, 3, 25)) == "weekend"  # … and its carried-over day off is a weekend
    assert _day(cal, date(2024, 6, 17)) == "workday"  # Kurban ait fell on Sunday 16 June: 17 June worked
    # 366 days − 104 Sat/Sun − 14 weekday days off (1–2 Jan, 8, 21, 22, 25 Mar, 1, 7, 8, 9 May,
    # 8 Jul, 30 Aug, 25 Oct, 16 Dec) + 1 worked Saturday (4 May) = 249
    assert count_workdays(cal, 2024) == 249


def test_2025_sunday_worked() -> None:
    cal = load_calendar(2025)
    assert _day(cal, date(2025, 1, 5)) == "workday"  # Sunday worked, day off moved to Friday 3 Jan
    assert _day(cal, date(2025, 1, 3)) == "weekend"


def test_override_replaces_shipped_rows_per_date() -> None:
    override = pl.DataFrame({"date": [date(2024, 4, 2), date(2023, 4, 2)], "day_type": ["holiday", "holiday"]})
    cal = load_calendar(2024, override)
    assert cal.height == 366
    assert _day(cal, date(2024, 4, 2)) == "holiday"
    assert _day(cal, date(2024, 4, 3)) == "workday"
    assert count_workdays(cal, 2024) == 248


def test_missing_year_raises_naming_the_year() -> None:
    with pytest.raises(CalendarMissingError, match="2030"):
        load_calendar(2030)


def test_partial_override_for_unshipped_year_raises() -> None:
    partial = pl.DataFrame({"date": [date(2030, 1, 1)], "day_type": ["holiday"]})
    with pytest.raises(CalendarMissingError, match="2030") as info:
        load_calendar(2030, partial)
    assert info.value.missing_days == 364


def test_complete_override_for_unshipped_year_is_used() -> None:
    days = [date(2030, 1, 1) + timedelta(days=i) for i in range(365)]
    types = ["weekend" if d.weekday() >= 5 else "workday" for d in days]
    cal = load_calendar(2030, pl.DataFrame({"date": days, "day_type": types}))
    assert cal.height == 365
    # 2030 starts on a Tuesday: 52 full weeks (104 Sat/Sun) + 1 extra Tuesday → 261 weekdays
    assert count_workdays(cal, 2030) == 261


def test_override_rejects_unknown_day_type() -> None:
    with pytest.raises(ValueError, match="day_type"):
        load_calendar(2024, pl.DataFrame({"date": [date(2024, 1, 3)], "day_type": ["vacation"]}))
