"""Organisational-development block, 2023 edition (seed 001 amending registry 19950).

Constants, indicator definitions (methodology §10) and readings for the HR and IT
directions. The «Нормированность труда» (para. 40) constants are used by
``kzeval.overtime`` (turnstile engine) and ``kzeval.indicators.hr``.
"""

from __future__ import annotations

from kzeval.methodology.base import IndicatorDef, ReadingDef

EDITION = "2023"
BLOCK = "org_development"

# --- «Нормированность труда», seed 001 para. 40 -------------------------------------
OVERTIME_EXIT_ALLOWANCE_MINUTES = 30  # para. 40(1): time after end of day net of 30 min
OVERTIME_DUPLICATE_EVENT_SECONDS = 120  # data-contracts: repeated events within 2 min = one
DEFAULT_WORKDAY_END = "18:30"  # data-contracts, agencies.workday_end default
NORMAL_HOURS_PER_DAY = 8  # para. 40(1): b = (d − 21) × 8
NORMAL_DAYS_DEDUCTION = 21  # para. 40(1): b = (d − 21) × 8
OVERTIME_K = 5.0  # para. 40(1): N1 coefficient k
OVERTIME_RIGIDITY = 8.0  # para. 40(1): «8 – показатель жесткости»
OVERTIME_SURVEY_K = 5.0  # para. 40(3): N2 coefficient k
OVERTIME_MAX = 10.0  # N = N1 + N2 − W, max 10
WEEKEND_PENALTY_BANDS: tuple[tuple[float, float], ...] = (
    # (lower bound of s in hours, inclusive; penalty points), para. 40(2)
    (9.0, 1.0),
    (184.0 + 1e-9, 2.0),  # «свыше 184 часов» → 2
)

INDICATORS: tuple[IndicatorDef, ...] = ()
READINGS: tuple[ReadingDef, ...] = ()
