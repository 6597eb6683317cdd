"""Agreement index (methodology §5.1, Q8) and survey-based points."""

from __future__ import annotations

import polars as pl
import pytest

from kzeval.indicators import survey


def test_agreement_index_readings_differ() -> None:
    # two respondents both answer 3: mean 3
    counts = {3: 2}
    assert survey.agreement_index(counts, "normalised_mean") == pytest.approx(2 / 3)  # (3 − 1)/3
    assert survey.agreement_index(counts, "share_agreeing") == 1.0  # (0 + 2)/2
    assert survey.agreement_index(counts, "mean_over_4") == pytest.approx(0.75)  # 3/4


def test_agreement_index_range() -> None:
    assert survey.agreement_index({4: 5}, "normalised_mean") == 1.0
    assert survey.agreement_index({1: 5}, "normalised_mean") == 0.0
    assert survey.agreement_index({1: 5}, "mean_over_4") == 0.25  # the unnatural floor of reading (c)
    # answers 4, 3, 2, 1 once each: mean 2,5 → (2,5 − 1)/3 = 0,5; agreeing 2/4
    counts = {1: 1, 2: 1, 3: 1, 4: 1}
    assert survey.agreement_index(counts, "normalised_mean") == pytest.approx(0.5)
    assert survey.agreement_index(counts, "share_agreeing") == pytest.approx(0.5)
    assert survey.agreement_index(counts, "mean_over_4") == pytest.approx(0.625)


def test_agreement_index_no_answers() -> None:
    assert survey.agreement_index({}, "normalised_mean") is None
    with pytest.raises(ValueError):
        survey.agreement_index({4: 1}, "median")


def test_survey_points_skips_unanswered_statements() -> None:
    # statement 4 unanswered: mean of 1, 0,5, 2/3 = 13/18; × 5 = 65/18 = 3,6111
    points, inputs = survey.survey_points({1: 1.0, 2: 0.5, 3: 2 / 3}, (1, 2, 3, 4), 5.0)
    assert points == pytest.approx(65 / 18)
    assert inputs["statements_answered"] == 3
    assert inputs["i4"] is None
    assert survey.survey_points({}, (1, 2), 5.0)[0] is None


def test_answer_counts_excludes_nulls_and_other_years() -> None:
    frame = pl.DataFrame(
        {
            "respondent_id": ["r1", "r2", "r3", "r4"],
            "assessed_agency_id": ["A", "A", "A", "A"],
            "year": [2024, 2024, 2024, 2023],
            "q1": [4, None, 2, 1],
            "q2": [3, 3, None, 1],
        },
        schema_overrides={"q1": pl.Int64, "q2": pl.Int64},
    )
    by_body = survey.statement_answer_counts(survey.answer_counts(frame, 2024))
    # q1: answers 4 and 2 (null dropped, 2023 ignored); q2: 3 and 3
    assert by_body == {"A": {1: {2: 1, 4: 1}, 2: {3: 2}}}
    indices = survey.agreement_indices(by_body["A"], "normalised_mean")
    assert indices[1] == pytest.approx(2 / 3)  # mean 3 → (3 − 1)/3
    assert indices[2] == pytest.approx(2 / 3)
