"""Synthetic landing drop at NATIONAL scale (spec: scale.md) for `kzeval generate --scale national` and the bench.

One assessment year for all 32 CGO and 20 MIO assessed bodies: ≈ 6,900 units, ≈ 92,000
employees, ≈ 75 million turnstile events (``kzeval.generate.turnstile``, inside DuckDB),
≈ 3 million ``services_rendered`` rows (≈ 290 million services, ≈ 94 % electronic),
≈ 3.5 million appeals (≈ 2 % reviewed late), ≈ 330,000 corps «Б» sheets; the other
tables stay under 100,000 rows. Written as Parquet in the contract layout
``<out>/<table>/<file>.parquet`` with the contract's column types.

``fraction`` scales every row-heavy table and the number of sub-units (committees,
territorial units, departments, districts, rural akimats) proportionally; the 52 assessed
bodies are always present so the hierarchy and every score stay meaningful.

Deterministic: row-level randomness is counter-based — SplitMix64 of (stream, row key)
written as polars integer arithmetic, so it does not depend on thread count or on the
polars version's internal hash — and the few per-body draws use ``random.Random`` seeded
with a string, like the sample. Every frame is sorted on its key before it is written.
Value distributions follow :mod:`kzeval.generate.sample` (its body qualities for the 20
bodies it shares, its calendar, lateness and openness helpers), vectorised.

Modules by role: ``scale`` (volumes per unit kind), ``catalogue`` and ``units`` (the
hierarchy), ``draws`` (counter-based randomness), ``context`` (units frame, calendar, typed
writer), then one module per group of tables: ``hr``, ``services``, ``appeals``, ``bodies``
(openness, IT, reconciliation); the turnstile events come from :mod:`kzeval.generate.turnstile`.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl

from kzeval.contracts import CONTRACTS
from kzeval.generate.national.appeals import appeals_table
from kzeval.generate.national.bodies import body_tables
from kzeval.generate.national.context import NationalContext, body_qualities, units_frame
from kzeval.generate.national.hr import (
    body_level_hr,
    build_employees,
    corps_b_sheets,
    hr_tables,
    survey_table,
    turnstile_roster,
)
from kzeval.generate.national.services import services_tables
from kzeval.generate.national.units import build_national_units
from kzeval.generate.rows import SKIPPED_TABLES
from kzeval.generate.turnstile import generate_turnstile
from kzeval.generate.workdays import WorkCalendar

GENERATOR_VERSION = 2
"""Bumped whenever the output for a (seed, year, fraction) changes; part of the bench cache key."""


def generate_national(out: str | Path, seed: int = 42, year: int = 2024, fraction: float = 1.0) -> dict[str, int]:
    """Write the national drop under ``out`` (``<table>/<file>.parquet``); return rows per table.

    ``turnstile_events`` and ``overtime_orders`` are monthly files ``<YYYY-MM>.parquet``
    written by :func:`kzeval.generate.turnstile.generate_turnstile`; every other table is one
    ``<table>_<year>.parquet``. ``calendar`` (shipped with kzeval) and ``corrections``
    (decisions of the commission) are not generated, as in the sample.
    """
    if not 0 < fraction <= 1:
        raise ValueError(f"fraction must be in (0, 1], got {fraction}")

    out_dir = Path(out)
    units = build_national_units(seed, fraction)
    frame = units_frame(units, body_qualities(units, seed))
    ctx = NationalContext(seed, year, fraction, out_dir, frame, WorkCalendar(year), {})
    # para. 40(1) headcount units: CGO central office + committees' central offices; the akim's apparatus
    frame = frame.with_columns(
        pl.col("kind").is_in(["cgo_apparatus", "committee", "mio_apparatus"]).alias("is_apparatus")
    )
    ctx.units = frame
    ctx.write("agencies", frame, "agencies.parquet")
    people = build_employees(ctx)
    hr_tables(ctx, people)
    body_level_hr(ctx, people)
    survey_table(ctx, people)
    corps_b_sheets(ctx, people)
    services_tables(ctx)
    appeals_table(ctx)
    body_tables(ctx, people)

    roster = turnstile_roster(frame, people, seed, year)
    con = duckdb.connect()
    try:
        con.execute("SET enable_progress_bar = false").fetchall()
        summary = generate_turnstile(
            out_dir,
            frame.select("agency_id", "level", "workday_end"),
            roster,
            year=year,
            seed=seed,
            fraction=1.0,
            write_headcount=False,
            con=con,
        )
    finally:
        con.close()
    ctx.counts["turnstile_events"] = summary.events
    ctx.counts["overtime_orders"] = summary.orders
    missing = sorted(set(CONTRACTS) - set(ctx.counts) - set(SKIPPED_TABLES))
    if missing:
        raise RuntimeError(f"national generator does not cover tables: {missing}")
    return dict(sorted(ctx.counts.items()))
