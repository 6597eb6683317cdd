"""Benchmark of the turnstile overtime engine (kzeval.overtime) at national scale.

    python -m bench.bench_overtime --fraction 0.1 [--year 2024] [--data DIR] [--regenerate]

1. Generates (or reuses) a national year of synthetic turnstile drops (kzeval.generate.turnstile).
2. Runs the engine (``compute_fct_overtime``) and, for information, the monthly path
   (12 × ``compute_overtime_month`` + ``compute_overtime_by_body``).
3. Runs one hand-written DuckDB query computing m and p per body from the same files.
4. Asserts both agree, prints wall time, peak RSS (each step in its own process) and the
   engine / hand-written ratio. Goal: ratio ≤ 1.5, peak memory ≤ 8 GB.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import polars as pl

from kzeval.calendars import load_calendar
from kzeval.generate.turnstile import generate_turnstile
from kzeval.overtime import (
    compute_fct_overtime,
    compute_overtime_by_body,
    compute_overtime_month,
    overtime_scope_units,
)
from kzeval.warehouse import configure

ROOT = Path(__file__).resolve().parents[1]


def national_agencies() -> pl.DataFrame:
    """~6,900 units shaped like scale.md: 32 CGO (+90 committees, 1,500 territorial units) and
    20 regional MIO (450 regional departments, 224 district akimats, 2,200 district departments,
    2,352 rural akimats). Bench-only skeleton; the real generator's agencies come from sample.py."""
    rows: list[tuple[str, str, str | None, bool, str | None, str, str | None]] = []
    for i in range(32):
        rows.append((f"CGO{i:02d}", "CGO", None, True, None, "central", "18:30"))
    committees = [f"KOM{j:02d}" for j in range(90)]
    for j, committee in enumerate(committees):
        rows.append((committee, "CGO", f"CGO{j % 32:02d}", False, None, "central", "18:00" if j % 3 == 0 else None))
    for k in range(1500):
        parent = committees[k % len(committees)] if k % 2 else f"CGO{k % 32:02d}"
        rows.append((f"TER{k:04d}", "CGO", parent, False, f"{k % 20:02d}", "territorial", None))
    for r in range(20):
        mio = f"MIO{r:02d}"
        rows.append((mio, "MIO", None, True, f"{r:02d}", "city" if r >= 17 else "oblast", None))
    for k in range(450):
        rows.append((f"UPR{k:03d}", "MIO", f"MIO{k % 20:02d}", False, f"{k % 20:02d}", "oblast", "18:30"))
    for k in range(224):
        rows.append((f"RAI{k:03d}", "MIO", f"MIO{k % 20:02d}", False, f"{k % 20:02d}", "district", None))
    for k in range(2200):
        rows.append((f"ROT{k:04d}", "MIO", f"RAI{k % 224:03d}", False, f"{k % 20:02d}", "district", None))
    for k in range(2352):
        rows.append((f"SEL{k:04d}", "MIO", f"RAI{k % 224:03d}", False, f"{k % 20:02d}", "rural", None))
    return pl.DataFrame(
        {
            "agency_id": [r[0] for r in rows],
            "name_ru": [f"Орган {r[0]}" for r in rows],
            "body_type": [r[1] for r in rows],
            "parent_agency_id": [r[2] for r in rows],
            "is_assessed": [r[3] for r in rows],
            "region_code": [r[4] for r in rows],
            "level": [r[5] for r in rows],
            "workday_end": [r[6] for r in rows],
        }
    )


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu_seconds() -> float:
    """User + system CPU of this process: less sensitive than wall time to other jobs on the machine."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _con(work: Path, memory_limit: str) -> duckdb.DuckDBPyConnection:
    return configure(
        duckdb.connect(),
        memory_limit=memory_limit,
        temp_dir=work / "duckdb_tmp",
        threads=2,
        preserve_insertion_order=False,
    )


def phase_generate(args: argparse.Namespace) -> dict[str, object]:
    started = time.perf_counter()
    summary = generate_turnstile(args.data, national_agencies(), None, args.year, args.seed, args.fraction)
    return {
        "seconds": time.perf_counter() - started,
        "peak_rss_mb": _peak_rss_mb(),
        "employees": summary.employees,
        "events": summary.events,
        "orders": summary.orders,
    }


def _inputs(args: argparse.Namespace) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    data = Path(args.data)
    orders = pl.read_parquet(data / "overtime_orders" / "*.parquet")
    headcount = pl.read_parquet(data / "headcount_monthly" / "*.parquet")
    return national_agencies(), load_calendar(args.year), orders, headcount


def phase_engine(args: argparse.Namespace) -> dict[str, object]:
    agencies, calendar, orders, headcount = _inputs(args)
    con = _con(Path(args.data), args.memory_limit)
    cpu = _cpu_seconds()
    started = time.perf_counter()
    fct = compute_fct_overtime(
        con, Path(args.data) / "turnstile_events", agencies, calendar, orders, headcount, args.year
    )
    seconds = time.perf_counter() - started
    cpu = _cpu_seconds() - cpu
    fct.write_parquet(Path(args.data) / "bench_fct_overtime.parquet")
    return {"seconds": seconds, "cpu_seconds": cpu, "peak_rss_mb": _peak_rss_mb(), "bodies": fct.height}


def phase_monthly(args: argparse.Namespace) -> dict[str, object]:
    agencies, calendar, orders, headcount = _inputs(args)
    con = _con(Path(args.data), args.memory_limit)
    started = time.perf_counter()
    tables = []
    for month in range(1, 13):
        compute_overtime_month(con, Path(args.data) / "turnstile_events", agencies, calendar, orders, args.year, month)
        tables.append(f"overtime_daily_{args.year}_{month:02d}")
    fct = compute_overtime_by_body(con, tables, agencies, headcount, calendar, args.year)
    seconds = time.perf_counter() - started
    daily_rows = sum(int(con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]) for t in tables)  # type: ignore[index]
    fct.write_parquet(Path(args.data) / "bench_fct_overtime_monthly.parquet")
    return {"seconds": seconds, "peak_rss_mb": _peak_rss_mb(), "daily_rows": daily_rows}


def phase_hand(args: argparse.Namespace) -> dict[str, object]:
    """The hand-written query of `kzeval bench` (bench.harness.TURNSTILE_LOWER_BOUND_SQL) on this drop."""
    from bench.harness import TURNSTILE_LOWER_BOUND_SQL, _window
    from kzeval.overtime import _unit_thresholds  # the threshold table is input data, not logic

    agencies, calendar, orders, _ = _inputs(args)
    data = Path(args.data)
    side = data / "bench_inputs"
    side.mkdir(exist_ok=True)
    orders.write_parquet(side / "orders.parquet")
    con = _con(data, args.memory_limit)
    small = {
        "lb_thresholds": _unit_thresholds(agencies),
        "lb_calendar": calendar,
        "lb_scope": overtime_scope_units(agencies),
    }
    for name, frame in small.items():
        con.register(f"{name}_v", frame)
        con.execute(f"CREATE TEMP TABLE {name} AS SELECT * FROM {name}_v").fetchall()
        con.unregister(f"{name}_v")
    sql = TURNSTILE_LOWER_BOUND_SQL.format(
        events=data / "turnstile_events" / "*.parquet", orders=side / "orders.parquet", **_window(args.year)
    )
    cpu = _cpu_seconds()
    started = time.perf_counter()
    result = con.execute(sql).pl()
    seconds = time.perf_counter() - started
    cpu = _cpu_seconds() - cpu
    result.write_parquet(data / "bench_hand.parquet")
    return {"seconds": seconds, "cpu_seconds": cpu, "peak_rss_mb": _peak_rss_mb(), "bodies": result.height}


PHASES = {"generate": phase_generate, "engine": phase_engine, "monthly": phase_monthly, "hand": phase_hand}


def _run_phase(name: str, argv: list[str]) -> dict[str, object]:
    out = subprocess.run(
        [sys.executable, "-m", "bench.bench_overtime", *argv, "--phase", name], capture_output=True, text=True
    )
    if out.returncode:
        sys.stderr.write(out.stderr)
        raise SystemExit(f"phase {name} failed")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fraction", type=float, default=0.1)
    parser.add_argument("--year", type=int, default=2024)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--data", default=None, help="drop directory (default data/bench/turnstile_<year>_<fraction>)")
    parser.add_argument("--memory-limit", default="6GB")
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument("--skip-monthly", action="store_true")
    parser.add_argument("--phase", choices=sorted(PHASES), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.data is None:
        args.data = str(ROOT / "data" / "bench" / f"turnstile_{args.year}_{args.fraction:g}")
    if args.phase:
        print(json.dumps(PHASES[args.phase](args)))
        return

    argv = [a for a in sys.argv[1:] if a != "--regenerate"]
    if "--data" not in argv:
        argv += ["--data", args.data]
    events_dir = Path(args.data) / "turnstile_events"
    if args.regenerate or not events_dir.exists() or len(list(events_dir.glob("*.parquet"))) < 12:
        gen = _run_phase("generate", argv)
        print(
            f"generate: {gen['events']:,} events, {gen['employees']:,} employees, {gen['orders']:,} orders "
            f"in {gen['seconds']:.1f} s, peak RSS {gen['peak_rss_mb']:.0f} MB"
        )
    hand = _run_phase("hand", argv)
    engine = _run_phase("engine", argv)
    for label, res in (("hand-written query", hand), ("engine (compute_fct_overtime)", engine)):
        print(
            f"{label}: {res['seconds']:.1f} s wall, {res['cpu_seconds']:.1f} s CPU, "
            f"peak RSS {res['peak_rss_mb']:.0f} MB"
        )
    ratio = float(engine["seconds"]) / float(hand["seconds"])  # type: ignore[arg-type]
    cpu_ratio = float(engine["cpu_seconds"]) / float(hand["cpu_seconds"])  # type: ignore[arg-type]
    print(f"ratio engine / hand-written: {ratio:.2f} wall, {cpu_ratio:.2f} CPU (goal ≤ 1.5)")
    load = os.getloadavg()[0]
    if load > (os.cpu_count() or 1):
        print(f"note: load average {load:.1f} on {os.cpu_count()} cores — wall times are inflated by other jobs")

    fct = pl.read_parquet(Path(args.data) / "bench_fct_overtime.parquet")
    ref = pl.read_parquet(Path(args.data) / "bench_hand.parquet")
    both = fct.join(ref, on="agency_id", how="full", coalesce=True)
    assert both.height == fct.height == ref.height, "engine and hand-written query cover different bodies"
    for ours, theirs in (("workday_overtime_hours", "m"), ("weekend_overtime_hours", "p")):
        diff = both.select((pl.col(ours) - pl.col(theirs)).abs().max()).item()
        scale = max(1.0, both[theirs].abs().max())
        assert diff <= 1e-9 * scale, f"{ours} differs from the hand-written query by {diff}"
    print(f"m and p agree for {fct.height} bodies; national m = {fct['workday_overtime_hours'].sum():,.0f} h")

    if not args.skip_monthly:
        monthly = _run_phase("monthly", argv)
        print(
            f"monthly path (12 months + aggregation): {monthly['seconds']:.1f} s, "
            f"peak RSS {monthly['peak_rss_mb']:.0f} MB, {monthly['daily_rows']:,} employee-days"
        )
        fct_m = pl.read_parquet(Path(args.data) / "bench_fct_overtime_monthly.parquet")
        joined = fct.join(fct_m, on="agency_id", suffix="_m")
        for column in ("workday_overtime_hours", "weekend_overtime_hours"):
            diff = joined.select((pl.col(column) - pl.col(f"{column}_m")).abs().max()).item()
            assert diff <= 1e-6, f"monthly path differs on {column} by {diff}"
        print("monthly path agrees with the whole-year path")
    peak = max(float(hand["peak_rss_mb"]), float(engine["peak_rss_mb"]))  # type: ignore[arg-type]
    print(f"peak RSS ≤ 8 GB: {'yes' if peak <= 8192 else 'NO'} ({peak:.0f} MB)")


if __name__ == "__main__":
    main()
