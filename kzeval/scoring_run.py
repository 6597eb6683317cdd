"""Direction and block scores for one year, from the raw direction totals in ``core``."""

from __future__ import annotations

import duckdb
import polars as pl

from kzeval.methodology.base import ActiveReadings
from kzeval.pipeline import bodies_of, landing_frames, replace_year_slice


def score_year(
    con: duckdb.DuckDBPyConnection, year: int, readings: ActiveReadings
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Score every block that has raw direction totals for ``year`` by its edition's rules."""
    resolved = con.execute("SELECT * FROM core.agencies").pl()
    directions = con.execute("SELECT * EXCLUDE (year) FROM core.direction_raw WHERE year = ?", [year]).pl()
    penalties = landing_frames(con, ["reporting_penalties"], resolved).get("reporting_penalties")
    direction_scores, block_scores = score_blocks(directions, penalties, bodies_of(resolved), year, readings)
    con.execute("DELETE FROM core.direction_scores WHERE year = ?", [year]).fetchall()
    con.execute("DELETE FROM core.block_scores WHERE year = ?", [year]).fetchall()
    replace_year_slice(con, "core", "direction_scores", direction_scores.drop("year", strict=False), year)
    replace_year_slice(con, "core", "block_scores", block_scores.drop("year", strict=False), year)
    from kzeval.warehouse import table_exists

    if table_exists(con, "core", "reading_sensitivity"):  # it described the figures just replaced
        con.execute("DELETE FROM core.reading_sensitivity WHERE year = ?", [year]).fetchall()
    return direction_scores, block_scores


def score_blocks(
    directions: pl.DataFrame, penalties: pl.DataFrame | None, bodies: pl.DataFrame, year: int, readings: ActiveReadings
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Direction and block scores of every block in ``directions`` (raw totals), pure.

    The one scoring pass: the run (:func:`score_year`) and ``kzeval sensitivity`` both call it.
    """
    from kzeval.indicators.org_development import org_block_scoring_rules
    from kzeval.indicators.scoring import (
        BLOCK_SCORES_SCHEMA,
        DIRECTION_SCORES_SCHEMA,
        rules_for_block,
        score_directions_and_block,
    )

    rules = {"interaction": rules_for_block("interaction"), "org_development": org_block_scoring_rules(readings)}
    direction_parts = [pl.DataFrame(schema=DIRECTION_SCORES_SCHEMA)]
    block_parts = [pl.DataFrame(schema=BLOCK_SCORES_SCHEMA)]
    for block in sorted(set(directions["block"].to_list())):
        d, b = score_directions_and_block(directions, penalties, bodies, year, rules[block])
        direction_parts.append(d)
        block_parts.append(b)
    return pl.concat(direction_parts, how="vertical_relaxed"), pl.concat(block_parts, how="vertical_relaxed")
