"""National drop, public services tables: the services catalogue per unit, rendered volumes, violations, satisfaction, complaints, register and automation."""

from __future__ import annotations

import math
import random
from datetime import date

import polars as pl

from kzeval.generate.national.context import NationalContext, contract_rows
from kzeval.generate.national.draws import CounterRandom, lerp_expr, poisson_column, small_poisson, with_key
from kzeval.generate.national.scale import MIO_SERVICE_CATALOGUE, SCALE, UNIT_SERVICES


def _services(ctx: NationalContext) -> pl.DataFrame:
    """(unit, service) pairs with automation, electronic share and annual volume."""
    rng = random.Random(f"kzeval-national:{ctx.seed}:service_catalogue")
    # Catalogue: per CGO ≈ 450 services in all (5–25 per body by size); MIO: one shared list of 250.
    catalogue: list[tuple[str, str, str, float, float]] = []  # (owner, code, automation, e_share, popularity)
    cgo_bodies = ctx.bodies.filter(pl.col("body_type") == "CGO").sort("agency_id")
    q_services = dict(zip(ctx.bodies["agency_id"].to_list(), ctx.bodies["q_services"].to_list(), strict=True))

    def automation(q: float) -> tuple[str, float, float]:
        r = rng.random()
        full_p = 0.55 + 0.3 * q
        if r < full_p:
            return "full", rng.uniform(0.93, 0.99), 3.0
        if r < full_p + 0.2:
            return "partial", rng.uniform(0.6, 0.9), 1.0
        return "none", 0.0, 0.3

    for b_index, body in enumerate(cgo_bodies["agency_id"].to_list()):
        for j in range(rng.randint(6, 22)):
            kind, share, weight = automation(q_services[body])
            catalogue.append(
                (body, f"{100 + b_index:03d}{j + 1:03d}", kind, share, weight * rng.lognormvariate(0, 1.0))
            )
    for j in range(MIO_SERVICE_CATALOGUE):
        kind, share, weight = automation(0.7)
        catalogue.append(("MIO", f"701{j + 1:03d}", kind, share, weight * rng.lognormvariate(0, 1.0)))
    cat = pl.DataFrame(
        catalogue, schema=["owner", "service_code", "automation", "e_share", "popularity"], orient="row"
    ).with_columns(pl.int_range(pl.len()).over("owner").alias("svc_idx"), pl.len().over("owner").alias("svc_n"))

    rnd = CounterRandom(ctx.seed, "services.units", key="unit_no")
    n_services = pl.DataFrame(
        {
            "kind": list(UNIT_SERVICES),
            "s_lo": [v[0] for v in UNIT_SERVICES.values()],
            "s_hi": [v[1] for v in UNIT_SERVICES.values()],
        }
    )
    units = (
        ctx.units.join(n_services, on="kind", how="left", maintain_order="left")
        .with_columns(
            pl.when(pl.col("body_type") == "CGO").then(pl.col("body_id")).otherwise(pl.lit("MIO")).alias("owner"),
            rnd.int_between("n", pl.col("s_lo"), pl.col("s_hi")).alias("_n"),
            (rnd.u("offset") * 100_000).floor().cast(pl.Int64).alias("_offset"),
            (0.5 + rnd.u("size")).alias("_unit_weight"),
        )
        .join(cat.group_by("owner").agg(pl.len().alias("_cat_n")), on="owner", how="left", maintain_order="left")
        .with_columns(pl.min_horizontal("_n", "_cat_n").alias("_n"))
    )
    pairs = (
        units.select(
            "agency_id",
            "body_id",
            "body_type",
            "owner",
            "unit_no",
            "_n",
            "_offset",
            "_cat_n",
            "_unit_weight",
            "q_services",
        )
        .with_columns(pl.int_ranges(0, pl.col("_n")).alias("_j"))
        .explode("_j")
        .with_columns(((pl.col("_offset") + pl.col("_j")) % pl.col("_cat_n")).alias("svc_idx"))
        .join(cat, on=["owner", "svc_idx"], how="left", maintain_order="left")
        .with_columns((pl.col("popularity") * pl.col("_unit_weight")).alias("_w"))
        .sort("unit_no", "service_code")
    )
    total = SCALE.services_total * ctx.fraction
    return pairs.with_columns((pl.col("_w") / pl.col("_w").sum() * total).alias("annual_volume"))


def _lateness_per_10k(q: pl.Expr, high: pl.Expr) -> pl.Expr:
    """As the sample: 0.5 + (1 − q)^1.5 × 12 per 10,000, and 25 for the bodies with high lateness."""
    return pl.when(high).then(25.0).otherwise(0.5 + (1 - q).pow(1.5) * 12)


def services_tables(ctx: NationalContext) -> None:
    year = ctx.year
    pairs = with_key(_services(ctx))
    rng = random.Random(f"kzeval-national:{ctx.seed}:services_bodies")
    body_ids = sorted(ctx.bodies["agency_id"].to_list())
    high_lateness = set(rng.sample(body_ids, 3))
    outage = set(rng.sample(body_ids, 3))
    inspected = set(rng.sample(body_ids, 4))
    months = pl.DataFrame({"month_no": list(range(1, 13))}, schema={"month_no": pl.Int64})
    r = CounterRandom(ctx.seed, "services_rendered", key="_mk")
    monthly = (
        pairs.select(
            "_k", "agency_id", "body_id", "service_code", "automation", "e_share", "annual_volume", "q_services"
        )
        .join(months, how="cross")
        .sort("_k", "month_no")
        .with_columns((pl.col("_k") * 12 + pl.col("month_no")).alias("_mk"))
    )
    seasonal = 1 + 0.15 * ((pl.col("month_no") - 3) / 12 * 2 * math.pi).sin()
    monthly = monthly.with_columns(
        (pl.col("annual_volume") / 12 * seasonal * (0.85 + 0.3 * r.u("noise"))).alias("_total")
    )
    channels = pl.DataFrame(
        {"channel": ["electronic", "paper", "state_corp"], "_ch": [0, 1, 2], "_factor": [1.0, 3.0, 2.0]}
    )
    rows = (
        monthly.join(channels, how="cross")
        .with_columns(
            pl.when(pl.col("_ch") == 0)
            .then(pl.col("_total") * pl.col("e_share"))
            .when(pl.col("_ch") == 1)
            .then(pl.col("_total") * (1 - pl.col("e_share")) * 0.4)
            .otherwise(pl.col("_total") * (1 - pl.col("e_share")) * 0.6)
            .round()
            .cast(pl.Int64)
            .alias("rendered"),
            (pl.col("_mk") * 3 + pl.col("_ch")).alias("_rk"),
        )
        .filter(pl.col("rendered") > 0)
        .sort("_rk")
    )
    rate = _lateness_per_10k(pl.col("q_services"), pl.col("body_id").is_in(sorted(high_lateness))) / 10_000
    rows = rows.with_columns((pl.col("rendered") * rate * pl.col("_factor")).alias("_lam"))
    rr = CounterRandom(ctx.seed, "services_rendered.overdue", key="_rk")
    rows = poisson_column(rows, "_lam", rr, "overdue", "_overdue")
    rows = rows.with_columns(
        pl.min_horizontal("_overdue", "rendered").alias("overdue"),
        pl.date(year, pl.col("month_no"), 1).alias("month"),
    )
    in_outage = (
        (pl.col("channel") == "electronic")
        & pl.col("body_id").is_in(sorted(outage))
        & pl.col("month_no").is_in([3, 9])
        & (pl.col("overdue") > 0)
    )
    rows = rows.with_columns(
        pl.when(in_outage)
        .then(rr.int_between("outage", 1, pl.col("overdue")))
        .otherwise(0)
        .alias("overdue_excluded_outage")
    )
    ctx.write("services_rendered", rows)

    # per (body, service) volumes for the other service tables
    volumes = (
        rows.group_by("body_id", "service_code")
        .agg(
            pl.col("rendered").sum().alias("rendered"),
            pl.col("overdue").sum().alias("overdue"),
            pl.col("rendered").filter(pl.col("channel") == "electronic").sum().alias("electronic"),
            pl.col("rendered").filter(pl.col("channel") != "electronic").sum().alias("non_electronic"),
        )
        .join(
            pairs.select("body_id", "service_code", "automation", "q_services").unique(["body_id", "service_code"]),
            on=["body_id", "service_code"],
            how="left",
        )
        .sort("body_id", "service_code")
    )
    volumes = with_key(volumes)
    rv = CounterRandom(ctx.seed, "service_violations", key="_k")
    q = pl.col("q_services")
    volumes = volumes.with_columns((pl.col("rendered") * (0.2 + (1 - q).pow(1.5) * 8) / 10_000).alias("_vrate"))
    for i, column in enumerate(("unjustified_refusals", "incomplete_package", "extra_documents")):
        volumes = volumes.with_columns((pl.col("_vrate") * (0.6 + 0.8 * rv.u(f"spread{i}"))).alias("_lam"))
        volumes = poisson_column(volumes, "_lam", rv, column, column)
    self_report = volumes.with_columns(
        pl.lit(year, dtype=pl.Int64).alias("year"),
        pl.lit("self_report").alias("source"),
        (pl.col("overdue") * 0.7).round().cast(pl.Int64).alias("overdue"),
        pl.col("body_id").alias("agency_id"),
    )
    inspection = volumes.filter(pl.col("body_id").is_in(sorted(inspected)) & (rv.u("inspected") < 0.6))
    inspection = inspection.with_columns((5 + pl.col("overdue").cast(pl.Float64)).alias("_lam"))
    inspection = poisson_column(inspection, "_lam", rv, "insp.overdue", "_extra")
    inspection = inspection.with_columns(
        pl.lit(year, dtype=pl.Int64).alias("year"),
        pl.lit("inspection").alias("source"),
        (pl.col("overdue") + pl.col("_extra")).alias("overdue"),
        *[
            (pl.col(c) + (pl.col(c) * 0.8).ceil().cast(pl.Int64)).alias(c)
            for c in ("unjustified_refusals", "incomplete_package", "extra_documents")
        ],
        pl.col("body_id").alias("agency_id"),
    )
    cols = [
        "agency_id",
        "service_code",
        "year",
        "source",
        "overdue",
        "unjustified_refusals",
        "incomplete_package",
        "extra_documents",
    ]
    ctx.write("service_violations", pl.concat([self_report.select(cols), inspection.select(cols)]))

    rs = CounterRandom(ctx.seed, "service_satisfaction", key="_k")
    satisfaction = volumes.with_columns(
        pl.col("body_id").alias("agency_id"),
        pl.lit(year, dtype=pl.Int64).alias("year"),
        (lerp_expr(4.70, 4.97, q) + 0.05 * rs.normal("score")).clip(4.5, 5.0).round(2).alias("satisfaction_score"),
        rs.int_between("respondents", 60, 2400).alias("respondents"),
    )
    ctx.write("service_satisfaction", satisfaction)

    per_body = volumes.group_by("body_id").agg(pl.col("rendered").sum().alias("_total")).sort("body_id")
    complaints = []
    for body, total in per_body.iter_rows():
        qs = float(ctx.bodies.filter(pl.col("agency_id") == body)["q_services"][0])
        complaints.append((body, year, round(total * (0.2 + (1 - qs) * 6) / 10_000 * rng.uniform(0.9, 1.1))))
    ctx.write("service_complaints", contract_rows("service_complaints", complaints))

    register = []
    reg_rng = random.Random(f"kzeval-national:{ctx.seed}:service_register")
    excluded_codes: dict[tuple[str, int], date] = {}
    cgo_with_services = sorted({b for b in volumes["body_id"].to_list() if b.startswith("CGO")})
    for body, offset, when in zip(
        cgo_with_services[:3],
        (1, 2, 0),
        (date(year - 3, 6, 14), date(year - 1, 11, 3), date(year, 4, 22)),
        strict=False,
    ):
        excluded_codes[(body, offset)] = when
    index: dict[str, int] = {}
    for body, code, automation, qs in volumes.select("body_id", "service_code", "automation", "q_services").iter_rows():
        i = index.get(body, 0)
        index[body] = i + 1
        mobile = automation != "none" and reg_rng.random() < 0.3 + 0.65 * qs
        proactive = None
        if automation == "full" and reg_rng.random() < 0.35 * qs:
            proactive = date(year - reg_rng.randint(0, 2), reg_rng.randint(1, 12), 1)
        register.append((code, body, automation, mobile, excluded_codes.get((body, i)), proactive, year))
    ctx.write("service_register", contract_rows("service_register", register))

    automation_rows = []
    for body in cgo_with_services:
        mine = volumes.filter(pl.col("body_id") == body)
        qs = float(mine["q_services"][0])
        automated = mine.filter(pl.col("automation") != "none")
        hours = round(max(0.0, 18.0 - 17.5 * qs + rng.uniform(-1.0, 2.0)), 1)
        converted = min(3, small_poisson(rng, 0.2 + 2.3 * qs))
        digital = min(2, small_poisson(rng, 0.1 + 1.7 * qs))
        # para. 50: the CGO's services rendered by akimats come on top of its own volumes, and apart
        share = rng.uniform(0.1, 0.6)
        own = (
            int(mine["electronic"].sum()),
            int(mine["rendered"].sum()),
            int(automated["non_electronic"].sum()),
            int(automated["rendered"].sum()),
        )
        by_mio = tuple(round(v * share) for v in own)
        automation_rows.append(
            (
                body,
                year,
                *(o + m for o, m in zip(own, by_mio, strict=True)),
                hours,
                converted,
                digital,
                by_mio[0],
                by_mio[1],
            )
        )
    ctx.write("service_automation", contract_rows("service_automation", automation_rows))
