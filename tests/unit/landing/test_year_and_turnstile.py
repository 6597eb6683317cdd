"""Two input classes that are *not* errors at landing, shown to land and then be handled downstream.

- A row dated outside the assessment year is a valid row of another year: it lands (it is
  not quarantined) and is ignored by that year's scores; it counts for its own year.
- A turnstile ``out`` with no ``in`` before it is a valid event: it lands, and the overtime
  engine (kzeval/overtime.py, para. 40) ignores it and counts it in ``orphan_out_events``.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from kzeval.indicators.appeals import aggregate_appeals
from kzeval.landing.loader import load_table
from tests.support.drops import APPEALS_CSV_HEADER

APPEALS_HEADER = APPEALS_CSV_HEADER


def _raw(con, table: str) -> pl.DataFrame:
    return con.execute(f"SELECT * EXCLUDE (_file_sha256, _file_path, _row_number) FROM raw.{table}").pl()


def test_rows_outside_the_year_land_and_do_not_change_that_years_scores(landing, con):
    in_year = "A1,CGO-A,complaint,2024-02-01,2024-02-15,2024-02-20,,,,\n"  # reviewed 5 days late
    other_year = "A0,CGO-A,complaint,2023-03-01,2023-03-15,2023-03-30,,,,\n"  # late too, but in 2023
    root = landing("appeals", "appeals.csv", APPEALS_HEADER + in_year + other_year).parents[1]
    load_table(con, root, "agencies", root.parent / "raw")
    outcome = load_table(con, root, "appeals", root.parent / "raw")[0]
    assert outcome.status == "loaded" and outcome.rows_loaded == 2 and outcome.rows_quarantined == 0
    assert con.execute("SELECT count(*) FROM quarantine.rows").fetchone() == (0,)

    appeals = _raw(con, "appeals")
    only_2024 = appeals.filter(pl.col("appeal_id") == "A1")
    # 2024: one appeal received, one reviewed, one late, whether or not the 2023 row is present
    with_other = aggregate_appeals(appeals, 2024)
    assert with_other.equals(aggregate_appeals(only_2024, 2024))
    assert with_other.select("received", "reviewed", "reviewed_late").row(0) == (1, 1, 1)
    # the 2023 row counts for 2023
    assert aggregate_appeals(appeals, 2023).select("received", "reviewed", "reviewed_late").row(0) == (1, 1, 1)
    # and the data-quality counts attribute each row to its own year
    counts = con.execute(
        "SELECT year, rows_loaded FROM audit.landed_rows WHERE table_name = 'appeals' ORDER BY year"
    ).fetchall()
    assert counts == [(2023, 1), (2024, 1)]


def test_turnstile_out_before_any_in_is_landed_then_ignored_and_counted(landing, con):
    from kzeval.calendars import load_calendar
    from kzeval.overtime import compute_overtime_daily

    text = (
        "employee_id,agency_id,event_ts,direction,gate_id\n"
        "E1,CGO-A,2024-04-02T08:55:00,out,G1\n"  # out with no in before it (e.g. a missed tap)
        "E1,CGO-A,2024-04-02T09:00:00,in,G1\n"
        "E1,CGO-A,2024-04-02T20:00:00,out,G1\n"  # 20:00 − (18:30 + 0:30) = 1 h overtime
    )
    root = landing("turnstile_events", "2024-04.csv", text).parents[1]
    load_table(con, root, "agencies", root.parent / "raw")
    outcome = load_table(con, root, "turnstile_events", root.parent / "raw")[0]
    assert outcome.status == "loaded" and outcome.rows_loaded == 3 and outcome.rows_quarantined == 0

    events = _raw(con, "turnstile_events")
    agencies = _raw(con, "agencies")
    daily = compute_overtime_daily(
        con, events, agencies, load_calendar(2024), None, date_from=date(2024, 4, 1), date_to=date(2024, 5, 1)
    ).pl()
    day = daily.filter((pl.col("employee_id") == "E1") & (pl.col("work_date") == date(2024, 4, 2))).row(0, named=True)
    assert day["orphan_out_events"] == 1  # ignored for the hours, counted for data quality
    assert day["workday_overtime_hours"] == 1.0
    assert day["is_unclosed"] is False
