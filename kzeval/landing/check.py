"""Check one landing file without touching the warehouse: read, protect personal data, type, validate.

:func:`check_file` (the full check: every row error named) and :func:`check_typed_parquet`
(the fast path for a clean Parquet file already in the contract's types). Both return a
:class:`CheckedFile`: the rows to land, the quarantine rows and the file's outcome. Used by
the loader and ``kzeval validate``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import polars as pl

from kzeval import pseudonym
from kzeval.contracts import CONTRACTS, TableContract
from kzeval.landing.extracts import EXTRACT_COLUMN, ExtractDateError, extract_date_from_column, extract_date_from_name
from kzeval.landing.ledger import FileOutcome
from kzeval.landing.lookalike import likely_meant
from kzeval.landing.parse import parse_frame
from kzeval.landing.quarantine import (
    CONTEXT_SCHEMA,
    CONTROL_CHARACTERS,
    ERROR_SCHEMA,
    SHOWN_CONTROLS,
    empty_errors,
    empty_quarantine,
    quarantine_rows,
    row_context,
)
from kzeval.landing.reader import (
    ROW_COLUMN,
    FileRejected,
    RawFrame,
    read_landing_file,
    sha256_of,
    xlsx_sheet_with_columns,
)
from kzeval.landing.schemas import POLARS_TYPES, failure_cases

DEFAULT_HOLD_BACK_SHARE = 0.05


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
        return frame, empty_errors(), removed
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
        return empty_errors()
    flagged = frame.select(*[pl.col(c).str.contains_any(CONTROL_CHARACTERS).any().alias(c) for c in text])
    columns = [c for c, hit in flagged.row(0, named=True).items() if hit]
    parts = [
        frame.filter(pl.col(c).str.contains_any(CONTROL_CHARACTERS).fill_null(False)).select(
            pl.col(ROW_COLUMN).alias("row_number"),
            pl.lit(c).alias("column"),
            pl.col(c).str.replace_many(CONTROL_CHARACTERS, SHOWN_CONTROLS).alias("value"),
            pl.lit("control character in the value (e.g. a NUL byte): the row is not loaded").alias("reason"),
        )
        for c in columns
    ]
    return pl.concat(parts) if parts else empty_errors()


def _rejected(table: str, shown: str, sha: str, reason: str, rows: int = 0) -> CheckedFile:
    # a reason may quote the file (a parser's message): never an IIN in the ledger or the logs
    outcome = FileOutcome(
        table, shown, sha, "rejected", rows_total=rows, message=f"{shown}: {pseudonym.mask_iins(reason)}"
    )
    return CheckedFile(outcome, pl.DataFrame(), empty_quarantine())


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
        return empty_errors(), []
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
    except (pseudonym.PseudonymError, PersonalDataUnprotected) as exc:
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
    context = row_context(typed, contract)
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
    quarantine = quarantine_rows(all_errors.sort("row_number", maintain_order=True), table, shown, sha, context)
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
    context = row_context(frame, contract)
    return CheckedFile(outcome, frame, empty_quarantine(), context, None, direct_insert=path)
