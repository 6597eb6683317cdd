"""Read what a report needs from the published warehouse (``marts`` schema, read-only).

One :class:`Snapshot` holds the assessed bodies and the scores of the report year and the
year before (for the year-over-year figures). Tables absent from the warehouse (e.g. a
mart not built yet) load as empty frames, so a report shows whatever blocks and directions
exist.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from kzeval.indicators.scoring import BLOCK_SCORES_SCHEMA, DIRECTION_SCORES_SCHEMA
from kzeval.indicators.scoring import PENALTY_FACTS_SCHEMA as _ACT_FACTS_SCHEMA
from kzeval.reports.robustness import load_sensitivity
from kzeval.schema import polars_schema
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
PENALTY_FACTS_SCHEMA: dict[str, Any] = {"year": pl.Int64, **_ACT_FACTS_SCHEMA}
# the columns of marts.fct_dispute_results the report shows, typed as core.dispute_results (kzeval.schema)
DISPUTE_RESULTS_SCHEMA: dict[str, Any] = polars_schema(
    "core.dispute_results",
    columns=(
        "recompute_id",
        "year",
        "agency_id",
        "level",
        "block",
        "direction",
        "item",
        "item_label_ru",
        "value_before",
        "value_after",
        "rounded_before",
        "rounded_after",
        "is_changed",
        "correction_ids",
        "recomputed_at",
    ),
)
OBJECTIONS_SCHEMA: dict[str, Any] = {
    "correction_id": pl.Utf8,
    "agency_id": pl.Utf8,  # the assessed body the objection is about
    "table_name": pl.Utf8,
    "row_key": pl.Utf8,
    "column_name": pl.Utf8,
    "old_value": pl.Utf8,
    "new_value": pl.Utf8,
    "decided_on": pl.Date,
    "decision_ref": pl.Utf8,
    "note": pl.Utf8,
    "decision": pl.Utf8,  # accepted | rejected (corrections.decision; accepted when the column is absent)
    "applied": pl.Boolean,
    "rejection_reason": pl.Utf8,  # quarantine reason (e.g. sent after five working days: not considered)
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
    # reconciliation-act facts of ``year`` (fct_reporting_penalty_facts), for para. 21 and Appendix 1
    penalty_facts: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=PENALTY_FACTS_SCHEMA))
    # the commission's decisions on objections of ``year`` and the recomputes' before/after (Appendix 14)
    objections: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=OBJECTIONS_SCHEMA))
    dispute_results: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=DISPUTE_RESULTS_SCHEMA))
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


def _columns(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> set[str]:
    rows = con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = ? AND table_name = ?", [schema, table]
    ).fetchall()
    return {r[0] for r in rows}


def load_objections(con: duckdb.DuckDBPyConnection, year: int) -> pl.DataFrame:
    """Every landed objection decision of ``year`` (``raw.corrections``) with what became of it.

    Applied ones carry the value they replaced (``audit.corrections_applied``); rows the loader
    or the correction rules refused carry the quarantine reason.
    """
    if not table_exists(con, "raw", "corrections"):
        return pl.DataFrame(schema=OBJECTIONS_SCHEMA)
    decision = "c.decision" if "decision" in _columns(con, "raw", "corrections") else "NULL"
    assessed = (
        "LEFT JOIN marts.dim_agencies a ON a.agency_id = c.agency_id"
        if table_exists(con, "marts", "dim_agencies")
        else "LEFT JOIN (SELECT NULL::VARCHAR AS agency_id, NULL::VARCHAR AS assessed_agency_id) a ON false"
    )
    applied = (
        "LEFT JOIN (SELECT correction_id, min(old_value) AS old_value, true AS applied "
        "FROM audit.corrections_applied GROUP BY correction_id) ap ON ap.correction_id = c.correction_id"
        if table_exists(con, "audit", "corrections_applied")
        else "LEFT JOIN (SELECT NULL::VARCHAR AS old_value, NULL::BOOLEAN AS applied) ap ON false"
    )
    quarantined = (
        "LEFT JOIN (SELECT file_sha256, row_number, string_agg(reason, '; ' ORDER BY reason) AS reason "
        "FROM quarantine.rows WHERE table_name = 'corrections' GROUP BY ALL) q "
        "ON q.file_sha256 = c._file_sha256 AND q.row_number = c._row_number"
        if table_exists(con, "quarantine", "rows")
        else "LEFT JOIN (SELECT NULL::VARCHAR AS reason) q ON false"
    )
    rows = con.execute(
        f"""
        SELECT c.correction_id, coalesce(a.assessed_agency_id, c.agency_id) AS agency_id,
               c."table" AS table_name, c."key" AS row_key, c."column" AS column_name,
               ap.old_value, c.new_value, c.decided_on, c.decision_ref, c.note,
               coalesce({decision}, 'accepted') AS decision, coalesce(ap.applied, false) AS applied,
               q.reason AS rejection_reason
        FROM raw.corrections c {assessed} {applied} {quarantined}
        WHERE c."year" = ?
        ORDER BY c.decided_on, c.correction_id
        """,
        [year],
    ).fetchall()
    return pl.DataFrame(rows, schema=OBJECTIONS_SCHEMA, orient="row")


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
    sensitivity = load_sensitivity(con, year)
    return Snapshot(
        year=year,
        units=units,
        agencies=agencies.sort("agency_id"),
        indicators=indicators.join(types, on="agency_id", how="inner"),
        directions=directions.join(types, on="agency_id", how="inner"),
        blocks=blocks,
        rollup=rollup,
        penalty_facts=_frame(con, "fct_reporting_penalty_facts", PENALTY_FACTS_SCHEMA, "year = ?", [year]),
        objections=load_objections(con, year),
        dispute_results=_frame(con, "fct_dispute_results", DISPUTE_RESULTS_SCHEMA, "year = ?", [year]),
        sensitivity=sensitivity,
    )


def load_snapshot(warehouse: Path, year: int) -> Snapshot:
    """Open the published warehouse read-only and load the report year and the year before."""
    con = connect_readonly(warehouse)
    try:
        return load_snapshot_from(con, year)
    finally:
        con.close()
