"""The loader's record of each file: its outcome, ``audit.load_ledger`` and the per-file row counts."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb
import polars as pl

from kzeval.warehouse import fetch_one

LEDGER_COLUMNS = (
    "file_path, file_sha256, table_name, status, rows_total, rows_loaded, rows_quarantined, duplicates_dropped, "
    "message, loaded_at, superseded_by, raw_copy, extract_date, file_size, file_mtime_ns"
)
# A file modified this recently may still change within the same mtime tick after it was read (a
# "racily clean" file, as git calls it): its stamp is not recorded, so the next load hashes it again.
RACY_SECONDS = 2.0


@dataclass(frozen=True)
class FileStamp:
    """A landing file's size and modification time in ns, recorded in ``audit.load_ledger``.

    The loader's reading (the new-file sensor's, ``SensorCursor.sha_of``): a file whose path,
    size and mtime are those of a current ledger row has that row's SHA-256 and is not hashed
    again (docs/decisions.md, 2026-12-05 «The loader hashes a file only when its size or mtime
    changed»).
    """

    size: int
    mtime_ns: int

    @classmethod
    def of(cls, path: Path, now_ns: int | None = None) -> FileStamp | None:
        """The file's stamp, or None for a file modified less than :data:`RACY_SECONDS` ago."""
        stat = path.stat()
        now = time.time_ns() if now_ns is None else now_ns
        if now - stat.st_mtime_ns < RACY_SECONDS * 1e9:
            return None
        return cls(stat.st_size, stat.st_mtime_ns)


@dataclass(frozen=True)
class LedgerEntry:
    """A current (not superseded) ledger row of one file path: its SHA-256, status and stamp."""

    sha256: str
    status: str
    stamp: FileStamp


def stamped_files(con: duckdb.DuckDBPyConnection, table: str) -> dict[str, tuple[LedgerEntry, ...]]:
    """Current ledger rows with a stamp, per file path, newest first (one query per table folder).

    Rows written before the ledger had stamps (``file_size`` null) are left out: those files are hashed.
    """
    rows = con.execute(
        "SELECT file_path, file_sha256, status, file_size, file_mtime_ns FROM audit.load_ledger "
        "WHERE table_name = ? AND superseded_by IS NULL AND file_sha256 IS NOT NULL "
        "AND file_size IS NOT NULL AND file_mtime_ns IS NOT NULL ORDER BY loaded_at DESC, file_sha256",
        [table],
    ).fetchall()
    entries: dict[str, list[LedgerEntry]] = {}
    for path, sha, status, size, mtime_ns in rows:
        entries.setdefault(str(path), []).append(
            LedgerEntry(str(sha), str(status), FileStamp(int(size), int(mtime_ns)))
        )
    return {path: tuple(found) for path, found in entries.items()}


def known_entry(
    stamped: Mapping[str, tuple[LedgerEntry, ...]], relative: str, stamp: FileStamp | None
) -> LedgerEntry | None:
    """The current ledger row of ``relative`` whose stamp is the file's, if any (then the file is not hashed)."""
    if stamp is None:
        return None
    return next((entry for entry in stamped.get(relative, ()) if entry.stamp == stamp), None)


def record_stamp(con: duckdb.DuckDBPyConnection, table: str, relative: str, sha: str, stamp: FileStamp | None) -> None:
    """Stamp the current loaded row of a file found already loaded by its hash (a ledger from before stamps,
    or a touched but identical file), so that the next load need not hash it."""
    if stamp is None:
        return
    con.execute(
        "UPDATE audit.load_ledger SET file_size = ?, file_mtime_ns = ? WHERE table_name = ? AND file_path = ? "
        "AND file_sha256 = ? AND status = 'loaded' AND superseded_by IS NULL "
        "AND (file_size IS DISTINCT FROM ? OR file_mtime_ns IS DISTINCT FROM ?)",
        [stamp.size, stamp.mtime_ns, table, relative, sha, stamp.size, stamp.mtime_ns],
    ).fetchall()


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
