"""The yearly assessment's steps: indicators per block, the turnstile year, scores, corps «Б».

One function per Dagster asset of ``pipelines/defs/`` (the asset only opens the build and
reports metadata); ``kzeval sensitivity``'s reference pass calls the same functions, so the
two cannot drift apart. Each step replaces the slice of ``core`` it owns for the run's year.
"""

from __future__ import annotations

from collections.abc import Callable

import duckdb
import polars as pl

from kzeval.indicators.interaction import compute_interaction
from kzeval.indicators.openness import check_openness_points, restore_capped_rows
from kzeval.indicators.org_development import ORG_DEVELOPMENT_TABLES, compute_org_development
from kzeval.methodology.org_development_2023 import READING_EXIT_ALLOWANCE, READING_HEADCOUNT_MONTHS
from kzeval.steps.context import RunContext
from kzeval.steps.core import (
    bodies_of,
    build_agencies,
    check_year_has_rows,
    compute_corps_b_year,
    interaction_frames,
    landing_frames,
    overtime_points_for,
    quarantine_rule_violations,
    replace_year_slice,
    store_readings,
)
from kzeval.steps.overtime import OvertimeYear, compute_overtime_year
from kzeval.steps.scoring import score_year


def interaction_indicators(con: duckdb.DuckDBPyConnection, run: RunContext) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Every indicator of the interaction block (services, openness, appeals) and its raw direction totals.

    A year the drop holds nothing for stops here (:class:`~kzeval.steps.core.YearWithoutDataError`):
    nothing is computed or published.
    """
    year, readings = run.assessment_year, run.readings
    check_year_has_rows(con, year)
    resolved = build_agencies(con)
    frames = interaction_frames(con, resolved, run)
    bodies = bodies_of(resolved)
    if "openness_points" in frames:
        checked = frames["openness_points"]
        bad = check_openness_points(checked, bodies)
        kept = quarantine_rule_violations(con, "openness_points", checked, bad, "points")
        frames["openness_points"] = restore_capped_rows(checked, kept, bad)
    indicators, directions = compute_interaction(frames, bodies, year, readings)
    where = {"block": "interaction"}
    replace_year_slice(con, "core", "indicator_scores", indicators, year, where)
    replace_year_slice(con, "core", "direction_raw", directions, year, where)
    store_readings(con, year, "interaction", readings.as_dict())
    return indicators, directions


def org_development_indicators(con: duckdb.DuckDBPyConnection, run: RunContext) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Every indicator of the organisational-development block (HR and IT) and its raw direction totals.

    Reads ``core.overtime`` (:func:`overtime_year`) for N1 and W.
    """
    year, readings = run.assessment_year, run.readings
    check_year_has_rows(con, year)
    resolved = build_agencies(con)
    frames = landing_frames(con, ORG_DEVELOPMENT_TABLES, resolved, run)
    overtime = overtime_points_for(con, year, readings)
    indicators, directions = compute_org_development(
        frames, bodies_of(resolved), resolved, year, readings, overtime=overtime
    )
    if overtime is not None:  # N1, W, a, b, s are disputed on their own: keep them as rows too
        indicators = pl.concat([indicators, overtime.join(indicators, on=["agency_id", "indicator"], how="anti")])
    where = {"block": "org_development"}
    replace_year_slice(con, "core", "indicator_scores", indicators, year, where)
    replace_year_slice(con, "core", "direction_raw", directions, year, where)
    store_readings(con, year, "org_development", readings.as_dict())
    return indicators, directions


def overtime_year(
    con: duckdb.DuckDBPyConnection,
    run: RunContext,
    year: int | None = None,
    months: list[int] | None = None,
    on_month: Callable[[int, bool], None] | None = None,
) -> OvertimeYear:
    """The turnstile step under the run's readings: stale months recomputed, ``core.overtime`` for the year.

    ``year``/``months``: a monthly reload's month (default: the run's year, every month).
    """
    return compute_overtime_year(
        con,
        run.assessment_year if year is None else year,
        months=months,
        exit_allowance=run.readings.value(READING_EXIT_ALLOWANCE),
        headcount_reading=run.readings.value(READING_HEADCOUNT_MONTHS),
        on_month=on_month,
        run_id=run.run_id,
        corrections_agency=run.corrections_agency,
    )


def scores(con: duckdb.DuckDBPyConnection, run: RunContext) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Direction scores (after reporting penalties), block scores, tiers and ranks for the run's year."""
    return score_year(con, run)


def corps_b(con: duckdb.DuckDBPyConnection, run: RunContext) -> tuple[int, int]:
    """Corps «Б» annual grades and per-body distributions for the run's year: (employees, rows)."""
    return compute_corps_b_year(con, run)


def reference_pass(con: duckdb.DuckDBPyConnection, run: RunContext) -> pl.DataFrame:
    """The yearly assessment's scoring steps in the run's order; returns the block scores.

    What the assets ``indicators/interaction``, ``core/overtime``, ``indicators/org_development``
    and ``scores`` do, one after another (``kzeval sensitivity`` checks its analysis against it).
    It writes into ``con`` as they do (core tables, quarantine, lineage).
    """
    interaction_indicators(con, run)
    overtime_year(con, run)
    org_development_indicators(con, run)
    _, blocks = scores(con, run)
    return blocks
