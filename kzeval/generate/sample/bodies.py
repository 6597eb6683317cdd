"""Tables per assessed body of the sample: openness points and media, the IT report, reconciliation acts."""

from __future__ import annotations

from datetime import date
from typing import Any

from kzeval.generate.rows import openness_point_rows, reconciliation_act_ref, subordinate_penalty_rows
from kzeval.generate.sample.draws import lerp, poisson
from kzeval.generate.sample.profile import NOT_ASSESSED, QUALITY, SUBORDINATE_PENALTY
from kzeval.generate.sample.state import SampleState


class BodyTables(SampleState):
    """Rows of the per-body tables, one method per table; state from :class:`SampleState`."""

    def openness_points(self) -> list[tuple[Any, ...]]:
        rngs = self.rngs("openness_points")
        rows: list[tuple[Any, ...]] = []
        for body in self.bodies:
            rng = rngs[body.agency_id]
            q = QUALITY[body.agency_id].openness
            full_p = lerp(0.45, 1.0, q)
            zero_p = lerp(0.5, 0.1, q)
            rows += openness_point_rows(rng, body.agency_id, body.body_type, self.year, full_p, zero_p, NOT_ASSESSED)
            if body.agency_id in SUBORDINATE_PENALTY:
                rows += subordinate_penalty_rows(rng, body.agency_id, self.year)
        return rows

    def openness_media(self) -> list[tuple[Any, ...]]:
        rngs = self.rngs("openness_media")
        rows: list[tuple[Any, ...]] = []
        for body in self.bodies:
            rng = rngs[body.agency_id]
            q = QUALITY[body.agency_id].openness
            media_pct = round(min(100.0, lerp(45, 97, q) + rng.uniform(-3, 3)), 1)
            population_pct = round(min(100.0, lerp(38, 88, q) + rng.uniform(-3, 3)), 1)
            for language in ("kk", "ru"):
                total = rng.randint(10, 40)
                high = round(total * min(1.0, lerp(0.25, 0.9, q) + rng.uniform(-0.05, 0.05)))
                requests = rng.randint(4, 45)
                answers = requests - min(requests, poisson(rng, lerp(2.0, 0.1, q)))
                late = min(answers, poisson(rng, lerp(4.0, 0.2, q)))
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
            registered = min(systems, round(systems * (lerp(0.55, 1.0, q) + rng.uniform(-0.05, 0.03))))
            smart = None if is_cgo else round(6900 * min(1.0, lerp(0.3, 0.92, q) + rng.uniform(-0.04, 0.04)), 1)
            currency = round(min(100.0, lerp(65, 99, q) + rng.uniform(-2, 1)), 1)
            functions = rng.randint(60, 220)
            automated = min(functions, round(functions * (lerp(0.45, 0.96, q) + rng.uniform(-0.03, 0.03))))
            digital = rng.randint(6, 22)
            educated = min(digital, round(digital * (lerp(0.45, 1.0, q) + rng.uniform(-0.05, 0.02))))
            staff = sum(1 for p in by_body[body.agency_id] if p.active_on(date(self.year, 12, 31)))
            certified = min(staff, round(staff * (lerp(0.25, 0.95, q) + rng.uniform(-0.05, 0.03))))
            amount = round(rng.uniform(80e6, 2.5e9), -3)
            local = round(amount * min(1.0, lerp(0.15, 0.8, q) + rng.uniform(-0.05, 0.05)), -3)
            indicators = rng.randint(40, 300) if is_cgo else None
            automatic = (
                min(indicators, round(indicators * (lerp(0.2, 0.95, q) + rng.uniform(-0.05, 0.03))))
                if indicators is not None
                else None
            )
            unused = poisson(rng, lerp(1.8, 0.0, q))
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
            (body, self.year, direction, kind, facts, reconciliation_act_ref(i + 1, self.year))
            for i, (body, direction, kind, facts) in enumerate(plan)
        ]
