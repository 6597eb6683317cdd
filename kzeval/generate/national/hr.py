"""National drop, personnel tables: employees, HR events, body-level HR, the survey, corps «Б» sheets and the turnstile roster."""

from __future__ import annotations

import random
from datetime import date, timedelta

import polars as pl

from kzeval.generate.national.context import NationalContext, active_on, contract_rows
from kzeval.generate.national.draws import CounterRandom, lerp_expr, small_poisson, with_key
from kzeval.generate.national.scale import CATEGORIES, SCALE, UNIT_SIZES
from kzeval.generate.workdays import WorkCalendar
from kzeval.methodology.corps_b_2025 import EDITION_FROM as CORPS_B_EDITION_FROM


def build_employees(ctx: NationalContext) -> pl.DataFrame:
    """The roster (one row per person and unit): in post on 1 January, leavers, replacements.

    Columns: employee_id, agency_id, body_id, body_type, kind, level, gender, corps,
    position_category, is_leadership, hired_on, left_on, q_hr, emp_no.
    """
    year = ctx.year
    rnd = CounterRandom(ctx.seed, "employees.size", key="unit_no")
    sizes = pl.DataFrame(
        {"kind": list(UNIT_SIZES), "lo": [v[0] for v in UNIT_SIZES.values()], "hi": [v[1] for v in UNIT_SIZES.values()]}
    )
    # Sub-units are already ≈ fraction of the country; the always-present apparatus of the
    # assessed bodies shrinks instead, so that every row-heavy table scales with ``fraction``.
    size = rnd.int_between("n", pl.col("lo"), pl.col("hi"))
    scaled = (size * ctx.fraction).round().cast(pl.Int64).clip(3)
    units = ctx.units.join(sizes, on="kind", how="left", maintain_order="left").with_columns(
        pl.when(pl.col("is_assessed")).then(pl.min_horizontal(size, scaled)).otherwise(size).alias("size")
    )
    base = (
        units.select("agency_id", "body_id", "body_type", "kind", "level", "is_assessed", "q_hr", "size", "unit_no")
        .with_columns(pl.int_ranges(0, pl.col("size")).alias("i"))
        .explode("i")
        .with_columns(pl.col("i").cast(pl.Int64))
    )
    base = base.with_columns(pl.lit(False).alias("replacement"))
    base = with_key(base)
    r = CounterRandom(ctx.seed, "employees", key="_k")
    turnover = lerp_expr(0.12, 0.03, pl.col("q_hr"))
    base = base.with_columns(
        (pl.col("i") < (pl.col("size") * 0.22).round().clip(1)).alias("is_leadership"),
        (pl.col("is_assessed") & (pl.col("i") == 0)).alias("_corps_a"),
        (r.u("leave") < turnover).alias("_leaves"),
        r.int_between("leave_day", 19, 353).alias("_leave_day"),
        (r.u("replace") < 0.85).alias("_replaced"),
        r.int_between("replace_gap", 20, 75).alias("_gap"),
        r.choice("tenure", ["0", "1", "2", "4", "7", "12", "20"], [8, 10, 10, 20, 20, 20, 12])
        .cast(pl.Int64)
        .alias("_tenure"),
        r.int_between("hired_day", 0, 364).alias("_hired_day"),
    )
    jan1 = date(year, 1, 1)
    base = base.with_columns(
        (pl.lit(date(year - 1, 1, 1)) - pl.duration(days=pl.col("_tenure") * 365) + pl.duration(days="_hired_day"))
        .cast(pl.Date)
        .alias("hired_on"),
        pl.when(pl.col("_leaves"))
        .then(pl.lit(jan1) + pl.duration(days="_leave_day"))
        .otherwise(None)
        .cast(pl.Date)
        .alias("left_on"),
    )
    replacements = base.filter(pl.col("_leaves") & pl.col("_replaced")).with_columns(
        (pl.col("left_on") + pl.duration(days="_gap")).cast(pl.Date).alias("hired_on"),
        pl.lit(None, dtype=pl.Date).alias("left_on"),
        pl.lit(True).alias("replacement"),
        pl.lit(False).alias("_corps_a"),
    )
    replacements = replacements.filter(pl.col("hired_on") <= date(year, 12, 15))
    people = pl.concat([base, replacements], how="vertical").drop("_k")
    people = with_key(people.sort("unit_no", "replacement", "i"))
    r2 = CounterRandom(ctx.seed, "employees.attrs", key="_k")
    leader_cat = {k: v[0] for k, v in CATEGORIES.items()}
    other_cat = {k: v[1] for k, v in CATEGORIES.items()}
    leader_pick = pl.lit(None, dtype=pl.Utf8)
    other_pick = pl.lit(None, dtype=pl.Utf8)
    for kind in CATEGORIES:
        leaders, others = leader_cat[kind], other_cat[kind]
        lead_idx = pl.col("i").clip(0, len(leaders) - 1)
        leader_pick = (
            pl.when(pl.col("kind") == kind)
            .then(
                pl.lit(list(leaders)).list.get(lead_idx)  # first leaders get the senior categories
            )
            .otherwise(leader_pick)
        )
        other_idx = (r2.u("cat") * len(others)).floor().cast(pl.Int64)
        other_pick = (
            pl.when(pl.col("kind") == kind).then(pl.lit(list(others)).list.get(other_idx)).otherwise(other_pick)
        )
    female_p = pl.when(pl.col("is_leadership")).then(lerp_expr(0.18, 0.45, pl.col("q_hr"))).otherwise(0.58)
    people = people.with_columns(
        (pl.lit("E") + (pl.col("_k") + 1).cast(pl.Utf8).str.zfill(7)).alias("employee_id"),
        pl.when(r2.u("gender") < female_p).then(pl.lit("F")).otherwise(pl.lit("M")).alias("gender"),
        pl.when(pl.col("_corps_a")).then(pl.lit("A")).otherwise(pl.lit("B")).alias("corps"),
        pl.when(pl.col("_corps_a"))
        .then(pl.when(pl.col("body_type") == "CGO").then(pl.lit("A-1")).otherwise(pl.lit("A-3")))
        .when(pl.col("is_leadership"))
        .then(leader_pick)
        .otherwise(other_pick)
        .alias("position_category"),
    )
    return people.rename({"_k": "emp_no"})


def hr_tables(ctx: NationalContext, people: pl.DataFrame) -> None:
    """employees, headcount_monthly, dismissals, training, qualifications, promotions, personal_files."""
    year = ctx.year
    roster = pl.lit(date(year, 12, 31)).alias("as_of")  # the year's roster: a year uses only its own
    ctx.write("employees", people.with_columns(roster))
    # headcount: actual month-end counts per unit; posts = 1 January staff × ~1.07
    month_ends = [date(year, m + 1, 1) - timedelta(days=1) for m in range(1, 12)] + [date(year, 12, 31)]
    grid = ctx.units.select("agency_id", "unit_no").join(
        pl.DataFrame({"month_end": month_ends}, schema={"month_end": pl.Date}), how="cross"
    )
    counts = (
        people.select("agency_id", "hired_on", "left_on")
        .join(pl.DataFrame({"month_end": month_ends}, schema={"month_end": pl.Date}), how="cross")
        .filter(active_on(pl.col("month_end")))
        .group_by("agency_id", "month_end")
        .agg(pl.len().cast(pl.Int64).alias("actual_headcount"))
    )
    jan = people.filter(active_on(date(year, 1, 1))).group_by("agency_id").agg(pl.len().alias("_jan"))
    head = (
        grid.join(counts, on=["agency_id", "month_end"], how="left")
        .join(jan, on="agency_id", how="left")
        .with_columns(pl.col("actual_headcount").fill_null(0), pl.col("_jan").fill_null(0))
        .with_columns(
            pl.max_horizontal(pl.col("actual_headcount"), (pl.col("_jan") * 1.07).round().cast(pl.Int64)).alias(
                "staff_posts"
            )
        )
    )
    ctx.write("headcount_monthly", head)

    keyed = people
    # dismissals
    r = CounterRandom(ctx.seed, "dismissals", key="emp_no")
    q = pl.col("q_hr")
    leavers = keyed.filter(pl.col("left_on").is_not_null() & (pl.col("left_on").dt.year() == year))
    leavers = leavers.with_columns(
        pl.when(r.u("system") < 0.55).then(pl.lit("civil_service")).otherwise(pl.lit("agency")).alias("left_system"),
        (r.u("exempt") < 0.2).alias("exempt_from_interview"),
    ).with_columns(
        (~pl.col("exempt_from_interview") & (r.u("done") < lerp_expr(0.55, 1.0, q))).alias("exit_interview_done"),
    )
    leavers = leavers.with_columns(
        (pl.col("exit_interview_done") & (r.u("negative") < lerp_expr(0.75, 0.05, q))).alias("negative_reason"),
        pl.col("left_on").alias("dismissed_on"),
        # Appendix 12 note 6: paper interviews (≤ 10 % allowed) are rare, more frequent where HR is weak
        pl.when(~pl.col("exit_interview_done"))
        .then(None)
        .when(r.u("channel") < lerp_expr(0.2, 0.02, q))
        .then(pl.lit("paper"))
        .otherwise(pl.lit("electronic"))
        .alias("interview_channel"),
        (~pl.col("exempt_from_interview") & (r.u("voluntary") < 0.8)).alias("voluntary"),
    )
    ctx.write("dismissals", leavers)

    # training: qualification (33 %) and retraining (5 %) due in the year
    r = CounterRandom(ctx.seed, "training", key="emp_no")
    year_end = date(year, 12, 31)
    parts = []
    for kind, share in (("qualification", 0.33), ("retraining", 0.05)):
        chosen = keyed.filter(r.u(f"{kind}.pick") < share).with_columns(
            pl.lit(kind).alias("kind"),
            (pl.lit(date(year, 2, 1)) + pl.duration(days=r.int_between(f"{kind}.due", 0, 322)))
            .cast(pl.Date)
            .alias("due_by"),
        )
        chosen = chosen.filter(active_on(pl.col("due_by")))
        u = r.u(f"{kind}.outcome")
        missed_p = lerp_expr(0.08, 0.0, q)
        late_p = lerp_expr(0.10, 0.0, q)
        late_day = pl.min_horizontal(
            pl.col("due_by") + pl.duration(days=r.int_between(f"{kind}.late", 3, 60)), pl.lit(year_end)
        )
        on_time = pl.max_horizontal(
            pl.col("hired_on"), pl.col("due_by") - pl.duration(days=r.int_between(f"{kind}.early", 0, 90))
        )
        chosen = chosen.with_columns(
            pl.when(u < missed_p)
            .then(None)
            .when(u < missed_p + late_p)
            .then(pl.when(late_day > pl.col("due_by")).then(late_day).otherwise(None))
            .otherwise(on_time)
            .cast(pl.Date)
            .alias("completed_on")
        )
        parts.append(chosen.select("employee_id", "agency_id", "kind", "due_by", "completed_on"))
    ctx.write("training", pl.concat(parts))

    # qualifications: one row per employee
    r = CounterRandom(ctx.seed, "qualifications", key="emp_no")
    flags = (
        "candidate_of_science",
        "doctor_of_science",
        "phd",
        "academy_graduate",
        "bolashak",
        "nu_graduate",
        "foreign_education",
        "aspirant",
        "youth_reserve",
        "masters_kz",
    )
    base_p = (0.03, 0.005, 0.02, 0.10, 0.05, 0.02, 0.06, 0.02, 0.08, 0.25)
    scale = lerp_expr(0.6, 1.5, q)
    quals = keyed.with_columns(
        *[(r.u(flag) < p * scale).alias(flag) for flag, p in zip(flags, base_p, strict=True)], roster
    )
    ctx.write("qualifications", quals)

    # promotions: appointments of the year's newcomers, 5 % internal promotions
    r = CounterRandom(ctx.seed, "promotions", key="emp_no")
    newcomers = keyed.filter(pl.col("hired_on").dt.year() == year).with_columns(
        (~pl.col("is_leadership") & (r.u("entry") < 0.7)).alias("is_entry_level")
    )
    newcomers = newcomers.with_columns(
        (r.u("within") < pl.when(pl.col("is_entry_level")).then(pl.lit(0.3)).otherwise(lerp_expr(0.4, 0.95, q))).alias(
            "from_within_system"
        ),
        pl.col("hired_on").alias("appointed_on"),
    )
    internal = keyed.filter(
        pl.col("left_on").is_null() & (pl.col("hired_on").dt.year() < year) & (r.u("internal") < 0.05)
    ).with_columns(
        (pl.lit(date(year, 1, 15)) + pl.duration(days=r.int_between("internal.day", 0, 334)))
        .cast(pl.Date)
        .alias("appointed_on"),
        pl.lit(True).alias("from_within_system"),
        pl.lit(False).alias("is_entry_level"),
    )
    cols = ["employee_id", "agency_id", "appointed_on", "from_within_system", "is_entry_level"]
    ctx.write("promotions", pl.concat([newcomers.select(cols), internal.select(cols)]))

    # personal files on 31 December per unit
    r = CounterRandom(ctx.seed, "personal_files", key="unit_no")
    active = people.filter(active_on(year_end)).group_by("agency_id").agg(pl.len().cast(pl.Int64).alias("employees"))
    files = ctx.units.join(active, on="agency_id", how="left").with_columns(pl.col("employees").fill_null(0))
    files = files.with_columns(
        pl.lit(year_end).alias("as_of"),
        (
            pl.col("employees")
            - pl.when(pl.col("q_hr") >= 0.5)
            .then(0)
            .otherwise((pl.col("employees") * 0.08 * r.u("missing") * 2).floor().cast(pl.Int64))
        )
        .clip(0)
        .alias("files_complete"),
    )
    ctx.write("personal_files", files)


def body_level_hr(ctx: NationalContext, people: pl.DataFrame) -> None:
    """internships, competitions, hr_strategy (per assessed body)."""
    year = ctx.year
    rng = random.Random(f"kzeval-national:{ctx.seed}:hr_bodies")
    mid_year = people.filter(active_on(date(year, 6, 30))).group_by("body_id").agg(pl.len().alias("staff"))
    hires = people.filter(pl.col("hired_on").dt.year() == year).group_by("body_id").agg(pl.len().alias("hires"))
    bodies = (
        ctx.bodies.join(mid_year, on="body_id", how="left")
        .join(hires, on="body_id", how="left")
        .sort("agency_id")
        .with_columns(pl.col("staff").fill_null(0), pl.col("hires").fill_null(0))
    )
    competition_units = ctx.units.filter(
        pl.col("kind").is_in(
            ["cgo_apparatus", "committee", "territorial", "mio_apparatus", "regional_department", "district"]
        )
    )
    unit_lists = {
        b: sorted(g["agency_id"].to_list()) for (b,), g in competition_units.group_by("body_id", maintain_order=True)
    }
    internships, competitions, strategies = [], [], []
    for row in bodies.iter_rows(named=True):
        body, q = row["agency_id"], row["q_hr"]
        total = round(row["staff"] * (0.02 + (0.13 - 0.02) * q) * rng.uniform(0.8, 1.2))
        sent = rng.randint(0, total)
        internships.append((body, year, sent, total - sent))
        n = max(3, round(row["hires"] * rng.uniform(0.6, 0.9)))
        units = unit_lists[body]
        for i in range(n):
            took = rng.random() < 0.9
            observer = took and rng.random() < 0.5 + 0.5 * q
            video = took and rng.random() < 0.4 + 0.6 * q
            violations = small_poisson(rng, 0.8 * (1 - q)) if video else 0
            held = date(year, 1, 15) + timedelta(days=rng.randint(0, 329))
            competitions.append(
                (f"{body}-K{year}-{i + 1:05d}", rng.choice(units), held, took, observer, video, violations)
            )
        if q >= 0.5:
            strategies.append((body, year, "approved_full", round(min(100.0, 40 + 58 * q + rng.uniform(-5, 2)), 1)))
        elif q >= 0.25:
            strategies.append((body, year, "approved_partial", round(30 + 60 * q + rng.uniform(-5, 5), 1)))
        else:
            strategies.append((body, year, "none", None))
    ctx.write("internships", contract_rows("internships", internships))
    ctx.write("competitions", contract_rows("competitions", competitions))
    ctx.write("hr_strategy", contract_rows("hr_strategy", strategies))


def survey_table(ctx: NationalContext, people: pl.DataFrame) -> None:
    """≈ 60,000 respondents (Appendix 9 questionnaire), answers centred on the body's HR quality."""
    year = ctx.year
    r = CounterRandom(ctx.seed, "survey", key="emp_no")
    resp = people.filter(active_on(date(year, 10, 1)) & (r.u("take") < SCALE.survey_participation))
    mean = lerp_expr(2.3, 3.75, pl.col("q_hr"))
    answers = []
    for i in range(1, 27):
        value = (mean + 0.6 * r.normal(f"q{i}")).round().clip(1, 4).cast(pl.Int64)
        answers.append(pl.when(r.u(f"q{i}.skip") < 0.02).then(None).otherwise(value).alias(f"q{i}"))
    resp = resp.with_columns(
        *answers,
        pl.when(r.u("q27") < 0.6).then(1).otherwise(2).cast(pl.Int64).alias("q27"),
        pl.when(r.u("q28") < 0.5).then(1).otherwise(2).cast(pl.Int64).alias("q28"),
        pl.lit(year, dtype=pl.Int64).alias("year"),
        (pl.lit(f"R{year}-") + pl.col("emp_no").cast(pl.Utf8).str.zfill(6)).alias("respondent_id"),
    )
    ctx.write("survey_responses", resp)


def workday_index(cal: WorkCalendar) -> pl.DataFrame:
    """date → number of working days up to and including it (bisect_right), over the calendar's 3 years."""
    start, end = date(cal.year - 1, 1, 1), date(cal.year + 1, 12, 31)
    days = pl.date_range(start, end, "1d", eager=True).alias("date")
    workdays = pl.Series("date", cal.workdays, dtype=pl.Date)
    return (
        pl.DataFrame({"date": days})
        .with_columns(pl.col("date").is_in(workdays.implode()).alias("_w"))
        .with_columns(pl.col("_w").cast(pl.Int64).cum_sum().alias("wd_rank"))
        .drop("_w")
    )


def corps_b_sheets(ctx: NationalContext, people: pl.DataFrame) -> None:
    """≈ 330,000 quarterly sheets: every corps «Б» employee for every quarter in post."""
    year = ctx.year
    widx = workday_index(ctx.cal)
    r = CounterRandom(ctx.seed, "corps_b", key="_k")
    staff = people.filter(
        (pl.col("corps") == "B") & (pl.col("left_on").is_null() | (pl.col("left_on").dt.year() >= year))
    )
    quarters = pl.DataFrame(
        {
            "quarter": [1, 2, 3, 4],
            "q_start": [date(year, 1, 1), date(year, 4, 1), date(year, 7, 1), date(year, 10, 1)],
            "q_end": [date(year, 3, 31), date(year, 6, 30), date(year, 9, 30), date(year, 12, 31)],
        }
    )
    sheets = (
        staff.select("employee_id", "agency_id", "emp_no", "hired_on", "left_on", "q_hr", "is_leadership")
        .join(quarters, how="cross")
        .with_columns(
            pl.max_horizontal("q_start", "hired_on").alias("_first"),
            pl.when(pl.col("left_on").is_null())
            .then(pl.col("q_end"))
            .otherwise(pl.min_horizontal("q_end", "left_on"))
            .alias("_last"),
        )
        .filter(pl.col("_last") >= pl.col("_first"))
        .sort("emp_no", "quarter")
    )
    sheets = with_key(sheets)
    sheets = sheets.join(
        widx.rename({"date": "_last", "wd_rank": "_r_last"}), on="_last", how="left", maintain_order="left"
    ).join(widx.rename({"date": "_first", "wd_rank": "_r_first"}), on="_first", how="left", maintain_order="left")
    personal = CounterRandom(ctx.seed, "corps_b.personal", key="emp_no")
    person_mean = lerp_expr(3.6, 4.5, pl.col("q_hr")) + 0.35 * personal.normal("mean")
    params = [
        (((person_mean + 0.4 * r.normal(f"p{i}")) * 2).round() / 2).clip(0.0, 5.0).alias(f"p{i}") for i in range(1, 5)
    ]
    sanction = r.choice("sanction", ["severe", "reprimand", "none"], [0.006, 0.024, 0.97])
    sheets = sheets.with_columns(*params, sanction.alias("sanction"))
    sheets = sheets.with_columns(
        pl.lit(year, dtype=pl.Int64).alias("year"),
        pl.when(pl.col("is_leadership")).then(pl.lit("leader")).otherwise(pl.lit("non_leader")).alias("sheet"),
        # seed 000 sheets (quarters ending from 1 July 2025) have a fifth parameter; ranking sheets have four
        pl.when(pl.col("q_end") < CORPS_B_EDITION_FROM)
        .then(None)
        .when(pl.col("sanction") != "none")
        .then(2.0)
        .otherwise(5.0)
        .cast(pl.Float64)
        .alias("p5"),
        pl.col("_last").alias("period_end"),
        ((pl.col("_last") - pl.col("_first")).dt.total_days() + 1).cast(pl.Int64).alias("days_in_position"),
        (
            pl.col("_r_last")
            - pl.col("_r_first")
            + pl.col("_first").is_in(pl.Series(ctx.cal.workdays, dtype=pl.Date).implode()).cast(pl.Int64)
            - r.int_between("absent", 0, 12)
        )
        .clip(0)
        .alias("worked_days"),
    )
    four = pl.col("p1") + pl.col("p2") + pl.col("p3") + pl.col("p4")
    mean_p = pl.when(pl.col("p5").is_null()).then(four / 4).otherwise((four + pl.col("p5")) / 5)
    shift = r.choice("calib.shift", ["-0.5", "0.4", "0.6"], [1, 1, 1]).cast(pl.Float64)
    sheets = sheets.with_columns(
        pl.when(r.u("calib") < 0.02)
        .then((mean_p + shift).clip(0.0, 5.0).round(2))
        .otherwise(None)
        .alias("calibrated_score")
    )
    ctx.write("corps_b_evaluations", sheets)


def turnstile_roster(ctx_units: pl.DataFrame, people: pl.DataFrame, seed: int, year: int) -> pl.DataFrame:
    """Employees with access control (≈ 75,000 at full scale): in post on 1 January, outside rural
    akimats, and in ≈ 55 % of district departments."""
    r = CounterRandom(seed, "turnstile.units", key="unit_no")
    with_gates = ctx_units.filter(
        (pl.col("kind") != "rural")
        & ((pl.col("kind") != "district_department") | (r.u("gate") < SCALE.turnstile_district_department_share))
    ).select("agency_id")
    return (
        people.filter(active_on(date(year, 1, 1)))
        .join(with_gates, on="agency_id", how="semi")
        .select("employee_id", "agency_id")
        .sort("employee_id")
    )
