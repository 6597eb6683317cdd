"""The sample's agencies: ≈10 CGO and ≈10 MIO assessed bodies with their committees, territorial units and departments."""

from __future__ import annotations

from dataclasses import dataclass

from kzeval.generate import names


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
