"""HR direction, part 2: landing frames aggregated per assessed body with polars (vectorised).

Each function returns ``{body: row}``; :mod:`kzeval.indicators.hr.assembly` applies the scalar
formulas of :mod:`kzeval.indicators.hr.formulas` to these rows.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl

from kzeval.indicators.hr.formulas import BODY, CODE_N1, CODE_W
from kzeval.methodology import org_development_2023 as od


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
