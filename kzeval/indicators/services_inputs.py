"""Inputs of direction «Качество оказания государственных услуг»: the services tables aggregated per assessed body (polars).

Satisfaction levels per service, rendered volumes and violations resolved by the precedence of
para. 40 (inspection, IS «Мониторинг», self-report), the register in force in the year
(para. 48) and the automation volumes with the part rendered by local executive bodies
(para. 50). :mod:`kzeval.indicators.services` applies the scalar formulas to them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import polars as pl

from kzeval.methodology import interaction_2023 as ed


def body_column(frame: pl.DataFrame) -> str:
    """Landing frames carry ``assessed_agency_id`` from the pipeline; plain frames roll up to themselves."""
    return "assessed_agency_id" if "assessed_agency_id" in frame.columns else "agency_id"


def by_body(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns(pl.col(body_column(frame)).alias("_body")).filter(pl.col("_body").is_not_null())


def aggregate_satisfaction(satisfaction: pl.DataFrame, year: int) -> pl.DataFrame:
    """Mean satisfaction level per (body, service): respondent-weighted over the body's units."""
    frame = by_body(satisfaction).filter(pl.col("year") == year)
    respondents = pl.col("respondents").fill_null(0)
    return (
        frame.group_by("_body", "service_code")
        .agg(
            respondents.sum().alias("respondents"),
            (pl.col("satisfaction_score") * respondents).sum().alias("weighted"),
            pl.col("satisfaction_score").mean().alias("plain_mean"),
        )
        .with_columns(
            pl.when(pl.col("respondents") > 0)
            .then(pl.col("weighted") / pl.col("respondents"))
            .otherwise(pl.col("plain_mean"))
            .alias("level")
        )
        .select("_body", "service_code", "level", "respondents")
        .sort("_body", "service_code")
    )


def resolve_service_violations(
    services_rendered: pl.DataFrame | None,
    service_violations: pl.DataFrame | None,
    year: int,
    inspection_scope: str = "service",
) -> pl.DataFrame:
    """Per (body, service): rendered volume and the violation counts after source precedence.

    Late services (T1, para. 40): inspection → IS «Мониторинг» (overdue net of confirmed
    outages) → self-report. Refusals, incomplete packages, extra documents (T2–T4,
    para. 37): inspection → self-report. A service appears in IS «Мониторинг» when it has
    rows in ``services_rendered`` for the year.

    Reading ``svc.inspection_scope``: service (default) — the inspection wins for the
    services it reports on; body — once the body has any inspection row of the year, its
    inspection rows are the only source for every service of the body (a service the
    inspection does not name counts 0).
    """
    if inspection_scope not in ("service", "body"):
        raise ValueError(f"svc.inspection_scope: unknown reading {inspection_scope!r}")
    keys = ["_body", "service_code"]
    if services_rendered is not None:
        rendered = (
            by_body(services_rendered)
            .filter(pl.col("month").dt.year() == year)
            .group_by(keys)
            .agg(
                pl.col("rendered").fill_null(0).sum().alias("rendered"),
                pl.col("rendered")
                .filter(pl.col("channel") == "electronic")
                .fill_null(0)
                .sum()
                .alias("rendered_electronic"),
                pl.col("overdue").fill_null(0).sum().alias("monitoring_overdue_raw"),
                pl.col("overdue_excluded_outage").fill_null(0).sum().alias("overdue_excluded_outage"),
            )
            .with_columns(
                (pl.col("monitoring_overdue_raw") - pl.col("overdue_excluded_outage")).alias("monitoring_overdue"),
                pl.lit(True).alias("in_monitoring"),
            )
        )
    else:
        rendered = pl.DataFrame(
            schema={
                "_body": pl.Utf8,
                "service_code": pl.Utf8,
                "rendered": pl.Int64,
                "rendered_electronic": pl.Int64,
                "monitoring_overdue_raw": pl.Int64,
                "overdue_excluded_outage": pl.Int64,
                "monitoring_overdue": pl.Int64,
                "in_monitoring": pl.Boolean,
            }
        )
    counts = ("overdue", "unjustified_refusals", "incomplete_package", "extra_documents")
    source_frames = []
    for source in ("inspection", "self_report"):
        if service_violations is not None:
            part = (
                by_body(service_violations)
                .filter((pl.col("year") == year) & (pl.col("source") == source))
                .group_by(keys)
                .agg(*[pl.col(c).fill_null(0).sum().alias(f"{source}_{c}") for c in counts])
                .with_columns(pl.lit(True).alias(f"has_{source}"))
            )
        else:
            part = pl.DataFrame(
                schema={
                    "_body": pl.Utf8,
                    "service_code": pl.Utf8,
                    **{f"{source}_{c}": pl.Int64 for c in counts},
                    f"has_{source}": pl.Boolean,
                }
            )
        source_frames.append(part)
    merged = rendered
    for part in source_frames:
        merged = merged.join(part, on=keys, how="full", coalesce=True)
    merged = merged.with_columns(
        pl.col("in_monitoring", "has_inspection", "has_self_report").fill_null(False),
        pl.col("rendered", "rendered_electronic").fill_null(0),
    )
    if inspection_scope == "body":
        merged = merged.with_columns(pl.col("has_inspection").any().over("_body").alias("has_inspection"))
    inspected = pl.col("has_inspection")
    overdue_source = (
        pl.when(inspected)
        .then(pl.lit("inspection"))
        .when(pl.col("in_monitoring"))
        .then(pl.lit("monitoring"))
        .when(pl.col("has_self_report"))
        .then(pl.lit("self_report"))
        .otherwise(pl.lit("none"))
    )
    late = (
        pl.when(inspected)
        .then(pl.col("inspection_overdue"))
        .when(pl.col("in_monitoring"))
        .then(pl.col("monitoring_overdue"))
        .otherwise(pl.col("self_report_overdue"))
        .fill_null(0)
    )
    other = [
        pl.when(inspected).then(pl.col(f"inspection_{c}")).otherwise(pl.col(f"self_report_{c}")).fill_null(0).alias(c)
        for c in counts[1:]
    ]
    return merged.select(
        *keys,
        "rendered",
        "rendered_electronic",
        late.alias("late"),
        overdue_source.alias("late_source"),
        pl.col("overdue_excluded_outage").fill_null(0),
        pl.when(inspected).then(pl.lit("inspection")).otherwise(pl.lit("self_report")).alias("violations_source"),
        *other,
    ).sort(keys)


def register_of_year(register: pl.DataFrame, year: int) -> pl.DataFrame:
    """The register rows «действовавший в оцениваемом периоде» (para. 48), per assessed body.

    A body's rows with ``year`` = the assessed year; a body without such rows falls back to
    its rows without a year (a register delivered undated applies to every year), flagged
    ``undated`` so the figures built on them are marked provisional. Rows of other years
    are never used.
    """
    frame = by_body(register)
    if "year" not in frame.columns:
        frame = frame.with_columns(pl.lit(None, dtype=pl.Int64).alias("year"))
    dated = pl.col("year") == year
    frame = frame.filter(dated | pl.col("year").is_null())
    has_dated = dated.fill_null(False).any().over("_body")
    return frame.filter(
        pl.when(has_dated).then(dated).otherwise(pl.col("year").is_null()).fill_null(False)
    ).with_columns(pl.col("year").is_null().alias("undated"))


def aggregate_register(register: pl.DataFrame, year: int) -> pl.DataFrame:
    """Per body: service types n, partially c / fully d automated, in mobile app w (paras. 48–52).

    The register of the assessed year (:func:`register_of_year`). A service type counts once
    per body (its best automation level over the body's units). Services the Interagency
    Commission excluded from eGov leave n, c, d and w when the decision falls within two
    years before the end of the assessed year (para. 48); later decisions are not yet in
    force, older ones are ignored. ``undated`` says the body's register had no year.
    """
    year_end = dt.date(year, 12, 31)
    window_start = dt.date(year - ed.SVC_COMMISSION_DECISION_MAX_AGE_YEARS, 12, 31)
    excluded = pl.col("excluded_by_commission_on")
    of_year = register_of_year(register, year)
    undated = of_year.group_by("_body").agg(pl.col("undated").any())
    per_service = (
        of_year.with_columns(
            pl.col("automation")
            .replace_strict(ed.SVC_AUTOMATION_LEVEL_RANK, default=0, return_dtype=pl.Int64)
            .alias("level"),
            (excluded.is_not_null() & (excluded >= window_start) & (excluded <= year_end)).alias("excluded"),
        )
        .group_by("_body", "service_code")
        .agg(
            pl.col("level").max(),
            pl.col("in_mobile_app").fill_null(False).any().alias("mobile"),
            pl.col("excluded").any(),
        )
        .filter(~pl.col("excluded"))
    )
    partial = ed.SVC_AUTOMATION_LEVEL_RANK["partial"]
    full = ed.SVC_AUTOMATION_LEVEL_RANK["full"]
    counts = per_service.group_by("_body").agg(
        pl.len().cast(pl.Int64).alias("service_types"),
        (pl.col("level") == partial).sum().cast(pl.Int64).alias("partially_automated"),
        (pl.col("level") == full).sum().cast(pl.Int64).alias("fully_automated"),
        (pl.col("mobile") & (pl.col("level") >= partial)).sum().cast(pl.Int64).alias("in_mobile_app"),
    )
    return undated.join(counts, on="_body", how="left").with_columns(
        pl.col("service_types", "partially_automated", "fully_automated", "in_mobile_app").fill_null(0)
    )


MIO_VOLUME_COLUMNS = ("volume_electronic_mio", "volume_total_mio")  # optional: the part rendered by MIOs


def aggregate_automation(automation: pl.DataFrame, year: int) -> pl.DataFrame:
    """Per body: the Ministry's automation figures for the year, summed over the body's units.

    The volumes include the CGO's services rendered by local executive bodies (para. 50:
    «также учитывается объем услуг, оказанных местными исполнительными органами»). Where
    the drop gives that part (``volume_electronic_mio``, ``volume_total_mio``) it is summed
    too, for explain; a body whose rows never give it gets null.
    """
    frame = by_body(automation).filter(pl.col("year") == year)
    split = [
        (pl.when(pl.col(c).is_not_null().any()).then(pl.col(c).fill_null(0).sum()).otherwise(None)).alias(c)
        if c in frame.columns
        else pl.lit(None, dtype=pl.Int64).alias(c)
        for c in MIO_VOLUME_COLUMNS
    ]
    numeric = (
        "volume_electronic",
        "volume_total",
        "volume_paper_automated",
        "volume_total_automated",
        "unavailability_hours",
        "proactive_converted",
        "digital_documents",
    )
    return frame.group_by("_body").agg(*[pl.col(c).fill_null(0).sum() for c in numeric], *split)


def bodies_with_rows(frames: Mapping[str, pl.DataFrame | None], year: int) -> set[str]:
    """Assessed bodies with at least one row of the year in a services table.

    The service register (a reference of services) does not make a body scored.
    """
    found: set[str] = set()
    year_filters: dict[str, pl.Expr] = {
        "services_rendered": pl.col("month").dt.year() == year,
        "service_violations": pl.col("year") == year,
        "service_satisfaction": pl.col("year") == year,
        "service_complaints": pl.col("year") == year,
        "service_automation": pl.col("year") == year,
    }
    for name, condition in year_filters.items():
        frame = frames.get(name)
        if frame is not None and not frame.is_empty():
            found.update(by_body(frame).filter(condition)["_body"].unique().to_list())
    return found


def rows_by_body(frame: pl.DataFrame) -> dict[str, dict[str, Any]]:
    return {row["_body"]: row for row in frame.iter_rows(named=True)}
