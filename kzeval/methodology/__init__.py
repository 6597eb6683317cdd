"""Methodology configuration: constants, indicator definitions and readings per edition.

Each edition module (``interaction_2023``, ``org_development_2023``, ``corps_b_2025``,
``corps_b_2018`` — the ranking method for quarters before 1 July 2025) is
the one readable place for its block's weights, coefficients, thresholds and CGO/MIO
variants. Formula modules import constants from here and never hold their own literals.
"""

from __future__ import annotations

from collections.abc import Mapping

from kzeval.methodology import corps_b_2018, corps_b_2025, interaction_2023, org_development_2023
from kzeval.methodology.base import ActiveReadings, IndicatorDef, ReadingDef

EDITION_MODULES = (interaction_2023, org_development_2023, corps_b_2025, corps_b_2018)


def all_indicators() -> dict[str, IndicatorDef]:
    result: dict[str, IndicatorDef] = {}
    for module in EDITION_MODULES:
        for definition in module.INDICATORS:
            if definition.code in result:
                raise ValueError(f"indicator code {definition.code} defined twice")
            result[definition.code] = definition
    return result


def all_readings() -> dict[str, ReadingDef]:
    result: dict[str, ReadingDef] = {}
    for module in EDITION_MODULES:
        for definition in module.READINGS:
            if definition.key in result:
                raise ValueError(f"reading {definition.key} defined twice")
            result[definition.key] = definition
    return result


def active_readings(overrides: Mapping[str, str] | None = None) -> ActiveReadings:
    return ActiveReadings(all_readings(), dict(overrides or {}))


def edition_label(year: int) -> str:
    """Which editions score a given assessment year (stored with the run)."""
    return f"interaction={interaction_2023.EDITION};org_development={org_development_2023.EDITION}"
