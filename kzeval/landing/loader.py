"""Load a landing drop into the warehouse build: nothing lost, nothing counted twice.

Per file: checksum → (skip if already loaded) → read → type → pandera → key and
cross-table rules → good rows to ``raw.<table>``, bad rows to ``quarantine.rows`` with
file, row number, column, value and reason; the file itself is copied once into the
content-addressed raw store and recorded in ``audit.load_ledger``. A file with too many
bad rows is held back whole. A new version of a file (same name, new hash) supersedes
its predecessor's rows instead of adding to them.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import polars as pl

from kzeval.contracts import CONTRACTS, TableContract
from kzeval.landing.parse import parse_frame
from kzeval.landing.reader import ROW_COLUMN, SUPPORTED_SUFFIXES, FileRejected, read_landing_file, sha256_of
from kzeval.landing.schemas import POLARS_TYPES, failure_cases
from kzeval.warehouse import fetch_one

DEFAULT_HOLD_BACK_SHARE = 0.05
QUARANTINE_SCHEMA = {
    "table_name": pl.Utf8,
    "file_path": pl.Utf8,
    "file_sha256": pl.Utf8,
    "row_number": pl.Int64,
    "column_name": pl.Utf8,
    "value": pl.Utf8,
    "reason": pl.Utf8,
}
DUCKDB_TYPES = {
    "string": "VARCHAR",
    "enum": "VARCHAR",
    "hhmm": "VARCHAR",
    "date": "DATE",
    "timestamp": "TIMESTAMP",
    "bool": "BOOLEAN",
    "count": "BIGINT",
    "int": "BIGINT",
    "decimal": "DOUBLE",
}


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
    problems: list[str] = field(default_factory=list)


@dataclass
class CheckedFile:
    outcome: FileOutcome
    good: pl.DataFrame
    quarantine: pl.DataFrame


def discover(landing_dir: Path) -> dict[str, list[Path]]:
    """Landing files per table folder; unknown folders are reported, not guessed."""
    found: dict[str, list[Path]] = {}
    if not landing_dir.exists():
        return found
    for folder in sorted(p for p in landing_dir.iterdir() if p.is_dir()):
        files = sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.startswith("."))
        found[folder.name] = files
    return found


def _empty_quarantine() -> pl.DataFrame:
    return pl.DataFrame(schema=QUARANTINE_SCHEMA)


def _quarantine_rows(errors: pl.DataFrame, table: str, path: str, sha: str) -> pl.DataFrame:
    if errors.height == 0:
        return _empty_quarantine()
    return errors.select(
        pl.lit(table).alias("table_name"),
        pl.lit(path).alias("file_path"),
        pl.lit(sha).alias("file_sha256"),
        pl.col("row_number").cast(pl.Int64),
        pl.col("column").cast(pl.Utf8).alias("column_name"),
        pl.col("value").cast(pl.Utf8),
        pl.col("reason").cast(pl.Utf8),
    )


def _pseudonymise(frame: pl.DataFrame, contract: TableContract) -> pl.DataFrame:
    """Replace a delivered ``iin`` column by keyed pseudonyms before anything else sees it."""
    if "iin" not in frame.columns:
        return frame
    from kzeval import pseudonym

    return pseudonym.replace_iin_column(frame, pseudonym.load_pseudonym_key())


def _duplicates(typed: pl.DataFrame, contract: TableContract) -> tuple[pl.DataFrame, pl.DataFrame, int]:
    """Drop exact duplicates on the key (kept once); quarantine conflicting ones (all versions)."""
    key = list(contract.key)
    values = contract.column_names
    exact = typed.unique(subset=values, keep="first", maintain_order=True)
    dropped = typed.height - exact.height
    conflict_mask = exact.select(pl.struct(key).is_duplicated()).to_series()
    conflicts = exact.filter(conflict_mask)
    errors = conflicts.select(
        pl.col(ROW_COLUMN).alias("row_number"),
        pl.lit(",".join(key)).alias("column"),
        pl.concat_str([pl.col(k).cast(pl.Utf8) for k in key], separator="|").alias("value"),
        pl.lit("conflicting duplicate: same key, different values").alias("reason"),
    )
    return exact.filter(~conflict_mask), errors, dropped


def check_file(
    path: Path,
    table: str,
    known_agencies: set[str] | None,
    hold_back_share: float = DEFAULT_HOLD_BACK_SHARE,
    display_path: str | None = None,
    sha: str | None = None,
) -> CheckedFile:
    """Validate one file without touching the warehouse (used by load and `kzeval validate`)."""
    contract = CONTRACTS[table]
    shown = display_path or str(path)
    sha = sha or sha256_of(path)
    try:
        raw = read_landing_file(path)
    except FileRejected as exc:
        outcome = FileOutcome(table, shown, sha, "rejected", message=f"{shown}: {exc.reason}")
        return CheckedFile(outcome, pl.DataFrame(), _empty_quarantine())
    frame = _pseudonymise(raw.frame, contract)
    required = [c.name for c in contract.columns if c.required]
    missing = [c for c in required if c not in frame.columns]
    if missing:
        hint = " (XLSX: only the first sheet is read)" if path.suffix.lower() == ".xlsx" else ""
        delim = ""
        if raw.delimiter and len(frame.columns) <= 2:
            delim = f" (detected delimiter {raw.delimiter!r}: is the delimiter right?)"
        outcome = FileOutcome(
            table,
            shown,
            sha,
            "rejected",
            rows_total=frame.height,
            message=f"{shown}: missing required column(s) {', '.join(missing)}{hint}{delim}",
        )
        return CheckedFile(outcome, pl.DataFrame(), _empty_quarantine())

    typed, type_errors = parse_frame(frame, contract)
    bad_rows = set(type_errors["row_number"].to_list())
    clean = typed.filter(~pl.col(ROW_COLUMN).is_in(list(bad_rows))) if bad_rows else typed
    cases = failure_cases(table, clean.drop(ROW_COLUMN))
    schema_errors = pl.DataFrame(
        schema={"row_number": pl.Int64, "column": pl.Utf8, "value": pl.Utf8, "reason": pl.Utf8}
    )
    if cases.height:
        row_numbers = clean[ROW_COLUMN]
        cases = cases.filter(pl.col("index").is_not_null())
        schema_errors = cases.select(
            pl.col("index").map_elements(lambda i: int(row_numbers[int(i)]), return_dtype=pl.Int64).alias("row_number"),
            pl.col("column").fill_null("(row)"),
            pl.col("failure_case").alias("value"),
            ("failed check " + pl.col("check")).alias("reason"),
        )
        bad_rows |= set(schema_errors["row_number"].to_list())
    errors = [type_errors, schema_errors]
    good = typed.filter(~pl.col(ROW_COLUMN).is_in(list(bad_rows))) if bad_rows else typed
    if contract.agency_column and known_agencies is not None:
        unknown = good.filter(~pl.col(contract.agency_column).is_in(list(known_agencies)))
        if unknown.height:
            errors.append(
                unknown.select(
                    pl.col(ROW_COLUMN).alias("row_number"),
                    pl.lit(contract.agency_column).alias("column"),
                    pl.col(contract.agency_column).alias("value"),
                    pl.lit("unknown agency: not in the agencies table").alias("reason"),
                )
            )
            good = good.filter(pl.col(contract.agency_column).is_in(list(known_agencies)))
    good, dup_errors, dropped = _duplicates(good, contract)
    errors.append(dup_errors)
    all_errors = pl.concat([e.select("row_number", "column", "value", "reason") for e in errors])
    quarantine = _quarantine_rows(all_errors.sort("row_number"), table, shown, sha)
    n_bad = quarantine["row_number"].n_unique()
    share = n_bad / max(frame.height, 1)
    status = "held_back" if share > hold_back_share else "loaded"
    message = ""
    if status == "held_back":
        message = f"{shown}: held back whole: {n_bad} of {frame.height} rows bad ({share:.1%} > {hold_back_share:.0%})"
    outcome = FileOutcome(
        table,
        shown,
        sha,
        status,
        rows_total=frame.height,
        rows_loaded=good.height if status == "loaded" else 0,
        rows_quarantined=n_bad,
        duplicates_dropped=dropped,
        message=message,
        problems=[
            f"{shown}: row {r['row_number']}, column {r['column_name']}, value {r['value']!r}: {r['reason']}"
            for r in quarantine.head(10_000).iter_rows(named=True)
        ],
    )
    return CheckedFile(outcome, good, quarantine)


def ensure_tables(con: duckdb.DuckDBPyConnection, tables: Iterable[str] | None = None) -> None:
    con.execute(
        """
        CREATE TABLE IF NOT EXISTS audit.load_ledger (
            file_path VARCHAR, file_sha256 VARCHAR, table_name VARCHAR, status VARCHAR,
            rows_total BIGINT, rows_loaded BIGINT, rows_quarantined BIGINT, duplicates_dropped BIGINT,
            message VARCHAR, loaded_at TIMESTAMP, superseded_by VARCHAR, raw_copy VARCHAR
        )"""
    ).fetchall()
    con.execute(
        """
        CREATE TABLE IF NOT EXISTS quarantine.rows (
            table_name VARCHAR, file_path VARCHAR, file_sha256 VARCHAR, row_number BIGINT,
            column_name VARCHAR, value VARCHAR, reason VARCHAR
        )"""
    ).fetchall()
    for table in tables or CONTRACTS:
        contract = CONTRACTS[table]
        cols = ", ".join(f'"{c.name}" {DUCKDB_TYPES[c.type]}' for c in contract.columns)
        con.execute(
            f"CREATE TABLE IF NOT EXISTS raw.{table} ({cols}, _file_sha256 VARCHAR, _file_path VARCHAR, "
            f"_row_number BIGINT)"
        ).fetchall()


def _ledger_status(con: duckdb.DuckDBPyConnection, table: str, sha: str) -> str | None:
    row = fetch_one(
        con,
        "SELECT status FROM audit.load_ledger WHERE table_name = ? AND file_sha256 = ? AND superseded_by IS NULL "
        "ORDER BY loaded_at DESC LIMIT 1",
        [table, sha],
    )
    return None if row is None else str(row[0])


def _cross_file_duplicates(
    con: duckdb.DuckDBPyConnection, good: pl.DataFrame, contract: TableContract
) -> tuple[pl.DataFrame, pl.DataFrame, int]:
    """Compare incoming keys with rows already loaded from other files."""
    existing = fetch_one(con, f"SELECT count(*) FROM raw.{contract.name}")
    if not existing or existing[0] == 0 or good.height == 0:
        return (
            good,
            pl.DataFrame(schema={"row_number": pl.Int64, "column": pl.Utf8, "value": pl.Utf8, "reason": pl.Utf8}),
            0,
        )
    key = list(contract.key)
    on = " AND ".join(f'i."{k}" IS NOT DISTINCT FROM r."{k}"' for k in key)
    same = " AND ".join(f'i."{c}" IS NOT DISTINCT FROM r."{c}"' for c in contract.column_names)
    con.register("incoming_rows", good)
    try:
        matches = con.execute(
            f"SELECT i.{ROW_COLUMN} AS row_number, bool_and({same}) AS identical "
            f"FROM incoming_rows i JOIN raw.{contract.name} r ON {on} GROUP BY 1"
        ).pl()
    finally:
        con.unregister("incoming_rows")
    if matches.height == 0:
        return (
            good,
            pl.DataFrame(schema={"row_number": pl.Int64, "column": pl.Utf8, "value": pl.Utf8, "reason": pl.Utf8}),
            0,
        )
    identical = set(matches.filter(pl.col("identical"))["row_number"].to_list())
    conflicting = set(matches.filter(~pl.col("identical"))["row_number"].to_list())
    errors = good.filter(pl.col(ROW_COLUMN).is_in(list(conflicting))).select(
        pl.col(ROW_COLUMN).alias("row_number"),
        pl.lit(",".join(key)).alias("column"),
        pl.concat_str([pl.col(k).cast(pl.Utf8) for k in key], separator="|").alias("value"),
        pl.lit("conflicting duplicate: key already loaded from another file with different values").alias("reason"),
    )
    kept = good.filter(~pl.col(ROW_COLUMN).is_in(list(identical | conflicting)))
    return kept, errors, len(identical)


def load_file(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    table: str,
    landing_dir: Path,
    raw_store: Path,
    known_agencies: set[str] | None,
    hold_back_share: float = DEFAULT_HOLD_BACK_SHARE,
) -> FileOutcome:
    contract = CONTRACTS[table]
    relative = str(path.relative_to(landing_dir)) if path.is_relative_to(landing_dir) else str(path)
    sha = sha256_of(path)
    if _ledger_status(con, table, sha) == "loaded":
        return FileOutcome(table, relative, sha, "already_loaded", message=f"{relative}: already loaded (same SHA-256)")
    checked = check_file(path, table, known_agencies, hold_back_share, display_path=relative, sha=sha)
    outcome = checked.outcome
    raw_copy = raw_store / table / f"{sha}{path.suffix.lower()}"
    raw_copy.parent.mkdir(parents=True, exist_ok=True)
    if not raw_copy.exists():
        shutil.copyfile(path, raw_copy)
    con.execute("BEGIN TRANSACTION").fetchall()
    try:
        con.execute("DELETE FROM quarantine.rows WHERE table_name = ? AND file_sha256 = ?", [table, sha]).fetchall()
        con.execute(
            "DELETE FROM audit.load_ledger WHERE table_name = ? AND file_sha256 = ? AND status <> 'loaded'",
            [table, sha],
        ).fetchall()
        quarantine = checked.quarantine
        if outcome.status == "loaded":
            previous = con.execute(
                "SELECT file_sha256 FROM audit.load_ledger WHERE table_name = ? AND file_path = ? AND status = 'loaded' "
                "AND superseded_by IS NULL AND file_sha256 <> ?",
                [table, relative, sha],
            ).fetchall()
            for (old_sha,) in previous:
                con.execute(f"DELETE FROM raw.{table} WHERE _file_sha256 = ?", [old_sha]).fetchall()
                con.execute(
                    "UPDATE audit.load_ledger SET superseded_by = ? WHERE table_name = ? AND file_sha256 = ?",
                    [sha, table, old_sha],
                ).fetchall()
                outcome.message = f"{relative}: supersedes the earlier version {old_sha[:12]}"
            good = checked.good
            good, cross_errors, cross_dupes = _cross_file_duplicates(con, good, contract)
            if cross_errors.height:
                quarantine = pl.concat([quarantine, _quarantine_rows(cross_errors, table, relative, sha)])
                outcome.rows_quarantined += cross_errors.height
            outcome.duplicates_dropped += cross_dupes
            outcome.rows_loaded = good.height
            insert = good.select(
                *[pl.col(c.name).cast(POLARS_TYPES[c.type]) for c in contract.columns],
                pl.lit(sha).alias("_file_sha256"),
                pl.lit(relative).alias("_file_path"),
                pl.col(ROW_COLUMN).alias("_row_number"),
            )
            con.register("insert_rows", insert)
            con.execute(f"INSERT INTO raw.{table} SELECT * FROM insert_rows").fetchall()
            con.unregister("insert_rows")
        if quarantine.height:
            con.register("quarantine_rows", quarantine)
            con.execute("INSERT INTO quarantine.rows SELECT * FROM quarantine_rows").fetchall()
            con.unregister("quarantine_rows")
        con.execute(
            "INSERT INTO audit.load_ledger VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?)",
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
                str(raw_copy),
            ],
        ).fetchall()
        con.execute("COMMIT").fetchall()
    except Exception:
        con.execute("ROLLBACK").fetchall()
        raise
    return outcome


def known_agency_ids(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {r[0] for r in con.execute("SELECT agency_id FROM raw.agencies").fetchall()}


def load_table(
    con: duckdb.DuckDBPyConnection,
    landing_dir: Path,
    table: str,
    raw_store: Path,
    hold_back_share: float = DEFAULT_HOLD_BACK_SHARE,
) -> list[FileOutcome]:
    """Load every file of one table folder (in name order, so monthly drops stay ordered)."""
    ensure_tables(con, [table])
    folder = landing_dir / table
    if not folder.exists():
        return []
    known = None if table == "agencies" else known_agency_ids(con)
    outcomes = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.startswith(".")):
        if path.suffix.lower() not in SUPPORTED_SUFFIXES:
            outcomes.append(
                FileOutcome(
                    table,
                    str(path.relative_to(landing_dir)),
                    sha256_of(path),
                    "rejected",
                    message=f"{path.relative_to(landing_dir)}: unsupported file type {path.suffix or '(none)'}",
                )
            )
            continue
        outcomes.append(load_file(con, path, table, landing_dir, raw_store, known, hold_back_share))
    return outcomes
