"""HR direction, part 1: the indicator table map, the scope of para. 28 and the scalar formulas of one body.

Every constant comes from ``kzeval.methodology.org_development_2023``; the package docstring
(:mod:`kzeval.indicators.hr`) says how the parts fit.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import polars as pl

from kzeval.indicators.common import clamp, safe_ratio
from kzeval.methodology import org_development_2023 as od
from kzeval.methodology.base import IndicatorDef

BODY = "assessed_agency_id"
DIRECTION = "hr"
CODE_N1 = "hr_overtime_quantitative"  # from kzeval.indicators.overtime_points
CODE_W = "hr_weekend_overtime_penalty"
_DEFINITIONS: dict[str, IndicatorDef] = {d.code: d for d in od.INDICATORS if d.direction == DIRECTION}
# Shares are compared with band edges after dropping float noise (e.g. 0.1 × 100 = 10.000000000000002).
_COMPARE_DIGITS = 9

# Landing tables each indicator reads (its definition's source_tables); a missing table means the
# indicator is not produced. The turnstile figures (N1, W) are computed apart (overtime_points).
INDICATOR_TABLES: dict[str, tuple[str, ...]] = {
    code: _DEFINITIONS[code].source_tables
    for code in (
        "hr_net_turnover",
        "hr_stability",
        "hr_exit_interview",
        "hr_gender",
        "hr_qualifications",
        "hr_overtime_survey",
        "hr_work_conditions",
        "hr_management_practices",
        "hr_training",
        "hr_strategy",
        "hr_internships",
        "hr_personal_files",
        "hr_competition_transparency",
        "hr_meritocracy",
        "hr_career_growth",
        "hr_reward_transparency",
        "hr_ethics",
    )
}
HR_TABLES: tuple[str, ...] = tuple(sorted({t for tables in INDICATOR_TABLES.values() for t in tables}))

# Survey indicators: code → (statements, k)
SURVEY_INDICATORS: dict[str, tuple[tuple[int, ...], float]] = {
    "hr_overtime_survey": (od.OVERTIME_SURVEY_STATEMENTS, od.OVERTIME_SURVEY_K),
    "hr_work_conditions": (od.WORK_CONDITIONS_STATEMENTS, od.WORK_CONDITIONS_K),
    "hr_management_practices": (od.MANAGEMENT_PRACTICES_STATEMENTS, od.MANAGEMENT_PRACTICES_K),
    "hr_meritocracy": (od.MERITOCRACY_STATEMENTS, od.MERITOCRACY_K),
    "hr_reward_transparency": (od.REWARD_TRANSPARENCY_STATEMENTS, od.REWARD_TRANSPARENCY_K),
    "hr_ethics": (od.ETHICS_STATEMENTS, od.ETHICS_K),
}


def _rounded(value: float) -> float:
    return round(value, _COMPARE_DIGITS)


# ---------------------------------------------------------------------------------------
# Scope, para. 28
# ---------------------------------------------------------------------------------------


def unit_in_hr_scope(level: str | None, ancestor_levels: Sequence[str | None]) -> bool:
    """Para. 28: is a unit assessed for HR?

    CGO central offices, their departments and territorial units in oblasts, cities of
    republican significance and the capital count; units of districts, cities of oblast
    significance, districts in cities, towns, villages and rural okrugs do not. A ``city``
    unit below an oblast/territorial unit is a city of oblast significance. A unit without a
    level is kept (nothing says it is district level).
    """
    if level in od.HR_SCOPE_EXCLUDED_LEVELS:
        return False
    if level == od.CITY_LEVEL:
        return not any(a in od.REGIONAL_ANCESTOR_LEVELS for a in ancestor_levels)
    return True


def unit_in_career_growth_scope(level: str | None) -> bool:
    """Para. 28, second sentence: «Карьерный рост» also counts district-level appointments."""
    return level not in od.CAREER_GROWTH_EXCLUDED_LEVELS


def hr_scope(agencies_resolved: pl.DataFrame) -> pl.DataFrame:
    """agency_id, in_hr_scope, in_career_scope for every unit of ``resolve_hierarchy`` output.

    Ancestors are walked up to the assessed body (~7k units, a plain walk is enough).
    """
    ids = agencies_resolved["agency_id"].to_list()
    parent = dict(zip(ids, agencies_resolved["parent_agency_id"].to_list(), strict=True))
    levels = agencies_resolved["level"].to_list() if "level" in agencies_resolved.columns else [None] * len(ids)
    level = dict(zip(ids, levels, strict=True))
    assessed = dict(zip(ids, agencies_resolved["assessed_agency_id"].to_list(), strict=True))
    rows = []
    for unit in ids:
        ancestors: list[str | None] = []
        node = unit
        while node != assessed[unit] and parent.get(node) is not None and len(ancestors) < len(ids):
            node = parent[node]
            ancestors.append(level.get(node))
        rows.append(
            {
                "agency_id": unit,
                "in_hr_scope": unit_in_hr_scope(level[unit], ancestors),
                "in_career_scope": unit_in_career_growth_scope(level[unit]),
            }
        )
    schema = {"agency_id": pl.Utf8, "in_hr_scope": pl.Boolean, "in_career_scope": pl.Boolean}
    return pl.DataFrame(rows, schema=schema)


# ---------------------------------------------------------------------------------------
# Scalar formulas (one body)
# ---------------------------------------------------------------------------------------


def average_headcount(
    month_end_headcount_sum: float, months_reported: int | None = None, reading: str = "divide_by_12"
) -> float:
    """n / z (paras. 37, 40, 45-1): month-end headcounts summed and divided by 12.

    Reading ``hr.headcount_missing_months``: ``divide_by_12`` (the seed's words, default) or
    ``months_reported`` (divide by the month-end values present; 0 months → 0).
    """
    if reading == "divide_by_12" or months_reported is None:
        return month_end_headcount_sum / od.HEADCOUNT_MONTHS
    if reading == "months_reported":
        return month_end_headcount_sum / months_reported if months_reported > 0 else 0.0
    raise ValueError(f"unknown headcount reading {reading!r}")


def empty_denominator_ratio(reading: str, full_marks_ratio: float = 1.0) -> float | None:
    """The share an empty denominator stands for under ``hr.empty_denominator`` (None: not assessed)."""
    if reading == "full_marks":
        return full_marks_ratio
    if reading == "zero":
        return 0.0
    if reading == "not_assessed":
        return None
    raise ValueError(f"unknown empty-denominator reading {reading!r}")


def net_turnover_points(leavers_civil_service: int, avg_headcount: float, reading: str) -> float:
    """R «Чистая сменяемость персонала» (base act; RECONSTRUCTED-LOW, Q15).

    ``R = max(0, k − a / b × 100 × λ)``, k = 10; a = non-exempt leavers of the civil-service
    system, b = average headcount; λ by reading ``hr.net_turnover``. b = 0 → no turnover.
    """
    turnover_pct = safe_ratio(leavers_civil_service, avg_headcount, od.NET_TURNOVER_EMPTY_SHARE) * 100
    return clamp(od.NET_TURNOVER_K - turnover_pct * od.NET_TURNOVER_LAMBDA[reading], 0.0, od.NET_TURNOVER_K)


def stability_points(employees_long_tenure: int, avg_headcount: float) -> float:
    """St «Стабильность кадрового состава» (base act; RECONSTRUCTED-LOW, Q15).

    ``St = min(k, a / b × k)``, k = 5; a = employees in post at 31 Dec with at least X years
    in the body (X by reading ``hr.stability``), b = average headcount; b = 0 → 0.
    """
    return clamp(safe_ratio(employees_long_tenure, avg_headcount, 0.0) * od.STABILITY_K, 0.0, od.STABILITY_K)


def paper_interviews_counted(electronic: int, paper: int, reading: str) -> int:
    """Appendix 12 note 6: paper exit interviews count up to 10 % (reading ``hr.paper_interview_limit``).

    ``share_of_total``: at most floor(10 % × (electronic + paper)); ``share_of_counted``: the
    largest p with p ≤ 10 % × (electronic + p), i.e. floor(electronic / 9).
    """
    if paper <= 0:
        return 0
    share = od.PAPER_INTERVIEW_MAX_SHARE
    if reading == "share_of_total":
        limit = int(_rounded(share * (electronic + paper)) // 1)
    elif reading == "share_of_counted":
        limit = int(_rounded(share * electronic / (1 - share)) // 1)
    else:
        raise ValueError(f"unknown paper-interview reading {reading!r}")
    return min(paper, limit)


def exit_interview_penalty(negative_leavers: int, base: int) -> float:
    """Para. 35: −1,5 when more than 50 % of the base cite negative aspects (50 % exactly: none).

    The base (all non-exempt leavers, or those interviewed) is reading
    ``hr.exit_interview_negative_base``; an empty base gives no penalty.
    """
    if base == 0:
        return 0.0
    share = _rounded(negative_leavers / base)
    return od.EXIT_INTERVIEW_NEGATIVE_PENALTY if share > od.EXIT_INTERVIEW_NEGATIVE_SHARE else 0.0


def exit_interview_points(
    interviewed: int,
    leavers: int,
    negative_leavers: int,
    negative_base: int | None = None,
    empty_reading: str = "full_marks",
) -> float | None:
    """V «Выходное интервью», para. 35 (RECONSTRUCTED-HIGH): ``V = a / b × k − penalty``.

    k = 5; a = leavers who filled the interview (paper ones within the 10 % limit), b =
    leavers of the civil service or the body (exempt exits of Appendix 12 item 7 out of both,
    Q7); floor 0, max 5. b = 0 → reading ``hr.empty_denominator`` (5, 0 or None = not
    assessed). ``negative_base`` defaults to b.
    """
    if leavers == 0:
        ratio = empty_denominator_ratio(empty_reading, od.EXIT_INTERVIEW_EMPTY_RATIO)
        return None if ratio is None else ratio * od.EXIT_INTERVIEW_K
    base = leavers if negative_base is None else negative_base
    value = interviewed / leavers * od.EXIT_INTERVIEW_K - exit_interview_penalty(negative_leavers, base)
    return clamp(value, 0.0, od.EXIT_INTERVIEW_K)


def _band(value_pct: float, bands: Iterable[tuple[float, float]]) -> float:
    """Points of the first band whose inclusive lower bound the value reaches; else 0."""
    for lower, points in bands:
        if value_pct >= lower:
            return points
    return 0.0


def gender_points(women_leaders: int, leaders: int, reading: str, empty_reading: str = "full_marks") -> float | None:
    """G «Гендерный состав» (base act; RECONSTRUCTED-LOW, Q15): women in leadership posts.

    ``target_share``: ``min(k, k × (w / L) / 0,30)``; ``banded``: GENDER_BANDS on the share.
    L = 0 (no leadership post counted) → reading ``hr.empty_denominator``: the target share
    (full points), 0, or None (not assessed).
    """
    if leaders == 0:
        empty = empty_denominator_ratio(empty_reading, od.GENDER_EMPTY_SHARE)
        if empty is None:
            return None
        share = empty
    else:
        share = women_leaders / leaders
    if reading == "target_share":
        return clamp(od.GENDER_K * share / od.GENDER_TARGET_SHARE, 0.0, od.GENDER_K)
    if reading == "banded":
        return _band(_rounded(share * 100), od.GENDER_BANDS)
    raise ValueError(f"unknown gender reading {reading!r}")


def qualification_points(qualified: int, avg_headcount: float) -> float:
    """P «Качественный состав персонала», para. 37 (RECONSTRUCTED-MEDIUM).

    ``P = min(5, (a + … + j) / z × k)``, k = 5; z = average headcount, z = 0 → 0. The
    numerator (sum of overlapping counts or distinct employees) is reading ``hr.qualifications``.
    """
    return clamp(safe_ratio(qualified, avg_headcount, 0.0) * od.QUALIFICATIONS_K, 0.0, od.QUALIFICATIONS_K)


def overtime_points(
    quantitative: float | None, survey: float | None, weekend_penalty: float, weekend_target: str
) -> float:
    """N «Нормированность труда», para. 40: ``N = N1 + N2 − W``, floor 0, max 10 (Q17).

    A missing part (N1 without turnstile data, N2 without survey answers) contributes 0 and
    the caller flags the result. Under reading ``hr.weekend_penalty_target=work_organisation``
    W is deducted from «Организация труда» instead (:func:`work_organisation_points`).
    """
    if quantitative is None and survey is None:
        raise ValueError("N needs N1 or N2")
    total = (quantitative or 0.0) + (survey or 0.0)
    if weekend_target == "overtime":
        total -= weekend_penalty
    return clamp(total, 0.0, od.OVERTIME_MAX)


def training_penalty(late: int, missed: int) -> float:
    """Para. 44: 0,5 per late completion + 1 per non-completion, at most 5."""
    return min(od.TRAINING_PENALTY_CAP, late * od.TRAINING_LATE_PENALTY + missed * od.TRAINING_MISSED_PENALTY)


def training_points(
    qualification_on_time: int,
    qualification_due: int,
    retraining_on_time: int,
    retraining_due: int,
    late: int,
    missed: int,
) -> float:
    """U «Обучение государственных служащих», para. 44 (RECONSTRUCTED-HIGH).

    ``U = k × 0,5 × (a / b + c / d) − penalty``, k = 5; a/b = 1 when b = 0 and c/d = 1 when
    d = 0 (IN SEED); floor 0 (assumed), max 5.
    """
    qualification = safe_ratio(qualification_on_time, qualification_due, od.TRAINING_EMPTY_RATIO)
    retraining = safe_ratio(retraining_on_time, retraining_due, od.TRAINING_EMPTY_RATIO)
    value = od.TRAINING_K * od.TRAINING_AVERAGING_FACTOR * (qualification + retraining)
    return clamp(value - training_penalty(late, missed), 0.0, od.TRAINING_K)


def strategy_execution_points(execution_pct: float | None) -> float:
    """Para. 45, b: 3 (≥ 80 %), 2 (60–79,99 %), 1 (40–59,99 %), 0 below or not reported."""
    if execution_pct is None:
        return 0.0
    return _band(execution_pct, od.STRATEGY_EXECUTION_BANDS)


def strategy_points(status: str | None, execution_pct: float | None) -> float:
    """S «Стратегическое кадровое планирование», para. 45 (IN SEED): ``S = a + b``, max 5.

    a = 2 / 1 / 0 by strategy status (no row → 0). b needs an approved strategy: with none
    there is nothing to execute, so b = 0 whatever is reported (documented decision).
    """
    approval = od.STRATEGY_STATUS_POINTS.get(status or "none", 0.0)
    execution = strategy_execution_points(execution_pct) if approval > 0 else 0.0
    return clamp(approval + execution, 0.0, od.HR_WEIGHTS["hr_strategy"])


def internship_points(interns: int, avg_headcount: float) -> float:
    """I «Проведение стажировки» (bonus), para. 45-1 (IN SEED).

    Interns sent + received as % of average headcount: > 10 % → 2; 5–10 % → 1; else 0.
    Average headcount 0 → 0.
    """
    if avg_headcount <= 0:
        return 0.0
    share_pct = _rounded(interns / avg_headcount * 100)
    if share_pct > od.INTERNSHIP_HIGH_SHARE_PCT:
        return od.INTERNSHIP_HIGH_POINTS
    if share_pct >= od.INTERNSHIP_LOW_SHARE_PCT:
        return od.INTERNSHIP_LOW_POINTS
    return 0.0


def personal_files_points(files_complete: int, employees: int) -> float:
    """K «Заполняемость ИС Е-қызмет» (bonus), para. 45-2: ≥ 99 % complete at 31 Dec → 1,5."""
    if employees <= 0:
        return 0.0
    share_pct = _rounded(files_complete / employees * 100)
    return od.PERSONAL_FILES_POINTS if share_pct >= od.PERSONAL_FILES_THRESHOLD_PCT else 0.0


def competition_video_penalty(violations: int) -> float:
    """Para. 48: 1 point per video-recording violation, at most 10."""
    return min(od.COMPETITION_VIDEO_PENALTY_CAP, violations * od.COMPETITION_VIDEO_PENALTY_PER_VIOLATION)


def competition_transparency_points(
    held: int, with_observer: int, with_video: int, violations: int, reading: str, empty_reading: str = "full_marks"
) -> float | None:
    """A «Прозрачность конкурсных процедур», para. 48 (RECONSTRUCTED-MEDIUM, Q9).

    k = 10; a = held with observers, b = held with video, c = held. ``mean``:
    ``k × (a/c + b/c) / 2``; ``product``: ``k × a/c × b/c``; ``video_subset``: ``k × b/c``.
    Minus the video penalty; floor 0, max 10. c = 0 → reading ``hr.empty_denominator``: both
    shares 1 (nothing held opaquely), 0, or None (not assessed).
    """
    if held == 0:
        empty = empty_denominator_ratio(empty_reading, od.COMPETITION_EMPTY_RATIO)
        if empty is None:
            return None
        observer_share = video_share = empty
    else:
        observer_share, video_share = with_observer / held, with_video / held
    if reading == "mean":
        base = od.COMPETITION_K * (observer_share + video_share) / 2
    elif reading == "product":
        base = od.COMPETITION_K * observer_share * video_share
    elif reading == "video_subset":
        base = od.COMPETITION_K * video_share
    else:
        raise ValueError(f"unknown competition-transparency reading {reading!r}")
    return clamp(base - competition_video_penalty(violations), 0.0, od.COMPETITION_K)


def career_promotion_coefficient(
    promoted_from_within: int, promoted: int, empty_reading: str = "full_marks"
) -> float | None:
    """kr = a / b, para. 50 (RECONSTRUCTED-HIGH); b = 0 (no promotion) → reading
    ``hr.empty_denominator``: 1, 0, or None (not assessed)."""
    if promoted == 0:
        return empty_denominator_ratio(empty_reading, od.CAREER_GROWTH_EMPTY_RATIO)
    return promoted_from_within / promoted


def career_growth_points(promoted_from_within: int, promoted: int, empty_reading: str = "full_marks") -> float | None:
    """C «Карьерный рост», para. 50 (IN SEED): 10 when kr ≥ 0,80, else ``k × kr`` (jump at 0,8)."""
    coefficient = career_promotion_coefficient(promoted_from_within, promoted, empty_reading)
    if coefficient is None:
        return None
    kr = _rounded(coefficient)
    if kr >= od.CAREER_GROWTH_FULL_THRESHOLD:
        return od.CAREER_GROWTH_K
    return clamp(od.CAREER_GROWTH_K * kr, 0.0, od.CAREER_GROWTH_K)


def criterion_points(component_sum: float, cap: float) -> float:
    """KP and MOC: plain sums with their weight as ceiling (they cannot exceed it anyway, Q11)."""
    return clamp(component_sum, 0.0, cap)


def work_organisation_points(component_sum: float, weekend_penalty: float = 0.0) -> float:
    """O «Организация труда», para. 39: ``min(30, N + T + Y + S + U + I + K)``.

    The cap is IN SEED, so the I and K bonuses only offset shortfalls. ``weekend_penalty`` is
    non-zero only under reading ``hr.weekend_penalty_target=work_organisation``.
    """
    cap = od.HR_CRITERIA_MAX["hr_work_organisation"]
    return clamp(min(cap, component_sum) - weekend_penalty, 0.0, cap)
