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
# The two assessed blocks in the order of the forms; each edition module holds its block's
# legal name and its directions' names (the one home of these labels).
BLOCK_EDITIONS = (interaction_2023, org_development_2023)
BLOCK_LABELS: Mapping[str, str] = {m.BLOCK: m.BLOCK_LABEL_RU for m in BLOCK_EDITIONS}
DIRECTION_LABELS: Mapping[str, str] = {d: m.DIRECTION_LABELS_RU[d] for m in BLOCK_EDITIONS for d in m.DIRECTIONS}
DIRECTION_BLOCK: Mapping[str, str] = {d: m.BLOCK for m in BLOCK_EDITIONS for d in m.DIRECTIONS}
BLOCK_ORDER: tuple[str, ...] = tuple(BLOCK_LABELS)
DIRECTION_ORDER: tuple[str, ...] = tuple(DIRECTION_LABELS)


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
