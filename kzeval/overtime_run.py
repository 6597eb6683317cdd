"""The turnstile step of a run: monthly per-employee-day results, then ``core.overtime``.

Months are the unit of work (monthly drops). Each month's inputs are fingerprinted (the
SHA-256 of the landed files holding its events and ordered hours, the calendar, the units'
working-day ends); a month whose fingerprint is unchanged is not recomputed, so a new month
is ingested without touching the earlier ones and the same month dropped again changes
nothing. When month M+1 is computed, only the last day of M is refreshed, so intervals that
crossed midnight into M+1 can close (kzeval.overtime.replace_overtime_days).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, timedelta

import duckdb
import polars as pl

from kzeval import overtime
from kzeval.calendars import CalendarMissingError, load_calendar
from kzeval.pipeline import ensure_core_tables, read_raw, replace_year_slice, table_has_rows

DAILY_TABLE = "core.overtime_daily"


@dataclass(frozen=True)
class OvertimeYear:
    fct: pl.DataFrame
    months_recomputed: list[int]
    months_unchanged: list[int]
    message: str = ""


def _month_bounds(year: int, month: int) -> tuple[date, date]:
    first = date(year, month, 1)
    return first, date(year + (month == 12), month % 12 + 1, 1)


def _calendar_override(con: duckdb.DuckDBPyConnection) -> pl.DataFrame | None:
    return read_raw(con, "calendar") if table_has_rows(con, "calendar") else None


def _fingerprint(
    con: duckdb.DuckDBPyConnection,
    year: int,
    month: int,
    calendar: pl.DataFrame,
    agencies: pl.DataFrame,
    exit_allowance: str = overtime.EXIT_ALLOWANCE_DEFAULT,
) -> str:
    first, following = _month_bounds(year, month)
    events = con.execute(
        "SELECT string_agg(DISTINCT _file_sha256, ',' ORDER BY _file_sha256) FROM raw.turnstile_events "
        "WHERE event_ts >= ? AND event_ts < ?",
        [first - timedelta(days=1), following],
    ).fetchall()[0][0]
    orders = con.execute(
        "SELECT string_agg(DISTINCT _file_sha256, ',' ORDER BY _file_sha256) FROM raw.overtime_orders "
        "WHERE date >= ? AND date < ?",
        [first, following],
    ).fetchall()[0][0]
    digest = hashlib.sha256()
    for part in (
        str(events),
        str(orders),
        calendar.filter((pl.col("date") >= first) & (pl.col("date") < following)).write_csv(),
        agencies.select("agency_id", "workday_end", "assessed_agency_id").sort("agency_id").write_csv(),
        # the exit-allowance reading changes every workday's overtime (the default adds nothing, so
        # months stored before the reading existed keep their fingerprint)
        *([] if exit_allowance == overtime.EXIT_ALLOWANCE_DEFAULT else [f"exit_allowance={exit_allowance}"]),
    ):
        digest.update(part.encode())
        digest.update(b"\x00")
    own = con.execute(
        "SELECT count(*) FROM raw.turnstile_events WHERE event_ts >= ? AND event_ts < ?", [first, following]
    ).fetchall()[0][0]
    return digest.hexdigest() if own else ""


def refresh_month(
    con: duckdb.DuckDBPyConnection,
    year: int,
    month: int,
    agencies: pl.DataFrame,
    calendar: pl.DataFrame,
    orders: pl.DataFrame | None,
    previous_month_fresh: bool = False,
    exit_allowance: str = overtime.EXIT_ALLOWANCE_DEFAULT,
) -> bool:
    """Recompute one month's daily rows if its inputs changed; True when recomputed.

    ``previous_month_fresh``: the previous month was recomputed in this same pass, with this
    month's events already landed, so its last day needs no second look.
    """
    con.execute(
        "CREATE TABLE IF NOT EXISTS core.overtime_months (year BIGINT, month BIGINT, fingerprint VARCHAR)"
    ).fetchall()
    fingerprint = _fingerprint(con, year, month, calendar, agencies, exit_allowance)
    stored = con.execute(
        "SELECT fingerprint FROM core.overtime_months WHERE year = ? AND month = ?", [year, month]
    ).fetchall()
    if (stored and stored[0][0] == fingerprint) or (not stored and fingerprint == ""):
        return False
    first, following = _month_bounds(year, month)
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'core' AND table_name = 'overtime_daily'"
    ).fetchall()[0][0]
    if fingerprint == "":
        if exists:
            con.execute(
                f"DELETE FROM {DAILY_TABLE} WHERE work_date >= ? AND work_date < ?", [first, following]
            ).fetchall()
    elif not exists:
        overtime.compute_overtime_daily(
            con,
            "raw.turnstile_events",
            agencies,
            calendar,
            orders,
            date_from=first,
            date_to=following,
            target=DAILY_TABLE,
            exit_allowance=exit_allowance,
        )
    else:
        # intervals that started on the previous month's last day may close in this month: that day is
        # recomputed with the month (one pass), unless the previous month was computed in this pass
        previous_last_day = first - timedelta(days=1)
        boundary = previous_last_day.year == year and not previous_month_fresh
        overtime.replace_overtime_days(
            con,
            "raw.turnstile_events",
            agencies,
            calendar,
            orders,
            date_from=previous_last_day if boundary else first,
            date_to=following,
            target=DAILY_TABLE,
            exit_allowance=exit_allowance,
        )
    con.execute("DELETE FROM core.overtime_months WHERE year = ? AND month = ?", [year, month]).fetchall()
    con.execute("INSERT INTO core.overtime_months VALUES (?, ?, ?)", [year, month, fingerprint]).fetchall()
    return True


def compute_overtime_year(
    con: duckdb.DuckDBPyConnection,
    year: int,
    months: list[int] | None = None,
    exit_allowance: str = overtime.EXIT_ALLOWANCE_DEFAULT,
) -> OvertimeYear:
    """Refresh the year's stale months, then store ``core.overtime`` (marts.fct_overtime) for the year.

    ``exit_allowance``: reading ``hr.overtime_exit_allowance``; a change recomputes every month.
    """
    ensure_core_tables(con)
    con.execute(f"DELETE FROM core.overtime WHERE year = {int(year)}").fetchall()
    con.execute(f"DELETE FROM core.overtime_unit_quality WHERE year = {int(year)}").fetchall()
    if not table_has_rows(con, "turnstile_events"):
        return OvertimeYear(pl.DataFrame(schema=overtime.FCT_OVERTIME_SCHEMA), [], [], "no turnstile events landed")
    agencies = con.execute("SELECT * FROM core.agencies").pl()
    try:
        override = _calendar_override(con)
        calendar = load_calendar(year, override)
    except CalendarMissingError as exc:
        return OvertimeYear(pl.DataFrame(schema=overtime.FCT_OVERTIME_SCHEMA), [], [], f"not computed: {exc}")
    orders = read_raw(con, "overtime_orders") if table_has_rows(con, "overtime_orders") else None
    recomputed, unchanged = [], []
    for month in months or range(1, 13):
        if refresh_month(
            con,
            year,
            month,
            agencies,
            calendar,
            orders,
            previous_month_fresh=month - 1 in recomputed,
            exit_allowance=exit_allowance,
        ):
            recomputed.append(month)
        else:
            unchanged.append(month)
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'core' AND table_name = 'overtime_daily'"
    ).fetchall()[0][0]
    if not exists:
        return OvertimeYear(
            pl.DataFrame(schema=overtime.FCT_OVERTIME_SCHEMA), recomputed, unchanged, "no events in the year"
        )
    headcount = read_raw(con, "headcount_monthly") if table_has_rows(con, "headcount_monthly") else None
    fct = overtime.compute_overtime_by_body(con, DAILY_TABLE, agencies, headcount, calendar, year)
    replace_year_slice(con, "core", "overtime", fct.drop("year"), year)
    quality = overtime.unclosed_days_by_unit(con, DAILY_TABLE, year)
    replace_year_slice(con, "core", "overtime_unit_quality", quality, year)
    return OvertimeYear(fct, recomputed, unchanged)
