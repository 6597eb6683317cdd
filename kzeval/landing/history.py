"""Extracts and record updates (spec data-contracts.md): one current row per key, older versions in history.

For every key the row of the newest extract is current in ``raw.<table>``; an older
extract arriving later, and rows a newer extract replaces, are kept in ``history.<table>``.
A new version of a file (same path, new SHA-256) supersedes its predecessor's rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb
import polars as pl

from kzeval.contracts import CONTRACTS, TableContract
from kzeval.landing.quarantine import attribution_agency_column, empty_errors, year_sql
from kzeval.landing.reader import ROW_COLUMN
from kzeval.landing.store import delete_raw_rows, drop_raw_files, restore_raw_rows
from kzeval.schema import ensure_landing_tables
from kzeval.warehouse import fetch_one


@dataclass
class Resolution:
    """How the incoming rows of a file relate to the rows already loaded (one current row per key).

    ``kept``: rows to land in ``raw.<table>`` (new keys and newer versions); ``errors``:
    conflicting duplicates (same key, same extract date, different values); ``identical``:
    rows already loaded as they are; ``late``: older versions arriving after a newer one, kept
    in ``history.<table>`` (with ``_superseded_by``/``_superseded_by_path``); ``replaced``:
    loaded rows (file SHA-256, row number) that the incoming newer versions supersede.
    """

    kept: pl.DataFrame
    errors: pl.DataFrame
    identical: int = 0
    late: pl.DataFrame | None = None
    replaced: pl.DataFrame | None = None


def _ledger_dates_sql() -> str:
    return (
        "(SELECT file_sha256, max(extract_date) AS extract_date FROM audit.load_ledger "
        "WHERE table_name = ? AND status = 'loaded' GROUP BY 1)"
    )


def resolve_against_loaded(
    con: duckdb.DuckDBPyConnection, good: pl.DataFrame, contract: TableContract, extract_date: date | None
) -> Resolution:
    """Compare incoming keys with the rows already loaded: the newest extract's row wins.

    Spec (data-contracts.md, «Extracts and record updates»): for every key the row of the
    newest extract is used; an older extract arriving later is kept as history; two files with
    the same extract date that disagree on a key are conflicting duplicates. Identical rows
    are loaded once.
    """
    # EXISTS, not count(*): a count reads every segment with deleted rows to skip them
    existing = fetch_one(con, f"SELECT EXISTS (SELECT 1 FROM raw.{contract.name})")
    if not existing or not existing[0] or good.height == 0:
        return Resolution(good, empty_errors())
    key = list(contract.key)
    # A key holding the date column cannot match rows outside the incoming date range: the range
    # filter lets DuckDB skip the other months' row groups instead of joining the whole table.
    where: str = ""
    params: list[object] = []
    if contract.date_column in key:
        dates = pl.col(contract.date_column)
        low, high = good.select(dates.min().alias("low"), dates.max().alias("high")).row(0)
        if low is not None:
            where, params = f' WHERE "{contract.date_column}" BETWEEN ? AND ?', [low, high]
            # the usual case (the next month, or a month re-delivered after its old rows went): nothing to join
            if not fetch_one(con, f"SELECT EXISTS (SELECT 1 FROM raw.{contract.name}{where})", params)[0]:  # type: ignore[index]
                return Resolution(good, empty_errors())
    matches = _matching_rows(con, good, contract, where, params)
    if matches.height == 0:
        return Resolution(good, empty_errors())
    incoming = pl.lit(extract_date, dtype=pl.Date)
    existing_date = pl.col("existing_date").cast(pl.Date)
    matches = matches.with_columns(
        pl.when(pl.col("identical"))
        .then(pl.lit("identical"))
        .when(incoming.is_null() | existing_date.is_null() | (incoming > existing_date))
        .then(pl.lit("newer"))
        .when(incoming == existing_date)
        .then(pl.lit("conflict"))
        .otherwise(pl.lit("older"))
        .alias("verdict")
    )
    # one verdict per incoming row (a key normally has one current row): identical, conflict, older, newer
    per_row = matches.group_by("row_number", maintain_order=True).agg(
        pl.when(pl.col("verdict").eq("identical").any())
        .then(pl.lit("identical"))
        .when(pl.col("verdict").eq("conflict").any())
        .then(pl.lit("conflict"))
        .when(pl.col("verdict").eq("older").any())
        .then(pl.lit("older"))
        .otherwise(pl.lit("newer"))
        .alias("verdict"),
        pl.col("existing_sha").first(),
        pl.col("existing_path").first(),
    )

    def rows(verdict: str) -> pl.Series:
        return per_row.filter(pl.col("verdict") == verdict)["row_number"]

    conflicting, older, identical = rows("conflict").implode(), rows("older"), rows("identical")
    errors = good.filter(pl.col(ROW_COLUMN).is_in(conflicting)).select(
        pl.col(ROW_COLUMN).alias("row_number"),
        pl.lit(",".join(key)).alias("column"),
        pl.concat_str([pl.col(k).cast(pl.Utf8) for k in key], separator="|", ignore_nulls=True).alias("value"),
        pl.lit(
            "conflicting duplicate: key already loaded from another file of the same extract date, with different values"
        ).alias("reason"),
    )
    late = good.join(
        per_row.filter(pl.col("verdict") == "older").select(
            pl.col("row_number").alias(ROW_COLUMN),
            pl.col("existing_sha").alias("_superseded_by"),
            pl.col("existing_path").alias("_superseded_by_path"),
        ),
        on=ROW_COLUMN,
        how="inner",
        maintain_order="left",
    )
    newer_rows = per_row.filter(pl.col("verdict") == "newer")["row_number"].implode()
    replaced = matches.filter(pl.col("row_number").is_in(newer_rows)).select(
        pl.col("existing_sha").alias("_file_sha256"), pl.col("existing_row").alias("_row_number")
    )
    gone = pl.concat([conflicting.explode(), older, identical])
    kept = good.filter(~pl.col(ROW_COLUMN).is_in(gone.implode()))
    return Resolution(
        kept, errors, identical.len(), late if late.height else None, replaced if replaced.height else None
    )


def _sql_list(values: list[str]) -> str:
    """Literal SQL strings (file SHA-256s): a literal filter lets the lake view prune the other segments."""
    return ", ".join("'" + v.replace("'", "''") + "'" for v in values)


def _matching_rows(
    con: duckdb.DuckDBPyConnection, good: pl.DataFrame, contract: TableContract, where: str, params: list[object]
) -> pl.DataFrame:
    """The loaded rows sharing a key with an incoming row: one row per (incoming row, loaded row).

    Two stages, so a year's file costs the same whatever the years kept: the keys alone find the
    matches (only the key columns, ``_file_sha256`` and ``_row_number`` of ``raw.<table>`` are
    read), then the full rows of the matched files only (a literal ``_file_sha256`` list the
    lake view prunes the other segments by) are compared with the incoming ones.
    """
    key = list(contract.key)
    keys = ", ".join(f'"{k}"' for k in key)
    on = " AND ".join(f'i."{k}" IS NOT DISTINCT FROM r."{k}"' for k in key)
    same = " AND ".join(f'i."{c}" IS NOT DISTINCT FROM r."{c}"' for c in contract.column_names)
    con.register("incoming_rows", good.select(ROW_COLUMN, *contract.column_names))
    try:
        found = con.execute(
            f"SELECT i.{ROW_COLUMN} AS row_number, r._file_sha256 AS existing_sha, r._row_number AS existing_row "
            f"FROM incoming_rows i JOIN (SELECT {keys}, _file_sha256, _row_number FROM raw.{contract.name}{where}) r "
            f"ON {on}",
            params,
        ).pl()
        if found.height == 0:
            return found
        shas = sorted(found["existing_sha"].unique().to_list())
        con.register("_kzeval_found", found)
        try:
            return con.execute(
                f"SELECT f.row_number, ({same}) AS identical, r._file_sha256 AS existing_sha, "
                f"r._file_path AS existing_path, r._row_number AS existing_row, l.extract_date AS existing_date "
                f"FROM _kzeval_found f JOIN incoming_rows i ON i.{ROW_COLUMN} = f.row_number "
                f"JOIN (SELECT * FROM raw.{contract.name} WHERE _file_sha256 IN ({_sql_list(shas)})) r "
                "ON r._file_sha256 = f.existing_sha AND r._row_number = f.existing_row "
                f"LEFT JOIN {_ledger_dates_sql()} l ON l.file_sha256 = r._file_sha256 ORDER BY 1, 3, 5",
                [contract.name],
            ).pl()
        finally:
            con.unregister("_kzeval_found")
    finally:
        con.unregister("incoming_rows")


def supersede(con: duckdb.DuckDBPyConnection, table: str, relative: str, sha: str, status: str) -> list[str]:
    """Mark earlier versions of the same file superseded; a loaded new version also removes their rows.

    A held-back or rejected new version replaces only earlier held-back or rejected attempts:
    the last loaded version stays in use until a good version arrives.
    """
    statuses = "" if status == "loaded" else " AND status <> 'loaded'"
    previous = con.execute(
        "SELECT DISTINCT file_sha256, status FROM audit.load_ledger WHERE table_name = ? AND file_path = ? "
        f"AND superseded_by IS NULL AND file_sha256 <> ?{statuses}",
        [table, relative, sha],
    ).fetchall()
    replaced = []
    for old_sha, old_status in previous:
        if old_status == "loaded":
            _restore_history(con, CONTRACTS[table], str(old_sha))
            drop_raw_files(con, table, [str(old_sha)])  # in the lake: uncatalogued, not copied to be emptied
            con.execute(
                "DELETE FROM audit.file_landed_rows WHERE table_name = ? AND file_sha256 = ?", [table, old_sha]
            ).fetchall()
            replaced.append(str(old_sha))
        con.execute(
            "UPDATE audit.load_ledger SET superseded_by = ? WHERE table_name = ? AND file_sha256 = ? "
            "AND superseded_by IS NULL",
            [sha, table, old_sha],
        ).fetchall()
    return replaced


def _restore_history(con: duckdb.DuckDBPyConnection, contract: TableContract, old_sha: str) -> None:
    """Before a file version's rows go: the older versions they superseded become current again.

    Rows superseded by a row that is itself history now point to that row's successor; of the
    rows superseded by a current row, the newest extract's (then the latest loaded) returns to
    ``raw.<table>`` — a record absent from the new file version is not lost — and the others
    now point to it. The new version's rows are then resolved against them as usual.
    """
    table = contract.name
    ensure_landing_tables(con, [table])
    key = [f'"{k}"' for k in contract.key]
    same_key = " AND ".join(f"h.{k} IS NOT DISTINCT FROM o.{k}" for k in key)
    con.execute(
        f"UPDATE history.{table} h SET _superseded_by = o._superseded_by, _superseded_by_path = o._superseded_by_path "
        f"FROM history.{table} o WHERE o._file_sha256 = ? AND h._superseded_by = ? AND {same_key}",
        [old_sha, old_sha],
    ).fetchall()
    con.execute(f"DELETE FROM history.{table} WHERE _file_sha256 = ?", [old_sha]).fetchall()
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _kzeval_restore AS SELECT h.*, row_number() OVER ("
        f"PARTITION BY {', '.join('h.' + k for k in key)} ORDER BY l.extract_date DESC NULLS LAST, l.loaded_at DESC, "
        f"h._file_sha256, h._row_number) AS _rank FROM history.{table} h LEFT JOIN ("
        "SELECT file_sha256, max(extract_date) AS extract_date, max(loaded_at) AS loaded_at FROM audit.load_ledger "
        "WHERE table_name = ? AND status = 'loaded' GROUP BY 1) l ON l.file_sha256 = h._file_sha256 "
        "WHERE h._superseded_by = ?",
        [table, old_sha],
    ).fetchall()
    try:
        restored = [
            str(r[0])
            for r in con.execute("SELECT DISTINCT _file_sha256 FROM _kzeval_restore WHERE _rank = 1").fetchall()
        ]
        if not restored:
            return
        restore_raw_rows(
            con,
            table,
            "(SELECT * EXCLUDE (_superseded_by, _superseded_by_path, _rank) FROM _kzeval_restore WHERE _rank = 1)",
            restored,
        )
        con.execute(
            f"UPDATE history.{table} h SET _superseded_by = o._file_sha256, _superseded_by_path = o._file_path "
            f"FROM _kzeval_restore o WHERE o._rank = 1 AND h._superseded_by = ? AND {same_key}",
            [old_sha],
        ).fetchall()
        con.execute(
            f"DELETE FROM history.{table} h WHERE (h._file_sha256, h._row_number) IN "
            "(SELECT (_file_sha256, _row_number) FROM _kzeval_restore WHERE _rank = 1)"
        ).fetchall()
        _recount_files(con, contract, restored)
    finally:
        con.execute("DROP TABLE IF EXISTS _kzeval_restore").fetchall()


def move_to_history(
    con: duckdb.DuckDBPyConnection, contract: TableContract, replaced: pl.DataFrame, sha: str, relative: str
) -> int:
    """Move loaded rows superseded by a newer extract from ``raw.<table>`` to ``history.<table>``.

    Their files' landed-row counts are recounted, so ``audit.landed_rows`` stays exact.
    """
    table = contract.name
    shas = sorted(replaced["_file_sha256"].unique().to_list())
    con.register("_kzeval_replaced", replaced.unique())
    try:
        # the SHA-256 list is literal so the lake view reads only those files' segments
        match = (
            f"r._file_sha256 IN ({_sql_list(shas)}) AND "
            "(r._file_sha256, r._row_number) IN (SELECT (_file_sha256, _row_number) FROM _kzeval_replaced)"
        )
        con.execute(
            f"INSERT INTO history.{table} BY NAME SELECT r.*, ? AS _superseded_by, ? AS _superseded_by_path "
            f"FROM raw.{table} r WHERE {match}",
            [sha, relative],
        ).fetchall()
        delete_raw_rows(con, table, "_kzeval_replaced")  # in the lake: tombstones, no segment rewritten
    finally:
        con.unregister("_kzeval_replaced")
    _recount_files(con, contract, shas)
    return replaced.height


def _recount_files(con: duckdb.DuckDBPyConnection, contract: TableContract, shas: list[str]) -> None:
    """``audit.file_landed_rows`` of the given files recounted from ``raw.<table>``."""
    if not shas:
        return
    table = contract.name
    agency = attribution_agency_column(contract)
    agency_sql = f'"{agency}"' if agency else "CAST(NULL AS VARCHAR)"
    con.execute(
        "DELETE FROM audit.file_landed_rows WHERE table_name = ? AND file_sha256 IN ?", [table, shas]
    ).fetchall()
    con.execute(
        f"INSERT INTO audit.file_landed_rows SELECT ?, _file_sha256, {year_sql(contract)}, {agency_sql}, count(*) "
        f"FROM raw.{table} WHERE _file_sha256 IN ? GROUP BY ALL",
        [table, shas],
    ).fetchall()
