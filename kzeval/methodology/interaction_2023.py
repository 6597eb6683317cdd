"""Interaction block, 2023 edition (seed 004): constants, indicator definitions, readings.

Owned by the interaction-indicators work; filled in by kzeval.indicators.services/openness/appeals.
"""

from __future__ import annotations

from kzeval.methodology.base import IndicatorDef, ReadingDef

EDITION = "2023"
BLOCK = "interaction"

INDICATORS: tuple[IndicatorDef, ...] = ()
READINGS: tuple[ReadingDef, ...] = ()
