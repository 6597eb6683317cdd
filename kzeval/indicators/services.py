"""Direction «Качество оказания государственных услуг» (seed 004, chapter 3, Appendices 2 and 6).

Criteria K1/M1 (P1 satisfaction, P2 complaints), K2/M2 (T1–T4 violations per 10 000
services) and, for CGO only, K3 automation (T, V, C, −P, +D, +S). Direction total:
CGO ``U = K1 + K2 + K3``, MIO ``T = M1 + M2`` (para. 56).

Inputs are aggregated per assessed body with polars; the scalar formulas below are applied
per body. Volumes:

* ``b`` (T1, para. 41) is the number of services the body rendered in the year, all
  channels (electronic, paper, State Corporation) of ``services_rendered`` summed over the
  year's months, less the late services excused by a confirmed IS failure (para. 40,
  reading ``svc.outage_excluded``). ``b1`` (P2, T2–T4, paras. 33, 42–44) is by default the
  same total of every channel: both are «общее количество государственных услуг, оказанных
  государственным органом»; ``b`` only adds «с учетом … в электронном формате», and P2
  counts complaints filed via eGov. Reading ``svc.b1_scope=non_electronic`` counts paper
  and State Corporation services only.
* T1's late count ``a`` follows the precedence of para. 40 per assessed body and service
  (reading ``svc.inspection_scope``; ``body``: per body): inspection results, else IS
  «Мониторинг» (``overdue − overdue_excluded_outage`` of ``services_rendered``: late
  services during a confirmed IS failure are not counted), else the body's self-report.
  T2–T4 use inspection over self-report (para. 37).
* The service register is the one «действовавший в оцениваемом периоде» (para. 48): rows
  of ``service_register.year``; rows without a year apply to every year and mark the K3
  figures built on them provisional.
* V's volumes include the CGO's services rendered by local executive bodies (para. 50);
  the optional ``volume_*_by_mio`` columns show that part.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import polars as pl

from kzeval.indicators.common import DirectionResult, IndicatorResult, clamp, result_from_definition, safe_ratio
from kzeval.indicators.scoring import rate_indicator, round_half_up
from kzeval.methodology import interaction_2023 as ed
from kzeval.methodology.base import ActiveReadings

DIRECTION = ed.DIRECTION_SERVICES
_DEFS = {d.code: d for d in ed.INDICATORS}

K1_CODES = ed.SVC_CRITERIA_COMPONENTS["svc_k1"]
K2_CODES = ed.SVC_CRITERIA_COMPONENTS["svc_k2"]
K3_CODES = ed.SVC_CRITERIA_COMPONENTS["svc_k3"]
# Landing tables each indicator reads (its definition's source_tables); an indicator whose table is absent is not computed.
INDICATOR_TABLES: Mapping[str, tuple[str, ...]] = {
    code: _DEFS[code].source_tables for code in K1_CODES + K2_CODES + K3_CODES
}
_VIOLATION_READINGS = ("svc.inspection_scope",)
INDICATOR_READINGS: Mapping[str, tuple[str, ...]] = {
    "svc_satisfaction": ("svc.satisfaction_band", "svc.p1_no_services"),
    "svc_complaints": ("svc.b1_scope",),
    "svc_timeliness": ("svc.inspection_scope", "svc.outage_excluded"),
    "svc_unjustified_refusals": ("svc.b1_scope", *_VIOLATION_READINGS),
    "svc_incomplete_package": ("svc.b1_scope", *_VIOLATION_READINGS),
    "svc_extra_documents": ("svc.b1_scope", *_VIOLATION_READINGS),
    "svc_automation_degree": ("svc.automation_degree",),
    "svc_automation_effectiveness": ("svc.automation_effectiveness",),
    "svc_k3": ("svc.automation_degree", "svc.automation_effectiveness", "svc.k3_cap", "svc.k3_test_base"),
}
INDICATOR_READINGS = {
    **INDICATOR_READINGS,
    "svc_k1": tuple(sorted({k for c in ("svc_satisfaction", "svc_complaints") for k in INDICATOR_READINGS[c]})),
    "svc_k2": tuple(
        sorted(
            {
                k
                for c in ("svc_timeliness", "svc_unjustified_refusals", "svc_incomplete_package", "svc_extra_documents")
                for k in INDICATOR_READINGS[c]
            }
        )
    ),
}


def codes_for(body_type: str) -> tuple[str, ...]:
    """Indicator codes of the direction for a body type (K3 is CGO only, Appendix 2)."""
    return K1_CODES + K2_CODES + (K3_CODES if body_type == ed.CGO else ())


def required_tables(body_type: str) -> tuple[str, ...]:
    """Landing tables the direction total needs for a body type."""
    return tuple(sorted({t for code in codes_for(body_type) for t in INDICATOR_TABLES[code]}))


# ---------------------------------------------------------------------------------------
# Scalar formulas
# ---------------------------------------------------------------------------------------


def satisfaction_band_points(mean_level: float, body_type: str, reading: str = "literal") -> float:
    """U_n of para. 31: Appendix 6 points of one service's mean satisfaction level (1–5).

    Reading ``svc.satisfaction_band``: literal (default) — the exact mean against the written
    lower bounds («от 4 баллов включительно», «ниже 4 баллов»): 3.995 → 0 and a mean in a gap
    between bands (4.795) takes the lower band (12 / 16); round2 — the mean rounded half up to
    2 decimals first (3.995 → 4.00 → 3 / 4; 4.795 → 4.80 → 15 / 20).
    """
    if reading == "round2":
        level = round_half_up(mean_level, ed.SVC_SATISFACTION_DECIMALS)
    elif reading == "literal":
        level = mean_level
    else:
        raise ValueError(f"svc.satisfaction_band: unknown reading {reading!r}")
    for lower, points_cgo, points_mio in ed.SVC_SATISFACTION_BANDS:
        if level >= lower:
            return points_cgo if body_type == ed.CGO else points_mio
    return ed.SVC_SATISFACTION_BELOW_BANDS


def satisfaction_level(service_points: Sequence[float], body_type: str, no_services: str = "max") -> float:
    """P1 (para. 31, RECONSTRUCTED-HIGH): ``(U_1 + … + U_n) / n``.

    With no assessed service (n = 0), reading ``svc.p1_no_services``: max (default) — the
    body gets the maximum, nothing was found wanting, the pattern the methodology uses
    wherever there is nothing to assess (paras. 62, 67, 100, Appendix 13); zero — 0. The
    inputs record n = 0 so the case stays visible.
    """
    if not service_points:
        if no_services == "max":
            return ed.SVC_SATISFACTION_MAX[body_type]
        if no_services == "zero":
            return 0.0
        raise ValueError(f"svc.p1_no_services: unknown reading {no_services!r}")
    return sum(service_points) / len(service_points)


def complaints_indicator(justified_complaints: float, services_rendered: float, body_type: str) -> float:
    """P2 (para. 33, RECONSTRUCTED-HIGH): ``max(0, k − i / b1 × 10 000)``, k = 10 CGO / 20 MIO."""
    return rate_indicator(ed.SVC_COMPLAINTS_K[body_type], justified_complaints, services_rendered, ed.SVC_RATE_SCALE)


def timeliness_indicator(late: float, services_rendered: float, body_type: str) -> float:
    """T1 (para. 41, RECONSTRUCTED-HIGH): ``max(0, k − a / b × 10 000)``, k = 12 CGO / 14 MIO."""
    return rate_indicator(ed.SVC_TIMELINESS_K[body_type], late, services_rendered, ed.SVC_RATE_SCALE)


def unjustified_refusals_indicator(refusals: float, services_rendered: float, body_type: str) -> float:
    """T2 (para. 42, RECONSTRUCTED-HIGH): ``max(0, k − a / b1 × 10 000)``, k = 14 CGO / 18 MIO."""
    return rate_indicator(ed.SVC_UNJUSTIFIED_REFUSALS_K[body_type], refusals, services_rendered, ed.SVC_RATE_SCALE)


def incomplete_package_indicator(incomplete: float, services_rendered: float, body_type: str) -> float:
    """T3 (para. 43, RECONSTRUCTED-HIGH): ``max(0, k − c / b1 × 10 000)``, k = 12 CGO / 14 MIO."""
    return rate_indicator(ed.SVC_INCOMPLETE_PACKAGE_K[body_type], incomplete, services_rendered, ed.SVC_RATE_SCALE)


def extra_documents_indicator(extra_documents: float, services_rendered: float, body_type: str) -> float:
    """T4 (para. 44, RECONSTRUCTED-HIGH): ``max(0, k − e / b1 × 10 000)``, k = 12 CGO / 14 MIO."""
    return rate_indicator(ed.SVC_EXTRA_DOCUMENTS_K[body_type], extra_documents, services_rendered, ed.SVC_RATE_SCALE)


def automation_degree(partially_automated: int, fully_automated: int, service_types: int, reading: str) -> float:
    """T (para. 49, RECONSTRUCTED-MEDIUM): ``(partial_weight × c + d) / n × k``, k = 10.

    Reading ``svc.automation_degree``: full (partial_weight 1.0) or half (0.5). n excludes
    the services the Interagency Commission took off eGov (para. 48); n = 0 → 0.
    """
    weight = ed.SVC_AUTOMATION_PARTIAL_WEIGHT[reading]
    share = safe_ratio(weight * partially_automated + fully_automated, service_types, 0.0)
    return clamp(share * ed.SVC_AUTOMATION_DEGREE_K, 0.0, ed.SVC_AUTOMATION_DEGREE_K)


def automation_effectiveness(
    volume_electronic: float,
    volume_total: float,
    volume_paper_automated: float,
    volume_total_automated: float,
    reading: str,
) -> float:
    """V (para. 51, RECONSTRUCTED-LOW): electronic share e/z against paper share b/c.

    Readings ``svc.automation_effectiveness``: average ``k × (e/z + (c − b)/c) / 2``,
    product ``k × (e/z) × (1 − b/c)``, difference ``k × max(0, e/z − b/c)``; k = 10.
    No volume at all (z = 0) → 0; no automated e/paper volume (c = 0) → paper share 0.
    """
    if volume_total <= 0:
        return 0.0
    k = ed.SVC_AUTOMATION_EFFECTIVENESS_K
    electronic_share = clamp(volume_electronic / volume_total, 0.0, 1.0)
    paper_share = clamp(safe_ratio(volume_paper_automated, volume_total_automated, 0.0), 0.0, 1.0)
    if reading == "average":
        value = k * (electronic_share + (1.0 - paper_share)) / 2.0
    elif reading == "product":
        value = k * electronic_share * (1.0 - paper_share)
    elif reading == "difference":
        value = k * (electronic_share - paper_share)
    else:
        raise ValueError(f"svc.automation_effectiveness: unknown reading {reading!r}")
    return clamp(value, 0.0, k)


def mobile_availability(in_mobile_app: int, automated: int) -> float:
    """C (para. 52, RECONSTRUCTED-HIGH): ``w / a × k``, k = 5, at most 5; no automated service → 0."""
    return clamp(safe_ratio(in_mobile_app, automated, 0.0) * ed.SVC_MOBILE_K, 0.0, ed.SVC_MOBILE_K)


def downtime_penalty(unavailability_hours: float) -> float:
    """P (para. 53, IN SEED): ``t × w``, w = 0,2 per hour, at most 5 (returned as a positive amount)."""
    return clamp(unavailability_hours * ed.SVC_DOWNTIME_POINTS_PER_HOUR, 0.0, ed.SVC_DOWNTIME_MAX)


def proactive_stimulus(converted_to_proactive: float) -> float:
    """D (para. 54, IN SEED): ``q × k``, k = 1, at most 3."""
    return clamp(converted_to_proactive * ed.SVC_PROACTIVE_POINTS_PER_SERVICE, 0.0, ed.SVC_PROACTIVE_MAX)


def digital_documents_stimulus(digital_documents: float) -> float:
    """S (para. 55, IN SEED): ``l × k``, k = 1, at most 2."""
    return clamp(digital_documents * ed.SVC_DIGITAL_DOCUMENTS_POINTS_PER_DOCUMENT, 0.0, ed.SVC_DIGITAL_DOCUMENTS_MAX)


def automation_criterion(
    degree: float,
    effectiveness: float,
    mobile: float,
    downtime: float,
    proactive: float,
    digital_documents: float,
    reading: str,
    test_base: str = "net",
) -> float:
    """K3 (para. 47): ``T + V + C − P + D* + S*``, *not applied once the maximum 25 is reached.

    Reading ``svc.k3_test_base``: net (default) — the stimuli are left out when the
    criterion's own value T + V + C − P reaches 25; gross — when T + V + C reaches 25, so a
    body at 25 with downtime keeps 25 − P and gets no stimulus. Reading ``svc.k3_cap``
    (MEDIUM, Q19): min25 (default) — the sum with the stimuli is capped at 25; literal — it
    is not. Either way the criterion is floored at 0 (decision: the downtime penalty cannot
    eat into K1/K2).
    """
    if reading not in ("min25", "literal"):
        raise ValueError(f"svc.k3_cap: unknown reading {reading!r}")
    net = degree + effectiveness + mobile - downtime
    if test_base == "net":
        tested = net
    elif test_base == "gross":
        tested = degree + effectiveness + mobile
    else:
        raise ValueError(f"svc.k3_test_base: unknown reading {test_base!r}")
    if tested >= ed.SVC_K3_MAX:
        total = net if reading == "literal" else min(ed.SVC_K3_MAX, net)
    else:
        total = net + proactive + digital_documents
        if reading == "min25":
            total = min(ed.SVC_K3_MAX, total)
    return max(ed.SVC_K3_FLOOR, total)


# ---------------------------------------------------------------------------------------
# Vectorised aggregation per assessed body
# ---------------------------------------------------------------------------------------


def body_column(frame: pl.DataFrame) -> str:
    """Landing frames carry ``assessed_agency_id`` from the pipeline; plain frames roll up to themselves."""
    return "assessed_agency_id" if "assessed_agency_id" in frame.columns else "agency_id"


def _by_body(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns(pl.col(body_column(frame)).alias("_body")).filter(pl.col("_body").is_not_null())


def aggregate_satisfaction(satisfaction: pl.DataFrame, year: int) -> pl.DataFrame:
    """Mean satisfaction level per (body, service): respondent-weighted over the body's units."""
    frame = _by_body(satisfaction).filter(pl.col("year") == year)
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
            _by_body(services_rendered)
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
                _by_body(service_violations)
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
    frame = _by_body(register)
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
    frame = _by_body(automation).filter(pl.col("year") == year)
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


# ---------------------------------------------------------------------------------------
# Direction assembly
# ---------------------------------------------------------------------------------------


def _bodies_with_rows(frames: Mapping[str, pl.DataFrame | None], year: int) -> set[str]:
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
            found.update(_by_body(frame).filter(condition)["_body"].unique().to_list())
    return found


def _rows(frame: pl.DataFrame) -> dict[str, dict[str, Any]]:
    return {row["_body"]: row for row in frame.iter_rows(named=True)}


def compute_services(
    frames: Mapping[str, pl.DataFrame | None], bodies: pl.DataFrame, year: int, readings: ActiveReadings
) -> tuple[list[IndicatorResult], list[DirectionResult]]:
    """All services indicators, criteria K1–K3 and the direction total per assessed body.

    A body is scored when it has rows of the year in any services table (the register aside). Indicators whose
    landing tables are absent from ``frames`` are not computed; criterion sums and the
    direction total only when all their indicators are.
    """
    available = {name for name, frame in frames.items() if frame is not None}
    body_types = dict(zip(bodies["agency_id"].to_list(), bodies["body_type"].to_list(), strict=True))
    scored = sorted(b for b in _bodies_with_rows(frames, year) if b in body_types)

    satisfaction: dict[str, list[tuple[str, float]]] = {}
    satisfaction_frame = frames.get("service_satisfaction")
    if satisfaction_frame is not None:
        for row in aggregate_satisfaction(satisfaction_frame, year).iter_rows(named=True):
            satisfaction.setdefault(row["_body"], []).append((row["service_code"], float(row["level"])))
    inspection_scope = readings.value("svc.inspection_scope")
    violations = resolve_service_violations(
        frames.get("services_rendered"), frames.get("service_violations"), year, inspection_scope
    )
    totals = _rows(
        violations.group_by("_body").agg(
            pl.col("rendered").sum(),
            pl.col("rendered_electronic").sum(),
            pl.col("late").sum(),
            pl.col("overdue_excluded_outage").sum(),
            pl.col("unjustified_refusals").sum(),
            pl.col("incomplete_package").sum(),
            pl.col("extra_documents").sum(),
            *[
                (pl.col("late_source") == s).sum().alias(f"late_source_{s}")
                for s in ("inspection", "monitoring", "self_report")
            ],
            (pl.col("violations_source") == "inspection").sum().alias("services_inspected"),
        )
    )
    complaints: dict[str, float] = {}
    complaints_frame = frames.get("service_complaints")
    if complaints_frame is not None:
        frame = _by_body(complaints_frame).filter(pl.col("year") == year)
        for body, count in frame.group_by("_body").agg(pl.col("justified_complaints").fill_null(0).sum()).iter_rows():
            complaints[body] = float(count)
    register_frame, automation_frame = frames.get("service_register"), frames.get("service_automation")
    register = _rows(aggregate_register(register_frame, year)) if register_frame is not None else {}
    automation = _rows(aggregate_automation(automation_frame, year)) if automation_frame is not None else {}

    band_reading = readings.value("svc.satisfaction_band")
    no_services_reading = readings.value("svc.p1_no_services")
    b1_scope = readings.value("svc.b1_scope")
    outage_reading = readings.value("svc.outage_excluded")
    if b1_scope not in ("all", "non_electronic"):
        raise ValueError(f"svc.b1_scope: unknown reading {b1_scope!r}")
    if outage_reading not in ("a_and_b", "a_only"):
        raise ValueError(f"svc.outage_excluded: unknown reading {outage_reading!r}")

    indicators: list[IndicatorResult] = []
    directions: list[DirectionResult] = []
    for body in scored:
        btype = body_types[body]
        total = totals.get(body, {})
        rendered = float(total.get("rendered") or 0)
        rendered_electronic = float(total.get("rendered_electronic") or 0)
        outage_excused = int(total.get("overdue_excluded_outage") or 0)
        # b (T1): every channel, less the outage-excused late services (para. 40) under a_and_b
        b = rendered - outage_excused if outage_reading == "a_and_b" else rendered
        # b1 (P2, T2–T4): every channel by default, other than electronic under non_electronic
        b1 = rendered - rendered_electronic if b1_scope == "non_electronic" else rendered
        values: dict[str, float] = {}
        inputs: dict[str, dict[str, Any]] = {}
        provisional: set[str] = set()

        services_points = [
            (code, satisfaction_band_points(level, btype, band_reading), level)
            for code, level in satisfaction.get(body, [])
        ]
        values["svc_satisfaction"] = satisfaction_level([p for _, p, _ in services_points], btype, no_services_reading)
        inputs["svc_satisfaction"] = {
            "n": len(services_points),
            "points_by_service": {code: p for code, p, _ in services_points},
            "level_by_service": {
                code: round_half_up(level, ed.SVC_SATISFACTION_DECIMALS) if band_reading == "round2" else level
                for code, _, level in services_points
            },
            "no_assessed_services": not services_points,
        }
        i = complaints.get(body, 0.0)
        values["svc_complaints"] = complaints_indicator(i, b1, btype)
        inputs["svc_complaints"] = {"k": ed.SVC_COMPLAINTS_K[btype], "i": i, "b1": b1}
        late = float(total.get("late") or 0)
        values["svc_timeliness"] = timeliness_indicator(late, b, btype)
        inputs["svc_timeliness"] = {
            "k": ed.SVC_TIMELINESS_K[btype],
            "a": late,
            "b": b,
            "rendered_all_channels": rendered,
            "overdue_excluded_outage": outage_excused,
            "services_by_late_source": {
                s: int(total.get(f"late_source_{s}") or 0) for s in ("inspection", "monitoring", "self_report")
            },
        }
        inspected = int(total.get("services_inspected") or 0)
        for code, column, symbol, formula, k_by_type in (
            (
                "svc_unjustified_refusals",
                "unjustified_refusals",
                "a",
                unjustified_refusals_indicator,
                ed.SVC_UNJUSTIFIED_REFUSALS_K,
            ),
            (
                "svc_incomplete_package",
                "incomplete_package",
                "c",
                incomplete_package_indicator,
                ed.SVC_INCOMPLETE_PACKAGE_K,
            ),
            ("svc_extra_documents", "extra_documents", "e", extra_documents_indicator, ed.SVC_EXTRA_DOCUMENTS_K),
        ):
            count = float(total.get(column) or 0)
            values[code] = formula(count, b1, btype)
            inputs[code] = {"k": k_by_type[btype], symbol: count, "b1": b1, "services_inspected": inspected}

        if btype == ed.CGO:
            reg = register.get(body, {})
            c = int(reg.get("partially_automated") or 0)
            d = int(reg.get("fully_automated") or 0)
            n = int(reg.get("service_types") or 0)
            w = int(reg.get("in_mobile_app") or 0)
            undated_register = bool(reg.get("undated"))
            if undated_register:
                provisional.update(("svc_automation_degree", "svc_mobile", "svc_k3"))
            degree_reading = readings.value("svc.automation_degree")
            values["svc_automation_degree"] = automation_degree(c, d, n, degree_reading)
            inputs["svc_automation_degree"] = {
                "c": c,
                "d": d,
                "n": n,
                "k": ed.SVC_AUTOMATION_DEGREE_K,
                "partial_weight": ed.SVC_AUTOMATION_PARTIAL_WEIGHT[degree_reading],
                "register_undated": undated_register,
            }
            values["svc_mobile"] = mobile_availability(w, c + d)
            inputs["svc_mobile"] = {"w": w, "a": c + d, "k": ed.SVC_MOBILE_K, "register_undated": undated_register}
            aut = automation.get(body, {})
            e, z = float(aut.get("volume_electronic") or 0), float(aut.get("volume_total") or 0)
            pb, pc = float(aut.get("volume_paper_automated") or 0), float(aut.get("volume_total_automated") or 0)
            values["svc_automation_effectiveness"] = automation_effectiveness(
                e, z, pb, pc, readings.value("svc.automation_effectiveness")
            )
            inputs["svc_automation_effectiveness"] = {
                "e": e,
                "z": z,
                "b": pb,
                "c": pc,
                "k": ed.SVC_AUTOMATION_EFFECTIVENESS_K,
            }
            if aut.get("volume_total_mio") is not None or aut.get("volume_electronic_mio") is not None:
                # para. 50: the part of e and z the MIOs rendered (shown by explain; already inside e and z)
                inputs["svc_automation_effectiveness"]["e_mio"] = float(aut.get("volume_electronic_mio") or 0)
                inputs["svc_automation_effectiveness"]["z_mio"] = float(aut.get("volume_total_mio") or 0)
            hours = float(aut.get("unavailability_hours") or 0)
            values["svc_downtime_penalty"] = -downtime_penalty(hours)
            inputs["svc_downtime_penalty"] = {
                "t": hours,
                "w": ed.SVC_DOWNTIME_POINTS_PER_HOUR,
                "max": ed.SVC_DOWNTIME_MAX,
            }
            q = float(aut.get("proactive_converted") or 0)
            values["svc_proactive"] = proactive_stimulus(q)
            inputs["svc_proactive"] = {"q": q, "k": ed.SVC_PROACTIVE_POINTS_PER_SERVICE, "max": ed.SVC_PROACTIVE_MAX}
            docs = float(aut.get("digital_documents") or 0)
            values["svc_digital_documents"] = digital_documents_stimulus(docs)
            inputs["svc_digital_documents"] = {
                "l": docs,
                "k": ed.SVC_DIGITAL_DOCUMENTS_POINTS_PER_DOCUMENT,
                "max": ed.SVC_DIGITAL_DOCUMENTS_MAX,
            }

        computed = [code for code in codes_for(btype) if all(t in available for t in INDICATOR_TABLES[code])]
        for code in computed:
            indicators.append(_indicator(body, btype, code, values[code], inputs[code], readings, code in provisional))

        criteria: dict[str, float] = {}
        if all(c in computed for c in K1_CODES):
            criteria["svc_k1"] = values["svc_satisfaction"] + values["svc_complaints"]
            indicators.append(
                _indicator(
                    body,
                    btype,
                    "svc_k1",
                    criteria["svc_k1"],
                    {"P1": values["svc_satisfaction"], "P2": values["svc_complaints"]},
                    readings,
                )
            )
        if all(c in computed for c in K2_CODES):
            criteria["svc_k2"] = sum(values[c] for c in K2_CODES)
            indicators.append(
                _indicator(
                    body,
                    btype,
                    "svc_k2",
                    criteria["svc_k2"],
                    dict(zip(("T1", "T2", "T3", "T4"), (values[c] for c in K2_CODES), strict=True)),
                    readings,
                )
            )
        if btype == ed.CGO and all(c in computed for c in K3_CODES):
            parts = {
                "T": values["svc_automation_degree"],
                "V": values["svc_automation_effectiveness"],
                "C": values["svc_mobile"],
                "P": -values["svc_downtime_penalty"],
                "D": values["svc_proactive"],
                "S": values["svc_digital_documents"],
            }
            cap_reading = readings.value("svc.k3_cap")
            criteria["svc_k3"] = automation_criterion(
                parts["T"],
                parts["V"],
                parts["C"],
                parts["P"],
                parts["D"],
                parts["S"],
                cap_reading,
                readings.value("svc.k3_test_base"),
            )
            indicators.append(
                _indicator(body, btype, "svc_k3", criteria["svc_k3"], parts, readings, "svc_k3" in provisional)
            )

        needed = ("svc_k1", "svc_k2", "svc_k3") if btype == ed.CGO else ("svc_k1", "svc_k2")
        if all(c in criteria for c in needed):
            keys = _direction_reading_keys(btype)
            directions.append(
                DirectionResult(
                    agency_id=body,
                    block=ed.BLOCK,
                    direction=DIRECTION,
                    raw_score=sum(criteria[c] for c in needed),
                    reading=readings.label(keys),
                    is_provisional=readings.is_provisional(keys) or bool(provisional),
                )
            )
    return indicators, directions


def _direction_reading_keys(body_type: str) -> tuple[str, ...]:
    criteria = ("svc_k1", "svc_k2", "svc_k3") if body_type == ed.CGO else ("svc_k1", "svc_k2")
    return tuple(sorted({k for c in criteria for k in INDICATOR_READINGS[c]}))


def _indicator(
    body: str,
    body_type: str,
    code: str,
    value: float,
    inputs: Mapping[str, Any],
    readings: ActiveReadings,
    provisional: bool = False,
) -> IndicatorResult:
    return result_from_definition(
        _DEFS[code], body, body_type, value, inputs, readings, INDICATOR_READINGS.get(code, ()), provisional
    )
