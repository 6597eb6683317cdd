"""The turnstile step of a run: monthly per-employee-day results, then ``core.overtime``.

Months are the unit of work (monthly drops). Each month's inputs are fingerprinted (the
SHA-256 of the landed files holding its events and ordered hours, the calendar, the units'
working-day ends); a month whose fingerprint is unchanged is not recomputed, so a new month
is ingested without touching the earlier ones and the same month dropped again changes
nothing. When month M+1 is computed, only the last day of M is refreshed, so intervals that
crossed midnight into M+1 can close (kzeval.overtime.replace_overtime_days).

The special commission's corrections of ``turnstile_events`` and ``overtime_orders``
(kzeval.corrections) are applied on top of the landed rows: the corrected events are read
through a temporary view (the landed events minus the corrected ones, plus their corrected
versions), and each month whose window a correction touches gets the correction in its
fingerprint, so it is recomputed. Without corrections the engine reads ``raw`` as before.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import duckdb
import polars as pl

from kzeval import lake, overtime
from kzeval.calendars import CalendarMissingError, load_calendar
from kzeval.contracts import CONTRACTS
from kzeval.corrections import Applied, correct_landed_rows, read_corrections
from kzeval.steps.context import DIRECT_RUN_ID
from kzeval.steps.core import ensure_core_tables, read_raw, replace_year_slice, table_has_rows

DAILY_TABLE = "core.overtime_daily"
EVENTS_TABLE = "raw.turnstile_events"
CORRECTED_EVENTS_VIEW = "_kzeval_turnstile_corrected"
_REMOVED_EVENTS = "_kzeval_turnstile_removed"
_REPLACED_EVENTS = "_kzeval_turnstile_replaced"
# a month's daily rows read events up to 25 h either side of it (kzeval.overtime._daily_sql)
CORRECTION_WINDOW_DAYS = 2


@dataclass(frozen=True)
class OvertimeYear:
    fct: pl.DataFrame
    months_recomputed: list[int]
    months_unchanged: list[int]
    message: str = ""
    # bodies with fewer than 12 month-end headcounts of the year → the months reported (n, a, s provisional)
    headcount_incomplete: dict[str, int] = field(default_factory=dict)


def _month_bounds(year: int, month: int) -> tuple[date, date]:
    first = date(year, month, 1)
    return first, date(year + (month == 12), month % 12 + 1, 1)


def _calendar_override(con: duckdb.DuckDBPyConnection) -> pl.DataFrame | None:
    return read_raw(con, "calendar") if table_has_rows(con, "calendar") else None


@dataclass(frozen=True)
class CorrectedInputs:
    """The overtime inputs with the commission's corrections applied.

    ``events_source`` is what the engine reads (``raw.turnstile_events`` when no event was
    corrected); ``touched`` lists (day, text) per applied correction — the days of the
    corrected row before and after — for the fingerprints of the months around those days.
    """

    events_source: str = EVENTS_TABLE
    orders: pl.DataFrame | None = None
    touched: list[tuple[date, str]] = field(default_factory=list)

    def digest_for(self, first: date, following: date) -> str:
        """The corrections a month's figures depend on (empty: none, the fingerprint is unchanged)."""
        low, high = first - timedelta(days=CORRECTION_WINDOW_DAYS), following + timedelta(days=CORRECTION_WINDOW_DAYS)
        return "\n".join(sorted({text for day, text in self.touched if low <= day < high}))


def _day_of(value: object) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value:
        try:
            return datetime.fromisoformat(value).date()
        except ValueError:
            return None
    return None


def _touched(applied: Sequence[Applied], day_column: str) -> list[tuple[date, str]]:
    """(day, text) of each applied correction: the corrected row's day before and, if moved, after."""
    out: list[tuple[date, str]] = []
    for item in applied:
        c = item.correction
        text = f"{c.correction_id}|{item.row_key}|{c.column}|{item.new_value}"
        days = {_day_of(json.loads(item.row_key).get(day_column))}
        if c.column == day_column:
            days.add(_day_of(item.new_value))
        out.extend((day, text) for day in days if day is not None)
    return out


def _key_employee(key: str) -> str | None:
    try:
        value = json.loads(key)
    except (TypeError, json.JSONDecodeError):
        return None
    employee = value.get("employee_id") if isinstance(value, dict) else None
    return str(employee) if employee is not None else None


def _corrected_events(
    con: duckdb.DuckDBPyConnection, year: int, run_id: str, agency: str | None = None
) -> tuple[str, list[tuple[date, str]]]:
    """The events source with the turnstile corrections applied, and the days they touch.

    Only the landed events of the employees the corrections name are read into memory (a
    correction must find its row, and a moved event must not duplicate another of the same
    employee); the engine then reads the landed events minus the corrected rows plus their
    corrected versions through a temporary view.
    """
    employees = sorted(
        {e for c in read_corrections(con) if c.table == "turnstile_events" and (e := _key_employee(c.key))}
    )
    columns = CONTRACTS["turnstile_events"].column_names
    listed = ", ".join(f'"{c}"' for c in columns)
    candidates = (
        con.execute(
            f"SELECT {listed} FROM {EVENTS_TABLE} WHERE employee_id IN (SELECT unnest(?::VARCHAR[])) "
            "ORDER BY employee_id, event_ts, direction, _file_path, _row_number",
            [employees],
        )
        .pl()
        .with_row_index("_rid")
    )
    outcome = correct_landed_rows(con, "turnstile_events", candidates, year, run_id, agency=agency)
    if not outcome.applied:
        return EVENTS_TABLE, []
    joined = outcome.frame.join(candidates, on="_rid", suffix="_landed")
    differs = pl.any_horizontal([pl.col(c).ne_missing(pl.col(f"{c}_landed")) for c in columns])
    changed = joined.filter(differs)
    removed = changed.select([pl.col(f"{c}_landed").alias(c) for c in ("employee_id", "event_ts", "direction")])
    replaced = changed.select(columns)
    for name, frame in ((_REMOVED_EVENTS, removed), (_REPLACED_EVENTS, replaced)):
        con.register(f"{name}_v", frame)
        con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM {name}_v").fetchall()
        con.unregister(f"{name}_v")
    con.execute(
        f"CREATE OR REPLACE TEMP VIEW {CORRECTED_EVENTS_VIEW} AS "
        f"SELECT {listed} FROM {EVENTS_TABLE} e WHERE NOT EXISTS (SELECT 1 FROM {_REMOVED_EVENTS} r "
        "WHERE r.employee_id = e.employee_id AND r.event_ts = e.event_ts AND r.direction = e.direction) "
        f"UNION ALL SELECT {listed} FROM {_REPLACED_EVENTS}"
    ).fetchall()
    return CORRECTED_EVENTS_VIEW, _touched(outcome.applied, "event_ts")


def corrected_inputs(
    con: duckdb.DuckDBPyConnection,
    year: int,
    orders: pl.DataFrame | None,
    run_id: str | None = None,
    agency: str | None = None,
) -> CorrectedInputs:
    """The year's corrections of turnstile_events and overtime_orders applied; nothing read without any."""
    tables = {c.table for c in read_corrections(con)}
    if not tables & {"turnstile_events", "overtime_orders"}:
        return CorrectedInputs(orders=orders)
    run = run_id or DIRECT_RUN_ID
    source: str = EVENTS_TABLE
    touched: list[tuple[date, str]] = []
    if "turnstile_events" in tables:
        source, touched = _corrected_events(con, year, run, agency)
    if orders is not None and "overtime_orders" in tables:
        outcome = correct_landed_rows(con, "overtime_orders", orders, year, run, agency=agency)
        orders = outcome.frame
        touched = [*touched, *_touched(outcome.applied, "date")]
    return CorrectedInputs(source, orders, touched)


def _drop_corrected_events(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"DROP VIEW IF EXISTS {CORRECTED_EVENTS_VIEW}").fetchall()
    for name in (_REMOVED_EVENTS, _REPLACED_EVENTS):
        con.execute(f"DROP TABLE IF EXISTS {name}").fetchall()


def _fingerprint(
    con: duckdb.DuckDBPyConnection,
    year: int,
    month: int,
    calendar: pl.DataFrame,
    agencies: pl.DataFrame,
    corrections: str = "",
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
        *([corrections] if corrections else []),  # only when corrections touch the month: no change otherwise
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
    corrected: CorrectedInputs | None = None,
    exit_allowance: str = overtime.EXIT_ALLOWANCE_DEFAULT,
) -> bool:
    """Recompute one month's daily rows if its inputs changed; True when recomputed.

    ``previous_month_fresh``: the previous month was recomputed in this same pass, with this
    month's events already landed, so its last day needs no second look. ``corrected``: the
    events source and the corrections touching the month (:func:`corrected_inputs`).
    """
    inputs = corrected or CorrectedInputs(orders=orders)
    events = inputs.events_source
    con.execute(
        "CREATE TABLE IF NOT EXISTS core.overtime_months (year BIGINT, month BIGINT, fingerprint VARCHAR)"
    ).fetchall()
    first, following = _month_bounds(year, month)
    fingerprint = _fingerprint(
        con, year, month, calendar, agencies, inputs.digest_for(first, following), exit_allowance
    )
    stored = con.execute(
        "SELECT fingerprint FROM core.overtime_months WHERE year = ? AND month = ?", [year, month]
    ).fetchall()
    if (stored and stored[0][0] == fingerprint) or (not stored and fingerprint == ""):
        return False
    if lake.enabled(con):
        _refresh_month_in_lake(
            con, year, month, fingerprint, agencies, calendar, inputs, previous_month_fresh, exit_allowance
        )
        return True
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
            events,
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
            events,
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


def _month_key(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def _refresh_month_in_lake(
    con: duckdb.DuckDBPyConnection,
    year: int,
    month: int,
    fingerprint: str,
    agencies: pl.DataFrame,
    calendar: pl.DataFrame,
    inputs: CorrectedInputs,
    previous_month_fresh: bool,
    exit_allowance: str = overtime.EXIT_ALLOWANCE_DEFAULT,
) -> None:
    """:func:`refresh_month`'s writes when ``core.overtime_daily`` is a lake table (kzeval.lake).

    The same days are replaced as in the native table: the month, and the previous month's
    last day unless that month was computed in this pass. The touched months' segments are
    rewritten as new Parquet files, in one transaction with the month's fingerprint.
    """
    table = lake.OVERTIME_DAILY
    first, following = _month_bounds(year, month)
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'core' AND table_name = 'overtime_daily'"
    ).fetchall()[0][0]
    con.execute("BEGIN TRANSACTION").fetchall()
    try:
        if not exists and fingerprint:  # the first month ever: the table's columns, then its view (no row yet)
            overtime.compute_overtime_daily(
                con,
                inputs.events_source,
                agencies,
                calendar,
                inputs.orders,
                date_from=first,
                date_to=following,
                target=table.shape,
                exit_allowance=exit_allowance,
                columns_only=True,
            )
            described = con.execute(f"DESCRIBE {table.shape}").fetchall()
            lake.ensure_table(con, table, [(str(r[0]), str(r[1])) for r in described])
        if fingerprint == "" and exists:
            delta = lake.touch(con, table, [_month_key(first)])
            con.execute(f"DELETE FROM {delta} WHERE work_date >= ? AND work_date < ?", [first, following]).fetchall()
        elif fingerprint:
            previous_last_day = first - timedelta(days=1)
            boundary = bool(exists) and previous_last_day.year == year and not previous_month_fresh
            start = previous_last_day if boundary else first
            delta = lake.touch(con, table, sorted({_month_key(start), _month_key(first)}))
            overtime.replace_overtime_days(
                con,
                inputs.events_source,
                agencies,
                calendar,
                inputs.orders,
                date_from=start,
                date_to=following,
                target=delta,
                exit_allowance=exit_allowance,
                in_transaction=True,
            )
        lake.flush(con)
        con.execute("DELETE FROM core.overtime_months WHERE year = ? AND month = ?", [year, month]).fetchall()
        con.execute("INSERT INTO core.overtime_months VALUES (?, ?, ?)", [year, month, fingerprint]).fetchall()
        con.execute("COMMIT").fetchall()
    except Exception:
        with contextlib.suppress(duckdb.Error):
            con.execute("ROLLBACK").fetchall()
        raise


def compute_overtime_year(
    con: duckdb.DuckDBPyConnection,
    year: int,
    months: list[int] | None = None,
    exit_allowance: str = overtime.EXIT_ALLOWANCE_DEFAULT,
    headcount_reading: str = overtime.HEADCOUNT_READING_DEFAULT,
    on_month: Callable[[int, bool], None] | None = None,
    run_id: str = DIRECT_RUN_ID,
    corrections_agency: str | None = None,
) -> OvertimeYear:
    """Refresh the year's stale months, then store ``core.overtime`` (marts.fct_overtime) for the year.

    ``on_month(month, recomputed)``: called once per month, in order, as soon as the month is
    recomputed (True) or found unchanged (False); the run's progress lines (no Dagster here).

    ``exit_allowance``: reading ``hr.overtime_exit_allowance``; a change recomputes every month.
    ``headcount_reading``: reading ``hr.headcount_missing_months`` (n = Σ ÷ 12 or ÷ months reported);
    bodies with fewer than 12 month-end values are flagged in the row and in ``headcount_incomplete``.
    """
    ensure_core_tables(con)
    # added 2026-12-04: months reported, the flag and the divisor of n (warehouses built before lack them)
    for column, kind in (
        ("headcount_months", "BIGINT"),
        ("headcount_months_missing", "BOOLEAN"),
        ("headcount_divisor", "BIGINT"),
    ):
        con.execute(f"ALTER TABLE core.overtime ADD COLUMN IF NOT EXISTS {column} {kind}").fetchall()
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
    corrected = corrected_inputs(con, year, orders, run_id, corrections_agency)
    recomputed, unchanged = [], []
    try:
        for month in months or range(1, 13):
            fresh = month - 1 in recomputed
            if refresh_month(
                con,
                year,
                month,
                agencies,
                calendar,
                corrected.orders,
                previous_month_fresh=fresh,
                corrected=corrected,
                exit_allowance=exit_allowance,
            ):
                recomputed.append(month)
            else:
                unchanged.append(month)
            if on_month is not None:
                on_month(month, month in recomputed)
    finally:
        _drop_corrected_events(con)
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'core' AND table_name = 'overtime_daily'"
    ).fetchall()[0][0]
    if not exists:
        return OvertimeYear(
            pl.DataFrame(schema=overtime.FCT_OVERTIME_SCHEMA), recomputed, unchanged, "no events in the year"
        )
    headcount = read_raw(con, "headcount_monthly") if table_has_rows(con, "headcount_monthly") else None
    fct = overtime.compute_overtime_by_body(
        con, DAILY_TABLE, agencies, headcount, calendar, year, headcount_reading=headcount_reading
    )
    replace_year_slice(con, "core", "overtime", fct.drop("year"), year)
    quality = overtime.unclosed_days_by_unit(con, DAILY_TABLE, year)
    replace_year_slice(con, "core", "overtime_unit_quality", quality, year)
    incomplete = fct.filter(pl.col("headcount_months_missing").fill_null(False))
    return OvertimeYear(
        fct,
        recomputed,
        unchanged,
        headcount_incomplete=dict(
            zip(incomplete["agency_id"].to_list(), incomplete["headcount_months"].to_list(), strict=True)
        ),
    )
