"""Lineage: which landing tables feed which indicator, which files feed which body and year.

Run step, called by the pipeline (``kzeval.steps.core.landing_frames``) for every landed frame; it
writes ``core.indicator_sources`` and ``core.source_contributions``, behind ``marts.fct_indicator_lineage``.
``kzeval explain`` reads the same maps to say where a figure comes from.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import duckdb
import polars as pl

from kzeval.contracts import CONTRACTS, YEAR_SCOPED_READS
from kzeval.indicators.hr import ROSTER_TABLES
from kzeval.methodology import all_indicators
from kzeval.schema import ensure_table, polars_schema
from kzeval.warehouse import table_exists

# The years a landed row counts in, for lineage: the table's year or period column, except
# appeals, which count in the year of each event (received, reviewed, redirected, court).
LINEAGE_YEAR_COLUMNS: Mapping[str, tuple[str, ...]] = {
    "appeals": ("received_on", "reviewed_on", "redirected_on", "court_satisfied_on"),
}
# Tables the overtime computation reads from raw directly (not through landing_frames): no per-file lineage.
# Their corrections are applied by kzeval.steps.overtime and recorded in audit.corrections_applied.
UNTRACKED_TABLES = ("turnstile_events", "overtime_orders", "calendar")


def indicator_source_tables() -> dict[str, tuple[str, ...]]:
    """Indicator, criterion and detail code → the landing tables its value is computed from (its definition's)."""
    return {code: tuple(sorted(d.source_tables)) for code, d in sorted(all_indicators().items())}


def direction_source_tables(direction: str) -> tuple[str, ...]:
    """Landing tables of a direction's indicators, plus the reconciliation acts (reporting penalties)."""

    mapping = indicator_source_tables()
    tables = {t for code, d in all_indicators().items() if d.direction == direction for t in mapping.get(code, ())}
    return tuple(sorted({*tables, "reporting_penalties"}))


def write_indicator_sources(con: duckdb.DuckDBPyConnection) -> None:
    """``core.indicator_sources`` (indicator, source_table): the static map behind the lineage mart."""
    rows = [(code, table) for code, tables in indicator_source_tables().items() for table in tables]
    frame = pl.DataFrame(rows, schema=polars_schema("core.indicator_sources"), orient="row")
    con.execute("CREATE SCHEMA IF NOT EXISTS core").fetchall()
    con.register("_indicator_sources", frame)
    try:
        con.execute("CREATE OR REPLACE TABLE core.indicator_sources AS SELECT * FROM _indicator_sources").fetchall()
    finally:
        con.unregister("_indicator_sources")
    ensure_source_contributions(con)


def ensure_source_contributions(con: duckdb.DuckDBPyConnection) -> None:
    ensure_table(con, "core.source_contributions")  # kzeval.schema.registry


def row_year_columns(table: str) -> tuple[str, ...]:
    contract = CONTRACTS[table]
    if table in LINEAGE_YEAR_COLUMNS:
        return LINEAGE_YEAR_COLUMNS[table]
    column = contract.year_column or contract.date_column
    return (column,) if column else ()


def _year_expr(table: str, alias: str = "r") -> str | None:
    """SQL list of the years a row of ``table`` counts in; None when the table has no period."""
    columns = row_year_columns(table)
    if not columns:
        return None
    contract = CONTRACTS[table]
    parts = [f'{alias}."{c}"' if c == contract.year_column else f'CAST(year({alias}."{c}") AS BIGINT)' for c in columns]
    return f"list_distinct(list_filter([{', '.join(parts)}], x -> x IS NOT NULL))"


def year_range_sql(column: str, year: int, alias: str | None = None) -> str:
    """The rows whose date (or timestamp) ``column`` falls in ``year``, as a half-open range on the raw column.

    Not ``year(col) = Y``: a range on the column itself lets DuckDB skip the Parquet row groups
    (and whole segments) of other years by their min/max statistics.
    """
    ref = f'{alias}."{column}"' if alias else f'"{column}"'
    first, after = int(year), int(year) + 1
    return f"({ref} >= DATE '{first:04d}-01-01' AND {ref} < DATE '{after:04d}-01-01')"


def year_scope_sql(table: str, year: int, alias: str | None = None) -> str | None:
    """The rows of ``table`` a year-scoped read keeps (``kzeval.contracts.YEAR_SCOPED_READS``); None: read whole."""
    column = YEAR_SCOPED_READS.get(table)
    return None if column is None else year_range_sql(column, year, alias)


def sql_in_list(values: Iterable[str]) -> str:
    """``('a', 'b')`` as SQL literals (quotes doubled), or ``(NULL)`` for none: an IN list DuckDB pushes into scans."""
    quoted = ["'" + v.replace("'", "''") + "'" for v in values]
    return f"({', '.join(quoted)})" if quoted else "(NULL)"


def _landed_rows_sql(con: duckdb.DuckDBPyConnection, table: str) -> str:
    """Every landed row of ``table`` (``raw`` and the superseded rows of ``history``): its file and year columns."""
    columns = ", ".join(["_file_sha256", *(f'"{c}"' for c in row_year_columns(table))])
    schemas = ["raw", "history"] if table_exists(con, "history", table) else ["raw"]
    return " UNION ALL ".join(f"SELECT {columns} FROM {schema}.{table}" for schema in schemas)


def files_of_year(con: duckdb.DuckDBPyConnection, table: str, year: int) -> list[str]:
    """The files of ``table`` (rows in ``raw`` or ``history``) with a row that counts in ``year`` for lineage.

    Read from ``audit.file_years``, filled here for a file the first time it is asked about
    (one scan of that file only), and again when its number of landed rows changed since. The
    rows of a file (its sha256) are fixed; they only move between ``raw`` and ``history`` or leave
    the warehouse, so a file's recorded years always cover the rows it still has. A file no
    longer landed is never returned. For appeals the years are those of every event
    (:data:`LINEAGE_YEAR_COLUMNS`): a file outside the list has no row that counts in ``year``.
    """
    years = _year_expr(table)
    if years is None:
        raise ValueError(f"{table}: a table without a period has no files of a year")
    ensure_table(con, "audit.file_years")  # kzeval.schema.registry
    landed = _landed_rows_sql(con, table)
    counts = dict(con.execute(f"SELECT _file_sha256, count(*) FROM ({landed}) GROUP BY 1").fetchall())
    seen = dict(
        con.execute(
            "SELECT DISTINCT file_sha256, rows_seen FROM audit.file_years WHERE table_name = ?", [table]
        ).fetchall()
    )
    stale = sorted(sha for sha, rows in counts.items() if seen.get(sha) != rows)
    if stale:
        con.execute(
            f"DELETE FROM audit.file_years WHERE table_name = ? AND file_sha256 IN {sql_in_list(stale)}", [table]
        ).fetchall()
        # one statement: an interrupted fill leaves the file unrecorded (asked again), never half recorded
        con.execute(
            "INSERT INTO audit.file_years (table_name, file_sha256, year, rows_seen) "
            f"WITH landed AS (SELECT * FROM ({landed}) WHERE _file_sha256 IN {sql_in_list(stale)}), "
            "counted AS (SELECT _file_sha256 AS sha, count(*) AS n FROM landed GROUP BY 1), "
            f"listed AS (SELECT r._file_sha256 AS sha, {years} AS ys FROM landed r), "
            "spread AS (SELECT DISTINCT sha, unnest(CASE WHEN len(ys) = 0 THEN [NULL::BIGINT] ELSE ys END) AS y "
            "FROM listed) "
            "SELECT ?, spread.sha, spread.y, counted.n FROM spread JOIN counted USING (sha)",
            [table],
        ).fetchall()
    return [
        sha
        for (sha,) in con.execute(
            "SELECT DISTINCT file_sha256 FROM audit.file_years WHERE table_name = ? AND year = ? ORDER BY 1",
            [table, int(year)],
        ).fetchall()
        if sha in counts
    ]


def _contributions_prefilter(con: duckdb.DuckDBPyConnection, table: str, year: int) -> str:
    """A condition on ``r`` keeping every row that counts in ``year`` and skipping most that do not.

    The exact rule stays the filter on the unnested years; this only lets DuckDB prune: a range
    on the one date column, the year column, or — for several event dates — the files with an
    event in the year (:func:`files_of_year`) and a range on each date.
    """
    contract = CONTRACTS[table]
    columns = row_year_columns(table)
    if len(columns) == 1 and columns[0] == contract.year_column:
        return f'r."{columns[0]}" = {int(year)}'
    ranges = " OR ".join(year_range_sql(c, year, "r") for c in columns)
    if len(columns) == 1:
        return ranges
    return f"r._file_sha256 IN {sql_in_list(files_of_year(con, table, year))} AND ({ranges})"


def _contributions_select(table: str, schema: str, counted: str, year: int | None, prefilter: str | None = None) -> str:
    """Rows of ``<schema>.<table>`` per file, assessed body and year, as the column ``counted``.

    With ``year``: only the rows that year's figures read (a table without a period: all, under ``year``).
    ``prefilter``: a condition on ``r`` true for every row counting in ``year`` (:func:`_contributions_prefilter`).
    """

    contract = CONTRACTS[table]
    other = "rows_superseded" if counted == "rows_contributing" else "rows_contributing"
    agency = contract.agency_column
    body = f'coalesce(a.assessed_agency_id, r."{agency}")' if agency else "NULL"
    join = f'LEFT JOIN core.agencies a ON a.agency_id = r."{agency}"' if agency else ""
    if table in ROSTER_TABLES and agency:
        return _roster_contributions_select(table, schema, counted, other, agency, body, join, year)
    years = _year_expr(table)
    if years is None:
        shown = "NULL::BIGINT" if year is None else f"{int(year)}::BIGINT"
        return (
            f"SELECT ? AS table_name, r._file_path AS file_path, r._file_sha256 AS file_sha256, {body} AS agency_id, "
            f"{shown} AS year, count(*) AS {counted}, 0::BIGINT AS {other} FROM {schema}.{table} r {join} GROUP BY ALL"
        )
    only = "" if year is None else f" WHERE year = {int(year)}"
    pruned = f" WHERE {prefilter}" if prefilter else ""
    return (
        "SELECT ? AS table_name, _file_path AS file_path, _file_sha256 AS file_sha256, agency_id, year, "
        f"count(*) AS {counted}, 0::BIGINT AS {other} FROM (SELECT r._file_path, r._file_sha256, {body} AS agency_id, "
        f"unnest({years}) AS year FROM {schema}.{table} r {join}{pruned}){only} GROUP BY ALL"
    )


def _roster_contributions_select(
    table: str, schema: str, counted: str, other: str, agency: str, body: str, join: str, year: int | None
) -> str:
    """Lineage of a snapshot table by the rule its figures follow (``kzeval.indicators.hr.roster_of_year``).

    A year reads, per unit, only its newest roster (``as_of``) dated in that year; a table
    without any dated row is read whole for every year (listed under ``year``, or without a
    year when no year is given). Which roster a year reads is decided on ``raw.<table>`` (the
    rows the figures read), also for the superseded rows of ``history.<table>``.
    """
    undated = f"NOT EXISTS (SELECT 1 FROM raw.{table} d WHERE d.as_of IS NOT NULL)"
    of_year = "CAST(year(r.as_of) AS BIGINT)" if year is None else f"{int(year)}::BIGINT"
    newest = f'SELECT max(x.as_of) FROM raw.{table} x WHERE x."{agency}" = r."{agency}" AND year(x.as_of) = {of_year}'
    shown = "NULL::BIGINT" if year is None else of_year
    return (
        f"SELECT ? AS table_name, r._file_path AS file_path, r._file_sha256 AS file_sha256, {body} AS agency_id, "
        f"CASE WHEN {undated} THEN {shown} ELSE {of_year} END AS year, count(*) AS {counted}, "
        f"0::BIGINT AS {other} FROM {schema}.{table} r {join} "
        f"WHERE {undated} OR r.as_of = ({newest}) GROUP BY ALL"
    )


def write_source_contributions(con: duckdb.DuckDBPyConnection, table: str, year: int | None = None) -> None:
    """Replace ``table``'s slice of ``core.source_contributions``: rows per file, assessed body and year.

    With ``year`` (the run's year) only that year's slice is replaced, so running another year
    leaves the lineage of the figures it did not compute as it was (a 2023 file never appears
    under an unchanged 2024 figure). Rows a newer extract superseded (``history.<table>``) are
    recorded apart as ``rows_superseded``: the file is named as superseded, never as contributing.
    """
    ensure_source_contributions(con)
    if year is None:
        con.execute("DELETE FROM core.source_contributions WHERE table_name = ?", [table]).fetchall()
    else:
        con.execute(
            "DELETE FROM core.source_contributions WHERE table_name = ? AND (year = ? OR year IS NULL)", [table, year]
        ).fetchall()
    prefilter = None
    if year is not None and table not in ROSTER_TABLES and row_year_columns(table):
        prefilter = _contributions_prefilter(con, table, year)
    con.execute(
        "INSERT INTO core.source_contributions BY NAME "
        f"{_contributions_select(table, 'raw', 'rows_contributing', year, prefilter)}",
        [table],
    ).fetchall()
    if table_exists(con, "history", table):
        con.execute(
            "INSERT INTO core.source_contributions BY NAME "
            f"{_contributions_select(table, 'history', 'rows_superseded', year, prefilter)}",
            [table],
        ).fetchall()
