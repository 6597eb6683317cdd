"""Deterministic, realistic SAMPLE landing drop (≈10 CGO + ≈10 MIO) for `kzeval demo`, tests and CI.

Every figure is synthetic but shaped so that the scores spread across the efficiency tiers:
each assessed body has a *quality* per direction (0 = poor … 1 = excellent) that drives its
rates (late services, late reviews, overtime, survey answers …). The same seed always gives
byte-identical files: one ``random.Random`` per (table, assessed body) seeded with a string
(hashed with SHA-512 by Python, so independent of ``PYTHONHASHSEED``), deterministic
iteration order, no clock; tuning one body never shifts another's figures. Employees are
pseudonymous (``E000123``, never IINs) and form ONE population shared by ``employees``,
``turnstile_events``, ``overtime_orders``, ``corps_b_evaluations``, ``training``,
``dismissals``, ``qualifications`` and ``promotions`` (survey respondents are anonymous).

The national-scale generators are separate modules of this package; the sample keeps its
own small turnstile generator (≈25 employees per assessed body's central office, every
working day of the year minus vacations, total < 300k events).
"""

from __future__ import annotations

import bisect
import csv
import math
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import holidays

from kzeval.contracts import CONTRACTS
from kzeval.generate import names
from kzeval.methodology.corps_b_2025 import EDITION_FROM as CORPS_B_EDITION_FROM

SKIPPED_TABLES = ("calendar", "corrections")
"""Not written: kzeval ships the calendars; corrections come from the special commission."""


@dataclass(frozen=True)
class Quality:
    """How well a body performs per direction, 0 (poor) … 1 (excellent)."""

    services: float
    openness: float
    appeals: float
    hr: float
    it: float


# Quality per body; the comment is the tier it is tuned to reach (interaction / org development).
QUALITY: dict[str, Quality] = {
    "CGO-MF": Quality(0.95, 0.95, 0.95, 0.92, 0.95),  # Высокая / Высокая
    "CGO-MNE": Quality(0.65, 0.80, 0.70, 0.90, 0.90),  # Средняя / Высокая
    "CGO-MJ": Quality(0.60, 0.70, 0.60, 0.60, 0.70),  # Средняя / Средняя
    "CGO-MZ": Quality(0.75, 0.65, 0.70, 0.20, 0.30),  # Средняя / Низкая
    "CGO-MP": Quality(0.30, 0.45, 0.35, 0.60, 0.60),  # Низкая (late services) / Средняя
    "CGO-MTSZN": Quality(0.65, 0.70, 0.70, 0.65, 0.60),  # Средняя / Средняя
    "CGO-MCRIAP": Quality(0.97, 0.90, 0.92, 0.85, 1.00),  # Высокая / Высокая
    "CGO-MSH": Quality(0.55, 0.60, 0.55, 0.55, 0.55),  # Средняя / Средняя
    "CGO-MEPR": Quality(0.60, 0.65, 0.65, 0.65, 0.65),  # Средняя / Средняя
    "CGO-MCHS": Quality(0.65, 0.70, 0.70, 0.70, 0.70),  # Средняя / Средняя
    "MIO-71": Quality(0.95, 0.95, 0.95, 0.90, 0.95),  # Высокая / Высокая
    "MIO-75": Quality(0.92, 0.90, 0.92, 0.70, 0.75),  # Высокая / Средняя
    "MIO-79": Quality(0.65, 0.70, 0.65, 0.60, 0.60),  # Средняя / Средняя
    "MIO-35": Quality(0.70, 0.75, 0.70, 0.65, 0.70),  # Средняя / Средняя
    "MIO-11": Quality(0.65, 0.70, 0.70, 0.90, 0.90),  # Средняя / Высокая
    "MIO-61": Quality(0.0, 0.10, 0.0, 0.10, 0.0),  # Неэффективная / Неэффективная
    "MIO-63": Quality(0.60, 0.65, 0.60, 0.60, 0.60),  # Средняя / Средняя
    "MIO-55": Quality(0.65, 0.70, 0.70, 0.70, 0.65),  # Средняя / Средняя
    "MIO-47": Quality(0.30, 0.40, 0.30, 0.55, 0.60),  # Низкая (late services) / Средняя
    "MIO-10": Quality(0.60, 0.60, 0.65, 0.62, 0.55),  # Средняя / Средняя
}
INTENDED_TIERS: dict[str, tuple[str, str]] = {
    # (interaction, org_development) efficiency tier the body lands in with the default readings
    # (checked with an independent rough scorer: for seed 42 every body is ≥ 2.5 points clear of a tier
    # edge; other seeds keep the spread but a borderline body may move). Codes as in fct_block_scores.
    "CGO-MF": ("high", "high"),
    "CGO-MNE": ("medium", "high"),
    "CGO-MJ": ("medium", "medium"),
    "CGO-MZ": ("medium", "low"),
    "CGO-MP": ("low", "medium"),
    "CGO-MTSZN": ("medium", "medium"),
    "CGO-MCRIAP": ("high", "high"),
    "CGO-MSH": ("medium", "medium"),
    "CGO-MEPR": ("medium", "medium"),
    "CGO-MCHS": ("medium", "medium"),
    "MIO-71": ("high", "high"),
    "MIO-75": ("high", "medium"),
    "MIO-79": ("medium", "medium"),
    "MIO-35": ("medium", "medium"),
    "MIO-11": ("medium", "high"),
    "MIO-61": ("ineffective", "ineffective"),
    "MIO-63": ("medium", "medium"),
    "MIO-55": ("medium", "medium"),
    "MIO-47": ("low", "medium"),
    "MIO-10": ("medium", "medium"),
}
HIGH_LATENESS = ("CGO-MP", "MIO-47", "MIO-61")  # service lateness far above a few per 10 000
INSPECTED = ("CGO-MZ", "MIO-35")  # state control inspection results differ from monitoring
SUBORDINATE_PENALTY = ("CGO-MZ", "CGO-MP", "CGO-MSH")  # P7 penalties (CGO only)
# openness_points.not_assessed (para. 67): the emergencies ministry's draft budget programmes and
# the comments on them carry the «ДСП» mark, so it receives the CGO average on Table 2 items 8–10.
NOT_ASSESSED: dict[tuple[str, str, str], str] = {
    ("CGO-MCHS", "open_budget", item): "dsp_budget" for item in ("8", "9", "10")
}
OUTAGE_BODIES = ("CGO-MF", "CGO-MTSZN", "MIO-79")  # months with a confirmed IS failure


# ----------------------------------------------------------------------------------------
# Agencies
# ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Unit:
    """One row of ``agencies`` plus the assessed body it rolls up to (``body_id``)."""

    agency_id: str
    name_ru: str
    name_kk: str
    body_type: str
    parent_agency_id: str | None
    is_assessed: bool
    region_code: str | None
    level: str
    workday_end: str
    body_id: str

    @property
    def is_apparatus(self) -> bool:
        """Para. 40(1) headcount unit: a CGO's central office and its committees' central offices;
        a MIO's akim apparatus (the assessed akimat itself), not its departments (управления)."""
        return self.level == "central" if self.body_type == "CGO" else self.is_assessed

    @property
    def in_turnstile(self) -> bool:
        """Sample turnstile covers the central office: CGO central apparatus + committees, MIO akimat."""
        return self.level == "central" or (self.body_type == "MIO" and self.is_assessed)


def build_units() -> list[Unit]:
    """The sample hierarchy: ministries → committees → territorial departments; akimats → departments → district → rural."""
    units: list[Unit] = []
    for cgo in names.CENTRAL_BODIES:
        body = f"CGO-{cgo.code}"
        end = cgo.workday_end
        units.append(Unit(body, cgo.name_ru, cgo.name_kk, "CGO", None, True, None, "central", end, body))
        for com in cgo.committees:
            units.append(
                Unit(f"{body}-{com.code}", com.name_ru, com.name_kk, "CGO", body, False, None, "central", end, body)
            )
        terr = cgo.territorial
        parent = f"{body}-{terr.parent_code}" if terr.parent_code else body
        for code in terr.regions:
            region = names.REGIONS[code]
            units.append(
                Unit(
                    f"{parent}-{code}",
                    names.fill(terr.pattern_ru, region),
                    names.fill(terr.pattern_kk, region),
                    "CGO",
                    parent,
                    False,
                    code,
                    "territorial",
                    "18:30",
                    body,
                )
            )
    for mio in names.LOCAL_BODIES:
        region = names.REGIONS[mio.region_code]
        body = f"MIO-{region.code}"
        name_ru, name_kk = names.akimat_names(region)
        level = "city" if region.is_city else "oblast"
        units.append(Unit(body, name_ru, name_kk, "MIO", None, True, region.code, level, mio.workday_end, body))
        for code, pattern_ru, pattern_kk in names.REGIONAL_DEPARTMENTS:
            units.append(
                Unit(
                    f"{body}-{code}",
                    names.fill(pattern_ru, region),
                    names.fill(pattern_kk, region),
                    "MIO",
                    body,
                    False,
                    region.code,
                    "oblast",
                    "18:30",
                    body,
                )
            )
        district = f"{body}-D1"
        units.append(
            Unit(district, mio.district_ru, mio.district_kk, "MIO", body, False, region.code, "district", "18:30", body)
        )
        if mio.rural_ru:
            units.append(
                Unit(
                    f"{district}-R1",
                    mio.rural_ru,
                    mio.rural_kk,
                    "MIO",
                    district,
                    False,
                    region.code,
                    "rural",
                    "18:00",
                    body,
                )
            )
    return units


# ----------------------------------------------------------------------------------------
# Calendar and random helpers
# ----------------------------------------------------------------------------------------


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


def _rng(seed: int, name: str) -> random.Random:
    return random.Random(f"kzeval-sample:{seed}:{name}")


class _BodyRngs:
    """One random stream per (table, assessed body): tuning one body never shifts another's figures."""

    def __init__(self, seed: int, table: str) -> None:
        self._seed = seed
        self._table = table
        self._streams: dict[str, random.Random] = {}

    def __getitem__(self, body_id: str) -> random.Random:
        if body_id not in self._streams:
            self._streams[body_id] = _rng(self._seed, f"{self._table}:{body_id}")
        return self._streams[body_id]


def _poisson(rng: random.Random, lam: float) -> int:
    if lam <= 0:
        return 0
    if lam > 40:
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    limit, k, p = math.exp(-lam), 0, rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k


def _date_in(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randint(0, (end - start).days))


def _lerp(low: float, high: float, q: float) -> float:
    """Linear in quality: ``low`` at q = 0, ``high`` at q = 1."""
    return low + (high - low) * q


# ----------------------------------------------------------------------------------------
# Employee population
# ----------------------------------------------------------------------------------------

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
    for _ in range(_poisson(rng, 3.0)):
        out.add(days[rng.randrange(len(days))])
    return frozenset(out)


def build_population(units: Sequence[Unit], cal: WorkCalendar, seed: int) -> list[Employee]:
    """One roster for the whole sample: staff in post on 1 January, leavers, their replacements."""
    rngs = _BodyRngs(seed, "population")
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
        turnover = _lerp(0.14, 0.02, q)
        for i in range(size):
            is_leader = i < n_leaders
            corps = "A" if unit.is_assessed and i == 0 else "B"
            if corps == "A":
                category = "A-1" if unit.body_type == "CGO" else "A-3"
            else:
                category = leaders[min(i, len(leaders) - 1)] if is_leader else rng.choice(others)
            female_p = _lerp(0.18, 0.45, q) if is_leader else 0.58
            gender = "F" if rng.random() < female_p else "M"
            tenure_years = rng.choices((0, 1, 2, 4, 7, 12, 20), weights=(8, 10, 10, 20, 20, 20, 12))[0]
            hired = date(year - 1 - tenure_years, 1, 1) + timedelta(days=rng.randint(0, 364))
            left: date | None = None
            if rng.random() < turnover:
                left = _date_in(rng, date(year, 1, 20), date(year, 12, 20))
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
            left = _date_in(rng, date(year - 1, 9, 1), date(year - 1, 12, 20))
            people.append(Employee(next_id(), unit, "M", "B", others[0], False, hired, left, frozenset(), 1.0))
    for unit, category, gender, is_leader, start in replacements:
        rng = rngs[unit.body_id]
        absences = frozenset(d for d in _absences(rng, cal) if d >= start)
        factor = rng.lognormvariate(0, 0.35)
        people.append(Employee(next_id(), unit, gender, "B", category, is_leader, start, None, absences, factor))
    return people


# ----------------------------------------------------------------------------------------
# CSV writing
# ----------------------------------------------------------------------------------------


def _fmt(value: Any) -> str:
    if type(value) is str:
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(round(value, 4))
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _write(path: Path, table: str, rows: Iterable[Sequence[Any]], preformatted: bool = False) -> int:
    """Write rows in contract column order; returns the row count.

    ``preformatted`` rows hold strings only (the turnstile events) and skip value formatting.
    """
    columns = CONTRACTS[table].column_names
    path.parent.mkdir(parents=True, exist_ok=True)
    n = 0
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(columns)
        if preformatted:
            materialised = list(rows)
            writer.writerows(materialised)
            return len(materialised)
        for row in rows:
            if len(row) != len(columns):
                raise ValueError(f"{table}: row has {len(row)} values, contract has {len(columns)} columns")
            writer.writerow([_fmt(v) for v in row])
            n += 1
    return n


# ----------------------------------------------------------------------------------------
# The sample
# ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Service:
    code: str
    body_id: str
    units: tuple[str, ...]  # units that render it
    automation: str
    annual_volume: int
    electronic_share: float


class _Sample:
    def __init__(self, seed: int, year: int) -> None:
        self.seed = seed
        self.year = year
        self.cal = WorkCalendar(year)
        self.units = build_units()
        self.bodies = [u for u in self.units if u.is_assessed]
        self.children: dict[str, list[Unit]] = {b.agency_id: [] for b in self.bodies}
        for unit in self.units:
            self.children[unit.body_id].append(unit)
        self.people = build_population(self.units, self.cal, seed)
        self.services = self._services()

    def rngs(self, table: str) -> _BodyRngs:
        return _BodyRngs(self.seed, table)

    # --- reference -----------------------------------------------------------------------
    def agencies(self) -> list[tuple[Any, ...]]:
        return [
            (
                u.agency_id,
                u.name_ru,
                u.name_kk or None,
                u.body_type,
                u.parent_agency_id,
                u.is_assessed,
                u.region_code,
                u.level,
                u.workday_end,
                u.is_apparatus,
            )
            for u in self.units
        ]

    # --- turnstile -----------------------------------------------------------------------
    def turnstile(self) -> tuple[dict[int, list[tuple[Any, ...]]], list[tuple[Any, ...]]]:
        """Events per month and the overtime orders covering part of the weekend work."""
        rngs = self.rngs("turnstile")
        year = self.year
        by_month: dict[int, list[tuple[Any, ...]]] = {m: [] for m in range(1, 13)}
        orders: list[tuple[Any, ...]] = []
        off_days = [
            date(year, 1, 1) + timedelta(days=i)
            for i in range((date(year, 12, 31) - date(year, 1, 1)).days + 1)
            if not self.cal.is_workday(date(year, 1, 1) + timedelta(days=i))
        ]
        order_no = 0
        for person in self.people:
            unit = person.unit
            if not unit.in_turnstile or (person.left_on is not None and person.left_on.year < year):
                continue
            rng = rngs[unit.body_id]
            rnd = rng.random
            q = QUALITY[unit.body_id].hr
            end_h, end_m = (int(x) for x in unit.workday_end.split(":"))
            end_min = end_h * 60 + end_m
            p_stay = _lerp(0.50, 0.30, q)
            mean_ot_min = _lerp(0.95, 0.12, q) * 60 / p_stay * person.overtime_factor
            gates = (f"{unit.body_id}-G1", f"{unit.body_id}-G2")
            emp, agency = person.employee_id, unit.agency_id
            for day in self.cal.year_workdays:
                if not person.active_on(day) or day in person.absences:
                    continue
                # rng.random() arithmetic instead of randint: this loop makes ~240k events
                gate = gates[int(rnd() < 0.3)]
                events: list[tuple[int, str]] = []
                arrive = 8 * 3600 + 20 * 60 + int(rnd() * 48 * 60)
                events.append((arrive, "in"))
                if rnd() < 0.004:  # double tap at the gate: two `in` within 2 minutes
                    events.append((arrive + 5 + int(rnd() * 85), "in"))
                if rnd() < 0.05:  # out for lunch
                    out = 13 * 3600 + int(rnd() * 15 * 60)
                    events.append((out, "out"))
                    events.append((out + 35 * 60 + int(rnd() * 25 * 60), "in"))
                if rnd() < p_stay:
                    leave = (end_min + 30) * 60 + int(rng.expovariate(1 / mean_ot_min) * 60)
                else:
                    leave = (end_min - 20) * 60 + int(rnd() * 45 * 60)
                leave = min(leave, 26 * 3600 + int(rnd() * 1800))
                if rnd() >= 0.0025:  # otherwise the day is unclosed (no `out`)
                    events.append((leave, "out"))
                month = by_month[day.month]
                for second, direction in events:
                    month.append((emp, agency, _ts(day, second), direction, gate))
            # weekend and holiday work
            lam = (0.15 + (1 - q) ** 2 * 5.0) * (1.5 if person.is_leadership else 1.0)
            worked = sorted({rng.choice(off_days) for _ in range(_poisson(rng, lam))})
            for day in worked:
                if not person.active_on(day):
                    continue
                arrive = 10 * 3600 + rng.randint(0, 90 * 60)
                hours = rng.uniform(2.0, 7.0)
                month = by_month[day.month]
                month.append((emp, agency, _ts(day, arrive), "in", gates[0]))
                month.append((emp, agency, _ts(day, arrive + int(hours * 3600)), "out", gates[0]))
                if rng.random() < 0.3:
                    order_no += 1
                    ordered = float(min(math.floor(hours), rng.choice((2, 4, 4, 6, 8))))
                    if ordered > 0:
                        orders.append((emp, agency, day, ordered, f"№{order_no}-ө от {day.strftime('%d.%m.%Y')}"))
            if person.is_leadership and rng.random() < 0.15:  # an order on a working day (not deducted)
                day = rng.choice(self.cal.year_workdays)
                if person.active_on(day):
                    order_no += 1
                    orders.append((emp, agency, day, 2.0, f"№{order_no}-ө от {day.strftime('%d.%m.%Y')}"))
        orders.sort(key=lambda r: (r[2], r[0], r[4]))
        for events_of_month in by_month.values():  # weekend work was appended after the working days
            events_of_month.sort(key=lambda r: (r[0], r[2]))
        return by_month, orders

    # --- E-kyzmet ------------------------------------------------------------------------
    def headcount(self) -> list[tuple[Any, ...]]:
        rngs = self.rngs("headcount")
        rows: list[tuple[Any, ...]] = []
        month_ends = [date(self.year, m + 1, 1) - timedelta(days=1) for m in range(1, 12)] + [date(self.year, 12, 31)]
        by_unit = self._people_by_unit()
        for unit in self.units:
            rng = rngs[unit.body_id]
            staff = by_unit[unit.agency_id]
            posts = sum(1 for p in staff if p.active_on(date(self.year, 1, 1))) + rng.randint(0, 2)
            for month_end in month_ends:
                actual = sum(1 for p in staff if p.active_on(month_end))
                rows.append((unit.agency_id, month_end, actual, max(posts, actual)))
        return rows

    def employees(self) -> list[tuple[Any, ...]]:
        roster = date(self.year, 12, 31)  # the year's roster (as_of): a year's figures use only it
        return [
            (
                p.employee_id,
                p.unit.agency_id,
                p.gender,
                p.corps,
                p.category,
                p.is_leadership,
                p.hired_on,
                p.left_on,
                roster,
            )
            for p in self.people
        ]

    def dismissals(self) -> list[tuple[Any, ...]]:
        rngs = self.rngs("dismissals")
        # a stream of its own for the columns added later, so the earlier columns keep their values
        extra = self.rngs("dismissals.channel")
        rows: list[tuple[Any, ...]] = []
        for p in self.people:
            rng = rngs[p.unit.body_id]
            if p.left_on is None:
                continue
            q = QUALITY[p.unit.body_id].hr
            left_system = "civil_service" if rng.random() < 0.55 else "agency"
            exempt = rng.random() < 0.2
            done = not exempt and rng.random() < _lerp(0.55, 1.0, q)
            negative = done and rng.random() < _lerp(0.75, 0.05, q)
            x = extra[p.unit.body_id]
            # paper interviews (App. 12 note 6: ≤ 10 %): rare, more often where HR quality is low
            channel = ("paper" if x.random() < _lerp(0.2, 0.02, q) else "electronic") if done else None
            voluntary = not exempt and x.random() < 0.8  # «по собственному желанию»
            rows.append(
                (p.employee_id, p.unit.agency_id, p.left_on, left_system, done, exempt, negative, channel, voluntary)
            )
        return rows

    def training(self) -> list[tuple[Any, ...]]:
        rngs = self.rngs("training")
        rows: list[tuple[Any, ...]] = []
        year_end = date(self.year, 12, 31)
        for p in self.people:
            rng = rngs[p.unit.body_id]
            if p.left_on is not None and p.left_on.year < self.year:
                continue
            q = QUALITY[p.unit.body_id].hr
            for kind, share in (("qualification", 0.33), ("retraining", 0.05)):
                if rng.random() >= share:
                    continue
                due = _date_in(rng, date(self.year, 2, 1), date(self.year, 12, 20))
                if not p.active_on(due):
                    continue
                r = rng.random()
                late_p, missed_p = _lerp(0.10, 0.0, q), _lerp(0.08, 0.0, q)
                completed: date | None
                if r < missed_p:
                    completed = None
                elif r < missed_p + late_p:
                    completed = min(due + timedelta(days=rng.randint(3, 60)), year_end)
                    if completed <= due:
                        completed = None
                else:
                    completed = max(p.hired_on, due - timedelta(days=rng.randint(0, 90)))
                rows.append((p.employee_id, p.unit.agency_id, kind, due, completed))
        return rows

    def internships(self) -> list[tuple[Any, ...]]:
        rngs = self.rngs("internships")
        rows: list[tuple[Any, ...]] = []
        by_body = self._people_by_body()
        for body in self.bodies:
            rng = rngs[body.agency_id]
            q = QUALITY[body.agency_id].hr
            headcount = sum(1 for p in by_body[body.agency_id] if p.active_on(date(self.year, 6, 30)))
            total = round(headcount * _lerp(0.02, 0.13, q) * rng.uniform(0.8, 1.2))
            sent = rng.randint(0, total)
            rows.append((body.agency_id, self.year, sent, total - sent))
        return rows

    def personal_files(self) -> list[tuple[Any, ...]]:
        rngs = self.rngs("personal_files")
        rows: list[tuple[Any, ...]] = []
        as_of = date(self.year, 12, 31)
        by_unit = self._people_by_unit()
        for unit in self.units:
            rng = rngs[unit.body_id]
            q = QUALITY[unit.body_id].hr
            n = sum(1 for p in by_unit[unit.agency_id] if p.active_on(as_of))
            missing = 0 if q >= 0.5 else sum(1 for _ in range(n) if rng.random() < 0.08)
            rows.append((unit.agency_id, as_of, n, n - missing))
        return rows

    def qualifications(self) -> list[tuple[Any, ...]]:
        rngs = self.rngs("qualifications")
        base = (0.03, 0.005, 0.02, 0.10, 0.05, 0.02, 0.06, 0.02, 0.08, 0.25)
        rows: list[tuple[Any, ...]] = []
        for p in self.people:
            rng = rngs[p.unit.body_id]
            scale = _lerp(0.6, 1.5, QUALITY[p.unit.body_id].hr)
            flags = tuple(rng.random() < b * scale for b in base)
            rows.append((p.employee_id, p.unit.agency_id, *flags, date(self.year, 12, 31)))
        return rows

    def promotions(self) -> list[tuple[Any, ...]]:
        rngs = self.rngs("promotions")
        rows: list[tuple[Any, ...]] = []
        for p in self.people:
            rng = rngs[p.unit.body_id]
            q = QUALITY[p.unit.body_id].hr
            if p.hired_on.year == self.year:  # appointment of a newcomer
                entry = not p.is_leadership and rng.random() < 0.7
                within = rng.random() < (_lerp(0.4, 0.95, q) if not entry else 0.3)
                rows.append((p.employee_id, p.unit.agency_id, p.hired_on, within, entry))
            elif p.left_on is None and rng.random() < 0.05:  # internal promotion
                day = _date_in(rng, date(self.year, 1, 15), date(self.year, 12, 15))
                rows.append((p.employee_id, p.unit.agency_id, day, True, False))
        rows.sort(key=lambda r: (r[1], r[2], r[0]))
        return rows

    def competitions(self) -> list[tuple[Any, ...]]:
        rngs = self.rngs("competitions")
        rows: list[tuple[Any, ...]] = []
        for body in self.bodies:
            rng = rngs[body.agency_id]
            q = QUALITY[body.agency_id].hr
            units = [u for u in self.children[body.agency_id] if u.level not in ("district", "rural")]
            for i in range(rng.randint(6, 14)):
                unit = rng.choice(units)
                took_place = rng.random() < 0.9
                observer = took_place and rng.random() < _lerp(0.5, 1.0, q)
                video = took_place and rng.random() < _lerp(0.4, 1.0, q)
                violations = _poisson(rng, _lerp(0.8, 0.0, q)) if video else 0
                held = _date_in(rng, date(self.year, 1, 15), date(self.year, 12, 10))
                rows.append(
                    (
                        f"{body.agency_id}-K{self.year}-{i + 1:03d}",
                        unit.agency_id,
                        held,
                        took_place,
                        observer,
                        video,
                        violations,
                    )
                )
        return rows

    def hr_strategy(self) -> list[tuple[Any, ...]]:
        rngs = self.rngs("hr_strategy")
        rows: list[tuple[Any, ...]] = []
        for body in self.bodies:
            rng = rngs[body.agency_id]
            q = QUALITY[body.agency_id].hr
            if q >= 0.6:
                status, pct = "approved_full", round(min(100.0, _lerp(40, 98, q) + rng.uniform(-5, 2)), 1)
            elif q >= 0.3:
                status, pct = "approved_partial", round(_lerp(30, 90, q) + rng.uniform(-5, 5), 1)
            else:
                status, pct = "none", None
            rows.append((body.agency_id, self.year, status, pct))
        return rows

    def survey(self) -> list[tuple[Any, ...]]:
        rngs = self.rngs("survey")
        rows: list[tuple[Any, ...]] = []
        n = 0
        for p in self.people:
            rng = rngs[p.unit.body_id]
            unit = p.unit
            if unit.level in ("district", "rural") or not p.active_on(date(self.year, 10, 1)) or rng.random() > 0.75:
                continue
            q = QUALITY[unit.body_id].hr
            mean = _lerp(2.3, 3.75, q)
            n += 1
            answers: list[int | None] = []
            for _ in range(26):
                if rng.random() < 0.02:
                    answers.append(None)
                    continue
                answers.append(max(1, min(4, round(rng.gauss(mean, 0.6)))))
            answers.append(1 if rng.random() < 0.6 else 2)
            answers.append(1 if rng.random() < 0.5 else 2)
            rows.append((f"R{self.year}-{n:05d}", unit.agency_id, self.year, *answers))
        return rows

    def corps_b(self) -> list[tuple[Any, ...]]:
        rngs = self.rngs("corps_b")
        rows: list[tuple[Any, ...]] = []
        quarters = [
            (1, date(self.year, 1, 1), date(self.year, 3, 31)),
            (2, date(self.year, 4, 1), date(self.year, 6, 30)),
        ]
        quarters += [
            (3, date(self.year, 7, 1), date(self.year, 9, 30)),
            (4, date(self.year, 10, 1), date(self.year, 12, 31)),
        ]
        for p in self.people:
            rng = rngs[p.unit.body_id]
            if p.corps != "B":
                continue
            q = QUALITY[p.unit.body_id].hr
            personal = rng.gauss(_lerp(3.6, 4.5, q), 0.35)
            for quarter, start, end in quarters:
                first = max(start, p.hired_on)
                last = min(end, p.left_on) if p.left_on else end
                if last < first:
                    continue
                days_in_position = (last - first).days + 1
                worked = self.cal.workdays_between(first, last) - sum(1 for d in p.absences if first <= d <= last)
                params = [max(0.0, min(5.0, round(rng.gauss(personal, 0.4) * 2) / 2)) for _ in range(4)]
                r = rng.random()
                sanction = "severe" if r < 0.006 else "reprimand" if r < 0.03 else "none"
                # seed 000 sheets (quarters ending from 1 July 2025) have a fifth parameter; ranking sheets
                # (earlier quarters, seed 002) have four and no sanction cap
                fifth: float | None = (2.0 if sanction != "none" else 5.0) if end >= CORPS_B_EDITION_FROM else None
                scored = [*params, fifth] if fifth is not None else params
                calibrated = None
                if rng.random() < 0.02:
                    shift = rng.choice((-0.5, 0.4, 0.6))
                    calibrated = round(max(0.0, min(5.0, sum(scored) / len(scored) + shift)), 2)
                sheet = "leader" if p.is_leadership else "non_leader"
                rows.append(
                    (
                        p.employee_id,
                        p.unit.agency_id,
                        self.year,
                        quarter,
                        sheet,
                        *params,
                        fifth,
                        sanction,
                        days_in_position,
                        worked,
                        calibrated,
                        last,
                    )
                )
        return rows

    # --- public services ------------------------------------------------------------------
    def _services(self) -> list[_Service]:
        rngs = self.rngs("services")
        out: list[_Service] = []
        for b_index, body in enumerate(self.bodies):
            rng = rngs[body.agency_id]
            q = QUALITY[body.agency_id].services
            if body.body_type == "CGO":
                renderers = [u.agency_id for u in self.children[body.agency_id]]
                n_services = rng.randint(6, 9)
                codes = [f"{100 + b_index:03d}{j + 1:03d}" for j in range(n_services)]
            else:
                renderers = [u.agency_id for u in self.children[body.agency_id] if not u.is_assessed]
                codes = [f"701{j + 1:03d}" for j in range(12)]
            for code in codes:
                r = rng.random()
                full_p, partial_p = _lerp(0.55, 0.85, q), 0.12
                automation = "full" if r < full_p else "partial" if r < full_p + partial_p else "none"
                e_share = {"full": rng.uniform(0.95, 0.995), "partial": rng.uniform(0.75, 0.92), "none": 0.0}[
                    automation
                ]
                k = rng.randint(1, min(3, len(renderers)))
                units = tuple(sorted(rng.sample(renderers, k)))
                volume = int(rng.lognormvariate(math.log(90000 if body.body_type == "CGO" else 30000), 0.9))
                if automation == "none":  # paper-only services are the rare, low-volume ones
                    volume = volume // 6
                out.append(_Service(code, body.agency_id, units, automation, max(volume, 600), e_share))
        return out

    def _lateness_per_10k(self, body_id: str) -> float:
        if body_id in HIGH_LATENESS:
            return 25.0
        return 0.5 + (1 - QUALITY[body_id].services) ** 1.5 * 12

    def services_rendered(self) -> list[tuple[Any, ...]]:
        rngs = self.rngs("services_rendered")
        rows: list[tuple[Any, ...]] = []
        for svc in self.services:
            rng = rngs[svc.body_id]
            rate = self._lateness_per_10k(svc.body_id) / 10000
            outage_months = (3, 9) if svc.body_id in OUTAGE_BODIES else ()
            for unit_id in svc.units:
                unit_volume = svc.annual_volume / len(svc.units)
                for month in range(1, 13):
                    seasonal = 1 + 0.15 * math.sin((month - 3) / 12 * 2 * math.pi)
                    total = unit_volume / 12 * seasonal * rng.uniform(0.85, 1.15)
                    electronic = total * svc.electronic_share
                    rest = total - electronic
                    for channel, volume, factor in (
                        ("electronic", electronic, 1.0),
                        ("paper", rest * 0.4, 3.0),
                        ("state_corp", rest * 0.6, 2.0),
                    ):
                        rendered = round(volume)
                        if rendered <= 0:
                            continue
                        overdue = min(rendered, _poisson(rng, rendered * rate * factor))
                        excluded = 0
                        if channel == "electronic" and month in outage_months and overdue:
                            excluded = rng.randint(1, overdue)
                        rows.append(
                            (unit_id, svc.code, date(self.year, month, 1), channel, rendered, overdue, excluded)
                        )
        return rows

    def _volumes(self, rendered: list[tuple[Any, ...]]) -> dict[tuple[str, str], list[int]]:
        """(body, service) → [rendered, overdue, electronic, paper+state_corp]."""
        body_of = {u.agency_id: u.body_id for u in self.units}
        acc: dict[tuple[str, str], list[int]] = {}
        for unit_id, code, _, channel, n, overdue, _excluded in rendered:
            row = acc.setdefault((body_of[unit_id], code), [0, 0, 0, 0])
            row[0] += n
            row[1] += overdue
            row[2 if channel == "electronic" else 3] += n
        return acc

    def service_violations(self, volumes: dict[tuple[str, str], list[int]]) -> list[tuple[Any, ...]]:
        rngs = self.rngs("service_violations")
        rows: list[tuple[Any, ...]] = []
        for svc in self.services:
            rng = rngs[svc.body_id]
            q = QUALITY[svc.body_id].services
            rendered, overdue = volumes[(svc.body_id, svc.code)][:2]
            rate = (0.2 + (1 - q) ** 1.5 * 10) / 10000
            counts = [_poisson(rng, rendered * rate * rng.uniform(0.6, 1.4)) for _ in range(3)]
            rows.append((svc.body_id, svc.code, self.year, "self_report", round(overdue * 0.7), *counts))
            if svc.body_id in INSPECTED and rng.random() < 0.6:
                found = [c + _poisson(rng, max(1.0, c * 0.8)) for c in counts]
                rows.append(
                    (svc.body_id, svc.code, self.year, "inspection", overdue + _poisson(rng, 5 + overdue), *found)
                )
        return rows

    def service_satisfaction(self) -> list[tuple[Any, ...]]:
        rngs = self.rngs("service_satisfaction")
        rows: list[tuple[Any, ...]] = []
        for svc in self.services:
            rng = rngs[svc.body_id]
            mean = _lerp(4.3, 4.98, QUALITY[svc.body_id].services)
            score = round(max(4.05, min(4.99, rng.gauss(mean, 0.05))), 2)
            rows.append((svc.body_id, svc.code, self.year, score, rng.randint(60, 2400)))
        return rows

    def service_complaints(self, volumes: dict[tuple[str, str], list[int]]) -> list[tuple[Any, ...]]:
        rngs = self.rngs("service_complaints")
        rows: list[tuple[Any, ...]] = []
        for body in self.bodies:
            rng = rngs[body.agency_id]
            total = sum(v[0] for (b, _), v in volumes.items() if b == body.agency_id)
            rate = (0.2 + (1 - QUALITY[body.agency_id].services) * 6) / 10000
            rows.append((body.agency_id, self.year, _poisson(rng, total * rate)))
        return rows

    def service_register(self) -> list[tuple[Any, ...]]:
        rngs = self.rngs("service_register")
        rows: list[tuple[Any, ...]] = []
        excluded_plan = {  # (body, service index) → decision date; one older than 2 years (ignored, para. 48)
            ("CGO-MJ", 1): date(self.year - 3, 6, 14),
            ("CGO-MZ", 2): date(self.year - 1, 11, 3),
            ("CGO-MSH", 0): date(self.year, 4, 22),
        }
        index: dict[str, int] = {}
        for svc in self.services:
            rng = rngs[svc.body_id]
            i = index.get(svc.body_id, 0)
            index[svc.body_id] = i + 1
            q = QUALITY[svc.body_id].services
            excluded = excluded_plan.get((svc.body_id, i))
            mobile = svc.automation != "none" and rng.random() < _lerp(0.3, 0.95, q)
            proactive = None
            if svc.automation == "full" and rng.random() < _lerp(0.0, 0.35, q):
                proactive = date(self.year - rng.randint(0, 2), rng.randint(1, 12), 1)
            # the register of the assessed year (para. 48: «действовавший в оцениваемом периоде»)
            rows.append((svc.code, svc.body_id, svc.automation, mobile, excluded, proactive, self.year))
        return rows

    def service_automation(self, volumes: dict[tuple[str, str], list[int]]) -> list[tuple[Any, ...]]:
        rngs = self.rngs("service_automation")
        rows: list[tuple[Any, ...]] = []
        auto = {(s.body_id, s.code): s.automation != "none" for s in self.services}
        for body in self.bodies:
            rng = rngs[body.agency_id]
            if body.body_type != "CGO":
                continue
            q = QUALITY[body.agency_id].services
            mine = sorted((k, v) for k, v in volumes.items() if k[0] == body.agency_id)
            total = sum(v[0] for _, v in mine)
            electronic = sum(v[2] for _, v in mine)
            total_automated = sum(v[0] for k, v in mine if auto[k])
            paper_automated = sum(v[3] for k, v in mine if auto[k])
            hours = round(max(0.0, _lerp(18.0, 0.5, q) + rng.uniform(-1.0, 2.0)), 1)
            proactive = min(3, _poisson(rng, _lerp(0.2, 2.5, q)))
            digital = min(2, _poisson(rng, _lerp(0.1, 1.8, q)))
            # para. 50: V counts the CGO's services rendered by akimats too; those volumes come on top of the
            # CGO's own (services_rendered holds the CGO's own units only) and are also given apart
            share = rng.uniform(0.1, 0.6)
            mio_total, mio_electronic = round(total * share), round(electronic * share)
            mio_total_automated, mio_paper_automated = round(total_automated * share), round(paper_automated * share)
            rows.append(
                (
                    body.agency_id,
                    self.year,
                    electronic + mio_electronic,
                    total + mio_total,
                    paper_automated + mio_paper_automated,
                    total_automated + mio_total_automated,
                    hours,
                    proactive,
                    digital,
                    mio_electronic,
                    mio_total,
                )
            )
        return rows

    # --- appeals -------------------------------------------------------------------------
    def appeals(self) -> list[tuple[Any, ...]]:
        rngs = self.rngs("appeals")
        rows: list[tuple[Any, ...]] = []
        seq = 0
        cal = self.cal
        kinds = ("application", "complaint", "request", "proposal")
        for body in self.bodies:
            rng = rngs[body.agency_id]
            q = QUALITY[body.agency_id].appeals
            units = self.children[body.agency_id]
            weights = [6 if u.is_assessed else 2 for u in units]
            n = rng.randint(900, 2500) if body.body_type == "CGO" else rng.randint(1500, 3200)
            late_p = 0.004 + (1 - q) ** 1.3 * 0.03
            redirect_late_p = _lerp(0.25, 0.005, q)
            yes_p = _lerp(0.5, 1.0, q)
            court_targets = round(_lerp(4.0, 0.0, q) * n / 2000)  # ≈ a/p × 10 000 of R2 (para. 99)
            body_rows: list[list[Any]] = []
            for unit, kind in zip(
                rng.choices(units, weights=weights, k=n), rng.choices(kinds, weights=(62, 34, 3, 1), k=n), strict=True
            ):
                seq += 1
                if rng.random() < 0.015:  # carried over from December of the previous year
                    received = _date_in(rng, date(self.year - 1, 12, 1), date(self.year - 1, 12, 31))
                else:
                    received = _date_in(rng, date(self.year, 1, 1), date(self.year, 12, 31))
                due = cal.add_workdays(received, 20 if kind == "complaint" else 15)
                reviewed: date | None = None
                redirected: date | None = None
                redirect_due: date | None = None
                disciplinary: str | None = None
                late = False
                if rng.random() < 0.05:
                    redirect_due = cal.add_workdays(received, 3)
                    if rng.random() < redirect_late_p:
                        redirected = cal.add_workdays(redirect_due, rng.randint(1, 6))
                        late = True
                    else:
                        redirected = (
                            cal.add_workdays(received, rng.randint(0, 2)) if rng.random() < 0.7 else redirect_due
                        )
                        if redirected < received:
                            redirected = received
                elif due > date(self.year, 12, 31) and rng.random() < 0.25:
                    reviewed = None  # still under review when the register was exported
                elif rng.random() < late_p:
                    reviewed = cal.add_workdays(due, rng.randint(1, 10))
                    late = True
                else:
                    reviewed = cal.add_workdays(received, rng.randint(1, 14))
                    reviewed = min(reviewed, due)
                if late:
                    r = rng.random()
                    disciplinary = "impossible" if r < 0.05 else "yes" if r < 0.05 + 0.95 * yes_p else "no"
                appeal_id = f"{received.year}-{seq:07d}"
                body_rows.append(
                    [
                        appeal_id,
                        unit.agency_id,
                        kind,
                        received,
                        due,
                        reviewed,
                        redirected,
                        redirect_due,
                        None,
                        disciplinary,
                    ]
                )
            reviewed_complaints = [
                r for r in body_rows if r[2] == "complaint" and r[5] is not None and r[3].year == self.year
            ]
            for row in rng.sample(reviewed_complaints, min(court_targets, len(reviewed_complaints))):
                row[8] = row[5] + timedelta(days=rng.randint(30, 150))
            rows.extend(tuple(r) for r in body_rows)
        return rows

    # --- openness -----------------------------------------------------------------------
    def openness_points(self) -> list[tuple[Any, ...]]:
        rngs = self.rngs("openness_points")
        rows: list[tuple[Any, ...]] = []
        for body in self.bodies:
            rng = rngs[body.agency_id]
            q = QUALITY[body.agency_id].openness
            full_p = _lerp(0.45, 1.0, q)
            zero_p = _lerp(0.5, 0.1, q)
            for criterion, items in openness_items(body.body_type):
                for item, maximum, tiers in items:
                    for language in ("kk", "ru"):
                        if rng.random() < full_p:
                            points = maximum
                        elif tiers:
                            points = rng.choice(tiers[1:])
                        elif rng.random() < zero_p:
                            points = 0.0
                        else:
                            points = round(maximum * rng.choice((0.5, 0.6, 0.8)), 2)
                        mark = NOT_ASSESSED.get((body.agency_id, criterion, item))  # drawn anyway: same stream
                        value = None if mark else points
                        rows.append((body.agency_id, self.year, criterion, item, language, value, mark))
            if body.agency_id in SUBORDINATE_PENALTY:
                for item, maximum in SUBORDINATE_PENALTY_ITEMS:
                    for language in ("kk", "ru"):
                        if rng.random() < 0.45:
                            rows.append(
                                (body.agency_id, self.year, "open_subordinate_penalty", item, language, maximum, None)
                            )
        return rows

    def openness_media(self) -> list[tuple[Any, ...]]:
        rngs = self.rngs("openness_media")
        rows: list[tuple[Any, ...]] = []
        for body in self.bodies:
            rng = rngs[body.agency_id]
            q = QUALITY[body.agency_id].openness
            media_pct = round(min(100.0, _lerp(45, 97, q) + rng.uniform(-3, 3)), 1)
            population_pct = round(min(100.0, _lerp(38, 88, q) + rng.uniform(-3, 3)), 1)
            for language in ("kk", "ru"):
                total = rng.randint(10, 40)
                high = round(total * min(1.0, _lerp(0.25, 0.9, q) + rng.uniform(-0.05, 0.05)))
                requests = rng.randint(4, 45)
                answers = requests - min(requests, _poisson(rng, _lerp(2.0, 0.1, q)))
                late = min(answers, _poisson(rng, _lerp(4.0, 0.2, q)))
                rows.append(
                    (
                        body.agency_id,
                        self.year,
                        language,
                        high,
                        total,
                        requests,
                        answers,
                        late,
                        media_pct,
                        population_pct,
                    )
                )
        return rows

    # --- IT ------------------------------------------------------------------------------
    def it_report(self) -> list[tuple[Any, ...]]:
        rngs = self.rngs("it_report")
        extra = self.rngs("it_report.records")
        rows: list[tuple[Any, ...]] = []
        by_body = self._people_by_body()
        for body in self.bodies:
            rng = rngs[body.agency_id]
            q = QUALITY[body.agency_id].it
            is_cgo = body.body_type == "CGO"
            systems = rng.randint(8, 25) if is_cgo else rng.randint(6, 15)
            registered = min(systems, round(systems * (_lerp(0.55, 1.0, q) + rng.uniform(-0.05, 0.03))))
            smart = None if is_cgo else round(6900 * min(1.0, _lerp(0.3, 0.92, q) + rng.uniform(-0.04, 0.04)), 1)
            currency = round(min(100.0, _lerp(65, 99, q) + rng.uniform(-2, 1)), 1)
            functions = rng.randint(60, 220)
            automated = min(functions, round(functions * (_lerp(0.45, 0.96, q) + rng.uniform(-0.03, 0.03))))
            digital = rng.randint(6, 22)
            educated = min(digital, round(digital * (_lerp(0.45, 1.0, q) + rng.uniform(-0.05, 0.02))))
            staff = sum(1 for p in by_body[body.agency_id] if p.active_on(date(self.year, 12, 31)))
            certified = min(staff, round(staff * (_lerp(0.25, 0.95, q) + rng.uniform(-0.05, 0.03))))
            amount = round(rng.uniform(80e6, 2.5e9), -3)
            local = round(amount * min(1.0, _lerp(0.15, 0.8, q) + rng.uniform(-0.05, 0.05)), -3)
            indicators = rng.randint(40, 300) if is_cgo else None
            automatic = (
                min(indicators, round(indicators * (_lerp(0.2, 0.95, q) + rng.uniform(-0.05, 0.03))))
                if indicators is not None
                else None
            )
            unused = _poisson(rng, _lerp(1.8, 0.0, q))
            x = extra[body.agency_id]  # columns added later: a stream of their own
            records = x.randint(50_000, 5_000_000) * systems
            dsp = x.randint(0, 3)  # systems marked ДСП, left out of systems_total (para. 57)
            rows.append(
                (
                    body.agency_id,
                    self.year,
                    registered,
                    systems,
                    smart,
                    currency,
                    automated,
                    functions,
                    digital,
                    educated,
                    staff,
                    certified,
                    amount,
                    local,
                    indicators,
                    automatic,
                    unused,
                    records,
                    dsp,
                )
            )
        return rows

    def reporting_penalties(self) -> list[tuple[Any, ...]]:
        ref_date = f"14.02.{self.year + 1}"
        plan = (
            ("CGO-MP", "services", "unreliable", 3),
            ("CGO-MZ", "hr", "incomplete", 1),
            ("CGO-MSH", "appeals", "unreliable", 1),
            ("CGO-MJ", "it", "late", 1),
            ("MIO-61", "services", "incomplete", 1),
            ("MIO-61", "appeals", "unreliable", 4),
            ("MIO-47", "openness", "unreliable", 2),
            ("MIO-10", "hr", "unreliable", 2),
        )
        return [
            (body, self.year, direction, kind, facts, f"Акт сверки № {i + 1} от {ref_date}")
            for i, (body, direction, kind, facts) in enumerate(plan)
        ]

    # --- helpers -------------------------------------------------------------------------
    def _people_by_unit(self) -> dict[str, list[Employee]]:
        out: dict[str, list[Employee]] = {u.agency_id: [] for u in self.units}
        for p in self.people:
            out[p.unit.agency_id].append(p)
        return out

    def _people_by_body(self) -> dict[str, list[Employee]]:
        out: dict[str, list[Employee]] = {b.agency_id: [] for b in self.bodies}
        for p in self.people:
            out[p.unit.body_id].append(p)
        return out


_CLOCK = [f"T{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}" for s in range(86400)]


def _ts(day: date, second: int) -> str:
    """ISO local timestamp; seconds past 24:00 belong to the next calendar day."""
    if second >= 86400:
        day, second = day + timedelta(days=1), second - 86400
    return day.isoformat() + _CLOCK[second]


# Appendix 10 items per language (methodology §2.3): (item, maximum, tiers) where tiers lists
# the admissible graded values of a tiered item (first = maximum), empty for a plain item.
_Item = tuple[str, float, tuple[float, ...]]


def openness_items(body_type: str) -> list[tuple[str, list[_Item]]]:
    """Items of criteria P1–P5 for a body type with their per-language maxima (Appendix 10)."""
    cgo = body_type == "CGO"
    open_data: list[_Item] = [
        ("1", 2.5, ()),
        ("2", 1.0, ()),
        ("3", 3.0, ()),
        ("4", 2.0, ()),
        ("5", 0.5, ()),
        ("6", 1.0, ()),
    ]
    if cgo:
        budget: list[_Item] = [(f"1.{i}", 0.3, ()) for i in range(1, 6)]
        budget += [(str(i), 0.5, ()) for i in range(2, 10)] + [("10", 1.5, ()), ("11", 2.0, ())]
        acts: list[_Item] = [("1", 1.0, ()), ("2", 1.0, ()), ("3", 1.0, ()), ("4", 3.5, ()), ("5", 1.5, ())]
        acts.append(("6", 1.0, (1.0, 0.8, 0.6, 0.4)))
    else:
        budget = [
            ("1", 2.0, ()),
            ("2", 2.0, ()),
            ("3", 0.5, ()),
            ("4", 0.5, ()),
            ("5", 0.5, ()),
            ("6", 1.5, ()),
            ("7", 2.0, ()),
        ]
        acts = [("1", 2.0, ()), ("2", 1.5, ()), ("3", 4.0, ()), ("4", 1.5, ())]
    dialogue: list[_Item] = [("1", 2.5, ()), ("2", 1.5, ()), ("3", 1.5, (1.5, 1.0, 0.5, 0.3)), ("4", 1.5, ())]
    dialogue += [("5.1", 0.5, ()), ("5.2", 0.5, ()), ("5.3", 0.5 if cgo else 1.0, ())]
    if cgo:
        dialogue.append(("5.4", 0.5, ()))
    website: list[_Item] = [(str(i), 1.5, ()) for i in range(1, 7)]
    return [
        ("open_data", open_data),
        ("open_budget", budget),
        ("open_legal_acts", acts),
        ("open_dialogue", dialogue),
        ("open_website", website),
    ]


# P7 (Tables 9–11, CGO only), item = "<table>.<row>": penalty points per language.
SUBORDINATE_PENALTY_ITEMS: tuple[tuple[str, float], ...] = (
    ("9.1", 1.5),
    ("10.1", 0.5),
    ("10.2", 0.5),
    ("10.3", 0.5),
    ("11.1", 0.5),
    ("11.2", 1.0),
)


def generate_sample(out_dir: Path, seed: int = 42, year: int = 2024) -> dict[str, int]:
    """Write the sample landing drop to ``out_dir/<table>/<file>.csv``; return rows per table.

    Every contract table except ``calendar`` (kzeval ships calendars) and ``corrections``
    is written; ``turnstile_events`` as monthly files ``<YYYY-MM>.csv``. Existing files of
    the same names are overwritten, other files are left alone.
    """
    out_dir = Path(out_dir)
    sample = _Sample(seed, year)
    counts: dict[str, int] = {}

    def put(table: str, rows: Iterable[Sequence[Any]], file: str | None = None, preformatted: bool = False) -> None:
        path = out_dir / table / (file or f"{table}_{year}.csv")
        counts[table] = counts.get(table, 0) + _write(path, table, rows, preformatted)

    put("agencies", sample.agencies(), "agencies.csv")
    events, orders = sample.turnstile()
    for month in range(1, 13):
        put("turnstile_events", events[month], f"{year}-{month:02d}.csv", preformatted=True)
    put("overtime_orders", orders)
    put("headcount_monthly", sample.headcount())
    put("employees", sample.employees())
    put("dismissals", sample.dismissals())
    put("training", sample.training())
    put("internships", sample.internships())
    put("personal_files", sample.personal_files())
    put("qualifications", sample.qualifications())
    put("promotions", sample.promotions())
    put("competitions", sample.competitions())
    put("hr_strategy", sample.hr_strategy())
    put("survey_responses", sample.survey())
    put("corps_b_evaluations", sample.corps_b())
    rendered = sample.services_rendered()
    volumes = sample._volumes(rendered)
    put("services_rendered", rendered)
    put("service_violations", sample.service_violations(volumes))
    put("service_satisfaction", sample.service_satisfaction())
    put("service_complaints", sample.service_complaints(volumes))
    put("service_register", sample.service_register())
    put("service_automation", sample.service_automation(volumes))
    put("appeals", sample.appeals())
    put("openness_points", sample.openness_points())
    put("openness_media", sample.openness_media())
    put("it_report", sample.it_report())
    put("reporting_penalties", sample.reporting_penalties())
    missing = sorted(set(CONTRACTS) - set(counts) - set(SKIPPED_TABLES))
    if missing:
        raise RuntimeError(f"sample generator does not cover tables: {missing}")
    return dict(sorted(counts.items()))
