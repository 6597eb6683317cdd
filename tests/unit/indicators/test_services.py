"""Direction «Качество оказания государственных услуг» (seed 004 chapter 3): hand-computed checks."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import polars as pl
import pytest

from kzeval.indicators import services as svc
from kzeval.indicators.common import indicator_frame
from kzeval.methodology import active_readings

YEAR = 2024
D = dt.date

# ---------------------------------------------------------------------------------------
# Frame builders: landing tables as the pipeline hands them over (assessed_agency_id, body_type)
# ---------------------------------------------------------------------------------------

UNITS = {"U1": "B", "U2": "B", "B": "B"}


def _attach(rows: list[dict[str, Any]], schema: dict[str, Any], body_type: str) -> pl.DataFrame:
    frame = pl.DataFrame(rows, schema=schema)
    return frame.with_columns(
        pl.col("agency_id").replace_strict(UNITS, return_dtype=pl.Utf8).alias("assessed_agency_id"),
        pl.lit(body_type).alias("body_type"),
    )


def rendered_frame(rows: list[tuple[str, str, dt.date, str, int, int, int]], body_type: str) -> pl.DataFrame:
    schema = {
        "agency_id": pl.Utf8,
        "service_code": pl.Utf8,
        "month": pl.Date,
        "channel": pl.Utf8,
        "rendered": pl.Int64,
        "overdue": pl.Int64,
        "overdue_excluded_outage": pl.Int64,
    }
    return _attach([dict(zip(schema, r, strict=True)) for r in rows], schema, body_type)


def violations_frame(rows: list[tuple[str, str, int, str, int, int, int, int]], body_type: str) -> pl.DataFrame:
    schema = {
        "agency_id": pl.Utf8,
        "service_code": pl.Utf8,
        "year": pl.Int64,
        "source": pl.Utf8,
        "overdue": pl.Int64,
        "unjustified_refusals": pl.Int64,
        "incomplete_package": pl.Int64,
        "extra_documents": pl.Int64,
    }
    return _attach([dict(zip(schema, r, strict=True)) for r in rows], schema, body_type)


def satisfaction_frame(rows: list[tuple[str, str, int, float, int]], body_type: str) -> pl.DataFrame:
    schema = {
        "agency_id": pl.Utf8,
        "service_code": pl.Utf8,
        "year": pl.Int64,
        "satisfaction_score": pl.Float64,
        "respondents": pl.Int64,
    }
    return _attach([dict(zip(schema, r, strict=True)) for r in rows], schema, body_type)


def complaints_frame(rows: list[tuple[str, int, int]], body_type: str) -> pl.DataFrame:
    schema = {"agency_id": pl.Utf8, "year": pl.Int64, "justified_complaints": pl.Int64}
    return _attach([dict(zip(schema, r, strict=True)) for r in rows], schema, body_type)


def register_frame(rows: list[tuple[str, str, str, bool, dt.date | None]], body_type: str) -> pl.DataFrame:
    schema = {
        "service_code": pl.Utf8,
        "agency_id": pl.Utf8,
        "automation": pl.Utf8,
        "in_mobile_app": pl.Boolean,
        "excluded_by_commission_on": pl.Date,
        "proactive_since": pl.Date,
    }
    return _attach([dict(zip(schema, (*r, None), strict=True)) for r in rows], schema, body_type)


def automation_frame(rows: list[tuple[str, int, int, int, int, int, float, int, int]], body_type: str) -> pl.DataFrame:
    schema = {
        "agency_id": pl.Utf8,
        "year": pl.Int64,
        "volume_electronic": pl.Int64,
        "volume_total": pl.Int64,
        "volume_paper_automated": pl.Int64,
        "volume_total_automated": pl.Int64,
        "unavailability_hours": pl.Float64,
        "proactive_converted": pl.Int64,
        "digital_documents": pl.Int64,
    }
    return _attach([dict(zip(schema, r, strict=True)) for r in rows], schema, body_type)


def bodies(body_type: str) -> pl.DataFrame:
    return pl.DataFrame({"agency_id": ["B"], "body_type": [body_type], "name_ru": ["Орган"], "region_code": [None]})


# ---------------------------------------------------------------------------------------
# P1 — Appendix 6 bands
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("level", "cgo", "mio"),
    [
        (5.0, 15.0, 20.0),
        (4.80, 15.0, 20.0),  # «от 4,8 балла включительно»
        (4.795, 12.0, 16.0),  # in the gap 4.79 < x < 4.8: the lower band
        (4.79, 12.0, 16.0),
        (4.60, 12.0, 16.0),
        (4.599, 9.0, 12.0),  # below 4.6, in the gap above 4.59: the lower band
        (4.40, 9.0, 12.0),
        (4.39, 6.0, 8.0),
        (4.20, 6.0, 8.0),
        (4.195, 3.0, 4.0),  # gap 4.19 < x < 4.2 → the 4.00–4.19 band
        (4.19, 3.0, 4.0),
        (4.0, 3.0, 4.0),  # «от 4 баллов включительно»
        (3.995, 0.0, 0.0),  # «ниже 4 баллов», however close
        (1.0, 0.0, 0.0),
    ],
)
def test_satisfaction_band_points_literal(level: float, cgo: float, mio: float) -> None:
    assert svc.satisfaction_band_points(level, "CGO") == cgo
    assert svc.satisfaction_band_points(level, "MIO") == mio
    assert svc.satisfaction_band_points(level, "CGO", "literal") == cgo


@pytest.mark.parametrize(
    ("level", "cgo", "mio"),
    [
        (4.795, 15.0, 20.0),  # → 4.80 after rounding half up
        (4.794, 12.0, 16.0),  # → 4.79
        (4.599, 12.0, 16.0),  # → 4.60
        (4.5949, 9.0, 12.0),  # → 4.59
        (4.195, 6.0, 8.0),  # → 4.20
        (3.995, 3.0, 4.0),  # → 4.00
        (3.994, 0.0, 0.0),  # → 3.99 «ниже 4 баллов»
    ],
)
def test_satisfaction_band_points_rounded_reading(level: float, cgo: float, mio: float) -> None:
    assert svc.satisfaction_band_points(level, "CGO", "round2") == cgo
    assert svc.satisfaction_band_points(level, "MIO", "round2") == mio


def test_satisfaction_level_mean_and_no_services() -> None:
    # (15 + 12 + 9) / 3 = 12
    assert svc.satisfaction_level([15.0, 12.0, 9.0], "CGO") == pytest.approx(12.0)
    # (20 + 0) / 2 = 10
    assert svc.satisfaction_level([20.0, 0.0], "MIO") == pytest.approx(10.0)
    # n = 0 → the maximum (15 CGO, 20 MIO) by default; 0 under svc.p1_no_services=zero
    assert svc.satisfaction_level([], "CGO") == 15.0
    assert svc.satisfaction_level([], "MIO") == 20.0
    assert svc.satisfaction_level([], "MIO", "zero") == 0.0
    assert svc.satisfaction_level([20.0, 0.0], "MIO", "zero") == pytest.approx(10.0)  # only n = 0 is affected
    with pytest.raises(ValueError, match=r"svc\.p1_no_services"):
        svc.satisfaction_level([], "CGO", "whatever")


# ---------------------------------------------------------------------------------------
# P2, T1–T4 — k − rate per 10 000
# ---------------------------------------------------------------------------------------


def test_complaints_indicator() -> None:
    # spec worked check: CGO 1 000 000 services, 50 complaints → 10 − 0.5 = 9.5
    assert svc.complaints_indicator(50, 1_000_000, "CGO") == pytest.approx(9.5)
    # MIO k = 20: 20 − 0.5 = 19.5
    assert svc.complaints_indicator(50, 1_000_000, "MIO") == pytest.approx(19.5)
    # 50 / 10 000 · 10 000 = 50 → 20 − 50 < 0 → 0
    assert svc.complaints_indicator(50, 10_000, "MIO") == 0.0
    # no services rendered and no complaints → k
    assert svc.complaints_indicator(0, 0, "CGO") == 10.0


def test_timeliness_indicator() -> None:
    # spec worked check: MIO with 0.2 % late: 20 / 10 000 · 10 000 = 20 → 14 − 20 → 0
    assert svc.timeliness_indicator(20, 10_000, "MIO") == 0.0
    # CGO 5 late in 100 000: 0.5 per 10 000 → 12 − 0.5 = 11.5
    assert svc.timeliness_indicator(5, 100_000, "CGO") == pytest.approx(11.5)
    # MIO same: 14 − 0.5 = 13.5
    assert svc.timeliness_indicator(5, 100_000, "MIO") == pytest.approx(13.5)
    assert svc.timeliness_indicator(0, 0, "MIO") == 14.0
    assert svc.timeliness_indicator(1, 0, "MIO") == 0.0


def test_refusals_incomplete_extra_documents() -> None:
    # T2: 3 / 200 000 · 10 000 = 0.15 → CGO 14 − 0.15 = 13.85, MIO 18 − 0.15 = 17.85
    assert svc.unjustified_refusals_indicator(3, 200_000, "CGO") == pytest.approx(13.85)
    assert svc.unjustified_refusals_indicator(3, 200_000, "MIO") == pytest.approx(17.85)
    # T3: 10 / 1 000 000 · 10 000 = 0.1 → 11.9 / 13.9
    assert svc.incomplete_package_indicator(10, 1_000_000, "CGO") == pytest.approx(11.9)
    assert svc.incomplete_package_indicator(10, 1_000_000, "MIO") == pytest.approx(13.9)
    # T4: none → k; 2 with no volume → 0; 100 / 50 000 · 10 000 = 20 → 12 − 20 → 0
    assert svc.extra_documents_indicator(0, 1_000, "CGO") == 12.0
    assert svc.extra_documents_indicator(0, 1_000, "MIO") == 14.0
    assert svc.extra_documents_indicator(2, 0, "CGO") == 0.0
    assert svc.extra_documents_indicator(100, 50_000, "CGO") == 0.0


# ---------------------------------------------------------------------------------------
# K3 — T, V, C, P, D, S and the 25-point rule
# ---------------------------------------------------------------------------------------


def test_automation_degree_readings() -> None:
    # c = 4 partial, d = 6 full, n = 20: full → (4 + 6) / 20 · 10 = 5; half → (2 + 6) / 20 · 10 = 4
    assert svc.automation_degree(4, 6, 20, "full") == pytest.approx(5.0)
    assert svc.automation_degree(4, 6, 20, "half") == pytest.approx(4.0)
    assert svc.automation_degree(0, 0, 0, "full") == 0.0  # n = 0
    assert svc.automation_degree(0, 20, 20, "half") == pytest.approx(10.0)


def test_automation_effectiveness_readings() -> None:
    # e/z = 90/100 = 0.9, b/c = 10/50 = 0.2
    # average: 10 · (0.9 + 0.8) / 2 = 8.5; product: 10 · 0.9 · 0.8 = 7.2; difference: 10 · (0.9 − 0.2) = 7.0
    assert svc.automation_effectiveness(90, 100, 10, 50, "average") == pytest.approx(8.5)
    assert svc.automation_effectiveness(90, 100, 10, 50, "product") == pytest.approx(7.2)
    assert svc.automation_effectiveness(90, 100, 10, 50, "difference") == pytest.approx(7.0)
    # difference below zero: 0.1 − 0.8 → 0
    assert svc.automation_effectiveness(10, 100, 40, 50, "difference") == 0.0
    # no volume → 0; no automated e/paper volume → paper share 0: 10 · (0.5 + 1) / 2 = 7.5
    assert svc.automation_effectiveness(0, 0, 0, 0, "average") == 0.0
    assert svc.automation_effectiveness(50, 100, 0, 0, "average") == pytest.approx(7.5)
    # all electronic, no paper: every reading gives the maximum 10
    for reading in ("average", "product", "difference"):
        assert svc.automation_effectiveness(100, 100, 0, 40, reading) == pytest.approx(10.0)


def test_mobile_availability() -> None:
    # 3 of 4 automated services in the app: 3/4 · 5 = 3.75
    assert svc.mobile_availability(3, 4) == pytest.approx(3.75)
    assert svc.mobile_availability(0, 0) == 0.0
    assert svc.mobile_availability(5, 4) == 5.0  # capped at k


def test_downtime_proactive_digital_caps() -> None:
    # P = t · 0.2: 10 h → 2; 25 h → 5; 30 h → 6 → capped at 5
    assert svc.downtime_penalty(10) == pytest.approx(2.0)
    assert svc.downtime_penalty(25) == pytest.approx(5.0)
    assert svc.downtime_penalty(30) == 5.0
    # D = q · 1 ≤ 3; S = l · 1 ≤ 2
    assert svc.proactive_stimulus(2) == 2.0
    assert svc.proactive_stimulus(5) == 3.0
    assert svc.digital_documents_stimulus(1) == 1.0
    assert svc.digital_documents_stimulus(3) == 2.0


def test_automation_criterion_25_point_rule() -> None:
    # base T + V + C − P = 10 + 10 + 5 − 0 = 25 → 25, stimuli not applied
    assert svc.automation_criterion(10, 10, 5, 0, 3, 2, "min25") == 25.0
    assert svc.automation_criterion(10, 10, 5, 0, 3, 2, "literal") == 25.0
    # base 8 + 7 + 4 − 1 = 18; + D 3 + S 2 = 23 (below 25 either way)
    assert svc.automation_criterion(8, 7, 4, 1, 3, 2, "min25") == pytest.approx(23.0)
    assert svc.automation_criterion(8, 7, 4, 1, 3, 2, "literal") == pytest.approx(23.0)
    # base 10 + 8.5 + 5 − 0.6 = 22.9; + 1 + 2 = 25.9 → min25: 25; literal: 25.9
    assert svc.automation_criterion(10, 8.5, 5, 0.6, 1, 2, "min25") == 25.0
    assert svc.automation_criterion(10, 8.5, 5, 0.6, 1, 2, "literal") == pytest.approx(25.9)
    # base 0 + 1 + 0 − 5 = −4; + 1 = −3 → floored at 0
    assert svc.automation_criterion(0, 1, 0, 5, 1, 0, "min25") == 0.0


# ---------------------------------------------------------------------------------------
# Aggregation: source precedence, outage exclusion, commission exclusions
# ---------------------------------------------------------------------------------------


def _violation_inputs(body_type: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    rendered = rendered_frame(
        [
            # s1: IS «Мониторинг» 30 + 10 late, 5 during a confirmed outage — but inspected (50 wins)
            ("U1", "s1", D(2024, 1, 1), "electronic", 10_000, 30, 5),
            ("U1", "s1", D(2024, 2, 1), "paper", 5_000, 10, 0),
            # s2: 8 late, all 8 during an outage → 0; the self-report (99) does not override monitoring
            ("U2", "s2", D(2024, 3, 1), "state_corp", 950_000, 8, 8),
            # s4: a December 2023 month is out of the year
            ("U1", "s4", D(2023, 12, 1), "electronic", 1_000, 4, 0),
            ("U1", "s4", D(2024, 12, 1), "electronic", 5_000, 1, 0),
            # s5: 30 late, 5 excused by an outage → 25
            ("U2", "s5", D(2024, 6, 1), "paper", 30_000, 30, 5),
        ],
        body_type,
    )
    violations = violations_frame(
        [
            ("U1", "s1", YEAR, "inspection", 50, 1, 0, 2),
            ("U1", "s1", YEAR, "self_report", 12, 9, 9, 9),  # overridden by the inspection
            ("U2", "s2", YEAR, "self_report", 99, 3, 1, 0),
            ("U2", "s3", YEAR, "self_report", 7, 2, 0, 1),  # s3 is not in IS «Мониторинг»
            ("U2", "s3", YEAR - 1, "inspection", 500, 500, 500, 500),  # another year
        ],
        body_type,
    )
    return rendered, violations


def test_resolve_service_violations_precedence_and_outage() -> None:
    rendered, violations = _violation_inputs("CGO")
    resolved = {
        r["service_code"]: r for r in svc.resolve_service_violations(rendered, violations, YEAR).iter_rows(named=True)
    }
    assert set(resolved) == {"s1", "s2", "s3", "s4", "s5"}
    assert (resolved["s1"]["late"], resolved["s1"]["late_source"]) == (50, "inspection")
    assert (resolved["s2"]["late"], resolved["s2"]["late_source"]) == (0, "monitoring")
    assert (resolved["s3"]["late"], resolved["s3"]["late_source"]) == (7, "self_report")
    assert (resolved["s4"]["late"], resolved["s4"]["rendered"]) == (1, 5_000)
    assert resolved["s5"]["late"] == 25
    assert resolved["s3"]["rendered"] == 0
    # T2–T4: inspection for s1 (1, 0, 2); self-report for s2 (3, 1, 0) and s3 (2, 0, 1)
    assert [resolved["s1"][c] for c in ("unjustified_refusals", "incomplete_package", "extra_documents")] == [1, 0, 2]
    assert [resolved["s2"][c] for c in ("unjustified_refusals", "incomplete_package", "extra_documents")] == [3, 1, 0]
    assert [resolved["s3"][c] for c in ("unjustified_refusals", "incomplete_package", "extra_documents")] == [2, 0, 1]
    assert resolved["s1"]["violations_source"] == "inspection"
    assert resolved["s2"]["violations_source"] == "self_report"


def _register(body_type: str) -> pl.DataFrame:
    return register_frame(
        [
            ("a", "U1", "full", True, None),
            ("b", "U1", "partial", True, None),
            ("c", "U1", "partial", False, None),
            ("c", "U2", "full", True, None),  # best level over units: full; in the app on one unit
            ("d", "U1", "none", False, None),
            ("e", "U1", "full", True, D(2023, 6, 1)),  # excluded by the Commission within two years
            ("f", "U2", "partial", False, D(2022, 12, 30)),  # decision older than two years: ignored
            ("g", "U2", "full", False, D(2025, 1, 15)),  # decision after the year: not yet in force
            ("h", "U2", "none", False, D(2022, 12, 31)),  # exactly two years before year end: excluded
            ("i", "U2", "none", True, None),  # in the app but not automated: not counted in w
        ],
        body_type,
    )


def test_aggregate_register_commission_window() -> None:
    row = svc.aggregate_register(_register("CGO"), YEAR).row(0, named=True)
    # n = a b c d f g i = 7; partial = b f = 2; full = a c g = 3; w = a b c = 3
    assert row["_body"] == "B"
    assert (row["service_types"], row["partially_automated"], row["fully_automated"], row["in_mobile_app"]) == (
        7,
        2,
        3,
        3,
    )


def _frames(body_type: str) -> dict[str, pl.DataFrame]:
    rendered, violations = _violation_inputs(body_type)
    return {
        "services_rendered": rendered,
        "service_violations": violations,
        "service_satisfaction": satisfaction_frame(
            [
                ("U1", "s1", YEAR, 4.9, 100),
                ("U2", "s1", YEAR, 4.6, 300),  # (490 + 1380) / 400 = 4.675 → 4.68
                ("U2", "s2", YEAR, 4.795, 0),  # no respondents recorded: plain mean 4.795 (gap below 4.8)
                ("U1", "s3", YEAR, 3.9, 50),  # below 4 → 0
                ("U1", "s4", YEAR - 1, 1.0, 50),  # another year
            ],
            body_type,
        ),
        "service_complaints": complaints_frame([("U1", YEAR, 30), ("U2", YEAR, 20), ("U1", YEAR - 1, 100)], body_type),
        "service_register": _register(body_type),
        "service_automation": automation_frame(
            [("U1", YEAR, 90, 100, 10, 50, 3.0, 1, 5), ("U1", YEAR - 1, 0, 100, 100, 100, 99.0, 0, 0)], body_type
        ),
    }


def _values(results: list[Any]) -> dict[str, float]:
    return {r.indicator: r.value for r in results}


def test_compute_services_cgo() -> None:
    indicators, directions = svc.compute_services(_frames("CGO"), bodies("CGO"), YEAR, active_readings())
    v = _values(indicators)
    # P1 (literal bands): s1 4.675 → 12, s2 4.795 (gap) → 12, s3 3.90 → 0 → (12 + 12 + 0) / 3 = 8
    assert v["svc_satisfaction"] == pytest.approx(8.0)
    # b1 = 15 000 + 950 000 + 5 000 + 30 000 = 1 000 000; i = 30 + 20 = 50 → P2 = 10 − 0.5 = 9.5
    assert v["svc_complaints"] == pytest.approx(9.5)
    assert v["svc_k1"] == pytest.approx(17.5)
    # a = 50 + 0 + 7 + 1 + 25 = 83; b = 1 000 000 − 18 outage-excused (5 + 8 + 5) = 999 982
    # → T1 = 12 − 83 / 999 982 · 10 000 = 12 − 0.830015 = 11.169985
    assert v["svc_timeliness"] == pytest.approx(12 - 83 / 999_982 * 10_000)
    # refusals 1 + 3 + 2 = 6 → 14 − 0.06; incomplete 0 + 1 + 0 = 1 → 12 − 0.01; extra 2 + 0 + 1 = 3 → 12 − 0.03
    assert v["svc_unjustified_refusals"] == pytest.approx(13.94)
    assert v["svc_incomplete_package"] == pytest.approx(11.99)
    assert v["svc_extra_documents"] == pytest.approx(11.97)
    t1 = 12 - 83 / 999_982 * 10_000
    assert v["svc_k2"] == pytest.approx(t1 + 13.94 + 11.99 + 11.97)  # 49.069985
    # K3: T = (2 + 3) / 7 · 10 = 50/7; C = 3 / 5 · 5 = 3; V = 8.5; P = 3 · 0.2 = 0.6; D = 1; S = min(2, 5) = 2
    assert v["svc_automation_degree"] == pytest.approx(50 / 7)
    assert v["svc_mobile"] == pytest.approx(3.0)
    assert v["svc_automation_effectiveness"] == pytest.approx(8.5)
    assert v["svc_downtime_penalty"] == pytest.approx(-0.6)
    assert v["svc_proactive"] == 1.0
    assert v["svc_digital_documents"] == 2.0
    # K3 = 50/7 + 8.5 + 3 − 0.6 + 1 + 2 = 21.042857…
    assert v["svc_k3"] == pytest.approx(50 / 7 + 8.5 + 3 - 0.6 + 1 + 2)
    assert len(directions) == 1
    # U = K1 + K2 + K3 = 17.5 + 49.069985 + 21.042857 = 87.612842…
    assert directions[0].raw_score == pytest.approx(17.5 + t1 + 37.9 + 50 / 7 + 13.9)
    assert directions[0].is_provisional  # V's default reading is LOW
    assert "svc.k3_cap=min25" in directions[0].reading

    by_code = {r.indicator: r for r in indicators}
    assert by_code["svc_k1"].role == "criterion"
    assert by_code["svc_satisfaction"].role == "indicator"
    assert by_code["svc_downtime_penalty"].max_points == -5.0
    assert by_code["svc_complaints"].max_points == 10.0
    assert by_code["svc_timeliness"].inputs["services_by_late_source"] == {
        "inspection": 1,
        "monitoring": 3,
        "self_report": 1,
    }
    assert by_code["svc_timeliness"].inputs["overdue_excluded_outage"] == 5 + 8 + 5
    assert by_code["svc_satisfaction"].inputs["points_by_service"] == {"s1": 12.0, "s2": 12.0, "s3": 0.0}
    assert by_code["svc_satisfaction"].inputs["level_by_service"]["s1"] == pytest.approx(4.675)  # not rounded
    assert by_code["svc_timeliness"].inputs["b"] == 999_982 and by_code["svc_timeliness"].reading == (
        "svc.inspection_scope=service;svc.outage_excluded=a_and_b"
    )
    assert not by_code["svc_complaints"].is_provisional
    assert by_code["svc_automation_effectiveness"].reading == "svc.automation_effectiveness=average"
    # inputs serialise to JSON for the warehouse
    frame = indicator_frame(indicators)
    assert json.loads(frame.filter(pl.col("indicator") == "svc_complaints")["inputs"].item()) == {
        "b1": 1_000_000.0,
        "i": 50.0,
        "k": 10.0,
    }


def test_compute_services_cgo_other_readings() -> None:
    readings = active_readings({"svc.automation_degree": "half", "svc.automation_effectiveness": "product"})
    indicators, directions = svc.compute_services(_frames("CGO"), bodies("CGO"), YEAR, readings)
    v = _values(indicators)
    # T = (0.5 · 2 + 3) / 7 · 10 = 40/7; V = 10 · 0.9 · 0.8 = 7.2
    assert v["svc_automation_degree"] == pytest.approx(40 / 7)
    assert v["svc_automation_effectiveness"] == pytest.approx(7.2)
    # K3 = 40/7 + 7.2 + 3 − 0.6 + 1 + 2
    assert v["svc_k3"] == pytest.approx(40 / 7 + 12.6)
    assert directions[0].is_provisional  # every option of a LOW reading is provisional
    assert "svc.automation_degree=half" in directions[0].reading


def test_compute_services_mio_has_no_k3() -> None:
    indicators, directions = svc.compute_services(_frames("MIO"), bodies("MIO"), YEAR, active_readings())
    v = _values(indicators)
    assert not any(code in v for code in svc.K3_CODES) and "svc_k3" not in v
    # P1 MIO: 4.675 → 16, 4.795 → 16, 3.90 → 0 → 32 / 3 = 10.666…
    assert v["svc_satisfaction"] == pytest.approx(32 / 3)
    assert v["svc_complaints"] == pytest.approx(19.5)  # 20 − 0.5
    # T1 14 − 83 / 999 982 · 10 000 = 13.169985; T2 18 − 0.06; T3 14 − 0.01; T4 14 − 0.03
    t1 = 14 - 83 / 999_982 * 10_000
    assert v["svc_timeliness"] == pytest.approx(t1)
    assert v["svc_k2"] == pytest.approx(t1 + 17.94 + 13.99 + 13.97)
    # T = M1 + M2 = (32/3 + 19.5) + (13.169985 + 45.9) = 30.166667 + 59.069985 = 89.236652
    assert directions[0].raw_score == pytest.approx(32 / 3 + 19.5 + t1 + 45.9)
    assert directions[0].reading == (
        "svc.b1_scope=all;svc.inspection_scope=service;svc.outage_excluded=a_and_b;"
        "svc.p1_no_services=max;svc.satisfaction_band=literal"
    )
    assert not directions[0].is_provisional
    assert {r.max_points for r in indicators if r.indicator == "svc_k1"} == {40.0}


def test_missing_table_leaves_dependent_figures_uncomputed() -> None:
    frames = _frames("CGO")
    del frames["service_automation"]
    indicators, directions = svc.compute_services(frames, bodies("CGO"), YEAR, active_readings())
    v = _values(indicators)
    assert "svc_automation_effectiveness" not in v and "svc_k3" not in v
    assert "svc_automation_degree" in v and "svc_k1" in v and "svc_k2" in v
    assert directions == []  # CGO total needs K3
    # an MIO needs neither register nor automation
    mio = _frames("MIO")
    del mio["service_automation"], mio["service_register"]
    _, mio_directions = svc.compute_services(mio, bodies("MIO"), YEAR, active_readings())
    assert mio_directions[0].raw_score == pytest.approx(32 / 3 + 19.5 + 14 - 83 / 999_982 * 10_000 + 45.9)


def test_no_satisfaction_rows_gives_maximum_and_body_without_rows_is_skipped() -> None:
    frames = _frames("MIO")
    frames["service_satisfaction"] = frames["service_satisfaction"].filter(pl.col("year") == 1990)
    indicators, _ = svc.compute_services(frames, bodies("MIO"), YEAR, active_readings())
    sat = next(r for r in indicators if r.indicator == "svc_satisfaction")
    assert sat.value == 20.0
    assert sat.inputs["n"] == 0 and sat.inputs["no_assessed_services"] is True
    # no row of the year in any services table → the body is not scored
    indicators, directions = svc.compute_services(_frames("MIO"), bodies("MIO"), 2030, active_readings())
    assert indicators == [] and directions == []


# ---------------------------------------------------------------------------------------
# Readings of 2026-12-04: b1, outage, inspection scope, K3 test base, P1 with n = 0
# ---------------------------------------------------------------------------------------


def test_b1_other_than_electronic_reading() -> None:
    readings = active_readings({"svc.b1_scope": "non_electronic"})
    indicators, _ = svc.compute_services(_frames("CGO"), bodies("CGO"), YEAR, readings)
    v = _values(indicators)
    by_code = {r.indicator: r for r in indicators}
    # electronic in 2024: s1 January 10 000 + s4 December 5 000 = 15 000 → b1 = 1 000 000 − 15 000 = 985 000
    assert by_code["svc_complaints"].inputs["b1"] == 985_000
    # P2 = 10 − 50 / 985 000 · 10 000 = 10 − 0.507614 = 9.492386
    assert v["svc_complaints"] == pytest.approx(10 - 50 / 985_000 * 10_000)
    # T2 = 14 − 6 / 985 000 · 10 000 = 13.939086; T1 keeps b (all channels less outages) = 999 982
    assert v["svc_unjustified_refusals"] == pytest.approx(14 - 6 / 985_000 * 10_000)
    assert by_code["svc_timeliness"].inputs["b"] == 999_982
    assert "svc.b1_scope=non_electronic" in by_code["svc_extra_documents"].reading


def test_outage_excused_services_stay_in_b_under_a_only() -> None:
    readings = active_readings({"svc.outage_excluded": "a_only"})
    indicators, _ = svc.compute_services(_frames("MIO"), bodies("MIO"), YEAR, readings)
    v = _values(indicators)
    # b = 1 000 000 (the 18 outage-excused late services stay in): T1 = 14 − 83 / 1 000 000 · 10 000 = 13.17
    assert v["svc_timeliness"] == pytest.approx(13.17)


def test_inspection_precedence_per_body() -> None:
    rendered, violations = _violation_inputs("MIO")
    # a second body B2, never inspected: its monitoring count stands under either reading
    other = pl.DataFrame(
        {
            "agency_id": ["B2"],
            "service_code": ["s9"],
            "month": [D(2024, 5, 1)],
            "channel": ["paper"],
            "rendered": [1_000],
            "overdue": [4],
            "overdue_excluded_outage": [0],
            "assessed_agency_id": ["B2"],
            "body_type": ["MIO"],
        }
    )
    rendered = pl.concat([rendered, other], how="vertical_relaxed")
    per_body = svc.resolve_service_violations(rendered, violations, YEAR, "body")
    totals = {
        r["_body"]: r
        for r in per_body.group_by("_body")
        .agg(pl.col("late", "unjustified_refusals", "incomplete_package", "extra_documents").sum())
        .iter_rows(named=True)
    }
    # B was inspected (s1): its inspection rows are the only source — a = 50 (s1), the monitoring counts of
    # s2 (0), s4 (1), s5 (25) and the self-report of s3 (7) are not used; T2–T4 = s1's (1, 0, 2)
    assert totals["B"]["late"] == 50
    assert [totals["B"][c] for c in ("unjustified_refusals", "incomplete_package", "extra_documents")] == [1, 0, 2]
    assert totals["B2"]["late"] == 4
    per_service = svc.resolve_service_violations(rendered, violations, YEAR, "service")
    # per service (default): 50 + 0 + 7 + 1 + 25 = 83
    assert per_service.filter(pl.col("_body") == "B")["late"].sum() == 83
    with pytest.raises(ValueError, match=r"svc\.inspection_scope"):
        svc.resolve_service_violations(rendered, violations, YEAR, "whatever")
    # through compute_services: MIO T1 = 14 − 50 / 999 982 · 10 000 = 13.499991
    readings = active_readings({"svc.inspection_scope": "body"})
    indicators, _ = svc.compute_services(_frames("MIO"), bodies("MIO"), YEAR, readings)
    assert _values(indicators)["svc_timeliness"] == pytest.approx(14 - 50 / 999_982 * 10_000)


def test_k3_25_point_test_before_or_after_downtime() -> None:
    # T + V + C = 10 + 10 + 5 = 25, P = 1 → net 24; D + S = 3 + 2
    # net test (default): 24 < 25 → 24 + 5 = 29 → min25: 25; literal: 29
    assert svc.automation_criterion(10, 10, 5, 1, 3, 2, "min25", "net") == 25.0
    assert svc.automation_criterion(10, 10, 5, 1, 3, 2, "literal", "net") == pytest.approx(29.0)
    # gross test: T + V + C = 25 reaches the maximum → no stimulus: K3 = 25 − 1 = 24 under both caps
    assert svc.automation_criterion(10, 10, 5, 1, 3, 2, "min25", "gross") == pytest.approx(24.0)
    assert svc.automation_criterion(10, 10, 5, 1, 3, 2, "literal", "gross") == pytest.approx(24.0)
    # below 25 either way: 8 + 7 + 4 − 1 + 3 + 2 = 23 under both tests
    assert svc.automation_criterion(8, 7, 4, 1, 3, 2, "min25", "gross") == pytest.approx(23.0)
    with pytest.raises(ValueError, match=r"svc\.k3_test_base"):
        svc.automation_criterion(8, 7, 4, 1, 3, 2, "min25", "whatever")


def test_p1_zero_reading_for_a_body_without_monitored_services() -> None:
    frames = _frames("CGO")
    frames["service_satisfaction"] = frames["service_satisfaction"].filter(pl.col("year") == 1990)
    indicators, _ = svc.compute_services(frames, bodies("CGO"), YEAR, active_readings({"svc.p1_no_services": "zero"}))
    sat = next(r for r in indicators if r.indicator == "svc_satisfaction")
    assert sat.value == 0.0 and sat.inputs["n"] == 0
    assert "svc.p1_no_services=zero" in sat.reading
    # round2 through compute_services: s2 4.795 → 4.80 → 15: (12 + 15 + 0) / 3 = 9
    indicators, _ = svc.compute_services(
        _frames("CGO"), bodies("CGO"), YEAR, active_readings({"svc.satisfaction_band": "round2"})
    )
    sat = next(r for r in indicators if r.indicator == "svc_satisfaction")
    assert sat.value == pytest.approx(9.0)
    assert sat.inputs["level_by_service"] == {"s1": 4.68, "s2": 4.8, "s3": 3.9}


# ---------------------------------------------------------------------------------------
# Service register per year (para. 48), V volumes rendered by MIOs (para. 50)
# ---------------------------------------------------------------------------------------


def _dated_register(body_type: str) -> pl.DataFrame:
    rows = [
        # 2023 register: 2 services, 1 fully automated
        ("a", "U1", "full", True, None, 2023),
        ("b", "U1", "none", False, None, 2023),
        # 2024 register: 4 services, 2 partial, 1 full, both partial ones in the app
        ("a", "U1", "full", False, None, 2024),
        ("b", "U1", "partial", True, None, 2024),
        ("c", "U2", "partial", True, None, 2024),
        ("d", "U2", "none", False, None, 2024),
        # an undated file for the same body: ignored where the body has a register of the year
        ("z", "U1", "full", True, None, None),
    ]
    frame = register_frame([r[:5] for r in rows], body_type)
    return frame.with_columns(pl.Series("year", [r[5] for r in rows], dtype=pl.Int64))


def test_register_of_the_assessed_year() -> None:
    register = _dated_register("CGO")
    row = svc.aggregate_register(register, 2024).row(0, named=True)
    # 2024: n = a b c d = 4, c = b c = 2, d = a = 1, w = b c = 2; not undated
    assert (row["service_types"], row["partially_automated"], row["fully_automated"], row["in_mobile_app"]) == (
        4,
        2,
        1,
        2,
    )
    assert row["undated"] is False
    # recomputing 2023 uses the 2023 register: n = 2, d = 1, w = 1 (a)
    row = svc.aggregate_register(register, 2023).row(0, named=True)
    assert (row["service_types"], row["partially_automated"], row["fully_automated"], row["in_mobile_app"]) == (
        2,
        0,
        1,
        1,
    )
    # 2022 has no dated register: the undated row (z, full, in the app) applies and is flagged
    row = svc.aggregate_register(register, 2022).row(0, named=True)
    assert (row["service_types"], row["fully_automated"], row["in_mobile_app"], row["undated"]) == (1, 1, 1, True)


def test_undated_register_marks_k3_provisional() -> None:
    frames = _frames("CGO")  # its register has no year column: applied to every year, provisional
    indicators, directions = svc.compute_services(frames, bodies("CGO"), YEAR, active_readings())
    by_code = {r.indicator: r for r in indicators}
    assert (
        by_code["svc_automation_degree"].is_provisional and by_code["svc_automation_degree"].inputs["register_undated"]
    )
    assert by_code["svc_mobile"].is_provisional and by_code["svc_k3"].is_provisional
    assert not by_code["svc_complaints"].is_provisional
    assert directions[0].is_provisional
    # a dated register of the year: T = (2 + 1) / 4 · 10 = 7.5, C = 2 / 3 · 5 = 3.333…, not provisional
    frames["service_register"] = _dated_register("CGO")
    indicators, _ = svc.compute_services(frames, bodies("CGO"), YEAR, active_readings())
    by_code = {r.indicator: r for r in indicators}
    assert by_code["svc_automation_degree"].value == pytest.approx(7.5)
    assert by_code["svc_mobile"].value == pytest.approx(10 / 3)
    assert not by_code["svc_automation_degree"].is_provisional


def test_v_volumes_show_the_part_rendered_by_mios() -> None:
    frames = _frames("CGO")
    frames["service_automation"] = frames["service_automation"].with_columns(
        pl.Series("volume_electronic_mio", [30, None], dtype=pl.Int64),
        pl.Series("volume_total_mio", [40, None], dtype=pl.Int64),
    )
    indicators, _ = svc.compute_services(frames, bodies("CGO"), YEAR, active_readings())
    eff = next(r for r in indicators if r.indicator == "svc_automation_effectiveness")
    # e = 90 of z = 100 include the MIOs' 30 of 40; V is unchanged: 10 · (0.9 + 0.8) / 2 = 8.5
    assert eff.value == pytest.approx(8.5)
    assert (eff.inputs["e"], eff.inputs["z"], eff.inputs["e_mio"], eff.inputs["z_mio"]) == (90, 100, 30, 40)
    # without the split columns the inputs carry no MIO part
    indicators, _ = svc.compute_services(_frames("CGO"), bodies("CGO"), YEAR, active_readings())
    eff = next(r for r in indicators if r.indicator == "svc_automation_effectiveness")
    assert "z_mio" not in eff.inputs
