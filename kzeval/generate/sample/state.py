"""What every table of the sample is drawn from: units, the population, the services catalogue, one random stream per (table, body)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from kzeval.generate.sample.draws import BodyRngs, lerp
from kzeval.generate.sample.population import Employee, build_population
from kzeval.generate.sample.profile import HIGH_LATENESS, QUALITY
from kzeval.generate.sample.units import Unit, build_units
from kzeval.generate.workdays import WorkCalendar


@dataclass(frozen=True)
class SampleService:
    code: str
    body_id: str
    units: tuple[str, ...]  # units that render it
    automation: str
    annual_volume: int
    electronic_share: float


class SampleState:
    """The sample's units, calendar, population and services; the table mixins read them."""

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

    def rngs(self, table: str) -> BodyRngs:
        return BodyRngs(self.seed, table)

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

    def _services(self) -> list[SampleService]:
        rngs = self.rngs("services")
        out: list[SampleService] = []
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
                full_p, partial_p = lerp(0.55, 0.85, q), 0.12
                automation = "full" if r < full_p else "partial" if r < full_p + partial_p else "none"
                e_share = {"full": rng.uniform(0.95, 0.995), "partial": rng.uniform(0.75, 0.92), "none": 0.0}[
                    automation
                ]
                k = rng.randint(1, min(3, len(renderers)))
                units = tuple(sorted(rng.sample(renderers, k)))
                volume = int(rng.lognormvariate(math.log(90000 if body.body_type == "CGO" else 30000), 0.9))
                if automation == "none":  # paper-only services are the rare, low-volume ones
                    volume = volume // 6
                out.append(SampleService(code, body.agency_id, units, automation, max(volume, 600), e_share))
        return out

    def _lateness_per_10k(self, body_id: str) -> float:
        if body_id in HIGH_LATENESS:
            return 25.0
        return 0.5 + (1 - QUALITY[body_id].services) ** 1.5 * 12

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
