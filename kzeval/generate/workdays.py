"""Working days of a year (Kazakhstan's public holidays and weekends) for the synthetic drops."""

from __future__ import annotations

import bisect
from datetime import date, timedelta

import holidays


class WorkCalendar:
    """Working days from the `holidays` package (KZ: public holidays and transferred days off).

    The sample only needs to avoid putting weekday presence on an official day off; the
    pipeline itself scores with the calendar kzeval ships.
    """

    def __init__(self, year: int) -> None:
        off = holidays.country_holidays("KZ", years=[year - 1, year, year + 1])
        start, end = date(year - 1, 1, 1), date(year + 1, 12, 31)
        self.workdays: list[date] = []
        day = start
        while day <= end:
            if day.weekday() < 5 and day not in off:
                self.workdays.append(day)
            day += timedelta(days=1)
        self._ordinals = [d.toordinal() for d in self.workdays]
        self.year = year
        self.year_workdays = [d for d in self.workdays if d.year == year]
        self._workday_set = frozenset(self.workdays)

    def workdays_between(self, first: date, last: date) -> int:
        """Working days in [first, last]."""
        lo = bisect.bisect_left(self._ordinals, first.toordinal())
        return bisect.bisect_right(self._ordinals, last.toordinal()) - lo

    def is_workday(self, day: date) -> bool:
        return day in self._workday_set

    def add_workdays(self, day: date, n: int) -> date:
        """The n-th working day after ``day`` (n ≥ 1), as for legal deadlines."""
        i = bisect.bisect_right(self._ordinals, day.toordinal())
        return self.workdays[min(i + n - 1, len(self.workdays) - 1)]
