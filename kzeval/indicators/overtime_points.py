"""«Нормированность труда», quantitative part (seed 001, para. 40 (1)–(2)): N1, W and their inputs.

The heavy per-employee-per-day work is in :mod:`kzeval.overtime` (DuckDB); this module holds
the scalar formulas applied once per assessed body to a ``marts.fct_overtime`` row. N2 and
N = N1 + N2 − W belong to :mod:`kzeval.indicators.hr`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from kzeval.indicators.common import IndicatorResult, clamp
from kzeval.methodology import org_development_2023 as ed
from kzeval.methodology.base import IndicatorDef

DIRECTION = "hr"

CODE_N1 = "hr_overtime_quantitative"
CODE_W = "hr_weekend_overtime_penalty"
CODE_A = "avg_workday_hours_per_employee"
CODE_B = "normal_hours"
CODE_S = "avg_weekend_overtime_hours"

# The definitions live in the edition module's INDICATORS (methodology §10 codes).
OVERTIME_INDICATORS: tuple[IndicatorDef, ...] = tuple(
    d for code in (CODE_N1, CODE_W, CODE_A, CODE_B, CODE_S) for d in ed.INDICATORS if d.code == code
)


def normal_hours(workdays: int) -> float:
    """b = (d − 21) × 8, para. 40 (1) (IN SEED): normal working time of the year net of 21 days of leave."""
    return float((workdays - ed.NORMAL_DAYS_DEDUCTION) * ed.NORMAL_HOURS_PER_DAY)


def avg_workday_hours(normal_hours_year: float, workday_overtime_hours: float, avg_headcount: float) -> float | None:
    """a = (m + b × n) / n = b + m / n, para. 40 (1), RECONSTRUCTED-HIGH.

    None when n = 0: without a headcount the average does not exist and N1 is not computed.
    """
    if avg_headcount <= 0:
        return None
    return normal_hours_year + workday_overtime_hours / avg_headcount


def avg_weekend_overtime(weekend_overtime_hours: float, avg_headcount: float) -> float | None:
    """s = p / n, para. 40 (2), RECONSTRUCTED-HIGH; None when n = 0."""
    if avg_headcount <= 0:
        return None
    return weekend_overtime_hours / avg_headcount


def overtime_quantitative_score(avg_workday_hours_per_employee: float, normal_hours_year: float) -> float:
    """N1 = k × (1 − 8 × (a / b − 1)), para. 40 (1), RECONSTRUCTED-HIGH.

    «8 – показатель жесткости … переработки свыше 1 часа в день»: one hour a day over an
    8-hour day makes (a/b − 1) = 1/8 and N1 = 0. Negative → 0 (IN SEED); max k at a = b.
    """
    ratio = avg_workday_hours_per_employee / normal_hours_year
    return clamp(ed.OVERTIME_K * (1.0 - ed.OVERTIME_RIGIDITY * (ratio - 1.0)), 0.0, ed.OVERTIME_K)


def weekend_overtime_penalty(avg_weekend_overtime_hours: float) -> float:
    """W, para. 40 (2) (IN SEED thresholds): s in 9–184 h → 1, s > 184 h → 2, s < 9 → 0 (inferred)."""
    penalty = 0.0
    for lower_bound, points in ed.WEEKEND_PENALTY_BANDS:
        if avg_weekend_overtime_hours >= lower_bound:
            penalty = points
    return penalty


def _finite(value: Any) -> float | None:
    if value is None:
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def overtime_indicator_rows(
    fct_overtime_row: Mapping[str, Any],
    body_type: str,
    scope_source: str | None = None,
    reading_label: str = "default",
    headcount_months: int | None = None,
    headcount_reading: str = "divide_by_12",
) -> list[IndicatorResult]:
    """Detail rows b, a, s, N1 and W for one ``marts.fct_overtime`` row (para. 40 (1)–(2)).

    Recomputes b, a and s from m, p, n and d with the functions above so the rows and the
    mart cannot drift apart. When n is missing or 0 only b is returned: a, s, N1 and W are
    not computed (the run summary lists them), never scored as «no overtime».
    ``scope_source`` = ``"level_rule"`` (the body's units carry no ``agencies.is_apparatus``,
    so m, p and n were measured on the fallback level rule) marks a, s, N1 and W provisional.
    ``reading_label`` (e.g. ``hr.overtime_exit_allowance=deduction``) is stored with a, N1.
    ``headcount_months`` below 12 (month-end values of the scope units) marks a, s, N1 and W
    provisional; under ``headcount_reading = "months_reported"`` (reading
    ``hr.headcount_missing_months``) n = Σ / months, else Σ / 12. Σ is the stored n times the
    row's ``headcount_divisor`` (12 when the row has none), so a row stored under either
    reading gives the same n here.
    """
    months_missing = headcount_months is not None and 0 < headcount_months < ed.HEADCOUNT_MONTHS
    provisional = scope_source == ed.OVERTIME_SCOPE_LEVEL_RULE or months_missing
    agency_id = str(fct_overtime_row["agency_id"])
    m = float(fct_overtime_row["workday_overtime_hours"])
    p = float(fct_overtime_row["weekend_overtime_hours"])
    n = _finite(fct_overtime_row.get("avg_headcount")) or 0.0
    stored_divisor = int(fct_overtime_row.get("headcount_divisor") or ed.HEADCOUNT_MONTHS)
    divisor = headcount_months if months_missing and headcount_reading == "months_reported" else ed.HEADCOUNT_MONTHS
    if divisor != stored_divisor:
        n = n * stored_divisor / divisor  # type: ignore[operator]
    d = int(fct_overtime_row["workdays"])
    b = normal_hours(d)
    by_code = {x.code: x for x in OVERTIME_INDICATORS}

    def row(code: str, value: float, inputs: dict[str, Any]) -> IndicatorResult:
        definition = by_code[code]
        return IndicatorResult(
            agency_id=agency_id,
            block=ed.BLOCK,
            direction=DIRECTION,
            indicator=code,
            value=value,
            max_points=definition.max_for(body_type),
            inputs={**inputs, **extra} if code != CODE_B else inputs,
            role=definition.role,
            reading=reading_label if code in (CODE_A, CODE_N1) else "default",
            is_provisional=provisional and code != CODE_B,
        )

    extra: dict[str, Any] = {}
    if scope_source:
        extra["scope"] = scope_source
    if headcount_months is not None:
        extra["headcount_months_reported"] = headcount_months
        extra["headcount_months_missing"] = months_missing
    rows = [row(CODE_B, b, {"workdays": d})]
    a = avg_workday_hours(b, m, n)
    s = avg_weekend_overtime(p, n)
    if a is None or s is None or b <= 0:
        return rows
    n1 = overtime_quantitative_score(a, b)
    w = weekend_overtime_penalty(s)
    rows += [
        row(CODE_A, a, {"normal_hours": b, "workday_overtime_hours": m, "avg_headcount": n}),
        row(CODE_S, s, {"weekend_overtime_hours": p, "avg_headcount": n}),
        row(
            CODE_N1,
            n1,
            {
                "avg_workday_hours_per_employee": a,
                "normal_hours": b,
                "k": ed.OVERTIME_K,
                "rigidity": ed.OVERTIME_RIGIDITY,
            },
        ),
        row(CODE_W, w, {"avg_weekend_overtime_hours": s}),
    ]
    return rows
