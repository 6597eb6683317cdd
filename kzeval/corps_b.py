"""Corps «Б» evaluations (IS «Е-қызмет»): quarterly sheets → quarter scores → annual grades → distributions.

Two editions, chosen per quarter (spec data-contracts ``corps_b_evaluations``, «Editions»):

* quarters ending on or after 1 July 2025: seed 000 (order No 121 of 28.07.2025), five
  parameters and the disciplinary caps — :mod:`kzeval.methodology.corps_b_2025`;
* earlier quarters (from 2018): the ranking method of order No 13 as seed 002 applies it,
  four parameters, no caps, only the one-month exclusion — :mod:`kzeval.methodology.corps_b_2018`.

The edition of each sheet is stored with it (``edition``) and the editions of an employee's
year with the annual score. All rules are IN SEED except where marked.

Scores are computed in integer *hundredths of a point*: the law's bands and caps are stated
at two decimals (2,99; 3,99), and integers make half-up rounding and band edges exact.

Decisions (see the module functions for the paragraph each rule comes from):

* A sheet's score is rounded to 2 decimals half up before the cap and before averaging:
  each quarterly sheet gets its own «Результат оценки» from its «средняя итоговая оценка»,
  graded on the same 2-decimal bands.
* A calibration session's result (``calibrated_score``) replaces the sheet's score as it
  stands: the session decides the final score by majority (para. 23, up or down), and the
  pipeline does not overrule that decision with the cap. A calibrated score above the cap of
  the quarter's sanction is kept and flagged (``calibrated_above_cap``) for review.
* A sheet that fails an exclusion (para. 6) is not assessed even when a calibrated score is
  present: there is no assessment for a session to correct.
* Dismissed staff are assessed for the quarters they worked (para. 7): no special rule, their
  sheets simply stop.
* One annual grade per employee and year: the mean «за отчетные кварталы» (seed 000 para. 5,
  seed 002 para. 5), so the mean is over *quarters*, not sheets. Several assessed sheets of one
  quarter (a move between posts) first make one quarter score — their mean (2 decimals, half
  up) or the sheet of the post held at the quarter's end (reading ``corps_b.quarter_score``).
  The annual row is attributed to the assessed body of the latest assessed sheet.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from kzeval.methodology import active_readings
from kzeval.methodology import corps_b_2018 as ranking
from kzeval.methodology import corps_b_2025 as m
from kzeval.methodology.base import ActiveReadings

READING_KEYS: tuple[str, ...] = (m.SANCTION_CAP_SCOPE, m.QUARTER_SCORE)
EDITION_SEPARATOR = "+"

ANNUAL_SCHEMA = pl.Schema(
    {
        "year": pl.Int64(),
        "employee_pseudonym": pl.Utf8(),
        "agency_id": pl.Utf8(),
        "quarters_assessed": pl.Int64(),
        "sheets_assessed": pl.Int64(),
        "annual_score": pl.Float64(),
        "grade": pl.Utf8(),
        "grade_label_ru": pl.Utf8(),
        "reading": pl.Utf8(),
        "edition": pl.Utf8(),
    }
)

DISTRIBUTION_SCHEMA = pl.Schema(
    {
        "year": pl.Int64(),
        "scope": pl.Utf8(),
        "agency_id": pl.Utf8(),
        "body_type": pl.Utf8(),
        "assessed": pl.Int64(),
        **{f"count_{code}": pl.Int64() for code in m.GRADE_CODES},
        "mean_score": pl.Float64(),
        "share_effective": pl.Float64(),
        "share_unsatisfactory": pl.Float64(),
        "is_implausible": pl.Boolean(),
        "implausibility_reason": pl.Utf8(),
    }
)


def _readings(readings: ActiveReadings | None) -> ActiveReadings:
    return readings if readings is not None else active_readings()


def _quarter_index(day: date) -> int:
    """Quarters counted from year 0: the quarter containing ``day``."""
    return day.year * 4 + (day.month - 1) // 3


def quarter_index() -> pl.Expr:
    """The sheet's quarter counted from year 0 (columns ``year``, ``quarter`` 1–4): cheap integer compares."""
    return pl.col("year") * 4 + pl.col("quarter") - 1


def is_current_edition() -> pl.Expr:
    """True when the sheet's quarter ends on or after 1 July 2025 (seed 000, resolution para. 5).

    A quarter ends on or after a day exactly when it is the quarter containing that day or a later one.
    """
    return quarter_index() >= _quarter_index(m.EDITION_FROM)


def is_before_editions() -> pl.Expr:
    """True when the sheet's quarter ends before the ranking edition starts (no edition in the seeds)."""
    return quarter_index() < _quarter_index(ranking.EDITION_FROM)


def edition() -> pl.Expr:
    """The edition that scores the sheet: ``2025`` (seed 000), ``2018`` (ranking), null before 2018."""
    return (
        pl.when(is_current_edition())
        .then(pl.lit(m.EDITION))
        .when(~is_before_editions())
        .then(pl.lit(ranking.EDITION))
        .otherwise(pl.lit(None, dtype=pl.Utf8))
    )


# Landing rules of corps_b_evaluations (kzeval.landing.schemas): rule text → expression true for a
# valid row. A null in the columns a rule reads is left to the column checks.
LANDING_RULES: dict[str, pl.Expr] = {
    ranking.RULE_KPI_SHEET: (pl.col("sheet") != ranking.KPI_SHEET).fill_null(True),
    m.RULE_P5_REQUIRED: (~is_current_edition() | pl.col(m.SANCTION_PARAMETER_COLUMN).is_not_null()).fill_null(True),
    ranking.RULE_P5_EMPTY: (is_current_edition() | pl.col(ranking.UNUSED_PARAMETER_COLUMN).is_null()).fill_null(True),
    ranking.RULE_BEFORE_EDITION: (~is_before_editions()).fill_null(True),
}


def hundredths_half_up(points: pl.Expr) -> pl.Expr:
    """Points (≥ 0) → integer hundredths, rounded half up (3,995 → 400). Para. 8 bands are at 2 decimals."""
    return (points * m.SCORE_SCALE + 0.5 + m.ROUNDING_EPSILON).floor().cast(pl.Int64)


def points(hundredths: pl.Expr) -> pl.Expr:
    """Integer hundredths → points as the float nearest to the 2-decimal value (301 → 3.01, not 3.0100…02)."""
    return (hundredths.cast(pl.Float64) / m.SCORE_SCALE).round(m.SCORE_DECIMALS)


def mean_hundredths_half_up(total: pl.Expr, count: pl.Expr) -> pl.Expr:
    """Exact half-up mean of non-negative integer hundredths: ⌊(2·Σ + n) / 2n⌋; null when n = 0."""
    return pl.when(count > 0).then((2 * total + count) // (2 * count)).cast(pl.Int64)


def grade_code(hundredths: pl.Expr) -> pl.Expr:
    """Para. 8 band code of a score in hundredths: 400–500 effective, 300–399 proper, 200–299, 0–199."""
    expr: pl.Expr = pl.lit(None, dtype=pl.Utf8)
    for band in reversed(m.GRADE_BANDS):  # lowest band first, so higher bands wrap it
        expr = pl.when(hundredths >= band.min_hundredths).then(pl.lit(band.code)).otherwise(expr)
    return expr


def grade_label_ru(code: pl.Expr) -> pl.Expr:
    """The legal wording of para. 8 for a band code."""
    labels = {band.code: band.label_ru for band in m.GRADE_BANDS}
    return code.replace_strict(labels, default=None, return_dtype=pl.Utf8)


def sanction_cap_hundredths(sanction: pl.Expr) -> pl.Expr:
    """Parameter 5 note: замечание/выговор/строгий выговор → ≤ 2,99; other sanctions → ≤ 1,99; none → null."""
    return sanction.replace_strict(m.SANCTION_CAP_HUNDREDTHS, default=None, return_dtype=pl.Int64)


def sheet_average_hundredths(parameter5: pl.Expr | None = None) -> pl.Expr:
    """«Средняя итоговая оценка» = Σ parameters / 5 (App. 1 and 2 note), in hundredths, half up.

    ``parameter5`` replaces column p5 (used by the ``parameter5_only`` cap reading).
    """
    columns = [
        parameter5 if (parameter5 is not None and name == m.SANCTION_PARAMETER_COLUMN) else pl.col(name)
        for name in m.PARAMETER_COLUMNS
    ]
    return hundredths_half_up(pl.sum_horizontal(columns) / m.PARAMETERS_PER_SHEET)


def capped_sheet_hundredths(cap_scope: str) -> pl.Expr:
    """Sheet score after the disciplinary cap (parameter 5 note; scope = reading Q13).

    ``final_average`` (default): min(average, cap). ``parameter5_only``: p5 := min(p5, cap), then
    average. Needs column ``sanction_cap`` (hundredths or null).
    """
    cap = pl.col("sanction_cap")
    if cap_scope == "final_average":
        average = sheet_average_hundredths()
        return pl.when(cap.is_not_null() & (average > cap)).then(cap).otherwise(average)
    if cap_scope == "parameter5_only":
        p5 = pl.col(m.SANCTION_PARAMETER_COLUMN)
        cap_points = cap.cast(pl.Float64) / m.SCORE_SCALE
        capped_p5 = pl.when(cap.is_not_null() & (p5 > cap_points)).then(cap_points).otherwise(p5)
        return sheet_average_hundredths(capped_p5)
    raise ValueError(f"{m.SANCTION_CAP_SCOPE}: unknown option {cap_scope!r}")


def ranking_average_hundredths() -> pl.Expr:
    """Ranking method (seed 002 para. 33): Σ of the four parameters / 4, in hundredths, half up."""
    columns = [pl.col(name) for name in ranking.PARAMETER_COLUMNS]
    return hundredths_half_up(pl.sum_horizontal(columns) / ranking.PARAMETERS_PER_SHEET)


def exclusion_reason(current: pl.Expr | None = None) -> pl.Expr:
    """Para. 6: not assessed under one month in the post (days_in_position < 30) or < 15 days worked.

    The 15-worked-days rule is seed 000's (2025 edition); seed 002 para. 6 has only the month.
    ``current``: whether the sheet is of the 2025 edition (default: from its year and quarter).
    """
    current = is_current_edition() if current is None else current
    return (
        pl.when(current & (pl.col("days_in_position") < m.MIN_DAYS_IN_POSITION))
        .then(pl.lit(m.EXCLUSION_REASON_DAYS_IN_POSITION))
        .when(current & (pl.col("worked_days") < m.MIN_WORKED_DAYS))
        .then(pl.lit(m.EXCLUSION_REASON_WORKED_DAYS))
        .when(~current & (pl.col("days_in_position") < ranking.MIN_DAYS_IN_POSITION))
        .then(pl.lit(m.EXCLUSION_REASON_DAYS_IN_POSITION))
        .when(~current & (pl.col("worked_days") < ranking.MIN_WORKED_DAYS))
        .then(pl.lit(m.EXCLUSION_REASON_WORKED_DAYS))
        .otherwise(pl.lit(None, dtype=pl.Utf8))
    )


def _assessed_body(frame: pl.DataFrame) -> pl.Expr:
    """The assessed body of a sheet: the pipeline's ``assessed_agency_id``, else the unit itself."""
    return pl.col("assessed_agency_id") if "assessed_agency_id" in frame.columns else pl.col("agency_id")


def quarterly_scores(evaluations: pl.DataFrame, year: int, readings: ActiveReadings | None = None) -> pl.DataFrame:
    """One row per sheet of ``year``: edition, average, cap, calibration, final score, grade, exclusion.

    Columns added to the sheet's identifiers: edition, sheet_average, sanction_cap, capped_score,
    score (the sheet's final score, 2 decimals: calibrated if a session was held, else capped),
    score_hundredths, is_assessed, exclusion_reason, calibrated_above_cap, grade, reading.
    A sheet of the ranking edition has no cap (sanction_cap null) and averages p1 … p4.
    """
    active = _readings(readings)
    cap_scope = active.value(m.SANCTION_CAP_SCOPE)
    sheets = evaluations.filter(pl.col("year") == year)
    if "calibrated_score" not in sheets.columns:  # optional column: no session held anywhere
        sheets = sheets.with_columns(pl.lit(None, dtype=pl.Float64).alias("calibrated_score"))
    if "period_end" not in sheets.columns:  # optional column: the quarter-end post is not known
        sheets = sheets.with_columns(pl.lit(None, dtype=pl.Date).alias("period_end"))
    body = _assessed_body(sheets)
    calibrated = hundredths_half_up(pl.col("calibrated_score"))
    current = pl.col("edition") == m.EDITION
    return (
        sheets.with_columns(
            body.alias("assessed_agency_id"),
            edition().alias("edition"),
        )
        .with_columns(
            pl.when(current).then(sanction_cap_hundredths(pl.col("sanction"))).alias("sanction_cap"),
            pl.when(current).then(sheet_average_hundredths()).otherwise(ranking_average_hundredths()).alias("_average"),
        )
        .with_columns(
            pl.when(current).then(capped_sheet_hundredths(cap_scope)).otherwise(pl.col("_average")).alias("_capped"),
            exclusion_reason(current).alias("exclusion_reason"),
        )
        .with_columns(
            pl.coalesce(calibrated, pl.col("_capped")).alias("score_hundredths"),
            (pl.col("calibrated_score").is_not_null() & (calibrated > pl.col("sanction_cap")))
            .fill_null(False)
            .alias("calibrated_above_cap"),
        )
        .with_columns(
            (pl.col("exclusion_reason").is_null() & pl.col("edition").is_not_null()).alias("is_assessed"),
            grade_code(pl.col("score_hundredths")).alias("grade"),
        )
        .select(
            "employee_id",
            "agency_id",
            "assessed_agency_id",
            "year",
            "quarter",
            "sheet",
            "edition",
            "sanction",
            "days_in_position",
            "worked_days",
            "period_end",
            points(pl.col("_average")).alias("sheet_average"),
            points(pl.col("sanction_cap")).alias("sanction_cap"),
            points(pl.col("_capped")).alias("capped_score"),
            "calibrated_score",
            points(pl.col("score_hundredths")).alias("score"),
            "score_hundredths",
            "is_assessed",
            "exclusion_reason",
            "calibrated_above_cap",
            "grade",
            pl.lit(active.label(READING_KEYS)).alias("reading"),
        )
    )


def quarter_scores(sheets: pl.DataFrame, quarter_score: str) -> pl.DataFrame:
    """One score per employee and quarter from its assessed sheets (para. 5: «за отчетные кварталы»).

    ``sheet_mean`` (default): the mean of the quarter's sheets, 2 decimals half up. ``quarter_end_post``:
    the sheet with the latest ``period_end`` (the post held at the quarter's end); when period_end
    is missing on one of the quarter's sheets or two sheets share the latest one, the mean.
    Columns: employee_id, quarter, score_hundredths, sheets, assessed_agency_id (of the quarter's
    latest sheet: latest period_end, then most days in post), edition.
    """
    if quarter_score not in ("sheet_mean", "quarter_end_post"):
        raise ValueError(f"{m.QUARTER_SCORE}: unknown option {quarter_score!r}")
    if "period_end" not in sheets.columns:
        sheets = sheets.with_columns(pl.lit(None, dtype=pl.Date).alias("period_end"))
    order = ["period_end", "days_in_position", "worked_days", "assessed_agency_id"]
    aggregates = [
        pl.len().cast(pl.Int64).alias("sheets"),
        mean_hundredths_half_up(pl.col("score_hundredths").sum(), pl.len()).alias("_mean"),
        pl.col("assessed_agency_id").sort_by(order, nulls_last=False).last().alias("assessed_agency_id"),
        pl.col("edition").first().alias("edition"),  # an edition is a property of the quarter
    ]
    score = pl.col("_mean")
    if quarter_score == "quarter_end_post":
        aggregates += [
            pl.col("period_end").null_count().alias("_undated"),
            (pl.col("period_end") == pl.col("period_end").max()).sum().alias("_latest_count"),
            pl.col("score_hundredths").sort_by("period_end").last().alias("_last_post"),
        ]
        known = (pl.col("_undated") == 0) & (pl.col("_latest_count") == 1)
        score = pl.when(known).then(pl.col("_last_post")).otherwise(pl.col("_mean"))
    return (
        sheets.group_by("employee_id", "quarter")
        .agg(aggregates)
        .select(
            "employee_id",
            "quarter",
            score.cast(pl.Int64).alias("score_hundredths"),
            "sheets",
            "assessed_agency_id",
            "edition",
        )
    )


def annual_grades(evaluations: pl.DataFrame, year: int, readings: ActiveReadings | None = None) -> pl.DataFrame:
    """``marts.fct_corps_b_annual``: one row per employee with at least one assessed sheet in ``year``.

    Para. 5: the annual score is the mean of the quarter scores (:func:`quarter_scores`), rounded
    to 2 decimals half up (exactly, in hundredths), then graded on the para. 8 bands (identical in
    both editions). ``edition`` lists the editions of the employee's assessed sheets («2018»,
    «2025» or «2018+2025» in 2025). ``agency_id`` is the assessed body of the employee's latest
    assessed sheet (latest quarter, then latest period_end, then most days in post).
    ``employee_pseudonym`` is the landing ``employee_id`` (already pseudonymised by
    :func:`kzeval.pseudonym.replace_iin_column`).
    """
    active = _readings(readings)
    scored = quarterly_scores(evaluations, year, active).filter(pl.col("is_assessed"))
    quarters = quarter_scores(scored, active.value(m.QUARTER_SCORE))
    ranked, current = pl.col("_ranking"), pl.col("_current")
    annual = (
        quarters.group_by("employee_id")
        .agg(
            pl.col("assessed_agency_id").sort_by("quarter").last().alias("agency_id"),
            pl.len().cast(pl.Int64).alias("quarters_assessed"),
            pl.col("sheets").sum().cast(pl.Int64).alias("sheets_assessed"),
            pl.col("score_hundredths").sum().alias("_total"),
            (pl.col("edition") == ranking.EDITION).any().alias("_ranking"),
            (pl.col("edition") == m.EDITION).any().alias("_current"),
        )
        .with_columns(mean_hundredths_half_up(pl.col("_total"), pl.col("quarters_assessed")).alias("_annual"))
        .with_columns(grade_code(pl.col("_annual")).alias("grade"))
        .select(
            pl.lit(year, dtype=pl.Int64).alias("year"),
            pl.col("employee_id").alias("employee_pseudonym"),
            "agency_id",
            "quarters_assessed",
            "sheets_assessed",
            points(pl.col("_annual")).alias("annual_score"),
            "grade",
            grade_label_ru(pl.col("grade")).alias("grade_label_ru"),
            pl.lit(active.label(READING_KEYS)).alias("reading"),
            pl.when(ranked & current)
            .then(pl.lit(ranking.EDITION + EDITION_SEPARATOR + m.EDITION))
            .when(current)
            .then(pl.lit(m.EDITION))
            .otherwise(pl.lit(ranking.EDITION))
            .alias("edition"),
        )
        .sort("agency_id", "employee_pseudonym")
    )
    return annual.cast(ANNUAL_SCHEMA)


def _single_year(annual: pl.DataFrame, year: int | None) -> int | None:
    if year is not None:
        return year
    years = annual.get_column("year").unique().to_list()
    if len(years) > 1:
        raise ValueError(f"annual grades of several years {sorted(years)}: pass year=")
    return int(years[0]) if years else None


def _summaries(annual: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
    """Counts per grade, exact mean (hundredths, half up) and the values the plausibility rules need."""
    score = (pl.col("annual_score") * m.SCORE_SCALE).round(0).cast(pl.Int64)
    return annual.group_by(keys).agg(
        pl.len().cast(pl.Int64).alias("assessed"),
        *[(pl.col("grade") == code).sum().cast(pl.Int64).alias(f"count_{code}") for code in m.GRADE_CODES],
        score.sum().alias("_total"),
        score.n_unique().alias("_distinct_scores"),
    )


def _implausibility(assessed: int, count_effective: int, distinct_scores: int, mean_score: float | None) -> list[str]:
    """Data-quality rules of the edition module (kzeval's, not the law's); empty list = plausible."""
    reasons: list[str] = []
    if assessed >= m.IMPLAUSIBLE_MIN_ASSESSED and count_effective / assessed >= m.IMPLAUSIBLE_EFFECTIVE_SHARE:
        reasons.append(
            m.IMPLAUSIBLE_REASON_EFFECTIVE_SHARE.format(
                share=count_effective / assessed,
                assessed=assessed,
                threshold=m.IMPLAUSIBLE_EFFECTIVE_SHARE,
                minimum=m.IMPLAUSIBLE_MIN_ASSESSED,
            )
        )
    if assessed >= m.IMPLAUSIBLE_UNIFORM_MIN_ASSESSED and distinct_scores == 1 and mean_score is not None:
        reasons.append(m.IMPLAUSIBLE_REASON_UNIFORM.format(assessed=assessed, score=mean_score))
    return reasons


def _finish(summary: pl.DataFrame, year: int | None, scope: str) -> pl.DataFrame:
    """Shares, mean and implausibility flags on per-group counts (a few dozen rows)."""
    with_mean = summary.with_columns(
        pl.lit(year, dtype=pl.Int64).alias("year"),
        pl.lit(scope).alias("scope"),
        points(mean_hundredths_half_up(pl.col("_total"), pl.col("assessed"))).alias("mean_score"),
        pl.when(pl.col("assessed") > 0).then(pl.col("count_effective") / pl.col("assessed")).alias("share_effective"),
        pl.when(pl.col("assessed") > 0)
        .then(pl.col("count_unsatisfactory") / pl.col("assessed"))
        .alias("share_unsatisfactory"),
    )
    reasons = [
        _implausibility(row["assessed"], row["count_effective"], row["_distinct_scores"], row["mean_score"])
        for row in with_mean.select("assessed", "count_effective", "_distinct_scores", "mean_score").iter_rows(
            named=True
        )
    ]
    return (
        with_mean.with_columns(
            pl.Series("is_implausible", [bool(r) for r in reasons], dtype=pl.Boolean),
            pl.Series("implausibility_reason", ["; ".join(r) if r else None for r in reasons], dtype=pl.Utf8),
        )
        .select(list(DISTRIBUTION_SCHEMA))
        .cast(DISTRIBUTION_SCHEMA)
    )


def distribution(annual: pl.DataFrame, bodies: pl.DataFrame, year: int | None = None) -> pl.DataFrame:
    """``marts.fct_corps_b_distribution``: per assessed body, grade counts, mean, shares, plausibility.

    Every body of ``bodies`` gets a row (assessed = 0 when nobody was graded); annual rows whose
    agency is not in ``bodies`` are kept too (body_type null) rather than silently lost.
    ``scope`` = "agency". National figures: :func:`national_distribution` (same columns).
    """
    year = _single_year(annual, year)
    rows = annual.filter(pl.col("year") == year) if year is not None else annual
    summary = _summaries(rows, ["agency_id"])
    listed = bodies.select("agency_id", "body_type")
    merged = listed.join(summary, on="agency_id", how="full", coalesce=True).with_columns(
        pl.col("assessed", *[f"count_{c}" for c in m.GRADE_CODES], "_total", "_distinct_scores").fill_null(0)
    )
    return _finish(merged, year, "agency").sort("agency_id")


def national_distribution(annual: pl.DataFrame, bodies: pl.DataFrame, year: int | None = None) -> pl.DataFrame:
    """National rows (agency_id "KZ", scope "national"): one per body type of ``bodies`` and one
    overall (body_type null), counted over employees; same columns as :func:`distribution` so
    both can be stacked into one table keyed by (year, agency_id, body_type).
    """
    year = _single_year(annual, year)
    rows = annual.filter(pl.col("year") == year) if year is not None else annual
    typed = rows.join(bodies.select("agency_id", "body_type"), on="agency_id", how="left")
    by_type = _summaries(typed.filter(pl.col("body_type").is_not_null()), ["body_type"])
    overall = _summaries(typed.with_columns(pl.lit(None, dtype=pl.Utf8).alias("body_type")), ["body_type"])
    body_types = sorted(bodies.get_column("body_type").drop_nulls().unique().to_list())
    groups = pl.DataFrame({"body_type": [*body_types, None]}, schema={"body_type": pl.Utf8})
    summary = groups.join(pl.concat([by_type, overall]), on="body_type", how="left", nulls_equal=True).with_columns(
        pl.col("assessed", *[f"count_{c}" for c in m.GRADE_CODES], "_total", "_distinct_scores").fill_null(0),
        pl.lit(m.NATIONAL_AGENCY_ID).alias("agency_id"),
    )
    return _finish(summary, year, "national")
