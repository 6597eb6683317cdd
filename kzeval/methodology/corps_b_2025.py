"""Corps «Б» individual evaluation, current model (seed 000, order No 121 of 28 Jul 2025).

Owned by the corps «Б» work (kzeval.corps_b).
"""

from __future__ import annotations

from kzeval.methodology.base import IndicatorDef, ReadingDef

EDITION = "2025"

INDICATORS: tuple[IndicatorDef, ...] = ()
READINGS: tuple[ReadingDef, ...] = ()
