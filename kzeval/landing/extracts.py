"""Extract dates: which delivery of a record is the newest (data-contracts.md, «Extracts and record updates»).

Source systems deliver record-level tables as repeated extracts; a later extract updates a
record. A file's *extract date* is its ``extracted_on`` column (one date for every row), else
a date in its file name (``…_YYYY-MM-DD.…`` or ``…_YYYY-MM.…``, the month's last day), else
none — then the order in which files are loaded decides.

:func:`newer` is the rule the loader applies key by key between an incoming row and the
row already in ``raw.<table>``.
"""

from __future__ import annotations

import calendar
import re
from datetime import date

import polars as pl

EXTRACT_COLUMN = "extracted_on"
# "_" then the date, then the end of the stem or another separator: appeals_2024-12.csv, a_2024-12-31_v2.csv
_NAME_DATE = re.compile(r"_(\d{4})-(\d{2})(?:-(\d{2}))?(?=$|[._\- ])")


class ExtractDateError(ValueError):
    """The file's ``extracted_on`` cannot be used (not a date, or not one date for the whole file)."""


def extract_date_from_name(stem: str) -> date | None:
    """The last ``_YYYY-MM-DD`` or ``_YYYY-MM`` (month's last day) in a file's stem; None if none is valid."""
    found = None
    for match in _NAME_DATE.finditer(stem):
        year, month, day = int(match.group(1)), int(match.group(2)), match.group(3)
        if not 1 <= month <= 12:
            continue
        last = calendar.monthrange(year, month)[1]
        if day is None:
            found = date(year, month, last)
        elif 1 <= int(day) <= last:
            found = date(year, month, int(day))
    return found


def extract_date_from_column(values: pl.Series) -> date | None:
    """The one date of an ``extracted_on`` column (text or date); None when the column is empty.

    Raises :class:`ExtractDateError` when a value is not a date or the rows carry different dates.
    """
    if values.dtype == pl.Date:
        parsed = values
    elif isinstance(values.dtype, pl.Datetime):
        parsed = values.dt.date()
    else:
        text = values.cast(pl.Utf8).str.strip_chars()
        text = pl.Series(values.name, text).replace("", None)
        day = text.str.replace(r"[ T]00:00(:00)?$", "")
        parsed = pl.select(
            pl.coalesce(
                day.str.strptime(pl.Date, "%Y-%m-%d", strict=False),
                day.str.strptime(pl.Date, "%d.%m.%Y", strict=False),
            )
        ).to_series()
        bad = text.is_not_null() & parsed.is_null()
        if bad.any():
            raise ExtractDateError(
                f"{EXTRACT_COLUMN}: {text.filter(bad)[0]!r} is not a date (YYYY-MM-DD or DD.MM.YYYY)"
            )
    distinct = parsed.drop_nulls().unique().sort()
    if distinct.len() > 1:
        raise ExtractDateError(
            f"{EXTRACT_COLUMN} must be one date for the whole file, found {distinct.len()} "
            f"({distinct[0]} … {distinct[-1]})"
        )
    return distinct[0] if distinct.len() else None


def newer(incoming: date | None, existing: date | None) -> bool | None:
    """Whether an incoming row replaces the loaded one with the same key (values differ).

    True: the incoming file is the newer extract (a later date, or either date unknown — then
    the file loaded later is the newer one). False: it is an older extract arriving late, kept
    as history. None: the same extract date — a conflicting duplicate.
    """
    if incoming is None or existing is None:
        return True
    if incoming == existing:
        return None
    return incoming > existing
