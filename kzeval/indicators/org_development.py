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

import duckdb
import polars as pl

from kzeval.indicators.common import direction_frame, indicator_frame
from kzeval.indicators.hr import compute_hr
from kzeval.indicators.it import compute_it
from kzeval.methodology import org_development_2023 as od
from kzeval.methodology.base import ActiveReadings
from kzeval.methodology.scoring_rules import BlockScoringRules

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
        tier_on_rounded=tier_on_rounded(readings),
    )


def tier_on_rounded(readings: ActiveReadings) -> bool:
    """Reading ``org.tier_rounding``: is the tier read on the score rounded to 2 decimals?"""
    choice = readings.value(od.READING_TIER_ROUNDING)
    if choice not in ("round_first", "unrounded"):
        raise ValueError(f"unknown tier-rounding reading {choice!r}")
    return choice == "round_first"


# (indicator, JSON path of a flag in its inputs, what the run summary says about the bodies/units)
_RUN_NOTES: tuple[tuple[str, str, str], ...] = (
    (
        "hr_overtime_quantitative",
        "$.scope",
        "N1 (para. 40(1)): agencies.is_apparatus is not given, so m, p and n were measured on the level "
        "rule (CGO central units; MIO akimat of the oblast, capital or city of republican significance) "
        "and N1 is provisional",
    ),
    (
        "hr_overtime_quantitative",
        "$.headcount_months_missing",
        "N1 (para. 40(1)): fewer than 12 month-end headcounts for the measured units; n and N1 are "
        "provisional (reading hr.headcount_missing_months)",
    ),
    (
        "hr_net_turnover",
        "$.headcount_months_missing",
        "average headcount (n, z): fewer than 12 month-end values in headcount_monthly; the figures built "
        "on it are provisional (reading hr.headcount_missing_months)",
    ),
    (
        "hr_personal_files",
        "$.units_without_31_december",
        "personal files (para. 45-2): units without a 31 December snapshot, not filled from an earlier date",
    ),
    (
        "hr_stability",
        "$.undated_roster",
        "employees/qualifications without as_of: the undated roster was used and is provisional",
    ),
)


def org_run_notes(con: duckdb.DuckDBPyConnection, year: int) -> list[str]:
    """Lines for the run summary: org-development figures that are provisional, and why.

    Reads ``marts.fct_indicator_scores`` of the published warehouse (inputs JSON); names the
    bodies (at most five, then a count).
    """
    lines: list[str] = []
    for indicator, path, text in _RUN_NOTES:
        condition = (
            f"json_extract_string(inputs, '{path}') = '{od.OVERTIME_SCOPE_LEVEL_RULE}'"
            if path == "$.scope"
            else f"coalesce(json_extract_string(inputs, '{path}') NOT IN ('false', '[]', 'null'), false)"
        )
        try:
            bodies = [
                r[0]
                for r in con.execute(
                    f"SELECT DISTINCT agency_id FROM marts.fct_indicator_scores WHERE year = ? AND indicator = ? "
                    f"AND {condition} ORDER BY 1",
                    [year, indicator],
                ).fetchall()
            ]
        except duckdb.Error:
            return lines  # no published indicator table (nothing computed): nothing to say
        if bodies:
            named = ", ".join(bodies[:5]) + (f" and {len(bodies) - 5} more" if len(bodies) > 5 else "")
            lines.append(f"{text}: {len(bodies)} bodies ({named})")
    lines.extend(overtime_headcount_notes(con, year))
    return lines


def overtime_headcount_notes(con: duckdb.DuckDBPyConnection, year: int) -> list[str]:
    """The run-summary line for ``marts.fct_overtime`` rows flagged ``headcount_months_missing``.

    Names the bodies with their months reported and the divisor n was computed with (reading
    ``hr.headcount_missing_months``), at most five, then a count.
    """
    try:
        rows = con.execute(
            "SELECT agency_id, headcount_months, headcount_divisor FROM marts.fct_overtime "
            "WHERE year = ? AND headcount_months_missing ORDER BY agency_id",
            [year],
        ).fetchall()
    except duckdb.Error:
        return []  # no overtime mart (no turnstile data) or one built before the column existed
    if not rows:
        return []
    shown = ", ".join(f"{a} ({m} months, n = Σ ÷ {d})" for a, m, d in rows[:5])
    more = f" and {len(rows) - 5} more" if len(rows) > 5 else ""
    return [
        "marts.fct_overtime (para. 40(1)): fewer than 12 month-end headcounts, n, a and s are provisional "
        f"(reading hr.headcount_missing_months): {len(rows)} bodies ({shown}{more})"
    ]
