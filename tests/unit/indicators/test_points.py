"""N1, W and the detail rows a, b, s (para. 40 (1)–(2)) with hand arithmetic."""

from __future__ import annotations

import json

import pytest

from kzeval.indicators.common import indicator_frame
from kzeval.indicators.overtime_points import (
    OVERTIME_INDICATORS,
    avg_weekend_overtime,
    avg_workday_hours,
    normal_hours,
    overtime_indicator_rows,
    overtime_quantitative_score,
    weekend_overtime_penalty,
)


def test_normal_hours() -> None:
    assert normal_hours(247) == 1808.0  # (247 − 21) × 8
    assert normal_hours(249) == 1824.0  # (249 − 21) × 8


def test_spec_worked_check_n1_2_5() -> None:
    # d = 247 → b = 1808; 113 h of workday overtime per employee → a = 1808 + 113 = 1921
    # a/b − 1 = 113/1808 = 0.0625; N1 = 5 × (1 − 8 × 0.0625) = 5 × 0.5 = 2.5
    a = avg_workday_hours(1808.0, 113.0 * 40, 40.0)
    assert a == pytest.approx(1921.0)
    assert overtime_quantitative_score(a, 1808.0) == pytest.approx(2.5)


def test_n1_zero_overtime_is_max_and_negative_clamps_to_zero() -> None:
    assert overtime_quantitative_score(1808.0, 1808.0) == 5.0  # a = b → 5 × (1 − 0) = 5
    # one hour a day: a/b − 1 = 1/8 → 5 × (1 − 1) = 0
    assert overtime_quantitative_score(1808.0 * 1.125, 1808.0) == pytest.approx(0.0)
    # a/b − 1 = 0.25 → 5 × (1 − 2) = −5 → 0
    assert overtime_quantitative_score(1808.0 * 1.25, 1808.0) == 0.0


def test_weekend_penalty_bands() -> None:
    assert weekend_overtime_penalty(0.0) == 0.0
    assert weekend_overtime_penalty(8.99) == 0.0  # below 9 h → 0 (inferred)
    assert weekend_overtime_penalty(9.0) == 1.0  # 9–184 h → 1
    assert weekend_overtime_penalty(184.0) == 1.0
    assert weekend_overtime_penalty(184.01) == 2.0  # over 184 h → 2


def test_empty_headcount_gives_none() -> None:
    assert avg_workday_hours(1808.0, 10.0, 0.0) is None
    assert avg_weekend_overtime(10.0, 0.0) is None
    assert avg_weekend_overtime(90.0, 10.0) == 9.0  # s = p / n


def _row(m: float, p: float, n: float | None, d: int = 247) -> dict[str, object]:
    return {
        "year": 2024,
        "agency_id": "MIN",
        "workday_overtime_hours": m,
        "weekend_overtime_hours": p,
        "avg_headcount": n,
        "workdays": d,
        "normal_hours": (d - 21) * 8.0,
        "avg_workday_hours": None,
        "avg_weekend_overtime": None,
        "unclosed_days": 3,
    }


def test_indicator_rows_for_a_body() -> None:
    # n = 16, m = 113 × 16 = 1808 → a = 1808 + 113 = 1921 → N1 = 2.5
    # p = 16 × 10 = 160 → s = 10 → W = 1
    rows = {r.indicator: r for r in overtime_indicator_rows(_row(1808.0, 160.0, 16.0), "CGO")}
    assert set(rows) == {
        "normal_hours",
        "avg_workday_hours_per_employee",
        "avg_weekend_overtime_hours",
        "hr_overtime_quantitative",
        "hr_weekend_overtime_penalty",
    }
    assert all(r.role == "detail" and r.block == "org_development" and r.direction == "hr" for r in rows.values())
    assert rows["normal_hours"].value == 1808.0
    assert rows["avg_workday_hours_per_employee"].value == pytest.approx(1921.0)
    assert rows["avg_weekend_overtime_hours"].value == pytest.approx(10.0)
    n1 = rows["hr_overtime_quantitative"]
    assert n1.value == pytest.approx(2.5)
    assert n1.max_points == 5.0
    assert n1.inputs["normal_hours"] == 1808.0
    w = rows["hr_weekend_overtime_penalty"]
    assert w.value == 1.0
    assert w.max_points == -2.0  # penalties carry their cap as a negative number
    frame = indicator_frame(rows.values())
    assert json.loads(frame.filter(frame["indicator"] == "avg_weekend_overtime_hours")["inputs"].item()) == {
        "avg_headcount": 16.0,
        "weekend_overtime_hours": 160.0,
    }


def test_indicator_rows_mio_and_heavy_weekend_work() -> None:
    # n = 10, m = 0 → a = b → N1 = 5; p = 1850 → s = 185 > 184 → W = 2
    rows = {r.indicator: r for r in overtime_indicator_rows(_row(0.0, 1850.0, 10.0, d=249), "MIO")}
    assert rows["normal_hours"].value == 1824.0
    assert rows["hr_overtime_quantitative"].value == 5.0
    assert rows["hr_weekend_overtime_penalty"].value == 2.0


def test_indicator_rows_without_headcount_are_not_scored() -> None:
    rows = overtime_indicator_rows(_row(100.0, 5.0, None), "CGO")
    assert [r.indicator for r in rows] == ["normal_hours"]
    assert [r.indicator for r in overtime_indicator_rows(_row(100.0, 5.0, 0.0), "CGO")] == ["normal_hours"]


def test_indicator_definitions_codes() -> None:
    codes = [d.code for d in OVERTIME_INDICATORS]
    assert codes == [
        "hr_overtime_quantitative",
        "hr_weekend_overtime_penalty",
        "avg_workday_hours_per_employee",
        "normal_hours",
        "avg_weekend_overtime_hours",
    ]
