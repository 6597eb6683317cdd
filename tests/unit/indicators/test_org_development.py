"""End to end: landing frames → HR and IT indicators, scope (para. 28), missing tables, readings."""

from __future__ import annotations

import calendar
import json
from datetime import date
from typing import Any

import polars as pl
import pytest

from kzeval.agencies import assessed_bodies, attach_assessed, resolve_hierarchy
from kzeval.indicators import hr
from kzeval.indicators.org_development import (
    block_weights,
    compute_org_development,
    org_block_scoring_rules,
    penalty_points_per_fact,
)
from kzeval.indicators.scoring import score_directions_and_block
from kzeval.methodology import active_readings

YEAR = 2024

AGENCIES = pl.DataFrame(
    {
        "agency_id": [
            "MIN",
            "MIN-C",
            "MIN-T",
            "MIN-TC",
            "MIN-AST",
            "MIN-D",
            "AKM",
            "AKM-U",
            "AKM-CITY",
            "AKM-D",
            "AKM-R",
            "AST",
            "AST-U",
            "AST-D",
        ],
        "name_ru": [
            "Министерство",
            "Комитет",
            "Департамент по области",
            "Управление по г. Темиртау",
            "Департамент по г. Астана",
            "Управление по району",
            "Акимат области",
            "Управление области",
            "Акимат города областного значения",
            "Акимат района",
            "Аппарат акима сельского округа",
            "Акимат г. Астаны",
            "Управление г. Астаны",
            "Акимат района в городе",
        ],
        "body_type": ["CGO"] * 6 + ["MIO"] * 8,
        "parent_agency_id": [
            None,
            "MIN",
            "MIN",
            "MIN-T",
            "MIN",
            "MIN-T",
            None,
            "AKM",
            "AKM",
            "AKM",
            "AKM-D",
            None,
            "AST",
            "AST",
        ],
        "is_assessed": [True] + [False] * 5 + [True] + [False] * 4 + [True, False, False],
        "region_code": [None, None, "35", "35", "71", "35", "35", "35", "35", "35", "35", "71", "71", "71"],
        "level": [
            "central",
            "central",
            "territorial",
            "city",
            "city",
            "district",
            "oblast",
            "oblast",
            "city",
            "district",
            "rural",
            "city",
            "city",
            "district",
        ],
    }
)
RESOLVED = resolve_hierarchy(AGENCIES)
BODIES = assessed_bodies(RESOLVED)


def _frame(rows: list[dict[str, Any]], schema: dict[str, Any]) -> pl.DataFrame:
    return attach_assessed(pl.DataFrame(rows, schema=schema, orient="row"), RESOLVED)


def _month_ends(year: int) -> list[date]:
    return [date(year, m, calendar.monthrange(year, m)[1]) for m in range(1, 13)]


def headcount() -> pl.DataFrame:
    per_month = {
        "MIN": 60,
        "MIN-C": 30,
        "MIN-T": 10,
        "MIN-D": 1000,
        "MIN-TC": 500,
        "AKM": 40,
        "AKM-U": 10,
        "AKM-CITY": 300,
        "AKM-D": 300,
    }
    rows = [(unit, d, n, n) for unit, n in per_month.items() for d in _month_ends(YEAR)]
    rows.append(("MIN", date(YEAR - 1, 12, 31), 999, 999))  # other year
    return _frame(
        rows, {"agency_id": pl.Utf8, "month_end": pl.Date, "actual_headcount": pl.Int64, "staff_posts": pl.Int64}
    )


def dismissals() -> pl.DataFrame:
    rows = [
        # employee, unit, date, left_system, interview_done, exempt, negative
        ("d1", "MIN", date(YEAR, 2, 1), "civil_service", True, False, True),
        ("d2", "MIN", date(YEAR, 3, 1), "civil_service", True, False, True),
        ("d3", "MIN-C", date(YEAR, 4, 1), "civil_service", True, False, False),
        ("d4", "MIN-C", date(YEAR, 5, 1), "civil_service", False, False, False),
        ("d5", "MIN", date(YEAR, 6, 1), "agency", True, False, True),
        ("d6", "MIN-T", date(YEAR, 7, 1), "agency", False, False, False),
        ("d7", "MIN", date(YEAR, 8, 1), "civil_service", False, True, True),  # exempt
        ("d8", "MIN-D", date(YEAR, 9, 1), "civil_service", False, False, True),  # district: out of scope
        ("d9", "MIN", date(YEAR - 1, 9, 1), "civil_service", False, False, True),  # other year
    ]
    return _frame(
        rows,
        {
            "employee_id": pl.Utf8,
            "agency_id": pl.Utf8,
            "dismissed_on": pl.Date,
            "left_system": pl.Utf8,
            "exit_interview_done": pl.Boolean,
            "exempt_from_interview": pl.Boolean,
            "negative_reason": pl.Boolean,
        },
    )


ROSTER_DATE = date(YEAR, 12, 31)


def employees() -> pl.DataFrame:
    rows = [
        ("e1", "MIN", "F", "A", None, True, date(2015, 3, 1), None),
        ("e2", "MIN", "M", "B", None, True, date(2022, 6, 1), None),
        ("e3", "MIN-C", "M", "B", None, True, date(2024, 2, 1), None),
        ("e4", "MIN-C", "M", "B", None, True, date(2020, 1, 1), None),
        ("e5", "MIN-T", "F", "B", None, False, date(2019, 1, 1), date(2024, 6, 30)),  # left
        ("e6", "MIN-D", "F", "B", None, True, date(2000, 1, 1), None),  # out of scope
        ("e7", "MIN", "M", "B", None, False, date(2018, 1, 1), date(2023, 5, 31)),  # moved within the body
        ("e7", "MIN-C", "M", "B", None, False, date(2023, 6, 1), None),
        ("e8", "MIN", "M", "B", None, True, date(2025, 1, 10), None),  # hired after the year
    ]
    return _frame(
        rows,
        {
            "employee_id": pl.Utf8,
            "agency_id": pl.Utf8,
            "gender": pl.Utf8,
            "corps": pl.Utf8,
            "position_category": pl.Utf8,
            "is_leadership": pl.Boolean,
            "hired_on": pl.Date,
            "left_on": pl.Date,
        },
    ).with_columns(pl.lit(ROSTER_DATE).alias("as_of"))  # the year's 31 December roster


QUALIFICATION_FLAGS = [
    "candidate_of_science",
    "doctor_of_science",
    "phd",
    "academy_graduate",
    "bolashak",
    "nu_graduate",
    "foreign_education",
    "aspirant",
    "youth_reserve",
    "masters_kz",
]


def qualifications() -> pl.DataFrame:
    def row(employee: str, unit: str, *flags: str) -> tuple[Any, ...]:
        return (employee, unit, *[f in flags for f in QUALIFICATION_FLAGS])

    rows = [
        row("e1", "MIN", "phd", "bolashak"),
        row("e2", "MIN", "masters_kz"),
        row("e3", "MIN-C"),
        row("e6", "MIN-D", "phd"),
    ]
    return _frame(
        rows, {"employee_id": pl.Utf8, "agency_id": pl.Utf8, **dict.fromkeys(QUALIFICATION_FLAGS, pl.Boolean)}
    ).with_columns(pl.lit(ROSTER_DATE).alias("as_of"))


def training() -> pl.DataFrame:
    rows = [
        ("t1", "MIN", "qualification", date(YEAR, 5, 1), date(YEAR, 4, 20)),  # on time
        ("t2", "MIN", "qualification", date(YEAR, 5, 1), date(YEAR, 6, 10)),  # late
        ("t3", "MIN-C", "qualification", date(YEAR, 9, 1), None),  # missed
        ("t4", "MIN", "qualification", date(YEAR, 11, 1), date(YEAR + 1, 1, 15)),  # done only next year: missed
        ("t5", "MIN", "retraining", date(YEAR, 3, 1), date(YEAR, 3, 1)),  # on the due date: on time
        ("t6", "MIN", "retraining", date(YEAR - 1, 3, 1), None),  # other year
    ]
    return _frame(
        rows,
        {"employee_id": pl.Utf8, "agency_id": pl.Utf8, "kind": pl.Utf8, "due_by": pl.Date, "completed_on": pl.Date},
    )


def internships() -> pl.DataFrame:
    rows = [("MIN", YEAR, 3, 4), ("MIN-C", YEAR, 1, 0), ("MIN-D", YEAR, 50, 0), ("AKM", YEAR, 3, 3)]
    return _frame(
        rows, {"agency_id": pl.Utf8, "year": pl.Int64, "interns_sent": pl.Int64, "interns_received": pl.Int64}
    )


def personal_files() -> pl.DataFrame:
    rows = [
        ("MIN", date(YEAR, 6, 30), 60, 10),
        ("MIN", date(YEAR, 12, 31), 60, 60),
        ("MIN-C", date(YEAR, 12, 31), 40, 39),
    ]
    return _frame(rows, {"agency_id": pl.Utf8, "as_of": pl.Date, "employees": pl.Int64, "files_complete": pl.Int64})


def promotions() -> pl.DataFrame:
    rows = [
        ("p1", "MIN", date(YEAR, 1, 10), True, False),
        ("p2", "MIN", date(YEAR, 2, 10), True, False),
        ("p3", "MIN-C", date(YEAR, 3, 10), True, False),
        ("p4", "MIN-T", date(YEAR, 4, 10), True, False),
        ("p5", "MIN", date(YEAR, 5, 10), False, False),
        ("p6", "MIN", date(YEAR, 6, 10), True, True),  # entry-level: out of a and b
        ("p7", "MIN-D", date(YEAR, 7, 10), False, False),  # district: counts for «Карьерный рост»
        ("p8", "AKM-D", date(YEAR, 7, 10), True, False),  # district: counts
        ("p9", "AKM-R", date(YEAR, 7, 10), False, False),  # rural okrug: does not
    ]
    return _frame(
        rows,
        {
            "employee_id": pl.Utf8,
            "agency_id": pl.Utf8,
            "appointed_on": pl.Date,
            "from_within_system": pl.Boolean,
            "is_entry_level": pl.Boolean,
        },
    )


def competitions() -> pl.DataFrame:
    rows = [
        ("c1", "MIN", date(YEAR, 1, 5), True, True, True, 0),
        ("c2", "MIN", date(YEAR, 2, 5), True, True, False, 1),
        ("c3", "MIN-C", date(YEAR, 3, 5), True, False, False, 0),
        ("c4", "MIN", date(YEAR, 4, 5), False, True, True, 2),  # did not take place
    ]
    return _frame(
        rows,
        {
            "competition_id": pl.Utf8,
            "agency_id": pl.Utf8,
            "held_on": pl.Date,
            "took_place": pl.Boolean,
            "has_observer": pl.Boolean,
            "has_video": pl.Boolean,
            "video_violations": pl.Int64,
        },
    )


def hr_strategy() -> pl.DataFrame:
    rows = [("MIN", YEAR, "approved_full", 80.0), ("MIN-C", YEAR, "none", None)]
    return _frame(
        rows, {"agency_id": pl.Utf8, "year": pl.Int64, "strategy_status": pl.Utf8, "execution_pct": pl.Float64}
    )


def survey() -> pl.DataFrame:
    questions = [f"q{i}" for i in range(1, 29)]
    all4 = [4] * 26 + [2, 2]
    all3 = [3] * 26 + [2, 2]
    only_q1 = [1] + [None] * 27
    rows = [
        ("r1", "MIN", YEAR, *all4),
        ("r2", "MIN-C", YEAR, *all3),
        ("r3", "MIN", YEAR, *only_q1),
        ("r4", "MIN-D", YEAR, *[1] * 28),  # out of scope
        ("r5", "AKM", YEAR, *all4),
        ("r6", "AKM", YEAR - 1, *[1] * 28),  # other year
    ]
    return _frame(
        rows, {"respondent_id": pl.Utf8, "agency_id": pl.Utf8, "year": pl.Int64, **dict.fromkeys(questions, pl.Int64)}
    )


def it_report() -> pl.DataFrame:
    rows = [("MIN", YEAR, 45, 50, None, 85.0, 18, 24, 8, 6, 120, 30, 100.0, 40.0, 10, 7, 3)]
    schema = {
        "agency_id": pl.Utf8,
        "year": pl.Int64,
        "systems_registered": pl.Int64,
        "systems_total": pl.Int64,
        "smart_city_sum": pl.Float64,
        "records_current_weighted_pct": pl.Float64,
        "functions_automated": pl.Int64,
        "functions_total": pl.Int64,
        "digital_unit_staff": pl.Int64,
        "digital_unit_it_educated": pl.Int64,
        "staff_total": pl.Int64,
        "staff_ict_certified": pl.Int64,
        "contracts_amount_kzt": pl.Float64,
        "contracts_local_content_kzt": pl.Float64,
        "indicators_total": pl.Int64,
        "indicators_automatic": pl.Int64,
        "unused_systems": pl.Int64,
    }
    return _frame(rows, schema)


def all_frames() -> dict[str, pl.DataFrame]:
    return {
        "headcount_monthly": headcount(),
        "dismissals": dismissals(),
        "employees": employees(),
        "qualifications": qualifications(),
        "training": training(),
        "internships": internships(),
        "personal_files": personal_files(),
        "promotions": promotions(),
        "competitions": competitions(),
        "hr_strategy": hr_strategy(),
        "survey_responses": survey(),
        "it_report": it_report(),
    }


OVERTIME = pl.DataFrame({"agency_id": ["MIN"], "hr_overtime_quantitative": [2.5], "hr_weekend_overtime_penalty": [1.0]})


def _by_code(frame: pl.DataFrame, agency_id: str) -> dict[str, dict[str, Any]]:
    return {row["indicator"]: row for row in frame.filter(pl.col("agency_id") == agency_id).iter_rows(named=True)}


# --- scope, para. 28 -----------------------------------------------------------------------


def test_hr_scope_predicate() -> None:
    scope = {
        r["agency_id"]: (r["in_hr_scope"], r["in_career_scope"]) for r in hr.hr_scope(RESOLVED).iter_rows(named=True)
    }
    assert scope["MIN"] == (True, True)
    assert scope["MIN-C"] == (True, True)  # committee central office
    assert scope["MIN-T"] == (True, True)  # territorial unit in an oblast
    assert scope["MIN-AST"] == (True, True)  # unit in the capital (city directly under the centre)
    assert scope["MIN-TC"] == (False, True)  # city of oblast significance
    assert scope["MIN-D"] == (False, True)  # district: only «Карьерный рост»
    assert scope["AKM-U"] == (True, True)
    assert scope["AKM-CITY"] == (False, True)
    assert scope["AKM-R"] == (False, False)  # rural okrug: never
    assert scope["AST"] == (True, True)  # city of republican significance
    assert scope["AST-U"] == (True, True)
    assert scope["AST-D"] == (False, True)  # district in a city
    assert hr.unit_in_hr_scope(None, []) is True


# --- HR end to end -------------------------------------------------------------------------


def test_hr_indicators_hand_computed() -> None:
    indicators, directions = compute_org_development(all_frames(), BODIES, RESOLVED, YEAR, active_readings(), OVERTIME)
    v = {code: row["value"] for code, row in _by_code(indicators, "MIN").items()}
    # average headcount: (60 + 30 + 10) × 12 / 12 = 100 (district 1000 and Temirtau 500 out; 2023 ignored)
    # R: non-exempt civil-service leavers d1–d4 = 4 → 4 % → 10 − 4 = 6
    assert v["hr_net_turnover"] == pytest.approx(6.0)
    # St: in post at 31.12 e1, e2, e3, e4, e7; ≥ 3 years (hired ≤ 31.12.2021): e1, e4, e7 (first hire 2018) = 3
    #     3 / 100 × 5 = 0,15
    assert v["hr_stability"] == pytest.approx(0.15)
    # V: leavers d1–d6 = 6, interviewed d1, d2, d3, d5 = 4, negative d1, d2, d5 = 3 → 50 % exactly: no penalty
    #    4/6 × 5 = 3,3333
    assert v["hr_exit_interview"] == pytest.approx(10 / 3)
    # G: leaders in post e1 (F), e2, e3, e4 → 1/4 = 25 %; 5 × 0,25 / 0,3 = 4,1667
    assert v["hr_gender"] == pytest.approx(25 / 6)
    # P: phd + bolashak (e1) + masters (e2) = 3; 3/100 × 5 = 0,15
    assert v["hr_qualifications"] == pytest.approx(0.15)
    # N2: i1 from answers 4, 3, 1 → mean 8/3 → 5/9; i2..i4 from 4, 3 → 5/6
    #     5 × (5/9 + 3 × 5/6) / 4 = 5 × 55/72 = 275/72
    assert v["hr_overtime_survey"] == pytest.approx(275 / 72)
    # N = 2,5 + 275/72 − 1 = 5,3194
    assert v["hr_overtime"] == pytest.approx(2.5 + 275 / 72 - 1)
    # T, Y, D, E: 5 × 5/6; M: 10 × 5/6
    for code in ("hr_work_conditions", "hr_management_practices", "hr_reward_transparency", "hr_ethics"):
        assert v[code] == pytest.approx(25 / 6)
    assert v["hr_meritocracy"] == pytest.approx(50 / 6)
    # U: a/b = 1/4 (t1 of t1–t4), c/d = 1/1 (t5); 5 × 0,5 × 1,25 = 3,125; late t2 0,5 + missed t3, t4 2 → 0,625
    assert v["hr_training"] == pytest.approx(0.625)
    # S: the body's own row approved_full, 80 % → 2 + 3
    assert v["hr_strategy"] == 5.0
    # I: 3 + 4 + 1 = 8 interns / 100 = 8 % → 1 (district 50 out of scope)
    assert v["hr_internships"] == 1.0
    # K: latest snapshots 60 + 39 = 99 of 60 + 40 = 100 → 99 % → 1,5
    assert v["hr_personal_files"] == 1.5
    # A: c = 3 (c4 did not take place), a = 2, b = 1 → 10 × (2/3 + 1/3)/2 = 5 − 1 violation = 4
    assert v["hr_competition_transparency"] == pytest.approx(4.0)
    # C: b = p1–p5 + p7 (district counts) = 6, a = p1–p4 = 4 → kr 0,667 → 6,667
    assert v["hr_career_growth"] == pytest.approx(20 / 3)
    # criteria
    kp = 6 + 0.15 + 10 / 3 + 25 / 6 + 0.15
    o = (2.5 + 275 / 72 - 1) + 25 / 6 + 25 / 6 + 5 + 0.625 + 1 + 1.5
    moc = 4 + 50 / 6 + 20 / 3 + 25 / 6 + 25 / 6
    assert v["hr_staff_potential"] == pytest.approx(kp)
    assert v["hr_work_organisation"] == pytest.approx(o)
    assert v["hr_meritocracy_culture"] == pytest.approx(moc)
    hr_total = directions.filter((pl.col("agency_id") == "MIN") & (pl.col("direction") == "hr"))
    assert hr_total["raw_score"][0] == pytest.approx(kp + o + moc)  # 62,9111
    # R, St and G are LOW → the direction is provisional
    assert hr_total["is_provisional"][0]
    rows = _by_code(indicators, "MIN")
    assert rows["hr_staff_potential"]["role"] == "criterion"
    assert rows["hr_overtime_survey"]["role"] == "detail"
    assert json.loads(rows["hr_overtime"]["inputs"])["n_source"] == "turnstile_and_survey"
    assert not rows["hr_overtime"]["is_provisional"]
    assert rows["hr_overtime"]["reading"] == (
        "hr.agreement_index=normalised_mean;hr.overtime_exit_allowance=deduction;hr.weekend_penalty_target=overtime"
    )


def test_mio_survey_only_overtime_and_career_scope() -> None:
    indicators, directions = compute_org_development(all_frames(), BODIES, RESOLVED, YEAR, active_readings(), OVERTIME)
    rows = _by_code(indicators, "AKM")
    # one respondent answering 4 everywhere → every index 1 → N2 = 5; no turnstile data → N = N2 = 5
    assert rows["hr_overtime"]["value"] == 5.0
    assert json.loads(rows["hr_overtime"]["inputs"])["n_source"] == "survey_only"
    assert rows["hr_overtime"]["is_provisional"]
    # C: p8 (district, within) counts, p9 (rural) does not → kr = 1/1 → 10
    assert rows["hr_career_growth"]["value"] == 10.0
    # I: 6 interns / (40 + 10) = 12 % → 2
    assert rows["hr_internships"]["value"] == 2.0
    # no strategy row → 0; no competitions → shares 1 → 10
    assert rows["hr_strategy"]["value"] == 0.0
    assert rows["hr_competition_transparency"]["value"] == 10.0
    # no IT report row → no IT direction for AKM
    assert directions.filter((pl.col("agency_id") == "AKM") & (pl.col("direction") == "it")).is_empty()


def test_reading_switches_change_values_and_flags() -> None:
    base, _ = compute_org_development(all_frames(), BODIES, RESOLVED, YEAR, active_readings(), OVERTIME)
    readings = active_readings(
        {
            "hr.net_turnover": "lambda_0_5",
            "hr.stability": "tenure_1_year",
            "hr.gender": "banded",
            "hr.qualifications": "distinct_employees",
            "hr.competition_transparency": "product",
            "hr.agreement_index": "share_agreeing",
            "hr.weekend_penalty_target": "work_organisation",
        }
    )
    switched, _ = compute_org_development(all_frames(), BODIES, RESOLVED, YEAR, readings, OVERTIME)
    b, s = _by_code(base, "MIN"), _by_code(switched, "MIN")
    assert s["hr_net_turnover"]["value"] == pytest.approx(8.0)  # 10 − 4 × 0,5
    assert s["hr_net_turnover"]["reading"] == "hr.net_turnover=lambda_0_5"
    assert s["hr_stability"]["value"] == pytest.approx(0.2)  # ≥ 1 year: e1, e2, e4, e7 = 4 → 4/100 × 5
    assert s["hr_gender"]["value"] == 3.0  # 25 % → band 20–29,99
    assert s["hr_qualifications"]["value"] == pytest.approx(0.1)  # 2 distinct employees / 100 × 5
    # product: 10 × 2/3 × 1/3 = 2,2222 − 1 = 1,2222
    assert s["hr_competition_transparency"]["value"] == pytest.approx(20 / 9 - 1)
    # share agreeing: i1 = 2/3, i2..i4 = 1 → 5 × (2/3 + 3)/4 = 55/12
    assert s["hr_overtime_survey"]["value"] == pytest.approx(55 / 12)
    # W moves to «Организация труда»: N = 2,5 + 55/12 = 7,0833
    assert s["hr_overtime"]["value"] == pytest.approx(2.5 + 55 / 12)
    # O = N + T 5 + Y 5 + S 5 + U 0,625 + I 1 + K 1,5 = 25,2083 − W 1 = 24,2083
    assert s["hr_work_organisation"]["value"] == pytest.approx(2.5 + 55 / 12 + 5 + 5 + 5 + 0.625 + 1 + 1.5 - 1)
    assert json.loads(s["hr_work_organisation"]["inputs"])["W_deducted"] == 1.0
    # LOW readings are provisional, MEDIUM ones are not
    for code in ("hr_net_turnover", "hr_stability", "hr_gender"):
        assert b[code]["is_provisional"] and s[code]["is_provisional"]
    for code in ("hr_qualifications", "hr_competition_transparency", "hr_exit_interview", "hr_work_conditions"):
        assert not b[code]["is_provisional"]


def test_work_organisation_cap_in_frames() -> None:
    frames = all_frames()
    # I = 2 (20 interns / 100 = 20 %), U = 5 (no training due: a/b = c/d = 1), N1 = 5 and W = 0:
    # N = 5 + 275/72 = 8,8194; O = 8,8194 + T 25/6 + Y 25/6 + S 5 + U 5 + I 2 + K 1,5 = 30,65 → cap 30
    frames["internships"] = _frame(
        [("MIN", YEAR, 20, 0)],
        {"agency_id": pl.Utf8, "year": pl.Int64, "interns_sent": pl.Int64, "interns_received": pl.Int64},
    )
    frames["training"] = frames["training"].clear()
    overtime = pl.DataFrame(
        {"agency_id": ["MIN"], "hr_overtime_quantitative": [5.0], "hr_weekend_overtime_penalty": [0.0]}
    )
    indicators, _ = compute_org_development(frames, BODIES, RESOLVED, YEAR, active_readings(), overtime)
    rows = _by_code(indicators, "MIN")
    inputs = json.loads(rows["hr_work_organisation"]["inputs"])
    assert inputs["component_sum"] == pytest.approx(5 + 275 / 72 + 25 / 6 + 25 / 6 + 5 + 5 + 2 + 1.5)
    assert rows["hr_work_organisation"]["value"] == 30.0


def test_overtime_accepts_indicator_rows() -> None:
    long_form = pl.DataFrame(
        {
            "agency_id": ["MIN", "MIN", "MIN"],
            "indicator": ["hr_overtime_quantitative", "hr_weekend_overtime_penalty", "normal_hours"],
            "value": [2.5, 1.0, 1808.0],
        }
    )
    assert hr.overtime_by_body(long_form) == {"MIN": (2.5, 1.0)}
    # a negative W (penalty stored as a signed contribution) is read as its magnitude
    signed = pl.DataFrame(
        {"agency_id": ["MIN"], "hr_overtime_quantitative": [2.5], "hr_weekend_overtime_penalty": [-2.0]}
    )
    assert hr.overtime_by_body(signed) == {"MIN": (2.5, 2.0)}
    assert hr.overtime_by_body(None) == {}


# --- missing tables ------------------------------------------------------------------------


def test_missing_table_drops_indicators_and_flags_totals() -> None:
    frames = all_frames()
    del frames["employees"]
    indicators, directions = compute_org_development(frames, BODIES, RESOLVED, YEAR, active_readings(), OVERTIME)
    rows = _by_code(indicators, "MIN")
    assert "hr_stability" not in rows and "hr_gender" not in rows
    kp = rows["hr_staff_potential"]
    assert json.loads(kp["inputs"])["missing"] == ["hr_stability", "hr_gender"]
    assert kp["value"] == pytest.approx(6 + 10 / 3 + 0.15)  # R + V + P
    assert kp["is_provisional"]
    # MOC is complete and has only MEDIUM/HIGH readings → not provisional
    assert not rows["hr_meritocracy_culture"]["is_provisional"]
    hr_row = directions.filter((pl.col("agency_id") == "MIN") & (pl.col("direction") == "hr"))
    assert hr_row["is_provisional"][0]


def test_directions_without_inputs_are_not_produced() -> None:
    only_it = {"it_report": it_report()}
    indicators, directions = compute_org_development(only_it, BODIES, RESOLVED, YEAR, active_readings())
    assert set(directions["direction"].to_list()) == {"it"}
    assert set(indicators["direction"].to_list()) == {"it"}
    frames = all_frames()
    del frames["it_report"]
    _, directions = compute_org_development(frames, BODIES, RESOLVED, YEAR, active_readings())
    assert set(directions["direction"].to_list()) == {"hr"}
    indicators, directions = compute_org_development({}, BODIES, RESOLVED, YEAR, active_readings())
    assert indicators.is_empty() and directions.is_empty()


def test_survey_only_table_gives_survey_indicators() -> None:
    indicators, directions = compute_org_development(
        {"survey_responses": survey()}, BODIES, RESOLVED, YEAR, active_readings()
    )
    rows = _by_code(indicators, "MIN")
    assert json.loads(rows["hr_overtime"]["inputs"])["n_source"] == "survey_only"
    assert rows["hr_overtime"]["value"] == pytest.approx(275 / 72)
    assert "hr_staff_potential" not in rows  # no component produced
    hr_row = directions.filter(pl.col("agency_id") == "MIN")
    assert hr_row["is_provisional"][0]
    # AST has no survey answers → no HR row at all
    assert directions.filter(pl.col("agency_id") == "AST").is_empty()


# --- block scoring rules -------------------------------------------------------------------


def test_block_scoring_rules_follow_readings() -> None:
    assert block_weights(active_readings()) == {"hr": 0.5, "it": 0.5}
    assert block_weights(active_readings({"org.block_combination": "interaction_weights"})) == {"hr": 0.7, "it": 0.3}
    assert block_weights(active_readings({"org.block_combination": "none"})) is None
    assert penalty_points_per_fact(active_readings()) == {"unreliable": 0.2, "incomplete": 2.0, "late": 0.2}
    assert penalty_points_per_fact(active_readings({"org.late_reporting_penalty": "as_incomplete"}))["late"] == 2.0

    directions = pl.DataFrame(
        {
            "agency_id": ["MIN", "MIN"],
            "block": ["org_development"] * 2,
            "direction": ["hr", "it"],
            "raw_score": [80.0, 64.0],
            "reading": ["default"] * 2,
            "is_provisional": [True, True],
        }
    )
    penalties = pl.DataFrame(
        {
            "agency_id": ["MIN", "MIN", "MIN"],
            "year": [YEAR] * 3,
            "direction": ["it", "it", "hr"],
            "kind": ["late", "incomplete", "incomplete"],
            "facts": [3, 1, 6],
            "act_ref": ["a1", "a2", "a3"],
        }
    )
    scores, block = score_directions_and_block(
        directions, penalties, BODIES, YEAR, org_block_scoring_rules(active_readings())
    )
    pen = {r["direction"]: r["reporting_penalty"] for r in scores.iter_rows(named=True)}
    assert pen["it"] == pytest.approx(2.6)  # 3 late × 0,2 + 1 incomplete × 2
    assert pen["hr"] == 10.0  # 6 × 2 = 12 → cap 10
    # (80 − 10) × 0,5 + (64 − 2,6) × 0,5 = 35 + 30,7 = 65,7 → «Низкая»
    assert block["score"][0] == pytest.approx(65.7)
    assert block["efficiency_tier"][0] == "low"
    _, none_block = score_directions_and_block(
        directions, penalties, BODIES, YEAR, org_block_scoring_rules(active_readings({"org.block_combination": "none"}))
    )
    assert none_block.is_empty()
