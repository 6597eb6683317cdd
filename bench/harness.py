"""National-scale benchmark (`kzeval bench`): a whole assessment year from landing to marts on one machine.

Per run: generate (or reuse) the national drop (:mod:`kzeval.generate.national`) for the seed,
year and fraction; run the year with :func:`pipelines.launch.run_assessment` into a fresh
warehouse; report per stage (landing per table, indicators, scores, dbt, publish) and in
total the wall time, the peak memory of the process tree and rows per second; compare the
two heaviest stages with a single hand-written DuckDB query over the same Parquet files
(turnstile overtime m and p per body; appeals counts for R1–R4); time a monthly turnstile
reload (the monthly_turnstile_reload job after one month is re-delivered); profile the turnstile landing. Goals (2 cores / 24 GB):
full year ≤ 5 min, peak ≤ 8 GB, heavy stage ≤ 1.5 × its DuckDB lower bound, monthly reload
≤ 15 % of the full year. Results go to ``bench/results.md`` (regenerated from the history
kept inside it).

``--years N`` (:func:`cmd_bench_years`) instead runs N consecutive national years into one
warehouse and reports, per year, the yearly run, the monthly reload, a sensor-style run for one
re-delivered small file, peak memory, disk kept and the growth against year 1 (issue 19).

Every measured phase runs in its own child process (``python -m kzeval.bench --phase …``)
so peak memory is per phase; the parent samples the RSS of the child's whole process tree
(dbt runs as a grandchild) from ``/proc`` and falls back to ``getrusage`` elsewhere.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import json
import os
import platform
import pstats
import re
import resource
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

GOAL_FULL_YEAR_SECONDS = 300.0
GOAL_PEAK_BYTES = 8 * 1024**3
GOAL_LOWER_BOUND_RATIO = 1.5
GOAL_RELOAD_SHARE = 0.15
RELOAD_MONTH = 6  # the re-delivered month of the reload test
PROFILE_ALL_MONTHS_UP_TO = 0.2  # profile all 12 turnstile files up to this fraction, else the first 3
RESULTS_FILE = Path(__file__).resolve().parents[1] / "bench" / "results.md"
_HISTORY_MARK = "<!-- bench-history"

SCALABLE_GROUPS = ("landing", "indicators", "overtime", "corps_b")  # step groups whose time grows with rows
# Tables whose landing is part of the turnstile-overtime stage.
TURNSTILE_TABLES = ("turnstile_events", "overtime_orders", "headcount_monthly")


# ---------------------------------------------------------------------------------------
# Memory of a process tree
# ---------------------------------------------------------------------------------------


def _children_map() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as fh:
                stat = fh.read()
        except OSError:
            continue
        ppid = int(stat[stat.rfind(b")") + 2 :].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    return children


def tree_rss_bytes(root: int) -> int:
    """Resident memory of ``root`` and all its descendants (Linux ``/proc``)."""
    children = _children_map()
    page = os.sysconf("SC_PAGE_SIZE")
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        stack.extend(children.get(pid, ()))
        try:
            with open(f"/proc/{pid}/statm") as fh:
                total += int(fh.read().split()[1]) * page
        except OSError:
            continue
    return total


class PeakSampler:
    """Samples the RSS of a process tree in a thread; ``peak`` is the largest sum seen."""

    def __init__(self, pid: int, interval: float = 0.25) -> None:
        self.pid = pid
        self.interval = interval
        self.peak = 0
        self.available = Path("/proc/self/statm").exists()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            with contextlib.suppress(Exception):
                self.peak = max(self.peak, tree_rss_bytes(self.pid))
            self._stop.wait(self.interval)

    def __enter__(self) -> PeakSampler:
        if self.available:
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self.available:
            self._thread.join()


def _rusage_peak_bytes() -> int:
    """Fallback: peak RSS of this process and of its largest waited-for child (kilobytes on Linux)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    scale = 1 if sys.platform == "darwin" else 1024
    return (own + kids) * scale


# ---------------------------------------------------------------------------------------
# Child phases (each returns a JSON-serialisable dict)
# ---------------------------------------------------------------------------------------


@dataclass
class PhaseArgs:
    drop: str
    warehouse: str
    year: int
    seed: int
    fraction: float
    extra: dict[str, Any] = field(default_factory=dict)


def _capture_materialize() -> dict[str, Any]:
    """Keep the Dagster result of ``run_assessment`` (which returns only a summary) for its step events.

    Wraps ``dagster.materialize`` in this child process only; a timing hook in
    ``pipelines.launch`` would make this unnecessary (requested from the lead).
    """
    import dagster

    captured: dict[str, Any] = {}
    original = dagster.materialize

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        result = original(*args, **kwargs)
        captured["result"] = result
        return result

    dagster.materialize = wrapper  # type: ignore[assignment]
    return captured


class StepMemory:
    """Peak RSS of this process tree per pipeline step (the step is set by the patched resources)."""

    def __init__(self) -> None:
        self.current = "(start-up)"
        self.peaks: dict[str, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        pid = os.getpid()
        while not self._stop.is_set():
            with contextlib.suppress(Exception):
                rss = tree_rss_bytes(pid)
                self.peaks[self.current] = max(self.peaks.get(self.current, 0), rss)
            self._stop.wait(0.2)

    def start(self) -> None:
        if Path("/proc/self/statm").exists():
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()


def _track_steps(memory: StepMemory) -> None:
    """Name the running step for :class:`StepMemory` by wrapping the resources every asset uses.

    ``KzevalResource.connect`` (landing, indicators, scores, corps «Б»), ``KzevalDbtCliResource.cli``
    (dbt) and ``warehouse.publish``; only in the bench's child process.
    """
    from kzeval import warehouse
    from pipelines.defs.dbt import KzevalDbtCliResource
    from pipelines.resources import KzevalResource

    connect = KzevalResource.connect
    cli = KzevalDbtCliResource.cli
    publish = warehouse.publish

    def tracked_connect(self: Any, context: Any) -> Any:
        memory.current = str(context.op_def.name)
        return connect(self, context)

    def tracked_cli(self: Any, *args: Any, **kwargs: Any) -> Any:
        memory.current = "kzeval_dbt_models"
        return cli(self, *args, **kwargs)

    def tracked_publish(*args: Any, **kwargs: Any) -> Any:
        memory.current = "published_warehouse"
        return publish(*args, **kwargs)

    KzevalResource.connect = tracked_connect  # type: ignore[method-assign]
    KzevalDbtCliResource.cli = tracked_cli  # type: ignore[method-assign]
    warehouse.publish = tracked_publish  # type: ignore[assignment]


def _dbt_nodes(run_id: str) -> dict[str, Any]:
    """Execution time of the dbt nodes of this run (``run_results.json`` of its target folder)."""
    from pipelines.defs.dbt import DBT_PROJECT_DIR

    found = sorted((DBT_PROJECT_DIR / "target").glob(f"*-{run_id[:7]}-*/run_results.json"))
    if not found:
        return {}
    data = json.loads(found[-1].read_text())
    nodes = [(str(r["unique_id"]), float(r.get("execution_time") or 0.0)) for r in data.get("results", [])]
    nodes.sort(key=lambda n: -n[1])
    return {
        "nodes": len(nodes),
        "node_seconds": sum(t for _, t in nodes),
        "elapsed": float(data.get("elapsed_time") or 0.0),
        "slowest": nodes[:5],
    }


def _step_seconds(result: Any) -> tuple[dict[str, float], list[str]]:
    steps: dict[str, float] = {}
    failed: list[str] = []
    if result is None:
        return steps, failed
    for event in result.all_events:
        if event.event_type_value == "STEP_SUCCESS":
            steps[str(event.step_key)] = float(event.event_specific_data.duration_ms) / 1000.0
        elif event.event_type_value == "STEP_FAILURE":
            failed.append(str(event.step_key))
    return steps, failed


def phase_generate(p: PhaseArgs) -> dict[str, Any]:
    from kzeval.generate.national import generate_national

    started = time.perf_counter()
    counts = generate_national(p.drop, seed=p.seed, year=p.year, fraction=p.fraction)
    return {"seconds": time.perf_counter() - started, "counts": counts}


def phase_run(p: PhaseArgs) -> dict[str, Any]:
    """The whole year into the warehouse ``p.warehouse`` (fresh unless ``extra.keep``)."""
    from pipelines.launch import run_assessment, run_monthly_reload

    warehouse = Path(p.warehouse)
    if not p.extra.get("keep"):
        shutil.rmtree(warehouse.parent, ignore_errors=True)
    captured = _capture_materialize()
    import pipelines.definitions  # noqa: F401  (imported by run_assessment anyway: part of the baseline)

    baseline = tree_rss_bytes(os.getpid()) if Path("/proc/self/statm").exists() else 0
    memory = StepMemory()
    _track_steps(memory)
    copy_seconds = _time_begin_build()
    memory.start()
    started = time.perf_counter()
    month = p.extra.get("month")
    sensor_file = p.extra.get("sensor_file")
    if sensor_file:
        result = _sensor_style_run(Path(p.drop), Path(str(sensor_file)), warehouse, date(p.year, 12, 15))
    elif month:
        result = run_monthly_reload(p.year, int(month), Path(p.drop), warehouse)
    else:
        result = run_assessment(p.year, Path(p.drop), warehouse)
    wall = time.perf_counter() - started
    memory.stop()
    dagster_result = captured.get("result")
    steps, failed = _step_seconds(dagster_result)
    dbt = _dbt_nodes(str(dagster_result.run_id)) if dagster_result is not None else {}
    rows: dict[str, int] = {}
    statuses: dict[str, int] = {}
    for f in result.files:
        rows[str(f["table"])] = rows.get(str(f["table"]), 0) + int(str(f["rows_loaded"] or 0))
        statuses[str(f["status"])] = statuses.get(str(f["status"]), 0) + 1
    return {
        "wall": wall,
        "steps": steps,
        "failed_steps": failed,
        "success": result.success,
        "failures": result.failures[:20],
        "rows_loaded": rows,
        "file_statuses": statuses,
        "rusage_peak": _rusage_peak_bytes(),
        "baseline_rss": baseline,
        "step_peaks": memory.peaks,
        "dbt": dbt,
        "copy_seconds": copy_seconds[0],
    }


def _time_begin_build() -> list[float]:
    """Sum the time of ``warehouse.begin_build`` (the copy of the published warehouse) in this child process.

    That copy is the part of every run whose cost grows with the history kept (issue 19).
    """
    from kzeval import warehouse

    spent = [0.0]
    begin_build = warehouse.begin_build

    def timed(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return begin_build(*args, **kwargs)
        finally:
            spent[0] += time.perf_counter() - started

    warehouse.begin_build = timed  # type: ignore[assignment]
    return spent


def _sensor_style_run(landing: Path, path: Path, warehouse: Path, today: date) -> Any:
    """What the ``new_landing_files`` sensor asks for when ``path`` appears: the same plan, run in process.

    :func:`pipelines.defs.ops.runs_for_file` chooses the job, partition and assets exactly as the
    sensor does; each planned run is materialised like :func:`pipelines.launch.run_assessment` does.
    """
    from kzeval.landing.reader import sha256_of
    from pipelines.defs.ops import LandingFile, runs_for_file
    from pipelines.launch import _materialize

    table = path.relative_to(landing).parts[0]
    file = LandingFile(table, path.relative_to(landing).as_posix(), sha256_of(path))
    result = None
    for planned in runs_for_file(file, path, landing, today):
        year = int((planned.partition_key or str(today.year))[:4])
        result = _materialize(
            list(planned.asset_selection), planned.partition_key or "", year, landing, warehouse, None, 0.05, "WARNING"
        )
    if result is None:
        raise RuntimeError(f"the sensor plans no run for {path}")
    return result


def make_reload_drop(drop: Path, target: Path, year: int, month: int) -> Path:
    """A copy of ``drop`` (hard links) whose turnstile file of ``month`` is re-delivered with corrections.

    The corrected file has the same name and different content (every 200th event removed),
    so the loader supersedes the earlier version instead of adding to it.
    """
    shutil.rmtree(target, ignore_errors=True)
    for path in sorted(drop.rglob("*")):
        if path.is_dir() or path.name.startswith("."):
            continue
        dest = target / path.relative_to(drop)
        dest.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(path, dest)
        except OSError:
            shutil.copyfile(path, dest)
    redeliver(target / "turnstile_events" / f"{year:04d}-{month:02d}.parquet", every=200)
    return target


def redeliver(path: Path, every: int = 0) -> None:
    """Replace ``path`` by a corrected delivery under the same name: every ``every``-th row removed (0: the last row).

    The new content has a new SHA-256, so the loader supersedes the earlier version of the file.
    """
    import polars as pl

    frame = pl.read_parquet(path)
    path.unlink()  # break a hard link before writing
    if every:
        corrected = frame.with_row_index("_i").filter(pl.col("_i") % every != 0).drop("_i")
    else:
        corrected = frame.head(max(frame.height - 1, 0))
    corrected.write_parquet(path, compression="zstd")


def phase_reload(p: PhaseArgs) -> dict[str, Any]:
    """The ``monthly_turnstile_reload`` job after one month of turnstile data is re-delivered (phase ``run``'s warehouse)."""
    extra = {"keep": True, "month": RELOAD_MONTH}
    result = phase_run(PhaseArgs(p.extra["reload_drop"], p.warehouse, p.year, p.seed, p.fraction, extra))
    return result


def _small_inputs(con: Any, drop: Path, year: int) -> None:
    """Unit → body map, thresholds, scope and calendar as temp tables (~7k rows; not timed)."""
    import polars as pl

    from kzeval.agencies import resolve_hierarchy
    from kzeval.calendars import load_calendar
    from kzeval.overtime import _unit_thresholds, overtime_scope_units

    agencies = pl.read_parquet(drop / "agencies" / "*.parquet")
    resolved = resolve_hierarchy(agencies.with_columns(pl.col("workday_end").fill_null("18:30")))
    calendar = load_calendar(year)
    tables = {
        "lb_units": resolved.select("agency_id", "assessed_agency_id"),
        "lb_thresholds": _unit_thresholds(resolved),
        "lb_scope": overtime_scope_units(resolved),
        "lb_calendar": calendar,
    }
    for name, frame in tables.items():
        con.register(f"{name}_v", frame)
        con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM {name}_v").fetchall()
        con.unregister(f"{name}_v")


def _duckdb(work: Path) -> Any:
    import duckdb

    from kzeval import warehouse

    con = duckdb.connect()
    warehouse.configure(con, temp_dir=work / "duckdb_tmp")
    con.execute("SET preserve_insertion_order = false").fetchall()
    con.execute("SET enable_progress_bar = false").fetchall()
    return con


# Turnstile overtime, independently written from data-contracts.md / methodology §5.2:
# collapse same-direction taps ≤ 2 min apart, pair each `in` with the next event if it is an
# `out` ≤ 24 h later, the interval belongs to the day of its `in`; a day whose last `in` is
# unpaired is unclosed (no overtime); workday overtime = time after workday_end + 30 min,
# weekend/holiday overtime = all presence minus ordered hours (floor 0); m, p summed over the
# para. 28 scope units of each body.
TURNSTILE_LOWER_BOUND_SQL = """
WITH e AS (
    SELECT employee_id, agency_id, epoch_ms(event_ts) AS t, direction = 'in' AS i
    FROM read_parquet('{events}')
    WHERE event_ts >= TIMESTAMP '{lo}' AND event_ts < TIMESTAMP '{hi}'
),
d1 AS (
    SELECT *, lag(i) OVER w AS pi, lag(t) OVER w AS pt FROM e
    WINDOW w AS (PARTITION BY employee_id ORDER BY t, i DESC)
),
d2 AS (SELECT employee_id, agency_id, t, i FROM d1 WHERE pi IS NULL OR pi <> i OR t - pt > 120000),
d3 AS (
    SELECT *, lead(i) OVER w AS ni, lead(t) OVER w AS nt FROM d2
    WINDOW w AS (PARTITION BY employee_id ORDER BY t, i DESC)
),
ins AS (
    SELECT employee_id, agency_id, t, t // 86400000 AS dn, coalesce(NOT ni AND nt - t <= 86400000, false) AS ok, nt
    FROM d3 WHERE i AND t >= epoch_ms(TIMESTAMP '{start}') AND t < epoch_ms(TIMESTAMP '{end}')
),
per_day AS (
    SELECT ins.employee_id, ins.dn, arg_min(ins.agency_id, ins.t) AS agency_id, arg_max(ins.ok, ins.t) AS closed,
        sum(CASE WHEN ins.ok THEN ins.nt - ins.t ELSE 0 END) AS pres,
        sum(CASE WHEN ins.ok THEN greatest(0, ins.nt - greatest(ins.t, ins.dn * 86400000 + u.threshold_ms)) ELSE 0 END)
            AS aft
    FROM ins JOIN lb_thresholds u ON u.agency_id = ins.agency_id
    GROUP BY 1, 2
),
o AS (
    SELECT employee_id, date, sum(hours) AS h FROM read_parquet('{orders}')
    WHERE date >= DATE '{start}' AND date < DATE '{end}' GROUP BY 1, 2
)
SELECT s.assessed_agency_id AS agency_id,
    sum(CASE WHEN c.day_type = 'workday' AND p.closed THEN p.aft / 3600000.0 ELSE 0 END) AS m,
    sum(CASE WHEN c.day_type <> 'workday' AND p.closed THEN greatest(0, p.pres / 3600000.0 - coalesce(o.h, 0)) ELSE 0 END)
        AS p
FROM per_day p
JOIN lb_calendar c ON c.date = DATE '1970-01-01' + CAST(p.dn AS INTEGER)
JOIN lb_scope s ON s.agency_id = p.agency_id
LEFT JOIN o ON o.employee_id = p.employee_id AND o.date = c.date
GROUP BY 1 ORDER BY 1
"""

# Appeals counts of R1–R4 per assessed body (seed 004 paras. 97–105, as kzeval.indicators.appeals
# places them in the year): p reviewed, f reviewed late, a court decisions, m received,
# n redirected late, and the late cases with their disciplinary flag.
APPEALS_LOWER_BOUND_SQL = """
WITH a AS (
    SELECT u.assessed_agency_id AS body,
        coalesce(year(reviewed_on) = {year}, false) AS rv,
        coalesce(year(reviewed_on) = {year} AND reviewed_on > due_on, false) AS rl,
        coalesce(year(court_satisfied_on) = {year}, false) AS ct,
        coalesce(year(received_on) = {year}, false) AS rc,
        coalesce(year(redirected_on) = {year} AND redirected_on > redirect_due_on, false) AS dl,
        disciplinary
    FROM read_parquet('{appeals}') x JOIN lb_units u ON u.agency_id = x.agency_id
    WHERE kind IN ('complaint', 'application')
)
SELECT body AS agency_id,
    count(*) FILTER (WHERE rv) AS reviewed,
    count(*) FILTER (WHERE rl) AS reviewed_late,
    count(*) FILTER (WHERE ct) AS court_overturned,
    count(*) FILTER (WHERE rc) AS received,
    count(*) FILTER (WHERE dl) AS redirected_late,
    count(*) FILTER (WHERE rl OR dl) AS late_cases,
    count(*) FILTER (WHERE (rl OR dl) AND disciplinary = 'yes') AS disciplined,
    count(*) FILTER (WHERE (rl OR dl) AND disciplinary = 'impossible') AS impossible
FROM a GROUP BY 1 ORDER BY 1
"""


def _window(year: int) -> dict[str, str]:
    return {
        "lo": f"{year - 1}-12-30 23:00:00",
        "hi": f"{year + 1}-01-02 01:00:00",
        "start": date(year, 1, 1).isoformat(),
        "end": date(year + 1, 1, 1).isoformat(),
    }


def _plain_load_seconds(work: Path, sources: dict[str, Path]) -> float:
    """For information: copying the stage's Parquet files into tables of a fresh DuckDB file (no checks)."""
    import duckdb

    path = work / "plain_load.duckdb"
    path.unlink(missing_ok=True)
    con = duckdb.connect(str(path))
    try:
        con.execute("SET enable_progress_bar = false").fetchall()
        started = time.perf_counter()
        for table, folder in sources.items():
            con.execute(f"CREATE TABLE {table} AS SELECT * FROM read_parquet('{folder / '*.parquet'}')").fetchall()
        con.execute("CHECKPOINT").fetchall()
        return time.perf_counter() - started
    finally:
        con.close()
        path.unlink(missing_ok=True)
        path.with_name(path.name + ".wal").unlink(missing_ok=True)


def phase_lower_turnstile(p: PhaseArgs) -> dict[str, Any]:
    drop = Path(p.drop)
    con = _duckdb(Path(p.warehouse).parent)
    _small_inputs(con, drop, p.year)
    sql = TURNSTILE_LOWER_BOUND_SQL.format(
        events=drop / "turnstile_events" / "*.parquet", orders=drop / "overtime_orders" / "*.parquet", **_window(p.year)
    )
    started = time.perf_counter()
    rows = con.execute(sql).fetchall()
    seconds = time.perf_counter() - started
    con.close()
    load = _plain_load_seconds(
        Path(p.warehouse).parent, {t: drop / t for t in ("turnstile_events", "overtime_orders", "headcount_monthly")}
    )
    return {"seconds": seconds, "plain_load_seconds": load, "result": [[r[0], float(r[1]), float(r[2])] for r in rows]}


def phase_lower_appeals(p: PhaseArgs) -> dict[str, Any]:
    drop = Path(p.drop)
    con = _duckdb(Path(p.warehouse).parent)
    _small_inputs(con, drop, p.year)
    sql = APPEALS_LOWER_BOUND_SQL.format(appeals=drop / "appeals" / "*.parquet", year=p.year)
    started = time.perf_counter()
    rows = con.execute(sql).fetchall()
    seconds = time.perf_counter() - started
    con.close()
    load = _plain_load_seconds(Path(p.warehouse).parent, {"appeals": drop / "appeals"})
    return {"seconds": seconds, "plain_load_seconds": load, "result": [list(r) for r in rows]}


@contextlib.contextmanager
def _scratch_copy(published: Path) -> Iterator[Any]:
    """A writable scratch copy of the published warehouse (never written to itself)."""
    import duckdb

    scratch = published.with_name("bench_scratch.duckdb")
    shutil.copyfile(published, scratch)
    con = duckdb.connect(str(scratch))
    try:
        con.execute("SET enable_progress_bar = false").fetchall()
        yield con
    finally:
        con.close()
        scratch.unlink(missing_ok=True)
        scratch.with_name(scratch.name + ".wal").unlink(missing_ok=True)


def phase_pipeline_pieces(p: PhaseArgs) -> dict[str, Any]:
    """Parts of the heavy stages that are not separate Dagster steps, timed with the pipeline's own functions.

    * appeals share of ``indicators/interaction``: counting the landed appeals in DuckDB as the
      asset does (:func:`kzeval.indicators.appeals.aggregate_appeals_in_duckdb`) and
      :func:`kzeval.indicators.appeals.compute_appeals`;
    * the overtime engine (:func:`kzeval.overtime.compute_fct_overtime` over ``raw.turnstile_events``),
      when the run has no overtime step yet.
    """
    import polars as pl

    from kzeval import warehouse
    from kzeval.calendars import load_calendar
    from kzeval.indicators.appeals import AGGREGATED_FRAME, aggregate_appeals_in_duckdb, compute_appeals
    from kzeval.methodology import active_readings
    from kzeval.steps.core import bodies_of
    from kzeval.warehouse import fetch_one

    out: dict[str, Any] = {}
    with _scratch_copy(Path(p.warehouse)) as con:
        warehouse.configure(con, temp_dir=Path(p.warehouse).parent / "duckdb_tmp")
        resolved = con.execute("SELECT * FROM core.agencies").pl()
        # what indicators/interaction does for appeals (no corrections in the bench drop): count in DuckDB
        started = time.perf_counter()
        agg = aggregate_appeals_in_duckdb(con, "raw.appeals", "core.agencies", p.year)
        read_s = time.perf_counter() - started
        started = time.perf_counter()
        compute_appeals({AGGREGATED_FRAME: agg}, bodies_of(resolved), p.year, active_readings())
        compute_s = time.perf_counter() - started
        rows = fetch_one(con, "SELECT count(*) FROM raw.appeals")
        out["appeals"] = {
            "read_seconds": read_s,
            "compute_seconds": compute_s,
            "rows": int(str(rows[0])) if rows else 0,
            "result": [list(r) for r in agg.rows()],
        }
        if warehouse.table_exists(con, "core", "overtime"):
            rows = con.execute(
                "SELECT agency_id, workday_overtime_hours, weekend_overtime_hours FROM core.overtime WHERE year = ? "
                "ORDER BY agency_id",
                [p.year],
            ).fetchall()
            out["run_overtime"] = [[r[0], float(r[1] or 0.0), float(r[2] or 0.0)] for r in rows]
        if p.extra.get("engine"):
            from kzeval.overtime import compute_fct_overtime

            warehouse.configure(con, preserve_insertion_order=False)
            started = time.perf_counter()
            orders = con.execute("SELECT * FROM raw.overtime_orders").pl()
            headcount = con.execute("SELECT * FROM raw.headcount_monthly").pl()
            fct = compute_fct_overtime(
                con, "raw.turnstile_events", resolved, load_calendar(p.year), orders, headcount, p.year
            )
            out["engine"] = {
                "seconds": time.perf_counter() - started,
                "result": [
                    [r["agency_id"], r["workday_overtime_hours"], r["weekend_overtime_hours"]]
                    for r in fct.iter_rows(named=True)
                ],
            }
        _ = pl  # polars is the frame type of the functions above
    return out


def phase_profile(p: PhaseArgs) -> dict[str, Any]:
    """Land the turnstile files (``extra.months`` of them) into a scratch warehouse under cProfile,
    then the post-load work of the landing asset (re-read the whole table, pandera on it) and,
    for comparison, the same read without ``ORDER BY ALL`` and as Arrow."""
    import duckdb

    from kzeval import warehouse
    from kzeval.contracts import CONTRACTS
    from kzeval.landing.loader import load_table
    from kzeval.landing.schemas import failure_cases
    from kzeval.steps.core import ensure_core_tables, read_raw

    drop = Path(p.drop)
    work = Path(p.warehouse).parent / "profile"
    shutil.rmtree(work, ignore_errors=True)
    sub = work / "drop"
    months = int(p.extra.get("months", 12))
    for table in ("agencies", "turnstile_events"):
        files = sorted((drop / table).glob("*.parquet"))
        if table == "turnstile_events":
            files = files[:months]
        for path in files:
            (sub / table).mkdir(parents=True, exist_ok=True)
            os.link(path, sub / table / path.name)
    con = duckdb.connect(str(work / "w.duckdb"))
    warehouse.configure(con, temp_dir=work / "tmp")
    warehouse.ensure_schemas(con)
    ensure_core_tables(con)
    load_table(con, sub, "agencies", work / "raw_files")
    profiler = cProfile.Profile()
    timings: dict[str, float] = {}
    started = time.perf_counter()
    profiler.enable()
    outcomes = load_table(con, sub, "turnstile_events", work / "raw_files")
    profiler.disable()
    timings["load_table (all files)"] = time.perf_counter() - started
    started = time.perf_counter()
    landed = read_raw(con, "turnstile_events")
    timings["read_raw: whole table to polars, ORDER BY ALL"] = time.perf_counter() - started
    started = time.perf_counter()
    failure_cases("turnstile_events", landed)
    timings["failure_cases: pandera on the whole table"] = time.perf_counter() - started
    rows = landed.height
    frame_bytes = landed.estimated_size()
    del landed
    columns = ", ".join(f'"{c}"' for c in CONTRACTS["turnstile_events"].column_names)
    started = time.perf_counter()
    con.execute(f"SELECT {columns} FROM raw.turnstile_events").pl()
    timings["(for comparison) same read without ORDER BY ALL"] = time.perf_counter() - started
    started = time.perf_counter()
    con.execute(f"SELECT {columns} FROM raw.turnstile_events").fetch_arrow_table()
    timings["(for comparison) same read as Arrow, no ORDER BY"] = time.perf_counter() - started
    con.close()
    stats = pstats.Stats(profiler, stream=io.StringIO())
    functions: list[dict[str, Any]] = []
    for (filename, line, name), (_, _, _, cumulative, _) in stats.stats.items():  # type: ignore[attr-defined]
        if "kzeval" in filename:
            functions.append({"function": f"{Path(filename).name}:{line}:{name}", "seconds": cumulative})
        elif "_duckdb" in name or "to_arrow" in name or "PyLazyFrame" in name:
            functions.append({"function": name.strip("{}<>"), "seconds": cumulative})
    functions.sort(key=lambda f: -f["seconds"])
    shutil.rmtree(work, ignore_errors=True)
    return {
        "files": len(outcomes),
        "rows": rows,
        "frame_bytes": frame_bytes,
        "timings": timings,
        "functions": functions[:25],
    }


PHASES = {
    "generate": phase_generate,
    "run": phase_run,
    "sensor": phase_run,  # a sensor-style run (extra.sensor_file): its own log and result file
    "reload": phase_reload,
    "lower_turnstile": phase_lower_turnstile,
    "lower_appeals": phase_lower_appeals,
    "pieces": phase_pipeline_pieces,
    "profile": phase_profile,
}


def _child_main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--phase", choices=sorted(PHASES), required=True)
    parser.add_argument("--args", required=True, help="JSON of PhaseArgs")
    parser.add_argument("--out", required=True, help="where to write the phase result (JSON)")
    ns = parser.parse_args(argv)
    phase_args = PhaseArgs(**json.loads(ns.args))
    result = PHASES[ns.phase](phase_args)
    Path(ns.out).write_text(json.dumps(result, default=str))
    return 0


# ---------------------------------------------------------------------------------------
# Parent: orchestration, report, results file
# ---------------------------------------------------------------------------------------


@dataclass
class PhaseOutcome:
    name: str
    ok: bool
    seconds: float
    peak_bytes: int
    data: dict[str, Any]
    log: Path


def run_phase(name: str, args: PhaseArgs, logs: Path) -> PhaseOutcome:
    """Run one phase in a child process; its output goes to ``logs/<name>.log``."""
    logs.mkdir(parents=True, exist_ok=True)
    out = logs / f"{name}.json"
    log = logs / f"{name}.log"
    out.unlink(missing_ok=True)
    command = [
        sys.executable,
        "-m",
        "bench.harness",
        "--phase",
        name,
        "--args",
        json.dumps(args.__dict__),
        "--out",
        str(out),
    ]
    started = time.perf_counter()
    with log.open("w") as fh:
        child = subprocess.Popen(
            command, stdout=fh, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONUNBUFFERED": "1"}
        )
        with PeakSampler(child.pid) as sampler:
            code = child.wait()
    seconds = time.perf_counter() - started
    data = json.loads(out.read_text()) if out.exists() else {}
    peak = sampler.peak if sampler.available else int(data.get("rusage_peak", 0))
    return PhaseOutcome(name, code == 0 and out.exists(), seconds, peak, data, log)


def drop_dir(workdir: Path, seed: int, fraction: float, year: int) -> Path:
    from kzeval.generate.national import GENERATOR_VERSION

    return workdir / f"national_y{year}_s{seed}_f{fraction:g}_v{GENERATOR_VERSION}"


def ensure_drop(workdir: Path, seed: int, fraction: float, year: int, logs: Path) -> tuple[Path, dict[str, Any]]:
    """Reuse the drop for (seed, fraction, year, generator version) when complete; else generate it."""
    drop = drop_dir(workdir, seed, fraction, year)
    marker = drop / ".complete.json"
    if marker.exists():
        return drop, {"reused": True, **json.loads(marker.read_text())}
    shutil.rmtree(drop, ignore_errors=True)
    outcome = run_phase("generate", PhaseArgs(str(drop), "", year, seed, fraction), logs)
    if not outcome.ok:
        raise RuntimeError(f"generating the national drop failed; see {outcome.log}")
    info = {"seconds": outcome.data["seconds"], "counts": outcome.data["counts"], "peak_bytes": outcome.peak_bytes}
    marker.write_text(json.dumps(info))
    return drop, {"reused": False, **info}


def _stage_of(step: str) -> tuple[str, str]:
    """(group, label) of a Dagster step key."""
    if step.startswith("landing__"):
        return "landing", step.removeprefix("landing__")
    if "overtime" in step:
        return "overtime", step
    if step.startswith("indicators__"):
        return "indicators", step.removeprefix("indicators__")
    if "dbt" in step:
        return "dbt", step
    if step.startswith("published"):
        return "publish", step
    if step == "scores":
        return "scores", step
    if "corps_b" in step:
        return "corps_b", step
    return "other", step


def _ratios(landing: float, compute: float, query: float, plain_load: float | None) -> dict[str, float | None]:
    """A heavy stage against plain DuckDB, like for like (docs/decisions.md, «Heavy-stage ratios»).

    ``ratio``: the stage's computation against the hand-written query over the same Parquet files;
    ``ratio_with_landing``: landing + computation against loading the files into DuckDB + the query;
    ``ratio_strict``: landing + computation against the query alone (which lands nothing; shown only).
    """
    return {
        "ratio": compute / max(query, 1e-9),
        "ratio_with_landing": None if plain_load is None else (landing + compute) / max(plain_load + query, 1e-9),
        "ratio_strict": (landing + compute) / max(query, 1e-9),
    }


def _fmt_bytes(n: float) -> str:
    return f"{n / 1024**3:.2f} GB" if n >= 1024**3 else f"{n / 1024**2:.0f} MB"


def _goal(label: str, value: float, goal: float, unit: str, estimated: bool = False) -> dict[str, Any]:
    met = value <= goal
    if unit == "s":
        shown, target = f"{value:.1f} s", f"≤ {goal:.0f} s"
        miss = f"missed by {value - goal:.1f} s ({value / goal:.2f}× the goal)"
    elif unit == "bytes":
        shown, target = _fmt_bytes(value), f"≤ {_fmt_bytes(goal)}"
        miss = f"missed by {_fmt_bytes(value - goal)} ({value / goal:.2f}× the goal)"
    elif unit == "share":
        shown, target = f"{value:.0%}", f"≤ {goal:.0%}"
        miss = f"missed by {(value - goal) * 100:.0f} percentage points ({value / goal:.2f}× the goal)"
    else:
        shown, target = f"{value:.2f}×", f"≤ {goal:.1f}×"
        miss = f"missed by {value - goal:.2f} ({value / goal:.2f}× the goal)"
    return {
        "goal": label,
        "value": shown + (" (estimated for fraction 1.0)" if estimated else ""),
        "target": target,
        "met": met,
        "verdict": "met" if met else miss,
    }


def _agree(a: list[list[Any]], b: list[list[Any]], columns: int) -> bool:
    left = {r[0]: r[1 : columns + 1] for r in a}
    right = {r[0]: r[1 : columns + 1] for r in b}
    if set(left) != set(right):
        return False
    for key, values in left.items():
        for x, y in zip(values, right[key], strict=True):
            if abs(float(x) - float(y)) > 1e-6 * max(1.0, abs(float(y))):
                return False
    return True


def machine_info() -> dict[str, Any]:
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = 0
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = int(line.split()[1]) * 1024
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return {"cpu": cpu, "cores": os.cpu_count(), "memory": memory, "load_at_start": load}


def summarise(
    fraction: float,
    run: PhaseOutcome,
    reload: PhaseOutcome | None,
    lower_t: PhaseOutcome | None,
    lower_a: PhaseOutcome | None,
    pieces: PhaseOutcome | None,
) -> dict[str, Any]:
    """Stage table, heavy-stage ratios, goals (figures at fraction 1.0 estimated when fraction < 1)."""
    steps: dict[str, float] = run.data.get("steps", {})
    rows: dict[str, int] = run.data.get("rows_loaded", {})
    wall = float(run.data.get("wall", run.seconds))
    stages: list[dict[str, Any]] = []
    groups: dict[str, float] = {}
    for step, seconds in sorted(steps.items(), key=lambda kv: (_stage_of(kv[0]), kv[0])):
        group, label = _stage_of(step)
        groups[group] = groups.get(group, 0.0) + seconds
        n = rows.get(label, 0) if group == "landing" else 0
        peak_rss = int(run.data.get("step_peaks", {}).get(step, 0))
        stages.append({"group": group, "stage": label, "seconds": seconds, "rows": n, "peak": peak_rss})
    overhead = max(0.0, wall - sum(steps.values()))
    total_rows = sum(rows.values())
    # Estimate for fraction 1.0: a step of landing, indicators, overtime or corps «Б» costs a fixed
    # part (the cheapest landing step of the run, e.g. a table without files) plus a part linear
    # in rows; scores, dbt (marts are per body), publish and the Dagster overhead are fixed.
    landing_times = [v for k, v in steps.items() if _stage_of(k)[0] == "landing"]
    fixed_step = min(landing_times) if landing_times else 0.0
    full_estimate = wall
    for step, seconds in steps.items():
        if _stage_of(step)[0] in SCALABLE_GROUPS:
            full_estimate += max(0.0, seconds - fixed_step) * (1 / fraction - 1)
    peak = float(run.peak_bytes)
    base_rss = float(run.data.get("baseline_rss", 0))  # the run's process after imports, before any data
    peak_estimate = base_rss + (peak - base_rss) / fraction if fraction < 1 else peak

    heavy: list[dict[str, Any]] = []
    has_overtime_step = "overtime" in groups
    pieces_data = pieces.data if pieces and pieces.ok else {}
    if lower_t and lower_t.ok:
        landing_t = sum(steps.get(f"landing__{t}", 0.0) for t in TURNSTILE_TABLES)
        engine = pieces_data.get("engine", {})
        compute = groups.get("overtime", 0.0) if has_overtime_step else float(engine.get("seconds", 0.0))
        pipeline_t = landing_t + compute
        note = (
            "landing of turnstile_events, overtime_orders, headcount_monthly + the run's overtime step"
            if has_overtime_step
            else "landing of turnstile_events, overtime_orders, headcount_monthly + kzeval.overtime."
            "compute_fct_overtime over raw.turnstile_events (not yet a step of the run: timed separately)"
        )
        computed = engine.get("result") or pieces_data.get("run_overtime")
        agree = _agree(computed, lower_t.data["result"], 2) if computed else None
        heavy.append(
            {
                "stage": "turnstile overtime (m, p per body)",
                "pipeline_seconds": pipeline_t,
                "landing_seconds": landing_t,
                "compute_seconds": compute,
                "lower_bound_seconds": lower_t.data["seconds"],
                "plain_load_seconds": lower_t.data.get("plain_load_seconds"),
                **_ratios(landing_t, compute, lower_t.data["seconds"], lower_t.data.get("plain_load_seconds")),
                "note": note,
                "results_agree": agree,
            }
        )
    if lower_a and lower_a.ok and "appeals" in pieces_data:
        appeals = pieces_data["appeals"]
        landing_a = steps.get("landing__appeals", 0.0)
        compute = appeals["read_seconds"] + appeals["compute_seconds"]
        pipeline_a = landing_a + compute
        heavy.append(
            {
                "stage": "appeals (R1–R4 counts per body)",
                "pipeline_seconds": pipeline_a,
                "landing_seconds": landing_a,
                "compute_seconds": compute,
                "lower_bound_seconds": lower_a.data["seconds"],
                "plain_load_seconds": lower_a.data.get("plain_load_seconds"),
                **_ratios(landing_a, compute, lower_a.data["seconds"], lower_a.data.get("plain_load_seconds")),
                "note": "landing of appeals + counting raw.appeals in DuckDB + compute_appeals",
                "results_agree": _agree(appeals["result"], lower_a.data["result"], 8),
            }
        )
    goals = [
        _goal("full national year", full_estimate, GOAL_FULL_YEAR_SECONDS, "s", estimated=fraction < 1),
        _goal("peak memory", peak_estimate, GOAL_PEAK_BYTES, "bytes", estimated=fraction < 1),
    ]
    for h in heavy:
        name = h["stage"].split(" (")[0]
        goals.append(_goal(f"{name}: stage vs DuckDB query", h["ratio"], GOAL_LOWER_BOUND_RATIO, "x"))
        if h.get("ratio_with_landing") is not None:
            goals.append(
                _goal(
                    f"{name}: landing + stage vs DuckDB load + query",
                    h["ratio_with_landing"],
                    GOAL_LOWER_BOUND_RATIO,
                    "x",
                )
            )
    reload_share = reload_share_estimate = None
    if reload and reload.ok:
        reload_wall = float(reload.data["wall"])
        reload_share = reload_wall / wall
        reload_estimate = reload_wall
        for step, seconds in reload.data.get("steps", {}).items():
            if _stage_of(step)[0] in SCALABLE_GROUPS:
                reload_estimate += max(0.0, seconds - fixed_step) * (1 / fraction - 1)
        reload_share_estimate = reload_estimate / full_estimate
        goals.append(
            _goal(
                "monthly turnstile reload / full year",
                reload_share_estimate,
                GOAL_RELOAD_SHARE,
                "share",
                estimated=fraction < 1,
            )
        )
    return {
        "fraction": fraction,
        "wall": wall,
        "success": bool(run.data.get("success")),
        "failures": run.data.get("failures", []),
        "peak_bytes": peak,
        "rows": total_rows,
        "rows_per_second": total_rows / wall if wall else 0.0,
        "stages": stages,
        "groups": groups,
        "dagster_overhead": overhead,
        "full_year_estimate": full_estimate,
        "peak_estimate": peak_estimate,
        "heavy": heavy,
        "reload": None
        if not reload or not reload.ok
        else {
            "wall": reload.data["wall"],
            "share": reload_share,
            "share_estimate": reload_share_estimate,
            "peak_bytes": reload.peak_bytes,
            "steps": dict(sorted(reload.data.get("steps", {}).items(), key=lambda kv: -kv[1])[:6]),
        },
        "goals": goals,
        "dbt": run.data.get("dbt", {}),
    }


def render_report(summary: dict[str, Any], generation: dict[str, Any], profile: dict[str, Any] | None) -> str:
    lines: list[str] = []
    f = summary["fraction"]
    lines.append(f"National benchmark, fraction {f:g} — run {'succeeded' if summary['success'] else 'FAILED'}")
    if generation.get("reused"):
        lines.append("Drop: reused (same seed, fraction, year and generator version)")
    else:
        lines.append(f"Drop: generated in {generation['seconds']:.1f} s, peak {_fmt_bytes(generation['peak_bytes'])}")
    for failure in summary["failures"]:
        lines.append(f"  FAILED: {failure}")
    lines.append("")
    lines.append(f"{'stage':<44} {'seconds':>9} {'rows':>13} {'rows/s':>11} {'peak RSS':>10}")
    for s in summary["stages"]:
        label = f"{s['group']} · {s['stage']}" if s["group"] != s["stage"] else s["stage"]
        rate = f"{s['rows'] / s['seconds']:,.0f}" if s["rows"] and s["seconds"] else ""
        rows = f"{s['rows']:,}" if s["rows"] else ""
        peak = _fmt_bytes(s["peak"]) if s.get("peak") else ""
        lines.append(f"{label[:44]:<44} {s['seconds']:>9.1f} {rows:>13} {rate:>11} {peak:>10}")
    lines.append(f"{'Dagster overhead (wall − Σ steps)':<44} {summary['dagster_overhead']:>9.1f}")
    lines.append(
        f"{'TOTAL (wall)':<44} {summary['wall']:>9.1f} {summary['rows']:>13,} {summary['rows_per_second']:>11,.0f}"
    )
    lines.append(f"peak memory (process tree): {_fmt_bytes(summary['peak_bytes'])}")
    dbt = summary.get("dbt") or {}
    if dbt:
        slowest = ", ".join(f"{name.split('.')[-1]} {t:.1f} s" for name, t in dbt["slowest"][:3])
        lines.append(
            f"dbt: {dbt['nodes']} nodes, Σ node time {dbt['node_seconds']:.1f} s, dbt elapsed {dbt['elapsed']:.1f} s "
            f"(the rest of the step is dbt start-up and parsing); slowest: {slowest}"
        )
    if f < 1:
        lines.append(
            f"estimate for fraction 1.0: {summary['full_year_estimate']:.0f} s, peak {_fmt_bytes(summary['peak_estimate'])}"
            " (landing, indicators, corps «Б»: fixed part + linear in rows; scores, dbt, publish, Dagster"
            " overhead fixed; peak: baseline + linear)"
        )
    lines.append("")
    for h in summary["heavy"]:
        agree = {True: "results agree", False: "RESULTS DIFFER", None: "not compared"}[h["results_agree"]]
        lines.append(
            f"{h['stage']}: stage {h['compute_seconds']:.1f} s vs plain DuckDB query {h['lower_bound_seconds']:.1f} s "
            f"→ {h['ratio']:.2f}× ({agree})"
        )
        lines.append(f"    pipeline part: {h['note']}")
        if h.get("plain_load_seconds") is not None:
            floor = h["plain_load_seconds"] + h["lower_bound_seconds"]
            lines.append(
                f"    landing + stage {h['pipeline_seconds']:.1f} s (landing {h['landing_seconds']:.1f}) vs plain DuckDB "
                f"load + query {floor:.1f} s (load {h['plain_load_seconds']:.1f}) → {h['ratio_with_landing']:.2f}×"
            )
        lines.append(
            f"    for information: landing + stage vs the query alone (which lands nothing) → {h['ratio_strict']:.2f}×"
        )
    if summary["reload"]:
        r = summary["reload"]
        lines.append(
            f"monthly turnstile reload (month {RELOAD_MONTH} re-delivered): {r['wall']:.1f} s = {r['share']:.0%} "
            f"of the full year (estimate at fraction 1.0: {r['share_estimate']:.0%}); peak {_fmt_bytes(r['peak_bytes'])}"
        )
        lines.append("    slowest steps: " + ", ".join(f"{k} {v:.1f} s" for k, v in r["steps"].items()))
    lines.append("")
    lines.append("Goals (2 cores / 24 GB):")
    width = max((len(g["goal"]) for g in summary["goals"]), default=40)
    for g in summary["goals"]:
        lines.append(
            f"  {'OK  ' if g['met'] else 'MISS'} {g['goal']:<{width}} {g['value']:<38} {g['target']:<10} {g['verdict']}"
        )
    if profile:
        lines.append("")
        lines.append(
            f"Turnstile landing profile ({profile['files']} monthly files, {profile['rows']:,} rows, cProfile; "
            f"the landed table is {_fmt_bytes(profile.get('frame_bytes', 0))} as a polars frame):"
        )
        for name, seconds in profile["timings"].items():
            lines.append(f"  {name:<52} {seconds:>8.1f} s")
        lines.append("  cumulative time per function inside load_table (DuckDB calls included):")
        for fn in profile["functions"][:14]:
            lines.append(f"    {fn['function'][:70]:<70} {fn['seconds']:>8.1f} s")
    return "\n".join(lines)


# --- results.md -------------------------------------------------------------------------


def _load_history(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    text = path.read_text()
    match = re.search(re.escape(_HISTORY_MARK) + r"\n(.*?)\n-->", text, re.S)
    if not match:
        return []
    try:
        data = json.loads(match.group(1))
    except json.JSONDecodeError:
        return []
    return list(data) if isinstance(data, list) else []


def write_results(path: Path, entry: dict[str, Any]) -> None:
    """Add ``entry`` to the history kept in ``path`` and regenerate the whole markdown file."""
    history = [h for h in _load_history(path) if h.get("id") != entry["id"]]
    history.append(entry)
    _write_results_file(path, history, _load_years_history(path))


def _write_results_file(path: Path, history: list[dict[str, Any]], years_history: list[dict[str, Any]]) -> None:
    history.sort(key=lambda h: (h["date"], h["fraction"]))
    lines = [
        "# National-scale benchmark results",
        "",
        "Generated by `kzeval bench` / `python bench/bench_national.py` — do not edit by hand (the history",
        "is kept in the comment at the end). A full assessment year from landing to marts",
        "(`pipelines.launch.run_assessment`) on a synthetic national drop (`kzeval generate --scale national`)",
        "at the given fraction of scale.md's sizes. Figures for fraction 1.0 are linear estimates when",
        "the run used a smaller fraction.",
        "",
        "Goals (2 cores / 24 GB): full year ≤ 5 min; peak memory ≤ 8 GB; each heavy stage ≤ 1.5× its",
        "plain-DuckDB lower bound; a monthly turnstile reload ≤ 15 % of the full-year time.",
        "",
        "Heavy-stage cells: «stage ÷ DuckDB query / (landing + stage) ÷ (DuckDB load + query)»; runs marked",
        "«strict» compared landing + stage with the query alone (docs/decisions.md, «Heavy-stage ratios»).",
        "",
        "The machine column gives the load average when the run started: on a machine shared with other",
        "jobs every time is inflated (the plain-DuckDB lower bounds are measured in the same conditions).",
        "",
        *results_table(history),
    ]
    latest: dict[float, dict[str, Any]] = {}
    for h in history:
        latest[h["fraction"]] = h
    for fraction, h in sorted(latest.items()):
        lines += ["", f"## Latest run at fraction {fraction:g} ({h['date']})", "", "```", h["report"], "```"]
    lines += years_section(years_history)
    lines += ["", _HISTORY_MARK, json.dumps(history, ensure_ascii=False), "-->", ""]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines))


def results_table(history: list[dict[str, Any]]) -> list[str]:
    """The results table (one row per run), for ``bench/results.md`` and the README."""
    lines = [
        "| date | machine | fraction | rows landed | wall | rows/s | peak RSS | est. wall @1.0 | est. peak @1.0 "
        "| turnstile ÷ DuckDB | appeals ÷ DuckDB | reload ÷ year (est. @1.0) | goals met |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for h in history:
        ratios = {x["stage"].split(" ")[0]: _stage_ratios(x) for x in h.get("heavy", [])}
        reload = h.get("reload_share")
        met = sum(1 for g in h["goals"] if g["met"])
        lines.append(
            f"| {h['date']} | {h['machine']} | {h['fraction']:g} | {h['rows']:,} | {h['wall']:.0f} s "
            f"| {h['rows_per_second']:,.0f} | {_fmt_bytes(h['peak_bytes'])} | {h['full_year_estimate']:.0f} s "
            f"| {_fmt_bytes(h['peak_estimate'])} | {ratios.get('turnstile', '')} | {ratios.get('appeals', '')} "
            f"| {'' if reload is None else f'{reload:.0%}'} | {met}/{len(h['goals'])} |"
        )
    return lines


README_START = "<!-- bench-results:start (regenerated by kzeval bench) -->"
README_END = "<!-- bench-results:end -->"
README_RUNS = 6  # the newest runs shown in the README; bench/results.md keeps them all


def update_readme(readme: Path, results: Path) -> bool:
    """Replace the README's results table (between the markers) with the newest runs; False without markers."""
    if not readme.exists():
        return False
    text = readme.read_text()
    start, end = text.find(README_START), text.find(README_END)
    if start < 0 or end < start:
        return False
    history = _load_history(results)[-README_RUNS:]
    block = [
        README_START,
        *results_table(history),
        "",
        "All runs and the latest full reports: `bench/results.md`.",
        README_END,
    ]
    readme.write_text(text[:start] + "\n".join(block) + text[end + len(README_END) :])
    return True


def _ratio(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}×"


def _stage_ratios(heavy: dict[str, Any]) -> str:
    """«stage / with landing» for a results-table cell; runs before 2026-11-23 12:00 kept one strict ratio."""
    if "ratio_with_landing" not in heavy:
        return f"{_ratio(heavy['ratio'])} (strict)"
    return f"{_ratio(heavy['ratio'])} / {_ratio(heavy['ratio_with_landing'])}"


# --- several years into one warehouse (`kzeval bench --years N`, issue 19) -------------

SENSOR_TABLE = "service_complaints"  # a small yearly file: the sensor-style run re-delivers it corrected
SHORT_RUN_REPEATS = 2  # the monthly reload and the sensor run are timed best of this many, each year
_YEARS_MARK = "<!-- bench-years-history"


def link_into(drop: Path, landing: Path) -> int:
    """Add the files of ``drop`` to the accumulating ``landing`` folder (hard links); a same-named file is replaced.

    The landing folder keeps every year's files, as the Agency's does; reference files delivered
    under one name every year (``agencies/agencies.parquet``) are replaced by the newer delivery.
    """
    added = 0
    for path in sorted(drop.rglob("*")):
        if path.is_dir() or path.name.startswith("."):
            continue
        dest = landing / path.relative_to(drop)
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.unlink(missing_ok=True)
        try:
            os.link(path, dest)
        except OSError:
            shutil.copyfile(path, dest)
        added += 1
    return added


def dir_bytes(path: Path) -> int:
    """Bytes of the files under ``path`` (a file: its size; missing: 0)."""
    if path.is_file():
        return path.stat().st_size
    if not path.exists():
        return 0
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def storage_bytes(warehouse: Path, landing: Path) -> dict[str, int]:
    """Disk use of what a run keeps: the published warehouse file, the raw_files store, the lake, the rest."""
    from kzeval.lake import lake_dir
    from kzeval.warehouse import raw_store_dir

    folder = dir_bytes(warehouse.parent)
    wh = dir_bytes(warehouse)
    raw = dir_bytes(raw_store_dir(warehouse))
    parquet = dir_bytes(lake_dir(warehouse))
    return {
        "warehouse": wh,
        "raw_files": raw,
        "lake": parquet,
        "other": folder - wh - raw - parquet,
        "landing": dir_bytes(landing),
    }


def _growth(value: float, first: float) -> str:
    return f"{value / first:.2f}×" if first else ""


def years_table(rows: list[dict[str, Any]]) -> list[str]:
    """Markdown table of a multi-year run, one row per year, growth against the first year.

    Each row: ``year``, ``run``/``reload``/``sensor`` (wall seconds), ``copy`` (seconds spent copying
    the published warehouse into the yearly run's build), ``peak`` (bytes, the largest process tree of
    the year's three runs) and ``warehouse``/``raw_files``/``other``/``landing`` (bytes after the year).
    """
    lines = [
        "| year | yearly run | monthly reload | sensor run (1 file) | copy in run | peak RSS | warehouse "
        "| lake | raw_files | other kept | landing | run ×y1 | reload ×y1 | sensor ×y1 | warehouse ×y1 | kept ×y1 |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    if not rows:
        return lines
    first = rows[0]

    def kept(r: dict[str, Any]) -> int:
        return int(r["warehouse"] + r.get("lake", 0) + r["raw_files"] + r["other"])

    for r in rows:
        lines.append(
            f"| {r['year']} | {r['run']:.1f} s | {r['reload']:.1f} s | {r['sensor']:.1f} s | {r['copy']:.1f} s "
            f"| {_fmt_bytes(r['peak'])} | {_fmt_bytes(r['warehouse'])} | {_fmt_bytes(r.get('lake', 0))} "
            f"| {_fmt_bytes(r['raw_files'])} "
            f"| {_fmt_bytes(r['other'])} | {_fmt_bytes(r['landing'])} | {_growth(r['run'], first['run'])} "
            f"| {_growth(r['reload'], first['reload'])} | {_growth(r['sensor'], first['sensor'])} "
            f"| {_growth(r['warehouse'], first['warehouse'])} | {_growth(kept(r), kept(first))} |"
        )
    return lines


def years_split_lines(rows: list[dict[str, Any]]) -> list[str]:
    """Per year: each run's cost split into the parts that could grow with history and the rest.

    Those parts are the copy of the published warehouse into the build (``copy*``; the lake keeps
    raw and overtime Parquet outside it, so only the small DuckDB file is copied) and the dbt step
    (``dbt*``; the marts are incremental per year, only the dimensions and the data-quality mart
    read every year kept). The rest is the year's own work.
    """
    lines = []
    for r in rows:
        for label, suffix, wall in (
            ("yearly run", "", r["run"]),
            ("monthly reload", "_reload", r["reload"]),
            ("sensor run", "_sensor", r["sensor"]),
        ):
            copy, dbt = r.get("copy" + suffix, 0.0), r.get("dbt" + suffix, 0.0)
            share = (copy + dbt) / wall if wall else 0.0
            lines.append(
                f"{r['year']} {label}: {wall:.1f} s = copy of the published warehouse {copy:.1f} s "
                f"+ dbt {dbt:.1f} s ({share:.0%} of the run) + the year's own work {wall - copy - dbt:.1f} s"
            )
    return lines


def render_years_report(entry: dict[str, Any]) -> str:
    lines = [
        f"{len(entry['rows'])} national years at fraction {entry['fraction']:g} into one warehouse "
        f"(seed {entry['seed']} + year offset; {entry['machine']})",
        "",
        *years_table(entry["rows"]),
        "",
        "The parts of each run that could grow with history (the copy of the published DuckDB file into",
        "the build; the dbt step, incremental per year) and the year's own work:",
        *years_split_lines(entry["rows"]),
    ]
    failures = entry.get("failures") or []
    lines += [f"FAILED: {f}" for f in failures]
    return "\n".join(lines)


def _load_years_history(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    match = re.search(re.escape(_YEARS_MARK) + r"\n(.*?)\n-->", path.read_text(), re.S)
    if not match:
        return []
    try:
        data = json.loads(match.group(1))
    except json.JSONDecodeError:
        return []
    return list(data) if isinstance(data, list) else []


def years_section(years_history: list[dict[str, Any]]) -> list[str]:
    """The «Several years» part of ``bench/results.md`` (latest multi-year run shown, all kept)."""
    if not years_history:
        return []
    latest = years_history[-1]
    lines = [
        "",
        "## Several years into one warehouse (`kzeval bench --years N`)",
        "",
        "Each year is generated with the seed plus its offset and run into the same warehouse; per year the",
        "yearly run, the monthly turnstile reload (month 6 re-delivered) and a sensor-style run for one",
        f"re-delivered small file ({SENSOR_TABLE}) — these two timed best of {SHORT_RUN_REPEATS} re-deliveries —,",
        "the peak memory and the disk kept after the year.",
        "",
        f"Latest ({latest['date']}):",
        "",
        "```",
        render_years_report(latest),
        "```",
        "",
        "Earlier multi-year runs: " + (", ".join(h["date"] for h in years_history[:-1]) or "none") + ".",
        "",
        _YEARS_MARK,
        json.dumps(years_history, ensure_ascii=False),
        "-->",
    ]
    return lines


def write_years_results(path: Path, entry: dict[str, Any]) -> None:
    """Add a multi-year run to ``path`` (single-year history and its table kept as they are)."""
    years = [h for h in _load_years_history(path) if h.get("id") != entry["id"]]
    years.append(entry)
    _write_results_file(path, _load_history(path), years)


def fastest(outcomes: list[PhaseOutcome]) -> PhaseOutcome:
    """The successful outcome with the shortest wall time (else the first): a short run is timed best of N.

    A 10-second run on a shared 2-core machine varies by ± 1 s between identical runs, the size of
    the 1.10× growth goal; the fastest of a few repeats is the usual estimate of its cost.
    """
    good = [o for o in outcomes if o.ok and o.data.get("success")]
    if not good:
        return outcomes[0]
    return min(good, key=lambda o: float(o.data.get("wall", o.seconds)))


def years_without_calendar(first_year: int, years: int) -> list[int]:
    """The years of a multi-year bench that have no shipped production calendar (the generator needs one)."""
    from kzeval.calendars import shipped_years

    shipped = set(shipped_years())
    return [y for y in range(first_year, first_year + years) if y not in shipped]


def cmd_bench_years(args: argparse.Namespace) -> int:
    """`kzeval bench --years N`: N consecutive national years run one after another into one warehouse."""
    fraction, years = float(args.fraction), int(args.years)
    if not 0 < fraction <= 1 or years < 1:
        print(f"--fraction must be in (0, 1] and --years ≥ 1, got {fraction} and {years}", file=sys.stderr)
        return 2
    workdir = Path(args.workdir).resolve()
    first_year, seed = int(args.year), int(args.seed)
    uncovered = years_without_calendar(first_year, years)
    if uncovered:
        from kzeval.calendars import shipped_years

        shipped = shipped_years()
        print(
            f"no shipped production calendar for {', '.join(map(str, uncovered))} (shipped: {shipped[0]}–{shipped[-1]}): "
            f"the generator needs one per year; start earlier, e.g. --year {shipped[-1] - years + 1} --years {years}",
            file=sys.stderr,
        )
        return 2
    results = Path(getattr(args, "results", None) or RESULTS_FILE)
    tag = f"years{first_year}x{years}_s{seed}_f{fraction:g}"
    logs = workdir / "logs" / tag
    landing = workdir / "landing" / tag
    wh = workdir / "warehouse" / tag / "kzeval.duckdb"
    shutil.rmtree(landing, ignore_errors=True)
    shutil.rmtree(wh.parent, ignore_errors=True)
    machine = machine_info()
    machine_text = (
        f"{machine['cpu']}, {machine['cores']} cores, {_fmt_bytes(machine['memory'])} "
        f"(load {machine['load_at_start']:.1f} at start)"
    )
    print(f"Machine: {machine_text}")
    rows: list[dict[str, Any]] = []
    failures: list[str] = []
    for offset in range(years):
        year = first_year + offset
        drop, _ = ensure_drop(workdir, seed + offset, fraction, year, logs / str(year))
        link_into(drop, landing)
        base = PhaseArgs(str(landing), str(wh), year, seed + offset, fraction, {"keep": True})
        year_logs = logs / str(year)
        print(f"{year}: yearly run ...", flush=True)
        run = run_phase("run", base, year_logs)
        reloads, sensors = [], []
        sensor_path = landing / SENSOR_TABLE / f"{SENSOR_TABLE}_{year}.parquet"
        for attempt in range(1, SHORT_RUN_REPEATS + 1):
            redeliver(landing / "turnstile_events" / f"{year:04d}-{RELOAD_MONTH:02d}.parquet", every=200)
            print(f"{year}: monthly reload (month {RELOAD_MONTH}), {attempt}/{SHORT_RUN_REPEATS} ...", flush=True)
            reload_args = PhaseArgs(**{**base.__dict__, "extra": {"reload_drop": str(landing)}})
            reloads.append(run_phase("reload", reload_args, year_logs / f"reload{attempt}"))
            redeliver(sensor_path)
            print(
                f"{year}: sensor-style run for {sensor_path.relative_to(landing)}, {attempt}/{SHORT_RUN_REPEATS} ...",
                flush=True,
            )
            sensor_args = PhaseArgs(**{**base.__dict__, "extra": {"keep": True, "sensor_file": str(sensor_path)}})
            sensors.append(run_phase("sensor", sensor_args, year_logs / f"sensor{attempt}"))
        reload, sensor = fastest(reloads), fastest(sensors)
        for outcome in (run, *reloads, *sensors):
            if not outcome.ok or not outcome.data.get("success"):
                why = "; ".join(str(f) for f in outcome.data.get("failures", [])[:3]) or f"see {outcome.log}"
                failures.append(f"{year} {outcome.name}: {why}")
        disk = storage_bytes(wh, landing)
        rows.append(
            {
                "year": year,
                "run": float(run.data.get("wall", run.seconds)),
                "reload": float(reload.data.get("wall", reload.seconds)),
                "sensor": float(sensor.data.get("wall", sensor.seconds)),
                "copy": float(run.data.get("copy_seconds", 0.0)),
                "copy_reload": float(reload.data.get("copy_seconds", 0.0)),
                "copy_sensor": float(sensor.data.get("copy_seconds", 0.0)),
                "dbt": float(run.data.get("steps", {}).get("kzeval_dbt_models", 0.0)),
                "dbt_reload": float(reload.data.get("steps", {}).get("kzeval_dbt_models", 0.0)),
                "dbt_sensor": float(sensor.data.get("steps", {}).get("kzeval_dbt_models", 0.0)),
                "peak": max(o.peak_bytes for o in (run, *reloads, *sensors)),
                "reload_all": [round(float(o.data.get("wall", o.seconds)), 1) for o in reloads],
                "sensor_all": [round(float(o.data.get("wall", o.seconds)), 1) for o in sensors],
                **disk,
            }
        )
        print("\n".join(years_table(rows)[-1:]), flush=True)
        if not run.ok:
            break
    now = datetime.now(UTC)
    entry = {
        "id": f"{now:%Y%m%dT%H%M%S}_{tag}",
        "date": f"{now:%Y-%m-%d %H:%M} UTC",
        "machine": machine_text,
        "fraction": fraction,
        "seed": seed,
        "rows": rows,
        "failures": failures,
    }
    print()
    print(render_years_report(entry))
    write_years_results(results, entry)
    print(f"\nResults written to {results}")
    return 0 if not failures else 1


# --- entry point ------------------------------------------------------------------------


def cmd_bench(args: argparse.Namespace) -> int:
    """`kzeval bench`: see the module docstring. Returns 0 when the run succeeded (goals are reported, not enforced)."""
    if getattr(args, "years", None) is not None:
        return cmd_bench_years(args)
    fraction = float(args.fraction)
    if not 0 < fraction <= 1:
        print(f"--fraction must be in (0, 1], got {fraction}", file=sys.stderr)
        return 2
    workdir = Path(args.workdir).resolve()
    year, seed = int(args.year), int(args.seed)
    profile = bool(getattr(args, "profile", True))
    do_reload = bool(getattr(args, "reload", True))
    results = Path(getattr(args, "results", None) or RESULTS_FILE)
    tag = f"y{year}_s{seed}_f{fraction:g}"
    logs = workdir / "logs" / tag
    machine = machine_info()
    print(
        f"Machine: {machine['cpu']}, {machine['cores']} cores, {_fmt_bytes(machine['memory'])} RAM, "
        f"load {machine['load_at_start']:.1f}"
    )
    drop, generation = ensure_drop(workdir, seed, fraction, year, logs)
    print(f"Drop: {drop} ({sum(generation['counts'].values()):,} rows)")
    wh = workdir / "warehouse" / tag / "kzeval.duckdb"
    base = PhaseArgs(str(drop), str(wh), year, seed, fraction)

    print("Running the year (landing → indicators → scores → dbt → publish) ...", flush=True)
    run = run_phase("run", base, logs)
    if not run.ok or not run.data.get("success"):
        print(f"The run failed; see {run.log}", file=sys.stderr)
        for failure in run.data.get("failures", []):
            print(f"  {failure}", file=sys.stderr)
        if not run.ok:
            return 1
    has_overtime_step = any(_stage_of(s)[0] == "overtime" for s in run.data.get("steps", {}))
    print("Plain-DuckDB lower bounds and the pipeline pieces of the heavy stages ...", flush=True)
    lower_t = run_phase("lower_turnstile", base, logs)
    lower_a = run_phase("lower_appeals", base, logs)
    pieces = run_phase("pieces", PhaseArgs(**{**base.__dict__, "extra": {"engine": not has_overtime_step}}), logs)
    reload = None
    if do_reload:
        print(f"Monthly reload (turnstile month {RELOAD_MONTH} re-delivered) ...", flush=True)
        reload_drop = make_reload_drop(drop, workdir / "reload_drop" / tag, year, RELOAD_MONTH)
        reload = run_phase("reload", PhaseArgs(**{**base.__dict__, "extra": {"reload_drop": str(reload_drop)}}), logs)
        shutil.rmtree(reload_drop, ignore_errors=True)
    prof = None
    if profile:
        months = 12 if fraction <= PROFILE_ALL_MONTHS_UP_TO else 3
        print(f"Profiling the turnstile landing ({months} monthly files) ...", flush=True)
        profiled = run_phase("profile", PhaseArgs(**{**base.__dict__, "extra": {"months": months}}), logs)
        prof = profiled.data if profiled.ok else None
    for outcome in (lower_t, lower_a, pieces, reload):
        if outcome is not None and not outcome.ok:
            print(f"phase {outcome.name} failed; see {outcome.log}", file=sys.stderr)
    summary = summarise(fraction, run, reload, lower_t, lower_a, pieces)
    report = render_report(summary, generation, prof)
    print()
    print(report)
    now = datetime.now(UTC)
    entry = {
        "id": f"{now:%Y%m%dT%H%M%S}_{tag}",
        "date": f"{now:%Y-%m-%d %H:%M} UTC",
        "machine": f"{machine['cpu']}, {machine['cores']} cores, {_fmt_bytes(machine['memory'])} "
        f"(load {machine['load_at_start']:.1f} at start)",
        "fraction": fraction,
        "rows": summary["rows"],
        "wall": summary["wall"],
        "rows_per_second": summary["rows_per_second"],
        "peak_bytes": summary["peak_bytes"],
        "full_year_estimate": summary["full_year_estimate"],
        "peak_estimate": summary["peak_estimate"],
        "heavy": [
            {k: h[k] for k in ("stage", "ratio", "ratio_with_landing", "ratio_strict")} for h in summary["heavy"]
        ],
        "reload_share": summary["reload"]["share_estimate"] if summary["reload"] else None,
        "goals": summary["goals"],
        "report": report,
    }
    write_results(results, entry)
    readme = Path(__file__).resolve().parents[1] / "README.md"
    if results.resolve() == (readme.parent / "bench" / "results.md").resolve() and update_readme(readme, results):
        print(f"README results table updated ({readme})")
    print(f"\nResults written to {results}")
    return 0 if summary["success"] else 1


if __name__ == "__main__":
    sys.exit(_child_main(sys.argv[1:]))
