"""Turn text columns into the contract's types, recording every value that does not parse.

Accepted forms (data-contracts.md): dates ``YYYY-MM-DD`` or ``DD.MM.YYYY``; timestamps ISO
local time or ``DD.MM.YYYY HH:MM[:SS]``; booleans true/false, 1/0, да/нет; decimals with a
point or a comma.
"""

from __future__ import annotations

import polars as pl

from kzeval.contracts import Column, TableContract
from kzeval.landing.reader import ROW_COLUMN
from kzeval.landing.schemas import POLARS_TYPES

EXPECTED = {
    "string": "text",
    "enum": "one of the listed values",
    "hhmm": "HH:MM",
    "date": "YYYY-MM-DD or DD.MM.YYYY",
    "timestamp": "YYYY-MM-DDTHH:MM[:SS] or DD.MM.YYYY HH:MM[:SS]",
    "bool": "true/false, 1/0, да/нет",
    "count": "a whole number",
    "int": "a whole number",
    "decimal": "a number with a decimal point or comma",
}
TRUE_WORDS = ("true", "1", "да", "yes", "t")
FALSE_WORDS = ("false", "0", "нет", "no", "f")


def _text(name: str) -> pl.Expr:
    return pl.col(name).cast(pl.Utf8).str.strip_chars()


def _parse_expr(column: Column) -> pl.Expr:
    raw = _text(column.name)
    empty = raw.is_null() | (raw == "")
    if column.type in ("string", "enum", "hhmm"):
        value = raw
    elif column.type == "date":
        # XLSX date cells arrive as "YYYY-MM-DD 00:00:00": a midnight time is dropped, any other time is an error.
        day = raw.str.replace(r"[ T]00:00(:00)?$", "")
        value = pl.coalesce(
            day.str.strptime(pl.Date, "%Y-%m-%d", strict=False),
            day.str.strptime(pl.Date, "%d.%m.%Y", strict=False),
        )
    elif column.type == "timestamp":
        value = pl.coalesce(
            raw.str.strptime(pl.Datetime("us"), "%Y-%m-%dT%H:%M:%S", strict=False),
            raw.str.strptime(pl.Datetime("us"), "%Y-%m-%d %H:%M:%S", strict=False),
            raw.str.strptime(pl.Datetime("us"), "%Y-%m-%d %H:%M", strict=False),
            raw.str.strptime(pl.Datetime("us"), "%Y-%m-%dT%H:%M", strict=False),
            raw.str.strptime(pl.Datetime("us"), "%d.%m.%Y %H:%M:%S", strict=False),
            raw.str.strptime(pl.Datetime("us"), "%d.%m.%Y %H:%M", strict=False),
        )
    elif column.type == "bool":
        lower = raw.str.to_lowercase()
        value = pl.when(lower.is_in(TRUE_WORDS)).then(True).when(lower.is_in(FALSE_WORDS)).then(False).otherwise(None)
    elif column.type in ("count", "int"):
        value = raw.str.replace(r"[.,]0+$", "").cast(pl.Int64, strict=False)
    elif column.type == "decimal":
        # Thousands separators (space, no-break space) go; a decimal comma becomes a point.
        value = raw.str.replace_all("[ \u00a0\u202f]", "").str.replace(",", ".").cast(pl.Float64, strict=False)
    else:  # pragma: no cover - contract types are closed
        raise ValueError(column.type)
    return pl.when(empty).then(None).otherwise(value).cast(POLARS_TYPES[column.type]).alias(column.name)


def _already_typed(frame: pl.DataFrame, column: Column) -> bool:
    dtype = frame.schema[column.name]
    target = POLARS_TYPES[column.type]
    if column.type == "timestamp":
        return isinstance(dtype, pl.Datetime)
    return bool(dtype == target)


def parse_frame(frame: pl.DataFrame, contract: TableContract) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Return (typed frame, type errors). Errors: row number, column, value, reason."""
    present = [c for c in contract.columns if c.name in frame.columns]
    exprs: list[pl.Expr] = []
    for column in present:
        if _already_typed(frame, column):
            expr = pl.col(column.name)
            if column.type == "timestamp":
                expr = expr.dt.replace_time_zone(None).cast(pl.Datetime("us"))
            exprs.append(expr)
        else:
            exprs.append(_parse_expr(column))
    missing_optional = [
        pl.lit(None, dtype=POLARS_TYPES[c.type]).alias(c.name) for c in contract.columns if c.name not in frame.columns
    ]
    typed = frame.select(pl.col(ROW_COLUMN), *exprs, *missing_optional)
    error_frames = []
    for column in present:
        if _already_typed(frame, column):
            continue
        raw = _text(column.name)
        bad = frame.select(
            pl.col(ROW_COLUMN),
            raw.alias("value"),
            typed[column.name].is_null().alias("_null_after"),
        ).filter(pl.col("value").is_not_null() & (pl.col("value") != "") & pl.col("_null_after"))
        if bad.height:
            error_frames.append(
                bad.select(
                    pl.col(ROW_COLUMN).alias("row_number"),
                    pl.lit(column.name).alias("column"),
                    pl.col("value"),
                    pl.lit(f"not a valid {column.type} ({EXPECTED[column.type]})").alias("reason"),
                )
            )
    errors = (
        pl.concat(error_frames)
        if error_frames
        else pl.DataFrame(schema={"row_number": pl.Int64, "column": pl.Utf8, "value": pl.Utf8, "reason": pl.Utf8})
    )
    return typed, errors
