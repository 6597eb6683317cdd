"""Cross-body openness averages (seed 004 para. 67, Table 6 note **) in `kzeval explain` and
`kzeval recompute`'s «no other body moved» check."""

from __future__ import annotations

import json
from typing import Any

import duckdb
import polars as pl

from kzeval.corrections import ensure_dispute_tables
from kzeval.explain import explain
from kzeval.recompute import Figures, cross_body_average_moves, other_bodies_changes
from kzeval.steps.core import build_agencies, ensure_core_tables

AVERAGED = {
    "item": "2",
    "language": "kk",
    "not_assessed": "secret_budget",
    "rule": "average",
    "value": 0.25,
    "peer_count": 2,
    "peers": ["C2", "C3"],
}
# C1 P2: own 1.5 (kk) + the average 0.25 on item 2 kk = 1.75
C1_BUDGET = {
    "points_kk": 1.75,
    "points_ru": 0.0,
    "own_kk": 1.5,
    "own_ru": 0.0,
    "averaged_kk": 0.25,
    "averaged_ru": 0.0,
    "averaged_items": [AVERAGED],
}


def test_explain_shows_the_average_and_its_bodies() -> None:
    con = duckdb.connect()
    con.execute("CREATE SCHEMA raw; CREATE SCHEMA quarantine; CREATE SCHEMA audit; CREATE SCHEMA marts")
    ensure_core_tables(con)
    ensure_dispute_tables(con)
    con.execute(
        "INSERT INTO raw.agencies (agency_id, name_ru, body_type, is_assessed, _file_path, _row_number) "
        "VALUES ('C1', 'Министерство обороны', 'CGO', true, 'agencies/a.csv', 1)"
    )
    build_agencies(con)
    con.execute(
        "INSERT INTO core.indicator_scores VALUES (2024, 'C1', 'interaction', 'openness', 'open_budget', "
        "'indicator', 1.75, 18.0, 'default', false, ?)",
        [json.dumps(C1_BUDGET)],
    )
    text = explain(con, 2024, "C1", "open_budget")
    assert "min(18, 1.75 + 0) = 1.75" in text
    assert "Индикаторы, по которым орган не оценивается" in text
    assert "индикатор 2, язык kk: 0.25 — среднее баллов органов того же типа" in text
    assert "информация по бюджету секретна (п. 67)" in text
    assert "органы, чьи баллы усреднены (2): C2, C3" in text
    assert "{'item'" not in text  # the list is not dumped raw in the inputs section


def _figures(c1_budget: float, c1_inputs: dict[str, Any], c2_budget: float, c2_own_kk: float) -> Figures:
    """C1 holds an average on Table 2 item 2; C2 is the corrected body (its item 2 points move)."""
    c2_inputs = {"points_kk": c2_own_kk, "points_ru": 0.0}
    indicators = pl.DataFrame(
        {
            "agency_id": ["C1", "C1", "C2"],
            "block": ["interaction"] * 3,
            "direction": ["openness", "appeals", "openness"],
            "indicator": ["open_budget", "appeal_review_timeliness", "open_budget"],
            "role": ["indicator"] * 3,
            "value": [c1_budget, 40.0, c2_budget],
            "inputs": [json.dumps(c1_inputs, sort_keys=True), "{}", json.dumps(c2_inputs, sort_keys=True)],
        }
    )
    # direction O = P2 + 10 (the other criteria); block = 0.2 · O + 60 (services and appeals)
    directions = pl.DataFrame(
        {
            "agency_id": ["C1", "C2"],
            "block": ["interaction"] * 2,
            "direction": ["openness", "openness"],
            "raw_score": [c1_budget + 10, c2_budget + 10],
            "reporting_penalty": [0.0, 0.0],
            "score": [c1_budget + 10, c2_budget + 10],
            "score_rounded": [round(c1_budget + 10, 2), round(c2_budget + 10, 2)],
        }
    )
    blocks = pl.DataFrame(
        {
            "agency_id": ["C1", "C2"],
            "block": ["interaction"] * 2,
            "body_type": ["CGO", "CGO"],
            "score": [0.2 * (c1_budget + 10) + 60, 0.2 * (c2_budget + 10) + 60],
            "score_rounded": [round(0.2 * (c1_budget + 10) + 60, 2), round(0.2 * (c2_budget + 10) + 60, 2)],
            "efficiency_tier": ["low", "low"],
            "tier_label_ru": ["Низкая", "Низкая"],
            "rank_in_body_type": [1, 2],
        }
    )
    return Figures(indicators, directions, blocks, pl.DataFrame(), pl.DataFrame())


def test_recompute_allows_exactly_the_averaged_figures_to_move() -> None:
    # C2's item 2 kk is corrected 0.5 → 0.0 (hand: its P2 0.5 → 0). With C3 at 0 the CGO mean on
    # item 2 kk falls (0.5 + 0) / 2 = 0.25 → (0 + 0) / 2 = 0: C1's P2 1.75 → 1.5, O 11.75 → 11.5,
    # block 62.35 → 62.3.
    before = _figures(1.75, C1_BUDGET, 0.5, 0.5)
    moved = {**C1_BUDGET, "points_kk": 1.5, "averaged_kk": 0.0, "averaged_items": [{**AVERAGED, "value": 0.0}]}
    after = _figures(1.5, moved, 0.0, 0.0)
    assert other_bodies_changes(before, after, "C2") == []
    allowed, lines = cross_body_average_moves(before, after, "C2")
    assert allowed == {
        ("indicators", "C1", "open_budget"),
        ("directions", "C1", "openness"),
        ("blocks", "C1", "interaction"),
    }
    assert lines == ["C1 open_budget: 1.75 → 1.5", "C1 направление openness: 11.75 → 11.5"]


def test_recompute_still_refuses_other_moves_of_an_averaged_body() -> None:
    before = _figures(1.75, C1_BUDGET, 0.5, 0.5)
    # C1's own points moved too (1.5 → 1.0): not an effect of the average
    moved = {
        **C1_BUDGET,
        "points_kk": 1.0,
        "own_kk": 1.0,
        "averaged_kk": 0.0,
        "averaged_items": [{**AVERAGED, "value": 0.0}],
    }
    after = _figures(1.0, moved, 0.0, 0.0)
    problems = other_bodies_changes(before, after, "C2")
    assert "C1/open_budget: value 1.75 → 1.0" in problems
    assert any(p.startswith("C1/openness: raw_score") for p in problems)
    assert any(p.startswith("C1/interaction: score") for p in problems)


def test_a_direction_moving_beyond_its_averaged_indicators_is_refused() -> None:
    before = _figures(1.75, C1_BUDGET, 0.5, 0.5)
    moved = {**C1_BUDGET, "points_kk": 1.5, "averaged_kk": 0.0, "averaged_items": [{**AVERAGED, "value": 0.0}]}
    after = _figures(1.5, moved, 0.0, 0.0)
    # the direction raw score fell by 1.25, the averaged indicator by 0.25 only
    after.directions = after.directions.with_columns(
        pl.when(pl.col("agency_id") == "C1").then(10.5).otherwise(pl.col("raw_score")).alias("raw_score")
    )
    problems = other_bodies_changes(before, after, "C2")
    assert problems and all(p.startswith("C1/") for p in problems)
    assert "C1/openness: raw_score 11.75 → 10.5" in problems
