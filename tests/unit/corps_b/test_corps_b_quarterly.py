"""Quarterly sheet rules (seed 000): average of 5 parameters, disciplinary cap, calibration, exclusions."""

from __future__ import annotations

from typing import Any

import polars as pl
import pytest

from kzeval.corps_b import hundredths_half_up, quarterly_scores
from kzeval.methodology import active_readings

YEAR = 2026  # every quarter of 2026 is scored by seed 000 (the 2025 edition)


def sheet(**overrides: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "employee_id": "p_e1",
        "agency_id": "A",
        "year": YEAR,
        "quarter": 1,
        "sheet": "non_leader",
        "p1": 4.0,
        "p2": 4.0,
        "p3": 4.0,
        "p4": 4.0,
        "p5": 4.0,
        "sanction": "none",
        "days_in_position": 92,
        "worked_days": 60,
        "calibrated_score": None,
    }
    row.update(overrides)
    return row


def frame(*rows: dict[str, Any]) -> pl.DataFrame:
    return pl.DataFrame(list(rows), schema_overrides={"calibrated_score": pl.Float64})


def one(row: dict[str, Any], **kw: Any) -> dict[str, Any]:
    result = quarterly_scores(frame(row), YEAR, **kw)
    assert result.height == 1
    return result.row(0, named=True)


def params(*values: float) -> dict[str, float]:
    return {f"p{i}": float(v) for i, v in enumerate(values, start=1)}


def test_score_is_mean_of_five_parameters() -> None:
    # (4 + 4 + 4 + 3 + 3) / 5 = 18 / 5 = 3.60 → «надлежащим образом» (3.00–3.99)
    r = one(sheet(**params(4, 4, 4, 3, 3)))
    assert r["sheet_average"] == 3.60
    assert r["score"] == 3.60
    assert r["score_hundredths"] == 360
    assert r["grade"] == "proper"
    assert r["is_assessed"] is True


def test_sheet_average_rounds_half_up_to_two_decimals() -> None:
    # (4 + 4 + 4 + 4 + 3.975) / 5 = 19.975 / 5 = 3.995 → 4.00 (half up) → «эффективно»
    r = one(sheet(**params(4, 4, 4, 4, 3.975)))
    assert r["score"] == 4.00
    assert r["grade"] == "effective"
    # (4 + 4 + 4 + 4 + 3.97) / 5 = 19.97 / 5 = 3.994 → 3.99 → «надлежащим образом»
    r = one(sheet(**params(4, 4, 4, 4, 3.97)))
    assert r["score"] == 3.99
    assert r["grade"] == "proper"


def test_rounding_helper_is_half_up_despite_binary_floats() -> None:
    # 3.995 is stored as 3.99499999…; half up must still give 400 hundredths; 3.994 → 399; 2.985 → 299
    out = pl.DataFrame({"x": [3.995, 3.994, 2.985, 0.0, 5.0]}).select(hundredths_half_up(pl.col("x")))
    assert out.to_series().to_list() == [400, 399, 299, 0, 500]


def test_all_zero_and_all_five() -> None:
    assert one(sheet(**params(0, 0, 0, 0, 0)))["score"] == 0.0  # 0 / 5 = 0 → «не удовлетворительно»
    assert one(sheet(**params(0, 0, 0, 0, 0)))["grade"] == "unsatisfactory"
    assert one(sheet(**params(5, 5, 5, 5, 5)))["score"] == 5.0  # 25 / 5 = 5 → «эффективно»


def test_reprimand_caps_average_at_2_99() -> None:
    # (4 + 4 + 3 + 3 + 3) / 5 = 17 / 5 = 3.40; reprimand → min(3.40, 2.99) = 2.99 → «удовлетворительно»
    r = one(sheet(**params(4, 4, 3, 3, 3), sanction="reprimand"))
    assert r["sheet_average"] == 3.40
    assert r["sanction_cap"] == 2.99
    assert r["capped_score"] == 2.99
    assert r["score"] == 2.99
    assert r["grade"] == "satisfactory"


def test_reprimand_cap_with_perfect_sheet_still_satisfactory() -> None:
    # 25 / 5 = 5.00; reprimand → 2.99: the cap is exactly the top of «удовлетворительно»
    r = one(sheet(**params(5, 5, 5, 5, 5), sanction="reprimand"))
    assert (r["score"], r["grade"]) == (2.99, "satisfactory")


def test_severe_sanction_caps_at_1_99() -> None:
    # (3 + 3 + 2 + 2 + 2.5) / 5 = 12.5 / 5 = 2.50; severe → min(2.50, 1.99) = 1.99 → «не удовлетворительно»
    r = one(sheet(**params(3, 3, 2, 2, 2.5), sanction="severe"))
    assert r["sheet_average"] == 2.50
    assert (r["score"], r["grade"]) == (1.99, "unsatisfactory")


def test_cap_never_raises_a_lower_score() -> None:
    # (3 + 3 + 2 + 2 + 2.5) / 5 = 2.50 < 2.99 → stays 2.50 with a reprimand
    assert one(sheet(**params(3, 3, 2, 2, 2.5), sanction="reprimand"))["score"] == 2.50
    # (2 + 2 + 1 + 1 + 1.5) / 5 = 7.5 / 5 = 1.50 < 1.99 → stays 1.50 with a severe sanction
    assert one(sheet(**params(2, 2, 1, 1, 1.5), sanction="severe"))["score"] == 1.50
    # exactly at the cap: (3 + 3 + 3 + 3 + 2.95) / 5 = 14.95 / 5 = 2.99 → 2.99
    assert one(sheet(**params(3, 3, 3, 3, 2.95), sanction="reprimand"))["score"] == 2.99


def test_no_sanction_no_cap() -> None:
    r = one(sheet(**params(5, 5, 5, 5, 5)))
    assert r["sanction_cap"] is None
    assert r["score"] == 5.0


def test_default_reading_is_final_average_and_is_recorded() -> None:
    assert one(sheet())["reading"] == "corps_b.quarter_score=sheet_mean;corps_b.sanction_cap_scope=final_average"


def test_parameter5_only_reading_caps_parameter_5_before_averaging() -> None:
    readings = active_readings({"corps_b.sanction_cap_scope": "parameter5_only"})
    # p5 = min(3, 2.99) = 2.99; (4 + 4 + 3 + 3 + 2.99) / 5 = 16.99 / 5 = 3.398 → 3.40 → «надлежащим образом»
    r = one(sheet(**params(4, 4, 3, 3, 3), sanction="reprimand"), readings=readings)
    assert (r["score"], r["grade"]) == (3.40, "proper")
    assert r["reading"] == "corps_b.quarter_score=sheet_mean;corps_b.sanction_cap_scope=parameter5_only"
    # p5 = min(5, 1.99) = 1.99; (5 + 5 + 5 + 5 + 1.99) / 5 = 21.99 / 5 = 4.398 → 4.40 → «эффективно»
    r = one(sheet(**params(5, 5, 5, 5, 5), sanction="severe"), readings=readings)
    assert (r["score"], r["grade"]) == (4.40, "effective")


def test_unknown_reading_option_rejected() -> None:
    with pytest.raises(ValueError, match="not one of"):
        active_readings({"corps_b.sanction_cap_scope": "both"})


def test_calibrated_score_replaces_computed_score_up() -> None:
    # computed (4 + 4 + 3 + 3 + 3) / 5 = 3.40 → capped 2.99 (reprimand); the session sets 3.50 → 3.50
    r = one(sheet(**params(4, 4, 3, 3, 3), sanction="reprimand", calibrated_score=3.5))
    assert r["capped_score"] == 2.99
    assert r["score"] == 3.50
    assert r["grade"] == "proper"
    assert r["calibrated_above_cap"] is True  # flagged for review, not overruled


def test_calibrated_score_replaces_computed_score_down() -> None:
    # computed 25 / 5 = 5.00; session result 3.2 → 3.20, no sanction so nothing to flag
    r = one(sheet(**params(5, 5, 5, 5, 5), calibrated_score=3.2))
    assert (r["score"], r["grade"], r["calibrated_above_cap"]) == (3.20, "proper", False)


def test_calibrated_score_within_cap_not_flagged() -> None:
    r = one(sheet(**params(4, 4, 3, 3, 3), sanction="reprimand", calibrated_score=2.5))
    assert (r["score"], r["calibrated_above_cap"]) == (2.50, False)


@pytest.mark.parametrize(
    ("days_in_position", "worked_days", "assessed", "reason"),
    [
        (29, 60, False, "days_in_position_under_one_month"),  # 29 < 30 days: under one month
        (30, 60, True, None),  # 30 days = one month
        (92, 14, False, "worked_days_under_15"),  # 14 < 15 worked days
        (92, 15, True, None),  # 15 worked days is enough
        (29, 14, False, "days_in_position_under_one_month"),  # first failing rule is named
    ],
)
def test_exclusions(days_in_position: int, worked_days: int, assessed: bool, reason: str | None) -> None:
    r = one(sheet(days_in_position=days_in_position, worked_days=worked_days))
    assert r["is_assessed"] is assessed
    assert r["exclusion_reason"] == reason


def test_excluded_sheet_stays_excluded_with_calibrated_score() -> None:
    r = one(sheet(days_in_position=10, calibrated_score=4.0))
    assert r["is_assessed"] is False


def test_only_the_requested_year() -> None:
    result = quarterly_scores(frame(sheet(year=2024), sheet(quarter=2)), YEAR)
    assert result.get_column("quarter").to_list() == [2]


def test_missing_optional_calibrated_column_means_no_session() -> None:
    # (4 + 4 + 3 + 3 + 3) / 5 = 3.40 → reprimand → 2.99
    rows = frame(sheet(**params(4, 4, 3, 3, 3), sanction="reprimand")).drop("calibrated_score")
    assert quarterly_scores(rows, YEAR).row(0, named=True)["score"] == 2.99
