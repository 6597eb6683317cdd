"""The building blocks of the run steps, as plain functions over a DuckDB connection to the warehouse build.

Dagster assets (``pipelines/``) call these and stay thin; tests call them directly.
Every step replaces exactly the slice it owns (a table, or a year of a table), so
rerunning a step or a whole run gives the same warehouse.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path

import duckdb
import polars as pl

from kzeval import corps_b
from kzeval.agencies import assessed_bodies, attach_assessed, resolve_hierarchy
from kzeval.contracts import CONTRACTS, INTERACTION_TABLES
from kzeval.corrections import apply_corrections, ensure_dispute_tables, read_corrections
from kzeval.indicators.appeals import AGGREGATED_FRAME, aggregate_appeals_in_duckdb
from kzeval.indicators.common import indicator_frame
from kzeval.indicators.overtime_points import overtime_indicator_rows
from kzeval.landing.loader import FileOutcome, attribution_agency_column, ensure_tables, load_table, year_sql
from kzeval.lineage import files_of_year, write_indicator_sources, write_source_contributions, year_scope_sql
from kzeval.methodology import all_indicators
from kzeval.methodology.base import ActiveReadings
from kzeval.methodology.inputs import input_definition_rows
from kzeval.methodology.org_development_2023 import (
    HEADCOUNT_MONTHS,
    READING_EXIT_ALLOWANCE,
    READING_HEADCOUNT_MONTHS,
)
from kzeval.overtime import SCOPE_APPARATUS, SCOPE_LEVEL_RULE, apparatus_marked_bodies, headcount_months_by_body
from kzeval.readings_catalogue import write_readings_catalogue
from kzeval.schema import ensure_table
from kzeval.steps.context import RunContext
from kzeval.warehouse import fetch_one

META_COLUMNS = ("_file_sha256", "_file_path", "_row_number")


def load_landing(
    con: duckdb.DuckDBPyConnection,
    landing_dir: Path,
    raw_store: Path,
    tables: Iterable[str],
    hold_back_share: float,
    rehash: bool = False,
) -> list[FileOutcome]:
    outcomes: list[FileOutcome] = []
    for table in tables:
        outcomes.extend(load_table(con, landing_dir, table, raw_store, hold_back_share, rehash=rehash))
    return outcomes


def read_raw(con: duckdb.DuckDBPyConnection, table: str, year: int | None = None) -> pl.DataFrame:
    """The landed rows of one table (no file metadata), typed as in the contract.

    With ``year``, a table whose figures of a year read only that year's rows
    (``kzeval.contracts.YEAR_SCOPED_READS``) gives only those, by a range DuckDB prunes with the
    Parquet statistics; any other table is read whole.
    """
    ensure_tables(con, [table])
    columns = ", ".join(f'"{c}"' for c in CONTRACTS[table].column_names)
    scope = None if year is None else year_scope_sql(table, year)
    where = f" WHERE {scope}" if scope else ""
    # a stable order (by the table's key, then source row) keeps float sums, and so the marts, byte-identical
    order = ", ".join([*(f'"{k}"' for k in CONTRACTS[table].key), "_file_path", "_row_number"])
    return con.execute(f"SELECT {columns} FROM raw.{table}{where} ORDER BY {order}").pl()


def read_raw_from_files(con: duckdb.DuckDBPyConnection, table: str, shas: list[str]) -> pl.DataFrame:
    """The landed rows of the given files only (what a landing check validates after a load)."""
    ensure_tables(con, [table])
    if not shas:
        return con.execute(f"SELECT * EXCLUDE (_file_sha256, _file_path, _row_number) FROM raw.{table} LIMIT 0").pl()
    columns = ", ".join(f'"{c}"' for c in CONTRACTS[table].column_names)
    return con.execute(f"SELECT {columns} FROM raw.{table} WHERE _file_sha256 IN ?", [shas]).pl()


def landed_count_mismatches(con: duckdb.DuckDBPyConnection, table: str, loaded: list[FileOutcome]) -> list[str]:
    """Files whose rows in ``raw.<table>`` differ in number from what the loader says it landed.

    Rows a newer extract superseded are in ``history.<table>``, with the older versions that
    arrived late (``rows_superseded``): both count.
    """
    if not loaded:
        return []
    shas = [o.sha256 for o in loaded]
    counts = dict(
        con.execute(
            f"SELECT _file_sha256, count(*) FROM (SELECT _file_sha256 FROM raw.{table} WHERE _file_sha256 IN ? "
            f"UNION ALL SELECT _file_sha256 FROM history.{table} WHERE _file_sha256 IN ?) GROUP BY 1",
            [shas, shas],
        ).fetchall()
    )
    return [
        f"{o.path}: {counts.get(o.sha256, 0)} row(s) in raw.{table} and history.{table}, "
        f"{o.rows_loaded + o.rows_superseded} landed"
        for o in loaded
        if counts.get(o.sha256, 0) != o.rows_loaded + o.rows_superseded
    ]


def table_has_rows(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    ensure_tables(con, [table])
    row = fetch_one(con, f"SELECT count(*) FROM raw.{table}")
    return bool(row and row[0])


# Reference tables that say nothing about a year's activity (issue 15 item 8).
YEARLESS_TABLES = ("agencies", "calendar")


class YearWithoutDataError(ValueError):
    """No landing table other than the reference ones has a row dated in the run's year."""


def check_year_has_rows(con: duckdb.DuckDBPyConnection, year: int) -> None:
    """Stop a run for a year the drop holds no data for, before anything is computed or published.

    Rows are counted per year in ``audit.landed_rows`` (the year of each row's date or year
    column; undated rows belong to no year). Raises :class:`YearWithoutDataError` naming the
    years the drop does hold.
    """
    ensure_tables(con, [])
    placeholders = ", ".join("?" for _ in YEARLESS_TABLES)
    counted = fetch_one(
        con,
        f'SELECT coalesce(sum(rows_loaded), 0) FROM audit.landed_rows WHERE "year" = ? '
        f"AND table_name NOT IN ({placeholders})",
        [year, *YEARLESS_TABLES],
    )
    if counted and counted[0]:
        return
    years = [
        str(r[0])
        for r in con.execute(
            f'SELECT DISTINCT "year" FROM audit.landed_rows WHERE "year" IS NOT NULL '
            f"AND table_name NOT IN ({placeholders}) AND rows_loaded > 0 ORDER BY 1",
            list(YEARLESS_TABLES),
        ).fetchall()
    ]
    held = f"the drop holds data for {', '.join(years)}" if years else "the drop holds no dated rows at all"
    raise YearWithoutDataError(
        f"year {year}: no landing table other than agencies and calendar has a row for {year} ({held}); "
        "nothing is computed or published for this year"
    )


def build_agencies(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Resolve the hierarchy and store ``core.agencies`` (the source of dim_agencies)."""
    agencies = read_raw(con, "agencies")
    if agencies.height == 0:
        raise ValueError("agencies: the drop has no usable `agencies` table; it is required for every figure")
    resolved = resolve_hierarchy(agencies.with_columns(pl.col("workday_end").fill_null("18:30")))
    replace_table(con, "core", "agencies", resolved)
    return resolved


def replace_table(con: duckdb.DuckDBPyConnection, schema: str, table: str, frame: pl.DataFrame) -> None:
    con.register("_replacement", frame)
    try:
        con.execute(f"CREATE OR REPLACE TABLE {schema}.{table} AS SELECT * FROM _replacement").fetchall()
    finally:
        con.unregister("_replacement")


def replace_year_slice(
    con: duckdb.DuckDBPyConnection,
    schema: str,
    table: str,
    frame: pl.DataFrame,
    year: int,
    where: Mapping[str, str] | None = None,
) -> None:
    """Delete-then-insert the rows of one year (and block) so reruns never duplicate."""
    frame = frame.with_columns(pl.lit(year, dtype=pl.Int64).alias("year")).select(
        "year", *[c for c in frame.columns if c != "year"]
    )
    con.register("_slice", frame)
    try:
        exists = fetch_one(
            con,
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = ? AND table_name = ?",
            [schema, table],
        )
        if not exists or not exists[0]:
            con.execute(f"CREATE TABLE {schema}.{table} AS SELECT * FROM _slice").fetchall()
            return
        conditions = ["year = ?"]
        params: list[object] = [year]
        for column, value in (where or {}).items():
            conditions.append(f"{column} = ?")
            params.append(value)
        con.execute("BEGIN TRANSACTION").fetchall()
        con.execute(f"DELETE FROM {schema}.{table} WHERE {' AND '.join(conditions)}", params).fetchall()
        con.execute(f"INSERT INTO {schema}.{table} BY NAME SELECT * FROM _slice").fetchall()
        con.execute("COMMIT").fetchall()
    finally:
        con.unregister("_slice")


def landing_frames(
    con: duckdb.DuckDBPyConnection, tables: Iterable[str], resolved: pl.DataFrame, run: RunContext
) -> dict[str, pl.DataFrame]:
    """Landed tables with ``assessed_agency_id`` and ``body_type``; empty tables are left out.

    The special commission's corrections for the run's year (in the run's scope: every body, or
    the body ``kzeval recompute`` recomputes) are applied on top of the landed rows
    (``kzeval.corrections``; ``raw`` is never edited), and the files each frame comes from are
    recorded for lineage (``core.source_contributions``).

    A table of ``YEAR_SCOPED_READS`` is read for the run's year only, unless a correction targets
    it: a correction is validated and applied against every landed row (it may name, or move into
    the year, a row dated in another year), so then the table is read whole as before.
    """
    prepare_dispute_tables(con)
    corrected = {c.table for c in read_corrections(con)}
    frames: dict[str, pl.DataFrame] = {}
    for table in tables:
        if table in ("agencies", "calendar") or not table_has_rows(con, table):
            continue
        landed = read_raw(con, table, None if table in corrected else run.year)
        frame = apply_corrections(con, table, landed, run.year, run.run_id, agency=run.corrections_agency)
        record_source_contributions(con, table, run.year)
        if CONTRACTS[table].agency_column:
            frame = attach_assessed(frame, resolved, CONTRACTS[table].agency_column or "agency_id")
        frames[table] = frame
    return frames


def interaction_frames(
    con: duckdb.DuckDBPyConnection, resolved: pl.DataFrame, run: RunContext
) -> dict[str, pl.DataFrame]:
    """The interaction block's inputs: :func:`landing_frames`, with the appeals counted inside DuckDB.

    3.5 million appeals only feed counts per body: they are aggregated where they are stored
    instead of being copied into polars, unless the commission corrected landed rows — corrections
    patch frames, so then the appeals are read and aggregated like every other table.
    """
    year = run.assessment_year
    prepare_dispute_tables(con)
    in_duckdb = table_has_rows(con, "appeals") and not read_corrections(con)
    tables = [t for t in INTERACTION_TABLES if not (in_duckdb and t == "appeals")]
    frames = landing_frames(con, tables, resolved, run)
    if in_duckdb:
        record_source_contributions(con, "appeals", year)
        # only the files with an event in the year: the others hold no row any count of the year takes
        files = files_of_year(con, "appeals", year)
        frames[AGGREGATED_FRAME] = aggregate_appeals_in_duckdb(con, "raw.appeals", "core.agencies", year, files)
    return frames


def bodies_of(resolved: pl.DataFrame) -> pl.DataFrame:
    return assessed_bodies(resolved)


def store_readings(con: duckdb.DuckDBPyConnection, year: int, block: str, readings: Mapping[str, str]) -> None:
    frame = pl.DataFrame({"block": [block], "readings": [json.dumps(dict(readings), sort_keys=True)]})
    replace_year_slice(con, "core", "run_readings", frame, year, {"block": block})


# The core tables every run creates (empty if need be): declared in kzeval.schema.registry.
CORE_TABLES: tuple[str, ...] = (
    "agencies",
    "indicator_scores",
    "direction_raw",
    "direction_scores",
    "block_scores",
    "run_readings",
    "reporting_penalty_facts",
    "readings",
    "reading_sensitivity",
    "overtime_unit_quality",
    "overtime",
    "corps_b_annual",
    "corps_b_distribution",
    "indicator_definitions",
    "indicator_input_definitions",
)


def ensure_core_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create empty core tables so that dbt sources exist even for a partial drop."""
    for table in CORE_TABLES:
        ensure_table(con, f"core.{table}")
    ensure_tables(con)
    write_readings_catalogue(con)  # the readings of this code (marts.dim_readings), refreshed by every run
    write_methodology_definitions(con)


def methodology_definition_frames() -> tuple[pl.DataFrame, pl.DataFrame]:
    """``core.indicator_definitions`` (methodology §10) and ``core.indicator_input_definitions`` as frames."""
    indicators = pl.DataFrame(
        [
            {
                "indicator": d.code,
                "legal_symbol": d.legal_symbol,
                "label_ru": d.name_ru,
                "block": d.block,
                "direction": d.direction,
                "role": d.role,
                "max_points_cgo": d.max_cgo,
                "max_points_mio": d.max_mio,
                # A penalty carries its cap as a negative maximum (IndicatorDef).
                "is_penalty": any(m is not None and m < 0 for m in (d.max_cgo, d.max_mio)),
                "paragraph": d.paragraph,
                "confidence": d.confidence,
                "formula": d.formula,
            }
            for d in all_indicators().values()
        ],
        schema_overrides={"max_points_cgo": pl.Float64, "max_points_mio": pl.Float64},
    )
    inputs = pl.DataFrame(
        input_definition_rows(),
        schema={"indicator": pl.String, "input_name": pl.String, "legal_symbol": pl.String, "meaning_ru": pl.String},
    )
    return indicators, inputs


def write_methodology_definitions(con: duckdb.DuckDBPyConnection) -> None:
    """Replace the definition tables' rows with the code's (idempotent; a few hundred rows)."""
    for table, frame in zip(
        ("indicator_definitions", "indicator_input_definitions"), methodology_definition_frames(), strict=True
    ):
        con.execute(f"DELETE FROM core.{table}").fetchall()
        con.register("_definitions", frame)
        try:
            con.execute(f"INSERT INTO core.{table} BY NAME SELECT * FROM _definitions").fetchall()
        finally:
            con.unregister("_definitions")


def compute_corps_b_year(con: duckdb.DuckDBPyConnection, run: RunContext) -> tuple[int, int]:
    """Corps «Б» annual grades and distributions for the run's year (seed 000) into ``core``."""
    year, readings = run.assessment_year, run.readings
    ensure_core_tables(con)
    resolved = con.execute("SELECT * FROM core.agencies").pl()
    frames = landing_frames(con, ["corps_b_evaluations"], resolved, run)
    con.execute("DELETE FROM core.corps_b_annual WHERE year = ?", [year]).fetchall()
    con.execute("DELETE FROM core.corps_b_distribution WHERE year = ?", [year]).fetchall()
    if "corps_b_evaluations" not in frames:
        return 0, 0
    annual = corps_b.annual_grades(frames["corps_b_evaluations"], year, readings)
    bodies = bodies_of(resolved)
    distribution = pl.concat(
        [corps_b.distribution(annual, bodies, year), corps_b.national_distribution(annual, bodies, year)],
        how="vertical_relaxed",
    )
    replace_year_slice(con, "core", "corps_b_annual", annual.drop("year"), year)
    replace_year_slice(con, "core", "corps_b_distribution", distribution.drop("year"), year)
    return annual.height, distribution.height


def overtime_points_for(
    con: duckdb.DuckDBPyConnection, year: int, readings: ActiveReadings | None = None
) -> pl.DataFrame | None:
    """N1 and W per assessed body from ``core.overtime`` (turnstile work), if computed for the year.

    N1 rows of a body without ``agencies.is_apparatus`` marks are provisional (level-rule scope).
    """
    ensure_core_tables(con)
    frame = con.execute("SELECT * FROM core.overtime WHERE year = ?", [year]).pl()
    if frame.height == 0:
        return None
    agencies = con.execute("SELECT * FROM core.agencies").pl()
    headcount = read_raw(con, "headcount_monthly") if table_has_rows(con, "headcount_monthly") else None
    return overtime_points_from(frame, agencies, headcount, year, readings)


def overtime_points_from(
    frame: pl.DataFrame,
    agencies: pl.DataFrame,
    headcount: pl.DataFrame | None,
    year: int,
    readings: ActiveReadings | None = None,
) -> pl.DataFrame:
    """N1 and W rows from ``core.overtime``-shaped rows (pure; `kzeval sensitivity` passes recomputed ones)."""
    body_types = dict(agencies.select("agency_id", "body_type").iter_rows())
    marked = apparatus_marked_bodies(agencies)
    keys = [READING_EXIT_ALLOWANCE]
    months = headcount_months_by_body(headcount, agencies, year)
    incomplete = {a for a, m in months.items() if m < HEADCOUNT_MONTHS}
    headcount_reading = readings.value(READING_HEADCOUNT_MONTHS) if readings is not None else "divide_by_12"
    rows = [
        r
        for row in frame.iter_rows(named=True)
        for r in overtime_indicator_rows(
            row,
            body_types[row["agency_id"]],
            SCOPE_APPARATUS if row["agency_id"] in marked else SCOPE_LEVEL_RULE,
            readings.label([*keys, *([READING_HEADCOUNT_MONTHS] if row["agency_id"] in incomplete else [])])
            if readings is not None
            else "default",
            months.get(row["agency_id"]),
            headcount_reading,
        )
    ]
    return indicator_frame(rows)


RULE_REASON_PREFIX = "cross-table rule: "


def quarantine_rule_violations(
    con: duckdb.DuckDBPyConnection, table: str, frame: pl.DataFrame, bad: pl.DataFrame, column: str
) -> pl.DataFrame:
    """Move rows that break a rule needing other tables (e.g. Appendix 10 maxima) to quarantine.

    The rows stay in ``raw`` (they landed) but are excluded from the figures; their file and
    row number are looked up so the quarantine entry points at the source. Idempotent: the
    table's earlier rule entries are replaced.
    """
    key = list(CONTRACTS[table].key)
    con.execute(
        "DELETE FROM quarantine.rows WHERE table_name = ? AND starts_with(reason, ?)", [table, RULE_REASON_PREFIX]
    ).fetchall()
    if bad.height == 0:
        return frame
    contract = CONTRACTS[table]
    agency_col = attribution_agency_column(contract)
    agency = f'r."{agency_col}"' if agency_col else "CAST(NULL AS VARCHAR)"
    con.register("_bad_rows", bad.select(*key, column, "reason"))
    try:
        located = con.execute(
            f"""
            SELECT ? AS table_name, r._file_path AS file_path, r._file_sha256 AS file_sha256,
                   r._row_number AS row_number, ? AS column_name, CAST(b."{column}" AS VARCHAR) AS value,
                   ? || b.reason AS reason, {agency} AS agency_id, {year_sql(contract, "r")} AS "year"
            FROM _bad_rows b JOIN raw.{table} r ON {" AND ".join(f'b."{k}" = r."{k}"' for k in key)}
            ORDER BY file_path, row_number
            """,
            [table, column, RULE_REASON_PREFIX],
        ).pl()
    finally:
        con.unregister("_bad_rows")
    con.register("_located", located)
    try:
        con.execute("INSERT INTO quarantine.rows BY NAME SELECT * FROM _located").fetchall()
    finally:
        con.unregister("_located")
    return frame.join(bad.select(key), on=key, how="anti")


def prepare_dispute_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Tables of the disputes and lineage marts (dbt sources), present even when nothing was disputed."""
    ensure_dispute_tables(con)
    write_indicator_sources(con)


def record_source_contributions(con: duckdb.DuckDBPyConnection, table: str, year: int | None = None) -> None:
    """Rows of each landed file of ``table`` per assessed body and year (``core.source_contributions``).

    With the run's ``year`` only that year's slice is replaced: running another year never
    changes (nor adds files to) the lineage of figures it did not compute.
    """
    write_source_contributions(con, table, year)
