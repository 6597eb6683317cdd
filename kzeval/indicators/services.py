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

The per-body aggregation of the landing tables is in :mod:`kzeval.indicators.services_inputs`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl

from kzeval.indicators.common import DirectionResult, IndicatorResult, clamp, result_from_definition, safe_ratio
from kzeval.indicators.scoring import rate_indicator, round_half_up
from kzeval.indicators.services_inputs import (
    aggregate_automation,
    aggregate_register,
    aggregate_satisfaction,
    bodies_with_rows,
    by_body,
    resolve_service_violations,
    rows_by_body,
)
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
# Direction assembly: one step per indicator group
# ---------------------------------------------------------------------------------------

# Per indicator: its value and the inputs stored with it (``core.indicator_scores.inputs``).
Scored = dict[str, tuple[float, dict[str, Any]]]
_LATE_SOURCES = ("inspection", "monitoring", "self_report")


@dataclass(frozen=True)
class _YearInputs:
    """The year's services tables aggregated per assessed body (``_body``)."""

    satisfaction: dict[str, list[tuple[str, float]]]  # body → (service, mean level)
    totals: dict[str, dict[str, Any]]  # body → volumes and violations, summed over services
    complaints: dict[str, float]  # body → justified complaints
    register: dict[str, dict[str, Any]]  # body → the register of the year
    automation: dict[str, dict[str, Any]]  # body → automation volumes


@dataclass(frozen=True)
class _Volumes:
    """A body's service volumes: ``b`` (T1, para. 41) and ``b1`` (P2, T2–T4) under the year's readings."""

    total: Mapping[str, Any]
    rendered: float
    outage_excused: int
    b: float
    b1: float


def _year_inputs(frames: Mapping[str, pl.DataFrame | None], year: int, readings: ActiveReadings) -> _YearInputs:
    satisfaction: dict[str, list[tuple[str, float]]] = {}
    satisfaction_frame = frames.get("service_satisfaction")
    if satisfaction_frame is not None:
        for row in aggregate_satisfaction(satisfaction_frame, year).iter_rows(named=True):
            satisfaction.setdefault(row["_body"], []).append((row["service_code"], float(row["level"])))
    inspection_scope = readings.value("svc.inspection_scope")
    violations = resolve_service_violations(
        frames.get("services_rendered"), frames.get("service_violations"), year, inspection_scope
    )
    totals = rows_by_body(
        violations.group_by("_body").agg(
            pl.col("rendered").sum(),
            pl.col("rendered_electronic").sum(),
            pl.col("late").sum(),
            pl.col("overdue_excluded_outage").sum(),
            pl.col("unjustified_refusals").sum(),
            pl.col("incomplete_package").sum(),
            pl.col("extra_documents").sum(),
            *[(pl.col("late_source") == s).sum().alias(f"late_source_{s}") for s in _LATE_SOURCES],
            (pl.col("violations_source") == "inspection").sum().alias("services_inspected"),
        )
    )
    complaints: dict[str, float] = {}
    complaints_frame = frames.get("service_complaints")
    if complaints_frame is not None:
        frame = by_body(complaints_frame).filter(pl.col("year") == year)
        for body, count in frame.group_by("_body").agg(pl.col("justified_complaints").fill_null(0).sum()).iter_rows():
            complaints[body] = float(count)
    register_frame, automation_frame = frames.get("service_register"), frames.get("service_automation")
    register = rows_by_body(aggregate_register(register_frame, year)) if register_frame is not None else {}
    automation = rows_by_body(aggregate_automation(automation_frame, year)) if automation_frame is not None else {}
    return _YearInputs(satisfaction, totals, complaints, register, automation)


def _volumes(total: Mapping[str, Any], readings: ActiveReadings) -> _Volumes:
    b1_scope = readings.value("svc.b1_scope")
    outage_reading = readings.value("svc.outage_excluded")
    rendered = float(total.get("rendered") or 0)
    rendered_electronic = float(total.get("rendered_electronic") or 0)
    outage_excused = int(total.get("overdue_excluded_outage") or 0)
    # b (T1): every channel, less the outage-excused late services (para. 40) under a_and_b
    b = rendered - outage_excused if outage_reading == "a_and_b" else rendered
    # b1 (P2, T2–T4): every channel by default, other than electronic under non_electronic
    b1 = rendered - rendered_electronic if b1_scope == "non_electronic" else rendered
    return _Volumes(total, rendered, outage_excused, b, b1)


def _check_volume_readings(readings: ActiveReadings) -> None:
    b1_scope = readings.value("svc.b1_scope")
    outage_reading = readings.value("svc.outage_excluded")
    if b1_scope not in ("all", "non_electronic"):
        raise ValueError(f"svc.b1_scope: unknown reading {b1_scope!r}")
    if outage_reading not in ("a_and_b", "a_only"):
        raise ValueError(f"svc.outage_excluded: unknown reading {outage_reading!r}")


def _satisfaction_p1(levels: Sequence[tuple[str, float]], btype: str, readings: ActiveReadings) -> Scored:
    """P1: the mean satisfaction level per service, banded (seed 004, Appendix 2)."""
    band_reading = readings.value("svc.satisfaction_band")
    no_services_reading = readings.value("svc.p1_no_services")
    services_points = [(code, satisfaction_band_points(level, btype, band_reading), level) for code, level in levels]
    value = satisfaction_level([p for _, p, _ in services_points], btype, no_services_reading)
    inputs = {
        "n": len(services_points),
        "points_by_service": {code: p for code, p, _ in services_points},
        "level_by_service": {
            code: round_half_up(level, ed.SVC_SATISFACTION_DECIMALS) if band_reading == "round2" else level
            for code, _, level in services_points
        },
        "no_assessed_services": not services_points,
    }
    return {"svc_satisfaction": (value, inputs)}


def _complaints_p2(justified: float, volumes: _Volumes, btype: str) -> Scored:
    """P2: justified complaints per ``b1`` services (para. 33)."""
    value = complaints_indicator(justified, volumes.b1, btype)
    return {"svc_complaints": (value, {"k": ed.SVC_COMPLAINTS_K[btype], "i": justified, "b1": volumes.b1})}


def _timeliness_t1(volumes: _Volumes, btype: str) -> Scored:
    """T1: late services per ``b`` services (paras. 40–41), with where the late counts came from."""
    total = volumes.total
    late = float(total.get("late") or 0)
    inputs = {
        "k": ed.SVC_TIMELINESS_K[btype],
        "a": late,
        "b": volumes.b,
        "rendered_all_channels": volumes.rendered,
        "overdue_excluded_outage": volumes.outage_excused,
        "services_by_late_source": {s: int(total.get(f"late_source_{s}") or 0) for s in _LATE_SOURCES},
    }
    return {"svc_timeliness": (timeliness_indicator(late, volumes.b, btype), inputs)}


def _violations_t2_t4(volumes: _Volumes, btype: str) -> Scored:
    """T2–T4: unjustified refusals, incomplete packages, extra documents per ``b1`` services (paras. 42–44)."""
    inspected = int(volumes.total.get("services_inspected") or 0)
    scored: Scored = {}
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
        count = float(volumes.total.get(column) or 0)
        inputs = {"k": k_by_type[btype], symbol: count, "b1": volumes.b1, "services_inspected": inspected}
        scored[code] = (formula(count, volumes.b1, btype), inputs)
    return scored


def _register_t_c(reg: Mapping[str, Any], readings: ActiveReadings) -> tuple[Scored, set[str]]:
    """K3's T (automation degree) and C (mobile availability) from the register; provisional codes."""
    c = int(reg.get("partially_automated") or 0)
    d = int(reg.get("fully_automated") or 0)
    n = int(reg.get("service_types") or 0)
    w = int(reg.get("in_mobile_app") or 0)
    undated_register = bool(reg.get("undated"))
    provisional = {"svc_automation_degree", "svc_mobile", "svc_k3"} if undated_register else set()
    degree_reading = readings.value("svc.automation_degree")
    degree_inputs = {
        "c": c,
        "d": d,
        "n": n,
        "k": ed.SVC_AUTOMATION_DEGREE_K,
        "partial_weight": ed.SVC_AUTOMATION_PARTIAL_WEIGHT[degree_reading],
        "register_undated": undated_register,
    }
    mobile_inputs = {"w": w, "a": c + d, "k": ed.SVC_MOBILE_K, "register_undated": undated_register}
    scored: Scored = {
        "svc_automation_degree": (automation_degree(c, d, n, degree_reading), degree_inputs),
        "svc_mobile": (mobile_availability(w, c + d), mobile_inputs),
    }
    return scored, provisional


def _automation_v_p_d_s(aut: Mapping[str, Any], readings: ActiveReadings) -> Scored:
    """K3's V (effectiveness, para. 50), −P (downtime), +D (proactive), +S (digital documents)."""
    e, z = float(aut.get("volume_electronic") or 0), float(aut.get("volume_total") or 0)
    pb, pc = float(aut.get("volume_paper_automated") or 0), float(aut.get("volume_total_automated") or 0)
    effectiveness = automation_effectiveness(e, z, pb, pc, readings.value("svc.automation_effectiveness"))
    effectiveness_inputs: dict[str, Any] = {"e": e, "z": z, "b": pb, "c": pc, "k": ed.SVC_AUTOMATION_EFFECTIVENESS_K}
    if aut.get("volume_total_mio") is not None or aut.get("volume_electronic_mio") is not None:
        # para. 50: the part of e and z the MIOs rendered (shown by explain; already inside e and z)
        effectiveness_inputs["e_mio"] = float(aut.get("volume_electronic_mio") or 0)
        effectiveness_inputs["z_mio"] = float(aut.get("volume_total_mio") or 0)
    hours = float(aut.get("unavailability_hours") or 0)
    q = float(aut.get("proactive_converted") or 0)
    docs = float(aut.get("digital_documents") or 0)
    return {
        "svc_automation_effectiveness": (effectiveness, effectiveness_inputs),
        "svc_downtime_penalty": (
            -downtime_penalty(hours),
            {"t": hours, "w": ed.SVC_DOWNTIME_POINTS_PER_HOUR, "max": ed.SVC_DOWNTIME_MAX},
        ),
        "svc_proactive": (
            proactive_stimulus(q),
            {"q": q, "k": ed.SVC_PROACTIVE_POINTS_PER_SERVICE, "max": ed.SVC_PROACTIVE_MAX},
        ),
        "svc_digital_documents": (
            digital_documents_stimulus(docs),
            {"l": docs, "k": ed.SVC_DIGITAL_DOCUMENTS_POINTS_PER_DOCUMENT, "max": ed.SVC_DIGITAL_DOCUMENTS_MAX},
        ),
    }


def _criteria(
    body: str,
    btype: str,
    values: Mapping[str, float],
    computed: Sequence[str],
    readings: ActiveReadings,
    provisional: set[str],
) -> tuple[dict[str, float], list[IndicatorResult]]:
    """K1, K2 and (CGO) K3 of a body, each when all its indicators are computed."""
    criteria: dict[str, float] = {}
    results: list[IndicatorResult] = []
    if all(c in computed for c in K1_CODES):
        criteria["svc_k1"] = values["svc_satisfaction"] + values["svc_complaints"]
        parts = {"P1": values["svc_satisfaction"], "P2": values["svc_complaints"]}
        results.append(_indicator(body, btype, "svc_k1", criteria["svc_k1"], parts, readings))
    if all(c in computed for c in K2_CODES):
        criteria["svc_k2"] = sum(values[c] for c in K2_CODES)
        parts = dict(zip(("T1", "T2", "T3", "T4"), (values[c] for c in K2_CODES), strict=True))
        results.append(_indicator(body, btype, "svc_k2", criteria["svc_k2"], parts, readings))
    if btype == ed.CGO and all(c in computed for c in K3_CODES):
        parts = {
            "T": values["svc_automation_degree"],
            "V": values["svc_automation_effectiveness"],
            "C": values["svc_mobile"],
            "P": -values["svc_downtime_penalty"],
            "D": values["svc_proactive"],
            "S": values["svc_digital_documents"],
        }
        criteria["svc_k3"] = automation_criterion(
            parts["T"],
            parts["V"],
            parts["C"],
            parts["P"],
            parts["D"],
            parts["S"],
            readings.value("svc.k3_cap"),
            readings.value("svc.k3_test_base"),
        )
        results.append(_indicator(body, btype, "svc_k3", criteria["svc_k3"], parts, readings, "svc_k3" in provisional))
    return criteria, results


def _direction(
    body: str, btype: str, criteria: Mapping[str, float], readings: ActiveReadings, provisional: set[str]
) -> DirectionResult | None:
    """The direction total (para. 56): CGO U = K1 + K2 + K3, MIO T = M1 + M2; None unless all are computed."""
    needed = ("svc_k1", "svc_k2", "svc_k3") if btype == ed.CGO else ("svc_k1", "svc_k2")
    if not all(c in criteria for c in needed):
        return None
    keys = _direction_reading_keys(btype)
    return DirectionResult(
        agency_id=body,
        block=ed.BLOCK,
        direction=DIRECTION,
        raw_score=sum(criteria[c] for c in needed),
        reading=readings.label(keys),
        is_provisional=readings.is_provisional(keys) or bool(provisional),
    )


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
    scored = sorted(b for b in bodies_with_rows(frames, year) if b in body_types)
    year_inputs = _year_inputs(frames, year, readings)
    _check_volume_readings(readings)

    indicators: list[IndicatorResult] = []
    directions: list[DirectionResult] = []
    for body in scored:
        btype = body_types[body]
        volumes = _volumes(year_inputs.totals.get(body, {}), readings)
        results: Scored = {
            **_satisfaction_p1(year_inputs.satisfaction.get(body, []), btype, readings),
            **_complaints_p2(year_inputs.complaints.get(body, 0.0), volumes, btype),
            **_timeliness_t1(volumes, btype),
            **_violations_t2_t4(volumes, btype),
        }
        provisional: set[str] = set()
        if btype == ed.CGO:
            register_scored, provisional = _register_t_c(year_inputs.register.get(body, {}), readings)
            results.update(register_scored)
            results.update(_automation_v_p_d_s(year_inputs.automation.get(body, {}), readings))
        values = {code: value for code, (value, _) in results.items()}

        computed = [code for code in codes_for(btype) if all(t in available for t in INDICATOR_TABLES[code])]
        for code in computed:
            value, inputs = results[code]
            indicators.append(_indicator(body, btype, code, value, inputs, readings, code in provisional))
        criteria, criterion_results = _criteria(body, btype, values, computed, readings, provisional)
        indicators.extend(criterion_results)
        direction = _direction(body, btype, criteria, readings, provisional)
        if direction is not None:
            directions.append(direction)
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
