"""«Индекс согласия» (agreement index) of the civil-servant survey, per statement and body.

The survey (Appendix 9 of the org-development methodology as restated in seed 001) scores
statements 1–26 on a 1–4 scale, 4 always the best answer. The index definition lives in the
base act (registry 19950), not in the seeds, so it is the reading ``hr.agreement_index``
(methodology §5.1, Q8; RECONSTRUCTED-MEDIUM):

- ``normalised_mean`` (default): ``i_j = (mean_j − 1) / 3``;
- ``share_agreeing``: ``i_j = (n_j3 + n_j4) / N_j``;
- ``mean_over_4``: ``i_j = mean_j / 4``.

Null answers are not counted in ``N_j``. Survey-based indicators (N2, T, Y, M, D, E) are
``k × mean(i_j)`` over their statements (:func:`survey_points`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import polars as pl

from kzeval.methodology.org_development_2023 import (
    SURVEY_AGREEING_ANSWERS,
    SURVEY_SCALE_MAX,
    SURVEY_SCALE_MIN,
    SURVEY_SCORED_STATEMENTS,
)

BODY_COLUMN = "assessed_agency_id"
ANSWER_COUNTS_SCHEMA: dict[str, Any] = {
    BODY_COLUMN: pl.Utf8,
    "statement": pl.Int64,
    "answer": pl.Int64,
    "n": pl.Int64,
}


def agreement_index(answer_counts: Mapping[int, int], reading: str) -> float | None:
    """Agreement index of one statement from ``{answer: respondents}`` (§5.1, Q8).

    Returns None when nobody answered the statement (N_j = 0): there is nothing to average.
    """
    answers = range(SURVEY_SCALE_MIN, SURVEY_SCALE_MAX + 1)
    respondents = sum(answer_counts.get(answer, 0) for answer in answers)
    if respondents == 0:
        return None
    mean_answer = sum(answer * answer_counts.get(answer, 0) for answer in answers) / respondents
    if reading == "normalised_mean":
        return (mean_answer - SURVEY_SCALE_MIN) / (SURVEY_SCALE_MAX - SURVEY_SCALE_MIN)
    if reading == "share_agreeing":
        return sum(answer_counts.get(answer, 0) for answer in SURVEY_AGREEING_ANSWERS) / respondents
    if reading == "mean_over_4":
        return mean_answer / SURVEY_SCALE_MAX
    raise ValueError(f"unknown agreement-index reading {reading!r}")


def answer_counts(survey: pl.DataFrame, year: int) -> pl.DataFrame:
    """Respondents per body × statement × answer (1–4), nulls and out-of-scale values dropped.

    ``survey`` is the survey_responses landing frame with ``assessed_agency_id`` (already
    restricted to the units in scope); rows of other years are ignored.
    """
    questions = [f"q{j}" for j in SURVEY_SCORED_STATEMENTS if f"q{j}" in survey.columns]
    if not questions or survey.is_empty():
        return pl.DataFrame(schema=ANSWER_COUNTS_SCHEMA)
    return (
        survey.filter(pl.col("year") == year)
        .select(BODY_COLUMN, *[pl.col(q).cast(pl.Int64) for q in questions])
        .unpivot(index=BODY_COLUMN, on=questions, variable_name="question", value_name="answer")
        .filter(pl.col("answer").is_between(SURVEY_SCALE_MIN, SURVEY_SCALE_MAX))
        .group_by(BODY_COLUMN, "question", "answer")
        .agg(pl.len().cast(pl.Int64).alias("n"))
        .with_columns(pl.col("question").str.slice(1).cast(pl.Int64).alias("statement"))
        .select(BODY_COLUMN, "statement", "answer", "n")
        .sort(BODY_COLUMN, "statement", "answer")
    )


def statement_answer_counts(counts: pl.DataFrame) -> dict[str, dict[int, dict[int, int]]]:
    """``{body: {statement: {answer: respondents}}}`` from :func:`answer_counts`."""
    result: dict[str, dict[int, dict[int, int]]] = {}
    for body, statement, answer, n in counts.iter_rows():
        result.setdefault(body, {}).setdefault(statement, {})[answer] = n
    return result


def agreement_indices(counts_by_statement: Mapping[int, Mapping[int, int]], reading: str) -> dict[int, float]:
    """Index per statement of one body; statements nobody answered are left out."""
    indices: dict[int, float] = {}
    for statement, counts in counts_by_statement.items():
        index = agreement_index(counts, reading)
        if index is not None:
            indices[statement] = index
    return indices


def survey_points(
    indices: Mapping[int, float], statements: Sequence[int], k: float
) -> tuple[float | None, dict[str, Any]]:
    """``k × mean(i_j)`` over the indicator's statements (e.g. N2 para. 40(3), D para. 51).

    A statement nobody answered is left out of the mean (documented decision); with no
    answered statement at all the indicator cannot be computed (None).
    """
    answered = [j for j in statements if j in indices]
    inputs: dict[str, Any] = {f"i{j}": indices.get(j) for j in statements}
    inputs["k"] = k
    if not answered:
        inputs["statements_answered"] = 0
        return None, inputs
    mean_index = sum(indices[j] for j in answered) / len(answered)
    inputs["statements_answered"] = len(answered)
    inputs["mean_index"] = mean_index
    return k * mean_index, inputs
