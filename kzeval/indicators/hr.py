"""Direction «Управление персоналом» (HR management): 15 indicators, 2 bonuses, 3 criteria.

Seed 001 (2023 amendment of the org-development methodology, registry 19950) and
methodology §5. Landing frames are aggregated per assessed body with polars (vectorised),
then the scalar formulas below are applied per body. Every constant comes from
``kzeval.methodology.org_development_2023``.

Scope (para. 28): only the units returned by :func:`hr_scope` count; «Карьерный рост» also
counts district-level units. An indicator whose landing table is missing is not produced and
the criterion / direction sums that lack it are marked provisional (see :func:`compute_hr`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import polars as pl

from kzeval.indicators.common import DirectionResult, IndicatorResult, clamp, safe_ratio
from kzeval.indicators.survey import agreement_indices, answer_counts, statement_answer_counts, survey_points
from kzeval.methodology import org_development_2023 as od
from kzeval.methodology.base import ActiveReadings, IndicatorDef

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


# ---------------------------------------------------------------------------------------
# Vectorised aggregation per assessed body
# ---------------------------------------------------------------------------------------


def _rows_by_body(frame: pl.DataFrame) -> dict[str, dict[str, Any]]:
    return {row[BODY]: row for row in frame.iter_rows(named=True) if row[BODY] is not None}


def headcount_by_body(headcount: pl.DataFrame, year: int) -> dict[str, dict[str, Any]]:
    """Sum of month-end actual headcounts and months reported, per body."""
    agg = (
        headcount.filter(pl.col("month_end").dt.year() == year)
        .group_by(BODY)
        .agg(
            pl.col("actual_headcount").sum().cast(pl.Float64).alias("headcount_sum"),
            pl.col("month_end").dt.month().n_unique().cast(pl.Int64).alias("months_reported"),
        )
    )
    return _rows_by_body(agg)


def dismissals_by_body(dismissals: pl.DataFrame, year: int, voluntary_only: bool = False) -> dict[str, dict[str, Any]]:
    """Leavers of the year, exempt exits (Appendix 12 item 7) excluded from every count.

    Interviews are split by ``interview_channel`` (null = electronic) for the 10 % paper limit
    of Appendix 12 note 6; ``voluntary_only`` (reading ``hr.exit_interview_leavers``) keeps
    only leavers «по собственному желанию» (a null ``voluntary`` counts and is tallied).
    """
    frame = dismissals.filter(pl.col("dismissed_on").dt.year() == year)
    for column, dtype in (("interview_channel", pl.Utf8), ("voluntary", pl.Boolean)):
        if column not in frame.columns:
            frame = frame.with_columns(pl.lit(None, dtype=dtype).alias(column))
    non_exempt = pl.col("exempt_from_interview").fill_null(False).not_()
    counted = non_exempt & pl.col("voluntary").fill_null(True) if voluntary_only else non_exempt
    interviewed = counted & pl.col("exit_interview_done").fill_null(False)
    paper = pl.col("interview_channel") == "paper"
    agg = frame.group_by(BODY).agg(
        counted.sum().cast(pl.Int64).alias("leavers"),
        (non_exempt & (pl.col("left_system") == "civil_service")).sum().cast(pl.Int64).alias("leavers_civil_service"),
        (interviewed & paper.fill_null(False).not_()).sum().cast(pl.Int64).alias("interviewed_electronic"),
        (interviewed & paper.fill_null(False)).sum().cast(pl.Int64).alias("interviewed_paper"),
        (counted & pl.col("negative_reason").fill_null(False)).sum().cast(pl.Int64).alias("negative_leavers"),
        (interviewed & pl.col("negative_reason").fill_null(False)).sum().cast(pl.Int64).alias("negative_interviewed"),
        (pl.col("exempt_from_interview").fill_null(False)).sum().cast(pl.Int64).alias("exempt_leavers"),
        (counted & pl.col("voluntary").is_null()).sum().cast(pl.Int64).alias("voluntary_unknown"),
    )
    return _rows_by_body(agg)


# Snapshot tables read through :func:`roster_of_year` (the lineage of kzeval.lineage follows the same rule).
ROSTER_TABLES = ("employees", "qualifications")


def roster_of_year(frame: pl.DataFrame, year: int) -> tuple[pl.DataFrame, bool]:
    """The year's roster of a snapshot table (``employees``, ``qualifications``; data contracts).

    Per unit, the rows of its newest ``as_of`` dated in ``year``; a roster of another year is
    never used. A table without any dated row (no ``as_of`` column, or all null: a drop made
    before the column existed) is used as it is, and the second value says so (provisional).
    """
    if "as_of" not in frame.columns or frame["as_of"].null_count() == frame.height:
        return frame, False
    dated = frame.filter(pl.col("as_of").dt.year() == year)
    newest = dated.group_by("agency_id").agg(pl.col("as_of").max().alias("_newest"))
    rows = dated.join(newest, on="agency_id").filter(pl.col("as_of") == pl.col("_newest")).drop("_newest")
    return rows, True


def employees_by_body(employees: pl.DataFrame, year: int, tenure_years: int) -> dict[str, dict[str, Any]]:
    """Employees in post at 31 December: count, ≥ X years in the body, leaders, women leaders.

    Tenure runs from the employee's first ``hired_on`` in any unit of the body (a move
    between units is not a new start).
    """
    year_end = date(year, 12, 31)
    tenure_cutoff = date(year - tenure_years, 12, 31)
    hired = employees.filter(pl.col("hired_on") <= year_end)
    first_hire = hired.group_by(BODY, "employee_id").agg(pl.col("hired_on").min().alias("first_hired_on"))
    in_post = (
        hired.filter(pl.col("left_on").is_null() | (pl.col("left_on") > year_end))
        .group_by(BODY, "employee_id")
        .agg(
            pl.col("is_leadership").fill_null(False).any().alias("leader"),
            (pl.col("gender") == "F").any().alias("female"),
        )
        .join(first_hire, on=[BODY, "employee_id"], how="left")
    )
    agg = in_post.group_by(BODY).agg(
        pl.len().cast(pl.Int64).alias("in_post"),
        (pl.col("first_hired_on") <= tenure_cutoff).sum().cast(pl.Int64).alias("long_tenure"),
        pl.col("leader").sum().cast(pl.Int64).alias("leaders"),
        (pl.col("leader") & pl.col("female")).sum().cast(pl.Int64).alias("women_leaders"),
    )
    return _rows_by_body(agg)


def qualifications_by_body(qualifications: pl.DataFrame) -> dict[str, dict[str, Any]]:
    """Counts a … j of para. 37 and the number of employees with at least one of them."""
    flags = [c for c in od.QUALIFICATION_COLUMNS if c in qualifications.columns]
    per_employee = qualifications.group_by(BODY, "employee_id").agg(
        *[pl.col(c).fill_null(False).any().alias(c) for c in flags]
    )
    agg = per_employee.group_by(BODY).agg(
        *[pl.col(c).sum().cast(pl.Int64).alias(c) for c in flags],
        (pl.any_horizontal(flags) if flags else pl.lit(False)).sum().cast(pl.Int64).alias("distinct_employees"),
    )
    return _rows_by_body(agg)


def training_by_body(
    training: pl.DataFrame, year: int, after_year_end: str = "not_completed"
) -> dict[str, dict[str, Any]]:
    """Training due in the year: due / on time per kind, late and missed (para. 44).

    On time: completed by ``due_by``. Late: completed after ``due_by`` within the year.
    Missed: not completed at all. Completed only after 31 December: missed (reading
    ``hr.training_after_year_end=not_completed``, default) or late (``late``); counted
    apart as ``completed_after_year_end``.
    """
    year_end = date(year, 12, 31)
    done = pl.col("completed_on")
    after = done.is_not_null() & (done > year_end)
    if after_year_end not in ("not_completed", "late"):
        raise ValueError(f"unknown training reading {after_year_end!r}")
    as_late = after_year_end == "late"
    frame = training.filter(pl.col("due_by").dt.year() == year).with_columns(
        (done.is_not_null() & (done <= pl.col("due_by"))).alias("on_time"),
        ((done.is_not_null() & (done > pl.col("due_by")) & (done <= year_end)) | (after & as_late)).alias("late"),
        (done.is_null() | (after & (not as_late))).alias("missed"),
        after.alias("after_year_end"),
    )
    agg = frame.group_by(BODY).agg(
        (pl.col("kind") == "qualification").sum().cast(pl.Int64).alias("qualification_due"),
        ((pl.col("kind") == "qualification") & pl.col("on_time")).sum().cast(pl.Int64).alias("qualification_on_time"),
        (pl.col("kind") == "retraining").sum().cast(pl.Int64).alias("retraining_due"),
        ((pl.col("kind") == "retraining") & pl.col("on_time")).sum().cast(pl.Int64).alias("retraining_on_time"),
        pl.col("late").sum().cast(pl.Int64).alias("late"),
        pl.col("missed").sum().cast(pl.Int64).alias("missed"),
        pl.col("after_year_end").sum().cast(pl.Int64).alias("completed_after_year_end"),
    )
    return _rows_by_body(agg)


def internships_by_body(internships: pl.DataFrame, year: int) -> dict[str, dict[str, Any]]:
    agg = (
        internships.filter(pl.col("year") == year)
        .group_by(BODY)
        .agg(
            pl.col("interns_sent").sum().cast(pl.Int64).alias("interns_sent"),
            pl.col("interns_received").sum().cast(pl.Int64).alias("interns_received"),
        )
    )
    return _rows_by_body(agg)


def personal_files_by_body(personal_files: pl.DataFrame, year: int) -> dict[str, dict[str, Any]]:
    """The 31 December snapshot of the year per unit (para. 45-2), summed per body.

    «на последний день декабря оцениваемого года»: an earlier snapshot is never used. A unit
    that reported the year only with earlier dates is listed in ``units_without_31_december``
    (it is not filled from September).
    """
    year_end = date(year, 12, 31)
    of_year = personal_files.filter(pl.col("as_of").dt.year() == year)
    snapshot = of_year.filter(pl.col("as_of") == year_end)
    agg = snapshot.group_by(BODY).agg(
        pl.col("employees").sum().cast(pl.Int64).alias("employees"),
        pl.col("files_complete").sum().cast(pl.Int64).alias("files_complete"),
        pl.col("as_of").max().alias("as_of"),
    )
    result = _rows_by_body(agg)
    missing = (
        of_year.join(snapshot.select("agency_id").unique(), on="agency_id", how="anti")
        .group_by(BODY)
        .agg(pl.col("agency_id").unique().sort().alias("units_without_31_december"))
    )
    for row in missing.iter_rows(named=True):
        body = row[BODY]
        if body is None:
            continue
        result.setdefault(body, {BODY: body, "employees": 0, "files_complete": 0, "as_of": None})
        result[body]["units_without_31_december"] = list(row["units_without_31_december"])
    return result


def promotions_by_body(promotions: pl.DataFrame, year: int) -> dict[str, dict[str, Any]]:
    """Para. 50: b = promotions of the year except to entry-level posts; a = of them, from within."""
    counted = pl.col("is_entry_level").fill_null(False).not_()
    agg = (
        promotions.filter(pl.col("appointed_on").dt.year() == year)
        .group_by(BODY)
        .agg(
            counted.sum().cast(pl.Int64).alias("promoted"),
            (counted & pl.col("from_within_system").fill_null(False)).sum().cast(pl.Int64).alias("from_within"),
            (~counted).sum().cast(pl.Int64).alias("entry_level_excluded"),
        )
    )
    return _rows_by_body(agg)


def competitions_by_body(competitions: pl.DataFrame, year: int) -> dict[str, dict[str, Any]]:
    """Para. 48: competitions that took place in the year; violations summed over them."""
    agg = (
        competitions.filter((pl.col("held_on").dt.year() == year) & pl.col("took_place").fill_null(False))
        .group_by(BODY)
        .agg(
            pl.len().cast(pl.Int64).alias("held"),
            pl.col("has_observer").fill_null(False).sum().cast(pl.Int64).alias("with_observer"),
            pl.col("has_video").fill_null(False).sum().cast(pl.Int64).alias("with_video"),
            pl.col("video_violations").fill_null(0).sum().cast(pl.Int64).alias("video_violations"),
        )
    )
    return _rows_by_body(agg)


def strategy_by_body(hr_strategy: pl.DataFrame, year: int) -> dict[str, dict[str, Any]]:
    """The body's own row of the year (a sub-unit's row only when the body has none)."""
    ranked = (
        hr_strategy.filter(pl.col("year") == year)
        .with_columns((pl.col("agency_id") == pl.col(BODY)).alias("is_own"))
        .sort(BODY, "is_own", "agency_id", descending=[False, True, False])
        .group_by(BODY, maintain_order=True)
        .agg(pl.col("strategy_status").first(), pl.col("execution_pct").first(), pl.col("agency_id").first())
    )
    return _rows_by_body(ranked)


def overtime_by_body(overtime: pl.DataFrame | None) -> dict[str, tuple[float, float]]:
    """``{body: (N1, |W|)}`` from the turnstile results; rows without N1 are left out.

    Accepts the wide frame (agency_id, hr_overtime_quantitative, hr_weekend_overtime_penalty)
    or indicator rows of ``overtime_indicator_rows`` (agency_id, indicator, value). W is taken
    as a magnitude so either sign convention works.
    """
    if overtime is not None and {"indicator", "value"} <= set(overtime.columns):
        overtime = (
            overtime.filter(pl.col("indicator").is_in([CODE_N1, CODE_W]))
            .group_by("agency_id")
            .agg(
                *[pl.col("value").filter(pl.col("indicator") == code).first().alias(code) for code in (CODE_N1, CODE_W)]
            )
        )
    if overtime is None or CODE_N1 not in overtime.columns:
        return {}
    has_w = CODE_W in overtime.columns
    result: dict[str, tuple[float, float]] = {}
    for row in overtime.iter_rows(named=True):
        n1 = row[CODE_N1]
        if row["agency_id"] is None or n1 is None:
            continue
        w = row[CODE_W] if has_w else None
        result[row["agency_id"]] = (float(n1), abs(float(w or 0.0)))
    return result


def overtime_provisional_bodies(overtime: pl.DataFrame | None) -> set[str]:
    """Bodies whose N1 row is provisional (e.g. m, p, n measured on the fallback level rule)."""
    if overtime is None or not {"indicator", "is_provisional"} <= set(overtime.columns):
        return set()
    rows = overtime.filter((pl.col("indicator") == CODE_N1) & pl.col("is_provisional").fill_null(False))
    return set(rows["agency_id"].drop_nulls().to_list())


# ---------------------------------------------------------------------------------------
# Assembly
# ---------------------------------------------------------------------------------------


@dataclass
class _BodyResults:
    """Indicator rows of one body plus the reading keys behind each (for criteria labels)."""

    agency_id: str
    body_type: str
    readings: ActiveReadings
    results: dict[str, IndicatorResult] = field(default_factory=dict)
    keys: dict[str, set[str]] = field(default_factory=dict)
    # snapshot tables read without a dated roster of the year (figures from them are provisional)
    undated_rosters: set[str] = field(default_factory=set)
    # indicators left unassessed by reading hr.empty_denominator=not_assessed
    not_assessed: list[str] = field(default_factory=list)

    def add(
        self,
        code: str,
        value: float | None,
        inputs: Mapping[str, Any],
        reading_keys: Iterable[str] = (),
        provisional: bool = False,
    ) -> None:
        """Store one indicator row; ``value`` None = not assessed (listed, no row)."""
        keys = set(reading_keys)
        if value is None:
            self.not_assessed.append(code)
            self.keys[code] = keys
            return
        definition = _DEFINITIONS[code]
        tables = INDICATOR_TABLES.get(code, ())
        undated = sorted(t for t in tables if t in self.undated_rosters)
        if undated:
            inputs = {**inputs, "undated_roster": undated}
            provisional = True
        self.keys[code] = keys
        self.results[code] = IndicatorResult(
            agency_id=self.agency_id,
            block=od.BLOCK,
            direction=DIRECTION,
            indicator=code,
            value=float(value),
            max_points=definition.max_for(self.body_type),
            inputs=dict(inputs),
            reading=self.readings.label(keys),
            is_provisional=provisional or self.readings.is_provisional(keys),
            role=definition.role,
        )


def _scoped(frame: pl.DataFrame | None, units: list[str]) -> pl.DataFrame | None:
    if frame is None:
        return None
    return frame.filter(pl.col("agency_id").is_in(units))


def _headcount_inputs(stats: Mapping[str, Any] | None, reading: str) -> tuple[float, dict[str, Any], bool]:
    """(n, inputs, provisional): fewer than 12 month-end values make the n-based figures provisional."""
    headcount_sum = float(stats["headcount_sum"]) if stats else 0.0
    months = int(stats["months_reported"]) if stats else 0
    avg = average_headcount(headcount_sum, months, reading)
    incomplete = 0 < months < od.HEADCOUNT_MONTHS
    inputs = {"avg_headcount": avg, "headcount_months_reported": months, "headcount_months_missing": incomplete}
    return avg, inputs, incomplete


def compute_hr(
    frames: Mapping[str, pl.DataFrame],
    bodies: pl.DataFrame,
    agencies_resolved: pl.DataFrame,
    year: int,
    readings: ActiveReadings,
    overtime: pl.DataFrame | None = None,
) -> tuple[list[IndicatorResult], list[DirectionResult]]:
    """All HR indicators, criteria and the raw direction total per assessed body.

    Rules for incomplete data (documented decision):
    - a landing table absent from ``frames`` → the indicators reading it are not produced;
    - a body with no rows in a present event table (dismissals, training, promotions,
      competitions) had no such events and gets the formula's empty-denominator value; a body
      with no row in a report table (hr_strategy, internships, personal_files) gets 0, as
      the act gives no points without information;
    - zero average headcount in a present headcount table is a data gap: the value follows
      the stated default and is flagged provisional;
    - survey indicators need at least one answer to one of their statements;
    - criteria and the direction total sum what was produced and are flagged provisional when
      a component is missing; a body with no HR indicator at all gets no HR direction row.
    """
    scope = hr_scope(agencies_resolved)
    hr_units = scope.filter(pl.col("in_hr_scope"))["agency_id"].to_list()
    career_units = (
        scope.filter(pl.col("in_career_scope"))["agency_id"].to_list()
        if readings.value(od.READING_CAREER_DISTRICT) == "district_included"
        else hr_units
    )
    present = {name for name in HR_TABLES if frames.get(name) is not None}
    if not present and not overtime_by_body(overtime):
        return [], []

    def scoped(name: str, units: list[str] = hr_units) -> pl.DataFrame | None:
        return _scoped(frames.get(name), units)

    tenure_years = od.STABILITY_TENURE_YEARS[readings.value(od.READING_STABILITY)]
    headcount = scoped("headcount_monthly")
    dismissals = scoped("dismissals")
    employees = scoped("employees")
    qualifications = scoped("qualifications")
    undated_rosters: set[str] = set()
    if employees is not None:
        employees, dated = roster_of_year(employees, year)
        undated_rosters |= set() if dated else {"employees"}
    if qualifications is not None:
        qualifications, dated = roster_of_year(qualifications, year)
        undated_rosters |= set() if dated else {"qualifications"}
    # a snapshot table without a roster of the year is absent for the year (not «nobody in post»)
    for name, roster in (("employees", employees), ("qualifications", qualifications)):
        if roster is not None and roster.height == 0:
            present.discard(name)
    training = scoped("training")
    internships = scoped("internships")
    personal_files = scoped("personal_files")
    promotions = scoped("promotions", career_units)
    competitions = scoped("competitions")
    strategy = scoped("hr_strategy")
    survey = scoped("survey_responses")

    voluntary_only = readings.value(od.READING_EXIT_LEAVERS) == "voluntary_only"
    after_year_end = readings.value(od.READING_TRAINING_AFTER_YEAR_END)
    stats: dict[str, dict[str, dict[str, Any]]] = {
        "headcount_monthly": headcount_by_body(headcount, year) if headcount is not None else {},
        "dismissals": dismissals_by_body(dismissals, year, voluntary_only) if dismissals is not None else {},
        "employees": employees_by_body(employees, year, tenure_years) if employees is not None else {},
        "qualifications": qualifications_by_body(qualifications) if qualifications is not None else {},
        "training": training_by_body(training, year, after_year_end) if training is not None else {},
        "internships": internships_by_body(internships, year) if internships is not None else {},
        "personal_files": personal_files_by_body(personal_files, year) if personal_files is not None else {},
        "promotions": promotions_by_body(promotions, year) if promotions is not None else {},
        "competitions": competitions_by_body(competitions, year) if competitions is not None else {},
        "hr_strategy": strategy_by_body(strategy, year) if strategy is not None else {},
    }
    survey_counts = statement_answer_counts(answer_counts(survey, year)) if survey is not None else {}
    overtime_parts = overtime_by_body(overtime)
    overtime_provisional = overtime_provisional_bodies(overtime)

    indicator_results: list[IndicatorResult] = []
    direction_results: list[DirectionResult] = []
    for agency_id, body_type in bodies.select("agency_id", "body_type").sort("agency_id").iter_rows():
        if not has_hr_data(agency_id, stats, survey_counts, overtime_parts):
            continue  # issue 16: no HR row at all → «not computed», never empty-denominator full marks
        body = _BodyResults(agency_id, body_type, readings, undated_rosters=undated_rosters)
        _add_staff_potential(body, stats, present, tenure_years)
        _add_work_organisation(
            body,
            stats,
            present,
            survey_counts.get(agency_id),
            overtime_parts.get(agency_id),
            agency_id in overtime_provisional,
        )
        _add_meritocracy(body, stats, present, survey_counts.get(agency_id))
        criteria, direction = _criteria_and_direction(body, overtime_parts.get(agency_id))
        indicator_results.extend(body.results.values())
        indicator_results.extend(criteria)
        if direction is not None:
            direction_results.append(direction)
    return indicator_results, direction_results


def has_hr_data(
    agency_id: str,
    stats: Mapping[str, Mapping[str, Any]],
    survey_counts: Mapping[str, Any],
    overtime_parts: Mapping[str, Any],
) -> bool:
    """Does the body have at least one HR row of the year (any table, survey or turnstile)?"""
    return (
        any(agency_id in by_body for by_body in stats.values())
        or agency_id in survey_counts
        or agency_id in overtime_parts
    )


def _has(present: set[str], code: str) -> bool:
    return all(t in present for t in INDICATOR_TABLES[code])


def _add_staff_potential(
    body: _BodyResults, stats: Mapping[str, Mapping[str, dict[str, Any]]], present: set[str], tenure_years: int
) -> None:
    """R, St, V, G, P of «Кадровый потенциал»."""
    agency_id = body.agency_id
    readings = body.readings
    avg, headcount_inputs, months_missing = _headcount_inputs(
        stats["headcount_monthly"].get(agency_id), readings.value(od.READING_HEADCOUNT_MONTHS)
    )
    no_headcount = avg <= 0
    n_flag = no_headcount or months_missing
    n_keys = [od.READING_HEADCOUNT_MONTHS] if months_missing else []
    dismissal = stats["dismissals"].get(agency_id) or {}
    employee = stats["employees"].get(agency_id) or {}

    if _has(present, "hr_net_turnover"):
        reading = readings.value(od.READING_NET_TURNOVER)
        leavers = int(dismissal.get("leavers_civil_service", 0))
        body.add(
            "hr_net_turnover",
            net_turnover_points(leavers, avg, reading),
            {
                "leavers_civil_service": leavers,
                **headcount_inputs,
                "turnover_pct": safe_ratio(leavers, avg, od.NET_TURNOVER_EMPTY_SHARE) * 100,
                "lambda": od.NET_TURNOVER_LAMBDA[reading],
                "k": od.NET_TURNOVER_K,
                "empty_denominator": no_headcount,
            },
            [od.READING_NET_TURNOVER, *n_keys],
            provisional=n_flag,
        )
    if _has(present, "hr_stability"):
        long_tenure = int(employee.get("long_tenure", 0))
        body.add(
            "hr_stability",
            stability_points(long_tenure, avg),
            {
                "employees_tenure_at_least_x": long_tenure,
                "tenure_years_x": tenure_years,
                "employees_in_post": int(employee.get("in_post", 0)),
                **headcount_inputs,
                "k": od.STABILITY_K,
                "empty_denominator": no_headcount,
            },
            [od.READING_STABILITY, *n_keys],
            provisional=n_flag,
        )
    if _has(present, "hr_exit_interview"):
        leavers = int(dismissal.get("leavers", 0))
        electronic = int(dismissal.get("interviewed_electronic", 0))
        paper = int(dismissal.get("interviewed_paper", 0))
        paper_counted = paper_interviews_counted(electronic, paper, readings.value(od.READING_PAPER_INTERVIEWS))
        interviewed = electronic + paper_counted
        negative_base_reading = readings.value(od.READING_EXIT_NEGATIVE_BASE)
        if negative_base_reading == "leavers":
            negative, base = int(dismissal.get("negative_leavers", 0)), leavers
        elif negative_base_reading == "interviewed":
            # every filled interview (paper ones beyond the 10 % limit included): the test is about
            # what the leavers said, the limit only about the credit in a
            negative, base = int(dismissal.get("negative_interviewed", 0)), electronic + paper
        else:
            raise ValueError(f"unknown exit-interview negative-base reading {negative_base_reading!r}")
        voluntary_unknown = int(dismissal.get("voluntary_unknown", 0))
        voluntary_only = readings.value(od.READING_EXIT_LEAVERS) == "voluntary_only"
        body.add(
            "hr_exit_interview",
            exit_interview_points(interviewed, leavers, negative, base, readings.value(od.READING_HR_EMPTY)),
            {
                "interviewed": interviewed,
                "interviewed_electronic": electronic,
                "interviewed_paper": paper,
                "paper_counted": paper_counted,
                "leavers": leavers,
                "negative_leavers": negative,
                "negative_base": base,
                "exempt_leavers": int(dismissal.get("exempt_leavers", 0)),
                "voluntary_unknown": voluntary_unknown,
                "negative_penalty": exit_interview_penalty(negative, base),
                "k": od.EXIT_INTERVIEW_K,
                "empty_denominator": leavers == 0,
            },
            [
                od.READING_EXIT_NEGATIVE_BASE,
                od.READING_EXIT_LEAVERS,
                od.READING_PAPER_INTERVIEWS,
                *([od.READING_HR_EMPTY] if leavers == 0 else []),
            ],
            provisional=voluntary_only and voluntary_unknown > 0,
        )
    if _has(present, "hr_gender"):
        women = int(employee.get("women_leaders", 0))
        leaders = int(employee.get("leaders", 0))
        body.add(
            "hr_gender",
            gender_points(women, leaders, readings.value(od.READING_GENDER), readings.value(od.READING_HR_EMPTY)),
            {
                "women_leaders": women,
                "leaders": leaders,
                "target_share": od.GENDER_TARGET_SHARE,
                "k": od.GENDER_K,
                "empty_denominator": leaders == 0,
            },
            [od.READING_GENDER, *([od.READING_HR_EMPTY] if leaders == 0 else [])],
        )
    if _has(present, "hr_qualifications"):
        qualification = stats["qualifications"].get(agency_id) or {}
        counts = {c: int(qualification.get(c, 0)) for c in od.QUALIFICATION_COLUMNS}
        reading = readings.value(od.READING_QUALIFICATIONS)
        qualified = (
            sum(counts.values()) if reading == "sum_of_flags" else int(qualification.get("distinct_employees", 0))
        )
        body.add(
            "hr_qualifications",
            qualification_points(qualified, avg),
            {
                **counts,
                "numerator": qualified,
                "distinct_employees": int(qualification.get("distinct_employees", 0)),
                **headcount_inputs,
                "k": od.QUALIFICATIONS_K,
                "empty_denominator": no_headcount,
            },
            [od.READING_QUALIFICATIONS, *n_keys],
            provisional=n_flag,
        )


def _add_survey_indicator(
    body: _BodyResults, code: str, counts: Mapping[int, Mapping[int, int]] | None
) -> float | None:
    if counts is None:
        return None
    statements, k = SURVEY_INDICATORS[code]
    indices = agreement_indices(counts, body.readings.value(od.READING_AGREEMENT_INDEX))
    value, inputs = survey_points(indices, statements, k)
    if value is None:
        return None
    inputs["respondents"] = {f"N{j}": sum(counts.get(j, {}).values()) for j in statements}
    body.add(code, value, inputs, [od.READING_AGREEMENT_INDEX])
    return value


def _add_work_organisation(
    body: _BodyResults,
    stats: Mapping[str, Mapping[str, dict[str, Any]]],
    present: set[str],
    survey_counts: Mapping[int, Mapping[int, int]] | None,
    overtime_part: tuple[float, float] | None,
    overtime_provisional: bool = False,
) -> None:
    """N (with N2), T, Y, U, S, I, K of «Организация труда»."""
    agency_id = body.agency_id
    readings = body.readings
    survey_ok = "survey_responses" in present
    n2 = _add_survey_indicator(body, "hr_overtime_survey", survey_counts) if survey_ok else None
    n1, weekend = overtime_part if overtime_part is not None else (None, 0.0)
    if n1 is not None or n2 is not None:
        source = (
            "turnstile_and_survey"
            if n1 is not None and n2 is not None
            else ("survey_only" if n1 is None else "turnstile_only")
        )
        target = readings.value(od.READING_WEEKEND_PENALTY)
        body.add(
            "hr_overtime",
            overtime_points(n1, n2, weekend, target),
            {"N1": n1, "N2": n2, "W": weekend if n1 is not None else None, "n_source": source},
            [
                od.READING_WEEKEND_PENALTY,
                *([od.READING_AGREEMENT_INDEX] if n2 is not None else []),
                *([od.READING_EXIT_ALLOWANCE] if n1 is not None else []),
            ],
            provisional=source != "turnstile_and_survey" or overtime_provisional,
        )
    if survey_ok:
        _add_survey_indicator(body, "hr_work_conditions", survey_counts)
        _add_survey_indicator(body, "hr_management_practices", survey_counts)

    if _has(present, "hr_training"):
        t = stats["training"].get(agency_id) or {}
        parts = {
            name: int(t.get(name, 0))
            for name in (
                "qualification_on_time",
                "qualification_due",
                "retraining_on_time",
                "retraining_due",
                "late",
                "missed",
            )
        }
        body.add(
            "hr_training",
            training_points(**parts),
            {
                **parts,
                "completed_after_year_end": int(t.get("completed_after_year_end", 0)),
                "penalty": training_penalty(parts["late"], parts["missed"]),
                "k": od.TRAINING_K,
            },
            [od.READING_TRAINING_AFTER_YEAR_END],
        )
    if _has(present, "hr_strategy"):
        s = stats["hr_strategy"].get(agency_id) or {}
        status, pct = s.get("strategy_status"), s.get("execution_pct")
        approval = od.STRATEGY_STATUS_POINTS.get(status or "none", 0.0)
        body.add(
            "hr_strategy",
            strategy_points(status, pct),
            {
                "strategy_status": status,
                "execution_pct": pct,
                "a": approval,
                "b": strategy_execution_points(pct) if approval > 0 else 0.0,
                "source_agency_id": s.get("agency_id"),
            },
        )
    avg, headcount_inputs, months_missing = _headcount_inputs(
        stats["headcount_monthly"].get(agency_id), readings.value(od.READING_HEADCOUNT_MONTHS)
    )
    if _has(present, "hr_internships"):
        i = stats["internships"].get(agency_id) or {}
        sent, received = int(i.get("interns_sent", 0)), int(i.get("interns_received", 0))
        body.add(
            "hr_internships",
            internship_points(sent + received, avg),
            {
                "interns_sent": sent,
                "interns_received": received,
                **headcount_inputs,
                "share_pct": safe_ratio(sent + received, avg, 0.0) * 100,
                "empty_denominator": avg <= 0,
            },
            [od.READING_HEADCOUNT_MONTHS] if months_missing else [],
            provisional=avg <= 0 or months_missing,
        )
    if _has(present, "hr_personal_files"):
        f = stats["personal_files"].get(agency_id) or {}
        complete, total = int(f.get("files_complete", 0)), int(f.get("employees", 0))
        as_of = f.get("as_of")
        without = list(f.get("units_without_31_december") or [])
        body.add(
            "hr_personal_files",
            personal_files_points(complete, total),
            {
                "files_complete": complete,
                "employees": total,
                "share_pct": safe_ratio(complete, total, 0.0) * 100,
                "as_of": None if as_of is None else str(as_of),
                "units_without_31_december": without,
            },
            provisional=bool(without),
        )


def _add_meritocracy(
    body: _BodyResults,
    stats: Mapping[str, Mapping[str, dict[str, Any]]],
    present: set[str],
    survey_counts: Mapping[int, Mapping[int, int]] | None,
) -> None:
    """A, M, C, D, E of «Меритократия и организационная культура»."""
    agency_id = body.agency_id
    if _has(present, "hr_competition_transparency"):
        c = stats["competitions"].get(agency_id) or {}
        held, observed = int(c.get("held", 0)), int(c.get("with_observer", 0))
        video, violations = int(c.get("with_video", 0)), int(c.get("video_violations", 0))
        body.add(
            "hr_competition_transparency",
            competition_transparency_points(
                held,
                observed,
                video,
                violations,
                body.readings.value(od.READING_COMPETITION),
                body.readings.value(od.READING_HR_EMPTY),
            ),
            {
                "a_with_observer": observed,
                "b_with_video": video,
                "c_held": held,
                "video_violations": violations,
                "video_penalty": competition_video_penalty(violations),
                "k": od.COMPETITION_K,
                "empty_denominator": held == 0,
            },
            [od.READING_COMPETITION, *([od.READING_HR_EMPTY] if held == 0 else [])],
        )
    if "survey_responses" in present:
        _add_survey_indicator(body, "hr_meritocracy", survey_counts)
    if _has(present, "hr_career_growth"):
        p = stats["promotions"].get(agency_id) or {}
        promoted, within = int(p.get("promoted", 0)), int(p.get("from_within", 0))
        empty_reading = body.readings.value(od.READING_HR_EMPTY)
        body.add(
            "hr_career_growth",
            career_growth_points(within, promoted, empty_reading),
            {
                "a_from_within": within,
                "b_promoted": promoted,
                "entry_level_excluded": int(p.get("entry_level_excluded", 0)),
                "kr": career_promotion_coefficient(within, promoted, empty_reading),
                "k": od.CAREER_GROWTH_K,
                "empty_denominator": promoted == 0,
            },
            [od.READING_CAREER_DISTRICT, *([od.READING_HR_EMPTY] if promoted == 0 else [])],
        )
    if "survey_responses" in present:
        _add_survey_indicator(body, "hr_reward_transparency", survey_counts)
        _add_survey_indicator(body, "hr_ethics", survey_counts)


def _criteria_and_direction(
    body: _BodyResults, overtime_part: tuple[float, float] | None
) -> tuple[list[IndicatorResult], DirectionResult | None]:
    """KP, O (cap 30), MOC and the HR raw total ``УП = KP + O + MOC`` (before reporting penalties)."""
    if not body.results:
        return [], None
    readings = body.readings
    criteria: list[IndicatorResult] = []
    all_keys: set[str] = set()
    direction_provisional = False
    raw = 0.0
    for criterion, components in od.HR_CRITERIA_COMPONENTS.items():
        produced = [c for c in components if c in body.results]
        missing = [c for c in components if c not in body.results]
        unassessed = [c for c in components if c in body.not_assessed]
        if not produced:
            direction_provisional = True
            continue
        keys = set().union(*(body.keys[c] for c in produced))
        component_sum = sum(body.results[c].value for c in produced)
        inputs: dict[str, Any] = {c: body.results[c].value for c in produced}
        inputs["missing"] = missing
        if unassessed:
            inputs["not_assessed"] = unassessed
            keys.add(od.READING_HR_EMPTY)
        if criterion == "hr_work_organisation":
            weekend = 0.0
            if readings.value(od.READING_WEEKEND_PENALTY) == "work_organisation" and overtime_part is not None:
                weekend = overtime_part[1]
                keys.add(od.READING_WEEKEND_PENALTY)
            inputs["W_deducted"] = weekend
            value = work_organisation_points(component_sum, weekend)
        else:
            value = criterion_points(component_sum, od.HR_CRITERIA_MAX[criterion])
        inputs["component_sum"] = component_sum
        provisional = bool(missing) or any(body.results[c].is_provisional for c in produced)
        definition = _DEFINITIONS[criterion]
        criteria.append(
            IndicatorResult(
                agency_id=body.agency_id,
                block=od.BLOCK,
                direction=DIRECTION,
                indicator=criterion,
                value=value,
                max_points=definition.max_for(body.body_type),
                inputs=inputs,
                reading=readings.label(keys),
                is_provisional=provisional or readings.is_provisional(keys),
                role=definition.role,
            )
        )
        all_keys |= keys
        direction_provisional = direction_provisional or provisional
        raw += value
    direction = DirectionResult(
        agency_id=body.agency_id,
        block=od.BLOCK,
        direction=DIRECTION,
        raw_score=clamp(raw, 0.0, od.HR_DIRECTION_MAX),
        reading=readings.label(all_keys),
        is_provisional=direction_provisional or readings.is_provisional(all_keys),
    )
    return criteria, direction
