"""Personnel tables of the sample: turnstile events and overtime orders, E-kyzmet HR tables, the survey, corps «Б» sheets."""

from __future__ import annotations

import math
from datetime import date, timedelta
from typing import Any

from kzeval.generate.sample.draws import date_in, lerp, poisson
from kzeval.generate.sample.profile import QUALITY
from kzeval.generate.sample.state import SampleState
from kzeval.generate.sample.writer import timestamp_text
from kzeval.methodology.corps_b_2025 import EDITION_FROM as CORPS_B_EDITION_FROM


class PersonnelTables(SampleState):
    """Rows of the personnel tables, one method per table; state from :class:`SampleState`."""

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
            p_stay = lerp(0.50, 0.30, q)
            mean_ot_min = lerp(0.95, 0.12, q) * 60 / p_stay * person.overtime_factor
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
                    month.append((emp, agency, timestamp_text(day, second), direction, gate))
            # weekend and holiday work
            lam = (0.15 + (1 - q) ** 2 * 5.0) * (1.5 if person.is_leadership else 1.0)
            worked = sorted({rng.choice(off_days) for _ in range(poisson(rng, lam))})
            for day in worked:
                if not person.active_on(day):
                    continue
                arrive = 10 * 3600 + rng.randint(0, 90 * 60)
                hours = rng.uniform(2.0, 7.0)
                month = by_month[day.month]
                month.append((emp, agency, timestamp_text(day, arrive), "in", gates[0]))
                month.append((emp, agency, timestamp_text(day, arrive + int(hours * 3600)), "out", gates[0]))
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
            done = not exempt and rng.random() < lerp(0.55, 1.0, q)
            negative = done and rng.random() < lerp(0.75, 0.05, q)
            x = extra[p.unit.body_id]
            # paper interviews (App. 12 note 6: ≤ 10 %): rare, more often where HR quality is low
            channel = ("paper" if x.random() < lerp(0.2, 0.02, q) else "electronic") if done else None
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
                due = date_in(rng, date(self.year, 2, 1), date(self.year, 12, 20))
                if not p.active_on(due):
                    continue
                r = rng.random()
                late_p, missed_p = lerp(0.10, 0.0, q), lerp(0.08, 0.0, q)
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
            total = round(headcount * lerp(0.02, 0.13, q) * rng.uniform(0.8, 1.2))
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
            scale = lerp(0.6, 1.5, QUALITY[p.unit.body_id].hr)
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
                within = rng.random() < (lerp(0.4, 0.95, q) if not entry else 0.3)
                rows.append((p.employee_id, p.unit.agency_id, p.hired_on, within, entry))
            elif p.left_on is None and rng.random() < 0.05:  # internal promotion
                day = date_in(rng, date(self.year, 1, 15), date(self.year, 12, 15))
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
                observer = took_place and rng.random() < lerp(0.5, 1.0, q)
                video = took_place and rng.random() < lerp(0.4, 1.0, q)
                violations = poisson(rng, lerp(0.8, 0.0, q)) if video else 0
                held = date_in(rng, date(self.year, 1, 15), date(self.year, 12, 10))
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
                status, pct = "approved_full", round(min(100.0, lerp(40, 98, q) + rng.uniform(-5, 2)), 1)
            elif q >= 0.3:
                status, pct = "approved_partial", round(lerp(30, 90, q) + rng.uniform(-5, 5), 1)
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
            mean = lerp(2.3, 3.75, q)
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
            personal = rng.gauss(lerp(3.6, 4.5, q), 0.35)
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
