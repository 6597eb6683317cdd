"""HR direction, part 3: the indicator rows of each body, the criteria KP, O, MOC and the direction total.

:func:`compute_hr` is the entry point: it aggregates the landing frames per body
(:mod:`kzeval.indicators.hr.inputs`) and applies the scalar formulas
(:mod:`kzeval.indicators.hr.formulas`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import polars as pl

from kzeval.indicators.common import DirectionResult, IndicatorResult, safe_ratio
from kzeval.indicators.hr.formulas import (
    HR_TABLES,
    INDICATOR_TABLES,
    SURVEY_INDICATORS,
    average_headcount,
    career_growth_points,
    career_promotion_coefficient,
    competition_transparency_points,
    competition_video_penalty,
    exit_interview_penalty,
    exit_interview_points,
    gender_points,
    hr_scope,
    internship_points,
    net_turnover_points,
    overtime_points,
    paper_interviews_counted,
    personal_files_points,
    qualification_points,
    stability_points,
    strategy_execution_points,
    strategy_points,
    training_penalty,
    training_points,
)
from kzeval.indicators.hr.inputs import (
    competitions_by_body,
    dismissals_by_body,
    employees_by_body,
    headcount_by_body,
    internships_by_body,
    overtime_by_body,
    overtime_provisional_bodies,
    personal_files_by_body,
    promotions_by_body,
    qualifications_by_body,
    roster_of_year,
    strategy_by_body,
    training_by_body,
)
from kzeval.indicators.hr.rows import BodyResults, criteria_and_direction
from kzeval.indicators.survey import agreement_indices, answer_counts, statement_answer_counts, survey_points
from kzeval.methodology import org_development_2023 as od
from kzeval.methodology.base import ActiveReadings


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
        body = BodyResults(agency_id, body_type, readings, undated_rosters=undated_rosters)
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
        criteria, direction = criteria_and_direction(body, overtime_parts.get(agency_id))
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
    body: BodyResults, stats: Mapping[str, Mapping[str, dict[str, Any]]], present: set[str], tenure_years: int
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


def _add_survey_indicator(body: BodyResults, code: str, counts: Mapping[int, Mapping[int, int]] | None) -> float | None:
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
    body: BodyResults,
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
    body: BodyResults,
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
