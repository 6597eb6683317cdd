"""Seed 001 HR rules of issues 15, 16 and 21, with hand-computed numbers from the seed's wording.

Paper exit interviews (Appendix 12 note 6), the para. 35 negative-motive base, voluntary
leavers, empty denominators, missing headcount months, training completed after 31 December,
the 31 December personal-file snapshot, dated rosters and a body with no HR data at all.
"""

from __future__ import annotations

import json
from datetime import date

import polars as pl
import pytest

from kzeval.agencies import assessed_bodies, attach_assessed, resolve_hierarchy
from kzeval.indicators import hr
from kzeval.methodology import active_readings

YEAR = 2024

AGENCIES = pl.DataFrame(
    {
        "agency_id": ["MIN", "MIN-C", "MIN-D", "AKM"],
        "name_ru": ["Министерство", "Комитет", "Управление по району", "Акимат области"],
        "body_type": ["CGO", "CGO", "CGO", "MIO"],
        "parent_agency_id": [None, "MIN", "MIN", None],
        "is_assessed": [True, False, False, True],
        "region_code": [None, None, "35", "35"],
        "level": ["central", "central", "district", "oblast"],
    }
)
RESOLVED = resolve_hierarchy(AGENCIES)
BODIES = assessed_bodies(RESOLVED)


def _frame(rows: list[tuple], schema: dict[str, pl.DataType]) -> pl.DataFrame:
    return attach_assessed(pl.DataFrame(rows, schema=schema, orient="row"), RESOLVED)


DISMISSAL_SCHEMA = {
    "employee_id": pl.Utf8,
    "agency_id": pl.Utf8,
    "dismissed_on": pl.Date,
    "left_system": pl.Utf8,
    "exit_interview_done": pl.Boolean,
    "exempt_from_interview": pl.Boolean,
    "negative_reason": pl.Boolean,
    "interview_channel": pl.Utf8,
    "voluntary": pl.Boolean,
}


def _rows(frame_results: list, agency_id: str) -> dict[str, object]:
    return {r.indicator: r for r in frame_results if r.agency_id == agency_id}


# --- V «Выходное интервью»: paper interviews, negative base, voluntary leavers -----------------


def test_paper_interviews_limited_to_ten_percent() -> None:
    # share_of_total: floor(10 % × (8 + 2)) = 1; share_of_counted: p ≤ 0,1 × (8 + p) → p ≤ 8/9 → 0
    assert hr.paper_interviews_counted(8, 2, "share_of_total") == 1
    assert hr.paper_interviews_counted(8, 2, "share_of_counted") == 0
    # 90 electronic + 10 paper: 10 % of 100 = 10 → all 10; counted: 90 / 9 = 10 → all 10 (edge, inclusive)
    assert hr.paper_interviews_counted(90, 10, "share_of_total") == 10
    assert hr.paper_interviews_counted(90, 10, "share_of_counted") == 10
    # 89 + 11: floor(10,0) = 10 of 11; counted: floor(89 / 9 = 9,89) = 9
    assert hr.paper_interviews_counted(89, 11, "share_of_total") == 10
    assert hr.paper_interviews_counted(89, 11, "share_of_counted") == 9
    assert hr.paper_interviews_counted(5, 0, "share_of_total") == 0


def test_negative_share_base_reading() -> None:
    # 10 leavers, 4 interviewed, 3 of them negative
    # base leavers: 3/10 = 30 % → no penalty: V = 4/10 × 5 = 2
    assert hr.exit_interview_points(4, 10, 3, 10) == pytest.approx(2.0)
    # base interviewed: 3/4 = 75 % > 50 % → V = 2 − 1,5 = 0,5
    assert hr.exit_interview_points(4, 10, 3, 4) == pytest.approx(0.5)
    # exactly 50 % is not «более 50%»: 2 of 4
    assert hr.exit_interview_penalty(2, 4) == 0.0
    assert hr.exit_interview_penalty(3, 5) == 1.5  # 60 %


@pytest.mark.parametrize(("reading", "expected"), [("full_marks", 5.0), ("zero", 0.0), ("not_assessed", None)])
def test_exit_interview_without_leavers(reading: str, expected: float | None) -> None:
    assert hr.exit_interview_points(0, 0, 0, empty_reading=reading) == expected


def test_dismissals_paper_and_voluntary_end_to_end() -> None:
    d = date(YEAR, 5, 1)
    rows = [
        ("e1", "MIN", d, "civil_service", True, False, False, "electronic", True),
        ("e2", "MIN", d, "civil_service", True, False, False, "electronic", True),
        ("e3", "MIN", d, "agency", True, False, True, "paper", True),
        ("e4", "MIN", d, "agency", True, False, True, "paper", False),  # not voluntary
        ("e5", "MIN", d, "agency", False, False, False, None, False),  # not voluntary, no interview
        ("e6", "MIN", d, "civil_service", False, True, False, None, False),  # exempt (App. 12 item 7)
    ]
    frames = {"dismissals": _frame(rows, DISMISSAL_SCHEMA)}
    default, _ = hr.compute_hr(frames, BODIES, RESOLVED, YEAR, active_readings())
    v = _rows(default, "MIN")["hr_exit_interview"]
    # b = 5 non-exempt; electronic 2, paper 2 → floor(10 % × 4) = 0 paper counted → a = 2
    # negative 2 of 5 = 40 % → no penalty; V = 2/5 × 5 = 2
    assert v.value == pytest.approx(2.0)
    assert v.inputs["paper_counted"] == 0 and v.inputs["interviewed_paper"] == 2
    voluntary, _ = hr.compute_hr(
        frames, BODIES, RESOLVED, YEAR, active_readings({"hr.exit_interview_leavers": "voluntary_only"})
    )
    vv = _rows(voluntary, "MIN")["hr_exit_interview"]
    # b = e1, e2, e3 (voluntary); electronic 2, paper 1 → floor(0,3) = 0 → a = 2; negative 1/3 → none
    # V = 2/3 × 5 = 3,3333
    assert vv.value == pytest.approx(10 / 3)
    # R is not an exit-interview figure: it keeps every non-exempt civil-service leaver (e1, e2)
    stats = hr.dismissals_by_body(frames["dismissals"], YEAR, voluntary_only=True)["MIN"]
    assert (stats["leavers"], stats["leavers_civil_service"]) == (3, 2)  # e1, e2 (e6 is exempt)
    negative, _ = hr.compute_hr(
        frames, BODIES, RESOLVED, YEAR, active_readings({"hr.exit_interview_negative_base": "interviewed"})
    )
    # base = the 4 interviews filled (paper beyond the limit included), 2 negative = 50 % → no penalty
    assert _rows(negative, "MIN")["hr_exit_interview"].value == pytest.approx(2.0)
    one_more = frames["dismissals"].with_columns(
        pl.when(pl.col("employee_id") == "e1").then(True).otherwise(pl.col("negative_reason")).alias("negative_reason")
    )
    more, _ = hr.compute_hr(
        {"dismissals": one_more},
        BODIES,
        RESOLVED,
        YEAR,
        active_readings({"hr.exit_interview_negative_base": "interviewed"}),
    )
    # 3 of 4 interviews negative = 75 % → V = 2 − 1,5 = 0,5; over all 5 leavers 3/5 = 60 % → also 0,5
    assert _rows(more, "MIN")["hr_exit_interview"].value == pytest.approx(0.5)


# --- empty denominators of V, G, A, C (reading hr.empty_denominator) ---------------------------


@pytest.mark.parametrize(("reading", "expected"), [("full_marks", 10.0), ("zero", 0.0), ("not_assessed", None)])
def test_career_growth_and_competitions_without_denominator(reading: str, expected: float | None) -> None:
    assert hr.career_growth_points(0, 0, reading) == expected
    assert hr.competition_transparency_points(0, 0, 0, 0, "mean", reading) == expected
    gender = None if expected is None else expected / 2  # G max 5
    assert hr.gender_points(0, 0, "target_share", reading) == gender


def test_not_assessed_indicator_leaves_criterion_provisional() -> None:
    promotions = _frame(
        [("p1", "MIN", date(YEAR - 1, 3, 1), True, False)],  # last year's only: b = 0 this year
        {
            "employee_id": pl.Utf8,
            "agency_id": pl.Utf8,
            "appointed_on": pl.Date,
            "from_within_system": pl.Boolean,
            "is_entry_level": pl.Boolean,
        },
    )
    strategy = _frame(
        [("MIN", YEAR, "approved_full", 85.0)],
        {"agency_id": pl.Utf8, "year": pl.Int64, "strategy_status": pl.Utf8, "execution_pct": pl.Float64},
    )
    frames = {"promotions": promotions, "hr_strategy": strategy}
    results, directions = hr.compute_hr(
        frames, BODIES, RESOLVED, YEAR, active_readings({"hr.empty_denominator": "not_assessed"})
    )
    rows = _rows(results, "MIN")
    assert "hr_career_growth" not in rows
    # «Меритократия»: nothing produced → no criterion row; the direction is provisional
    assert "hr_meritocracy_culture" not in rows
    assert directions and directions[0].is_provisional
    full, _ = hr.compute_hr(frames, BODIES, RESOLVED, YEAR, active_readings())
    assert _rows(full, "MIN")["hr_career_growth"].value == 10.0  # b = 0 → kr = 1 → 10


def test_promotions_inside_district_units_reading() -> None:
    schema = {
        "employee_id": pl.Utf8,
        "agency_id": pl.Utf8,
        "appointed_on": pl.Date,
        "from_within_system": pl.Boolean,
        "is_entry_level": pl.Boolean,
    }
    d = date(YEAR, 3, 1)
    rows = [("p1", "MIN", d, True, False), ("p2", "MIN-D", d, False, False), ("p3", "MIN-D", d, False, False)]
    frames = {"promotions": _frame(rows, schema)}
    default, _ = hr.compute_hr(frames, BODIES, RESOLVED, YEAR, active_readings())
    # district_included: kr = 1/3 → C = 10 × 0,3333 = 3,3333
    assert _rows(default, "MIN")["hr_career_growth"].value == pytest.approx(10 / 3)
    only, _ = hr.compute_hr(
        frames, BODIES, RESOLVED, YEAR, active_readings({"hr.career_growth_district_posts": "appointed_in_scope"})
    )
    # appointed_in_scope: only p1 (central office) → kr = 1/1 ≥ 0,8 → 10
    assert _rows(only, "MIN")["hr_career_growth"].value == 10.0


# --- average headcount with missing months ---------------------------------------------------


def test_average_headcount_readings() -> None:
    assert hr.average_headcount(1100.0, 11) == pytest.approx(1100 / 12)  # 91,67: the seed's «(12)»
    assert hr.average_headcount(1100.0, 11, "months_reported") == pytest.approx(100.0)
    assert hr.average_headcount(0.0, 0, "months_reported") == 0.0


def test_missing_month_flags_n_based_figures() -> None:
    ends = pl.date_range(date(YEAR, 1, 1), date(YEAR, 11, 1), "1mo", eager=True).dt.month_end().to_list()
    headcount = _frame(
        [("MIN", e, 100, 100) for e in ends],  # 11 month-ends, December missing: Σ = 1100
        {"agency_id": pl.Utf8, "month_end": pl.Date, "actual_headcount": pl.Int64, "staff_posts": pl.Int64},
    )
    internships = _frame(
        [("MIN", YEAR, 5, 5)],
        {"agency_id": pl.Utf8, "year": pl.Int64, "interns_sent": pl.Int64, "interns_received": pl.Int64},
    )
    frames = {"headcount_monthly": headcount, "internships": internships}
    default, _ = hr.compute_hr(frames, BODIES, RESOLVED, YEAR, active_readings())
    i = _rows(default, "MIN")["hr_internships"]
    # n = 1100 / 12 = 91,67; 10 interns = 10,91 % > 10 % → 2, provisional (December missing)
    assert i.value == 2.0
    assert i.is_provisional and i.inputs["headcount_months_missing"] is True
    by_months, _ = hr.compute_hr(
        frames, BODIES, RESOLVED, YEAR, active_readings({"hr.headcount_missing_months": "months_reported"})
    )
    # n = 1100 / 11 = 100; 10 interns = 10 % exactly: not «более 10%» → 1
    assert _rows(by_months, "MIN")["hr_internships"].value == 1.0


# --- training completed after 31 December ----------------------------------------------------


def test_training_completed_after_year_end_reading() -> None:
    schema = {"employee_id": pl.Utf8, "agency_id": pl.Utf8, "kind": pl.Utf8, "due_by": pl.Date, "completed_on": pl.Date}
    rows = [
        ("t1", "MIN", "qualification", date(YEAR, 5, 1), date(YEAR, 4, 1)),  # on time
        ("t2", "MIN", "qualification", date(YEAR, 11, 1), date(YEAR + 1, 1, 15)),  # after 31 December
    ]
    frames = {"training": _frame(rows, schema)}
    default, _ = hr.compute_hr(frames, BODIES, RESOLVED, YEAR, active_readings())
    # a/b = 1/2, c/d = 1 (d = 0): 5 × 0,5 × 1,5 = 3,75; not completed → −1 → 2,75
    assert _rows(default, "MIN")["hr_training"].value == pytest.approx(2.75)
    late, _ = hr.compute_hr(frames, BODIES, RESOLVED, YEAR, active_readings({"hr.training_after_year_end": "late"}))
    # late → −0,5 → 3,25
    assert _rows(late, "MIN")["hr_training"].value == pytest.approx(3.25)
    assert _rows(late, "MIN")["hr_training"].inputs["completed_after_year_end"] == 1


# --- personal files: 31 December only ---------------------------------------------------------


def test_personal_files_use_31_december_only() -> None:
    schema = {"agency_id": pl.Utf8, "as_of": pl.Date, "employees": pl.Int64, "files_complete": pl.Int64}
    rows = [
        ("MIN", date(YEAR, 12, 31), 100, 99),  # 99 % ≥ 99 % → 1,5
        ("MIN-C", date(YEAR, 9, 30), 50, 10),  # September only: not filled in, reported
    ]
    results, _ = hr.compute_hr({"personal_files": _frame(rows, schema)}, BODIES, RESOLVED, YEAR, active_readings())
    k = _rows(results, "MIN")["hr_personal_files"]
    assert k.value == 1.5
    assert k.inputs["employees"] == 100 and k.inputs["units_without_31_december"] == ["MIN-C"]
    assert k.is_provisional


# --- dated rosters and a body without HR data -------------------------------------------------

EMPLOYEE_SCHEMA = {
    "employee_id": pl.Utf8,
    "agency_id": pl.Utf8,
    "gender": pl.Utf8,
    "corps": pl.Utf8,
    "position_category": pl.Utf8,
    "is_leadership": pl.Boolean,
    "hired_on": pl.Date,
    "left_on": pl.Date,
    "as_of": pl.Date,
}


def _rosters() -> pl.DataFrame:
    hired = date(2010, 1, 1)
    return _frame(
        [
            ("e1", "MIN", "F", "A", None, True, hired, None, date(2023, 12, 31)),  # 2023: 1 woman of 1 leader
            ("e1", "MIN", "F", "A", None, True, hired, None, date(2024, 12, 31)),  # 2024: 1 woman of 4 leaders
            ("e2", "MIN", "M", "A", None, True, hired, None, date(2024, 12, 31)),
            ("e3", "MIN", "M", "A", None, True, hired, None, date(2024, 12, 31)),
            ("e4", "MIN", "M", "A", None, True, hired, None, date(2024, 12, 31)),
            ("e9", "MIN", "M", "A", None, True, hired, None, date(2024, 6, 30)),  # older roster of the year
        ],
        EMPLOYEE_SCHEMA,
    )


def test_each_year_uses_its_own_roster() -> None:
    frames = {"employees": _rosters()}
    r2024, _ = hr.compute_hr(frames, BODIES, RESOLVED, 2024, active_readings())
    # 2024: newest roster 31.12.2024 → 1 woman of 4 leaders = 25 % → G = min(5, 5 × 0,25 / 0,3) = 4,1667
    g = _rows(r2024, "MIN")["hr_gender"]
    assert g.value == pytest.approx(5 * 0.25 / 0.3)
    assert g.inputs["leaders"] == 4 and "undated_roster" not in g.inputs
    r2023, _ = hr.compute_hr(frames, BODIES, RESOLVED, 2023, active_readings())
    assert _rows(r2023, "MIN")["hr_gender"].value == 5.0  # 1 of 1 = 100 % → 5
    r2022, d2022 = hr.compute_hr(frames, BODIES, RESOLVED, 2022, active_readings())
    assert r2022 == [] and d2022 == []  # no roster of 2022: nothing, not «nobody in post»


def test_undated_roster_is_used_but_provisional() -> None:
    frames = {"employees": _rosters().with_columns(pl.lit(None, dtype=pl.Date).alias("as_of"))}
    results, _ = hr.compute_hr(frames, BODIES, RESOLVED, 2024, active_readings())
    g = _rows(results, "MIN")["hr_gender"]
    assert g.is_provisional and g.inputs["undated_roster"] == ["employees"]


def test_body_without_any_hr_row_is_not_computed() -> None:
    """Issue 16: AKM has no row in any HR table → no indicator, no direction (not 45 empty-denominator points)."""
    schema = {"employee_id": pl.Utf8, "agency_id": pl.Utf8, "kind": pl.Utf8, "due_by": pl.Date, "completed_on": pl.Date}
    competitions = _frame(
        [("k1", "MIN", date(YEAR, 3, 1), True, True, True, 0)],
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
    frames = {
        "training": _frame([("t1", "MIN", "qualification", date(YEAR, 5, 1), date(YEAR, 4, 1))], schema),
        "competitions": competitions,
        "promotions": _frame(
            [],
            {
                "employee_id": pl.Utf8,
                "agency_id": pl.Utf8,
                "appointed_on": pl.Date,
                "from_within_system": pl.Boolean,
                "is_entry_level": pl.Boolean,
            },
        ),
    }
    results, directions = hr.compute_hr(frames, BODIES, RESOLVED, YEAR, active_readings())
    assert {r.agency_id for r in results} == {"MIN"}
    assert [d.agency_id for d in directions] == ["MIN"]
    # MIN itself: U = 5, A = 10, C (no promotion) = 10 → its own rows are computed as before
    mine = _rows(results, "MIN")
    assert (mine["hr_training"].value, mine["hr_competition_transparency"].value) == (5.0, 10.0)
    assert json.loads(json.dumps(mine["hr_meritocracy_culture"].inputs))["missing"] == [
        "hr_meritocracy",
        "hr_reward_transparency",
        "hr_ethics",
    ]
