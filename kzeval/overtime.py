"""Working-time discipline from turnstile logs (seed 001, para. 40; methodology §5.2).

Per employee and day (DuckDB SQL — ~75M events a year at national scale):

1. Repeated ``in`` or ``out`` events of an employee within 2 minutes of the previous one
   are one event (the first is kept; a chain of taps each ≤ 2 min apart collapses to one).
2. A presence interval is a kept ``in`` whose next kept event is an ``out`` no more than
   ``MAX_PRESENCE_INTERVAL_HOURS`` later; it belongs to the day the ``in`` happened, also
   when it runs past midnight (or past the end of a month).
3. An ``out`` with no ``in`` before it (the previous kept event is an ``out`` or nothing)
   is ignored and counted (``orphan_out_events``). An ``in`` followed by another ``in``
   opens nothing.
4. A day whose last ``in`` has no ``out`` is *unclosed*: it contributes no overtime at all
   and is counted (``is_unclosed``).
5. Working day: overtime = time present after ``workday_end`` of the interval's unit
   (``agencies.workday_end``, default 18:30) + 30 min exit allowance (para. 40 (1)).
   Weekend/holiday: all time present, minus hours ordered by an act of the employer for
   that employee and day (``overtime_orders``), floor 0 (para. 40 (2)).

Per assessed body (``marts.fct_overtime``): m = Σ workday overtime, p = Σ weekend/holiday
overtime, n = Σ month-end actual headcounts ÷ 12 (or ÷ months reported, reading
hr.headcount_missing_months), d = working days of the
calendar, b = (d − 21) × 8, a = b + m/n, s = p/n — all over the para. 28 measurement scope
(:func:`overtime_scope_units`).

Months can be computed separately (:func:`compute_overtime_month`) and stored; the body
aggregation (:func:`compute_overtime_by_body`) reads any number of stored daily tables.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TypeAlias

import duckdb
import polars as pl

from kzeval.agencies import resolve_hierarchy
from kzeval.calendars import CALENDAR_SCHEMA, CalendarMissingError, count_workdays
from kzeval.indicators.overtime_points import avg_weekend_overtime, avg_workday_hours, normal_hours
from kzeval.methodology.org_development_2023 import (
    CITY_LEVEL,
    DEFAULT_WORKDAY_END,
    HEADCOUNT_MONTHS,
    OVERTIME_DUPLICATE_EVENT_SECONDS,
    OVERTIME_EXIT_ALLOWANCE_MINUTES,
    OVERTIME_SCOPE_APPARATUS,
    OVERTIME_SCOPE_LEVEL_RULE,
    REGIONAL_ANCESTOR_LEVELS,
)
from kzeval.schema import polars_schema

# TODO-move: to org_development_2023 (read-only for this helper).
MAX_PRESENCE_INTERVAL_HOURS = 24  # an in/out pair further apart is a forgotten badge, not presence
# Para. 40(1) scope for N1 and n: the units marked ``agencies.is_apparatus``; for a body without
# the marks, the fallback level rule: CGO = central office + central offices of its committees;
# MIO = akim's office of the oblast / capital / city of republican significance — a ``city`` unit
# below an oblast (a city of oblast significance) is out, as in para. 28 (methodology §5.2).
OVERTIME_SCOPE_LEVELS: dict[str, tuple[str, ...]] = {"CGO": ("central",), "MIO": ("oblast", "city")}
SCOPE_APPARATUS = OVERTIME_SCOPE_APPARATUS  # the body's units carry agencies.is_apparatus
SCOPE_LEVEL_RULE = OVERTIME_SCOPE_LEVEL_RULE  # fallback: N1 provisional, the run summary says why
# Reading hr.overtime_exit_allowance (para. 40(1)): its default, for callers without readings.
EXIT_ALLOWANCE_DEFAULT = "deduction"
# Reading hr.headcount_missing_months: its default (the seed's «деленная на 12»), for callers without readings.
HEADCOUNT_READING_DEFAULT = "divide_by_12"

Source: TypeAlias = "str | Path | Sequence[str | Path] | duckdb.DuckDBPyRelation | pl.DataFrame"

# core.overtime (kzeval.schema.registry): year, agency_id, m, p, n, d, b, a, s, unclosed days, headcount months
FCT_OVERTIME_SCHEMA: dict[str, pl.DataType] = polars_schema("core.overtime")

DAILY_COLUMNS = (
    "employee_id",
    "agency_id",
    "work_date",
    "day_type",
    "intervals",
    "presence_ms",
    "after_end_ms",
    "ordered_hours",
    "is_unclosed",
    "orphan_out_events",
    "workday_overtime_hours",
    "weekend_overtime_hours",
)

_MS_PER_HOUR = 3_600_000
_counter = itertools.count()


# --- inputs ---------------------------------------------------------------------------


def _quote(text: str) -> str:
    return text.replace("'", "''")


def _parquet_paths(source: str | Path) -> list[str]:
    path = Path(source)
    if path.is_dir():
        return [str(path / "**" / "*.parquet")]
    return [str(source)]


def _is_path(source: object) -> bool:
    if isinstance(source, Path):
        return True
    if isinstance(source, str):
        return source.endswith(".parquet") or "*" in source or "/" in source or Path(source).exists()
    return False


@dataclass
class _Scratch:
    """Temporary objects registered on the caller's connection, dropped when the work is done."""

    frames: list[str] = field(default_factory=list)
    views: list[str] = field(default_factory=list)
    tables: list[str] = field(default_factory=list)

    def table(self, con: duckdb.DuckDBPyConnection, prefix: str, frame: pl.DataFrame) -> str:
        name = f"{prefix}_{next(_counter)}"
        con.register(f"{name}_v", frame)
        con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM {name}_v").fetchall()
        con.unregister(f"{name}_v")
        self.tables.append(name)
        return name

    def drop(self, con: duckdb.DuckDBPyConnection) -> None:
        for name in self.frames:
            con.unregister(name)
        for name in self.views:
            con.execute(f"DROP VIEW IF EXISTS {name}").fetchall()
        for name in self.tables:
            con.execute(f"DROP TABLE IF EXISTS {name}").fetchall()


def _source_sql(
    con: duckdb.DuckDBPyConnection, source: Source, scratch: _Scratch, columns: Sequence[str] | None = None
) -> str:
    """A FROM-clause for parquet path(s)/glob/dir, a table or view name, a relation or a polars frame."""
    if isinstance(source, pl.DataFrame):
        name = f"_kzeval_src_{next(_counter)}"
        con.register(name, source.select(columns) if columns else source)
        scratch.frames.append(name)
        return name
    if isinstance(source, duckdb.DuckDBPyRelation):
        name = f"_kzeval_src_{next(_counter)}"
        source.create_view(name, replace=True)
        scratch.views.append(name)
        return name
    if _is_path(source):
        paths = _parquet_paths(source)  # type: ignore[arg-type]
    elif isinstance(source, str):
        return source  # a table or view name, possibly schema-qualified
    else:
        items = list(source)  # type: ignore[arg-type]
        if items and all(isinstance(s, str) and not _is_path(s) for s in items):
            return "(" + " UNION ALL BY NAME ".join(f"SELECT * FROM {s}" for s in items) + ")"
        paths = [p for s in items for p in _parquet_paths(s)]
    listed = ", ".join(f"'{_quote(p)}'" for p in paths)
    return f"read_parquet([{listed}], union_by_name = true)"


def _hhmm_to_minutes(value: str | None) -> int:
    text = value if value else DEFAULT_WORKDAY_END
    hours, minutes = text.strip().split(":")[:2]
    return int(hours) * 60 + int(minutes)


def _resolved_agencies(agencies: pl.DataFrame) -> pl.DataFrame:
    """agency_id, parent_agency_id, assessed_agency_id, assessed_body_type, level, workday_end, is_apparatus."""
    frame = agencies if "assessed_agency_id" in agencies.columns else resolve_hierarchy(agencies)
    if "assessed_body_type" not in frame.columns:
        types = frame.select(
            pl.col("agency_id").alias("assessed_agency_id"), pl.col("body_type").alias("assessed_body_type")
        )
        frame = frame.join(types, on="assessed_agency_id", how="left")
    for column, dtype in (
        ("level", pl.Utf8),
        ("workday_end", pl.Utf8),
        ("parent_agency_id", pl.Utf8),
        ("is_apparatus", pl.Boolean),
    ):
        if column not in frame.columns:
            frame = frame.with_columns(pl.lit(None, dtype=dtype).alias(column))
    return frame.select(
        pl.col("agency_id").cast(pl.Utf8),
        pl.col("parent_agency_id").cast(pl.Utf8),
        pl.col("assessed_agency_id").cast(pl.Utf8),
        pl.col("assessed_body_type").cast(pl.Utf8),
        pl.col("level").cast(pl.Utf8),
        pl.col("workday_end").cast(pl.Utf8),
        pl.col("is_apparatus").cast(pl.Boolean),
    )


def _oblast_significance_cities(frame: pl.DataFrame) -> set[str]:
    """``city`` units with an oblast/territorial ancestor below their assessed body (para. 28)."""
    ids = frame["agency_id"].to_list()
    parent = dict(zip(ids, frame["parent_agency_id"].to_list(), strict=True))
    level = dict(zip(ids, frame["level"].to_list(), strict=True))
    assessed = dict(zip(ids, frame["assessed_agency_id"].to_list(), strict=True))
    result: set[str] = set()
    for unit in ids:
        if level[unit] != CITY_LEVEL:
            continue
        node, steps = unit, 0
        while node != assessed[unit] and parent.get(node) is not None and steps < len(ids):
            node, steps = parent[node], steps + 1  # type: ignore[assignment]
            if level.get(node) in REGIONAL_ANCESTOR_LEVELS:
                result.add(unit)
                break
    return result


def apparatus_marked_bodies(agencies: pl.DataFrame) -> set[str]:
    """Assessed bodies whose units carry ``agencies.is_apparatus`` (any non-null value)."""
    frame = _resolved_agencies(agencies)
    return set(frame.filter(pl.col("is_apparatus").is_not_null())["assessed_agency_id"].unique().to_list())


def overtime_scope_units(agencies: pl.DataFrame) -> pl.DataFrame:
    """Units measured for m, p and n (para. 40(1)), with the assessed body they count for.

    A body whose units carry ``is_apparatus`` counts exactly the units marked true (its
    central office and its committees' central offices; the akim's apparatus, not the
    akimat's departments). Otherwise the level rule: CGO ``level = 'central'``; MIO
    ``level = 'oblast'`` or a ``city`` that is not a city of oblast significance. A unit
    without ``level`` then counts only if it is the assessed body itself. Columns:
    agency_id, assessed_agency_id, assessed_body_type, scope_source.
    """
    frame = _resolved_agencies(agencies)
    marked = apparatus_marked_bodies(frame)
    oblast_cities = _oblast_significance_cities(frame)
    by_level = pl.lit(False)
    for body_type, levels in OVERTIME_SCOPE_LEVELS.items():
        by_level = by_level | ((pl.col("assessed_body_type") == body_type) & pl.col("level").is_in(levels))
    by_level = by_level & ~pl.col("agency_id").is_in(list(oblast_cities))
    by_level = (
        pl.when(pl.col("level").is_null()).then(pl.col("agency_id") == pl.col("assessed_agency_id")).otherwise(by_level)
    )
    has_marks = pl.col("assessed_agency_id").is_in(list(marked))
    in_scope = pl.when(has_marks).then(pl.col("is_apparatus").fill_null(False)).otherwise(by_level)
    return frame.filter(in_scope).select(
        "agency_id",
        "assessed_agency_id",
        "assessed_body_type",
        pl.when(has_marks).then(pl.lit(SCOPE_APPARATUS)).otherwise(pl.lit(SCOPE_LEVEL_RULE)).alias("scope_source"),
    )


def _unit_thresholds(agencies: pl.DataFrame) -> pl.DataFrame:
    """Per unit, milliseconds after midnight from which workday presence is overtime."""
    frame = _resolved_agencies(agencies)
    ends = [_hhmm_to_minutes(v) for v in frame["workday_end"].to_list()]
    offset = [(e + OVERTIME_EXIT_ALLOWANCE_MINUTES) * 60_000 for e in ends]
    return pl.DataFrame(
        {"agency_id": frame["agency_id"], "threshold_ms": offset, "end_ms": [e * 60_000 for e in ends]},
        schema={"agency_id": pl.Utf8, "threshold_ms": pl.Int64, "end_ms": pl.Int64},
    )


def _check_calendar(calendar: pl.DataFrame, date_from: date, date_to: date) -> pl.DataFrame:
    cal = calendar.select(pl.col("date").cast(pl.Date), pl.col("day_type").cast(pl.Utf8)).filter(
        (pl.col("date") >= date_from) & (pl.col("date") < date_to)
    )
    covered = set(cal["date"].to_list())
    missing = [date_from + timedelta(days=i) for i in range((date_to - date_from).days)]
    missing = [d for d in missing if d not in covered]
    if missing:
        raise CalendarMissingError(missing[0].year, len(missing), f"first uncovered day {missing[0].isoformat()}")
    return cal.unique("date").cast(CALENDAR_SCHEMA)  # type: ignore[arg-type]


def _orders_frame(orders: pl.DataFrame | None, date_from: date, date_to: date) -> pl.DataFrame:
    schema = {"employee_id": pl.Utf8, "date": pl.Date, "ordered_hours": pl.Float64}
    if orders is None or orders.height == 0:
        return pl.DataFrame(schema=schema)
    return (
        orders.filter((pl.col("date") >= date_from) & (pl.col("date") < date_to))
        .group_by("employee_id", "date")
        .agg(pl.col("hours").cast(pl.Float64).sum().alias("ordered_hours"))
        .cast(schema)  # type: ignore[arg-type]
    )


# --- per employee per day --------------------------------------------------------------


def _ts(value: datetime) -> str:
    return f"TIMESTAMP '{value.isoformat(sep=' ')}'"


def _after_end_sql(exit_allowance: str, default_threshold: int, default_end: int) -> str:
    """Milliseconds of one closed interval after the end of the working day (para. 40(1)).

    Reading ``hr.overtime_exit_allowance``: ``deduction`` counts the time after
    ``workday_end + 30 min``; ``threshold`` counts an interval that runs past
    ``workday_end + 30 min`` from ``workday_end``, and a shorter stay not at all.
    """
    day0 = "m.ts - m.ts % 86400000"
    threshold = f"{day0} + coalesce(u.threshold_ms, {default_threshold})"
    if exit_allowance == "deduction":
        return f"greatest(0, m.next_ts - greatest(m.ts, {threshold}))"
    if exit_allowance == "threshold":
        end = f"{day0} + coalesce(u.end_ms, {default_end})"
        return f"CASE WHEN m.next_ts > {threshold} THEN greatest(0, m.next_ts - greatest(m.ts, {end})) ELSE 0 END"
    raise ValueError(f"unknown exit-allowance reading {exit_allowance!r}")


def _daily_sql(
    events_sql: str,
    units: str,
    calendar: str,
    orders: str,
    date_from: date,
    date_to: date,
    exit_allowance: str = EXIT_ALLOWANCE_DEFAULT,
) -> str:
    """SELECT producing one row per employee and day (columns ``DAILY_COLUMNS``)."""
    max_ms = MAX_PRESENCE_INTERVAL_HOURS * _MS_PER_HOUR
    dup_ms = OVERTIME_DUPLICATE_EVENT_SECONDS * 1000
    default_threshold = (_hhmm_to_minutes(None) + OVERTIME_EXIT_ALLOWANCE_MINUTES) * 60_000
    after_end = _after_end_sql(exit_allowance, default_threshold, _hhmm_to_minutes(None) * 60_000)
    margin = timedelta(hours=MAX_PRESENCE_INTERVAL_HOURS + 1)
    start = datetime.combine(date_from, datetime.min.time())
    end = datetime.combine(date_to, datetime.min.time())
    return f"""
WITH ev AS (
    SELECT employee_id, agency_id, epoch_ms(event_ts) AS ts, direction = 'in' AS is_in
    FROM {events_sql}
    WHERE event_ts >= {_ts(start - margin)} AND event_ts < {_ts(end + margin)}
),
raw_seq AS (
    SELECT *, lag(is_in) OVER w AS prev_in, lag(ts) OVER w AS prev_ts
    FROM ev
    WINDOW w AS (PARTITION BY employee_id ORDER BY ts, is_in DESC)
),
kept AS (  -- repeated same-direction taps within the duplicate window are one event
    SELECT employee_id, agency_id, ts, is_in FROM raw_seq
    WHERE prev_in IS NULL OR prev_in <> is_in OR ts - prev_ts > {dup_ms}
),
seq AS (
    SELECT *,
        lead(is_in) OVER w AS next_in, lead(ts) OVER w AS next_ts,
        lag(is_in) OVER w AS prev_in, lag(ts) OVER w AS prev_ts
    FROM kept
    WINDOW w AS (PARTITION BY employee_id ORDER BY ts, is_in DESC)
),
marked AS (
    SELECT employee_id, agency_id, ts, is_in,
        is_in AND coalesce(NOT next_in, false) AND next_ts - ts <= {max_ms} AS closes,
        next_ts,
        NOT is_in AND NOT coalesce(prev_in AND ts - prev_ts <= {max_ms}, false) AS orphan_out
    FROM seq
    WHERE ts >= epoch_ms({_ts(start)}) AND ts < epoch_ms({_ts(end)})
),
days AS (
    SELECT m.employee_id,
        CAST(make_timestamp(m.ts * 1000) AS DATE) AS work_date,
        coalesce(arg_min(m.agency_id, m.ts) FILTER (WHERE m.is_in), arg_min(m.agency_id, m.ts)) AS agency_id,
        count(*) FILTER (WHERE m.closes) AS intervals,
        coalesce(sum(m.next_ts - m.ts) FILTER (WHERE m.closes), 0) AS presence_ms,
        coalesce(sum({after_end}) FILTER (WHERE m.closes), 0) AS after_end_ms,
        coalesce(bool_or(m.is_in) AND NOT arg_max(m.closes, m.ts) FILTER (WHERE m.is_in), false) AS is_unclosed,
        count(*) FILTER (WHERE m.orphan_out) AS orphan_out_events
    FROM marked m LEFT JOIN {units} u ON u.agency_id = m.agency_id
    WHERE m.is_in OR m.orphan_out
    GROUP BY ALL
)
SELECT d.employee_id, d.agency_id, d.work_date, c.day_type,
    CAST(d.intervals AS INTEGER) AS intervals,
    CAST(d.presence_ms AS BIGINT) AS presence_ms,
    CAST(d.after_end_ms AS BIGINT) AS after_end_ms,
    coalesce(o.ordered_hours, 0.0) AS ordered_hours,
    d.is_unclosed,
    CAST(d.orphan_out_events AS INTEGER) AS orphan_out_events,
    CASE WHEN c.day_type = 'workday' AND NOT d.is_unclosed THEN d.after_end_ms / {_MS_PER_HOUR}.0 ELSE 0.0 END
        AS workday_overtime_hours,
    CASE WHEN c.day_type <> 'workday' AND NOT d.is_unclosed
        THEN greatest(0.0, d.presence_ms / {_MS_PER_HOUR}.0 - coalesce(o.ordered_hours, 0.0)) ELSE 0.0 END
        AS weekend_overtime_hours
FROM days d
JOIN {calendar} c ON c.date = d.work_date
LEFT JOIN {orders} o ON o.employee_id = d.employee_id AND o.date = d.work_date
"""


def _prepare(
    con: duckdb.DuckDBPyConnection,
    events_source: Source,
    agencies: pl.DataFrame,
    calendar: pl.DataFrame,
    orders: pl.DataFrame | None,
    date_from: date,
    date_to: date,
    scratch: _Scratch,
    exit_allowance: str = EXIT_ALLOWANCE_DEFAULT,
) -> str:
    """Register the small inputs as temp tables and return the daily SELECT."""
    if date_to <= date_from:
        raise ValueError(f"empty date range {date_from} .. {date_to}")
    cal = _check_calendar(calendar, date_from, date_to)
    units = scratch.table(con, "_kzeval_ot_units", _unit_thresholds(agencies))
    cal_name = scratch.table(con, "_kzeval_ot_calendar", cal)
    orders_name = scratch.table(con, "_kzeval_ot_orders", _orders_frame(orders, date_from, date_to))
    events_sql = _source_sql(con, events_source, scratch, ["employee_id", "agency_id", "event_ts", "direction"])
    return _daily_sql(events_sql, units, cal_name, orders_name, date_from, date_to, exit_allowance)


def compute_overtime_daily(
    con: duckdb.DuckDBPyConnection,
    events_source: Source,
    agencies: pl.DataFrame,
    calendar: pl.DataFrame,
    orders: pl.DataFrame | None,
    *,
    date_from: date,
    date_to: date,
    target: str = "overtime_daily",
    exit_allowance: str = EXIT_ALLOWANCE_DEFAULT,
    columns_only: bool = False,
) -> duckdb.DuckDBPyRelation:
    """Per employee and day of [date_from, date_to): overtime, presence, unclosed flag → table ``target``.

    Events up to 25 h either side of the range are read so that intervals crossing the
    range edges pair correctly; rows belong to the day their ``in`` happened. ``target`` is
    created or replaced in ``con`` (e.g. ``staging.overtime_daily_2024_03``); with
    ``columns_only`` it is created empty (the columns and types of the daily table).
    """
    scratch = _Scratch()
    try:
        select = _prepare(con, events_source, agencies, calendar, orders, date_from, date_to, scratch, exit_allowance)
        if columns_only:
            select = f"SELECT * FROM ({select}) LIMIT 0"
        con.execute(f"CREATE OR REPLACE TABLE {target} AS {select}").fetchall()
    finally:
        scratch.drop(con)
    return con.table(target)


def replace_overtime_days(
    con: duckdb.DuckDBPyConnection,
    events_source: Source,
    agencies: pl.DataFrame,
    calendar: pl.DataFrame,
    orders: pl.DataFrame | None,
    *,
    date_from: date,
    date_to: date,
    target: str,
    exit_allowance: str = EXIT_ALLOWANCE_DEFAULT,
    in_transaction: bool = False,
) -> int:
    """Recompute the days [date_from, date_to) inside an existing daily table; returns the rows written.

    For the month boundary: once month M+1 is loaded, refresh the last day of month M in
    M's table (its intervals that ran past midnight can now close) without recomputing M.
    """
    scratch = _Scratch()
    try:
        select = _prepare(con, events_source, agencies, calendar, orders, date_from, date_to, scratch, exit_allowance)
        # ``in_transaction``: the caller's transaction covers both statements (a failed BEGIN would abort it)
        own_transaction = not in_transaction
        if own_transaction:
            con.execute("BEGIN TRANSACTION").fetchall()
        try:
            con.execute(
                f"DELETE FROM {target} WHERE work_date >= DATE '{date_from.isoformat()}' "
                f"AND work_date < DATE '{date_to.isoformat()}'"
            ).fetchall()
            row = con.execute(f"INSERT INTO {target} BY NAME {select}").fetchone()
            if own_transaction:
                con.execute("COMMIT").fetchall()
        except Exception:
            if own_transaction:
                con.execute("ROLLBACK").fetchall()
            raise
    finally:
        scratch.drop(con)
    return int(row[0]) if row else 0


def compute_overtime_month(
    con: duckdb.DuckDBPyConnection,
    events_source: Source,
    agencies: pl.DataFrame,
    calendar: pl.DataFrame,
    orders: pl.DataFrame | None,
    year: int,
    month: int,
    *,
    target: str | None = None,
    exit_allowance: str = EXIT_ALLOWANCE_DEFAULT,
) -> duckdb.DuckDBPyRelation:
    """One month's per-employee-per-day table (monthly partition), default ``overtime_daily_YYYY_MM``.

    An interval that starts on the month's last day and ends in the next month belongs to
    the last day; it is only closed once the next month's first day is loaded, so when a
    new month arrives the pipeline refreshes that one earlier day with
    :func:`replace_overtime_days` — no earlier month is recomputed.
    """
    first = date(year, month, 1)
    following = date(year + (month == 12), month % 12 + 1, 1)
    name = target or f"overtime_daily_{year:04d}_{month:02d}"
    return compute_overtime_daily(
        con,
        events_source,
        agencies,
        calendar,
        orders,
        date_from=first,
        date_to=following,
        target=name,
        exit_allowance=exit_allowance,
    )


# --- per assessed body -----------------------------------------------------------------


def _avg_headcount(
    headcount: pl.DataFrame | None, scope: pl.DataFrame, year: int, reading: str = HEADCOUNT_READING_DEFAULT
) -> pl.DataFrame:
    """n per assessed body: Σ over in-scope units and months of month-end actual headcount ÷ divisor.

    Reading ``hr.headcount_missing_months``: ``divide_by_12`` (seed 001: «сумма … деленная на
    12», the default) or ``months_reported`` (÷ the months with a month-end value; a complete
    year gives the same n). Also returns the months reported and the divisor used.
    """
    schema = {
        "agency_id": pl.Utf8,
        "avg_headcount": pl.Float64,
        "headcount_months": pl.Int64,
        "headcount_months_missing": pl.Boolean,
        "headcount_divisor": pl.Int64,
    }
    if reading not in ("divide_by_12", "months_reported"):
        raise ValueError(f"hr.headcount_missing_months: unknown reading {reading!r}")
    if headcount is None or headcount.height == 0:
        return pl.DataFrame(schema=schema)
    summed = (
        headcount.filter(pl.col("month_end").dt.year() == year)
        .select("agency_id", "month_end", "actual_headcount")
        .join(scope.select("agency_id", "assessed_agency_id"), on="agency_id", how="inner")
        .group_by("assessed_agency_id")
        .agg(
            pl.col("actual_headcount").cast(pl.Float64).sum().alias("total"),
            pl.col("month_end").dt.month().n_unique().cast(pl.Int64).alias("headcount_months"),
        )
    )
    months = pl.col("headcount_months")
    divisor = (
        pl.when(months < HEADCOUNT_MONTHS).then(months).otherwise(HEADCOUNT_MONTHS)
        if reading == "months_reported"
        else pl.lit(HEADCOUNT_MONTHS)
    )
    return (
        summed.with_columns(divisor.cast(pl.Int64).alias("headcount_divisor"))
        .with_columns(
            (pl.col("total") / pl.col("headcount_divisor")).alias("avg_headcount"),
            (months < HEADCOUNT_MONTHS).alias("headcount_months_missing"),
        )
        .rename({"assessed_agency_id": "agency_id"})
        .select(list(schema))
        .cast(schema)  # type: ignore[arg-type]
    )


def headcount_months_by_body(headcount: pl.DataFrame | None, agencies: pl.DataFrame, year: int) -> dict[str, int]:
    """Month-end values of the year present per assessed body over its para. 40(1) units (12 = complete)."""
    if headcount is None or headcount.height == 0:
        return {}
    scope = overtime_scope_units(agencies)
    months = (
        headcount.filter(pl.col("month_end").dt.year() == year)
        .select("agency_id", "month_end")
        .join(scope.select("agency_id", "assessed_agency_id"), on="agency_id", how="inner")
        .group_by("assessed_agency_id")
        .agg(pl.col("month_end").dt.month().n_unique().alias("months"))
    )
    return {str(a): int(m) for a, m in months.iter_rows()}


def _body_sums_sql(daily_sql: str, scope_table: str, year: int) -> str:
    return f"""
SELECT s.assessed_agency_id AS agency_id,
    -- summed as exact decimals: a parallel sum of doubles depends on the order threads add them, and two
    -- builds of the same drop must give byte-identical marts (issue 16 item 8)
    CAST(sum(CAST(d.workday_overtime_hours AS DECIMAL(18, 9))) AS DOUBLE) AS workday_overtime_hours,
    CAST(sum(CAST(d.weekend_overtime_hours AS DECIMAL(18, 9))) AS DOUBLE) AS weekend_overtime_hours,
    CAST(count(*) FILTER (WHERE d.is_unclosed) AS BIGINT) AS unclosed_days
FROM ({daily_sql}) d
JOIN {scope_table} s ON s.agency_id = d.agency_id
WHERE d.work_date >= DATE '{year}-01-01' AND d.work_date < DATE '{year + 1}-01-01'
GROUP BY 1
"""


def _finish(sums: pl.DataFrame, n_frame: pl.DataFrame, calendar: pl.DataFrame, year: int) -> pl.DataFrame:
    """Apply the scalar formulas (b, a, s) per body — only ~50 rows."""
    d = count_workdays(_check_calendar(calendar, date(year, 1, 1), date(year + 1, 1, 1)), year)
    b = normal_hours(d)
    joined = sums.join(n_frame, on="agency_id", how="left").sort("agency_id")
    rows = []
    for r in joined.iter_rows(named=True):
        n = r["avg_headcount"] or 0.0
        rows.append(
            {
                "year": year,
                "agency_id": r["agency_id"],
                "workday_overtime_hours": float(r["workday_overtime_hours"] or 0.0),
                "weekend_overtime_hours": float(r["weekend_overtime_hours"] or 0.0),
                "avg_headcount": r["avg_headcount"],
                "workdays": d,
                "normal_hours": b,
                "avg_workday_hours": avg_workday_hours(b, float(r["workday_overtime_hours"] or 0.0), n),
                "avg_weekend_overtime": avg_weekend_overtime(float(r["weekend_overtime_hours"] or 0.0), n),
                "unclosed_days": int(r["unclosed_days"] or 0),
                "headcount_months": r["headcount_months"],
                "headcount_months_missing": r["headcount_months_missing"],
                "headcount_divisor": r["headcount_divisor"],
            }
        )
    return pl.DataFrame(rows, schema=FCT_OVERTIME_SCHEMA)


def compute_overtime_by_body(
    con: duckdb.DuckDBPyConnection,
    daily_source: Source,
    agencies: pl.DataFrame,
    headcount: pl.DataFrame | None,
    calendar: pl.DataFrame,
    year: int,
    headcount_reading: str = HEADCOUNT_READING_DEFAULT,
) -> pl.DataFrame:
    """``marts.fct_overtime`` rows from stored per-employee-per-day results (any number of months).

    ``daily_source``: a table name, a list of table names (monthly partitions), parquet
    path(s) or a relation holding ``DAILY_COLUMNS``. A body gets a row when its in-scope
    units have turnstile days in ``year``; n (and so a, s) is null without headcount rows.
    ``headcount_reading``: reading ``hr.headcount_missing_months`` (n = Σ ÷ 12 or ÷ months reported).
    """
    scope = overtime_scope_units(agencies)
    scratch = _Scratch()
    try:
        daily_sql = f"SELECT * FROM {_source_sql(con, daily_source, scratch)}"
        scope_table = scratch.table(con, "_kzeval_ot_scope", scope)
        sums = con.execute(_body_sums_sql(daily_sql, scope_table, year)).pl()
    finally:
        scratch.drop(con)
    return _finish(sums, _avg_headcount(headcount, scope, year, headcount_reading), calendar, year)


def compute_fct_overtime(
    con: duckdb.DuckDBPyConnection,
    events_source: Source,
    agencies: pl.DataFrame,
    calendar: pl.DataFrame,
    orders: pl.DataFrame | None,
    headcount: pl.DataFrame | None,
    year: int,
    exit_allowance: str = EXIT_ALLOWANCE_DEFAULT,
    headcount_reading: str = HEADCOUNT_READING_DEFAULT,
) -> pl.DataFrame:
    """The whole year in one DuckDB statement (daily step inlined, nothing materialised)."""
    scope = overtime_scope_units(agencies)
    scratch = _Scratch()
    try:
        first, following = date(year, 1, 1), date(year + 1, 1, 1)
        daily_sql = _prepare(con, events_source, agencies, calendar, orders, first, following, scratch, exit_allowance)
        scope_table = scratch.table(con, "_kzeval_ot_scope", scope)
        sums = con.execute(_body_sums_sql(daily_sql, scope_table, year)).pl()
    finally:
        scratch.drop(con)
    return _finish(sums, _avg_headcount(headcount, scope, year, headcount_reading), calendar, year)


def unclosed_days_by_unit(con: duckdb.DuckDBPyConnection, daily_source: Source, year: int) -> pl.DataFrame:
    """For ``marts.fct_data_quality``: per unit (all units, not only the para. 28 scope)."""
    scratch = _Scratch()
    try:
        return con.execute(
            f"""
            SELECT agency_id,
                CAST(count(*) FILTER (WHERE is_unclosed) AS BIGINT) AS unclosed_turnstile_days,
                CAST(sum(orphan_out_events) AS BIGINT) AS orphan_out_events
            FROM {_source_sql(con, daily_source, scratch)}
            WHERE work_date >= DATE '{year}-01-01' AND work_date < DATE '{year + 1}-01-01'
            GROUP BY 1 ORDER BY 1
            """
        ).pl()
    finally:
        scratch.drop(con)
