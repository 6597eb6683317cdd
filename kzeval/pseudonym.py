"""Keyed pseudonyms for employees: the IIN never leaves the landing step in clear.

Sources may identify an employee by IIN (ИИН, 12 digits) in a column ``iin``. On landing the
IIN is replaced by ``employee_id`` = ``p_`` + the first 16 hex digits of HMAC-SHA256(key, IIN),
and name columns are dropped (data-contracts.md, general rules). A keyed hash, unlike a plain
hash, cannot be reversed by hashing all ~10^12 possible IINs without the key; the same key
gives the same pseudonym in every file and year, so records still join.

The key comes from the environment and is never committed. :func:`demo_key` exists for the
embedded demo and the tests only and must be asked for explicitly.

Speed: HMAC runs once per *distinct* value (≈ 92k employees nationally), the result is mapped
back onto the column, so millions of rows cost little more than the distinct count.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from pathlib import Path
from typing import overload

import polars as pl

KEY_ENV = "KZEVAL_PSEUDONYM_KEY"
KEY_FILE_ENV = "KZEVAL_PSEUDONYM_KEY_FILE"
MIN_KEY_BYTES = 16

PSEUDONYM_PREFIX = "p_"
# 16 hex digits = 64 bits: for 10^5 employees the chance of any collision is ~3·10^-10.
PSEUDONYM_HEX_DIGITS = 16

IIN_COLUMN = "iin"
EMPLOYEE_ID_COLUMN = "employee_id"
IIN_ERROR_COLUMN = "iin_error"
IIN_DIGITS = 12
IIN_PATTERN = r"^\s*[0-9]{12}\s*$"
# Columns that would carry a person's name; dropped on landing (case-insensitive match).
NAME_COLUMNS = frozenset(
    {
        "full_name",
        "fullname",
        "name",
        "surname",
        "first_name",
        "last_name",
        "middle_name",
        "patronymic",
        "fio",
        "фио",
    }
)

_DEMO_KEY = b"kzeval-DEMO-pseudonym-key-NOT-SECRET-never-use-for-real-data"


class PseudonymKeyError(RuntimeError):
    """No usable pseudonym key in the environment."""


class PseudonymError(ValueError):
    """A frame cannot be pseudonymised as it stands (e.g. both `iin` and `employee_id`)."""


def demo_key() -> bytes:
    """A public, non-secret key for ``kzeval demo`` and tests. Never for real data."""
    return _DEMO_KEY


def load_pseudonym_key() -> bytes:
    """The key from ``KZEVAL_PSEUDONYM_KEY`` (the key itself) or ``KZEVAL_PSEUDONYM_KEY_FILE`` (a path).

    Refuses to fall back to anything: without a key the IINs cannot be replaced consistently,
    so landing must stop. Raises :class:`PseudonymKeyError` with what to set.
    """
    value = os.environ.get(KEY_ENV)
    path = os.environ.get(KEY_FILE_ENV)
    if value and path:
        raise PseudonymKeyError(f"set only one of {KEY_ENV} and {KEY_FILE_ENV}, not both")
    if value:
        key = value.strip().encode("utf-8")
        origin = KEY_ENV
    elif path:
        try:
            key = Path(path).expanduser().read_bytes().strip()
        except OSError as exc:
            raise PseudonymKeyError(f"{KEY_FILE_ENV}={path!r}: cannot read the key file ({exc.strerror})") from exc
        origin = f"{KEY_FILE_ENV} ({path})"
    else:
        raise PseudonymKeyError(
            f"no pseudonym key: set {KEY_ENV} to a secret of at least {MIN_KEY_BYTES} bytes, "
            f"or {KEY_FILE_ENV} to a file holding it (the demo uses a built-in demo key)"
        )
    if len(key) < MIN_KEY_BYTES:
        raise PseudonymKeyError(f"pseudonym key from {origin} is shorter than {MIN_KEY_BYTES} bytes")
    if hmac.compare_digest(key, _DEMO_KEY):
        raise PseudonymKeyError(f"pseudonym key from {origin} is the public demo key; use a real secret")
    return key


def _hmac_pseudonyms(texts: list[str], key: bytes) -> list[str]:
    """``p_`` + truncated HMAC-SHA256 hex of each text (UTF-8); the keyed state is built once."""
    base = hmac.new(key, digestmod=hashlib.sha256)
    result: list[str] = []
    for text in texts:
        mac = base.copy()
        mac.update(text.encode("utf-8"))
        result.append(PSEUDONYM_PREFIX + mac.hexdigest()[:PSEUDONYM_HEX_DIGITS])
    return result


def _pseudonymise_series(values: pl.Series, key: bytes) -> pl.Series:
    """HMAC each distinct non-null value once (as text), then map back; nulls stay null."""
    text = values if values.dtype == pl.Utf8 else values.cast(pl.Utf8)
    distinct = text.drop_nulls().unique()
    lookup = pl.DataFrame(
        {"value": distinct, "pseudonym": pl.Series(_hmac_pseudonyms(distinct.to_list(), key), dtype=pl.Utf8)},
        schema={"value": pl.Utf8, "pseudonym": pl.Utf8},
    )
    mapped = (
        text.rename("value")
        .to_frame()
        .join(lookup, on="value", how="left", maintain_order="left")
        .get_column("pseudonym")
    )
    return mapped.rename(values.name)


def _pseudonymise_iin_numbers(numbers: pl.Series, key: bytes) -> pl.Series:
    """Pseudonyms of 12-digit IINs held as integers (distinct integers are far cheaper than strings).

    Each IIN is hashed as its 12-digit text, so the result equals ``pseudonymise`` of the text.
    """
    distinct = numbers.drop_nulls().unique()
    texts = [f"{number:0{IIN_DIGITS}d}" for number in distinct.to_list()]
    pseudonyms = pl.Series(_hmac_pseudonyms(texts, key), dtype=pl.Utf8)
    lookup = pl.DataFrame({"number": distinct, "pseudonym": pseudonyms})
    mapped = (
        numbers.rename("number")
        .to_frame()
        .join(lookup, on="number", how="left", maintain_order="left")
        .get_column("pseudonym")
    )
    return mapped.rename(numbers.name)


@overload
def pseudonymise(values: pl.Series, key: bytes) -> pl.Series: ...
@overload
def pseudonymise(values: pl.Expr, key: bytes) -> pl.Expr: ...
def pseudonymise(values: pl.Series | pl.Expr, key: bytes) -> pl.Series | pl.Expr:
    """``p_`` + 16 hex digits of HMAC-SHA256(key, value as text) per value; null stays null.

    Values are hashed exactly as given (no trimming); :func:`replace_iin_column` trims IINs first.
    """
    if not key:
        raise PseudonymKeyError("empty pseudonym key")
    if isinstance(values, pl.Expr):
        return values.map_batches(lambda s: _pseudonymise_series(s, key), return_dtype=pl.Utf8)
    return _pseudonymise_series(values, key)


def iin_is_valid(column: str = IIN_COLUMN) -> pl.Expr:
    """True for a 12-digit IIN (surrounding blanks allowed); null or anything else is False.

    Only the shape is checked, not the control digit: the synthetic generator does not
    produce valid check digits, and a wrong digit is still a stable identity. Read the column
    as text: an IIN read as a number has lost its leading zero and is reported as malformed.
    """
    return pl.col(column).cast(pl.Utf8).str.contains(IIN_PATTERN).fill_null(False)


def _iin_error_expr(column: str) -> pl.Expr:
    """Reason text for a malformed IIN that names only its shape, never its digits."""
    text = pl.col(column).cast(pl.Utf8).str.strip_chars()
    return (
        pl.when(text.is_null() | (text == ""))
        .then(pl.lit("iin: missing"))
        .otherwise(
            pl.format(
                "iin: expected 12 digits, got {} characters ({} digits)",
                text.str.len_chars(),
                text.str.count_matches(r"[0-9]"),
            )
        )
    )


def name_columns(frame: pl.DataFrame) -> list[str]:
    """Columns of ``frame`` that look like a person's name (dropped on landing)."""
    return [c for c in frame.columns if c.strip().lower() in NAME_COLUMNS]


def replace_iin_column(frame: pl.DataFrame, key: bytes) -> pl.DataFrame:
    """Replace ``iin`` by ``employee_id`` pseudonyms and drop name columns.

    The returned frame holds no IIN in any form. Rows whose IIN is malformed (not 12 digits,
    or missing) get ``employee_id`` = null and a reason in the added column ``iin_error``
    (null on good rows), which the loader turns into row-level quarantine entries (column
    ``iin``) before dropping ``iin_error``. The IIN is deliberately not kept for the quarantine:
    a mistyped IIN is still personal data.

    A frame with no ``iin`` column only loses its name columns (and gets no ``iin_error``).
    A frame with both ``iin`` and ``employee_id`` is ambiguous: :class:`PseudonymError`.
    """
    dropped = name_columns(frame)
    if IIN_COLUMN not in frame.columns:
        return frame.drop(dropped)
    if EMPLOYEE_ID_COLUMN in frame.columns:
        raise PseudonymError(
            f"both {IIN_COLUMN!r} and {EMPLOYEE_ID_COLUMN!r} present: deliver one identifier per employee"
        )
    valid = frame.select(iin_is_valid(IIN_COLUMN)).to_series()
    text = pl.col(IIN_COLUMN).cast(pl.Utf8)
    numbers = frame.select(pl.when(valid).then(text.cast(pl.UInt64, strict=False))).to_series()
    if (valid & numbers.is_null()).any():  # blanks around some IINs: trim only then (costly on millions)
        numbers = frame.select(pl.when(valid).then(text.str.strip_chars().cast(pl.UInt64, strict=False))).to_series()
    if valid.all():
        errors = pl.repeat(None, frame.height, dtype=pl.Utf8, eager=True)
    else:
        errors = frame.select(pl.when(valid).then(None).otherwise(_iin_error_expr(IIN_COLUMN))).to_series()
    result = frame.with_columns(
        _pseudonymise_iin_numbers(numbers, key).alias(EMPLOYEE_ID_COLUMN),
        errors.alias(IIN_ERROR_COLUMN),
    )
    # The identifier takes the IIN's place, for readable raw tables; the IIN itself is gone.
    ordered = [EMPLOYEE_ID_COLUMN if c == IIN_COLUMN else c for c in frame.columns if c not in dropped]
    return result.select([*ordered, IIN_ERROR_COLUMN])
