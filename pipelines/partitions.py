"""Assessment years (yearly partitions), turnstile months (monthly partitions) and the calendar of runs.

The yearly assessment of year Y runs after the February data deadlines of year Y + 1 (seed 004
para. 39: the monitoring data on late services reaches the Agency by 15 February of the year
after the assessed one), so until 1 March the *open* assessment year is the previous one.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import dagster as dg

FIRST_YEAR = 2020
TIMEZONE = "Asia/Almaty"  # schedules fire on Kazakhstan time
# One partition per year from FIRST_YEAR up to the current year (end_offset=1: the year in progress
# exists too), with no fixed last year: a new year's partition appears on 1 January.
yearly_partitions = dg.TimeWindowPartitionsDefinition(
    cron_schedule="0 0 1 1 *", start=str(FIRST_YEAR), fmt="%Y", timezone=TIMEZONE, end_offset=1
)
# end_offset=1: the current (still incomplete) month exists too, so a turnstile file delivered
# mid-month can be loaded; the monthly schedule itself always asks for the previous month.
monthly_partitions = dg.MonthlyPartitionsDefinition(start_date=f"{FIRST_YEAR}-01-01", end_offset=1)

# Yearly assessment of the previous year: 1 March, after the February deadlines (seed 004 para. 39).
YEARLY_ASSESSMENT_MONTH = 3
YEARLY_ASSESSMENT_DAY = 1
# Monthly turnstile reload of the previous month: the 5th, once the month's export is in.
MONTHLY_RELOAD_DAY = 5
RUN_HOUR = 6


def today_in_kazakhstan() -> date:
    return datetime.now(ZoneInfo(TIMEZONE)).date()


def current_assessment_year(today: date) -> int:
    """The year whose assessment is still open on ``today``: the previous year until 1 March."""
    before_assessment = (today.month, today.day) < (YEARLY_ASSESSMENT_MONTH, YEARLY_ASSESSMENT_DAY)
    return today.year - 1 if before_assessment else today.year


def month_partition_key(year: int, month: int) -> str:
    """Partition key of ``turnstile/overtime_daily`` for a month (``YYYY-MM-01``)."""
    return f"{year:04d}-{month:02d}-01"


def previous_month(today: date) -> tuple[int, int]:
    return (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)


def is_year_partition(year: int, today: date | None = None) -> bool:
    """A year from the first partition up to the current year (end_offset=1)."""
    return FIRST_YEAR <= year <= (today or today_in_kazakhstan()).year


def is_month_partition(year: int, month: int, today: date) -> bool:
    """A month from the first partition up to the current month (end_offset=1)."""
    return (FIRST_YEAR, 1) <= (year, month) <= (today.year, today.month)
