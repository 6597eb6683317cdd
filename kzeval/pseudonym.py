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
import re
from pathlib import Path
from typing import overload

import polars as pl

from kzeval.settings import PSEUDONYM_KEY_ENV, PSEUDONYM_KEY_FILE_ENV, Settings

KEY_ENV = PSEUDONYM_KEY_ENV
KEY_FILE_ENV = PSEUDONYM_KEY_FILE_ENV
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

# Spellings of the IIN column read as ``iin`` (names are lower-cased on reading).
IIN_ALIASES = frozenset({"iin", "иин", "жсн"})
# A value holding an IIN: 12 digits, possibly separated by a space, hyphen or dot ("970120 313144"),
# not part of a longer number. Polars (Rust regex) has no look-around: the boundaries are matched.
IIN_SHAPED = r"(?:^|[^0-9])[0-9](?:[ .\-\u00a0]?[0-9]){11}(?:[^0-9]|$)"
_IIN_CORE = r"([0-9](?:[ .\-\u00a0]?[0-9]){11})"
_IIN_TEXT = re.compile(r"(?<![0-9])[0-9](?:[ .\-\u00a0]?[0-9]){11}(?![0-9])")
# Parts of a column name that mean a person's name, in Russian, Kazakh or English (issue 16 item 3):
# fio, ФИО, name, employee_name, фамилия, имя, отчество, аты-жөні, тегі, surname, patronymic, ...
_NAME_PARTS = re.compile(
    r"name|fio|f\.i\.o|фио|ф\.и\.о|фамил|имя|отчеств|surname|patronym|аты|тегі|есім", re.IGNORECASE
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
    settings = Settings.from_env()
    value, path = settings.pseudonym_key, settings.pseudonym_key_file
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


def is_name_column(column: str, contract_columns: frozenset[str] | set[str] = frozenset()) -> bool:
    """A column that may carry a person's name: not a contract column, and named like one in any language."""
    name = column.strip().lower()
    if name in contract_columns:
        return False
    return name in NAME_COLUMNS or bool(_NAME_PARTS.search(name))


def name_columns(frame: pl.DataFrame, contract_columns: frozenset[str] | set[str] = frozenset()) -> list[str]:
    """Columns of ``frame`` that look like a person's name (dropped on landing)."""
    return [c for c in frame.columns if is_name_column(c, contract_columns)]


def mask_iins(text: str) -> str:
    """``text`` with every IIN-shaped number replaced by ``[ИИН]`` (for messages and logs)."""
    return _IIN_TEXT.sub("[ИИН]", text)


def _pseudonym_shaped(column: str) -> pl.Expr:
    """``p_`` + 16 characters: a pseudonym (its hex digits may by chance look like an IIN; it is not one)."""
    text = pl.col(column)
    return text.str.starts_with(PSEUDONYM_PREFIX) & (
        text.str.len_bytes() == len(PSEUDONYM_PREFIX) + PSEUDONYM_HEX_DIGITS
    )


def iin_shaped(column: str) -> pl.Expr:
    """True where a text value holds an IIN-shaped number anywhere (see ``IIN_SHAPED``); pseudonyms excepted."""
    return (pl.col(column).str.contains(IIN_SHAPED) & ~_pseudonym_shaped(column)).fill_null(False)


def integer_iin_shaped(column: str) -> pl.Expr:
    """True where an integer could be an IIN read as a number (11–12 digits: a leading zero is lost)."""
    return pl.col(column).is_between(10**10, 10**12 - 1).fill_null(False)


def columns_with_iins(frame: pl.DataFrame, skip: frozenset[str] | set[str] = frozenset()) -> list[str]:
    """Text columns holding an IIN-shaped value, and integer columns holding an IIN-sized number.

    Vectorised and staged so that clean national files cost little (no per-row Python): a
    column whose longest value is under 12 bytes, or whose values are all pseudonyms, is not
    searched; otherwise the regex runs only on the values that could hold an IIN.
    """
    text = [c for c, t in frame.schema.items() if t == pl.Utf8 and c not in skip]
    integers = [c for c, t in frame.schema.items() if t.is_integer() and c not in skip]
    if not text and not integers:
        return []
    hits = (
        [
            c
            for c, hit in frame.select(*[integer_iin_shaped(c).any().alias(c) for c in integers])
            .row(0, named=True)
            .items()
            if hit
        ]
        if integers
        else []
    )
    if not text:
        return hits
    longest = frame.select(*[pl.col(c).str.len_bytes().max().alias(c) for c in text]).row(0, named=True)
    text = [c for c in text if (longest[c] or 0) >= IIN_DIGITS]
    if not text:
        return hits
    candidate = {c: (pl.col(c).str.len_bytes() >= IIN_DIGITS) & ~_pseudonym_shaped(c) for c in text}
    found = frame.select(*[pl.col(c).filter(candidate[c]).str.contains(IIN_SHAPED).any().alias(c) for c in text]).row(
        0, named=True
    )
    return [*hits, *(c for c, hit in found.items() if hit)]


def scrub_iins(frame: pl.DataFrame, columns: list[str], key: bytes) -> pl.DataFrame:
    """Replace every IIN-shaped value in ``columns`` by its keyed pseudonym (text columns: in place in the text).

    The pseudonym is that of the 12 digits without separators, so an IIN delivered in
    ``employee_id`` (or in a comment) gets the same ``p_…`` as the same IIN delivered in ``iin``.
    HMAC runs once per distinct IIN; the replacement is vectorised (``str.replace_many``).
    """
    replaced = []
    for column in columns:
        values = frame.get_column(column)
        if values.dtype.is_integer():
            digits = frame.filter(integer_iin_shaped(column)).get_column(column).unique().to_list()
            texts = [f"{int(v):0{IIN_DIGITS}d}" for v in digits]
            lookup = dict(zip(digits, _hmac_pseudonyms(texts, key), strict=True))
            replaced.append(
                frame.select(
                    pl.when(integer_iin_shaped(column))
                    .then(pl.col(column).replace_strict(lookup, default=None, return_dtype=pl.Utf8))
                    .otherwise(pl.col(column).cast(pl.Utf8))
                    .alias(column)
                ).to_series()
            )
            continue
        pseudonymous = frame.select(_pseudonym_shaped(column).fill_null(False)).to_series()
        text = values
        # adjacent IINs share a boundary character: a second pass finds those the first one skipped
        for _ in range(3):
            found = (
                text.filter(~pseudonymous)
                .str.extract_all(IIN_SHAPED)
                .explode()
                .drop_nulls()
                .str.extract(_IIN_CORE, 1)
                .drop_nulls()
                .unique()
            )
            if found.len() == 0:
                break
            cores = found.to_list()
            pseudonyms = _hmac_pseudonyms([re.sub(r"[^0-9]", "", c) for c in cores], key)
            text = pl.select(
                pl.when(pseudonymous).then(text).otherwise(text.str.replace_many(cores, pseudonyms))
            ).to_series()
        replaced.append(text.alias(column))
    return frame.with_columns(replaced) if replaced else frame


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
