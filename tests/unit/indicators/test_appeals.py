"""Direction «Качество рассмотрения жалоб и заявлений» (seed 004 chapter 5): hand-computed checks."""

from __future__ import annotations

import datetime as dt
from typing import Any

import duckdb
import polars as pl
import pytest

from kzeval.indicators import appeals as ap
from kzeval.methodology import active_readings

YEAR = 2024
D = dt.date
BODIES = pl.DataFrame(
    {
        "agency_id": ["A", "B", "C"],
        "body_type": ["CGO", "MIO", "MIO"],
        "name_ru": ["a", "b", "c"],
        "region_code": [None, "11", "15"],
    }
)
ASSESSED = {"A-1": "A", "A-2": "A", "A": "A", "B": "B", "C": "C"}
SCHEMA: dict[str, Any] = {
    "appeal_id": pl.Utf8,
    "agency_id": pl.Utf8,
    "kind": pl.Utf8,
    "received_on": pl.Date,
    "due_on": pl.Date,
    "reviewed_on": pl.Date,
    "redirected_on": pl.Date,
    "redirect_due_on": pl.Date,
    "court_satisfied_on": pl.Date,
    "disciplinary": pl.Utf8,
}


def appeals_frame(rows: list[tuple[Any, ...]]) -> pl.DataFrame:
    frame = pl.DataFrame([dict(zip(SCHEMA, r, strict=True)) for r in rows], schema=SCHEMA)
    return frame.with_columns(
        pl.col("agency_id").replace_strict(ASSESSED, return_dtype=pl.Utf8).alias("assessed_agency_id")
    )


# ---------------------------------------------------------------------------------------
# Scalar formulas
# ---------------------------------------------------------------------------------------


def test_review_timeliness() -> None:
    # 5 late of 1 000 reviewed: 40 − 5/1000 · 1000 = 35
    assert ap.review_timeliness(5, 1_000) == pytest.approx(35.0)
    # 50 late of 1 000: 40 − 50 → 0
    assert ap.review_timeliness(50, 1_000) == 0.0
    assert ap.review_timeliness(0, 0) == 40.0


def test_court_overturned() -> None:
    # para. 100: no overturned case → 30, whatever p is
    assert ap.court_overturned(0, 0) == 30.0
    assert ap.court_overturned(0, 5_000) == 30.0
    # 2 of 10 000: 30 − 2 = 28
    assert ap.court_overturned(2, 10_000) == pytest.approx(28.0)
    # 40 of 10 000: 30 − 40 → 0
    assert ap.court_overturned(40, 10_000) == 0.0
    # a court decision in force in the year, nothing reviewed (a = 1, p = 0): para. 100's 30 is only for a body
    # without such appeals → 0 by default (appeals.r2_nothing_reviewed=zero); 30 under max
    assert ap.court_overturned(1, 0) == 0.0
    assert ap.court_overturned(1, 0, "zero") == 0.0
    assert ap.court_overturned(1, 0, "max") == 30.0
    assert ap.court_overturned(0, 0, "zero") == 30.0  # no decision at all: para. 100
    with pytest.raises(ValueError, match=r"appeals\.r2_nothing_reviewed"):
        ap.court_overturned(1, 0, "whatever")


def test_redirect_timeliness() -> None:
    # 5 of 100 received redirected late: 20 − 5 = 15 (per 100, i.e. percentage points)
    assert ap.redirect_timeliness(5, 100) == pytest.approx(15.0)
    assert ap.redirect_timeliness(30, 100) == 0.0
    assert ap.redirect_timeliness(0, 0) == 20.0


@pytest.mark.parametrize(
    ("share", "points"),
    [
        (100.0, 10.0),
        (90.0, 10.0),
        (89.99, 8.0),
        (80.0, 8.0),
        (79.9, 6.0),
        (70.0, 6.0),
        (69.9, 4.0),
        (60.0, 4.0),
        (59.9, 1.0),
        (50.0, 1.0),
        (49.99, 0.0),
        (0.0, 0.0),
        (None, 10.0),  # no late case
    ],
)
def test_internal_control_bands(share: float | None, points: float) -> None:
    assert ap.internal_control(share) == points


def test_disciplinary_share_readings() -> None:
    # 10 late, 9 disciplined: 90 %
    assert ap.disciplinary_share_pct(10, 9, 0, "exclude_both") == pytest.approx(90.0)
    # 10 late, 7 disciplined, 2 impossible: exclude_both 7/8 = 87.5 % → 8; numerator_only 7/10 = 70 % → 6
    assert ap.disciplinary_share_pct(10, 7, 2, "exclude_both") == pytest.approx(87.5)
    assert ap.disciplinary_share_pct(10, 7, 2, "numerator_only") == pytest.approx(70.0)
    assert ap.internal_control(ap.disciplinary_share_pct(10, 7, 2, "exclude_both")) == 8.0
    assert ap.internal_control(ap.disciplinary_share_pct(10, 7, 2, "numerator_only")) == 6.0
    # all 3 late cases impossible: exclude_both → nothing to judge → 10; numerator_only → 0 % → 0
    assert ap.disciplinary_share_pct(3, 0, 3, "exclude_both") is None
    assert ap.internal_control(ap.disciplinary_share_pct(3, 0, 3, "numerator_only")) == 0.0
    assert ap.disciplinary_share_pct(0, 0, 0, "numerator_only") is None


def test_internal_control_when_every_late_case_is_impossible() -> None:
    # 3 late cases, all impossible (exclude_both: share undefined): max → 10 (default), zero → 0
    share = ap.disciplinary_share_pct(3, 0, 3, "exclude_both")
    assert share is None
    assert ap.internal_control(share, 3) == 10.0
    assert ap.internal_control(share, 3, "max") == 10.0
    assert ap.internal_control(share, 3, "zero") == 0.0
    # no late case at all: Appendix 13's 10 under both readings
    assert ap.internal_control(None, 0, "zero") == 10.0
    # a defined share is banded whatever the reading: 1 of 2 = 50 % → 1
    assert ap.internal_control(50.0, 2, "zero") == 1.0
    with pytest.raises(ValueError, match=r"appeals\.r4_all_impossible"):
        ap.internal_control(None, 3, "whatever")


# ---------------------------------------------------------------------------------------
# Aggregation and direction
# ---------------------------------------------------------------------------------------

RECORDS = [
    # 1 received and reviewed on time in the year → p, m
    ("1", "A-1", "complaint", D(2024, 1, 10), D(2024, 2, 10), D(2024, 2, 1), None, None, None, None),
    # 2 reviewed late in the year → p, f, m; liability imposed
    ("2", "A-2", "application", D(2024, 3, 1), D(2024, 3, 15), D(2024, 3, 20), None, None, None, "yes"),
    # 3 received in 2023, reviewed late in 2024 → p, f (not m); liability impossible (dismissal)
    ("3", "A", "complaint", D(2023, 12, 20), D(2024, 1, 20), D(2024, 1, 25), None, None, None, "impossible"),
    # 4 received in 2024, reviewed in 2025 → m only
    ("4", "A-1", "complaint", D(2024, 12, 20), D(2025, 1, 20), D(2025, 1, 10), None, None, None, None),
    # 5 redirected late in 2024 → m, n; no liability
    ("5", "A-1", "complaint", D(2024, 5, 1), D(2024, 5, 20), None, D(2024, 5, 10), D(2024, 5, 6), None, "no"),
    # 6 redirected on time → m only
    ("6", "A-2", "complaint", D(2024, 6, 1), D(2024, 6, 20), None, D(2024, 6, 2), D(2024, 6, 4), None, None),
    # 7 reviewed in 2022, overturned by a court in 2024 → a only
    ("7", "A", "complaint", D(2022, 1, 1), D(2022, 3, 1), D(2022, 2, 1), None, None, D(2024, 4, 1), None),
    # 8 out-of-scope kind → ignored entirely
    ("8", "A", "request", D(2024, 1, 1), D(2024, 1, 2), D(2024, 3, 1), None, None, D(2024, 5, 1), "no"),
    # 9 reviewed on the due date (not late) → p, m; court decision in 2025 does not count for 2024
    ("9", "A-2", "complaint", D(2024, 7, 1), D(2024, 7, 15), D(2024, 7, 15), None, None, D(2025, 1, 5), None),
    # 10 still unreviewed at year end → m only
    ("10", "A-1", "application", D(2024, 8, 1), D(2024, 8, 10), None, None, None, None, None),
    # body B: only an appeal of 2023 → not scored in 2024
    ("11", "B", "complaint", D(2023, 2, 1), D(2023, 2, 20), D(2023, 2, 10), None, None, None, None),
]


def test_aggregate_appeals_year_rules() -> None:
    row = ap.aggregate_appeals(appeals_frame(RECORDS), YEAR).row(0, named=True)
    assert row["_body"] == "A"
    # p = #1 #2 #3 #9; f = #2 #3; a = #7; m = #1 #2 #4 #5 #6 #9 #10; n = #5
    assert (row["reviewed"], row["reviewed_late"], row["court_overturned"]) == (4, 2, 1)
    assert (row["received"], row["redirected_late"]) == (7, 1)
    # late cases = #2 #3 #5; disciplined #2; impossible #3
    assert (row["late_cases"], row["disciplined"], row["impossible"]) == (3, 1, 1)
    assert ap.aggregate_appeals(appeals_frame(RECORDS), YEAR).height == 1  # B has nothing in 2024


def test_duckdb_aggregation_counts_exactly_what_the_polars_one_counts() -> None:
    extra = [
        # null dates and flags everywhere, a unit unknown to the hierarchy (not counted), a body C row
        ("12", "A-1", "complaint", None, None, None, None, None, None, None),
        ("13", "X-9", "complaint", D(2024, 2, 1), D(2024, 2, 5), D(2024, 2, 9), None, None, None, "yes"),
        (
            "14",
            "C",
            "application",
            D(2024, 9, 1),
            D(2024, 9, 5),
            D(2024, 9, 9),
            D(2024, 9, 3),
            D(2024, 9, 2),
            None,
            None,
        ),
    ]
    landed = pl.DataFrame([dict(zip(SCHEMA, r, strict=True)) for r in RECORDS + extra], schema=SCHEMA)
    agencies = pl.DataFrame({"agency_id": list(ASSESSED), "assessed_agency_id": list(ASSESSED.values())})
    con = duckdb.connect()
    con.register("landed", landed)
    con.register("agencies", agencies)
    in_duckdb = ap.aggregate_appeals_in_duckdb(con, "landed", "agencies", YEAR)
    with_bodies = landed.join(agencies, on="agency_id", how="left")
    in_polars = ap.aggregate_appeals(with_bodies, YEAR)
    assert in_duckdb.equals(in_polars)
    # C: reviewed late (9 Sep > 5 Sep) and redirected late, one late case; X-9 belongs to no body
    assert in_duckdb["_body"].to_list() == ["A", "C"]
    # reviewed, reviewed_late, court, received, redirected_late, late, disciplined, impossible, then the
    # received-in-the-year variants of reviewed, reviewed_late, late, disciplined, impossible
    assert in_duckdb.row(1) == ("C", 1, 1, 0, 1, 1, 1, 0, 0, 1, 1, 1, 0, 0)
    # A's received-in-the-year variants: p = #1 #2 #9 (#3 came in 2023), f = #2, late = #2 #5, disciplined #2
    a_row = in_duckdb.row(0, named=True)
    assert [a_row[c] for c in ap.PERIOD_COLUMNS.values()] == [3, 1, 2, 1, 0]
    # the same direction scores whichever way the counts were made
    readings = active_readings()
    frames_duckdb = {ap.AGGREGATED_FRAME: in_duckdb}
    assert ap.compute_appeals(frames_duckdb, BODIES, YEAR, readings) == ap.compute_appeals(
        {"appeals": with_bodies}, BODIES, YEAR, readings
    )
    # every reading holds in both paths
    for overrides in (
        {"appeals.period": "received_and_reviewed"},
        {"appeals.r2_nothing_reviewed": "max", "appeals.r4_all_impossible": "zero"},
    ):
        readings = active_readings(overrides)
        assert ap.compute_appeals(frames_duckdb, BODIES, YEAR, readings) == ap.compute_appeals(
            {"appeals": with_bodies}, BODIES, YEAR, readings
        )


def test_compute_appeals_small_body() -> None:
    indicators, directions = ap.compute_appeals({"appeals": appeals_frame(RECORDS)}, BODIES, YEAR, active_readings())
    v = {r.indicator: r.value for r in indicators}
    assert v["appeal_review_timeliness"] == 0.0  # 40 − 2/4 · 1000 < 0
    assert v["appeal_court_overturned"] == 0.0  # 30 − 1/4 · 10 000 < 0
    assert v["appeal_redirect_timeliness"] == pytest.approx(20 - 100 / 7)  # 20 − 1/7 · 100 = 5.714…
    assert v["appeal_internal_control"] == 1.0  # 1 / (3 − 1) = 50 % → 1
    assert directions[0].raw_score == pytest.approx(20 - 100 / 7 + 1)
    # numerator_only: 1/3 = 33.3 % → 0
    indicators, _ = ap.compute_appeals(
        {"appeals": appeals_frame(RECORDS)}, BODIES, YEAR, active_readings({"appeals.r4_impossible": "numerator_only"})
    )
    r4 = next(r for r in indicators if r.indicator == "appeal_internal_control")
    assert r4.value == 0.0
    assert r4.reading == "appeals.period=reviewed;appeals.r4_all_impossible=max;appeals.r4_impossible=numerator_only"
    assert r4.max_points == 10.0


def _bulk(body: str, reviewed_on_time: int, reviewed_late: int, disciplinary: str) -> list[tuple[Any, ...]]:
    rows: list[tuple[Any, ...]] = []
    for i in range(reviewed_on_time):
        rows.append(
            (f"{body}-ok-{i}", body, "complaint", D(2024, 3, 1), D(2024, 3, 31), D(2024, 3, 20), None, None, None, None)
        )
    for i in range(reviewed_late):
        rows.append(
            (
                f"{body}-late-{i}",
                body,
                "application",
                D(2024, 3, 1),
                D(2024, 3, 31),
                D(2024, 4, 2),
                None,
                None,
                None,
                disciplinary,
            )
        )
    return rows


def test_compute_appeals_typical_body_and_no_late_cases() -> None:
    rows = _bulk("C", 995, 5, "yes") + _bulk("B", 200, 0, "no")
    indicators, directions = ap.compute_appeals({"appeals": appeals_frame(rows)}, BODIES, YEAR, active_readings())
    values = {(r.agency_id, r.indicator): r.value for r in indicators}
    # C: p = 1000, f = 5 → R1 = 35; no court → R2 = 30; m = 1000, n = 0 → R3 = 20; 5/5 = 100 % → R4 = 10
    assert values[("C", "appeal_review_timeliness")] == pytest.approx(35.0)
    assert values[("C", "appeal_court_overturned")] == 30.0
    assert values[("C", "appeal_redirect_timeliness")] == 20.0
    assert values[("C", "appeal_internal_control")] == 10.0
    raw = {d.agency_id: d.raw_score for d in directions}
    assert raw["C"] == pytest.approx(95.0)
    # B: nothing late → 40 + 30 + 20 + 10 = 100 (R4: «no complaints reviewed or redirected late» → 10)
    assert raw["B"] == pytest.approx(100.0)
    assert not any(d.is_provisional for d in directions)


def test_compute_appeals_without_table() -> None:
    assert ap.compute_appeals({}, BODIES, YEAR, active_readings()) == ([], [])


def test_appeals_received_and_reviewed_in_the_year() -> None:
    # C: 995 received and reviewed on time in 2024; 5 received in December 2023, reviewed late in January 2024
    late_from_2023 = [
        (f"C-old-{i}", "C", "complaint", D(2023, 12, 1), D(2023, 12, 31), D(2024, 1, 9), None, None, None, "no")
        for i in range(5)
    ]
    frame = appeals_frame(_bulk("C", 995, 0, "no") + late_from_2023)
    # reviewed (default): p = 1000, f = 5 → R1 = 40 − 5 = 35; R4: 0 of 5 disciplined → 0
    indicators, _ = ap.compute_appeals({"appeals": frame}, BODIES, YEAR, active_readings())
    v = {r.indicator: r.value for r in indicators}
    assert v["appeal_review_timeliness"] == pytest.approx(35.0)
    assert v["appeal_internal_control"] == 0.0
    # received_and_reviewed: p = 995, f = 0 → R1 = 40; no late case left → R4 = 10
    readings = active_readings({"appeals.period": "received_and_reviewed"})
    indicators, directions = ap.compute_appeals({"appeals": frame}, BODIES, YEAR, readings)
    by_code = {r.indicator: r for r in indicators}
    assert by_code["appeal_review_timeliness"].value == 40.0
    assert by_code["appeal_review_timeliness"].inputs["p"] == 995
    assert by_code["appeal_internal_control"].value == 10.0
    assert "appeals.period=received_and_reviewed" in directions[0].reading
    # m (R3) counts the received appeals under both readings: 995 received in 2024, none redirected late → 20
    assert by_code["appeal_redirect_timeliness"].inputs["m"] == 995


def test_court_decision_without_reviewed_appeals_and_all_impossible_late_cases() -> None:
    # B: one appeal reviewed in 2022 whose court decision entered into force in 2024 → p = 0, a = 1
    court_only = [
        ("b1", "B", "complaint", D(2022, 1, 1), D(2022, 3, 1), D(2022, 2, 1), None, None, D(2024, 4, 1), None)
    ]
    # C: 95 on time + 5 late, every late case «impossible» (dismissal)
    rows = court_only + _bulk("C", 95, 5, "impossible")
    frame = appeals_frame(rows)
    indicators, directions = ap.compute_appeals({"appeals": frame}, BODIES, YEAR, active_readings())
    values = {(r.agency_id, r.indicator): r.value for r in indicators}
    # B defaults: R1 = 40 (p = 0, f = 0), R2 = 0, R3 = 20 (m = 0), R4 = 10 (no late case) → H = 70
    assert values[("B", "appeal_court_overturned")] == 0.0
    assert {d.agency_id: d.raw_score for d in directions}["B"] == pytest.approx(70.0)
    # C defaults: R1 = 40 − 5/100 · 1000 = −10 → 0; R4 = 10 (all 5 late cases impossible, nothing to judge)
    assert values[("C", "appeal_internal_control")] == 10.0
    readings = active_readings({"appeals.r2_nothing_reviewed": "max", "appeals.r4_all_impossible": "zero"})
    indicators, directions = ap.compute_appeals({"appeals": frame}, BODIES, YEAR, readings)
    values = {(r.agency_id, r.indicator): r.value for r in indicators}
    assert values[("B", "appeal_court_overturned")] == 30.0  # → H = 100
    assert values[("C", "appeal_internal_control")] == 0.0
    assert {d.agency_id: d.raw_score for d in directions}["B"] == pytest.approx(100.0)
