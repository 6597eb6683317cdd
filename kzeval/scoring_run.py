"""Direction and block scores for one year, from the raw direction totals in ``core``."""

from __future__ import annotations

import duckdb
import polars as pl

from kzeval.pipeline import bodies_of, landing_frames, replace_year_slice


def score_year(con: duckdb.DuckDBPyConnection, year: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    from kzeval.indicators.scoring import score_directions_and_block

    resolved = con.execute("SELECT * FROM core.agencies").pl()
    directions = con.execute("SELECT * EXCLUDE (year) FROM core.direction_raw WHERE year = ?", [year]).pl()
    frames = landing_frames(con, ["reporting_penalties"], resolved)
    penalties = frames.get("reporting_penalties")
    direction_scores, block_scores = score_directions_and_block(directions, penalties, bodies_of(resolved), year)
    con.execute("DELETE FROM core.direction_scores WHERE year = ?", [year]).fetchall()
    con.execute("DELETE FROM core.block_scores WHERE year = ?", [year]).fetchall()
    replace_year_slice(con, "core", "direction_scores", direction_scores.drop("year", strict=False), year)
    replace_year_slice(con, "core", "block_scores", block_scores.drop("year", strict=False), year)
    return direction_scores, block_scores
