"""National drop, ``appeals``: ≈ 3.5 million appeals at full scale (≈ 2 % reviewed late)."""

from __future__ import annotations

from datetime import date

import polars as pl

from kzeval.generate.national.context import NationalContext
from kzeval.generate.national.draws import CounterRandom, lerp_expr, with_key
from kzeval.generate.national.hr import workday_index
from kzeval.generate.national.scale import APPEAL_WEIGHTS, SCALE


def appeals_table(ctx: NationalContext) -> None:
    """≈ 3.5 million appeals (record level), ≈ 2 % reviewed late, a few redirects and court decisions."""
    year = ctx.year
    widx = workday_index(ctx.cal)
    workdays = pl.DataFrame(
        {"wd_rank": range(1, len(ctx.cal.workdays) + 1), "wd_date": ctx.cal.workdays},
        schema={"wd_rank": pl.Int64, "wd_date": pl.Date},
    )
    max_rank = len(ctx.cal.workdays)
    ru = CounterRandom(ctx.seed, "appeals.units", key="unit_no")
    weights = pl.DataFrame({"kind": list(APPEAL_WEIGHTS), "_w": list(APPEAL_WEIGHTS.values())})
    units = ctx.units.join(weights, on="kind", how="left", maintain_order="left").with_columns(
        (pl.col("_w") * (0.5 + ru.u("w"))).alias("_w")
    )
    total = SCALE.appeals * ctx.fraction
    units = units.with_columns((pl.col("_w") / pl.col("_w").sum() * total).round().cast(pl.Int64).alias("_n"))
    mean_gap = 1 - float(ctx.bodies["q_appeals"].mean())  # type: ignore[arg-type]
    frame = (
        units.select("agency_id", "unit_no", "q_appeals", "_n")
        .with_columns(pl.int_ranges(0, pl.col("_n")).alias("_i"))
        .explode("_i")
        .drop_nulls("_i")
        .sort("unit_no", "_i")
    )
    frame = with_key(frame)
    r = CounterRandom(ctx.seed, "appeals", key="_k")
    q = pl.col("q_appeals")
    kind = r.choice("kind", ["application", "complaint", "request", "proposal"], [62, 34, 3, 1])
    jan1 = date(year, 1, 1)
    days_in_year = (date(year + 1, 1, 1) - jan1).days
    received = (
        pl.when(r.u("carried") < 0.015)
        .then(pl.lit(date(year - 1, 12, 1)) + pl.duration(days=r.int_between("prev_day", 0, 30)))
        .otherwise(pl.lit(jan1) + pl.duration(days=r.int_between("day", 0, days_in_year - 1)))
        .cast(pl.Date)
    )
    frame = frame.with_columns(kind.alias("kind"), received.alias("received_on"))
    frame = frame.join(
        widx.rename({"date": "received_on", "wd_rank": "_rr"}), on="received_on", how="left", maintain_order="left"
    )

    def add_workdays(rank: pl.Expr) -> pl.Expr:
        return rank.clip(1, max_rank)

    late_p = (SCALE.appeals_overdue_share * (1 - q) / max(mean_gap, 1e-6)).clip(0.0, 0.2)
    redirect_late_p = lerp_expr(0.25, 0.005, q)
    yes_p = lerp_expr(0.5, 1.0, q)
    frame = frame.with_columns(
        add_workdays(pl.col("_rr") + pl.when(pl.col("kind") == "complaint").then(20).otherwise(15)).alias("_due_r"),
        (r.u("redirect") < 0.05).alias("_redirect"),
        (r.u("redirect_late") < redirect_late_p).alias("_redirect_late"),
        add_workdays(pl.col("_rr") + 3).alias("_rdue_r"),
        (r.u("late") < late_p).alias("_late"),
        r.int_between("late_by", 1, 10).alias("_late_by"),
        r.int_between("review_in", 1, 14).alias("_review_in"),
        r.int_between("redirect_in", 1, 3).alias("_redirect_in"),
        r.int_between("redirect_late_by", 1, 6).alias("_redirect_late_by"),
        (r.u("pending") < 0.25).alias("_pending"),
    )
    lookup = workdays.rename({"wd_rank": "_due_r", "wd_date": "due_on"})
    frame = frame.join(lookup, on="_due_r", how="left", maintain_order="left")
    frame = frame.with_columns(
        pl.when(pl.col("_redirect"))
        .then(
            pl.when(pl.col("_redirect_late"))
            .then(add_workdays(pl.col("_rdue_r") + pl.col("_redirect_late_by")))
            .otherwise(pl.min_horizontal(add_workdays(pl.col("_rr") + pl.col("_redirect_in")), pl.col("_rdue_r")))
        )
        .alias("_redir_r"),
        pl.when(pl.col("_redirect"))
        .then(None)
        .when((pl.col("due_on") > date(year, 12, 31)) & pl.col("_pending"))
        .then(None)
        .when(pl.col("_late"))
        .then(add_workdays(pl.col("_due_r") + pl.col("_late_by")))
        .otherwise(pl.min_horizontal(add_workdays(pl.col("_rr") + pl.col("_review_in")), pl.col("_due_r")))
        .alias("_rev_r"),
    )
    for rank, column in (("_redir_r", "redirected_on"), ("_rev_r", "reviewed_on"), ("_rdue_r", "redirect_due_on")):
        frame = frame.join(
            workdays.rename({"wd_rank": rank, "wd_date": column}), on=rank, how="left", maintain_order="left"
        )
    frame = frame.with_columns(
        pl.when(pl.col("_redirect")).then(pl.col("redirect_due_on")).otherwise(None).alias("redirect_due_on"),
        pl.max_horizontal("redirected_on", "received_on").alias("redirected_on"),
    ).with_columns(pl.when(pl.col("_redirect")).then(pl.col("redirected_on")).otherwise(None).alias("redirected_on"))
    is_late = (pl.col("_redirect") & pl.col("_redirect_late")) | (
        pl.col("reviewed_on").is_not_null() & (pl.col("reviewed_on") > pl.col("due_on"))
    )
    u_disc = r.u("disciplinary")
    court_rate = lerp_expr(6.0, 0.5, q) / 10_000
    frame = frame.with_columns(
        pl.when(is_late)
        .then(
            pl.when(u_disc < 0.05)
            .then(pl.lit("impossible"))
            .when(u_disc < 0.05 + 0.95 * yes_p)
            .then(pl.lit("yes"))
            .otherwise(pl.lit("no"))
        )
        .otherwise(None)
        .alias("disciplinary"),
        pl.when(
            (pl.col("kind") == "complaint")
            & pl.col("reviewed_on").is_not_null()
            & (pl.col("received_on").dt.year() == year)
            & (r.u("court") < court_rate)
        )
        .then(pl.col("reviewed_on") + pl.duration(days=r.int_between("court_days", 30, 150)))
        .otherwise(None)
        .cast(pl.Date)
        .alias("court_satisfied_on"),
        (pl.col("received_on").dt.year().cast(pl.Utf8) + "-" + (pl.col("_k") + 1).cast(pl.Utf8).str.zfill(7)).alias(
            "appeal_id"
        ),
    )
    ctx.write("appeals", frame)
