"""Reporting penalties, direction/block scores, rounding and tiers (seed 004 paras. 20, 107, 108)."""

from __future__ import annotations

import polars as pl
import pytest

from kzeval.indicators.common import DIRECTION_SCHEMA
from kzeval.indicators.scoring import (
    BLOCK_SCORES_SCHEMA,
    DIRECTION_SCORES_SCHEMA,
    BlockScoringRules,
    block_scoring_rules,
    direction_score,
    efficiency_tier,
    interaction_block_score,
    rate_indicator,
    reporting_penalty,
    round_half_up,
    rules_for_block,
    score_directions_and_block,
)
from kzeval.methodology import active_readings

YEAR = 2024


def test_round_half_up_decimal_edges() -> None:
    assert round_half_up(4.795, 2) == 4.80  # Python's round() gives 4.79 (binary 4.79499…)
    assert round_half_up(89.995, 2) == 90.00
    assert round_half_up(69.994, 2) == 69.99
    assert round_half_up(2.675, 2) == 2.68  # round(2.675, 2) == 2.67
    assert round_half_up(0.125, 2) == 0.13  # half-even would give 0.12
    assert round_half_up(1.005, 2) == 1.01
    assert round_half_up(3.14159, 3) == 3.142


def test_round_half_up_ignores_float_noise_of_a_weighted_sum() -> None:
    # 0.5·81.96 + 0.2·90 + 0.3·80.05 = 40.98 + 18 + 24.015 = 82.995 exactly in decimals,
    # 82.99499999999999 in binary → half up gives 83.00, not 82.99.
    weighted = 0.5 * 81.96 + 0.2 * 90 + 0.3 * 80.05
    assert round_half_up(weighted, 2) == 83.00


def test_rate_indicator_k_minus_rate_and_clamps() -> None:
    # spec worked check: CGO, 1 000 000 services, 50 complaints: 10 − 50/1e6·1e4 = 10 − 0.5 = 9.5
    assert rate_indicator(10.0, 50, 1_000_000, 10_000) == pytest.approx(9.5)
    # MIO 0.2 % late: 14 − 20/10 000·10 000 = 14 − 20 = −6 → 0
    assert rate_indicator(14.0, 20, 10_000, 10_000) == 0.0
    # zero volume: nothing violated → k; violations without volume → 0
    assert rate_indicator(12.0, 0, 0, 10_000) == 12.0
    assert rate_indicator(12.0, 3, 0, 10_000) == 0.0


def test_reporting_penalty_per_fact_and_cap() -> None:
    # 3 unreliable × 0.2 + 1 incomplete × 2 = 0.6 + 2 = 2.6
    penalty, details = reporting_penalty({"unreliable": 3, "incomplete": 1}, "interaction")
    assert penalty == pytest.approx(2.6)
    assert details["uncapped"] == pytest.approx(2.6)
    assert details["cap"] == 5.0
    # 3 incomplete × 2 = 6 → capped at 5
    assert reporting_penalty({"incomplete": 3})[0] == 5.0
    # 30 unreliable × 0.2 = 6 → 5
    assert reporting_penalty({"unreliable": 30})[0] == 5.0
    # exactly at the cap: 25 × 0.2 = 5
    assert reporting_penalty({"unreliable": 25})[0] == pytest.approx(5.0)


def test_reporting_penalty_ignores_kinds_without_amount() -> None:
    penalty, details = reporting_penalty({"late": 4, "unreliable": 1})
    assert penalty == pytest.approx(0.2)
    assert details["ignored_kinds"] == ["late"]


def test_direction_score_floors_at_zero() -> None:
    assert direction_score(80.0, 2.6) == pytest.approx(77.4)
    assert direction_score(3.0, 5.0) == 0.0


def test_interaction_block_score_weights() -> None:
    # 0.5·80 + 0.2·70 + 0.3·90 = 40 + 14 + 27 = 81
    assert interaction_block_score(80.0, 70.0, 90.0) == pytest.approx(81.0)
    assert interaction_block_score(80.0, 70.0, 90.0, "MIO") == pytest.approx(81.0)
    assert interaction_block_score(100.0, 100.0, 100.0) == pytest.approx(100.0)


@pytest.mark.parametrize(
    ("score", "code", "label"),
    [
        (100.0, "high", "Высокая"),
        (90.0, "high", "Высокая"),
        (89.99, "medium", "Средняя"),
        (70.0, "medium", "Средняя"),
        (69.99, "low", "Низкая"),
        (50.0, "low", "Низкая"),
        (49.99, "ineffective", "Неэффективная"),
        (0.0, "ineffective", "Неэффективная"),
    ],
)
def test_efficiency_tier_edges(score: float, code: str, label: str) -> None:
    assert efficiency_tier(score) == (code, label)


def test_tier_is_taken_on_the_rounded_score() -> None:
    assert efficiency_tier(round_half_up(89.995, 2)) == ("high", "Высокая")
    assert efficiency_tier(round_half_up(69.994, 2)) == ("low", "Низкая")


def _directions(rows: list[tuple[str, str, float]]) -> pl.DataFrame:
    return pl.DataFrame(
        [
            {
                "agency_id": a,
                "block": "interaction",
                "direction": d,
                "raw_score": s,
                "reading": "default",
                "is_provisional": False,
            }
            for a, d, s in rows
        ],
        schema=DIRECTION_SCHEMA,
    )


def _penalties(rows: list[tuple[str, str | None, int, str, str, int]]) -> pl.DataFrame:
    return pl.DataFrame(
        [
            {
                "agency_id": unit,
                "assessed_agency_id": body,
                "year": year,
                "direction": direction,
                "kind": kind,
                "facts": facts,
                "act_ref": f"act-{i}",
            }
            for i, (unit, body, year, direction, kind, facts) in enumerate(rows)
        ],
        schema={
            "agency_id": pl.Utf8,
            "assessed_agency_id": pl.Utf8,
            "year": pl.Int64,
            "direction": pl.Utf8,
            "kind": pl.Utf8,
            "facts": pl.Int64,
            "act_ref": pl.Utf8,
        },
    )


BODIES = pl.DataFrame(
    {
        "agency_id": ["C1", "C2", "C3", "C4", "M1", "M2"],
        "body_type": ["CGO", "CGO", "CGO", "CGO", "MIO", "MIO"],
        "name_ru": ["a", "b", "c", "d", "e", "f"],
        "region_code": [None, None, None, None, "11", "15"],
    }
)


def test_score_directions_and_block() -> None:
    directions = _directions(
        [
            ("C1", "services", 90.0),
            ("C1", "openness", 80.0),
            ("C1", "appeals", 100.0),
            ("C2", "services", 100.0),
            ("C2", "openness", 100.0),
            ("C2", "appeals", 100.0),
            ("C3", "services", 87.0),
            ("C3", "openness", 80.0),
            ("C3", "appeals", 95.0),
            ("C4", "services", 2.0),
            ("C4", "openness", 10.0),
            ("C4", "appeals", 20.0),
            ("M1", "services", 89.99),
            ("M1", "openness", 90.0),
            ("M1", "appeals", 90.0),
            ("M2", "services", 70.0),
            ("M2", "appeals", 70.0),
        ]
    )
    penalties = _penalties(
        [
            # C1 services: 5 unreliable (1.0) via a territorial unit + 1 incomplete (2.0) = 3.0
            ("C1-T1", "C1", YEAR, "services", "unreliable", 5),
            ("C1", "C1", YEAR, "services", "incomplete", 1),
            # C1 appeals: 4 incomplete = 8 → capped at 5
            ("C1", "C1", YEAR, "appeals", "incomplete", 4),
            # another year and a direction of another block are ignored
            ("C1", "C1", YEAR - 1, "openness", "incomplete", 2),
            ("C1", "C1", YEAR, "hr", "incomplete", 2),
            # C4 services: 1 incomplete = 2 > raw 2 − … → floored at 0
            ("C4", "C4", YEAR, "services", "incomplete", 2),
        ]
    )
    direction_scores, block_scores = score_directions_and_block(directions, penalties, BODIES, YEAR)
    assert direction_scores.schema == pl.Schema(DIRECTION_SCORES_SCHEMA)
    assert block_scores.schema == pl.Schema(BLOCK_SCORES_SCHEMA)

    ds = {(r["agency_id"], r["direction"]): r for r in direction_scores.iter_rows(named=True)}
    assert ds[("C1", "services")]["reporting_penalty"] == pytest.approx(3.0)
    assert ds[("C1", "services")]["score"] == pytest.approx(87.0)
    assert ds[("C1", "appeals")]["reporting_penalty"] == 5.0
    assert ds[("C1", "appeals")]["score"] == pytest.approx(95.0)
    assert ds[("C1", "openness")]["reporting_penalty"] == 0.0
    assert ds[("C4", "services")]["score"] == 0.0  # 2 − min(5, 4) = −2 → 0
    assert ds[("M1", "services")]["score_rounded"] == 89.99
    assert all(r["year"] == YEAR for r in ds.values())

    bs = {r["agency_id"]: r for r in block_scores.iter_rows(named=True)}
    assert "M2" not in bs  # openness missing → no block score
    # C1: 0.5·87 + 0.2·80 + 0.3·95 = 43.5 + 16 + 28.5 = 88.0
    assert bs["C1"]["score"] == pytest.approx(88.0)
    assert (bs["C1"]["efficiency_tier"], bs["C1"]["tier_label_ru"]) == ("medium", "Средняя")
    # C3: same directions without penalties → 88.0 as well: a tie
    assert bs["C3"]["score_rounded"] == 88.0
    assert bs["C2"]["score_rounded"] == 100.0
    # C4: 0.5·0 + 0.2·10 + 0.3·20 = 0 + 2 + 6 = 8
    assert bs["C4"]["score"] == pytest.approx(8.0)
    assert bs["C4"]["efficiency_tier"] == "ineffective"
    # ranks within CGO: 100 → 1; 88, 88 → 2, 2; 8 → 4
    assert [bs[a]["rank_in_body_type"] for a in ("C2", "C1", "C3", "C4")] == [1, 2, 2, 4]
    # M1: 0.5·89.99 + 0.2·90 + 0.3·90 = 44.995 + 18 + 27 = 89.995 → 90.00 → high, rank 1 among MIO
    assert bs["M1"]["score_rounded"] == 90.0
    assert bs["M1"]["efficiency_tier"] == "high"
    assert bs["M1"]["rank_in_body_type"] == 1
    assert bs["M1"]["body_type"] == "MIO"


def test_score_without_penalty_table_and_empty_input() -> None:
    directions = _directions([("C2", "services", 60.0), ("C2", "openness", 50.0), ("C2", "appeals", 40.0)])
    direction_scores, block_scores = score_directions_and_block(directions, None, BODIES, YEAR)
    assert direction_scores["reporting_penalty"].to_list() == [0.0, 0.0, 0.0]
    # 0.5·60 + 0.2·50 + 0.3·40 = 30 + 10 + 12 = 52 → low
    assert block_scores["score"].item() == pytest.approx(52.0)
    assert block_scores["efficiency_tier"].item() == "low"

    empty_d, empty_b = score_directions_and_block(pl.DataFrame(schema=DIRECTION_SCHEMA), None, BODIES, YEAR)
    assert empty_d.is_empty() and empty_b.is_empty()
    assert empty_b.schema == pl.Schema(BLOCK_SCORES_SCHEMA)


def test_rules_for_interaction_block_come_from_the_edition() -> None:
    rules = rules_for_block("interaction")
    assert rules.penalty_points_per_fact == {"unreliable": 0.2, "incomplete": 2.0}
    assert rules.penalty_cap_per_direction == 5.0
    assert rules.weights["CGO"] == {"services": 0.5, "openness": 0.2, "appeals": 0.3}
    assert rules.weights["MIO"] == {"services": 0.5, "openness": 0.2, "appeals": 0.3}
    with pytest.raises(ValueError, match="no edition module"):
        rules_for_block("no_such_block")


def test_scoring_is_reusable_with_other_rules() -> None:
    # An org-development-like block: penalty cap 10, (hr + it) / 2, same tiers.
    rules = BlockScoringRules(
        block="org_development",
        penalty_points_per_fact={"unreliable": 0.2, "incomplete": 2.0},
        penalty_cap_per_direction=10.0,
        weights={"CGO": {"hr": 0.5, "it": 0.5}, "MIO": {"hr": 0.5, "it": 0.5}},
        tier_thresholds=((90.0, "high", "Высокая"), (70.0, "medium", "Средняя"), (50.0, "low", "Низкая")),
        tier_below=("ineffective", "Неэффективная"),
    )
    # 6 incomplete × 2 = 12 → capped at 10
    assert reporting_penalty({"incomplete": 6}, rules)[0] == 10.0
    directions = pl.DataFrame(
        [
            {
                "agency_id": "C2",
                "block": "org_development",
                "direction": d,
                "raw_score": s,
                "reading": "default",
                "is_provisional": False,
            }
            for d, s in (("hr", 70.0), ("it", 91.0))
        ],
        schema=DIRECTION_SCHEMA,
    )
    penalties = _penalties([("C2", "C2", YEAR, "hr", "incomplete", 6)])
    direction_scores, block_scores = score_directions_and_block(directions, penalties, BODIES, YEAR, rules)
    hr = direction_scores.filter(pl.col("direction") == "hr").row(0, named=True)
    assert hr["score"] == pytest.approx(60.0)  # 70 − 10
    # (60 + 91) / 2 = 75.5 → medium
    assert block_scores["score"].item() == pytest.approx(75.5)
    assert block_scores["efficiency_tier"].item() == "medium"
    assert block_scores["block"].item() == "org_development"


@pytest.mark.parametrize(
    ("reading", "tier", "label"), [("round_first", "high", "Высокая"), ("unrounded", "medium", "Средняя")]
)
def test_interaction_tier_follows_the_rounding_reading(reading: str, tier: str, label: str) -> None:
    # Reading org.tier_rounding covers every block's tier (seed 004 para. 108: «от 90 до 100 баллов,
    # средняя степень – от 70 до 89,99 балла»). CGO O = 0,5·U + 0,2·D + 0,3·H and MIO
    # A = 0,5·T + 0,2·F + 0,3·H with U = T = 89,99, D = F = 90, H = 90:
    # 0,5 × 89,99 + 0,2 × 90 + 0,3 × 90 = 44,995 + 18 + 27 = 89,995 → rounded half up 90,00.
    # round_first: tier on 90,00 → «Высокая»; unrounded: 89,995 < 90 → «Средняя».
    directions = _directions(
        [(a, d, s) for a in ("C1", "M1") for d, s in (("services", 89.99), ("openness", 90.0), ("appeals", 90.0))]
    )
    rules = block_scoring_rules("interaction", active_readings({"org.tier_rounding": reading}))
    assert rules.weights == rules_for_block("interaction").weights  # only the tier rule changes
    _, block = score_directions_and_block(directions, None, BODIES, YEAR, rules)
    assert block["agency_id"].sort().to_list() == ["C1", "M1"]
    assert block["score"].to_list() == pytest.approx([89.995, 89.995])
    assert block["score_rounded"].to_list() == [90.0, 90.0]
    assert block["efficiency_tier"].to_list() == [tier, tier]
    assert block["tier_label_ru"].to_list() == [label, label]


def test_the_default_reading_keeps_the_tier_on_the_rounded_score() -> None:
    # no override: round_first (default) — the same 89,995 reads «Высокая», as before the reading existed
    directions = _directions([("C1", "services", 89.99), ("C1", "openness", 90.0), ("C1", "appeals", 90.0)])
    _, block = score_directions_and_block(
        directions, None, BODIES, YEAR, block_scoring_rules("interaction", active_readings())
    )
    assert block["efficiency_tier"].to_list() == ["high"]
