"""Block «Организационное развитие государственного органа»: HR and IT directions together.

Entry point :func:`compute_org_development` for the pipeline. Reporting penalties (para. 24),
the block combination (Q12) and tiers are applied by ``kzeval.indicators.scoring`` with the
rules of :func:`org_block_scoring_rules`, which honours the readings
``org.late_reporting_penalty`` and ``org.block_combination``.

Missing data (documented rule): a landing table absent from ``frames`` removes the
indicators that read it; the criteria and direction totals lacking them are flagged
provisional. A direction whose tables are all absent is not produced (HR: every HR table
and the turnstile results; IT: ``it_report``).
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from kzeval.indicators.common import direction_frame, indicator_frame
from kzeval.indicators.hr import compute_hr
from kzeval.indicators.it import compute_it
from kzeval.indicators.scoring import BlockScoringRules
from kzeval.methodology import org_development_2023 as od
from kzeval.methodology.base import ActiveReadings

ORG_DEVELOPMENT_TABLES: tuple[str, ...] = (
    "headcount_monthly",
    "employees",
    "dismissals",
    "training",
    "internships",
    "personal_files",
    "qualifications",
    "promotions",
    "competitions",
    "hr_strategy",
    "survey_responses",
    "it_report",
)


def compute_org_development(
    frames: dict[str, pl.DataFrame],
    bodies: pl.DataFrame,
    agencies_resolved: pl.DataFrame,
    year: int,
    readings: ActiveReadings,
    overtime: pl.DataFrame | None = None,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(indicator_frame, direction_frame) of block ``org_development`` for one year.

    ``frames``: landing tables (with ``assessed_agency_id`` and ``body_type``), missing keys
    allowed; ``overtime``: N1 and W per assessed body from the turnstile work, either wide
    (agency_id, hr_overtime_quantitative, hr_weekend_overtime_penalty) or as indicator rows;
    None → N from the survey part alone, flagged ``n_source = "survey_only"``.
    """
    hr_indicators, hr_directions = compute_hr(frames, bodies, agencies_resolved, year, readings, overtime)
    it_indicators, it_directions = compute_it(frames, bodies, year, readings)
    return (
        indicator_frame([*hr_indicators, *it_indicators]),
        direction_frame([*hr_directions, *it_directions]),
    )


def block_weights(readings: ActiveReadings) -> dict[str, float] | None:
    """HR/IT weights of the block score under ``org.block_combination`` (None: no block score)."""
    choice = readings.value(od.READING_BLOCK_COMBINATION)
    if choice == "mean":
        return dict(od.ORG_BLOCK_MEAN_WEIGHTS)
    if choice == "interaction_weights":
        return dict(od.ORG_BLOCK_INTERACTION_WEIGHTS)
    if choice == "none":
        return None
    raise ValueError(f"unknown block-combination reading {choice!r}")


def penalty_points_per_fact(readings: ActiveReadings) -> dict[str, float]:
    """Para. 24 per-fact amounts: unreliable 0,2, incomplete 2 (Q10), late by reading."""
    points = dict(od.PENALTY_POINTS_PER_FACT)
    points["late"] = od.ORG_LATE_REPORTING_PENALTY[readings.value(od.READING_LATE_REPORTING)]
    return points


def org_block_scoring_rules(readings: ActiveReadings) -> BlockScoringRules:
    """Scoring rules of the block under the active readings, for ``score_directions_and_block``.

    With ``org.block_combination=none`` the weights are empty, so only direction scores are
    produced. Tiers and rounding are the interaction block's (para. 108, by analogy).
    """
    weights = block_weights(readings)
    by_body_type: Mapping[str, Mapping[str, float]] = (
        {} if weights is None else {body_type: dict(weights) for body_type in od.BLOCK_WEIGHTS}
    )
    return BlockScoringRules(
        block=od.BLOCK,
        penalty_points_per_fact=penalty_points_per_fact(readings),
        penalty_cap_per_direction=od.PENALTY_CAP_PER_DIRECTION,
        weights=by_body_type,
        tier_thresholds=tuple(od.TIER_THRESHOLDS),
        tier_below=tuple(od.TIER_BELOW),  # type: ignore[arg-type]
        decimals=od.SCORE_DECIMALS,
        is_provisional=readings.is_provisional((od.READING_BLOCK_COMBINATION,)),
    )


def block_reading(readings: ActiveReadings) -> tuple[str, bool]:
    """Reading label and provisional flag to store with block scores and reporting penalties."""
    keys = (od.READING_BLOCK_COMBINATION, od.READING_LATE_REPORTING)
    return readings.label(keys), readings.is_provisional(keys)
