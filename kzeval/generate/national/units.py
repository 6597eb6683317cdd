"""The national hierarchy of units (≈ 6,900 at full scale), scaled by ``fraction``; the 52 assessed bodies are always present."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kzeval.generate import names
from kzeval.generate.national.catalogue import (
    CITY_DISTRICTS,
    DISTRICT_DEPARTMENT_NAMES,
    DISTRICT_STEMS,
    DISTRICTS_PER_REGION,
    REGIONAL_DEPARTMENT_NAMES,
    RURAL_STEMS,
    SAMPLE_CGO_EXTRA_COMMITTEES,
    SAMPLE_CGO_EXTRA_NETWORKS,
    Cgo,
    Network,
    extra_cgos,
)
from kzeval.generate.national.draws import stable_u64
from kzeval.generate.national.scale import SCALE


@dataclass(frozen=True)
class NationalUnit:
    """One row of ``agencies`` plus generator attributes (the assessed body, the unit kind)."""

    agency_id: str
    name_ru: str
    name_kk: str | None
    body_type: str
    parent_agency_id: str | None
    is_assessed: bool
    region_code: str | None
    level: str
    workday_end: str
    body_id: str
    kind: str


def _cgo_catalogue() -> list[Cgo]:
    out: list[Cgo] = []
    for cgo in names.CENTRAL_BODIES:
        terr = cgo.territorial
        networks = (Network(terr.parent_code, terr.pattern_ru), *SAMPLE_CGO_EXTRA_NETWORKS.get(cgo.code, ()))
        committees = tuple(
            {
                code: (code, name)
                for code, name in (
                    *((c.code, c.name_ru) for c in cgo.committees),
                    *SAMPLE_CGO_EXTRA_COMMITTEES.get(cgo.code, ()),
                )
            }.values()
        )
        out.append(Cgo(cgo.code, cgo.name_ru, cgo.name_kk, committees, networks, cgo.workday_end))
    out.extend(extra_cgos())
    return out


def _district_names(region: names.Region, count: int, offset: int) -> list[str]:
    """Genitive district names («Аккольского района») of one region."""
    if region.code in CITY_DISTRICTS:
        return list(CITY_DISTRICTS[region.code][:count])
    return [f"{DISTRICT_STEMS[(offset + i) % len(DISTRICT_STEMS)]} района" for i in range(count)]


def _full_units() -> list[NationalUnit]:
    """The whole national hierarchy at fraction 1.0 (≈ 6,900 units), in a fixed order."""
    units: list[NationalUnit] = []
    regions = list(names.REGIONS.values())
    district_names: dict[str, list[str]] = {}
    offset = 0
    for region in regions:
        district_names[region.code] = _district_names(region, DISTRICTS_PER_REGION[region.code], offset)
        offset += DISTRICTS_PER_REGION[region.code]

    def add(*args: Any) -> None:
        units.append(NationalUnit(*args))

    for cgo in _cgo_catalogue():
        body = f"CGO-{cgo.code}"
        end = cgo.workday_end
        add(body, cgo.name_ru, cgo.name_kk or None, "CGO", None, True, None, "central", end, body, "cgo_apparatus")
        genitive = cgo.name_ru.replace("Министерство", "Министерства", 1).replace("Агентство", "Агентства", 1)
        for code, name in cgo.committees:
            full = name if "Министерства" in name or name.startswith("Бюро") else f"{name} {genitive}"
            add(f"{body}-{code}", full, None, "CGO", body, False, None, "central", end, body, "committee")
        seen: dict[str, int] = {}
        for network in cgo.networks:
            parent = f"{body}-{network.owner}" if network.owner else body
            nth = seen[parent] = seen.get(parent, 0) + 1  # a parent with two networks: -N2-<region>
            prefix = parent if nth == 1 else f"{parent}-N{nth}"
            for region in regions:
                if not network.per_district:
                    name = names.fill(network.pattern_ru, region)
                    add(
                        f"{prefix}-{region.code}",
                        name,
                        None,
                        "CGO",
                        parent,
                        False,
                        region.code,
                        "territorial",
                        "18:30",
                        body,
                        "territorial",
                    )
                    continue
                if region.is_city:
                    continue
                for i, district in enumerate(district_names[region.code]):
                    stem = district.removesuffix(" района")
                    name = network.pattern_ru.format(district=stem)
                    add(
                        f"{prefix}-{region.code}-D{i + 1:02d}",
                        name,
                        None,
                        "CGO",
                        parent,
                        False,
                        region.code,
                        "territorial",
                        "18:30",
                        body,
                        "territorial_district",
                    )
    local = {b.region_code: b for b in names.LOCAL_BODIES}
    for region in regions:
        body = f"MIO-{region.code}"
        name_ru, name_kk = names.akimat_names(region)
        end = local[region.code].workday_end if region.code in local else "18:30"
        level = "city" if region.is_city else "oblast"
        add(body, name_ru, name_kk, "MIO", None, True, region.code, level, end, body, "mio_apparatus")
        for code, name in REGIONAL_DEPARTMENT_NAMES:
            if region.is_city and code in ("USH", "UPRR"):  # no agriculture / natural-resource departments
                continue
            add(
                f"{body}-{code}",
                f"{name} {region.genitive}",
                None,
                "MIO",
                body,
                False,
                region.code,
                "oblast",
                "18:30",
                body,
                "regional_department",
            )
        for i, district in enumerate(district_names[region.code]):
            district_id = f"{body}-D{i + 1}"
            suffix = f" {region.genitive}" if region.is_city else ""
            add(
                district_id,
                f"Акимат {district}{suffix}",
                None,
                "MIO",
                body,
                False,
                region.code,
                "district",
                "18:30",
                body,
                "district",
            )
            n_departments = 10 if i % 5 else 9
            for code, name in DISTRICT_DEPARTMENT_NAMES[:n_departments]:
                add(
                    f"{district_id}-{code}",
                    f"{name} {district}{suffix}",
                    None,
                    "MIO",
                    district_id,
                    False,
                    region.code,
                    "district",
                    "18:30",
                    body,
                    "district_department",
                )
            if region.is_city:
                continue
            n_rural = 11 if i % 7 < 4 else 12
            for j in range(n_rural):
                stem = RURAL_STEMS[(i * 7 + j) % len(RURAL_STEMS)]
                add(
                    f"{district_id}-R{j + 1}",
                    f"Аппарат акима {stem} сельского округа {district}",
                    None,
                    "MIO",
                    district_id,
                    False,
                    region.code,
                    "rural",
                    "18:00",
                    body,
                    "rural",
                )
    return units


FULL_TARGETS: dict[str, int] = {
    "committee": SCALE.committees,
    "territorial": SCALE.territorial_regional,
    "territorial_district": SCALE.territorial_district,
    "regional_department": SCALE.regional_departments,
    "district": SCALE.districts,
    "district_department": SCALE.district_departments,
    "rural": SCALE.rural,
}
_KIND_ORDER = tuple(FULL_TARGETS)


def build_national_units(seed: int, fraction: float) -> list[NationalUnit]:
    """The hierarchy at ``fraction``: every assessed body, and ≈ fraction of each kind of sub-unit.

    Kinds are chosen top-down; children of already chosen parents go first, and a chosen
    unit whose parent was not chosen brings its parent in, so every unit still rolls up
    through its real chain of parents.
    """
    full = _full_units()
    by_id = {u.agency_id: u for u in full}
    kept: set[str] = {u.agency_id for u in full if u.is_assessed}
    if fraction >= 1.0:
        kept = set(by_id)
    else:
        for kind in _KIND_ORDER:
            candidates = [u for u in full if u.kind == kind]
            want = round(len(candidates) * fraction)
            ranked = sorted(
                candidates,
                key=lambda u: (u.parent_agency_id not in kept, stable_u64(seed, "unit", u.agency_id)),
            )
            for unit in ranked[:want]:
                node: NationalUnit | None = unit
                while node is not None and node.agency_id not in kept:
                    kept.add(node.agency_id)
                    node = by_id.get(node.parent_agency_id or "")
    return [u for u in full if u.agency_id in kept]
