"""Synthetic turnstile drops at national scale (``turnstile_events``, ``overtime_orders``, ``headcount_monthly``).

Generated inside DuckDB, one month at a time streamed to parquet, with counter-based
randomness (a hash of seed, employee, day and draw) so the output is identical for a seed
whatever the thread count, and a month can be regenerated alone. Patterns (scale.md):
arrivals around 9:00 (≈ 8:45–9:15), lunch and errand exits, late stays averaging
≈ 1 h 19 min of overtime on the days someone stays late, weekend work (partly ordered by
act), forgotten badges (unclosed days, outs without an in), night shifts crossing
midnight, duplicate taps within 2 minutes. ~75k employees give ~75M events a year.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import polars as pl

from kzeval.calendars import CalendarMissingError, load_calendar

# Employees with access control per unit by level when no roster is given (scale.md: ~75k).
EMPLOYEES_PER_UNIT_BY_LEVEL: dict[str | None, float] = {
    "central": 150.0,
    "territorial": 15.0,
    "oblast": 30.0,
    "city": 30.0,
    "district": 7.0,
    "rural": 1.5,
    None: 10.0,
}


@dataclass(frozen=True)
class Pattern:
    """Generator parameters (not methodology constants): probabilities per employee-day, minutes."""

    absent: float = 0.09  # leave, sick leave, business trips on a working day
    arrival_sd_min: float = 8.0  # arrival ~ N(9:00, 8 min), clipped to ±30 min
    lunch: float = 0.8
    errand: float = 0.3
    late_mean: float = 0.30  # mean share of working days an employee stays past the allowance
    late_overtime_mean_min: float = 78.0  # with night shifts: ≈ 1 h 19 min on days with overtime (published)
    late_overtime_cap_min: float = 360.0
    night_shift: float = 0.002  # leaves between 00:30 and 03:00 the next day
    weekend_mean: float = 0.03  # mean share of weekend/holiday days worked
    ordered_share: float = 0.4  # weekend work covered by an act of the employer
    workday_order: float = 0.005  # orders on working days (ignored by para. 40 (2), but present)
    forgot_out: float = 0.01
    forgot_in: float = 0.004
    duplicate_tap: float = 0.03


@dataclass(frozen=True)
class TurnstileSummary:
    employees: int
    events: int
    orders: int
    months: tuple[str, ...]
    out_dir: Path


def _employees_frame(
    agencies: pl.DataFrame,
    employees: pl.DataFrame | int | Mapping[str, int] | None,
    seed: int,
    fraction: float,
) -> pl.DataFrame:
    """(emp_idx, employee_id, agency_id) after sampling ``fraction`` of the roster."""
    if isinstance(employees, pl.DataFrame):
        roster = employees.select("employee_id", "agency_id").unique("employee_id", keep="first").sort("employee_id")
    else:
        if isinstance(employees, int):
            counts = {a: employees for a in agencies["agency_id"].to_list()}
        elif employees is None:
            levels = agencies["level"].to_list() if "level" in agencies.columns else [None] * agencies.height
            counts = {
                a: round(EMPLOYEES_PER_UNIT_BY_LEVEL.get(lv, EMPLOYEES_PER_UNIT_BY_LEVEL[None]))
                for a, lv in zip(agencies["agency_id"].to_list(), levels, strict=True)
            }
        else:
            counts = dict(employees)
        ids: list[str] = []
        units: list[str] = []
        for agency_id, count in counts.items():
            for _ in range(int(count)):
                ids.append(f"T{len(ids) + 1:07d}")
                units.append(agency_id)
        roster = pl.DataFrame(
            {"employee_id": ids, "agency_id": units}, schema={"employee_id": pl.Utf8, "agency_id": pl.Utf8}
        )
    roster = roster.with_row_index("emp_idx")
    if fraction < 1.0:
        keep = roster["emp_idx"].hash(seed=seed) % 1_000_000 < int(fraction * 1_000_000)
        roster = roster.filter(keep)
    return roster.with_columns(pl.col("emp_idx").cast(pl.Int64))


def _workday_end_minutes(agencies: pl.DataFrame) -> pl.DataFrame:
    ends = agencies["workday_end"].to_list() if "workday_end" in agencies.columns else [None] * agencies.height
    minutes = []
    for value in ends:
        hours, mins = (value or "18:30").split(":")[:2]
        minutes.append(int(hours) * 60 + int(mins))
    return pl.DataFrame(
        {"agency_id": agencies["agency_id"], "end_min": minutes}, schema={"agency_id": pl.Utf8, "end_min": pl.Int64}
    )


def _calendar_window(year: int, calendar: pl.DataFrame | None) -> pl.DataFrame:
    """The year plus 31 Dec of the year before (for intervals crossing into 1 January)."""
    cal = load_calendar(year, calendar)
    prev_day = date(year - 1, 12, 31)
    try:
        prev = load_calendar(year - 1, calendar).filter(pl.col("date") == prev_day)
    except CalendarMissingError:
        prev = pl.DataFrame({"date": [prev_day], "day_type": ["weekend" if prev_day.weekday() >= 5 else "workday"]})
    return pl.concat([prev, cal]).with_columns((pl.col("date").cast(pl.Int64)).alias("day_no"))


_BITS = 21  # each 64-bit hash gives three independent 21-bit uniforms


def _u(h: str, slot: int) -> str:
    """Uniform [0, 1) from 21 bits of the hash column ``h`` (slot 0, 1 or 2)."""
    return f"(((({h}) >> {_BITS * slot}) & {(1 << _BITS) - 1})::DOUBLE / {float(1 << _BITS)})"


def _employees_sql(seed: int, p: Pattern) -> str:
    """The employees table with per-unit and per-employee propensities, so bodies and people differ.

    Random draws hash one packed BIGINT key ((seed, employee) · 2^17 + day) · 64 + draw:
    DuckDB's multi-argument ``hash(a, b, …)`` combines its arguments so weakly that draws of
    one row come out almost perfectly correlated, while the hash of one BIGINT mixes well.
    """
    unit_factor = f"(0.5 + (hash(agency_id || ':{seed}') % 1000) / 1000.0)"
    h = "hash(key_base * 64 + 63)"
    return f"""
SELECT emp_idx, employee_id, agency_id, end_min, key_base,
    agency_id || '-G' || CAST(1 + emp_idx % 3 AS VARCHAR) AS gate_id,
    least(0.95, {unit_factor} * {2 * p.late_mean} * {_u(h, 0)}) AS trait_late,
    {3 * p.weekend_mean} * pow({_u(h, 1)}, 2) AS trait_weekend
FROM (SELECT *, ({seed % 1024} * 1048576 + emp_idx) * 131072 AS key_base FROM _emp_v)
"""


def _days_sql(seed: int, p: Pattern, day_from: int, day_to: int) -> str:
    """One row per present employee-day with the day's event times (seconds since its midnight)."""
    del seed  # folded into employees.key_base
    normal = f"(sqrt(-2 * ln(greatest({_u('h1', 1)}, 1e-9))) * cos(2 * pi() * {_u('h1', 2)}))"
    return f"""
WITH b AS (
    SELECT e.emp_idx, e.employee_id, e.agency_id, e.gate_id, e.end_min, e.trait_late, e.trait_weekend,
        c.day_no, c.day_type, (e.key_base + c.day_no) * 64 AS key, hash((e.key_base + c.day_no) * 64) AS h0
    FROM employees e CROSS JOIN cal c
    WHERE c.day_no >= {day_from} AND c.day_no < {day_to}
),
pr AS (
    SELECT *, hash(key + 1) AS h1, hash(key + 2) AS h2, hash(key + 3) AS h3, hash(key + 4) AS h4,
        hash(key + 5) AS h5, hash(key + 6) AS h6
    FROM b
    WHERE CASE WHEN day_type = 'workday' THEN {_u("h0", 0)} >= {p.absent} ELSE {_u("h0", 1)} < trait_weekend END
)
SELECT emp_idx, employee_id, agency_id, gate_id, day_no, day_type, end_min, key,
    day_type = 'workday' AS is_workday,
    {_u("h0", 2)} < {p.forgot_in} AS forgot_in,
    {_u("h1", 0)} < {p.forgot_out} AS forgot_out,
    -- working day
    CAST(32400 + 60 * greatest(-30, least(30, {p.arrival_sd_min} * z)) AS INTEGER) AS arrive_s,
    {_u("h2", 0)} < {p.lunch} AS has_lunch,
    CAST(46800 + 60 * (-10 + 30 * {_u("h2", 1)}) AS INTEGER) AS lunch_out_s,
    CAST(60 * (40 + 20 * {_u("h2", 2)}) AS INTEGER) AS lunch_len_s,
    {_u("h3", 0)} < {p.errand} AS has_errand,
    CAST(54000 + 60 * 120 * {_u("h3", 1)} AS INTEGER) AS errand_out_s,
    CAST(60 * (10 + 30 * {_u("h3", 2)}) AS INTEGER) AS errand_len_s,
    {_u("h4", 0)} < trait_late AS stays_late,
    {_u("h4", 1)} < {p.night_shift} AS night_shift,
    CAST(60 * least({p.late_overtime_cap_min}, -{p.late_overtime_mean_min} * ln(greatest({_u("h4", 2)}, 1e-9)))
        AS INTEGER) AS late_s,
    CAST(60 * (-10 + 40 * {_u("h5", 0)}) AS INTEGER) AS leave_jitter_s,
    CAST(86400 + 1800 + 9000 * {_u("h5", 1)} AS INTEGER) AS night_leave_s,
    -- weekend / holiday
    CAST(36000 + 60 * greatest(-120, least(180, 45 * z)) AS INTEGER) AS wk_arrive_s,
    CAST(3600 * (2 + 5 * {_u("h5", 2)}) AS INTEGER) AS wk_len_s,
    {_u("h6", 0)} AS u_order,
    {_u("h6", 1)} AS u_order_extra
FROM (SELECT *, {normal} AS z FROM pr)
"""


def _events_sql(seed: int, p: Pattern, day_from: int, day_to: int, ts_from: int, ts_to: int) -> str:
    """Turnstile events of the employee-days in [day_from, day_to) whose timestamp falls in [ts_from, ts_to) µs."""
    return f"""
WITH d AS ({_days_sql(seed, p, day_from, day_to)}),
t AS (
    SELECT d.*,
        CASE WHEN is_workday THEN
            CASE WHEN night_shift THEN night_leave_s
                 WHEN stays_late THEN (end_min + 30) * 60 + greatest(60, late_s)
                 ELSE end_min * 60 + leave_jitter_s END
        ELSE wk_arrive_s + wk_len_s END AS leave_s
    FROM d
),
x AS (  -- one row per possible tap: 6 event slots × (original, duplicate)
    SELECT t.employee_id, t.agency_id, t.gate_id, t.day_no, t.key, s.k, s.direction, s.dup,
        CASE WHEN t.is_workday THEN
            CASE s.k
                WHEN 1 THEN CASE WHEN NOT t.forgot_in THEN t.arrive_s END
                WHEN 2 THEN CASE WHEN t.has_lunch THEN t.lunch_out_s END
                WHEN 3 THEN CASE WHEN t.has_lunch THEN t.lunch_out_s + t.lunch_len_s END
                WHEN 4 THEN CASE WHEN t.has_errand THEN t.errand_out_s END
                WHEN 5 THEN CASE WHEN t.has_errand THEN t.errand_out_s + t.errand_len_s END
                ELSE CASE WHEN NOT t.forgot_out THEN t.leave_s END
            END
        ELSE
            CASE s.k WHEN 1 THEN t.wk_arrive_s WHEN 6 THEN CASE WHEN NOT t.forgot_out THEN t.leave_s END END
        END AS sec
    FROM t CROSS JOIN slots s
)
SELECT employee_id, agency_id,
    make_timestamp(CAST((day_no * 86400 + sec) * 1000000 AS BIGINT)
        + CASE WHEN dup THEN CAST(1 + hash(key + k + 40) % 100 AS BIGINT) * 1000000 ELSE 0 END)
        AS event_ts,
    direction,
    gate_id
FROM x
WHERE sec IS NOT NULL
    AND (NOT dup OR hash(key + k + 50) % 10000 < {int(p.duplicate_tap * 10000)})
    AND (day_no * 86400 + sec) * 1000000 >= {ts_from} AND (day_no * 86400 + sec) * 1000000 < {ts_to}
"""


def _orders_sql(seed: int, p: Pattern, day_from: int, day_to: int) -> str:
    """Acts ordering overtime: most weekend work days, a few working days."""
    return f"""
WITH d AS ({_days_sql(seed, p, day_from, day_to)})
SELECT employee_id, agency_id, CAST(DATE '1970-01-01' + CAST(day_no AS INTEGER) AS DATE) AS date,
    CAST(CASE WHEN is_workday THEN 2
         ELSE least(24, greatest(1, round(wk_len_s / 3600.0) + CASE WHEN u_order_extra < 0.2 THEN 1 ELSE 0 END)) END
        AS DOUBLE) AS hours,
    'ПРИКАЗ-' || CAST(emp_idx AS VARCHAR) || '-' || CAST(day_no AS VARCHAR) AS act_ref
FROM d
WHERE ((NOT is_workday AND u_order < {p.ordered_share}) OR (is_workday AND u_order < {p.workday_order}))
"""


def _headcount(employees: pl.DataFrame, year: int, seed: int) -> pl.DataFrame:
    """Month-end actual headcount ≈ the unit's employees with ±3 % monthly noise."""
    per_unit = employees.group_by("agency_id").agg(pl.len().alias("base")).sort("agency_id")
    month_ends = pl.date_range(date(year, 1, 1), date(year, 12, 1), "1mo", eager=True).dt.month_end()
    grid = per_unit.join(pl.DataFrame({"month_end": month_ends}), how="cross")
    noise = (pl.struct("agency_id", "month_end").hash(seed=seed) % 61).cast(pl.Int64) - 30  # −30..30 ‰
    return grid.with_columns(
        (pl.col("base") * (1000 + noise) / 1000).round().cast(pl.Int64).clip(0).alias("actual_headcount"),
    ).select(
        "agency_id",
        "month_end",
        "actual_headcount",
        (pl.col("actual_headcount") * 1.07).round().cast(pl.Int64).alias("staff_posts"),
    )


def generate_turnstile(
    out_dir: str | Path,
    agencies: pl.DataFrame,
    employees: pl.DataFrame | int | Mapping[str, int] | None = None,
    year: int = 2024,
    seed: int = 0,
    fraction: float = 1.0,
    *,
    months: range | list[int] | None = None,
    calendar: pl.DataFrame | None = None,
    write_orders: bool = True,
    write_headcount: bool = True,
    pattern: Pattern | None = None,
    con: duckdb.DuckDBPyConnection | None = None,
    memory_limit: str = "4GB",
) -> TurnstileSummary:
    """Write ``turnstile_events/<YYYY-MM>.parquet`` (+ ``overtime_orders/<YYYY-MM>.parquet``,
    ``headcount_monthly/<YYYY>.parquet``) under ``out_dir`` for ``year``.

    ``employees``: a roster frame (employee_id, agency_id), a count per unit (int) or per
    agency_id (mapping), or None for the national default by ``agencies.level``.
    ``fraction`` keeps that share of employees (deterministically for a seed). Each month's
    file holds the events whose timestamp falls in that month.
    """
    p = pattern or Pattern()
    out = Path(out_dir)
    for sub in ("turnstile_events", "overtime_orders", "headcount_monthly"):
        (out / sub).mkdir(parents=True, exist_ok=True)
    roster = _employees_frame(agencies, employees, seed, fraction)
    staff = roster.join(_workday_end_minutes(agencies), on="agency_id", how="left").with_columns(
        pl.col("end_min").fill_null(18 * 60 + 30)
    )
    own = con is None
    db = con or duckdb.connect()
    db.execute(f"SET memory_limit = '{memory_limit}'")
    db.execute("SET preserve_insertion_order = false")
    db.register("_emp_v", staff)
    db.execute(f"CREATE OR REPLACE TEMP TABLE employees AS {_employees_sql(seed, p)}")
    db.register("_cal_v", _calendar_window(year, calendar))
    db.execute("CREATE OR REPLACE TEMP TABLE cal AS SELECT * FROM _cal_v")
    db.execute(
        "CREATE OR REPLACE TEMP TABLE slots AS SELECT k, CASE WHEN k % 2 = 1 THEN 'in' ELSE 'out' END AS direction, dup "
        "FROM range(1, 7) r(k), (VALUES (false), (true)) v(dup)"
    )
    total_events = 0
    total_orders = 0
    written: list[str] = []
    epoch = date(1970, 1, 1)
    for month in months or range(1, 13):
        first = date(year, month, 1)
        following = date(year + (month == 12), month % 12 + 1, 1)
        day_from = (first - epoch).days
        day_to = (following - epoch).days
        ts_from = day_from * 86_400_000_000
        ts_to = day_to * 86_400_000_000
        tag = f"{year:04d}-{month:02d}"
        # days from the day before: their intervals may end after midnight inside this month
        events_path = out / "turnstile_events" / f"{tag}.parquet"
        db.execute(
            f"COPY ({_events_sql(seed, p, day_from - 1, day_to, ts_from, ts_to)}) "
            f"TO '{events_path}' (FORMAT parquet, COMPRESSION zstd)"
        )
        total_events += int(db.execute(f"SELECT count(*) FROM '{events_path}'").fetchone()[0])  # type: ignore[index]
        if write_orders:
            orders_path = out / "overtime_orders" / f"{tag}.parquet"
            db.execute(f"COPY ({_orders_sql(seed, p, day_from, day_to)}) TO '{orders_path}' (FORMAT parquet)")
            total_orders += int(db.execute(f"SELECT count(*) FROM '{orders_path}'").fetchone()[0])  # type: ignore[index]
        written.append(tag)
    if write_headcount:
        _headcount(roster, year, seed).write_parquet(out / "headcount_monthly" / f"{year}.parquet")
    db.unregister("_emp_v")
    db.unregister("_cal_v")
    if own:
        db.close()
    return TurnstileSummary(roster.height, total_events, total_orders, tuple(written), out)
