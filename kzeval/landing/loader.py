"""Load a landing drop into the warehouse build: nothing lost, nothing counted twice.

Per file: checksum (taken from the ledger when the file's path, size and mtime are those of
a current ledger row: the landing keeps every year's files, which are not re-hashed each run)
→ (skip if already loaded) → read → protect personal data → type →
pandera → key and cross-table rules → good rows to ``raw.<table>``, bad rows to
``quarantine.rows`` with file, row number, column, value, reason and the row's agency and
year where readable; the file itself is kept once in the content-addressed raw store and
recorded in ``audit.load_ledger``. A file with too many bad rows is held back whole. A new
version of a file (same name, new hash) supersedes its predecessor's rows instead of
adding to them.

Personal data: an ``iin`` column is replaced by keyed pseudonyms and name columns are
dropped *before* anything is stored; such a file is kept in the raw store as the
pseudonymised Parquet, never as delivered (the ledger keeps the delivered file's SHA-256,
so reloading it is still recognised).

``audit.file_profile`` (rows of each file per year and agency) and ``audit.landed_rows``
(landed rows per table, year and agency) feed ``marts.fct_data_quality``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import polars as pl

from kzeval import lake
from kzeval.contracts import CONTRACTS
from kzeval.landing.check import (
    DEFAULT_HOLD_BACK_SHARE,
    CheckedFile,
    PersonalDataUnprotected,
    check_file,
    check_typed_parquet,
)
from kzeval.landing.discovery import discover, files_of, ignored_entries, pseudonym_key_problem
from kzeval.landing.history import move_to_history, resolve_against_loaded, supersede
from kzeval.landing.ledger import (
    LEDGER_COLUMNS,
    FileOutcome,
    FileStamp,
    LedgerEntry,
    known_entry,
    ledger_status,
    record_stamp,
    rollback,
    rows_per_year_and_agency,
    stamped_files,
)
from kzeval.landing.lookalike import lookalike_warnings
from kzeval.landing.quarantine import (
    attribution_agency_column,
    problem_lines,
    quarantine_rows,
    row_context,
    year_expression,
    year_sql,
)
from kzeval.landing.reader import ROW_COLUMN, SUPPORTED_SUFFIXES, remove_stale_temporaries, sha256_of
from kzeval.landing.store import (
    insert_frame,
    insert_parquet,
    insert_raw,
    keep_raw_copy,
    not_landed,
    raw_row_count,
    raw_rows,
    reference_parquet_in_part,
)
from kzeval.schema import ensure_landing_tables as ensure_tables  # the name the steps and tests import
from kzeval.warehouse import fetch_one

# The names other modules import from here (the loader's entry points and what they return).
__all__ = [
    "DEFAULT_HOLD_BACK_SHARE",
    "ROW_COLUMN",
    "CheckedFile",
    "FileOutcome",
    "PersonalDataUnprotected",
    "attribution_agency_column",
    "check_file",
    "check_typed_parquet",
    "discover",
    "ensure_tables",
    "ignored_entries",
    "known_agency_ids",
    "load_file",
    "load_table",
    "problem_lines",
    "pseudonym_key_problem",
    "record_ignored",
    "refresh_landed_rows",
    "year_expression",
    "year_sql",
]


def record_ignored(con: duckdb.DuckDBPyConnection, landing_dir: Path) -> list[tuple[str, str, str]]:
    """Name every ignored entry of the drop in ``audit.load_ledger`` (status ``ignored``), replacing the last list."""
    entries = ignored_entries(landing_dir)
    con.execute("BEGIN TRANSACTION").fetchall()
    try:
        con.execute("DELETE FROM audit.load_ledger WHERE status = 'ignored'").fetchall()
        now = datetime.now(UTC).replace(tzinfo=None)
        for table, relative, message in entries:
            con.execute(
                f"INSERT INTO audit.load_ledger ({LEDGER_COLUMNS}) "
                "VALUES (?, NULL, ?, 'ignored', 0, 0, 0, 0, ?, ?, NULL, NULL, NULL, NULL, NULL)",
                [relative, table, message, now],
            ).fetchall()
        con.execute("COMMIT").fetchall()
    except Exception:
        rollback(con)
        raise
    return entries


def load_file(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    table: str,
    landing_dir: Path,
    raw_store: Path | None,
    known_agencies: set[str] | None,
    hold_back_share: float = DEFAULT_HOLD_BACK_SHARE,
    stamped: Mapping[str, tuple[LedgerEntry, ...]] | None = None,
) -> FileOutcome:
    """Check and load one file in one transaction. ``raw_store`` None keeps no copy (``kzeval validate``).

    ``stamped``: the table's current ledger rows per path (:func:`~kzeval.landing.ledger.stamped_files`);
    a file with the size and mtime of one of its path's rows takes that row's SHA-256 instead of being
    hashed (None: every file is hashed). A held-back or rejected file is then checked again as before.
    """
    contract = CONTRACTS[table]
    relative = str(path.relative_to(landing_dir)) if path.is_relative_to(landing_dir) else str(path)
    stamp = FileStamp.of(path)  # before reading: a file changed while being read gets another stamp
    known = known_entry(stamped or {}, relative, stamp)
    already = FileOutcome(table, relative, "", "already_loaded", message=f"{relative}: already loaded (same SHA-256)")
    if known is not None and known.status == "loaded":
        already.sha256 = known.sha256
        return already
    sha = sha256_of(path) if known is None else known.sha256
    if ledger_status(con, table, sha) == "loaded":
        if known is None:
            record_stamp(con, table, relative, sha, stamp)
        already.sha256 = sha
        return already
    checked = check_typed_parquet(path, table, known_agencies, relative, sha) or check_file(
        path, table, known_agencies, hold_back_share, display_path=relative, sha=sha
    )
    outcome = checked.outcome
    raw_copy = None
    if raw_store is not None and outcome.status != "rejected":  # a rejected file could not be checked for IINs
        raw_copy = keep_raw_copy(path, table, sha, raw_store, checked.stored_frame)
    con.execute("BEGIN TRANSACTION").fetchall()
    try:
        con.execute("DELETE FROM quarantine.rows WHERE table_name = ? AND file_sha256 = ?", [table, sha]).fetchall()
        con.execute("DELETE FROM audit.file_profile WHERE table_name = ? AND file_sha256 = ?", [table, sha]).fetchall()
        con.execute(
            "DELETE FROM audit.load_ledger WHERE table_name = ? AND file_sha256 = ? AND status <> 'loaded'",
            [table, sha],
        ).fetchall()
        quarantine = checked.quarantine
        profiled = outcome.status in ("loaded", "held_back")
        file_counts = rows_per_year_and_agency(checked.context, table, sha, "rows_total") if profiled else None
        replaced = supersede(con, table, relative, sha, outcome.status)
        if replaced:
            outcome.message = f"{relative}: supersedes the earlier version {', '.join(s[:12] for s in replaced)}"
        if outcome.status == "loaded" and table == "agencies":
            warnings = lookalike_warnings(checked.good["agency_id"].drop_nulls().to_list(), known_agency_ids(con))
            if warnings:
                outcome.warnings.extend(warnings)
        if outcome.status == "loaded":
            resolution = resolve_against_loaded(con, checked.good, contract, outcome.extract_date)
            good, cross_errors = resolution.kept, resolution.errors
            if cross_errors.height:
                quarantine = pl.concat(
                    [quarantine, quarantine_rows(cross_errors, table, relative, sha, checked.context)]
                )
                outcome.rows_quarantined += cross_errors.height
            outcome.duplicates_dropped += resolution.identical
            outcome.rows_loaded = good.height
            if resolution.replaced is not None:
                outcome.rows_replaced = move_to_history(con, contract, resolution.replaced, sha, relative)
            if resolution.late is not None:
                outcome.rows_superseded = resolution.late.height
                insert_frame(con, f"history.{table}", raw_rows(resolution.late, contract, sha, relative, history=True))
            # a typed Parquet file copied whole lands every row it has: its profile is its landed count
            copied_whole = checked.direct_insert is not None and good.height == checked.good.height
            landed_counts = (
                file_counts.rename({"rows_total": "rows_loaded"})
                if copied_whole and file_counts is not None
                else rows_per_year_and_agency(row_context(good, contract), table, sha, "rows_loaded")
            )
            con.execute(
                "DELETE FROM audit.file_landed_rows WHERE table_name = ? AND file_sha256 = ?", [table, sha]
            ).fetchall()
            insert_frame(con, "audit.file_landed_rows", landed_counts)
            if copied_whole and checked.direct_insert is not None:
                # the kept copy is the file whose SHA-256 the ledger records; in the lake it is read in place
                # (raw kept once), elsewhere its rows are copied into raw.<table>
                if not (
                    raw_copy is not None
                    and lake.enabled(con)
                    and lake.reference(con, lake.raw_table(table), sha, raw_copy, relative)
                ):
                    insert_parquet(con, table, raw_copy or checked.direct_insert, sha, relative)
                outcome.copied_from_parquet = True
            elif not (  # in the lake a clean Parquet delivery is read in place, the rows not landed tombstoned
                checked.direct_insert is not None
                and raw_copy is not None
                and reference_parquet_in_part(con, table, sha, raw_copy, relative, not_landed(checked.good, good))
            ):
                insert_raw(con, table, sha, raw_rows(good, contract, sha, relative))
        if file_counts is not None:
            insert_frame(con, "audit.file_profile", file_counts)
        insert_frame(con, "quarantine.rows", quarantine)
        if outcome.warnings:
            outcome.message = "; ".join(
                [
                    *([outcome.message] if outcome.message else []),
                    *(f"{relative}: warning: {w}" for w in outcome.warnings),
                ]
            )
        con.execute(
            f"INSERT INTO audit.load_ledger ({LEDGER_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?)",
            [
                relative,
                sha,
                table,
                outcome.status,
                outcome.rows_total,
                outcome.rows_loaded,
                outcome.rows_quarantined,
                outcome.duplicates_dropped,
                outcome.message,
                datetime.now(UTC).replace(tzinfo=None),
                None if raw_copy is None else str(raw_copy),
                outcome.extract_date,
                None if stamp is None else stamp.size,
                None if stamp is None else stamp.mtime_ns,
            ],
        ).fetchall()
        lake.flush(con)  # the lake's new segment files and views commit with the ledger
        con.execute("COMMIT").fetchall()
    except Exception:
        rollback(con)
        raise
    outcome.problems = problem_lines(quarantine.head(1000))
    return outcome


def refresh_landed_rows(con: duckdb.DuckDBPyConnection, table: str) -> None:
    """Landed rows of ``raw.<table>`` per year and agency into ``audit.landed_rows`` (replaces the table's slice).

    The per-file counts the loader records are summed when they account for every row of the
    table (a national year need not be rescanned); otherwise — rows landed before per-file
    counts existed, or written by other means — the table is recounted.
    """
    contract = CONTRACTS[table]
    agency = attribution_agency_column(contract)
    agency_sql = f'"{agency}"' if agency else "CAST(NULL AS VARCHAR)"
    total = raw_row_count(con, table)
    recorded = fetch_one(
        con, "SELECT coalesce(sum(rows_loaded), 0) FROM audit.file_landed_rows WHERE table_name = ?", [table]
    )
    from_files = recorded is not None and total == int(str(recorded[0]))
    con.execute("BEGIN TRANSACTION").fetchall()
    try:
        con.execute("DELETE FROM audit.landed_rows WHERE table_name = ?", [table]).fetchall()
        if from_files:
            con.execute(
                'INSERT INTO audit.landed_rows SELECT table_name, "year", agency_id, sum(rows_loaded) '
                "FROM audit.file_landed_rows WHERE table_name = ? AND rows_loaded > 0 GROUP BY ALL",
                [table],
            ).fetchall()
        else:
            con.execute(
                f"INSERT INTO audit.landed_rows SELECT ?, {year_sql(contract)}, {agency_sql}, count(*) "
                f"FROM raw.{table} GROUP BY ALL",
                [table],
            ).fetchall()
        con.execute("COMMIT").fetchall()
    except Exception:
        rollback(con)
        raise


def known_agency_ids(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {r[0] for r in con.execute("SELECT agency_id FROM raw.agencies").fetchall()}


def load_table(
    con: duckdb.DuckDBPyConnection,
    landing_dir: Path,
    table: str,
    raw_store: Path | None,
    hold_back_share: float = DEFAULT_HOLD_BACK_SHARE,
    *,
    rehash: bool = False,
) -> list[FileOutcome]:
    """Load every file of one table folder (in name order, so monthly drops stay ordered).

    A file whose path, size and mtime are those of a current ledger row is not hashed again
    (the landing keeps every year's files); ``rehash`` hashes every file.
    """
    ensure_tables(con, [table])
    folder = landing_dir / table
    outcomes = []
    if table == "agencies":  # the first table of every yearly run: name what the run will not load
        record_ignored(con, landing_dir)
    if raw_store is not None:  # temporary files of a copy that a full disk or a kill interrupted
        remove_stale_temporaries(raw_store / table)
    if folder.is_symlink():
        pass  # refused and named by record_ignored: a link is never followed
    elif folder.exists():
        known = None if table == "agencies" else known_agency_ids(con)
        stamped = {} if rehash else stamped_files(con, table)
        for path in files_of(folder):
            if path.suffix.lower() not in SUPPORTED_SUFFIXES:
                outcomes.append(_unsupported(con, path, table, landing_dir, stamped))
                continue
            outcomes.append(load_file(con, path, table, landing_dir, raw_store, known, hold_back_share, stamped))
    refresh_landed_rows(con, table)
    return outcomes


def _unsupported(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    table: str,
    landing_dir: Path,
    stamped: Mapping[str, tuple[LedgerEntry, ...]],
) -> FileOutcome:
    """A file of another type in a table folder: rejected, named in the ledger and the run summary."""
    relative = str(path.relative_to(landing_dir))
    stamp = FileStamp.of(path)
    known = known_entry(stamped, relative, stamp)
    sha = sha256_of(path) if known is None else known.sha256
    message = f"{relative}: unsupported file type {path.suffix or '(none)'}; expected CSV, XLSX or Parquet"
    con.execute("BEGIN TRANSACTION").fetchall()
    try:
        con.execute(
            "DELETE FROM audit.load_ledger WHERE table_name = ? AND file_sha256 = ? AND status = 'rejected'",
            [table, sha],
        ).fetchall()
        supersede(con, table, relative, sha, "rejected")
        con.execute(
            f"INSERT INTO audit.load_ledger ({LEDGER_COLUMNS}) "
            "VALUES (?, ?, ?, 'rejected', 0, 0, 0, 0, ?, ?, NULL, NULL, NULL, ?, ?)",
            [
                relative,
                sha,
                table,
                message,
                datetime.now(UTC).replace(tzinfo=None),
                None if stamp is None else stamp.size,
                None if stamp is None else stamp.mtime_ns,
            ],
        ).fetchall()
        lake.flush(con)
        con.execute("COMMIT").fetchall()
    except Exception:
        rollback(con)
        raise
    return FileOutcome(table, relative, sha, "rejected", message=message)
