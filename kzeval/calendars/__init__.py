"""Official production calendars of Kazakhstan (five-day week), shipped per year.

``KZ_<year>.csv`` (date, day_type) is built once by ``build_calendars.py`` from the Law on
holidays, the Government's transfer decrees and the ``holidays`` package. A ``calendar``
table in a landing drop overrides the shipped rows for the dates it covers (data contract
``calendar``); a year with no complete calendar cannot be scored, so :func:`load_calendar`
raises :class:`CalendarMissingError` naming the year.
"""

from __future__ import annotations

from datetime import date
from importlib import resources

import polars as pl

DAY_TYPES = ("workday", "weekend", "holiday")
CALENDAR_SCHEMA: dict[str, pl.DataType] = {"date": pl.Date(), "day_type": pl.Utf8()}


class CalendarMissingError(LookupError):
    """No complete production calendar for a year (neither shipped nor in the drop)."""

    def __init__(self, year: int, missing_days: int, detail: str = "") -> None:
        self.year = year
        self.missing_days = missing_days
        message = (
            f"no complete production calendar for {year}: {missing_days} day(s) of {year} have no day_type; "
            f"add a `calendar` table covering {year} to the landing drop"
        )
        super().__init__(f"{message} ({detail})" if detail else message)


def shipped_years() -> list[int]:
    """Years with a calendar file inside the package."""
    names = [p.name for p in resources.files(__package__).iterdir()]
    return sorted(int(n[3:7]) for n in names if n.startswith("KZ_") and n.endswith(".csv"))


def _shipped(year: int) -> pl.DataFrame | None:
    resource = resources.files(__package__).joinpath(f"KZ_{year}.csv")
    if not resource.is_file():
        return None
    return pl.read_csv(resource.read_bytes(), schema=CALENDAR_SCHEMA)


def _days_in_year(year: int) -> int:
    return (date(year + 1, 1, 1) - date(year, 1, 1)).days


def load_calendar(year: int, override: pl.DataFrame | None = None) -> pl.DataFrame:
    """The production calendar of ``year``: one row per day, sorted, typed (date, day_type).

    ``override`` (the drop's ``calendar`` table, any years) replaces shipped rows date by
    date. Raises :class:`CalendarMissingError` when some day of ``year`` is still uncovered.
    """
    parts: list[pl.DataFrame] = []
    shipped = _shipped(year)
    if override is not None and override.height:
        own = override.select(pl.col("date").cast(pl.Date), pl.col("day_type").cast(pl.Utf8)).filter(
            pl.col("date").dt.year() == year
        )
        bad = own.filter(~pl.col("day_type").is_in(DAY_TYPES))
        if bad.height:
            raise ValueError(
                f"calendar {year}: day_type must be one of {DAY_TYPES}, got {bad['day_type'].unique().to_list()}"
            )
        if own["date"].is_duplicated().any():
            raise ValueError(f"calendar {year}: dates listed twice in the override")
        parts.append(own)
    if shipped is not None:
        parts.append(shipped)
    if not parts:
        raise CalendarMissingError(year, _days_in_year(year), "no shipped calendar for this year")
    frame = pl.concat(parts).unique(subset="date", keep="first", maintain_order=True).sort("date")
    missing = _days_in_year(year) - frame.height
    if missing:
        raise CalendarMissingError(year, missing, "the drop's calendar covers only part of the year")
    return frame


def load_calendars(years: range | list[int], override: pl.DataFrame | None = None) -> pl.DataFrame:
    """Several consecutive years concatenated (e.g. a month's look-ahead into January)."""
    return pl.concat([load_calendar(y, override) for y in years])


def count_workdays(calendar: pl.DataFrame, year: int) -> int:
    """d of para. 40(1): working days of ``year`` in a complete calendar."""
    return int(calendar.filter((pl.col("date").dt.year() == year) & (pl.col("day_type") == "workday")).height)
