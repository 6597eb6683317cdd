"""The loader's record of each file: its outcome, ``audit.load_ledger`` and the per-file row counts."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from datetime import date

import duckdb
import polars as pl

from kzeval.warehouse import fetch_one

LEDGER_COLUMNS = (
    "file_path, file_sha256, table_name, status, rows_total, rows_loaded, rows_quarantined, duplicates_dropped, "
    "message, loaded_at, superseded_by, raw_copy, extract_date"
)


@dataclass
class FileOutcome:
    """What happened to one landing file; printed in the run summary and `kzeval validate`."""

    table: str
    path: str
    sha256: str
    status: str  # loaded | already_loaded | held_back | rejected
    rows_total: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    duplicates_dropped: int = 0
    message: str = ""
    copied_from_parquet: bool = False  # validated as delivered (typed Parquet) and copied by DuckDB
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # loaded, but worth a look (lookalike agency ids)
    extract_date: date | None = None  # extracted_on, else the date in the file name (None: load order decides)
    rows_superseded: int = 0  # rows of an older extract arriving after a newer one: kept in history.<table> only
    rows_replaced: int = 0  # loaded rows of older extracts this file's newer versions moved to history.<table>


def rollback(con: duckdb.DuckDBPyConnection) -> None:
    """Roll back, keeping the original error: after a failed write (a full disk) DuckDB may have ended the transaction."""
    with contextlib.suppress(duckdb.Error):
        con.execute("ROLLBACK").fetchall()


def ledger_status(con: duckdb.DuckDBPyConnection, table: str, sha: str) -> str | None:
    row = fetch_one(
        con,
        "SELECT status FROM audit.load_ledger WHERE table_name = ? AND file_sha256 = ? AND superseded_by IS NULL "
        "ORDER BY loaded_at DESC LIMIT 1",
        [table, sha],
    )
    return None if row is None else str(row[0])


def rows_per_year_and_agency(context: pl.DataFrame, table: str, sha: str, counted: str) -> pl.DataFrame:
    """Rows of one file per year and agency, named ``counted`` (``audit.file_profile``, ``audit.file_landed_rows``)."""
    return (
        context.lazy()
        .group_by("year", "agency_id")
        .agg(pl.len().cast(pl.Int64).alias(counted))
        .select(pl.lit(table).alias("table_name"), pl.lit(sha).alias("file_sha256"), "year", "agency_id", counted)
        .collect()
    )
