"""Monthly turnstile drops: a new month never recomputes earlier months; a repeat changes nothing."""

from __future__ import annotations

from datetime import datetime

import duckdb
import pytest

from kzeval.landing.loader import ensure_tables
from kzeval.steps.core import build_agencies, ensure_core_tables
from kzeval.steps.overtime import compute_overtime_year
from kzeval.warehouse import ensure_schemas


@pytest.fixture
def con():
    connection = duckdb.connect()
    ensure_schemas(connection)
    ensure_tables(connection)
    ensure_core_tables(connection)
    connection.execute(
        "INSERT INTO raw.agencies (agency_id, name_ru, name_kk, body_type, parent_agency_id, is_assessed, region_code, "
        "level, workday_end, _file_sha256, _file_path, _row_number) "
        "VALUES ('C1', 'Министерство', NULL, 'CGO', NULL, true, NULL, 'central', '18:30', "
        "'sha-a', 'agencies/a.csv', 1)"
    )
    connection.execute(
        "INSERT INTO raw.headcount_monthly SELECT 'C1', last_day(make_date(2024, m, 1)), 2, 2, 'sha-h', 'h.csv', m "
        "FROM range(1, 13) t(m)"
    )
    build_agencies(connection)
    yield connection
    connection.close()


def _events(con: duckdb.DuckDBPyConnection, sha: str, rows: list[tuple[str, str, str]]) -> None:
    for number, (employee, ts, direction) in enumerate(rows, start=1):
        con.execute(
            "INSERT INTO raw.turnstile_events VALUES (?, 'C1', ?, ?, NULL, ?, ?, ?)",
            [employee, datetime.fromisoformat(ts), direction, sha, f"turnstile_events/{sha}.csv", number],
        )


def _daily_hours(con: duckdb.DuckDBPyConnection) -> dict[str, float]:
    rows = con.execute(
        "SELECT CAST(work_date AS VARCHAR), workday_overtime_hours + weekend_overtime_hours FROM core.overtime_daily"
    ).fetchall()
    return {d: round(h, 4) for d, h in rows}


def test_new_month_leaves_earlier_months_alone_and_closes_midnight_interval(con):
    # Wed 31 Jan 2024 (working day): in 09:00, out 20:00 → 20:00 − 19:00 = 1 h overtime.
    # Tue 30 Jan: in 17:00, the out falls on 1 Feb 01:00 — in the February drop.
    _events(
        con,
        "jan",
        [
            ("E1", "2024-01-31T09:00:00", "in"),
            ("E1", "2024-01-31T20:00:00", "out"),
            ("E1", "2024-01-30T09:00:00", "in"),
        ],
    )
    first = compute_overtime_year(con, 2024, months=[1, 2])
    assert first.months_recomputed == [1]  # February has no events yet
    jan = _daily_hours(con)
    assert jan["2024-01-31"] == 1.0
    assert jan["2024-01-30"] == 0.0  # unclosed for now: contributes nothing
    # February drop: the 30 Jan interval is not closed by a February event (different day), and a
    # new interval on Thu 1 Feb 09:00–19:30 gives 0.5 h.
    _events(con, "feb", [("E1", "2024-02-01T09:00:00", "in"), ("E1", "2024-02-01T19:30:00", "out")])
    second = compute_overtime_year(con, 2024, months=[1, 2])
    assert second.months_recomputed == [2] and second.months_unchanged == [1]
    assert _daily_hours(con)["2024-02-01"] == 0.5
    # The same drop again: nothing recomputed, same figures.
    before = con.execute("SELECT * FROM core.overtime ORDER BY ALL").fetchall()
    third = compute_overtime_year(con, 2024, months=[1, 2])
    assert third.months_recomputed == []
    assert con.execute("SELECT * FROM core.overtime ORDER BY ALL").fetchall() == before


def test_interval_crossing_into_next_month_is_closed_when_that_month_arrives(con):
    # Wed 31 Jan 18:00 in → Thu 1 Feb 01:00 out: belongs to 31 Jan; overtime after 19:00 = 6 h.
    _events(con, "jan", [("E2", "2024-01-31T18:00:00", "in")])
    compute_overtime_year(con, 2024, months=[1])
    assert con.execute(
        "SELECT is_unclosed FROM core.overtime_daily WHERE work_date = DATE '2024-01-31'"
    ).fetchall() == [(True,)]
    _events(con, "feb", [("E2", "2024-02-01T01:00:00", "out")])
    result = compute_overtime_year(con, 2024, months=[1, 2])
    assert result.months_recomputed == [2] and result.months_unchanged == [1]
    assert _daily_hours(con)["2024-01-31"] == 6.0
    # m for the year = 6 h; n = 2 (2 at every month end); a = b + m/n = (249 − 21)·8 + 3
    row = con.execute(
        "SELECT workday_overtime_hours, avg_headcount, normal_hours, avg_workday_hours FROM core.overtime"
    ).fetchall()
    assert row == [(6.0, 2.0, 1824.0, 1827.0)]


def test_months_computed_in_one_pass_close_the_midnight_interval_without_a_second_look(con):
    # both months landed before the first computation: January's last day sees February's `out`
    _events(con, "jan", [("E2", "2024-01-31T18:00:00", "in")])
    _events(con, "feb", [("E2", "2024-02-01T01:00:00", "out")])
    result = compute_overtime_year(con, 2024, months=[1, 2])
    assert result.months_recomputed == [1, 2]
    assert _daily_hours(con)["2024-01-31"] == 6.0
    assert con.execute("SELECT count(*) FROM core.overtime_daily WHERE work_date = DATE '2024-01-31'").fetchall() == [
        (1,)
    ]


def test_each_month_is_reported_in_order_as_soon_as_it_is_decided(con):
    # events in January and March only: those two months are computed, the other ten have nothing
    # to compute (no events, no stored fingerprint) and are reported unchanged
    _events(con, "jan", [("E1", "2024-01-31T09:00:00", "in"), ("E1", "2024-01-31T20:00:00", "out")])
    _events(con, "mar", [("E1", "2024-03-04T09:00:00", "in"), ("E1", "2024-03-04T20:00:00", "out")])
    reported: list[tuple[int, bool, int, int]] = []

    def on_month(month: int, recomputed: bool) -> None:
        # reported during the pass: the month's fingerprint is stored, the year's totals not yet written
        stored = con.execute("SELECT count(*) FROM core.overtime_months WHERE month = ?", [month]).fetchall()[0][0]
        totals = con.execute("SELECT count(*) FROM core.overtime WHERE year = 2024").fetchall()[0][0]
        reported.append((month, recomputed, stored, totals))

    result = compute_overtime_year(con, 2024, on_month=on_month)
    assert reported == [(m, m in (1, 3), int(m in (1, 3)), 0) for m in range(1, 13)]
    assert result.months_recomputed == [1, 3]
    # the same drop again: twelve calls, every month unchanged; a month list is reported as given
    reported.clear()
    compute_overtime_year(con, 2024, on_month=on_month)
    assert [(m, r) for m, r, _, _ in reported] == [(m, False) for m in range(1, 13)]
    reported.clear()
    compute_overtime_year(con, 2024, months=[3, 1], on_month=on_month)
    assert [(m, r) for m, r, _, _ in reported] == [(3, False), (1, False)]


def test_year_without_calendar_is_not_computed_with_a_message(con):
    _events(con, "x", [("E1", "2031-03-03T09:00:00", "in"), ("E1", "2031-03-03T20:00:00", "out")])
    result = compute_overtime_year(con, 2031)
    assert result.fct.height == 0
    assert "2031" in result.message


@pytest.mark.parametrize(("reading", "n"), [("divide_by_12", 20 / 12), ("months_reported", 2.0)])
def test_ten_headcount_months_flag_the_body_and_n_follows_the_reading(con, reading: str, n: float) -> None:
    from kzeval.indicators.org_development import overtime_headcount_notes

    # C1 reports 2 employees at the end of January–October only: Σ = 10 · 2 = 20;
    # divide_by_12: n = 20 / 12 = 1,6667; months_reported: n = 20 / 10 = 2.
    con.execute("DELETE FROM raw.headcount_monthly WHERE month(month_end) > 10")
    # Wed 31 Jan 2024: in 09:00, out 20:00 → 1 h overtime: m = 1, a = 1824 + 1 / n
    _events(con, "jan", [("E1", "2024-01-31T09:00:00", "in"), ("E1", "2024-01-31T20:00:00", "out")])
    result = compute_overtime_year(con, 2024, months=[1], headcount_reading=reading)
    assert result.headcount_incomplete == {"C1": 10}
    stored = con.execute(
        "SELECT avg_headcount, avg_workday_hours, headcount_months, headcount_months_missing, headcount_divisor "
        "FROM core.overtime WHERE year = 2024 AND agency_id = 'C1'"
    ).fetchall()
    assert stored == [(pytest.approx(n), pytest.approx(1824 + 1 / n), 10, True, round(20 / n))]
    # the run summary names the body, its months and the divisor (read from the published mart)
    con.execute("CREATE SCHEMA IF NOT EXISTS marts")
    con.execute("CREATE OR REPLACE VIEW marts.fct_overtime AS SELECT * FROM core.overtime")
    [line] = overtime_headcount_notes(con, 2024)
    assert f"1 bodies (C1 (10 months, n = Σ ÷ {round(20 / n)}))" in line
    assert "hr.headcount_missing_months" in line


def test_twelve_headcount_months_are_not_flagged(con) -> None:
    from kzeval.indicators.org_development import overtime_headcount_notes

    _events(con, "jan", [("E1", "2024-01-31T09:00:00", "in"), ("E1", "2024-01-31T20:00:00", "out")])
    result = compute_overtime_year(con, 2024, months=[1], headcount_reading="months_reported")
    assert result.headcount_incomplete == {}
    # Σ = 12 · 2 = 24, n = 24 / 12 = 2 under either reading
    assert con.execute("SELECT avg_headcount, headcount_divisor FROM core.overtime").fetchall() == [(2.0, 12)]
    con.execute("CREATE SCHEMA IF NOT EXISTS marts")
    con.execute("CREATE OR REPLACE VIEW marts.fct_overtime AS SELECT * FROM core.overtime")
    assert overtime_headcount_notes(con, 2024) == []
