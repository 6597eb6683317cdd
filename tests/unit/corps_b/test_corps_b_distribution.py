"""Agency and national distributions of annual grades, with the implausibility flags."""

from __future__ import annotations

from typing import Any

import polars as pl
import pytest

from kzeval.corps_b import distribution, national_distribution

YEAR = 2025

BODIES = pl.DataFrame(
    {
        "agency_id": ["A", "B", "C", "M"],
        "body_type": ["CGO", "CGO", "CGO", "MIO"],
        "name_ru": ["А", "Б", "В", "М"],
        "region_code": [None, None, None, "63"],
    }
)


def grade_of(score: float) -> str:
    # para. 8 bands, written out for the test fixture
    if score >= 4:
        return "effective"
    if score >= 3:
        return "proper"
    if score >= 2:
        return "satisfactory"
    return "unsatisfactory"


def annual(rows: list[tuple[str, float]], year: int = YEAR) -> pl.DataFrame:
    """(agency_id, annual_score) per employee → an annual frame as annual_grades returns it."""
    return pl.DataFrame(
        [
            {
                "year": year,
                "employee_pseudonym": f"p_{i}",
                "agency_id": agency,
                "quarters_assessed": 4,
                "sheets_assessed": 4,
                "annual_score": score,
                "grade": grade_of(score),
                "grade_label_ru": "…",
                "reading": "corps_b.sanction_cap_scope=final_average",
            }
            for i, (agency, score) in enumerate(rows)
        ]
    )


def row_of(result: pl.DataFrame, agency: str) -> dict[str, Any]:
    return result.filter(pl.col("agency_id") == agency).row(0, named=True)


def test_counts_mean_and_shares() -> None:
    # A: 4.50 effective, 3.50 proper, 2.50 satisfactory, 1.50 unsatisfactory
    # mean (4.50 + 3.50 + 2.50 + 1.50) / 4 = 12 / 4 = 3.00; unsatisfactory share 1/4 = 0.25
    result = distribution(annual([("A", 4.5), ("A", 3.5), ("A", 2.5), ("A", 1.5)]), BODIES)
    r = row_of(result, "A")
    assert (r["year"], r["scope"], r["body_type"], r["assessed"]) == (YEAR, "agency", "CGO", 4)
    assert (r["count_effective"], r["count_proper"], r["count_satisfactory"], r["count_unsatisfactory"]) == (
        1,
        1,
        1,
        1,
    )
    assert r["mean_score"] == 3.00
    assert r["share_effective"] == pytest.approx(0.25)
    assert r["share_unsatisfactory"] == pytest.approx(0.25)
    assert r["is_implausible"] is False
    assert r["implausibility_reason"] is None


def test_mean_rounds_half_up() -> None:
    # (3.00 + 3.01) / 2 = 3.005 → 3.01
    assert row_of(distribution(annual([("A", 3.0), ("A", 3.01)]), BODIES), "A")["mean_score"] == 3.01


def test_every_body_listed_even_without_assessed_staff() -> None:
    result = distribution(annual([("A", 4.0)]), BODIES)
    assert result.get_column("agency_id").to_list() == ["A", "B", "C", "M"]
    b = row_of(result, "B")
    assert (b["assessed"], b["count_effective"], b["mean_score"], b["share_unsatisfactory"]) == (0, 0, None, None)
    assert b["is_implausible"] is False


def test_unknown_agency_kept_not_lost() -> None:
    result = distribution(annual([("X", 4.0)]), BODIES)
    x = row_of(result, "X")
    assert (x["assessed"], x["body_type"]) == (1, None)


def test_all_effective_among_ten_is_implausible() -> None:
    # 10 assessed, 10 effective with different scores: 10/10 = 100 % ≥ 95 % with n ≥ 10
    rows = [("A", 4.0 + i / 10) for i in range(10)]
    r = row_of(distribution(annual(rows), BODIES), "A")
    assert r["is_implausible"] is True
    assert "«эффективно»" in r["implausibility_reason"]
    assert "100.0%" in r["implausibility_reason"]


def test_95_percent_effective_is_the_edge() -> None:
    # 19 effective + 1 proper = 19/20 = 95 % → implausible; 18 + 2 = 90 % → plausible
    at_edge = [("A", 4.0 + (i % 10) / 10) for i in range(19)] + [("A", 3.5)]
    below = [("B", 4.0 + (i % 10) / 10) for i in range(18)] + [("B", 3.5), ("B", 3.6)]
    result = distribution(annual(at_edge + below), BODIES)
    assert row_of(result, "A")["is_implausible"] is True
    assert row_of(result, "A")["share_effective"] == pytest.approx(0.95)
    assert row_of(result, "B")["is_implausible"] is False


def test_small_body_not_judged_on_share() -> None:
    # 9 assessed, all effective with different scores: n < 10 → not flagged
    rows = [("A", 4.0 + i / 10) for i in range(9)]
    assert row_of(distribution(annual(rows), BODIES), "A")["is_implausible"] is False


def test_identical_scores_for_five_or_more_is_implausible() -> None:
    # 5 assessed all at 3.00 (no spread) → flagged; 4 assessed all at 3.00 → too few to judge
    rows = [("A", 3.0)] * 5 + [("B", 3.0)] * 4
    result = distribution(annual(rows), BODIES)
    a = row_of(result, "A")
    assert a["is_implausible"] is True
    assert a["implausibility_reason"] == "у всех 5 оцененных служащих одинаковая годовая оценка 3.00"
    assert row_of(result, "B")["is_implausible"] is False


def test_both_reasons_joined() -> None:
    # 10 assessed all at 5.00: 100 % effective and identical
    r = row_of(distribution(annual([("A", 5.0)] * 10), BODIES), "A")
    assert r["is_implausible"] is True
    assert r["implausibility_reason"].count("; ") == 1


def test_national_rows_per_body_type_and_overall() -> None:
    # CGO: A 4.50, A 3.50, B 2.00 → 3 assessed, mean 10.00 / 3 = 3.3333 → 3.33
    # MIO: M 1.00 → 1 assessed, 1 unsatisfactory
    # all: 4 assessed, mean (4.5 + 3.5 + 2.0 + 1.0) / 4 = 11 / 4 = 2.75, unsatisfactory 1/4
    rows = [("A", 4.5), ("A", 3.5), ("B", 2.0), ("M", 1.0)]
    result = national_distribution(annual(rows), BODIES)
    assert result.columns == distribution(annual(rows), BODIES).columns
    assert result.get_column("agency_id").to_list() == ["KZ", "KZ", "KZ"]
    assert result.get_column("scope").to_list() == ["national"] * 3
    by_type = {r["body_type"]: r for r in result.iter_rows(named=True)}
    assert (by_type["CGO"]["assessed"], by_type["CGO"]["mean_score"]) == (3, 3.33)
    assert (by_type["MIO"]["assessed"], by_type["MIO"]["count_unsatisfactory"]) == (1, 1)
    overall = by_type[None]
    assert (overall["assessed"], overall["mean_score"]) == (4, 2.75)
    assert overall["share_unsatisfactory"] == pytest.approx(0.25)
    assert (overall["count_effective"], overall["count_proper"], overall["count_satisfactory"]) == (1, 1, 1)


def test_national_rows_exist_for_an_empty_year() -> None:
    result = national_distribution(annual([("A", 4.0)]).clear(), BODIES, year=YEAR)
    assert result.get_column("assessed").to_list() == [0, 0, 0]
    assert result.get_column("year").to_list() == [YEAR] * 3


def test_year_filter_and_several_years() -> None:
    frame = pl.concat([annual([("A", 4.0)]), annual([("A", 2.0), ("A", 2.0)], year=2024)])
    with pytest.raises(ValueError, match="several years"):
        distribution(frame, BODIES)
    assert row_of(distribution(frame, BODIES, year=2024), "A")["assessed"] == 2
