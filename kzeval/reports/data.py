"""Read what a report needs from the published warehouse (``marts`` schema, read-only).

One :class:`Snapshot` holds the assessed bodies and the scores of the report year and the
year before (for the year-over-year figures). Tables absent from the warehouse (e.g. a
mart not built yet) load as empty frames, so a report shows whatever blocks and directions
exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from kzeval.indicators.scoring import BLOCK_SCORES_SCHEMA, DIRECTION_SCORES_SCHEMA
from kzeval.warehouse import connect_readonly, table_exists

AGENCIES_SCHEMA: dict[str, Any] = {
    "agency_id": pl.Utf8,
    "name_ru": pl.Utf8,
    "body_type": pl.Utf8,
    "region_code": pl.Utf8,
    "level": pl.Utf8,
    "is_assessed": pl.Boolean,
    "assessed_agency_id": pl.Utf8,
}
INDICATORS_SCHEMA: dict[str, Any] = {
    "year": pl.Int64,
    "agency_id": pl.Utf8,
    "block": pl.Utf8,
    "direction": pl.Utf8,
    "indicator": pl.Utf8,
    "role": pl.Utf8,
    "value": pl.Float64,
    "max_points": pl.Float64,
    "reading": pl.Utf8,
    "is_provisional": pl.Boolean,
    "inputs": pl.Utf8,
}
# the marts carry core's score tables column for column
DIRECTIONS_SCHEMA = DIRECTION_SCORES_SCHEMA
BLOCKS_SCHEMA = BLOCK_SCORES_SCHEMA
ROLLUP_SCHEMA: dict[str, Any] = {
    "year": pl.Int64,
    "block": pl.Utf8,
    "body_type": pl.Utf8,
    "region_code": pl.Utf8,
    "agencies": pl.Int64,
    "mean_score": pl.Float64,
    "median_score": pl.Float64,
    "min_score": pl.Float64,
    "max_score": pl.Float64,
    "tier_high": pl.Int64,
    "tier_medium": pl.Int64,
    "tier_low": pl.Int64,
    "tier_ineffective": pl.Int64,
    "previous_mean_score": pl.Float64,
    "mean_change_vs_previous_year": pl.Float64,
}
NATIONAL_REGION = "KZ"  # fct_national_rollup: region_code of the national row


@dataclass(frozen=True)
class Snapshot:
    """Marts rows for ``year`` and ``year - 1``; ``directions`` and ``indicators`` carry ``body_type``."""

    year: int
    units: pl.DataFrame  # every unit of dim_agencies (to explain a sub-unit's id)
    agencies: pl.DataFrame  # assessed bodies only
    indicators: pl.DataFrame
    directions: pl.DataFrame
    blocks: pl.DataFrame
    rollup: pl.DataFrame  # fct_national_rollup of ``year`` (empty when the mart is absent)
    sensitivity: pl.DataFrame | None = None  # fct_reading_sensitivity of ``year`` (`kzeval sensitivity`)

    @property
    def previous_year(self) -> int:
        return self.year - 1


def _frame(
    con: duckdb.DuckDBPyConnection, table: str, schema: dict[str, Any], where: str, params: list[object]
) -> pl.DataFrame:
    """Select the schema's columns of ``marts.<table>``; columns the table lacks come back null."""
    if not table_exists(con, "marts", table):
        return pl.DataFrame(schema=schema)
    present = {
        r[0]
        for r in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = 'marts' AND table_name = ?",
            [table],
        ).fetchall()
    }
    cols = ", ".join(f'"{c}"' if c in present else f'NULL AS "{c}"' for c in schema)
    rows = con.execute(f"SELECT {cols} FROM marts.{table} WHERE {where}", params).fetchall()
    return pl.DataFrame(rows, schema=schema, orient="row")


def load_snapshot_from(con: duckdb.DuckDBPyConnection, year: int) -> Snapshot:
    """Load a snapshot through an open connection (tests pass an in-memory one)."""
    years: list[object] = [year - 1, year]
    units = _frame(con, "dim_agencies", AGENCIES_SCHEMA, "true", [])
    agencies = units.filter(pl.col("is_assessed").fill_null(True))
    blocks = _frame(con, "fct_block_scores", BLOCKS_SCHEMA, "year IN (?, ?)", years)
    types = agencies.select("agency_id", "body_type")
    directions = _frame(con, "fct_direction_scores", DIRECTIONS_SCHEMA, "year IN (?, ?)", years)
    indicators = _frame(con, "fct_indicator_scores", INDICATORS_SCHEMA, "year IN (?, ?)", years)
    rollup = _frame(con, "fct_national_rollup", ROLLUP_SCHEMA, "year = ?", [year])
    from kzeval.reports.robustness import load_sensitivity

    sensitivity = load_sensitivity(con, year)
    return Snapshot(
        year=year,
        units=units,
        agencies=agencies.sort("agency_id"),
        indicators=indicators.join(types, on="agency_id", how="inner"),
        directions=directions.join(types, on="agency_id", how="inner"),
        blocks=blocks,
        rollup=rollup,
        sensitivity=sensitivity,
    )


def load_snapshot(warehouse: Path, year: int) -> Snapshot:
    """Open the published warehouse read-only and load the report year and the year before."""
    con = connect_readonly(warehouse)
    try:
        return load_snapshot_from(con, year)
    finally:
        con.close()
