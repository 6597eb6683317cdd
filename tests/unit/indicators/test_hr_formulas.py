"""HR scalar formulas (seed 001, methodology §5.2) with hand-computed numbers."""

from __future__ import annotations

import pytest

from kzeval.indicators import hr

# --- R «Чистая сменяемость» (LOW): max(0, 10 − a/b × 100 × λ) -----------------------------


def test_net_turnover_lambda_readings() -> None:
    # 5 leavers / 100 average headcount = 5 %; λ = 1: 10 − 5 = 5; λ = 0,5: 10 − 2,5 = 7,5
    assert hr.net_turnover_points(5, 100.0, "lambda_1") == pytest.approx(5.0)
    assert hr.net_turnover_points(5, 100.0, "lambda_0_5") == pytest.approx(7.5)


def test_net_turnover_clamped_at_zero_and_empty_headcount() -> None:
    # 15 % turnover: 10 − 15 = −5 → 0
    assert hr.net_turnover_points(15, 100.0, "lambda_1") == 0.0
    # no headcount → turnover 0 → 10
    assert hr.net_turnover_points(3, 0.0, "lambda_1") == 10.0


# --- St «Стабильность» (LOW): min(5, a/b × 5) ---------------------------------------------


def test_stability() -> None:
    assert hr.stability_points(70, 100.0) == pytest.approx(3.5)  # 70/100 × 5
    assert hr.stability_points(120, 100.0) == 5.0  # 6 → cap 5
    assert hr.stability_points(10, 0.0) == 0.0  # b = 0 → 0


# --- V «Выходное интервью», para. 35 ------------------------------------------------------


def test_exit_interview_share() -> None:
    assert hr.exit_interview_points(8, 10, 0) == pytest.approx(4.0)  # 8/10 × 5


def test_exit_interview_negative_rule_exactly_50_vs_50_1_percent() -> None:
    # exactly 50 % negative: «более 50%» not met → no penalty: 800/1000 × 5 = 4
    assert hr.exit_interview_points(800, 1000, 500) == pytest.approx(4.0)
    assert hr.exit_interview_penalty(500, 1000) == 0.0
    # 50,1 % negative: 4 − 1,5 = 2,5
    assert hr.exit_interview_points(800, 1000, 501) == pytest.approx(2.5)
    assert hr.exit_interview_penalty(501, 1000) == 1.5


def test_exit_interview_floor_and_empty() -> None:
    # 2/10 × 5 = 1; 6/10 negative → 1 − 1,5 = −0,5 → 0
    assert hr.exit_interview_points(2, 10, 6) == 0.0
    # no leavers → 5 (assumed)
    assert hr.exit_interview_points(0, 0, 0) == 5.0


# --- G «Гендерный состав» (LOW) -----------------------------------------------------------


def test_gender_target_share() -> None:
    # 3 of 20 leaders are women: 0,15 / 0,30 × 5 = 2,5
    assert hr.gender_points(3, 20, "target_share") == pytest.approx(2.5)
    # 40 %: 5 × 0,4 / 0,3 = 6,67 → cap 5
    assert hr.gender_points(8, 20, "target_share") == 5.0
    # no leadership post → full points
    assert hr.gender_points(0, 0, "target_share") == 5.0


def test_gender_banded_edges() -> None:
    assert hr.gender_points(3, 10, "banded") == 5.0  # 30 %
    assert hr.gender_points(2999, 10000, "banded") == 3.0  # 29,99 %
    assert hr.gender_points(2, 10, "banded") == 3.0  # 20 %
    assert hr.gender_points(15, 100, "banded") == 1.0  # 15 %
    assert hr.gender_points(999, 10000, "banded") == 0.0  # 9,99 %


# --- P «Качественный состав», para. 37 (cap 5) --------------------------------------------


def test_qualifications_cap_and_empty() -> None:
    assert hr.qualification_points(12, 100.0) == pytest.approx(0.6)  # 12/100 × 5
    assert hr.qualification_points(150, 100.0) == 5.0  # 7,5 → cap 5 (overlapping counts)
    assert hr.qualification_points(5, 0.0) == 0.0  # z = 0 → 0


# --- N «Нормированность труда», para. 40 --------------------------------------------------


def test_overtime_n1_plus_n2_minus_w() -> None:
    # 2,5 + 3,75 − 1 = 5,25
    assert hr.overtime_points(2.5, 3.75, 1.0, "overtime") == pytest.approx(5.25)
    # W deducted from «Организация труда» instead: 2,5 + 3,75 = 6,25
    assert hr.overtime_points(2.5, 3.75, 1.0, "work_organisation") == pytest.approx(6.25)


def test_overtime_max_floor_and_parts() -> None:
    assert hr.overtime_points(5.0, 5.0, 0.0, "overtime") == 10.0
    assert hr.overtime_points(0.0, 0.5, 2.0, "overtime") == 0.0  # 0,5 − 2 → 0
    assert hr.overtime_points(None, 3.0, 0.0, "overtime") == 3.0  # survey only
    assert hr.overtime_points(4.0, None, 1.0, "overtime") == 3.0  # turnstile only: 4 − 1
    with pytest.raises(ValueError):
        hr.overtime_points(None, None, 0.0, "overtime")


# --- U «Обучение», para. 44 ---------------------------------------------------------------


def test_training_ratios_and_penalties() -> None:
    # 5 × 0,5 × (8/10 + 3/4) = 2,5 × 1,55 = 3,875
    assert hr.training_points(8, 10, 3, 4, 0, 0) == pytest.approx(3.875)
    # 1 late (0,5) + 1 missed (1) = 1,5 → 2,375
    assert hr.training_points(8, 10, 3, 4, 1, 1) == pytest.approx(2.375)


def test_training_empty_denominators_are_one() -> None:
    # b = 0 and d = 0 → a/b = c/d = 1 → 5 × 0,5 × 2 = 5
    assert hr.training_points(0, 0, 0, 0, 0, 0) == 5.0
    # b = 0 only: 5 × 0,5 × (1 + 1/2) = 3,75
    assert hr.training_points(0, 0, 1, 2, 0, 0) == pytest.approx(3.75)


def test_training_penalty_cap_and_floor() -> None:
    # 4 late × 0,5 + 4 missed × 1 = 6 → cap 5
    assert hr.training_penalty(4, 4) == 5.0
    assert hr.training_points(0, 0, 0, 0, 4, 4) == 0.0  # 5 − 5
    # 0/10 and 0/10 → 0, minus 1 → floored at 0
    assert hr.training_points(0, 10, 0, 10, 0, 1) == 0.0


# --- S «Стратегическое кадровое планирование», para. 45 -----------------------------------


@pytest.mark.parametrize(
    ("status", "pct", "expected"),
    [
        ("approved_full", 80.0, 5.0),  # 2 + 3
        ("approved_full", 79.99, 4.0),  # 2 + 2
        ("approved_partial", 60.0, 3.0),  # 1 + 2
        ("approved_partial", 59.99, 2.0),  # 1 + 1
        ("approved_full", 40.0, 3.0),  # 2 + 1
        ("approved_full", 39.99, 2.0),  # 2 + 0
        ("approved_full", None, 2.0),  # not reported → b = 0
        ("none", 95.0, 0.0),  # no strategy → nothing executed
        (None, None, 0.0),  # no row
    ],
)
def test_strategy_bands(status: str | None, pct: float | None, expected: float) -> None:
    assert hr.strategy_points(status, pct) == expected


# --- I «Проведение стажировки», para. 45-1 ------------------------------------------------


@pytest.mark.parametrize(
    ("interns", "avg", "expected"),
    [
        (4, 100.0, 0.0),  # 4 %
        (5, 100.0, 1.0),  # 5 % («не менее 5%»)
        (10, 100.0, 1.0),  # 10 % («не более 10%»)
        (3, 30.0, 1.0),  # 10 % computed as 10.000000000000002 in binary
        (1001, 10000.0, 2.0),  # 10,01 % («более 10%»)
        (11, 100.0, 2.0),
        (5, 0.0, 0.0),  # no headcount
    ],
)
def test_internship_bands(interns: int, avg: float, expected: float) -> None:
    assert hr.internship_points(interns, avg) == expected


# --- K «Заполняемость ИС Е-қызмет», para. 45-2 --------------------------------------------


def test_personal_files_threshold() -> None:
    assert hr.personal_files_points(9899, 10000) == 0.0  # 98,99 %
    assert hr.personal_files_points(99, 100) == 1.5  # 99 %
    assert hr.personal_files_points(0, 0) == 0.0


# --- A «Прозрачность конкурсных процедур», para. 48 (Q9) ----------------------------------


def test_competition_readings() -> None:
    # c = 10, a (observer) = 8, b (video) = 6
    assert hr.competition_transparency_points(10, 8, 6, 0, "mean") == pytest.approx(7.0)  # 10 × (0,8 + 0,6)/2
    assert hr.competition_transparency_points(10, 8, 6, 0, "product") == pytest.approx(4.8)  # 10 × 0,8 × 0,6
    assert hr.competition_transparency_points(10, 8, 6, 0, "video_subset") == pytest.approx(6.0)  # 10 × 0,6


def test_competition_video_penalty_cap_and_floor() -> None:
    assert hr.competition_transparency_points(10, 8, 6, 3, "mean") == pytest.approx(4.0)  # 7 − 3
    assert hr.competition_video_penalty(15) == 10.0  # cap 10
    assert hr.competition_transparency_points(10, 10, 10, 15, "mean") == 0.0  # 10 − 10
    assert hr.competition_transparency_points(10, 8, 6, 15, "mean") == 0.0  # 7 − 10 → 0


def test_competition_none_held() -> None:
    assert hr.competition_transparency_points(0, 0, 0, 0, "product") == 10.0


# --- C «Карьерный рост», para. 50 ---------------------------------------------------------


def test_career_growth_jump_at_0_8() -> None:
    assert hr.career_growth_points(79, 100) == pytest.approx(7.9)  # kr 0,79 → 10 × 0,79
    assert hr.career_growth_points(80, 100) == 10.0  # kr 0,80 → 10
    assert hr.career_growth_points(4, 5) == 10.0  # 0,8 exactly
    assert hr.career_growth_points(0, 5) == 0.0
    assert hr.career_growth_points(0, 0) == 10.0  # no promotion → kr = 1


# --- Criteria ------------------------------------------------------------------------------


def test_work_organisation_cap_30_with_bonuses() -> None:
    # N 10 + T 5 + Y 5 + S 5 + U 5 + I 2 + K 1,5 = 33,5 → 30
    assert hr.work_organisation_points(33.5) == 30.0
    # 27 + I 2 + K 1,5 = 30,5 → 30: the bonuses only fill the shortfall
    assert hr.work_organisation_points(30.5) == 30.0
    assert hr.work_organisation_points(26.0) == 26.0
    # W deducted after the cap (reading work_organisation): min(30, 33,5) − 2 = 28
    assert hr.work_organisation_points(33.5, 2.0) == 28.0


def test_criterion_cap() -> None:
    assert hr.criterion_points(31.0, 30.0) == 30.0
    assert hr.criterion_points(12.5, 30.0) == 12.5
