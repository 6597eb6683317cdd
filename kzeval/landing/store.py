"""Where landed rows and files are written: ``raw.<table>`` (native, or Parquet segments in the lake) and the raw store.

In a warehouse with a lake (:mod:`kzeval.lake`) ``raw.<table>`` is a view over Parquet
segments, one per delivered file: new rows are a new segment, a change to a file's rows goes
through the lake's delta. Without a lake (an in-memory database, ``kzeval validate``) it is a
native table. The raw store keeps every delivered file once by SHA-256.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import duckdb
import polars as pl

from kzeval import lake
from kzeval.contracts import CONTRACTS, TableContract
from kzeval.landing.reader import ROW_COLUMN, copy_atomically, write_atomically
from kzeval.landing.schemas import POLARS_TYPES

STORED_PSEUDONYMISED_SUFFIX = ".pseudonymised.parquet"


# Tables whose columns DuckDB never stores with FSST: trying it was ≈ 20 % of inserting a turnstile file for the
# same size (ids and codes repeat within a row group, so dictionary compression wins). Not for tables with unique
# strings (appeal numbers): there FSST halves the size (docs/decisions.md, 2026-11-23).
NO_FSST_TABLES = frozenset({"turnstile_events"})


def keep_raw_copy(path: Path, table: str, sha: str, raw_store: Path, stored_frame: pl.DataFrame | None) -> Path:
    """Keep the file once by SHA-256 (the pseudonymised Parquet if it held personal data); atomic."""
    if stored_frame is not None:
        target = raw_store / table / f"{sha}{STORED_PSEUDONYMISED_SUFFIX}"
        if not target.exists():
            write_atomically(stored_frame, target)
        return target
    target = raw_store / table / f"{sha}{path.suffix.lower()}"
    if not target.exists():
        copy_atomically(path, target)
    return target


def raw_rows(
    frame: pl.DataFrame, contract: TableContract, sha: str, relative: str, history: bool = False
) -> pl.DataFrame:
    """Typed rows as ``raw.<table>`` stores them (with the history columns for ``history.<table>``)."""
    extra = [pl.col("_superseded_by"), pl.col("_superseded_by_path")] if history else []
    return frame.select(
        *[pl.col(c.name).cast(POLARS_TYPES[c.type]) for c in contract.columns],
        pl.lit(sha).alias("_file_sha256"),
        pl.lit(relative).alias("_file_path"),
        pl.col(ROW_COLUMN).alias("_row_number"),
        *extra,
    )


def insert_frame(con: duckdb.DuckDBPyConnection, target: str, frame: pl.DataFrame) -> None:
    if frame.height == 0:
        return
    con.register("_kzeval_insert", frame)
    try:
        con.execute(f"INSERT INTO {target} BY NAME SELECT * FROM _kzeval_insert").fetchall()
    finally:
        con.unregister("_kzeval_insert")


def insert_raw(con: duckdb.DuckDBPyConnection, table: str, sha: str, frame: pl.DataFrame) -> None:
    """Land the rows of file ``sha`` in ``raw.<table>`` (in the lake: a new segment file)."""
    if frame.height == 0 or not lake.enabled(con):
        insert_frame(con, f"raw.{table}", frame)
        return
    con.register("_kzeval_insert", frame)
    try:
        lake.insert(con, lake.raw_table(table), sha, "SELECT * FROM _kzeval_insert")
    finally:
        con.unregister("_kzeval_insert")


def raw_row_count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    """Rows in ``raw.<table>``: from the lake's catalogue when it can tell, else ``count(*)``."""
    counted = lake.row_count(con, lake.raw_table(table))
    if counted is not None:
        return counted
    row = con.execute(f"SELECT count(*) FROM raw.{table}").fetchone()
    return int(str(row[0])) if row else 0


def raw_target(con: duckdb.DuckDBPyConnection, table: str, shas: Iterable[str]) -> str:
    """Where to change the landed rows of files ``shas``: ``raw.<table>``, or its lake delta (see kzeval.lake)."""
    if not lake.enabled(con):
        return f"raw.{table}"
    return lake.touch(con, lake.raw_table(table), [str(s) for s in shas])


def delete_raw_rows(con: duckdb.DuckDBPyConnection, table: str, pairs: str) -> None:
    """Delete the rows of ``raw.<table>`` that relation ``pairs`` names by ``_file_sha256`` and ``_row_number``.

    In the lake no segment is rewritten: the rows get tombstones the view skips (:func:`kzeval.lake.delete_rows`).
    """
    if not lake.enabled(con):
        con.execute(
            f"DELETE FROM raw.{table} r WHERE (r._file_sha256, r._row_number) IN "
            f"(SELECT (_file_sha256, _row_number) FROM {pairs})"
        ).fetchall()
        return
    lake.delete_rows(
        con, lake.raw_table(table), f"SELECT _file_sha256 AS segment_key, _row_number AS row_number FROM {pairs}"
    )


def drop_raw_files(con: duckdb.DuckDBPyConnection, table: str, shas: Iterable[str]) -> None:
    """Delete every landed row of files ``shas`` (in the lake: their segments leave the catalogue, nothing copied)."""
    listed = sorted({str(s) for s in shas})
    if not listed:
        return
    if not lake.enabled(con):
        con.execute(f"DELETE FROM raw.{table} WHERE _file_sha256 IN ?", [listed]).fetchall()
        return
    lake.drop_keys(con, lake.raw_table(table), listed)


def restore_raw_rows(con: duckdb.DuckDBPyConnection, table: str, rows: str, shas: Iterable[str]) -> None:
    """Make the rows of relation ``rows`` (exactly ``raw.<table>``'s columns) current in ``raw.<table>`` again.

    In the lake a row its file's segment still holds only loses its tombstone; the others are
    inserted through the delta. ``shas``: the files of those rows.
    """
    if not lake.enabled(con):
        con.execute(f"INSERT INTO raw.{table} BY NAME SELECT * FROM {rows}").fetchall()
        return
    lifted = lake.undelete_rows(
        con, lake.raw_table(table), f"SELECT _file_sha256 AS segment_key, _row_number AS row_number FROM {rows}"
    )
    counted = con.execute(f"SELECT count(*) FROM {rows}").fetchone()
    if counted is not None and counted[0] == len(lifted):
        return
    con.register("_kzeval_lifted", pl.DataFrame(lifted, schema={"sha": pl.Utf8, "row": pl.Int64}, orient="row"))
    try:
        target = raw_target(con, table, shas)
        con.execute(
            f"INSERT INTO {target} BY NAME SELECT * FROM {rows} r WHERE (r._file_sha256, r._row_number) NOT IN "
            "(SELECT (sha, row) FROM _kzeval_lifted)"
        ).fetchall()
    finally:
        con.unregister("_kzeval_lifted")


def not_landed(checked: pl.DataFrame, landed: pl.DataFrame) -> pl.Series:
    """Row numbers of the checked rows that the resolution against the loaded rows did not land."""
    return checked.filter(~pl.col(ROW_COLUMN).is_in(landed[ROW_COLUMN].implode()))[ROW_COLUMN]


def reference_parquet_in_part(
    con: duckdb.DuckDBPyConnection, table: str, sha: str, kept_copy: Path, relative: str, rows: pl.Series
) -> bool:
    """In the lake, read a clean typed Parquet delivery in place although some rows did not land.

    Rows identical to loaded ones, older versions (kept in history) or conflicting ones
    (``rows``: their row numbers) get tombstones instead of the file being rewritten
    without them: raw is kept once. False (nothing done) without a lake, when the key has
    rows already, or when most rows did not land (a segment of the few landed rows is smaller).
    """
    if not lake.enabled(con) or rows.len() * 2 > pl.scan_parquet(kept_copy).select(pl.len()).collect().item():
        return False
    target = lake.raw_table(table)
    if not lake.reference(con, target, sha, kept_copy, relative):
        return False
    con.register("_kzeval_not_landed", pl.DataFrame({"row_number": rows.cast(pl.Int64)}))
    try:
        lake.delete_rows(con, target, f"SELECT '{sha}' AS segment_key, row_number FROM _kzeval_not_landed")
    finally:
        con.unregister("_kzeval_not_landed")
    return True


def insert_parquet(con: duckdb.DuckDBPyConnection, table: str, path: Path, sha: str, relative: str) -> None:
    """Copy a checked typed Parquet file into ``raw.<table>`` inside DuckDB (no round trip through Python).

    Row numbers are the file's own (first data row = 1), as :func:`read_landing_file` numbers them.
    Insertion order is not kept: readers order by key (``pipeline.read_raw``), and keeping it
    would make DuckDB copy on one thread.
    """
    columns = ", ".join(f'"{c}"' for c in CONTRACTS[table].column_names)
    select = (
        f"SELECT {columns}, ? AS _file_sha256, ? AS _file_path, "
        f"file_row_number + 1 AS {ROW_COLUMN} FROM read_parquet(?, file_row_number = true)"
    )
    in_lake = lake.enabled(con)
    con.execute("SET preserve_insertion_order = false").fetchall()
    if table in NO_FSST_TABLES and not in_lake:
        con.execute("SET disabled_compression_methods = 'fsst'").fetchall()
    try:
        if in_lake:  # a new segment file, written by DuckDB straight from the delivered file
            lake.insert(con, lake.raw_table(table), sha, select, [sha, relative, str(path)])
        else:
            con.execute(f"INSERT INTO raw.{table} BY NAME {select}", [sha, relative, str(path)]).fetchall()
    finally:
        con.execute("RESET preserve_insertion_order").fetchall()
        con.execute("RESET disabled_compression_methods").fetchall()
