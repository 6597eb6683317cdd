"""IT direction (seed 001 paras. 69–81, methodology §6) with hand-computed numbers."""

from __future__ import annotations

import json

import polars as pl
import pytest

from kzeval.indicators import it
from kzeval.methodology import active_readings
from kzeval.recompute import Figures, cross_body_average_moves, other_bodies_changes


def test_architecture_portal_share_and_banded() -> None:
    assert it.architecture_portal_points(45, 50, "CGO", "share") == pytest.approx(27.0)  # 45/50 × 30
    assert it.architecture_portal_points(45, 50, "CGO", "banded") == 30.0  # 90 % → full
    assert it.architecture_portal_points(44, 50, "MIO", "banded") == pytest.approx(21.0)  # 88 % → 0,7 × 30
    assert it.architecture_portal_points(24, 50, "MIO", "banded") == 0.0  # 48 %
    assert it.architecture_portal_points(0, 0, "CGO", "share") == 0.0  # empty → 0


def test_smart_city_mio_only() -> None:
    assert it.smart_city_points(3450.0) == pytest.approx(5.0)  # 3450/6900 × 10
    assert it.smart_city_points(6900.0) == 10.0
    assert it.smart_city_points(None) == 0.0
    assert it.weight("it_smart_city", "CGO") is None
    assert it.weight("it_smart_city", "MIO") == 10.0


def test_data_currency_and_function_automation() -> None:
    assert it.data_currency_points(85.0, "CGO") == pytest.approx(17.0)  # 85/100 × 20
    assert it.function_automation_points(18, 24, "CGO", "share") == pytest.approx(18.75)  # 0,75 × 25
    assert it.function_automation_points(18, 24, "CGO", "banded") == pytest.approx(17.5)  # 75 % → 0,7 × 25
    assert it.function_automation_points(0, 0, "MIO", "share") == 0.0


def test_digital_staff_cgo_20_vs_mio_10() -> None:
    assert it.digital_staff_points(6, 8, "CGO") == pytest.approx(15.0)  # 6/8 × 20
    assert it.digital_staff_points(6, 8, "MIO") == pytest.approx(7.5)  # 6/8 × 10
    assert it.digital_staff_points(9, 8, "CGO") == 20.0  # share clamped to 1
    assert it.digital_staff_points(0, 0, "CGO") == 0.0


def test_ict_training_local_content_and_register() -> None:
    assert it.ict_training_points(30, 120, "MIO") == pytest.approx(1.25)  # 30/120 × 5
    assert it.local_content_points(40.0, 100.0, "CGO", "share") == pytest.approx(2.0)  # 0,4 × 5
    assert it.local_content_points(40.0, 100.0, "CGO", "banded") == 0.0  # 40 % < 50 %
    assert it.local_content_points(0.0, 0.0, "CGO", "share") == 0.0
    assert it.data_register_points(7, 10) == pytest.approx(3.5)  # 7/10 × 5
    assert it.weight("it_data_register", "MIO") is None


def test_unused_systems_penalty() -> None:
    assert it.unused_systems_penalty(3, "per_system") == 3.0
    assert it.unused_systems_penalty(7, "per_system") == 5.0  # cap 5
    assert it.unused_systems_penalty(1, "flat") == 5.0
    assert it.unused_systems_penalty(0, "flat") == 0.0


def test_it_total_cap_readings() -> None:
    # all CGO maxima 30 + 20 + 25 + 20 + 5 + F 5 + H 5 = 110
    assert it.it_total([30, 20, 25, 20, 5, 5, 5, 0], "cap_100") == 100.0
    assert it.it_total([30, 20, 25, 20, 5, 5, 5, 0], "uncapped") == 110.0
    # deduct_then_cap: 110 − 3 = 107 → 100 (the bonuses absorb D)
    assert it.it_total([30, 20, 25, 20, 5, 5, 5, -3], "cap_100", "deduct_then_cap") == 100.0
    # cap_then_deduct (default): min(100, 110) − 3 = 97
    assert it.it_total([30, 20, 25, 20, 5, 5, 5, -3], "cap_100") == 97.0
    assert it.it_total([30, 20, 25, 20, 5, 5, 5, -3], "uncapped") == 107.0  # order irrelevant without a cap
    assert it.it_total([1.0, -5.0], "cap_100") == 0.0  # floor 0


def _report(agency_id: str, assessed: str, body_type: str, **values: float | None) -> dict[str, object]:
    row: dict[str, object] = {
        "agency_id": agency_id,
        "assessed_agency_id": assessed,
        "body_type": body_type,
        "year": 2024,
        "systems_registered": 45,
        "systems_total": 50,
        "smart_city_sum": None,
        "records_current_weighted_pct": 85.0,
        "functions_automated": 18,
        "functions_total": 24,
        "digital_unit_staff": 8,
        "digital_unit_it_educated": 6,
        "staff_total": 120,
        "staff_ict_certified": 30,
        "contracts_amount_kzt": 100.0,
        "contracts_local_content_kzt": 40.0,
        "indicators_total": 10,
        "indicators_automatic": 7,
        "unused_systems": 3,
    }
    row.update(values)
    return row


SCHEMA = {
    "agency_id": pl.Utf8,
    "assessed_agency_id": pl.Utf8,
    "body_type": pl.Utf8,
    "year": pl.Int64,
    "systems_registered": pl.Int64,
    "systems_total": pl.Int64,
    "smart_city_sum": pl.Float64,
    "records_current_weighted_pct": pl.Float64,
    "functions_automated": pl.Int64,
    "functions_total": pl.Int64,
    "digital_unit_staff": pl.Int64,
    "digital_unit_it_educated": pl.Int64,
    "staff_total": pl.Int64,
    "staff_ict_certified": pl.Int64,
    "contracts_amount_kzt": pl.Float64,
    "contracts_local_content_kzt": pl.Float64,
    "indicators_total": pl.Int64,
    "indicators_automatic": pl.Int64,
    "unused_systems": pl.Int64,
}

BODIES = pl.DataFrame(
    {
        "agency_id": ["AKM", "MIN", "NOREP"],
        "body_type": ["MIO", "CGO", "CGO"],
        "name_ru": ["Акимат", "Министерство", "Без отчета"],
        "region_code": ["35", None, None],
    }
)


def _frame(*rows: dict[str, object]) -> pl.DataFrame:
    return pl.DataFrame(list(rows), schema=SCHEMA)


def _values(indicators: list, agency_id: str) -> dict[str, float]:
    return {r.indicator: r.value for r in indicators if r.agency_id == agency_id}


def test_compute_it_cgo_vs_mio() -> None:
    frame = _frame(
        _report("MIN", "MIN", "CGO"),
        _report("AKM", "AKM", "MIO", smart_city_sum=3450.0, indicators_total=None, indicators_automatic=None),
        _report("MIN", "MIN", "CGO", year=2023, systems_registered=0),  # other year ignored
    )
    indicators, directions = it.compute_it({"it_report": frame}, BODIES, 2024, active_readings())
    cgo = _values(indicators, "MIN")
    mio = _values(indicators, "AKM")
    # CGO: A 27 + C 17 + E 18,75 + L 15 + J 1,25 + F 2 + H 3,5 − D 3 = 81,5 (no B)
    assert "it_smart_city" not in cgo
    assert cgo["it_data_register"] == pytest.approx(3.5)
    assert cgo["it_unused_systems"] == -3.0
    # MIO: A 27 + B 5 + C 17 + E 18,75 + L 7,5 + J 1,25 + F 2 − D 3 = 75,5 (no H)
    assert "it_data_register" not in mio
    assert mio["it_smart_city"] == pytest.approx(5.0)
    assert mio["it_digital_staff"] == pytest.approx(7.5)
    totals = {d.agency_id: d for d in directions}
    assert totals["MIN"].raw_score == pytest.approx(81.5)
    assert totals["AKM"].raw_score == pytest.approx(75.5)
    assert "NOREP" not in totals  # no report row → no IT direction
    # C, F and D are LOW readings → the total is provisional
    assert totals["MIN"].is_provisional
    assert "it.total_cap=cap_100" in totals["MIN"].reading
    maxima = {r.indicator: r.max_points for r in indicators if r.agency_id == "MIN"}
    assert maxima["it_digital_staff"] == 20.0
    assert maxima["it_unused_systems"] == -5.0
    assert {r.indicator: r.max_points for r in indicators if r.agency_id == "AKM"}["it_digital_staff"] == 10.0


def test_compute_it_sums_sub_unit_rows_and_keeps_body_percentage() -> None:
    frame = _frame(
        _report("MIN", "MIN", "CGO", unused_systems=0),
        # a committee's own report: counts add up, its percentage does not replace the body's
        _report(
            "MIN-C",
            "MIN",
            "CGO",
            systems_registered=5,
            systems_total=10,
            records_current_weighted_pct=10.0,
            unused_systems=0,
        ),
    )
    indicators, _ = it.compute_it({"it_report": frame}, BODIES, 2024, active_readings())
    cgo = {r.indicator: r for r in indicators if r.agency_id == "MIN"}
    # A = (45 + 5)/(50 + 10) × 30 = 25
    assert cgo["it_architecture_portal"].value == pytest.approx(25.0)
    # C from the body's own row: 85 % × 20 = 17
    assert cgo["it_data_currency"].value == pytest.approx(17.0)


def test_it_reading_switches() -> None:
    frame = _frame(
        _report(
            "MIN",
            "MIN",
            "CGO",
            systems_registered=50,
            systems_total=50,
            functions_automated=24,
            digital_unit_it_educated=8,
            staff_ict_certified=120,
            contracts_local_content_kzt=100.0,
            indicators_automatic=10,
            records_current_weighted_pct=100.0,
            unused_systems=1,
        )
    )
    readings = active_readings({"it.total_cap": "uncapped", "it.unused_systems": "flat"})
    _, directions = it.compute_it({"it_report": frame}, BODIES, 2024, readings)
    # 30 + 20 + 25 + 20 + 5 + 5 + 5 − 5 (flat) = 105, uncapped
    assert directions[0].raw_score == pytest.approx(105.0)
    _, capped = it.compute_it({"it_report": frame}, BODIES, 2024, active_readings())
    # default cap_then_deduct: min(100, 110) − 1 = 99
    assert capped[0].raw_score == 99.0
    _, absorbed = it.compute_it(
        {"it_report": frame}, BODIES, 2024, active_readings({"it.cap_and_unused_order": "deduct_then_cap"})
    )
    assert absorbed[0].raw_score == 100.0  # 110 − 1 = 109 → 100: the bonuses absorb D


def test_data_currency_simple_mean_falls_back_and_flags() -> None:
    frame = _frame(_report("MIN", "MIN", "CGO"))
    readings = active_readings({"it.data_currency": "simple_mean"})
    indicators, _ = it.compute_it({"it_report": frame}, BODIES, 2024, readings)
    row = next(r for r in indicators if r.indicator == "it_data_currency")
    assert row.value == pytest.approx(17.0)  # weighted 85 % used
    assert json.loads(json.dumps(row.inputs))["c_source"] == "weighted_fallback"
    assert row.is_provisional
    # with the optional per-IS mean column the reading changes the value: 60 % × 20 = 12
    with_mean = frame.with_columns(pl.lit(60.0).alias("records_current_mean_pct"))
    indicators, _ = it.compute_it({"it_report": with_mean}, BODIES, 2024, readings)
    assert next(r for r in indicators if r.indicator == "it_data_currency").value == pytest.approx(12.0)


def test_no_it_report_table() -> None:
    assert it.compute_it({}, BODIES, 2024, active_readings()) == ([], [])


# --- issue 21: nothing to count (para. 57), criterion C weighting, cap order ----------------------

THREE_CGO = pl.DataFrame(
    {
        "agency_id": ["X", "Y", "Z"],
        "body_type": ["CGO", "CGO", "CGO"],
        "name_ru": ["Все ИС ДСП", "Орган Y", "Орган Z"],
        "region_code": [None, None, None],
    }
)


def _three(**x_values: float | None) -> pl.DataFrame:
    return _frame(
        _report("X", "X", "CGO", systems_registered=0, systems_total=0, **x_values),  # every IS marked ДСП
        _report("Y", "Y", "CGO", systems_registered=40, systems_total=50, records_current_weighted_pct=90.0),
        _report("Z", "Z", "CGO", systems_registered=45, systems_total=50, records_current_weighted_pct=70.0),
    ).with_columns(pl.lit(None, dtype=pl.Int64).alias("records_total"), pl.lit(4, dtype=pl.Int64).alias("systems_dsp"))


def test_all_systems_dsp_gets_the_same_type_mean_by_default() -> None:
    rows, _ = it.compute_it({"it_report": _three()}, THREE_CGO, 2024, active_readings())
    x = {r.indicator: r for r in rows if r.agency_id == "X"}
    # A: Y 40/50 × 30 = 24, Z 45/50 × 30 = 27 → mean 25,5; C: Y 90 % → 18, Z 70 % → 14 → mean 16
    assert x["it_architecture_portal"].value == pytest.approx(25.5)
    assert x["it_architecture_portal"].inputs["peer_bodies"] == ["Y", "Z"]
    assert x["it_data_currency"].value == pytest.approx(16.0)
    assert "it.nothing_to_count=type_mean" in x["it_architecture_portal"].reading
    # E is not empty for X (18 of 24 functions): its own 18,75
    assert x["it_function_automation"].value == pytest.approx(18.75)
    assert x["it_architecture_portal"].inputs["systems_dsp"] == 4


@pytest.mark.parametrize(("reading", "a_points"), [("zero", 0.0), ("full_marks", 30.0)])
def test_nothing_to_count_zero_and_full_marks(reading: str, a_points: float) -> None:
    rows, _ = it.compute_it({"it_report": _three()}, THREE_CGO, 2024, active_readings({"it.nothing_to_count": reading}))
    x = {r.indicator: r.value for r in rows if r.agency_id == "X"}
    assert x["it_architecture_portal"] == a_points
    assert x["it_data_currency"] == (0.0 if reading == "zero" else 20.0)


def test_nothing_to_count_not_assessed_and_no_peer() -> None:
    rows, directions = it.compute_it(
        {"it_report": _three()}, THREE_CGO, 2024, active_readings({"it.nothing_to_count": "not_assessed"})
    )
    x = {r.indicator for r in rows if r.agency_id == "X"}
    assert "it_architecture_portal" not in x and "it_data_currency" not in x
    assert {d.agency_id: d.is_provisional for d in directions}["X"]
    # type_mean with zero assessed peers (X alone): not assessed, flagged
    only_x = THREE_CGO.filter(pl.col("agency_id") == "X")
    rows, directions = it.compute_it({"it_report": _three()}, only_x, 2024, active_readings())
    assert "it_architecture_portal" not in {r.indicator for r in rows}
    assert directions[0].is_provisional


def test_function_automation_with_no_function_to_automate() -> None:
    frame = _three(functions_total=0, functions_automated=0)
    rows, _ = it.compute_it({"it_report": frame}, THREE_CGO, 2024, active_readings())
    x = {r.indicator: r.value for r in rows if r.agency_id == "X"}
    # Y and Z both automate 18 of 24 → 18,75 each → mean 18,75 (not the 0 of the old rule)
    assert x["it_function_automation"] == pytest.approx(18.75)


def test_data_currency_weighted_by_records_when_units_report() -> None:
    frame = _frame(
        _report("MIN-C1", "MIN", "CGO", records_current_weighted_pct=90.0),
        _report("MIN-C2", "MIN", "CGO", records_current_weighted_pct=50.0),
    ).with_columns(pl.Series("records_total", [1_000_000, 250_000], dtype=pl.Int64))
    rows, _ = it.compute_it({"it_report": frame}, BODIES, 2024, active_readings())
    c = next(r for r in rows if r.indicator == "it_data_currency")
    # (90 × 1 000 000 + 50 × 250 000) / 1 250 000 = 82 % → 82 / 100 × 20 = 16,4 (unweighted mean 70 → 14)
    assert c.value == pytest.approx(16.4)
    assert c.inputs["currency_aggregation"] == "records_weighted"
    unknown = frame.with_columns(pl.Series("records_total", [1_000_000, None], dtype=pl.Int64))
    rows, _ = it.compute_it({"it_report": unknown}, BODIES, 2024, active_readings())
    c = next(r for r in rows if r.indicator == "it_data_currency")
    assert c.value == pytest.approx(14.0)  # a unit without its record count: unweighted 70 %, flagged
    assert c.inputs["currency_aggregation"] == "unweighted_mean" and c.is_provisional  # (C is LOW anyway)
    own = _frame(
        _report("MIN", "MIN", "CGO", records_current_weighted_pct=60.0),
        _report("MIN-C1", "MIN", "CGO", records_current_weighted_pct=90.0),
    ).with_columns(pl.Series("records_total", [10, 1_000_000], dtype=pl.Int64))
    rows, _ = it.compute_it({"it_report": own}, BODIES, 2024, active_readings())
    c = next(r for r in rows if r.indicator == "it_data_currency")
    assert c.value == pytest.approx(12.0) and c.inputs["currency_aggregation"] == "own_row"  # the body's 60 %


# --- kzeval recompute and the same-type mean (issue 15 item 3, issue 21 item 3) --------------------


def _figures(frame: pl.DataFrame, readings_overrides: dict[str, str] | None = None) -> Figures:
    """The IT figures of X, Y, Z as the warehouse holds them (org block = 0,5 · IT + 40 for the test)."""
    rows, directions = it.compute_it({"it_report": frame}, THREE_CGO, 2024, active_readings(readings_overrides or {}))
    indicators = pl.DataFrame(
        {
            "agency_id": [r.agency_id for r in rows],
            "block": [r.block for r in rows],
            "direction": [r.direction for r in rows],
            "indicator": [r.indicator for r in rows],
            "role": [r.role for r in rows],
            "value": [r.value for r in rows],
            "inputs": [json.dumps(r.inputs, sort_keys=True) for r in rows],
        }
    )
    raw = [d.raw_score for d in directions]
    ids = [d.agency_id for d in directions]
    direction_frame = pl.DataFrame(
        {
            "agency_id": ids,
            "block": ["org_development"] * len(ids),
            "direction": ["it"] * len(ids),
            "raw_score": raw,
            "reporting_penalty": [0.0] * len(ids),
            "score": raw,
            "score_rounded": [round(v, 2) for v in raw],
        }
    )
    blocks = pl.DataFrame(
        {
            "agency_id": ids,
            "block": ["org_development"] * len(ids),
            "body_type": ["CGO"] * len(ids),
            "score": [0.5 * v + 40 for v in raw],
            "score_rounded": [round(0.5 * v + 40, 2) for v in raw],
            "efficiency_tier": ["medium"] * len(ids),
            "tier_label_ru": ["Средняя"] * len(ids),
            "rank_in_body_type": [1, 2, 3],
        }
    )
    return Figures(indicators, direction_frame, blocks, pl.DataFrame(), pl.DataFrame())


def _raw(figures: Figures, agency: str) -> float:
    return float(figures.directions.filter(pl.col("agency_id") == agency)["raw_score"][0])


def test_recompute_allows_and_lists_an_it_type_mean_moved_by_a_peer_correction() -> None:
    # X has every IS marked ДСП: its C is the CGO mean of Y and Z. The commission corrects Y's
    # currency 90 % → 60 %: Y's C 18 → 12, so X's C (18 + 14) / 2 = 16 → (12 + 14) / 2 = 13 and its
    # A stays (24 + 27) / 2 = 25,5; X's IT total falls by 3, its block by 0,5 × 3 = 1,5.
    before = _figures(_three())
    after = _figures(_three().with_columns(
        pl.when(pl.col("agency_id") == "Y").then(60.0).otherwise(pl.col("records_current_weighted_pct"))
        .alias("records_current_weighted_pct")
    ))  # fmt: skip
    assert _raw(after, "X") - _raw(before, "X") == pytest.approx(-3.0)
    assert other_bodies_changes(before, after, "Y") == []
    allowed, lines = cross_body_average_moves(before, after, "Y")
    assert allowed == {
        ("indicators", "X", "it_data_currency"),
        ("directions", "X", "it"),
        ("blocks", "X", "org_development"),
    }
    assert lines[0] == "X it_data_currency: 16 → 13"
    assert lines[1].startswith("X направление it: ")
    # the same move under a recompute for a body outside X's peer set (Y, Z) is not explained: refused
    refused = other_bodies_changes(before, after, "W")
    assert "X/it_data_currency: value 16.0 → 13.0" in refused


def test_recompute_refuses_a_move_of_the_averaged_body_not_explained_by_the_mean() -> None:
    before = _figures(_three())
    # Y's currency is corrected and X's own functions automated move too (18 → 12 of 24): E is X's own
    # figure (18,75 → 12,5), not a mean, so the recompute for Y must refuse
    after = _figures(_three(functions_automated=12).with_columns(
        pl.when(pl.col("agency_id") == "Y").then(60.0).otherwise(pl.col("records_current_weighted_pct"))
        .alias("records_current_weighted_pct")
    ))  # fmt: skip
    problems = other_bodies_changes(before, after, "Y")
    assert "X/it_function_automation: value 18.75 → 12.5" in problems
    # the direction moved by −3 − 6,25 = −9,25, the mean explains −3 only
    assert any(p.startswith("X/it: raw_score") for p in problems)
    assert any(p.startswith("X/org_development: score") for p in problems)
    # the C figure itself still moved by the mean alone and is not listed
    assert not any(p.startswith("X/it_data_currency") for p in problems)


def test_it_total_at_the_cap_explains_a_partial_move() -> None:
    # criteria 30 + 20 + 25 + 20 + 5 + 5 = 105 and D = −1: cap_then_deduct gives min(100, 105) − 1 = 99;
    # the mean C falls 20 → 17: 102 → min(100, 102) − 1 = 99 (no move at all), and to 14: 99 − 1 = 98:
    # the total moved by −1 while the criterion moved by −6 — explained by the cap
    assert it.total_explained([30, 20, 25, 20, 5, 5, -1], [30, 14, 25, 20, 5, 5, -1], 99.0, 98.0)
    # an unexplained total (97 instead of 98) under no cap reading
    assert not it.total_explained([30, 20, 25, 20, 5, 5, -1], [30, 14, 25, 20, 5, 5, -1], 99.0, 97.0)
