"""Before/after rows of a recompute, the other-bodies check and the «Таблица разногласий» text."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from kzeval.recompute import Figures, dispute_rows, other_bodies_changes, rank_changes, render_dispute_table

NOW = dt.datetime(2026, 11, 23, 12, 0)
K1 = {
    "correction_id": "K-1",
    "decision_ref": "СК-2025/1",
    "decided_on": dt.date(2025, 3, 1),
    "table_name": "appeals",
    "row_key": '{"appeal_id": "C1-late"}',
    "column_name": "reviewed_on",
    "old_value": "2024-02-20",
    "new_value": "2024-02-14",
}


def _figures(
    r1_c1: float, appeals_c1: float, block_c1: float, tier: tuple[str, str], ranks: tuple[int, int]
) -> Figures:
    indicators = pl.DataFrame(
        {
            "agency_id": ["C1", "C1", "C2"],
            "block": ["interaction"] * 3,
            "direction": ["appeals", "openness", "appeals"],
            "indicator": ["appeal_review_timeliness", "open_data", "appeal_review_timeliness"],
            "role": ["indicator"] * 3,
            "value": [r1_c1, 5.0, 20.0],
            "inputs": ["{}", "{}", "{}"],
        }
    )
    directions = pl.DataFrame(
        {
            "agency_id": ["C1", "C1", "C2"],
            "block": ["interaction"] * 3,
            "direction": ["appeals", "openness", "appeals"],
            "raw_score": [appeals_c1, 5.0, 80.0],
            "reporting_penalty": [0.0, 0.0, 0.0],
            "score": [appeals_c1, 5.0, 80.0],
            "score_rounded": [round(appeals_c1, 2), 5.0, 80.0],
        }
    )
    blocks = pl.DataFrame(
        {
            "agency_id": ["C1", "C2"],
            "block": ["interaction"] * 2,
            "body_type": ["CGO", "CGO"],
            "score": [block_c1, 74.68],
            "score_rounded": [round(block_c1, 2), 74.68],
            "efficiency_tier": [tier[0], "medium"],
            "tier_label_ru": [tier[1], "Средняя"],
            "rank_in_body_type": list(ranks),
        }
    )
    rollup = pl.DataFrame({"block": ["interaction"], "body_type": ["CGO"], "mean_score": [0.0], "median_score": [0.0]})
    return Figures(indicators, directions, blocks, rollup, pl.DataFrame())


BEFORE = _figures(20.0, 69.0392156862745, 69.806764706, ("low", "Низкая"), (2, 1))
AFTER = _figures(40.0, 88.0392156862745, 75.556764706, ("medium", "Средняя"), (1, 2))


def test_dispute_rows_per_indicator_direction_and_block() -> None:
    rows = dispute_rows(BEFORE, AFTER, "C1", 2024, [K1], "r1", NOW, "analyst")
    by_item = {(r["level"], r["item"]): r for r in rows.iter_rows(named=True)}
    r1 = by_item["indicator", "appeal_review_timeliness"]
    assert (r1["value_before"], r1["value_after"], r1["value_change"], r1["is_changed"]) == (20.0, 40.0, 20.0, True)
    assert (r1["correction_ids"], r1["decision_refs"]) == ("K-1", "СК-2025/1")
    assert r1["item_label_ru"] == "R1 Соблюдение сроков рассмотрения жалоб и заявлений"
    untouched = by_item["indicator", "open_data"]
    assert (untouched["is_changed"], untouched["correction_ids"]) == (False, None)  # openness reads no appeals
    appeals = by_item["direction", "appeals"]
    assert appeals["value_change"] == pytest.approx(19.0)  # R1 +20, R4 −1 in the end-to-end case
    assert (appeals["rounded_before"], appeals["rounded_after"]) == (69.04, 88.04)
    block = by_item["block", "interaction"]
    assert (block["tier_before"], block["tier_after"], block["rank_before"], block["rank_after"]) == (
        "low",
        "medium",
        2,
        1,
    )
    assert (block["rounded_before"], block["rounded_after"], block["is_changed"]) == (69.81, 75.56, True)
    assert set(rows["agency_id"].to_list()) == {"C1"}  # only the disputing body's rows
    assert rows["recomputed_by"].unique().to_list() == ["analyst"]


def test_other_bodies_check_ignores_ranks_but_not_scores() -> None:
    assert other_bodies_changes(BEFORE, AFTER, "C1") == []  # only C2's rank moved
    assert rank_changes(BEFORE, AFTER, "C1") == [
        "C2 (Взаимодействие государственного органа с физическими и юридическими лицами): 1 → 2"
    ]
    moved = _figures(40.0, 88.0392156862745, 75.556764706, ("medium", "Средняя"), (1, 2))
    moved.indicators = moved.indicators.with_columns(
        pl.when(pl.col("agency_id") == "C2").then(21.0).otherwise(pl.col("value")).alias("value")
    )
    assert other_bodies_changes(BEFORE, moved, "C1") == ["C2/appeal_review_timeliness: value 20.0 → 21.0"]


def test_the_table_follows_appendix_14() -> None:
    rows = dispute_rows(BEFORE, AFTER, "C1", 2024, [K1], "r1", NOW, "analyst")
    body = {"agency_id": "C1", "name_ru": "Министерство тестов", "body_type": "CGO"}
    text = render_dispute_table(rows, body, [K1], rank_changes=rank_changes(BEFORE, AFTER, "C1"))
    assert "Таблица разногласий по результатам операционной оценки по направлению" in text
    assert "«Качество рассмотрения жалоб и заявлений»" in text
    assert "Заключение уполномоченного органа (до)" in text and "Возражение и решение комиссии" in text
    assert "K-1: решение СК-2025/1 от 01.03.2025" in text
    assert "принято: 40 (+20)" in text
    assert "Общий балл с учетом итогов обжалования составил 88.04 (до обжалования 69.04)." in text
    assert "Общий балл с учетом итогов обжалования составил 75.56 (до обжалования 69.81)" in text
    assert "Степень эффективности: Низкая → Средняя; место среди ЦГО: 2 → 1" in text
    assert "«Открытость государственного органа»" not in text  # nothing disputed there
    quiet = render_dispute_table(dispute_rows(BEFORE, BEFORE, "C1", 2024, [], "r2", NOW, "a"), body, [])
    assert "Новых решений специальной комиссии для этого органа нет" in quiet
    assert "Таблица разногласий" not in quiet
