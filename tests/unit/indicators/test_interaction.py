"""The interaction block end to end: compute_interaction → score_directions_and_block."""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
import pytest

from kzeval.indicators.common import DIRECTION_SCHEMA, INDICATOR_SCHEMA
from kzeval.indicators.interaction import compute_interaction, missing_inputs
from kzeval.indicators.scoring import score_directions_and_block
from kzeval.methodology import active_readings, all_indicators, all_readings
from kzeval.methodology import interaction_2023 as ed

YEAR = 2024
D = dt.date
BODIES = pl.DataFrame(
    {
        "agency_id": ["C1", "M1"],
        "body_type": ["CGO", "MIO"],
        "name_ru": ["Министерство", "Акимат области"],
        "region_code": [None, "11"],
    }
)
BODY_TYPE = {"C1": "CGO", "M1": "MIO"}


def frame(rows: list[dict[str, Any]], schema: dict[str, Any]) -> pl.DataFrame:
    """A landing frame as the pipeline hands it over: typed, with assessed_agency_id and body_type."""
    return pl.DataFrame(rows, schema=schema).with_columns(
        pl.col("agency_id").alias("assessed_agency_id"),
        pl.col("agency_id").replace_strict(BODY_TYPE, return_dtype=pl.Utf8).alias("body_type"),
    )


def _appeals(body: str, on_time: int, late: int) -> list[dict[str, Any]]:
    rows = []
    for i in range(on_time + late):
        rows.append(
            {
                "appeal_id": f"{body}-{i}",
                "agency_id": body,
                "kind": "complaint",
                "received_on": D(2024, 5, 1),
                "due_on": D(2024, 5, 16),
                "reviewed_on": D(2024, 5, 10) if i < on_time else D(2024, 5, 20),
                "redirected_on": None,
                "redirect_due_on": None,
                "court_satisfied_on": None,
                "disciplinary": None if i < on_time else "yes",
            }
        )
    return rows


def full_frames() -> dict[str, pl.DataFrame]:
    """C1 and M1 with hand-checkable data in every interaction table."""
    rendered_schema = {
        "agency_id": pl.Utf8,
        "service_code": pl.Utf8,
        "month": pl.Date,
        "channel": pl.Utf8,
        "rendered": pl.Int64,
        "overdue": pl.Int64,
        "overdue_excluded_outage": pl.Int64,
    }
    violations_schema = {
        "agency_id": pl.Utf8,
        "service_code": pl.Utf8,
        "year": pl.Int64,
        "source": pl.Utf8,
        "overdue": pl.Int64,
        "unjustified_refusals": pl.Int64,
        "incomplete_package": pl.Int64,
        "extra_documents": pl.Int64,
    }
    points_rows = []
    for body, btype in BODY_TYPE.items():
        for criterion in ed.OPEN_POINTS_CRITERIA:
            items = ed.OPEN_ITEM_MAX_PER_LANGUAGE[(criterion, btype)]
            for item, maximum in items.items():
                if criterion == "open_data" and item == "6":
                    continue  # no API bonus: items 1–5 = 9 per language
                for lang in ("kk", "ru"):
                    points_rows.append(
                        {
                            "agency_id": body,
                            "year": YEAR,
                            "criterion": criterion,
                            "item": item,
                            "language": lang,
                            "points": maximum,
                        }
                    )
    points_rows.append(
        {
            "agency_id": "C1",
            "year": YEAR,
            "criterion": "open_subordinate_penalty",
            "item": "9.1",
            "language": "kk",
            "points": 1.5,
        }
    )
    media_full = {
        "events_high_publicity": 12,
        "events_total": 12,
        "media_requests": 10,
        "media_answers": 10,
        "media_answers_late": 0,
        "media_satisfied_pct": 100.0,
        "population_satisfied_pct": 90.0,
    }
    media_schema = {
        "agency_id": pl.Utf8,
        "year": pl.Int64,
        "language": pl.Utf8,
        **{k: (pl.Float64 if k.endswith("pct") else pl.Int64) for k in media_full},
    }
    appeal_schema = {
        "appeal_id": pl.Utf8,
        "agency_id": pl.Utf8,
        "kind": pl.Utf8,
        "received_on": pl.Date,
        "due_on": pl.Date,
        "reviewed_on": pl.Date,
        "redirected_on": pl.Date,
        "redirect_due_on": pl.Date,
        "court_satisfied_on": pl.Date,
        "disciplinary": pl.Utf8,
    }
    return {
        "services_rendered": frame(
            [
                {
                    "agency_id": "C1",
                    "service_code": "s1",
                    "month": D(2024, 1, 1),
                    "channel": "electronic",
                    "rendered": 1_000_000,
                    "overdue": 0,
                    "overdue_excluded_outage": 0,
                },
                {
                    "agency_id": "M1",
                    "service_code": "s9",
                    "month": D(2024, 1, 1),
                    "channel": "paper",
                    "rendered": 10_000,
                    "overdue": 20,
                    "overdue_excluded_outage": 0,
                },
            ],
            rendered_schema,
        ),
        "service_violations": frame([], violations_schema),
        "service_satisfaction": frame(
            [{"agency_id": "C1", "service_code": "s1", "year": YEAR, "satisfaction_score": 4.8, "respondents": 10}],
            {
                "agency_id": pl.Utf8,
                "service_code": pl.Utf8,
                "year": pl.Int64,
                "satisfaction_score": pl.Float64,
                "respondents": pl.Int64,
            },
        ),
        "service_complaints": frame(
            [{"agency_id": "C1", "year": YEAR, "justified_complaints": 50}],
            {"agency_id": pl.Utf8, "year": pl.Int64, "justified_complaints": pl.Int64},
        ),
        "service_register": frame(
            [
                {
                    "service_code": "s1",
                    "agency_id": "C1",
                    "automation": "full",
                    "in_mobile_app": True,
                    "excluded_by_commission_on": None,
                    "proactive_since": None,
                }
            ],
            {
                "service_code": pl.Utf8,
                "agency_id": pl.Utf8,
                "automation": pl.Utf8,
                "in_mobile_app": pl.Boolean,
                "excluded_by_commission_on": pl.Date,
                "proactive_since": pl.Date,
            },
        ),
        "service_automation": frame(
            [
                {
                    "agency_id": "C1",
                    "year": YEAR,
                    "volume_electronic": 90,
                    "volume_total": 100,
                    "volume_paper_automated": 10,
                    "volume_total_automated": 50,
                    "unavailability_hours": 3.0,
                    "proactive_converted": 1,
                    "digital_documents": 5,
                }
            ],
            {
                "agency_id": pl.Utf8,
                "year": pl.Int64,
                "volume_electronic": pl.Int64,
                "volume_total": pl.Int64,
                "volume_paper_automated": pl.Int64,
                "volume_total_automated": pl.Int64,
                "unavailability_hours": pl.Float64,
                "proactive_converted": pl.Int64,
                "digital_documents": pl.Int64,
            },
        ),
        "openness_points": frame(
            points_rows,
            {
                "agency_id": pl.Utf8,
                "year": pl.Int64,
                "criterion": pl.Utf8,
                "item": pl.Utf8,
                "language": pl.Utf8,
                "points": pl.Float64,
            },
        ),
        "openness_media": frame(
            [
                {"agency_id": "C1", "year": YEAR, "language": "kk", **media_full},
                {"agency_id": "C1", "year": YEAR, "language": "ru", **media_full},
                {"agency_id": "M1", "year": YEAR, "language": "kk", **media_full},
            ],
            media_schema,
        ),
        "appeals": frame(_appeals("C1", 995, 5) + _appeals("M1", 995, 5), appeal_schema),
        "reporting_penalties": frame(
            [
                {
                    "agency_id": "C1",
                    "year": YEAR,
                    "direction": "services",
                    "kind": "unreliable",
                    "facts": 2,
                    "act_ref": "А-1",
                }
            ],
            {
                "agency_id": pl.Utf8,
                "year": pl.Int64,
                "direction": pl.Utf8,
                "kind": pl.Utf8,
                "facts": pl.Int64,
                "act_ref": pl.Utf8,
            },
        ),
    }


def test_compute_interaction_and_block_scores() -> None:
    frames = full_frames()
    indicators, directions = compute_interaction(frames, BODIES, YEAR, active_readings())
    assert indicators.schema == pl.Schema(INDICATOR_SCHEMA)
    assert directions.schema == pl.Schema(DIRECTION_SCHEMA)
    raw = {(r["agency_id"], r["direction"]): r["raw_score"] for r in directions.iter_rows(named=True)}
    # C1 services: P1 15 (4.80: «от 4,8 балла включительно») + P2 9.5 + K2 50
    # + K3 min(25, 10 + 8.5 + 5 − 0.6 + 1 + 2) = 25 → 99.5
    assert raw[("C1", "services")] == pytest.approx(99.5)
    # C1 openness: 5 × 18 + P6 10 − P7 1.5 = 98.5
    assert raw[("C1", "openness")] == pytest.approx(98.5)
    # appeals: 995 on time + 5 late, all disciplined: 35 + 30 + 20 + 10 = 95
    assert raw[("C1", "appeals")] == pytest.approx(95.0)
    # M1 services: P1 20 (no satisfaction rows) + P2 20 + T1 0 (0.2 % late) + 18 + 14 + 14 = 86
    assert raw[("M1", "services")] == pytest.approx(86.0)
    # M1 openness: 5 × 18 + P6 5 (kk only) = 95
    assert raw[("M1", "openness")] == pytest.approx(95.0)
    assert raw[("M1", "appeals")] == pytest.approx(95.0)
    codes = set(indicators.filter(pl.col("agency_id") == "C1")["indicator"].to_list())
    interaction_codes = {d.code for d in ed.INDICATORS}
    assert codes == interaction_codes  # every §10 interaction code for a CGO
    mio_codes = set(indicators.filter(pl.col("agency_id") == "M1")["indicator"].to_list())
    assert mio_codes == {d.code for d in ed.INDICATORS if d.max_mio is not None}

    direction_scores, block_scores = score_directions_and_block(directions, frames["reporting_penalties"], BODIES, YEAR)
    c1_services = direction_scores.filter((pl.col("agency_id") == "C1") & (pl.col("direction") == "services")).row(
        0, named=True
    )
    assert c1_services["reporting_penalty"] == pytest.approx(0.4)  # 2 × 0.2
    assert c1_services["score"] == pytest.approx(99.1)
    blocks = {r["agency_id"]: r for r in block_scores.iter_rows(named=True)}
    # C1: 0.5 · 99.1 + 0.2 · 98.5 + 0.3 · 95 = 49.55 + 19.7 + 28.5 = 97.75
    assert blocks["C1"]["score_rounded"] == 97.75
    assert blocks["C1"]["efficiency_tier"] == "high"
    # M1: 0.5 · 86 + 0.2 · 95 + 0.3 · 95 = 43 + 19 + 28.5 = 90.5
    assert blocks["M1"]["score_rounded"] == 90.5
    assert blocks["M1"]["tier_label_ru"] == "Высокая"
    assert blocks["C1"]["rank_in_body_type"] == 1 and blocks["M1"]["rank_in_body_type"] == 1


def test_missing_tables_drop_only_their_directions() -> None:
    frames = {"appeals": full_frames()["appeals"]}
    indicators, directions = compute_interaction(frames, BODIES, YEAR, active_readings())
    assert set(directions["direction"].to_list()) == {"appeals"}
    assert set(indicators["direction"].to_list()) == {"appeals"}
    missing = missing_inputs(frames)
    assert "appeals" not in missing
    assert missing["openness"]["CGO"] == ["openness_media", "openness_points"]
    assert "service_automation" in missing["services"]["CGO"]
    assert "service_automation" not in missing["services"]["MIO"]
    _, block_scores = score_directions_and_block(directions, None, BODIES, YEAR)
    assert block_scores.is_empty()  # a block score needs all three directions

    empty_indicators, empty_directions = compute_interaction({}, BODIES, YEAR, active_readings())
    assert empty_indicators.is_empty() and empty_directions.is_empty()
    assert empty_indicators.schema == pl.Schema(INDICATOR_SCHEMA)


def test_reading_override_is_recorded_and_changes_the_score() -> None:
    readings = active_readings({"svc.k3_cap": "literal"})
    indicators, directions = compute_interaction(full_frames(), BODIES, YEAR, readings)
    k3 = indicators.filter((pl.col("agency_id") == "C1") & (pl.col("indicator") == "svc_k3")).row(0, named=True)
    # literal: base 22.9 < 25 → 22.9 + 1 + 2 = 25.9, uncapped
    assert k3["value"] == pytest.approx(25.9)
    assert "svc.k3_cap=literal" in k3["reading"]
    assert k3["is_provisional"] is True  # depends on V's LOW reading
    services = directions.filter((pl.col("agency_id") == "C1") & (pl.col("direction") == "services"))
    assert services["raw_score"].item() == pytest.approx(100.4)  # 15 + 9.5 + 50 + 25.9


def test_edition_registry_codes_maxima_and_readings() -> None:
    codes = all_indicators()
    expected = {
        "svc_satisfaction": (15, 20),
        "svc_complaints": (10, 20),
        "svc_timeliness": (12, 14),
        "svc_unjustified_refusals": (14, 18),
        "svc_incomplete_package": (12, 14),
        "svc_extra_documents": (12, 14),
        "svc_automation_degree": (10, None),
        "svc_automation_effectiveness": (10, None),
        "svc_mobile": (5, None),
        "svc_downtime_penalty": (-5, None),
        "svc_proactive": (3, None),
        "svc_digital_documents": (2, None),
        "svc_k1": (25, 40),
        "svc_k2": (50, 60),
        "svc_k3": (25, None),
        "open_data": (18, 18),
        "open_budget": (18, 18),
        "open_legal_acts": (18, 18),
        "open_dialogue": (18, 18),
        "open_website": (18, 18),
        "open_media": (10, 10),
        "open_subordinate_penalty": (-9, None),
        "appeal_review_timeliness": (40, 40),
        "appeal_court_overturned": (30, 30),
        "appeal_redirect_timeliness": (20, 20),
        "appeal_internal_control": (10, 10),
    }
    for code, (cgo, mio) in expected.items():
        assert (codes[code].max_cgo, codes[code].max_mio) == (cgo, mio), code
        assert codes[code].block == "interaction"
    assert {c for c, d in codes.items() if d.block == "interaction"} == set(expected)
    assert {c for c in expected if codes[c].role == "criterion"} == {"svc_k1", "svc_k2", "svc_k3"}
    # Appendix 2, 7, 11: each direction's maxima sum to 100 (stimuli and penalties aside)
    for body_type in ("CGO", "MIO"):
        for direction in ("services", "openness", "appeals"):
            total = sum(
                d.max_for(body_type) or 0.0
                for d in codes.values()
                if d.block == "interaction"
                and d.direction == direction
                and (d.role == "criterion" if direction == "services" else d.role == "indicator")
                and (d.max_for(body_type) or 0.0) > 0
            )
            assert total == 100, (body_type, direction)

    readings = all_readings()
    defaults = {
        "svc.automation_degree": ("full", "MEDIUM"),
        "svc.automation_effectiveness": ("average", "LOW"),
        "svc.k3_cap": ("min25", "MEDIUM"),
        "open.publicity_small_b": ("floor12", "MEDIUM"),
        "open.media_no_requests": ("max", "MEDIUM"),
        "open.population_band": ("exact", "HIGH"),  # «свыше 80 %» strict, gaps take the lower band
        "open.stimulus_cap": ("clamp", "HIGH"),
        "open.excluded_item": ("average", "MEDIUM"),
        "open.average_no_peers": ("maximum", "MEDIUM"),
        "appeals.r4_impossible": ("exclude_both", "MEDIUM"),
        # 2026-12-04: the text decides the literal P1 edges and the outage exclusion from b
        "svc.satisfaction_band": ("literal", "HIGH"),
        "svc.p1_no_services": ("max", "MEDIUM"),
        "svc.b1_scope": ("all", "MEDIUM"),
        "svc.inspection_scope": ("service", "MEDIUM"),
        "svc.outage_excluded": ("a_and_b", "MEDIUM"),
        "svc.k3_test_base": ("net", "MEDIUM"),
        "appeals.r4_all_impossible": ("max", "MEDIUM"),
        "appeals.r2_nothing_reviewed": ("zero", "MEDIUM"),
        "appeals.period": ("reviewed", "MEDIUM"),
    }
    for key, (default, confidence) in defaults.items():
        assert (readings[key].default, readings[key].confidence) == (default, confidence), key
    assert set(readings["svc.automation_effectiveness"].options) == {"average", "product", "difference"}
    assert ed.SVC_AUTOMATION_PARTIAL_WEIGHT == {"full": 1.0, "half": 0.5}
    with pytest.raises(ValueError, match="not one of"):
        active_readings({"svc.k3_cap": "whatever"})


def test_services_and_appeals_readings_quote_the_seed() -> None:
    """Every services/appeals reading carries the seed's deciding words (Russian, in «…»)."""
    readings = all_readings()
    keys = [k for k in readings if k.startswith(("svc.", "appeals."))]
    assert len(keys) == 13
    for key in keys:
        text = readings[key].legal_text
        assert text.startswith("«") and "»" in text, key
    # the P1 edge that decides the literal reading, as written in Appendix 6
    assert "ниже 4 баллов" in readings["svc.satisfaction_band"].legal_text
    assert "не учитываются при расчете" in readings["svc.outage_excluded"].legal_text
