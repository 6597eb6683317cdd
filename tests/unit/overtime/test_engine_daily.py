"""Per-employee-per-day rules of para. 40 on hand-built event sequences (calendar 2024).

2024 days used: Tue 2 Apr and Wed 3 Apr (workdays), Sat 6 Apr / Sun 7 Apr (weekend),
Sat 4 May (transferred working Saturday), Wed 8 May (transferred day off), Thu 9 May
(Victory Day, holiday), Sat 11 May (weekend).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import duckdb
import polars as pl
import pytest

from kzeval.calendars import CalendarMissingError, load_calendar
from kzeval.overtime import DAILY_COLUMNS, compute_overtime_daily, compute_overtime_month, replace_overtime_days

CAL = load_calendar(2024)
MINUTE = 1 / 60


def _daily(
    con: duckdb.DuckDBPyConnection,
    agencies: pl.DataFrame,
    ev: pl.DataFrame,
    orders: pl.DataFrame | None = None,
    date_from: date = date(2024, 4, 1),
    date_to: date = date(2024, 6, 1),
) -> dict[tuple[str, date], dict[str, object]]:
    rel = compute_overtime_daily(con, ev, agencies, CAL, orders, date_from=date_from, date_to=date_to)
    frame = rel.pl()
    assert tuple(frame.columns) == DAILY_COLUMNS
    return {(r["employee_id"], r["work_date"]): r for r in frame.iter_rows(named=True)}


def test_exit_allowance_boundary(con, agencies, make_events: Callable[..., pl.DataFrame]) -> None:
    # workday_end 18:30 + 30 min allowance = 19:00
    ev = make_events(
        ("e1", "MIN", "2024-04-02 09:00", "in"),
        ("e1", "MIN", "2024-04-02 19:00", "out"),  # exactly at the allowance → 0
        ("e2", "MIN", "2024-04-02 09:00", "in"),
        ("e2", "MIN", "2024-04-02 19:01", "out"),  # one minute past → 1 min
    )
    days = _daily(con, agencies, ev)
    assert days[("e1", date(2024, 4, 2))]["workday_overtime_hours"] == 0.0
    assert days[("e2", date(2024, 4, 2))]["workday_overtime_hours"] == pytest.approx(MINUTE)
    assert days[("e2", date(2024, 4, 2))]["presence_ms"] == (10 * 60 + 1) * 60_000  # 09:00–19:01


def test_per_unit_workday_end(con, agencies, make_events) -> None:
    ev = make_events(
        ("e1", "MIN-C", "2024-04-02 09:00", "in"),  # committee ends at 18:00 → overtime after 18:30
        ("e1", "MIN-C", "2024-04-02 19:00", "out"),
        ("e2", "AKM-U", "2024-04-02 09:00", "in"),  # department ends at 19:00 → overtime after 19:30
        ("e2", "AKM-U", "2024-04-02 20:00", "out"),
        ("e3", "AKM", "2024-04-02 09:00", "in"),  # no workday_end → default 18:30 → after 19:00
        ("e3", "AKM", "2024-04-02 20:00", "out"),
    )
    days = _daily(con, agencies, ev)
    assert days[("e1", date(2024, 4, 2))]["workday_overtime_hours"] == pytest.approx(0.5)  # 18:30–19:00
    assert days[("e2", date(2024, 4, 2))]["workday_overtime_hours"] == pytest.approx(0.5)  # 19:30–20:00
    assert days[("e3", date(2024, 4, 2))]["workday_overtime_hours"] == pytest.approx(1.0)  # 19:00–20:00


def test_interval_past_midnight_belongs_to_start_day(con, agencies, make_events) -> None:
    ev = make_events(
        ("e1", "MIN", "2024-04-02 09:00", "in"),
        ("e1", "MIN", "2024-04-03 01:30", "out"),  # Tue 19:00 → Wed 01:30 = 6.5 h, all on Tuesday
        ("e1", "MIN", "2024-04-03 09:00", "in"),
        ("e1", "MIN", "2024-04-03 18:00", "out"),
        ("e2", "MIN", "2024-04-07 20:00", "in"),  # Sunday 20:00 → Monday 02:00 = 6 h weekend overtime
        ("e2", "MIN", "2024-04-08 02:00", "out"),
    )
    days = _daily(con, agencies, ev)
    tue = days[("e1", date(2024, 4, 2))]
    assert tue["workday_overtime_hours"] == pytest.approx(6.5)
    assert tue["orphan_out_events"] == 0
    assert days[("e1", date(2024, 4, 3))]["workday_overtime_hours"] == 0.0
    assert days[("e1", date(2024, 4, 3))]["orphan_out_events"] == 0  # the 01:30 out closed Tuesday
    assert days[("e2", date(2024, 4, 7))]["weekend_overtime_hours"] == pytest.approx(6.0)
    assert days[("e2", date(2024, 4, 7))]["workday_overtime_hours"] == 0.0
    assert ("e2", date(2024, 4, 8)) not in days  # nothing opened on Monday


def test_holiday_weekend_and_transferred_days(con, agencies, make_events) -> None:
    ev = make_events(
        ("e1", "MIN", "2024-05-09 10:00", "in"),  # Victory Day: 4.5 h all overtime
        ("e1", "MIN", "2024-05-09 14:30", "out"),
        ("e1", "MIN", "2024-05-04 09:00", "in"),  # Saturday worked by decree: a workday → 1 h after 19:00
        ("e1", "MIN", "2024-05-04 20:00", "out"),
        ("e1", "MIN", "2024-05-08 10:00", "in"),  # Wednesday made a day off: 2 h weekend overtime
        ("e1", "MIN", "2024-05-08 12:00", "out"),
    )
    days = _daily(con, agencies, ev)
    holiday = days[("e1", date(2024, 5, 9))]
    assert holiday["day_type"] == "holiday"
    assert holiday["weekend_overtime_hours"] == pytest.approx(4.5)
    saturday = days[("e1", date(2024, 5, 4))]
    assert saturday["day_type"] == "workday"
    assert saturday["workday_overtime_hours"] == pytest.approx(1.0)
    assert saturday["weekend_overtime_hours"] == 0.0
    day_off = days[("e1", date(2024, 5, 8))]
    assert day_off["day_type"] == "weekend"
    assert day_off["weekend_overtime_hours"] == pytest.approx(2.0)


def test_unclosed_day_contributes_nothing(con, agencies, make_events) -> None:
    ev = make_events(
        # closed morning interval, then an in with no out: the whole day is unclosed
        ("e1", "MIN", "2024-04-02 09:00", "in"),
        ("e1", "MIN", "2024-04-02 13:00", "out"),
        ("e1", "MIN", "2024-04-02 14:00", "in"),
        ("e1", "MIN", "2024-04-03 09:00", "in"),  # next event is an in → Tuesday's last in never closed
        ("e1", "MIN", "2024-04-03 20:00", "out"),
        # weekend in without out; the out 25 h later is too far to pair and is an orphan
        ("e2", "MIN", "2024-04-06 10:00", "in"),
        ("e2", "MIN", "2024-04-07 11:00", "out"),
    )
    days = _daily(con, agencies, ev)
    tue = days[("e1", date(2024, 4, 2))]
    assert tue["is_unclosed"] is True
    assert tue["workday_overtime_hours"] == 0.0
    assert tue["intervals"] == 1
    wed = days[("e1", date(2024, 4, 3))]
    assert wed["is_unclosed"] is False
    assert wed["workday_overtime_hours"] == pytest.approx(1.0)
    sat = days[("e2", date(2024, 4, 6))]
    assert sat["is_unclosed"] is True
    assert sat["weekend_overtime_hours"] == 0.0
    assert days[("e2", date(2024, 4, 7))]["orphan_out_events"] == 1


def test_duplicate_taps_within_two_minutes(con, agencies, make_events) -> None:
    ev = make_events(
        ("e1", "MIN", "2024-04-02 09:00:00", "in"),
        ("e1", "MIN", "2024-04-02 09:01:00", "in"),  # duplicate of 09:00
        ("e1", "MIN", "2024-04-02 20:00:00", "out"),
        ("e1", "MIN", "2024-04-02 20:01:30", "out"),  # duplicate (90 s)
        ("e1", "MIN", "2024-04-02 20:03:00", "out"),  # 90 s after the previous tap: chain, still one event
        # exactly 120 s apart is still one event; 121 s apart is a second event
        ("e2", "MIN", "2024-04-02 09:00:00", "in"),
        ("e2", "MIN", "2024-04-02 20:00:00", "out"),
        ("e2", "MIN", "2024-04-02 20:02:00", "out"),
        ("e3", "MIN", "2024-04-02 09:00:00", "in"),
        ("e3", "MIN", "2024-04-02 20:00:00", "out"),
        ("e3", "MIN", "2024-04-02 20:02:01", "out"),  # not a duplicate: an out with no in → orphan
        # identical rows delivered twice are one event
        ("e4", "MIN", "2024-04-02 09:00:00", "in"),
        ("e4", "MIN", "2024-04-02 09:00:00", "in"),
        ("e4", "MIN", "2024-04-02 19:30:00", "out"),
    )
    days = _daily(con, agencies, ev)
    e1 = days[("e1", date(2024, 4, 2))]
    assert e1["intervals"] == 1
    assert e1["workday_overtime_hours"] == pytest.approx(1.0)  # first out kept: 19:00–20:00
    assert e1["orphan_out_events"] == 0
    assert days[("e2", date(2024, 4, 2))]["orphan_out_events"] == 0
    e3 = days[("e3", date(2024, 4, 2))]
    assert e3["orphan_out_events"] == 1
    assert e3["workday_overtime_hours"] == pytest.approx(1.0)
    assert days[("e4", date(2024, 4, 2))]["workday_overtime_hours"] == pytest.approx(0.5)


def test_repeated_in_beyond_two_minutes_opens_from_last_in(con, agencies, make_events) -> None:
    ev = make_events(
        ("e1", "MIN", "2024-04-06 10:00", "in"),  # forgot to badge out: this in opens nothing
        ("e1", "MIN", "2024-04-06 13:00", "in"),
        ("e1", "MIN", "2024-04-06 15:00", "out"),  # Saturday: 13:00–15:00 = 2 h
    )
    days = _daily(con, agencies, ev)
    sat = days[("e1", date(2024, 4, 6))]
    assert sat["weekend_overtime_hours"] == pytest.approx(2.0)
    assert sat["is_unclosed"] is False


def test_out_before_any_in_is_ignored_and_counted(con, agencies, make_events) -> None:
    ev = make_events(
        ("e1", "MIN", "2024-04-02 08:00", "out"),
        ("e1", "MIN", "2024-04-02 09:00", "in"),
        ("e1", "MIN", "2024-04-02 19:30", "out"),
        ("e2", "MIN", "2024-04-02 08:00", "out"),  # a day with only an orphan out
    )
    days = _daily(con, agencies, ev)
    e1 = days[("e1", date(2024, 4, 2))]
    assert e1["orphan_out_events"] == 1
    assert e1["workday_overtime_hours"] == pytest.approx(0.5)
    e2 = days[("e2", date(2024, 4, 2))]
    assert e2["orphan_out_events"] == 1
    assert e2["intervals"] == 0
    assert e2["is_unclosed"] is False
    assert e2["workday_overtime_hours"] == 0.0


def test_ordered_hours_subtracted_on_weekends_only(con, agencies, make_events) -> None:
    ev = make_events(
        ("e1", "MIN", "2024-05-11 10:00", "in"),  # Saturday 3 h, 5 h ordered → 0 (floor)
        ("e1", "MIN", "2024-05-11 13:00", "out"),
        ("e2", "MIN", "2024-05-11 10:00", "in"),  # Saturday 3 h, 1 h ordered → 2 h
        ("e2", "MIN", "2024-05-11 13:00", "out"),
        ("e2", "MIN", "2024-05-13 09:00", "in"),  # Monday: an order does not touch workday overtime
        ("e2", "MIN", "2024-05-13 21:00", "out"),
    )
    orders = pl.DataFrame(
        {
            "employee_id": ["e1", "e2", "e2", "e2"],
            "agency_id": ["MIN"] * 4,
            "date": [date(2024, 5, 11), date(2024, 5, 11), date(2024, 5, 13), date(2023, 5, 11)],
            "hours": [5.0, 1.0, 2.0, 8.0],
            "act_ref": ["1", "2", "3", "4"],
        }
    )
    days = _daily(con, agencies, ev, orders)
    assert days[("e1", date(2024, 5, 11))]["weekend_overtime_hours"] == 0.0
    assert days[("e1", date(2024, 5, 11))]["ordered_hours"] == pytest.approx(5.0)
    assert days[("e2", date(2024, 5, 11))]["weekend_overtime_hours"] == pytest.approx(2.0)
    assert days[("e2", date(2024, 5, 13))]["workday_overtime_hours"] == pytest.approx(2.0)  # 19:00–21:00


def test_month_partition_keeps_crossing_interval_on_start_day(con, agencies, make_events) -> None:
    ev = make_events(
        ("e1", "MIN", "2024-04-30 09:00", "in"),  # Tue 30 Apr → Wed 1 May 00:30: 5.5 h on 30 April
        ("e1", "MIN", "2024-05-01 00:30", "out"),
        ("e1", "MIN", "2024-05-02 09:00", "in"),
        ("e1", "MIN", "2024-05-02 19:30", "out"),
    )
    april = compute_overtime_month(con, ev, agencies, CAL, None, 2024, 4).pl()
    may = compute_overtime_month(con, ev, agencies, CAL, None, 2024, 5).pl()
    assert april["work_date"].to_list() == [date(2024, 4, 30)]
    assert april["workday_overtime_hours"].to_list() == pytest.approx([5.5])
    assert may["work_date"].to_list() == [date(2024, 5, 2)]  # the 00:30 out is not an orphan of May
    assert may["orphan_out_events"].to_list() == [0]
    # April computed before May's events arrived: the last day is unclosed until May is loaded
    april_only = ev.filter(pl.col("event_ts").dt.month() == 4)
    early = compute_overtime_month(con, april_only, agencies, CAL, None, 2024, 4, target="t_early").pl()
    assert early["is_unclosed"].to_list() == [True]
    # May arrives: refresh only 30 April inside April's table
    written = replace_overtime_days(
        con, ev, agencies, CAL, None, date_from=date(2024, 4, 30), date_to=date(2024, 5, 1), target="t_early"
    )
    assert written == 1
    refreshed = con.table("t_early").pl()
    assert refreshed["is_unclosed"].to_list() == [False]
    assert refreshed["workday_overtime_hours"].to_list() == pytest.approx([5.5])


def test_no_scratch_objects_left_on_the_connection(con, agencies, make_events) -> None:
    ev = make_events(("e1", "MIN", "2024-04-02 09:00", "in"), ("e1", "MIN", "2024-04-02 20:00", "out"))
    compute_overtime_daily(con, ev, agencies, CAL, None, date_from=date(2024, 4, 1), date_to=date(2024, 5, 1))
    names = [r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()]
    assert names == ["overtime_daily"]


def test_missing_calendar_days_raise(con, agencies, make_events) -> None:
    ev = make_events(("e1", "MIN", "2024-04-02 09:00", "in"))
    with pytest.raises(CalendarMissingError, match="2025"):
        compute_overtime_daily(con, ev, agencies, CAL, None, date_from=date(2024, 12, 1), date_to=date(2025, 2, 1))
