"""Scale parameters of the national drop (scale.md): generator parameters, not methodology constants."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class NationalScale:
    """Full-scale sizes; everything row-heavy is multiplied by ``fraction``."""

    committees: int = 90
    territorial_regional: int = 900  # CGO departments per oblast / city (≈ 45 networks × 20 regions)
    territorial_district: int = 600  # CGO offices per district (3 networks × ≈ 200 districts)
    regional_departments: int = 450
    districts: int = 224
    district_departments: int = 2200
    rural: int = 2352
    appeals: int = 3_500_000
    appeals_overdue_share: float = 0.02  # scale.md default
    services_total: int = 292_500_000  # published, 2025
    survey_participation: float = 0.68  # ≈ 60,000 respondents
    turnstile_district_department_share: float = 0.55  # district departments with access control


SCALE = NationalScale()

# Employees in post on 1 January per unit kind: (min, max). Totals ≈ 40k CGO / ≈ 48k MIO.
UNIT_SIZES: dict[str, tuple[int, int]] = {
    "cgo_apparatus": (200, 320),
    "committee": (40, 90),
    "territorial": (12, 28),
    "territorial_district": (8, 18),
    "mio_apparatus": (90, 150),
    "regional_department": (18, 38),
    "district": (25, 45),
    "district_department": (5, 10),
    "rural": (2, 5),
}
# Services rendered per unit kind: (min, max) distinct services.
UNIT_SERVICES: dict[str, tuple[int, int]] = {
    "cgo_apparatus": (2, 5),
    "committee": (2, 5),
    "territorial": (9, 20),
    "territorial_district": (7, 13),
    "mio_apparatus": (3, 8),
    "regional_department": (6, 14),
    "district": (5, 10),
    "district_department": (14, 27),
    "rural": (5, 10),
}
# Relative number of appeals a unit receives, by kind.
APPEAL_WEIGHTS: dict[str, float] = {
    "cgo_apparatus": 400.0,
    "committee": 60.0,
    "territorial": 30.0,
    "territorial_district": 12.0,
    "mio_apparatus": 450.0,
    "regional_department": 40.0,
    "district": 90.0,
    "district_department": 8.0,
    "rural": 6.0,
}
MIO_SERVICE_CATALOGUE = 250  # services every akimat renders (standard list)
CATEGORIES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {  # (leader categories, others), as the sample
    "cgo_apparatus": (("B-3", "B-4", "B-5"), ("B-6",)),
    "committee": (("C-1", "C-2", "C-3"), ("C-4", "C-5")),
    "territorial": (("C-O-1", "C-O-2", "C-O-3"), ("C-O-5", "C-O-6")),
    "territorial_district": (("C-R-1", "C-R-2"), ("C-R-3", "C-R-4")),
    "mio_apparatus": (("D-1", "D-3"), ("D-4", "D-5")),
    "regional_department": (("D-O-1", "D-O-2", "D-O-3"), ("D-O-4", "D-O-5")),
    "district": (("E-1", "E-2"), ("E-3", "E-4")),
    "district_department": (("E-1", "E-2"), ("E-3", "E-4")),
    "rural": (("E-G-1",), ("E-G-3",)),
}
