"""The dictionary of named inputs: a letter means what its own formula says, generic names fall back."""

from __future__ import annotations

from collections.abc import Mapping

from kzeval.methodology import active_readings
from kzeval.methodology.inputs import ANY_INDICATOR, input_definition, input_definition_rows
from kzeval.steps.core import methodology_definition_frames


def test_the_same_letter_means_what_its_formula_says() -> None:
    # `a` is late services in T1 but overturned appeals in R2
    t1, r2 = input_definition("svc_timeliness", "a"), input_definition("appeal_court_overturned", "a")
    assert t1 is not None and r2 is not None
    assert t1.meaning_ru != r2.meaning_ru and (t1.legal_symbol, r2.legal_symbol) == ("a", "a")


def test_generic_names_and_criterion_components_fall_back() -> None:
    k = input_definition("appeal_review_timeliness", "k")
    assert k is not None and k.legal_symbol == "k"
    # a criterion's inputs are its indicators' points: named by the indicator's symbol
    gender = input_definition("hr_staff_potential", "hr_gender")
    assert gender is not None and gender.legal_symbol == "G"
    assert input_definition("svc_timeliness", "no_such_input") is None


def test_definition_rows_are_unique_per_indicator_and_name() -> None:
    rows = input_definition_rows()
    keys = [(r["indicator"], r["input_name"]) for r in rows]
    assert len(keys) == len(set(keys))
    assert (ANY_INDICATOR, "k") in keys and all(r["meaning_ru"] for r in rows)


def test_indicator_definitions_mark_penalties_by_their_negative_maximum() -> None:
    indicators, _ = methodology_definition_frames()
    penalties = set(indicators.filter("is_penalty")["indicator"].to_list())
    assert penalties == {
        "svc_downtime_penalty",
        "open_subordinate_penalty",
        "it_unused_systems",
        "hr_weekend_overtime_penalty",
    }


# --- every key the indicator functions emit has a definition (issue 18 + the law branches' new keys) ---


def _undefined(rows: list[tuple[str, Mapping[str, object]]]) -> list[tuple[str, str]]:
    """(indicator, key) pairs of ``rows`` that the dictionary cannot name."""
    return sorted({(code, key) for code, inputs in rows for key in inputs if input_definition(code, key) is None})


def test_overtime_rows_name_every_input_including_scope_and_headcount_months() -> None:
    from kzeval.indicators.overtime_points import overtime_indicator_rows

    row = {
        "agency_id": "C1",
        "workday_overtime_hours": 100.0,
        "weekend_overtime_hours": 20.0,
        "avg_headcount": 10.0,
        "headcount_divisor": 12,
        "workdays": 247,
    }
    # scope measured by the level rule, 11 month-end headcounts: every optional key is emitted
    produced = overtime_indicator_rows(row, "CGO", scope_source="level_rule", headcount_months=11)
    assert {r.indicator for r in produced} >= {"normal_hours", "hr_overtime_quantitative"}
    assert any("scope" in r.inputs and "headcount_months_missing" in r.inputs for r in produced)
    assert _undefined([(r.indicator, r.inputs) for r in produced]) == []


def test_it_criteria_name_every_input_including_dsp_records_and_type_mean_substitute() -> None:
    from kzeval.indicators.it import body_it_indicators

    report = {
        "systems_registered": 0,
        "systems_total": 0,  # nothing to count: A takes the type mean (reading it.nothing_to_count)
        "systems_dsp": 2,
        "records_current_weighted_pct": 90.0,
        "records_current_mean_pct": 88.0,
        "records_total": 1000,
        "currency_aggregation": "records_weighted",
        "functions_automated": 3,
        "functions_total": 4,
        "digital_unit_staff": 5,
        "digital_unit_it_educated": 4,
        "staff_ict_certified": 10,
        "staff_total": 20,
        "contracts_amount_kzt": 100.0,
        "contracts_local_content_kzt": 50.0,
        "indicators_total": 10,
        "indicators_automatic": 5,
        "indicators_total_reported": True,
        "unused_systems": 1,
        "unused_systems_reported": True,
        "smart_city_sum": 100,
    }
    readings = active_readings({"it.nothing_to_count": "type_mean"})
    peers = {(body_type, "it_architecture_portal"): (5.0, ["C2", "C3"]) for body_type in ("CGO", "MIO")}
    rows: list[tuple[str, Mapping[str, object]]] = []
    for body_type in ("CGO", "MIO"):
        produced, _ = body_it_indicators("C1", body_type, report, readings, peers)
        rows += [(r.indicator, r.inputs) for r in produced]
    portal = [inputs for code, inputs in rows if code == "it_architecture_portal"]
    assert portal and all(p.get("substitute") == "type_mean" and p.get("peer_bodies") for p in portal)
    assert _undefined(rows) == []


def test_openness_criteria_name_own_averaged_stimulus_and_subordinate_sums() -> None:
    from kzeval.indicators import openness as o

    own = {
        ("C1", "open_data", "1", "ru"): 3.0,
        ("C1", "open_data", "6", "ru"): 1.0,  # the stimulus item 6
        ("C1", "open_budget", "1", "ru"): 2.0,
        ("C1", "open_subordinate_penalty", "9.1", "ru"): 1.0,
        ("C1", "open_subordinate_penalty", "10.1", "kk"): 0.5,
        ("C2", "open_budget", "2", "ru"): 4.0,
    }
    marks = {("C1", "open_budget", "2", "ru"): "secret_budget"}  # para. 67: the mean of C2 (4.0)
    peers = o.peer_points(own, marks, {"C1": "CGO", "C2": "CGO"})
    readings = active_readings()
    rows: list[tuple[str, Mapping[str, object]]] = []
    for criterion in ("open_data", "open_budget", "open_legal_acts", "open_dialogue", "open_website"):
        _, inputs, _ = o._points_criterion_values("C1", "CGO", criterion, own, marks, peers, readings)
        rows.append((criterion, inputs))
    _, penalty_inputs = o._subordinate_values("C1", own)
    rows.append(("open_subordinate_penalty", penalty_inputs))
    budget = dict(rows)["open_budget"]
    assert budget["averaged_ru"] == 4.0 and budget["own_ru"] == 2.0  # the mean of one peer
    assert {"items_1_5", "stimulus"} <= set(dict(rows)["open_data"])
    assert _undefined(rows) == []


def test_every_definition_has_a_russian_meaning() -> None:
    # the dbt test not_null_fct_indicator_inputs_meaning_ru blocks the build on an unnamed key
    for row in input_definition_rows():
        meaning = row["meaning_ru"]
        assert meaning and any("а" <= ch <= "я" for ch in meaning.lower()), row
