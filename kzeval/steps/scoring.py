"""Direction and block scores for one year, from the raw direction totals in ``core``."""

from __future__ import annotations

from collections.abc import Mapping

import duckdb
import polars as pl

from kzeval.indicators.scoring import (
    BLOCK_SCORES_SCHEMA,
    DIRECTION_SCORES_SCHEMA,
    PENALTY_FACTS_SCHEMA,
    BlockScoringRules,
    block_scoring_rules,
    score_directions_and_block,
)
from kzeval.methodology.base import ActiveReadings
from kzeval.steps.context import RunContext
from kzeval.steps.core import bodies_of, landing_frames, replace_year_slice
from kzeval.warehouse import table_exists


def penalty_facts(penalties: pl.DataFrame | None, year: int, rules: Mapping[str, BlockScoringRules]) -> pl.DataFrame:
    """The reconciliation acts' facts per assessed body, direction, kind and act (seed 004 paras. 19–21).

    What the «Выводы и рекомендации» of a direction's conclusion list (para. 21) and the act of
    Appendix 1 shows: facts summed over the body's units per act, the points a fact of that kind
    costs in the direction's block (``None`` where the edition sets none, e.g. ``late`` in the
    interaction block) and facts × points before the per-direction cap.
    """
    if penalties is None or penalties.is_empty():
        return pl.DataFrame(schema=PENALTY_FACTS_SCHEMA)
    block_of = {d: r.block for r in rules.values() for d in r.directions()}
    per_fact = {(r.block, k): v for r in rules.values() for k, v in r.penalty_points_per_fact.items()}
    body = "assessed_agency_id" if "assessed_agency_id" in penalties.columns else "agency_id"
    summed = (
        penalties.filter((pl.col("year") == year) & pl.col("direction").is_in(sorted(block_of)))
        .filter(pl.col(body).is_not_null())
        .group_by(body, "direction", "kind", "act_ref")
        .agg(pl.col("facts").sum().cast(pl.Int64))
        .rename({body: "agency_id"})
        .sort("agency_id", "direction", "kind", "act_ref")
    )
    rows = []
    for r in summed.iter_rows(named=True):
        block = block_of[r["direction"]]
        points = per_fact.get((block, r["kind"]))
        rows.append(
            {
                **r,
                "block": block,
                "points_per_fact": points,
                "points": None if points is None else points * float(r["facts"] or 0),
            }
        )
    return pl.DataFrame(rows, schema=PENALTY_FACTS_SCHEMA).select(list(PENALTY_FACTS_SCHEMA))


def score_year(con: duckdb.DuckDBPyConnection, run: RunContext) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Score every block that has raw direction totals for the run's year by its edition's rules."""
    year, readings = run.assessment_year, run.readings
    resolved = con.execute("SELECT * FROM core.agencies").pl()
    directions = con.execute("SELECT * EXCLUDE (year) FROM core.direction_raw WHERE year = ?", [year]).pl()
    penalties = landing_frames(con, ["reporting_penalties"], resolved, run).get("reporting_penalties")
    direction_scores, block_scores = score_blocks(directions, penalties, bodies_of(resolved), year, readings)
    con.execute("DELETE FROM core.direction_scores WHERE year = ?", [year]).fetchall()
    con.execute("DELETE FROM core.block_scores WHERE year = ?", [year]).fetchall()
    replace_year_slice(con, "core", "direction_scores", direction_scores.drop("year", strict=False), year)
    replace_year_slice(con, "core", "block_scores", block_scores.drop("year", strict=False), year)
    replace_year_slice(
        con, "core", "reporting_penalty_facts", penalty_facts(penalties, year, block_rules(readings)), year
    )
    if table_exists(con, "core", "reading_sensitivity"):  # it described the figures just replaced
        con.execute("DELETE FROM core.reading_sensitivity WHERE year = ?", [year]).fetchall()
    return direction_scores, block_scores


def block_rules(readings: ActiveReadings) -> dict[str, BlockScoringRules]:
    """Each block's scoring rules under ``readings`` (the org block's depend on them)."""
    return {block: block_scoring_rules(block, readings) for block in ("interaction", "org_development")}


def score_blocks(
    directions: pl.DataFrame, penalties: pl.DataFrame | None, bodies: pl.DataFrame, year: int, readings: ActiveReadings
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Direction and block scores of every block in ``directions`` (raw totals), pure.

    The one scoring pass: the run (:func:`score_year`) and ``kzeval sensitivity`` both call it.
    """
    rules = block_rules(readings)
    direction_parts = [pl.DataFrame(schema=DIRECTION_SCORES_SCHEMA)]
    block_parts = [pl.DataFrame(schema=BLOCK_SCORES_SCHEMA)]
    for block in sorted(set(directions["block"].to_list())):
        d, b = score_directions_and_block(directions, penalties, bodies, year, rules[block])
        direction_parts.append(d)
        block_parts.append(b)
    return pl.concat(direction_parts, how="vertical_relaxed"), pl.concat(block_parts, how="vertical_relaxed")
