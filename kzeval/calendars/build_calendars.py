"""Build the shipped production calendars ``KZ_<year>.csv`` (run once per new year).

    python -m kzeval.calendars.build_calendars [YEAR ...]

Sources, per the data contract's ``calendar`` table (five-day week):

* Public holidays (``holiday``): Law of the RK «О праздниках в Республике Казахстан»
  (Z010000267, arts. 1–5) as encoded in the ``holidays`` package (country ``KZ``), with the
  first day of Kurban ait as announced by the Spiritual Administration of Muslims (ДУМК)
  for each year (``KURBAN_AIT`` below; 2024: 16 June, a Sunday — the Ministry of Labour's
  published 2024 balance assumed 17 June and was corrected in June 2024, so 17 June 2024 was
  worked).
* Days off carried over from a holiday falling on Saturday/Sunday (Labour Code art. 85 /
  Law on holidays art. 5; not for religious holidays): ``weekend`` — a transferred day off.
* Government decrees transferring a day off (``TRANSFER_DECREES`` below): the new day off is
  ``weekend``, the weekend day worked instead is ``workday``.
* Every other Saturday and Sunday is ``weekend``, every other day ``workday``.

The script cross-checks its decree table and Kurban ait dates against the ``holidays``
package and refuses to write a year where they disagree, so a silent package change cannot
alter a shipped calendar.
"""

from __future__ import annotations

import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import holidays
import polars as pl

OUT_DIR = Path(__file__).resolve().parent
YEARS = (2022, 2023, 2024, 2025, 2026)

# (new day off, weekend day worked instead, decree of the Government on adilet.zan.kz) — five-day week only.
TRANSFER_DECREES: tuple[tuple[date, date, str], ...] = (
    (date(2022, 3, 7), date(2022, 3, 5), "adilet P2200000796 (2022)"),
    (date(2022, 8, 29), date(2022, 8, 27), "adilet P2200000796 (2022)"),
    (date(2022, 10, 24), date(2022, 10, 22), "adilet P2200000796 (2022)"),
    (date(2023, 7, 7), date(2023, 7, 1), "adilet P2300000326 (2023)"),
    (date(2024, 5, 8), date(2024, 5, 4), "adilet G24G0000109 (2024)"),
    (date(2025, 1, 3), date(2025, 1, 5), "adilet G24G0000436 (2025)"),
    # 2026: no transfer decree (only carry-overs of holidays falling on a weekend).
)

# First day of Kurban ait (a non-working religious holiday, never carried over).
KURBAN_AIT: dict[int, date] = {
    2022: date(2022, 7, 9),
    2023: date(2023, 6, 28),
    2024: date(2024, 6, 16),
    2025: date(2025, 6, 6),
    2026: date(2026, 5, 27),
}

HOLIDAY_SOURCE = f"holidays {holidays.__version__} (KZ)"


def _package_substitutions(year: int) -> set[tuple[date, date]]:
    """(day off, worked day) pairs the ``holidays`` package knows for ``year``."""
    from holidays.countries.kazakhstan import KazakhstanStaticHolidays

    raw: tuple[Any, ...] = KazakhstanStaticHolidays.special_public_holidays.get(year, ())
    items: tuple[tuple[int, ...], ...] = (raw,) if raw and isinstance(raw[0], int) else raw
    pairs: set[tuple[date, date]] = set()
    for item in items:
        values: tuple[int, ...] = tuple(item)
        to_month, to_day, from_month, from_day = values[:4]
        from_year = values[4] if len(values) > 4 else year
        pairs.add((date(year, to_month, to_day), date(from_year, from_month, from_day)))
    return pairs


def build_year(year: int) -> pl.DataFrame:
    """The calendar of ``year`` as (date, day_type); raises if the sources disagree."""
    with_observed = holidays.country_holidays("KZ", years=year, language="en_US")
    base = holidays.country_holidays("KZ", years=year, language="en_US", observed=False)
    decrees = {(off, worked) for off, worked, _ in TRANSFER_DECREES if off.year == year}
    package = _package_substitutions(year)
    if decrees != package:
        raise SystemExit(
            f"{year}: transfer decrees {sorted(decrees)} differ from the holidays package {sorted(package)}"
        )
    kurban = [d for d, name in base.items() if "Eid al-Adha" in name]
    if year in KURBAN_AIT and kurban != [KURBAN_AIT[year]]:
        raise SystemExit(f"{year}: Kurban ait {KURBAN_AIT[year]} but the holidays package has {kurban}")

    substituted_off = {off for off, _ in decrees}
    worked_weekend = {worked for _, worked in decrees}
    public = {d for d in base if d.year == year and d not in substituted_off}
    days_off = {d for d in with_observed if d.year == year} - public  # carry-overs and decree days off

    rows = []
    day = date(year, 1, 1)
    while day.year == year:
        if day in public:
            day_type = "holiday"
        elif day in days_off:
            day_type = "weekend"
        elif day in worked_weekend:
            day_type = "workday"
        elif day.weekday() >= 5:
            day_type = "weekend"
        else:
            day_type = "workday"
        rows.append((day, day_type))
        day += timedelta(days=1)
    return pl.DataFrame(rows, schema={"date": pl.Date, "day_type": pl.Utf8}, orient="row")


def main(argv: list[str]) -> None:
    years = [int(a) for a in argv] or list(YEARS)
    for year in years:
        frame = build_year(year)
        path = OUT_DIR / f"KZ_{year}.csv"
        frame.write_csv(path)
        workdays = frame.filter(pl.col("day_type") == "workday").height
        print(f"{path.name}: {frame.height} days, {workdays} working days ({HOLIDAY_SOURCE})")


if __name__ == "__main__":
    main(sys.argv[1:])
