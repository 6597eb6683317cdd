"""Public services tables of the sample: rendered volumes, violations, satisfaction, complaints, register, automation."""

from __future__ import annotations

import math
from datetime import date
from typing import Any

from kzeval.generate.sample.draws import lerp, poisson
from kzeval.generate.sample.profile import INSPECTED, OUTAGE_BODIES, QUALITY
from kzeval.generate.sample.state import SampleState


class ServiceTables(SampleState):
    """Rows of the services tables, one method per table; state from :class:`SampleState`."""

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
                        overdue = min(rendered, poisson(rng, rendered * rate * factor))
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
            counts = [poisson(rng, rendered * rate * rng.uniform(0.6, 1.4)) for _ in range(3)]
            rows.append((svc.body_id, svc.code, self.year, "self_report", round(overdue * 0.7), *counts))
            if svc.body_id in INSPECTED and rng.random() < 0.6:
                found = [c + poisson(rng, max(1.0, c * 0.8)) for c in counts]
                rows.append(
                    (svc.body_id, svc.code, self.year, "inspection", overdue + poisson(rng, 5 + overdue), *found)
                )
        return rows

    def service_satisfaction(self) -> list[tuple[Any, ...]]:
        rngs = self.rngs("service_satisfaction")
        rows: list[tuple[Any, ...]] = []
        for svc in self.services:
            rng = rngs[svc.body_id]
            mean = lerp(4.3, 4.98, QUALITY[svc.body_id].services)
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
            rows.append((body.agency_id, self.year, poisson(rng, total * rate)))
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
            mobile = svc.automation != "none" and rng.random() < lerp(0.3, 0.95, q)
            proactive = None
            if svc.automation == "full" and rng.random() < lerp(0.0, 0.35, q):
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
            hours = round(max(0.0, lerp(18.0, 0.5, q) + rng.uniform(-1.0, 2.0)), 1)
            proactive = min(3, poisson(rng, lerp(0.2, 2.5, q)))
            digital = min(2, poisson(rng, lerp(0.1, 1.8, q)))
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
