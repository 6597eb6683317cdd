"""The sample's ONE employee population, shared by every personnel table and the turnstile (pseudonymous ids, never IINs)."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from kzeval.generate.sample.draws import BodyRngs, date_in, lerp, poisson
from kzeval.generate.sample.profile import QUALITY
from kzeval.generate.sample.units import Unit
from kzeval.generate.workdays import WorkCalendar

_SIZES = {  # employees in post on 1 January per unit, by level (min, max)
    ("CGO", "central", True): (15, 18),
    ("CGO", "central", False): (5, 7),
    ("CGO", "territorial", False): (5, 8),
    ("MIO", "oblast", True): (23, 27),
    ("MIO", "city", True): (23, 27),
    ("MIO", "oblast", False): (7, 10),
    ("MIO", "district", False): (5, 7),
    ("MIO", "rural", False): (2, 3),
}
_CATEGORIES = {  # (leader categories, other categories) by level; for the assessed MIO apparatus use "apparatus"
    "central": (("B-3", "B-4", "B-5"), ("B-6",)),
    "committee": (("C-1", "C-2", "C-3"), ("C-4", "C-5")),
    "territorial": (("C-O-1", "C-O-2", "C-O-3"), ("C-O-5", "C-O-6")),
    "apparatus": (("D-1", "D-3"), ("D-4", "D-5")),
    "oblast": (("D-O-1", "D-O-2", "D-O-3"), ("D-O-4", "D-O-5")),
    "district": (("E-1", "E-2"), ("E-3", "E-4")),
    "rural": (("E-G-1",), ("E-G-3",)),
}


@dataclass(frozen=True)
class Employee:
    employee_id: str
    unit: Unit
    gender: str
    corps: str
    category: str
    is_leadership: bool
    hired_on: date
    left_on: date | None
    absences: frozenset[date]  # workdays of the assessment year on vacation or sick leave
    overtime_factor: float  # personal propensity to stay late

    def active_on(self, day: date) -> bool:
        return self.hired_on <= day and (self.left_on is None or day <= self.left_on)


def _category_key(unit: Unit) -> str:
    if unit.body_type == "MIO" and unit.is_assessed:
        return "apparatus"
    if unit.level == "central" and not unit.is_assessed:
        return "committee"
    return unit.level


def _absences(rng: random.Random, cal: WorkCalendar) -> frozenset[date]:
    """One vacation block of 15–24 working days (mostly summer) plus a few sick days."""
    days = cal.year_workdays
    month = rng.choices(range(1, 13), weights=(2, 2, 3, 4, 6, 10, 14, 14, 6, 4, 3, 4))[0]
    first = next(i for i, d in enumerate(days) if d.month == month) + rng.randint(0, 15)
    length = rng.randint(15, 24)
    out = set(days[min(first, len(days) - 1) : first + length])
    for _ in range(poisson(rng, 3.0)):
        out.add(days[rng.randrange(len(days))])
    return frozenset(out)


def build_population(units: Sequence[Unit], cal: WorkCalendar, seed: int) -> list[Employee]:
    """One roster for the whole sample: staff in post on 1 January, leavers, their replacements."""
    rngs = BodyRngs(seed, "population")
    year = cal.year
    counter = 0

    def next_id() -> str:
        nonlocal counter
        counter += 1
        return f"E{counter:06d}"

    people: list[Employee] = []
    replacements: list[tuple[Unit, str, str, bool, date]] = []
    for unit in units:
        rng = rngs[unit.body_id]
        q = QUALITY[unit.body_id].hr
        lo, hi = _SIZES[(unit.body_type, unit.level, unit.is_assessed)]
        size = rng.randint(lo, hi)
        leaders, others = _CATEGORIES[_category_key(unit)]
        n_leaders = max(1, round(size * 0.22))
        turnover = lerp(0.14, 0.02, q)
        for i in range(size):
            is_leader = i < n_leaders
            corps = "A" if unit.is_assessed and i == 0 else "B"
            if corps == "A":
                category = "A-1" if unit.body_type == "CGO" else "A-3"
            else:
                category = leaders[min(i, len(leaders) - 1)] if is_leader else rng.choice(others)
            female_p = lerp(0.18, 0.45, q) if is_leader else 0.58
            gender = "F" if rng.random() < female_p else "M"
            tenure_years = rng.choices((0, 1, 2, 4, 7, 12, 20), weights=(8, 10, 10, 20, 20, 20, 12))[0]
            hired = date(year - 1 - tenure_years, 1, 1) + timedelta(days=rng.randint(0, 364))
            left: date | None = None
            if rng.random() < turnover:
                left = date_in(rng, date(year, 1, 20), date(year, 12, 20))
                if rng.random() < 0.85:
                    start = left + timedelta(days=rng.randint(20, 75))
                    if start <= date(year, 12, 15):
                        replacements.append((unit, category, gender, is_leader, start))
            factor = rng.lognormvariate(0, 0.35) * (1.5 if is_leader else 1.0)
            people.append(
                Employee(next_id(), unit, gender, corps, category, is_leader, hired, left, _absences(rng, cal), factor)
            )
        if unit.is_assessed:  # one employee who already left last year (ignored for this year's scores)
            hired = date(year - 6, 3, 1) + timedelta(days=rng.randint(0, 900))
            left = date_in(rng, date(year - 1, 9, 1), date(year - 1, 12, 20))
            people.append(Employee(next_id(), unit, "M", "B", others[0], False, hired, left, frozenset(), 1.0))
    for unit, category, gender, is_leader, start in replacements:
        rng = rngs[unit.body_id]
        absences = frozenset(d for d in _absences(rng, cal) if d >= start)
        factor = rng.lognormvariate(0, 0.35)
        people.append(Employee(next_id(), unit, gender, "B", category, is_leader, start, None, absences, factor))
    return people
