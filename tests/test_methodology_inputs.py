"""The dictionary of named inputs: a letter means what its own formula says, generic names fall back."""

from __future__ import annotations

from kzeval.methodology.inputs import ANY_INDICATOR, input_definition, input_definition_rows
from kzeval.pipeline import methodology_definition_frames


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
