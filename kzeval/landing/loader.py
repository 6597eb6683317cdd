"""Load a landing drop into the warehouse build: nothing lost, nothing counted twice.

Per file: checksum → (skip if already loaded) → read → protect personal data → type →
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

import contextlib
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import polars as pl

from kzeval import lake
from kzeval.contracts import CONTRACTS, TableContract
from kzeval.landing.extracts import EXTRACT_COLUMN, ExtractDateError, extract_date_from_column, extract_date_from_name
from kzeval.landing.lookalike import likely_meant, lookalike_warnings
from kzeval.landing.parse import parse_frame
from kzeval.landing.reader import (
    ROW_COLUMN,
    SUPPORTED_SUFFIXES,
    FileRejected,
    RawFrame,
    copy_atomically,
    read_landing_file,
    remove_stale_temporaries,
    sha256_of,
    write_atomically,
    xlsx_sheet_with_columns,
)
from kzeval.landing.schemas import POLARS_TYPES, failure_cases
from kzeval.settings import Settings
from kzeval.warehouse import fetch_one

DEFAULT_HOLD_BACK_SHARE = 0.05
# Control characters other than tab, line feed and carriage return (a NUL byte, an escape, ...).
CONTROL_CHARACTERS = [chr(c) for c in range(32) if c not in (9, 10, 13)] + ["\x7f"]
_SHOWN_CONTROLS = [f"\\x{ord(c):02x}" for c in CONTROL_CHARACTERS]
LEDGER_COLUMNS = (
    "file_path, file_sha256, table_name, status, rows_total, rows_loaded, rows_quarantined, duplicates_dropped, "
    "message, loaded_at, superseded_by, raw_copy, extract_date"
)
STORED_PSEUDONYMISED_SUFFIX = ".pseudonymised.parquet"
QUARANTINE_SCHEMA = {
    "table_name": pl.Utf8,
    "file_path": pl.Utf8,
    "file_sha256": pl.Utf8,
    "row_number": pl.Int64,
    "column_name": pl.Utf8,
    "value": pl.Utf8,
    "reason": pl.Utf8,
    "agency_id": pl.Utf8,
    "year": pl.Int64,
}
ERROR_SCHEMA = {"row_number": pl.Int64, "column": pl.Utf8, "value": pl.Utf8, "reason": pl.Utf8}
CONTEXT_SCHEMA = {ROW_COLUMN: pl.Int64, "agency_id": pl.Utf8, "year": pl.Int64}
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
    copied_from_parquet: bool = False  # validated as delivered (typed Parquet) and copied by DuckDB
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # loaded, but worth a look (lookalike agency ids)
    extract_date: date | None = None  # extracted_on, else the date in the file name (None: load order decides)
    rows_superseded: int = 0  # rows of an older extract arriving after a newer one: kept in history.<table> only
    rows_replaced: int = 0  # loaded rows of older extracts this file's newer versions moved to history.<table>


@dataclass
class CheckedFile:
    """A file checked without touching the warehouse.

    ``context``: every data row's number with the agency and year it belongs to (from the
    raw agency value and the contract's year or date column, null where unreadable), used
    to attribute quarantined rows and held-back files in ``marts.fct_data_quality``.
    ``stored_frame``: what the raw store keeps instead of the delivered file when the file
    held personal data (an ``iin`` or a name column); None to keep the file as delivered.
    ``direct_insert``: set by :func:`check_typed_parquet` when ``good`` is the whole file as
    delivered, so DuckDB can copy the rows from the Parquet file itself.
    """

    outcome: FileOutcome
    good: pl.DataFrame
    quarantine: pl.DataFrame
    context: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=CONTEXT_SCHEMA))
    stored_frame: pl.DataFrame | None = None
    direct_insert: Path | None = None  # a clean typed Parquet file: rows go to raw.<table> straight from it


def discover(landing_dir: Path) -> dict[str, list[Path]]:
    """Landing files per table folder; unknown folders are reported, not guessed (see :func:`ignored_entries`)."""
    found: dict[str, list[Path]] = {}
    if not landing_dir.exists():
        return found
    for folder in sorted(p for p in landing_dir.iterdir() if p.is_dir() and not p.is_symlink()):
        if not folder.name.startswith("."):
            found[folder.name] = _files_of(folder)
    return found


def _walk(folder: Path) -> Iterable[tuple[Path, bool]]:
    """Every entry under ``folder`` (path, is a symbolic link); links are never followed."""
    for root, dirs, files in os.walk(folder, followlinks=False):
        base = Path(root)
        for name in sorted(dirs):
            if (base / name).is_symlink():
                yield base / name, True
        for name in sorted(files):
            yield base / name, (base / name).is_symlink()


def _files_of(folder: Path) -> list[Path]:
    """Regular files of a table folder (sub-folders too): no hidden file, no symbolic link, no link's target."""
    return sorted(
        p
        for p, link in _walk(folder)
        if not link and p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    )


def ignored_entries(landing_dir: Path) -> list[tuple[str, str, str]]:
    """What a run does not load, each with the reason: (table folder or "", path in the drop, message).

    Hidden files and folders, symbolic links (refused, never followed: a link could read any
    file of the machine), files at the drop root (also one named after a table), folders that
    are no landing table (a misspelt ``apeals/``, with the likely table named).
    """
    import difflib

    entries: list[tuple[str, str, str]] = []
    if not landing_dir.is_dir():
        return entries

    def add(table: str, path: Path, reason: str) -> None:
        relative = path.relative_to(landing_dir).as_posix()
        entries.append((table, relative, f"{relative}: {reason}"))

    for entry in sorted(landing_dir.iterdir()):
        name = entry.name
        if entry.is_symlink():
            add("", entry, "symbolic link refused: links are not followed (copy the file into the drop)")
        elif name.startswith("."):
            add("", entry, "hidden file or folder: not loaded")
        elif entry.is_file():
            stem = name.split(".", 1)[0].strip().lower()
            if stem in CONTRACTS:
                add("", entry, f"file at the drop root named after the table {stem!r}: not loaded; put it in {stem}/")
            else:
                add("", entry, "file at the drop root: not loaded (files are loaded from <table>/ folders only)")
        elif entry.is_dir() and name not in CONTRACTS:
            close = difflib.get_close_matches(name.lower(), list(CONTRACTS), n=1, cutoff=0.75)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            add(name, entry, f"folder is not a landing table: its files are not loaded{hint}")
        elif entry.is_dir():
            hidden: set[Path] = set()
            for path, link in _walk(entry):
                parts = path.relative_to(entry).parts
                first_hidden = next((i for i, part in enumerate(parts) if part.startswith(".")), None)
                if first_hidden is not None:  # a hidden file, or the hidden folder holding it (named once)
                    hidden.add(entry.joinpath(*parts[: first_hidden + 1]))
                elif link:
                    add(name, path, "symbolic link refused: links are not followed (copy the file into the drop)")
            for path in sorted(hidden):
                add(name, path, "hidden file or folder: not loaded")
    return entries


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
                "VALUES (?, NULL, ?, 'ignored', 0, 0, 0, 0, ?, ?, NULL, NULL, NULL)",
                [relative, table, message, now],
            ).fetchall()
        con.execute("COMMIT").fetchall()
    except Exception:
        _rollback(con)
        raise
    return entries


def _header_columns(path: Path) -> list[str]:
    """The column names of a landing file, read cheaply (CSV: its first line; Parquet: its schema)."""
    suffix = path.suffix.lower()
    try:
        if suffix == ".parquet":
            return [c.strip().lower() for c in pl.read_parquet_schema(path)]
        if suffix == ".xlsx":
            return [c.strip().lower() for c in pl.read_excel(path, sheet_id=1, infer_schema_length=0).columns]
        with path.open("rb") as handle:
            head = handle.read(1 << 16).split(b"\n", 1)[0]
    except Exception:  # unreadable: the load names the reason
        return []
    text = head.decode("utf-8", errors="ignore") if head.isascii() or _utf8(head) else head.decode("cp1251", "ignore")
    text = text.lstrip("\ufeff").rstrip("\r")
    delimiter = ";" if text.count(";") > text.count(",") else ","
    return [c.strip().strip('"').lower() for c in text.split(delimiter)]


def _utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def pseudonym_key_problem(landing_dir: Path) -> str | None:
    """One line saying why landing cannot start for want of a pseudonym key, else None.

    Checked before any landing starts (issue 16 item 3): a key that is set must be usable;
    without one, a drop delivering IINs (an ``iin`` or ``ИИН`` column) cannot be landed. Only
    headers are read. IIN-shaped values found later elsewhere in a file without a key reject
    that file with the reason.
    """
    from kzeval import pseudonym

    try:
        pseudonym.load_pseudonym_key()
        return None
    except pseudonym.PseudonymKeyError as exc:
        if Settings.from_env().has_pseudonym_key:
            return str(exc)
        reason = str(exc)
    for table, paths in discover(landing_dir).items():
        if table not in CONTRACTS:
            continue
        for path in paths:
            if path.suffix.lower() in SUPPORTED_SUFFIXES and pseudonym.IIN_ALIASES & set(_header_columns(path)):
                relative = path.relative_to(landing_dir).as_posix()
                return f"{relative} holds IINs, which are replaced by keyed pseudonyms on landing: {reason}"
    return None


def _rollback(con: duckdb.DuckDBPyConnection) -> None:
    """Roll back, keeping the original error: after a failed write (a full disk) DuckDB may have ended the transaction."""
    with contextlib.suppress(duckdb.Error):
        con.execute("ROLLBACK").fetchall()


def _empty_quarantine() -> pl.DataFrame:
    return pl.DataFrame(schema=QUARANTINE_SCHEMA)


def _empty_errors() -> pl.DataFrame:
    return pl.DataFrame(schema=ERROR_SCHEMA)


def _quarantine_rows(errors: pl.DataFrame, table: str, path: str, sha: str, context: pl.DataFrame) -> pl.DataFrame:
    """Errors (row_number, column, value, reason) as quarantine rows, with the row's agency and year."""
    if errors.height == 0:
        return _empty_quarantine()
    located = errors.select(list(ERROR_SCHEMA)).join(
        context.rename({ROW_COLUMN: "row_number"}), on="row_number", how="left", maintain_order="left"
    )
    return located.select(
        pl.lit(table).alias("table_name"),
        pl.lit(path).alias("file_path"),
        pl.lit(sha).alias("file_sha256"),
        pl.col("row_number").cast(pl.Int64),
        pl.col("column").cast(pl.Utf8).alias("column_name"),
        pl.col("value").cast(pl.Utf8).str.replace_many(CONTROL_CHARACTERS, _SHOWN_CONTROLS),
        pl.col("reason").cast(pl.Utf8),
        pl.col("agency_id").cast(pl.Utf8).str.replace_many(CONTROL_CHARACTERS, _SHOWN_CONTROLS),
        pl.col("year").cast(pl.Int64),
    )


def attribution_agency_column(contract: TableContract) -> str | None:
    """The column naming the agency a row belongs to (``agencies`` rows belong to themselves)."""
    if contract.agency_column:
        return contract.agency_column
    return "agency_id" if "agency_id" in contract.column_names else None


def year_expression(contract: TableContract) -> pl.Expr:
    """The assessment year a typed row belongs to: the contract's year column, else its date column's year."""
    if contract.year_column:
        return pl.col(contract.year_column).cast(pl.Int64)
    if contract.date_column:
        return pl.col(contract.date_column).dt.year().cast(pl.Int64)
    return pl.lit(None, dtype=pl.Int64)


def year_sql(contract: TableContract, qualifier: str | None = None) -> str:
    """:func:`year_expression` in SQL, for the landed rows in ``raw.<table>`` (optionally ``<qualifier>.col``)."""
    prefix = f"{qualifier}." if qualifier else ""
    if contract.year_column:
        return f'CAST({prefix}"{contract.year_column}" AS BIGINT)'
    if contract.date_column:
        return f'CAST(year({prefix}"{contract.date_column}") AS BIGINT)'
    return "CAST(NULL AS BIGINT)"


def _context(typed: pl.DataFrame, contract: TableContract) -> pl.DataFrame:
    agency = attribution_agency_column(contract)
    return typed.select(
        pl.col(ROW_COLUMN),
        (pl.col(agency).cast(pl.Utf8) if agency else pl.lit(None, dtype=pl.Utf8)).alias("agency_id"),
        year_expression(contract).alias("year"),
    )


class PersonalDataUnprotected(Exception):
    """IIN-shaped values outside an ``iin`` column, and no pseudonym key to replace them: the file is rejected."""


def _protect_personal_data(frame: pl.DataFrame, contract: TableContract) -> tuple[pl.DataFrame, pl.DataFrame, bool]:
    """Remove every IIN and name before anything else sees the rows (issue 16 item 3).

    * an ``iin`` column (also spelt ``ИИН``) is replaced by keyed pseudonyms in ``employee_id``;
    * columns named like a person's name in any language (``fio``, ``ФИО``, ``employee_name``,
      ``фамилия``, …) are dropped;
    * in a table with personal data (a pseudonymised contract column, or a file found to hold
      any) every unknown extra column is dropped;
    * any other IIN-shaped value (12 digits, with or without separators) left in any column —
      an IIN delivered in ``employee_id``, one written into a note — is replaced by its
      pseudonym, the same one the ``iin`` column would give.

    Returns (frame without IINs or names, IIN errors, whether anything was removed). A
    malformed IIN is a row error in column ``iin`` whose value is null: the digits are never
    kept, not even in quarantine. Without a pseudonym key an ``iin`` column raises
    :class:`kzeval.pseudonym.PseudonymKeyError` (landing must stop); IIN-shaped values elsewhere
    raise :class:`PersonalDataUnprotected` (the file is rejected, naming the columns).
    """
    from kzeval import pseudonym

    declared = set(contract.column_names)
    aliases = [c for c in frame.columns if c in pseudonym.IIN_ALIASES and c != pseudonym.IIN_COLUMN]
    if aliases and not {pseudonym.IIN_COLUMN, pseudonym.EMPLOYEE_ID_COLUMN} & set(frame.columns):
        frame = frame.rename({aliases[0]: pseudonym.IIN_COLUMN})  # ИИН as the employee's identifier
    drop = set(pseudonym.name_columns(frame, declared))
    # other spellings of the IIN column next to `iin` or `employee_id`: never kept
    drop |= {c for c in frame.columns if c in pseudonym.IIN_ALIASES and c != pseudonym.IIN_COLUMN}
    has_iin = pseudonym.IIN_COLUMN in frame.columns
    kept_always = declared | {ROW_COLUMN, EXTRACT_COLUMN, pseudonym.IIN_COLUMN}
    suspicious = pseudonym.columns_with_iins(frame.drop(drop), skip={ROW_COLUMN, pseudonym.IIN_COLUMN})
    personal_table = any(c.pii for c in contract.columns) or has_iin or bool(drop) or bool(suspicious)
    if personal_table:
        drop |= {c for c in frame.columns if c not in kept_always}
    removed = bool(drop)
    frame = frame.drop(sorted(drop))
    suspicious = [c for c in suspicious if c in frame.columns]
    if suspicious:
        try:
            key = pseudonym.load_pseudonym_key()
        except pseudonym.PseudonymKeyError as exc:
            raise PersonalDataUnprotected(
                f"column(s) {', '.join(suspicious)} hold IIN-shaped values and they cannot be pseudonymised: {exc}"
            ) from exc
        frame = pseudonym.scrub_iins(frame, suspicious, key)
        removed = True
    if not has_iin:
        return frame, _empty_errors(), removed
    replaced = pseudonym.replace_iin_column(frame, pseudonym.load_pseudonym_key())
    errors = replaced.filter(pl.col(pseudonym.IIN_ERROR_COLUMN).is_not_null()).select(
        pl.col(ROW_COLUMN).alias("row_number"),
        pl.lit(pseudonym.IIN_COLUMN).alias("column"),
        pl.lit(None, dtype=pl.Utf8).alias("value"),
        pl.col(pseudonym.IIN_ERROR_COLUMN).alias("reason"),
    )
    return replaced.drop(pseudonym.IIN_ERROR_COLUMN), errors, True


def _duplicates(typed: pl.DataFrame, contract: TableContract) -> tuple[pl.DataFrame, pl.DataFrame, int]:
    """Keep exact duplicates once; quarantine every copy of a key that comes with different values."""
    key = list(contract.key)
    values = contract.column_names
    if not typed.select(pl.struct(key).is_duplicated().any()).item():
        # the usual case (no repeated key): nothing to drop or quarantine, skip the window work
        no_errors = pl.DataFrame(
            schema={"row_number": pl.Int64, "column": pl.Utf8, "value": pl.Utf8, "reason": pl.Utf8}
        )
        return typed, no_errors, 0
    conflict_mask = typed.select((pl.struct(values).n_unique().over(key) > 1).alias("conflict")).to_series()
    conflicts = typed.filter(conflict_mask)
    errors = conflicts.select(
        pl.col(ROW_COLUMN).alias("row_number"),
        pl.lit(",".join(key)).alias("column"),
        pl.concat_str([pl.col(k).cast(pl.Utf8) for k in key], separator="|", ignore_nulls=True).alias("value"),
        pl.lit("conflicting duplicate: same key, different values in this file").alias("reason"),
    )
    rest = typed.filter(~conflict_mask)
    kept = rest.unique(subset=values, keep="first", maintain_order=True)
    return kept, errors, rest.height - kept.height


def _control_character_errors(frame: pl.DataFrame) -> pl.DataFrame:
    """One error per text cell holding a control character; the value is shown with ``\\xNN`` escapes.

    Such a row is not loaded (issue 16 item 7): a NUL byte inside a value truncates it in many
    tools and is never a legitimate part of an id, a date or a name.
    """
    text = [c for c, t in frame.schema.items() if t == pl.Utf8 and c != ROW_COLUMN]
    if not text:
        return _empty_errors()
    flagged = frame.select(*[pl.col(c).str.contains_any(CONTROL_CHARACTERS).any().alias(c) for c in text])
    columns = [c for c, hit in flagged.row(0, named=True).items() if hit]
    parts = [
        frame.filter(pl.col(c).str.contains_any(CONTROL_CHARACTERS).fill_null(False)).select(
            pl.col(ROW_COLUMN).alias("row_number"),
            pl.lit(c).alias("column"),
            pl.col(c).str.replace_many(CONTROL_CHARACTERS, _SHOWN_CONTROLS).alias("value"),
            pl.lit("control character in the value (e.g. a NUL byte): the row is not loaded").alias("reason"),
        )
        for c in columns
    ]
    return pl.concat(parts) if parts else _empty_errors()


def _rejected(table: str, shown: str, sha: str, reason: str, rows: int = 0) -> CheckedFile:
    from kzeval.pseudonym import mask_iins

    # a reason may quote the file (a parser's message): never an IIN in the ledger or the logs
    outcome = FileOutcome(table, shown, sha, "rejected", rows_total=rows, message=f"{shown}: {mask_iins(reason)}")
    return CheckedFile(outcome, pl.DataFrame(), _empty_quarantine())


def _missing_columns_reason(
    path: Path, raw: RawFrame, frame: pl.DataFrame, missing: list[str], required: list[str]
) -> str:
    reason = f"missing required column(s) {', '.join(missing)}"
    if path.suffix.lower() == ".xlsx":
        sheet = xlsx_sheet_with_columns(path, required)
        if sheet is not None:
            return f"{reason} on the first sheet; the data appear to be on sheet {sheet!r}: move it first"
        return f"{reason} (XLSX: only the first sheet is read)"
    if raw.delimiter and len(frame.columns) <= 2:
        return f"{reason} (detected delimiter {raw.delimiter!r}: is the delimiter right?)"
    return reason


def _readable_check(check: pl.Expr) -> pl.Expr:
    """pandera's check names in words (the check name itself is kept in the reason too)."""
    argument = check.str.extract(r"^\w+\((.*)\)$")
    return (
        pl.when(check == "not_nullable")
        .then(pl.lit("required value is missing"))
        .when(check.str.starts_with("greater_than_or_equal_to("))
        .then(pl.format("must be at least {}", argument))
        .when(check.str.starts_with("less_than_or_equal_to("))
        .then(pl.format("must be at most {}", argument))
        .when(check.str.starts_with("isin("))
        .then(pl.format("must be one of {}", argument))
        .when(check.str.starts_with("str_matches("))
        .then(pl.lit("must have the form HH:MM"))
        .otherwise(check)
    )


def _schema_errors(table: str, clean: pl.DataFrame) -> tuple[pl.DataFrame, list[str]]:
    """pandera failures of the typed rows as row errors; failures not tied to a row are returned apart.

    A cross-field rule reports the whole row; its value is shown as the columns the rule names
    (``overdue=20, rendered=10``), never the whole row.
    """
    cases = failure_cases(table, clean.drop(ROW_COLUMN))
    if cases.height == 0:
        return _empty_errors(), []
    unplaced = cases.filter(pl.col("index").is_null())
    index = clean.select(pl.int_range(pl.len(), dtype=pl.Int64).alias("index"), pl.col(ROW_COLUMN))
    placed = cases.filter(pl.col("index").is_not_null()).join(index, on="index", how="left", maintain_order="left")
    readable = _readable_check(pl.col("check"))
    placed = placed.with_columns(
        pl.when(readable == pl.col("check"))
        .then(pl.col("check"))
        .otherwise(readable + " (" + pl.col("check") + ")")
        .alias("reason")
    )
    columns = CONTRACTS[table].column_names
    parts = [placed.filter(~pl.col("failure_case").str.starts_with("{").fill_null(False))]
    row_level = placed.filter(pl.col("failure_case").str.starts_with("{").fill_null(False))
    for check in row_level["check"].unique().to_list():
        named = [c for c in check.replace(",", " ").split() if c in columns] or [columns[0]]
        values = clean.select(
            pl.col(ROW_COLUMN),
            pl.concat_str(
                [pl.format(f"{c}={{}}", pl.col(c).cast(pl.Utf8).fill_null("")) for c in named], separator=", "
            ).alias("_shown"),
        )
        part = row_level.filter(pl.col("check") == check).join(values, on=ROW_COLUMN, how="left")
        parts.append(part.with_columns(pl.col("_shown").alias("failure_case")).drop("_shown"))
    errors = pl.concat(parts).select(
        pl.col(ROW_COLUMN).alias("row_number"),
        pl.col("column").fill_null("(row)"),
        pl.col("failure_case").alias("value"),
        pl.col("reason"),
    )
    return errors, [f"{r['column']}: {r['check']}" for r in unplaced.iter_rows(named=True)]


def check_file(
    path: Path,
    table: str,
    known_agencies: set[str] | None,
    hold_back_share: float = DEFAULT_HOLD_BACK_SHARE,
    display_path: str | None = None,
    sha: str | None = None,
) -> CheckedFile:
    """Validate one file without touching the warehouse (used by the loader and `kzeval validate`)."""
    from kzeval.pseudonym import PseudonymError

    contract = CONTRACTS[table]
    shown = display_path or str(path)
    sha = sha or sha256_of(path)
    required = [c.name for c in contract.columns if c.required]
    try:
        raw = read_landing_file(path)
    except FileRejected as exc:
        sheet = xlsx_sheet_with_columns(path, required) if path.suffix.lower() == ".xlsx" else None
        hint = f"; the data appear to be on sheet {sheet!r}: move it first" if sheet else ""
        return _rejected(table, shown, sha, exc.reason + hint)
    try:
        frame, iin_errors, personal = _protect_personal_data(raw.frame, contract)
    except (PseudonymError, PersonalDataUnprotected) as exc:
        return _rejected(table, shown, sha, str(exc), raw.frame.height)
    try:
        extract_date = _file_extract_date(path, frame)
    except ExtractDateError as exc:
        return _rejected(table, shown, sha, str(exc), frame.height)
    stored_frame = frame.drop(ROW_COLUMN) if personal else None
    missing = [c for c in required if c not in frame.columns]
    if missing:
        return _rejected(table, shown, sha, _missing_columns_reason(path, raw, frame, missing, required), frame.height)

    typed, type_errors = parse_frame(frame, contract)
    context = _context(typed, contract)
    short_errors = raw.short_rows.select(
        pl.col(ROW_COLUMN).alias("row_number"),
        pl.lit("(row)").alias("column"),
        pl.format("{} fields", pl.col("fields")).alias("value"),
        pl.lit(
            f"row has fewer fields than the header ({raw.header_fields}): cut short, or a delimiter inside an "
            "unquoted value"
        ).alias("reason"),
    )
    control_errors = _control_character_errors(frame)
    # Rows already known bad (short, malformed IIN, control character, unparseable value) are not checked further.
    bad_rows = pl.concat(
        [type_errors["row_number"], short_errors["row_number"], iin_errors["row_number"], control_errors["row_number"]]
    ).unique()
    clean = typed.filter(~pl.col(ROW_COLUMN).is_in(bad_rows.implode())) if bad_rows.len() else typed
    schema_errors, unplaced = _schema_errors(table, clean)
    if unplaced:
        return _rejected(table, shown, sha, "fails the contract as a whole: " + "; ".join(unplaced), frame.height)
    errors = [short_errors, iin_errors, control_errors, type_errors, schema_errors]
    good = clean.filter(~pl.col(ROW_COLUMN).is_in(schema_errors["row_number"].implode()))
    if contract.agency_column and known_agencies is not None:
        known = pl.Series(sorted(known_agencies), dtype=pl.Utf8).implode()
        unknown = good.filter(~pl.col(contract.agency_column).is_in(known))
        if unknown.height:
            hints = {
                value: f" (did you mean {meant!r}? it differs only by script or case)"
                for value in unknown[contract.agency_column].unique().to_list()
                if value is not None and (meant := likely_meant(value, known_agencies)) is not None
            }
            errors.append(
                unknown.select(
                    pl.col(ROW_COLUMN).alias("row_number"),
                    pl.lit(contract.agency_column).alias("column"),
                    pl.col(contract.agency_column).alias("value"),
                    (
                        pl.lit("unknown agency: not in the agencies table")
                        + pl.col(contract.agency_column).replace_strict(hints, default="", return_dtype=pl.Utf8)
                    ).alias("reason"),
                )
            )
            good = good.filter(pl.col(contract.agency_column).is_in(known))
    good, dup_errors, dropped = _duplicates(good, contract)
    errors.append(dup_errors)
    all_errors = pl.concat([e.select(list(ERROR_SCHEMA)).cast(ERROR_SCHEMA) for e in errors])  # type: ignore[arg-type]
    quarantine = _quarantine_rows(all_errors.sort("row_number", maintain_order=True), table, shown, sha, context)
    n_bad = quarantine["row_number"].n_unique()
    share = n_bad / max(frame.height, 1)
    status = "held_back" if share > hold_back_share else "loaded"
    message = ""
    if status == "held_back":
        message = (
            f"{shown}: held back whole: {n_bad} of {frame.height} rows bad ({share:.1%} > {hold_back_share:.0%}); "
            "see quarantine.rows"
        )
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
        extract_date=extract_date,
    )
    return CheckedFile(outcome, good, quarantine, context, stored_frame)


def _file_extract_date(path: Path, frame: pl.DataFrame | None) -> date | None:
    """The file's extract date: its ``extracted_on`` column, else the date in its name (spec «Extracts»)."""
    if frame is not None and EXTRACT_COLUMN in frame.columns:
        found = extract_date_from_column(frame.get_column(EXTRACT_COLUMN))
        if found is not None:
            return found
    return extract_date_from_name(path.stem)


def _typed_parquet_frame(path: Path, contract: TableContract) -> pl.DataFrame | None:
    """The file as typed rows when it is a Parquet file already in the contract's types, else None.

    Such a file needs no parsing: every contract column present with exactly its type, no other
    column, and no IIN-shaped value (those files are pseudonymised and stored as rewritten Parquet).
    """
    from kzeval import pseudonym

    if path.suffix.lower() != ".parquet":
        return None
    try:
        schema = pl.read_parquet_schema(path)
    except Exception:  # unreadable: the full check names the reason
        return None
    # any column beyond the contract (an IIN, a name, a comment) goes through the full check, which removes it
    if not set(schema).issubset({*contract.column_names, EXTRACT_COLUMN}):
        return None
    if any(schema.get(c.name) != POLARS_TYPES[c.type] for c in contract.columns):
        return None
    frame = pl.read_parquet(path, columns=list(contract.column_names))
    if frame.height == 0:
        return None
    # an IIN-shaped value in a text column (an IIN delivered as employee_id): pseudonymised by the full check
    if pseudonym.columns_with_iins(frame, skip={c.name for c in contract.columns if c.type != "string"}):
        return None
    return frame.with_row_index(ROW_COLUMN, offset=1).with_columns(pl.col(ROW_COLUMN).cast(pl.Int64))


def _key_hash(key: tuple[str, ...]) -> pl.Expr:
    """A 64-bit hash of the key columns: a function of the key, so distinct hashes prove distinct keys.

    Combined per column rather than ``pl.struct(key).hash()``, which counts distinct values 4× slower.
    """
    combined = pl.lit(0, dtype=pl.UInt64)
    for seed, column in enumerate(key, start=1):
        combined = combined * pl.lit(0x100000001B3, dtype=pl.UInt64) + pl.col(column).hash(seed)
    return combined


def check_typed_parquet(
    path: Path,
    table: str,
    known_agencies: set[str] | None,
    display_path: str,
    sha: str,
) -> CheckedFile | None:
    """The fast path for a clean, typed Parquet file (national drops); None sends it to :func:`check_file`.

    The collected rows are validated with the same pandera schema (lazy, every failure case),
    the agencies are checked against the agencies table and the key for repeats (distinct
    key hashes prove distinct keys). Any finding at all sends the file through the full
    check, which quarantines row by row — so both paths land exactly the same rows.
    """
    contract = CONTRACTS[table]
    frame = _typed_parquet_frame(path, contract)
    if frame is None:
        return None
    if failure_cases(table, frame.drop(ROW_COLUMN)).height:
        return None
    if contract.agency_column and known_agencies is not None:
        known = pl.Series(sorted(known_agencies), dtype=pl.Utf8).implode()
        if not frame.select(pl.col(contract.agency_column).is_in(known).all()).item():
            return None
    if frame.select(_key_hash(contract.key).n_unique()).item() != frame.height:
        return None
    try:
        extracted = (
            pl.read_parquet(path, columns=[EXTRACT_COLUMN]) if EXTRACT_COLUMN in pl.read_parquet_schema(path) else None
        )
        extract_date = _file_extract_date(path, extracted)
    except ExtractDateError:
        return None  # the full check rejects the file with the reason
    outcome = FileOutcome(
        table, display_path, sha, "loaded", rows_total=frame.height, rows_loaded=frame.height, extract_date=extract_date
    )
    context = _context(frame, contract)
    return CheckedFile(outcome, frame, _empty_quarantine(), context, None, direct_insert=path)


def _shown_value(column: str, value: str | None) -> str:
    if value is not None:
        return repr(value)
    return "(not shown)" if column == "iin" else "(empty)"  # a malformed IIN is still personal data


def problem_lines(quarantine: pl.DataFrame) -> list[str]:
    """One readable line per quarantined cell: file, row, column, value, reason."""
    return [
        f"{r['file_path']}: row {r['row_number']}, column {r['column_name']}, value "
        f"{_shown_value(r['column_name'], r['value'])}: {r['reason']}"
        for r in quarantine.iter_rows(named=True)
    ]


def ensure_tables(con: duckdb.DuckDBPyConnection, tables: Iterable[str] | None = None) -> None:
    """Create the landing, quarantine and audit tables (and add columns older warehouses lack)."""
    con.execute(
        """
        CREATE TABLE IF NOT EXISTS audit.load_ledger (
            file_path VARCHAR, file_sha256 VARCHAR, table_name VARCHAR, status VARCHAR,
            rows_total BIGINT, rows_loaded BIGINT, rows_quarantined BIGINT, duplicates_dropped BIGINT,
            message VARCHAR, loaded_at TIMESTAMP, superseded_by VARCHAR, raw_copy VARCHAR
        )"""
    ).fetchall()
    con.execute("ALTER TABLE audit.load_ledger ADD COLUMN IF NOT EXISTS extract_date DATE").fetchall()
    con.execute("CREATE SCHEMA IF NOT EXISTS history").fetchall()
    con.execute(
        """
        CREATE TABLE IF NOT EXISTS quarantine.rows (
            table_name VARCHAR, file_path VARCHAR, file_sha256 VARCHAR, row_number BIGINT,
            column_name VARCHAR, value VARCHAR, reason VARCHAR, agency_id VARCHAR, "year" BIGINT
        )"""
    ).fetchall()
    con.execute("ALTER TABLE quarantine.rows ADD COLUMN IF NOT EXISTS agency_id VARCHAR").fetchall()
    con.execute('ALTER TABLE quarantine.rows ADD COLUMN IF NOT EXISTS "year" BIGINT').fetchall()
    con.execute(
        """
        CREATE TABLE IF NOT EXISTS audit.file_profile (
            table_name VARCHAR, file_sha256 VARCHAR, "year" BIGINT, agency_id VARCHAR, rows_total BIGINT
        )"""
    ).fetchall()
    con.execute(
        """
        CREATE TABLE IF NOT EXISTS audit.landed_rows (
            table_name VARCHAR, "year" BIGINT, agency_id VARCHAR, rows_loaded BIGINT
        )"""
    ).fetchall()
    con.execute(
        """
        CREATE TABLE IF NOT EXISTS audit.file_landed_rows (
            table_name VARCHAR, file_sha256 VARCHAR, "year" BIGINT, agency_id VARCHAR, rows_loaded BIGINT
        )"""
    ).fetchall()
    existing: dict[str, set[str]] = {}
    for name, column in con.execute(
        "SELECT table_name, column_name FROM duckdb_columns() WHERE schema_name = 'raw' "
        "AND database_name = current_database()"
    ).fetchall():
        existing.setdefault(str(name), set()).add(str(column))
    in_lake = lake.enabled(con)
    for table in tables or CONTRACTS:
        contract = CONTRACTS[table]
        cols = ", ".join(f'"{c.name}" {DUCKDB_TYPES[c.type]}' for c in contract.columns)
        if in_lake and table in existing and set(contract.column_names) <= existing[table]:
            pass  # the view raw.<table> is there with every contract column (the usual case: nothing to do)
        elif in_lake:  # the landed rows live in Parquet segments read through the view raw.<table>
            lake.ensure_table(
                con,
                lake.raw_table(table),
                [
                    *((c.name, DUCKDB_TYPES[c.type]) for c in contract.columns),
                    ("_file_sha256", "VARCHAR"),
                    ("_file_path", "VARCHAR"),
                    (ROW_COLUMN, "BIGINT"),
                ],
            )
        else:
            _ensure_native_raw(con, table, cols, existing)
        # older versions of records superseded by a newer extract (spec «Extracts and record updates»)
        con.execute(
            f"CREATE TABLE IF NOT EXISTS history.{table} ({cols}, _file_sha256 VARCHAR, _file_path VARCHAR, "
            f"_row_number BIGINT, _superseded_by VARCHAR, _superseded_by_path VARCHAR)"
        ).fetchall()


def _ensure_native_raw(con: duckdb.DuckDBPyConnection, table: str, cols: str, existing: dict[str, set[str]]) -> None:
    """``raw.<table>`` as a native table (a database without a lake: in memory, ``kzeval validate``)."""
    contract = CONTRACTS[table]
    con.execute(
        f"CREATE TABLE IF NOT EXISTS raw.{table} ({cols}, _file_sha256 VARCHAR, _file_path VARCHAR, _row_number BIGINT)"
    ).fetchall()
    # a warehouse built before a contract gained an optional column (e.g. service_register.year) gets it, null
    for c in contract.columns:
        if table in existing and c.name not in existing[table]:
            con.execute(f'ALTER TABLE raw.{table} ADD COLUMN "{c.name}" {DUCKDB_TYPES[c.type]}').fetchall()


def _ledger_status(con: duckdb.DuckDBPyConnection, table: str, sha: str) -> str | None:
    row = fetch_one(
        con,
        "SELECT status FROM audit.load_ledger WHERE table_name = ? AND file_sha256 = ? AND superseded_by IS NULL "
        "ORDER BY loaded_at DESC LIMIT 1",
        [table, sha],
    )
    return None if row is None else str(row[0])


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


def _resolve_against_loaded(
    con: duckdb.DuckDBPyConnection, good: pl.DataFrame, contract: TableContract, extract_date: date | None
) -> Resolution:
    """Compare incoming keys with the rows already loaded: the newest extract's row wins.

    Spec (data-contracts.md, «Extracts and record updates»): for every key the row of the
    newest extract is used; an older extract arriving later is kept as history; two files with
    the same extract date that disagree on a key are conflicting duplicates. Identical rows
    are loaded once.
    """
    existing = fetch_one(con, f"SELECT count(*) FROM raw.{contract.name}")
    if not existing or existing[0] == 0 or good.height == 0:
        return Resolution(good, _empty_errors())
    key = list(contract.key)
    on = " AND ".join(f'i."{k}" IS NOT DISTINCT FROM r."{k}"' for k in key)
    same = " AND ".join(f'i."{c}" IS NOT DISTINCT FROM r."{c}"' for c in contract.column_names)
    # A key holding the date column cannot match rows outside the incoming date range: the range
    # filter lets DuckDB skip the other months' row groups instead of joining the whole table.
    where, params = "", []
    if contract.date_column in key:
        dates = pl.col(contract.date_column)
        low, high = good.select(dates.min().alias("low"), dates.max().alias("high")).row(0)
        if low is not None:
            where, params = f' WHERE "{contract.date_column}" BETWEEN ? AND ?', [low, high]
            # the usual case (the next month, or a month re-delivered after its old rows went): nothing to join
            if not fetch_one(con, f"SELECT EXISTS (SELECT 1 FROM raw.{contract.name}{where})", params)[0]:  # type: ignore[index]
                return Resolution(good, _empty_errors())
    con.register("incoming_rows", good.select(ROW_COLUMN, *contract.column_names))
    try:
        matches = con.execute(
            f"SELECT i.{ROW_COLUMN} AS row_number, ({same}) AS identical, r._file_sha256 AS existing_sha, "
            f"r._file_path AS existing_path, r._row_number AS existing_row, l.extract_date AS existing_date "
            f"FROM incoming_rows i JOIN (SELECT * FROM raw.{contract.name}{where}) r ON {on} "
            f"LEFT JOIN {_ledger_dates_sql()} l ON l.file_sha256 = r._file_sha256 ORDER BY 1, 3, 5",
            [*params, contract.name],
        ).pl()
    finally:
        con.unregister("incoming_rows")
    if matches.height == 0:
        return Resolution(good, _empty_errors())
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


def _keep_raw_copy(path: Path, table: str, sha: str, raw_store: Path, stored_frame: pl.DataFrame | None) -> Path:
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


def _supersede(con: duckdb.DuckDBPyConnection, table: str, relative: str, sha: str, status: str) -> list[str]:
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
            target = _raw_target(con, table, [str(old_sha)])
            con.execute(f"DELETE FROM {target} WHERE _file_sha256 = ?", [old_sha]).fetchall()
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
    ensure_tables(con, [table])
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
        target = _raw_target(con, table, restored)
        con.execute(
            f"INSERT INTO {target} BY NAME SELECT * EXCLUDE (_superseded_by, _superseded_by_path, _rank) "
            "FROM _kzeval_restore WHERE _rank = 1"
        ).fetchall()
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


def _rows_per_year_and_agency(context: pl.DataFrame, table: str, sha: str, counted: str) -> pl.DataFrame:
    """Rows of one file per year and agency, named ``counted`` (``audit.file_profile``, ``audit.file_landed_rows``)."""
    return (
        context.lazy()
        .group_by("year", "agency_id")
        .agg(pl.len().cast(pl.Int64).alias(counted))
        .select(pl.lit(table).alias("table_name"), pl.lit(sha).alias("file_sha256"), "year", "agency_id", counted)
        .collect()
    )


# Tables whose columns DuckDB never stores with FSST: trying it was ≈ 20 % of inserting a turnstile file for the
# same size (ids and codes repeat within a row group, so dictionary compression wins). Not for tables with unique
# strings (appeal numbers): there FSST halves the size (docs/decisions.md, 2026-11-23).
NO_FSST_TABLES = frozenset({"turnstile_events"})


def _insert_parquet(con: duckdb.DuckDBPyConnection, table: str, path: Path, sha: str, relative: str) -> None:
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


def _raw_rows(
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


def _move_to_history(
    con: duckdb.DuckDBPyConnection, contract: TableContract, replaced: pl.DataFrame, sha: str, relative: str
) -> int:
    """Move loaded rows superseded by a newer extract from ``raw.<table>`` to ``history.<table>``.

    Their files' landed-row counts are recounted, so ``audit.landed_rows`` stays exact.
    """
    table = contract.name
    con.register("_kzeval_replaced", replaced.unique())
    try:
        match = "(r._file_sha256, r._row_number) IN (SELECT (_file_sha256, _row_number) FROM _kzeval_replaced)"
        con.execute(
            f"INSERT INTO history.{table} BY NAME SELECT r.*, ? AS _superseded_by, ? AS _superseded_by_path "
            f"FROM raw.{table} r WHERE {match}",
            [sha, relative],
        ).fetchall()
        target = _raw_target(con, table, replaced["_file_sha256"].unique().to_list())
        con.execute(f"DELETE FROM {target} r WHERE {match}").fetchall()
    finally:
        con.unregister("_kzeval_replaced")
    _recount_files(con, contract, replaced["_file_sha256"].unique().to_list())
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


def _raw_target(con: duckdb.DuckDBPyConnection, table: str, shas: Iterable[str]) -> str:
    """Where to change the landed rows of files ``shas``: ``raw.<table>``, or its lake delta (see kzeval.lake)."""
    if not lake.enabled(con):
        return f"raw.{table}"
    return lake.touch(con, lake.raw_table(table), [str(s) for s in shas])


def _insert_raw(con: duckdb.DuckDBPyConnection, table: str, sha: str, frame: pl.DataFrame) -> None:
    """Land the rows of file ``sha`` in ``raw.<table>`` (in the lake: a new segment file)."""
    if frame.height == 0 or not lake.enabled(con):
        _insert(con, f"raw.{table}", frame)
        return
    con.register("_kzeval_insert", frame)
    try:
        lake.insert(con, lake.raw_table(table), sha, "SELECT * FROM _kzeval_insert")
    finally:
        con.unregister("_kzeval_insert")


def _insert(con: duckdb.DuckDBPyConnection, target: str, frame: pl.DataFrame) -> None:
    if frame.height == 0:
        return
    con.register("_kzeval_insert", frame)
    try:
        con.execute(f"INSERT INTO {target} BY NAME SELECT * FROM _kzeval_insert").fetchall()
    finally:
        con.unregister("_kzeval_insert")


def load_file(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    table: str,
    landing_dir: Path,
    raw_store: Path | None,
    known_agencies: set[str] | None,
    hold_back_share: float = DEFAULT_HOLD_BACK_SHARE,
) -> FileOutcome:
    """Check and load one file in one transaction. ``raw_store`` None keeps no copy (``kzeval validate``)."""
    contract = CONTRACTS[table]
    relative = str(path.relative_to(landing_dir)) if path.is_relative_to(landing_dir) else str(path)
    sha = sha256_of(path)
    if _ledger_status(con, table, sha) == "loaded":
        return FileOutcome(table, relative, sha, "already_loaded", message=f"{relative}: already loaded (same SHA-256)")
    checked = check_typed_parquet(path, table, known_agencies, relative, sha) or check_file(
        path, table, known_agencies, hold_back_share, display_path=relative, sha=sha
    )
    outcome = checked.outcome
    raw_copy = None
    if raw_store is not None and outcome.status != "rejected":  # a rejected file could not be checked for IINs
        raw_copy = _keep_raw_copy(path, table, sha, raw_store, checked.stored_frame)
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
        file_counts = _rows_per_year_and_agency(checked.context, table, sha, "rows_total") if profiled else None
        replaced = _supersede(con, table, relative, sha, outcome.status)
        if replaced:
            outcome.message = f"{relative}: supersedes the earlier version {', '.join(s[:12] for s in replaced)}"
        if outcome.status == "loaded" and table == "agencies":
            warnings = lookalike_warnings(checked.good["agency_id"].drop_nulls().to_list(), known_agency_ids(con))
            if warnings:
                outcome.warnings.extend(warnings)
        if outcome.status == "loaded":
            resolution = _resolve_against_loaded(con, checked.good, contract, outcome.extract_date)
            good, cross_errors = resolution.kept, resolution.errors
            if cross_errors.height:
                quarantine = pl.concat(
                    [quarantine, _quarantine_rows(cross_errors, table, relative, sha, checked.context)]
                )
                outcome.rows_quarantined += cross_errors.height
            outcome.duplicates_dropped += resolution.identical
            outcome.rows_loaded = good.height
            if resolution.replaced is not None:
                outcome.rows_replaced = _move_to_history(con, contract, resolution.replaced, sha, relative)
            if resolution.late is not None:
                outcome.rows_superseded = resolution.late.height
                _insert(con, f"history.{table}", _raw_rows(resolution.late, contract, sha, relative, history=True))
            # a typed Parquet file copied whole lands every row it has: its profile is its landed count
            copied_whole = checked.direct_insert is not None and good.height == checked.good.height
            landed_counts = (
                file_counts.rename({"rows_total": "rows_loaded"})
                if copied_whole and file_counts is not None
                else _rows_per_year_and_agency(_context(good, contract), table, sha, "rows_loaded")
            )
            con.execute(
                "DELETE FROM audit.file_landed_rows WHERE table_name = ? AND file_sha256 = ?", [table, sha]
            ).fetchall()
            _insert(con, "audit.file_landed_rows", landed_counts)
            if copied_whole and checked.direct_insert is not None:
                # the kept copy is the file whose SHA-256 the ledger records; in the lake it is read in place
                # (raw kept once), elsewhere its rows are copied into raw.<table>
                if not (
                    raw_copy is not None
                    and lake.enabled(con)
                    and lake.reference(con, lake.raw_table(table), sha, raw_copy, relative)
                ):
                    _insert_parquet(con, table, raw_copy or checked.direct_insert, sha, relative)
                outcome.copied_from_parquet = True
            else:
                _insert_raw(con, table, sha, _raw_rows(good, contract, sha, relative))
        if file_counts is not None:
            _insert(con, "audit.file_profile", file_counts)
        _insert(con, "quarantine.rows", quarantine)
        if outcome.warnings:
            outcome.message = "; ".join(
                [
                    *([outcome.message] if outcome.message else []),
                    *(f"{relative}: warning: {w}" for w in outcome.warnings),
                ]
            )
        con.execute(
            f"INSERT INTO audit.load_ledger ({LEDGER_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?)",
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
            ],
        ).fetchall()
        lake.flush(con)  # the lake's new segment files and views commit with the ledger
        con.execute("COMMIT").fetchall()
    except Exception:
        _rollback(con)
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
    total = fetch_one(con, f"SELECT count(*) FROM raw.{table}")
    recorded = fetch_one(
        con, "SELECT coalesce(sum(rows_loaded), 0) FROM audit.file_landed_rows WHERE table_name = ?", [table]
    )
    from_files = total is not None and recorded is not None and int(str(total[0])) == int(str(recorded[0]))
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
        _rollback(con)
        raise


def known_agency_ids(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {r[0] for r in con.execute("SELECT agency_id FROM raw.agencies").fetchall()}


def load_table(
    con: duckdb.DuckDBPyConnection,
    landing_dir: Path,
    table: str,
    raw_store: Path | None,
    hold_back_share: float = DEFAULT_HOLD_BACK_SHARE,
) -> list[FileOutcome]:
    """Load every file of one table folder (in name order, so monthly drops stay ordered)."""
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
        for path in _files_of(folder):
            if path.suffix.lower() not in SUPPORTED_SUFFIXES:
                outcomes.append(_unsupported(con, path, table, landing_dir))
                continue
            outcomes.append(load_file(con, path, table, landing_dir, raw_store, known, hold_back_share))
    refresh_landed_rows(con, table)
    return outcomes


def _unsupported(con: duckdb.DuckDBPyConnection, path: Path, table: str, landing_dir: Path) -> FileOutcome:
    """A file of another type in a table folder: rejected, named in the ledger and the run summary."""
    relative = str(path.relative_to(landing_dir))
    sha = sha256_of(path)
    message = f"{relative}: unsupported file type {path.suffix or '(none)'}; expected CSV, XLSX or Parquet"
    con.execute("BEGIN TRANSACTION").fetchall()
    try:
        con.execute(
            "DELETE FROM audit.load_ledger WHERE table_name = ? AND file_sha256 = ? AND status = 'rejected'",
            [table, sha],
        ).fetchall()
        _supersede(con, table, relative, sha, "rejected")
        con.execute(
            f"INSERT INTO audit.load_ledger ({LEDGER_COLUMNS}) VALUES (?, ?, ?, 'rejected', 0, 0, 0, 0, ?, ?, NULL, NULL, NULL)",
            [relative, sha, table, message, datetime.now(UTC).replace(tzinfo=None)],
        ).fetchall()
        lake.flush(con)
        con.execute("COMMIT").fetchall()
    except Exception:
        _rollback(con)
        raise
    return FileOutcome(table, relative, sha, "rejected", message=message)
