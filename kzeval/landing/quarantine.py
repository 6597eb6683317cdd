"""Row errors as ``quarantine.rows``, and the agency and year each landing row belongs to.

Errors are frames of (row_number, column, value, reason); a quarantine row adds the table,
the file and the row's agency and year where readable (they feed ``marts.fct_data_quality``).
Control characters in a shown value are written as ``\\xNN``.
"""

from __future__ import annotations

import polars as pl

from kzeval.contracts import TableContract
from kzeval.landing.reader import ROW_COLUMN
from kzeval.schema import polars_schema

# Control characters other than tab, line feed and carriage return (a NUL byte, an escape, ...).
CONTROL_CHARACTERS = [chr(c) for c in range(32) if c not in (9, 10, 13)] + ["\x7f"]
SHOWN_CONTROLS = [f"\\x{ord(c):02x}" for c in CONTROL_CHARACTERS]
QUARANTINE_SCHEMA = polars_schema("quarantine.rows")
ERROR_SCHEMA = {"row_number": pl.Int64, "column": pl.Utf8, "value": pl.Utf8, "reason": pl.Utf8}
CONTEXT_SCHEMA = {ROW_COLUMN: pl.Int64, "agency_id": pl.Utf8, "year": pl.Int64}


def empty_quarantine() -> pl.DataFrame:
    return pl.DataFrame(schema=QUARANTINE_SCHEMA)


def empty_errors() -> pl.DataFrame:
    return pl.DataFrame(schema=ERROR_SCHEMA)


def quarantine_rows(errors: pl.DataFrame, table: str, path: str, sha: str, context: pl.DataFrame) -> pl.DataFrame:
    """Errors (row_number, column, value, reason) as quarantine rows, with the row's agency and year."""
    if errors.height == 0:
        return empty_quarantine()
    located = errors.select(list(ERROR_SCHEMA)).join(
        context.rename({ROW_COLUMN: "row_number"}), on="row_number", how="left", maintain_order="left"
    )
    return located.select(
        pl.lit(table).alias("table_name"),
        pl.lit(path).alias("file_path"),
        pl.lit(sha).alias("file_sha256"),
        pl.col("row_number").cast(pl.Int64),
        pl.col("column").cast(pl.Utf8).alias("column_name"),
        pl.col("value").cast(pl.Utf8).str.replace_many(CONTROL_CHARACTERS, SHOWN_CONTROLS),
        pl.col("reason").cast(pl.Utf8),
        pl.col("agency_id").cast(pl.Utf8).str.replace_many(CONTROL_CHARACTERS, SHOWN_CONTROLS),
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


def row_context(typed: pl.DataFrame, contract: TableContract) -> pl.DataFrame:
    agency = attribution_agency_column(contract)
    return typed.select(
        pl.col(ROW_COLUMN),
        (pl.col(agency).cast(pl.Utf8) if agency else pl.lit(None, dtype=pl.Utf8)).alias("agency_id"),
        year_expression(contract).alias("year"),
    )


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
