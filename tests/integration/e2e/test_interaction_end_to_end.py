"""From a hand-made landing folder to marts.fct_block_scores, with hand-computed figures.

One CGO with a territorial sub-unit and one MIO; the expected numbers are worked out in the
comments from methodology §1–4 (seed 004) and checked against the published marts.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from pipelines.launch import run_assessment
from tests.support.drops import AGENCIES_HEADER, HEADERS, write_table

pytestmark = pytest.mark.slow

YEAR = 2024


def _drop(root: Path) -> None:
    write_table(
        root,
        "agencies",
        AGENCIES_HEADER,
        [
            ["C1", "Министерство тестов", "CGO", "", "true", "", "central"],
            ["C1-T", "Департамент по Карагандинской области", "CGO", "C1", "false", "35", "territorial"],
            ["M1", "Акимат Карагандинской области", "MIO", "", "true", "35", "oblast"],
        ],
    )
    # b (CGO) = 100 000 + 100 000 = 200 000 (the sub-unit rolls up); monitoring late = 3 − 1 outage = 2,
    # but the inspection (4) takes precedence. MIO b = 50 000, no late.
    write_table(
        root,
        "services_rendered",
        HEADERS["services_rendered"],
        [
            ["C1", "S1", "2024-01-01", "electronic", 100000, 3, 1],
            ["C1-T", "S1", "2024-02-01", "paper", 100000, 0, 0],
            ["M1", "S9", "2024-01-01", "electronic", 50000, 0, 0],
        ],
    )
    write_table(
        root,
        "service_violations",
        HEADERS["service_violations"],
        [
            ["C1", "S1", YEAR, "inspection", 4, 1, 0, 0],
            ["M1", "S9", YEAR, "self_report", 0, 0, 1, 0],
        ],
    )
    write_table(
        root,
        "service_satisfaction",
        HEADERS["service_satisfaction"],
        [["C1", "S1", YEAR, 4.85, 100], ["M1", "S9", YEAR, 4.65, 100]],
    )
    write_table(root, "service_complaints", HEADERS["service_complaints"], [["C1", YEAR, 10], ["M1", YEAR, 0]])
    write_table(
        root,
        "service_register",
        HEADERS["service_register"],
        [
            ["S1", "C1", "full", "true", "", ""],
            ["S2", "C1", "none", "false", "", ""],
            ["S9", "M1", "full", "true", "", ""],
        ],
    )
    write_table(
        root,
        "service_automation",
        HEADERS["service_automation"],
        [["C1", YEAR, 90, 100, 10, 100, 2, 1, 0]],
    )
    points = []
    for item, criterion, kk, ru in [
        ("1", "open_data", 2.5, 2.5),
        ("11", "open_budget", 2, 2),
        ("4", "open_legal_acts", 3.5, 3.5),
        ("1", "open_dialogue", 2.5, 2.5),
        ("1", "open_website", 1.5, 1.5),
    ]:
        points += [["C1", YEAR, criterion, item, "kk", kk], ["C1", YEAR, criterion, item, "ru", ru]]
    points += [["C1", YEAR, "open_subordinate_penalty", "9.1", "kk", 1.5]]
    points += [["M1", YEAR, "open_data", "1", "kk", 2.5]]
    write_table(root, "openness_points", HEADERS["openness_points"], points)
    write_table(
        root,
        "openness_media",
        HEADERS["openness_media"],
        [
            ["C1", YEAR, "kk", 6, 10, 4, 4, 1, 80, 70],
            ["C1", YEAR, "ru", 12, 24, 0, 0, 0, 100, 85],
            ["M1", YEAR, "kk", 0, 0, 0, 0, 0, 50, 40],
        ],
    )
    header = [
        "appeal_id",
        "agency_id",
        "kind",
        "received_on",
        "due_on",
        "reviewed_on",
        "redirected_on",
        "redirect_due_on",
        "court_satisfied_on",
        "disciplinary",
    ]
    appeals = [
        [f"C1-{i}", "C1", "complaint", "2024-03-01", "2024-03-16", "2024-03-10", "", "", "", ""] for i in range(999)
    ]
    appeals.append(
        ["C1-court", "C1-T", "complaint", "2024-03-01", "2024-03-16", "2024-03-10", "", "", "2024-06-01", ""]
    )
    appeals.append(["C1-late", "C1", "application", "2024-02-01", "2024-02-15", "2024-02-20", "", "", "", "yes"])
    appeals.append(
        ["C1-redir", "C1", "complaint", "2024-04-01", "2024-04-15", "", "2024-04-05", "2024-04-04", "", "no"]
    )
    appeals.append(["C1-other", "C1", "request", "2024-04-01", "2024-04-15", "2024-05-30", "", "", "", ""])
    appeals += [
        [f"M1-{i}", "M1", "application", "2024-05-01", "2024-05-16", "2024-05-10", "", "", "", ""] for i in range(100)
    ]
    write_table(root, "appeals", header, appeals)
    write_table(
        root,
        "reporting_penalties",
        HEADERS["reporting_penalties"],
        [["C1", YEAR, "services", "unreliable", 2, "Акт-1"]],
    )


def test_landing_folder_to_block_scores(tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    _drop(landing)
    published = tmp_path / "warehouse" / "kzeval.duckdb"
    result = run_assessment(YEAR, landing, published)
    assert result.success, result.failures

    with duckdb.connect(str(published), read_only=True) as con:
        value = dict(
            ((a, i), v)
            for a, i, v in con.execute(
                "SELECT agency_id, indicator, value FROM marts.fct_indicator_scores WHERE year = ?", [YEAR]
            ).fetchall()
        )
        direction = dict(
            ((a, d), (raw, pen, s))
            for a, d, raw, pen, s in con.execute(
                "SELECT agency_id, direction, raw_score, reporting_penalty, score FROM marts.fct_direction_scores"
            ).fetchall()
        )
        blocks = {
            a: (s, r, t, label, rank)
            for a, s, r, t, label, rank in con.execute(
                "SELECT agency_id, score, score_rounded, efficiency_tier, tier_label_ru, rank_in_body_type "
                "FROM marts.fct_block_scores WHERE block = 'interaction'"
            ).fetchall()
        }
        dim = dict(con.execute("SELECT agency_id, assessed_agency_id FROM marts.dim_agencies").fetchall())

    assert dim == {"C1": "C1", "C1-T": "C1", "M1": "M1"}
    approx = pytest.approx
    # Services, CGO: P1 = 15 (4.85 ∈ 4.80–5.00); P2 = 10 − 10/200 000·10 000 = 9.5
    assert value["C1", "svc_satisfaction"] == approx(15)
    assert value["C1", "svc_complaints"] == approx(9.5)
    # T1 = 12 − 4/200 000·10 000 = 11.8 (inspection 4 beats monitoring 2); T2 = 14 − 0.05 = 13.95
    assert value["C1", "svc_timeliness"] == approx(11.8)
    assert value["C1", "svc_unjustified_refusals"] == approx(13.95)
    assert value["C1", "svc_incomplete_package"] == approx(12)
    assert value["C1", "svc_extra_documents"] == approx(12)
    # K3: T = (0 + 1)/2·10 = 5; V = 10·(90/100 + (100 − 10)/100)/2 = 9; C = 1/1·5 = 5; P = 2·0.2 = 0.4; D = 1
    assert value["C1", "svc_automation_degree"] == approx(5)
    assert value["C1", "svc_automation_effectiveness"] == approx(9)
    assert value["C1", "svc_mobile"] == approx(5)
    assert value["C1", "svc_downtime_penalty"] == approx(-0.4)
    assert value["C1", "svc_proactive"] == approx(1)
    assert value["C1", "svc_k3"] == approx(19.6)  # 5 + 9 + 5 − 0.4 + 1 + 0 < 25
    # U = 24.5 + 49.75 + 19.6 = 93.85; penalty 2 unreliable facts · 0.2 = 0.4 → 93.45
    assert direction["C1", "services"] == approx((93.85, 0.4, 93.45))
    # Openness, CGO: P1..P5 = 5 + 4 + 7 + 5 + 3 = 24; P7 = −1.5;
    # P6 kk = (6/12·2.5 + (4 − 1)/4)·0.80 + 1 = 2.6; ru = (12/24·2.5 + 1)·1.00 + 1.5 = 3.75 → 6.35
    assert value["C1", "open_media"] == approx(6.35)
    assert value["C1", "open_subordinate_penalty"] == approx(-1.5)
    assert direction["C1", "openness"] == approx((28.85, 0, 28.85))
    # Appeals, CGO: p = 1001 reviewed, f = 1 late: R1 = 40 − 1/1001·1000; a = 1: R2 = 30 − 1/1001·10 000;
    # m = 1002 received, n = 1 late redirect: R3 = 20 − 1/1002·100; R4: 1 of 2 late cases liable = 50 % → 1
    r1, r2, r3 = 40 - 1000 / 1001, 30 - 10000 / 1001, 20 - 100 / 1002
    assert value["C1", "appeal_review_timeliness"] == approx(r1)
    assert value["C1", "appeal_court_overturned"] == approx(r2)
    assert value["C1", "appeal_redirect_timeliness"] == approx(r3)
    assert value["C1", "appeal_internal_control"] == approx(1)
    h = r1 + r2 + r3 + 1
    assert direction["C1", "appeals"][2] == approx(h)
    cgo_block = 0.5 * 93.45 + 0.2 * 28.85 + 0.3 * h  # = 76.468…
    assert blocks["C1"][0] == approx(cgo_block)
    assert blocks["C1"][1:4] == (Decimal("76.47"), "medium", "Средняя")  # score_rounded is DECIMAL(5,2)

    # MIO: P1 = 16 (4.65), P2 = 20, T1 = 14, T2 = 18, T3 = 14 − 1/50 000·10 000 = 13.8, T4 = 14 → 95.8
    assert value["M1", "svc_incomplete_package"] == approx(13.8)
    assert direction["M1", "services"] == approx((95.8, 0, 95.8))
    assert ("M1", "svc_k3") not in value  # K3 is CGO only
    # Openness, MIO: P1 = 2.5; P6 kk = (0/12·2.5 + 1)·0.5 + 0.4 = 0.9, no ru version → 3.4
    assert direction["M1", "openness"][2] == approx(3.4)
    # Appeals, MIO: nothing late, nothing overturned → 40 + 30 + 20 + 10
    assert direction["M1", "appeals"][2] == approx(100)
    assert blocks["M1"][0] == approx(0.5 * 95.8 + 0.2 * 3.4 + 0.3 * 100)  # 78.58
    assert blocks["M1"][1:] == (Decimal("78.58"), "medium", "Средняя", 1)


def test_rerun_under_another_reading_records_it(tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    _drop(landing)
    published = tmp_path / "warehouse" / "kzeval.duckdb"
    result = run_assessment(YEAR, landing, published, readings=["svc.automation_effectiveness=product"])
    assert result.success, result.failures
    with duckdb.connect(str(published), read_only=True) as con:
        value, reading, provisional = con.execute(
            "SELECT value, reading, is_provisional FROM marts.fct_indicator_scores "
            "WHERE agency_id = 'C1' AND indicator = 'svc_automation_effectiveness'"
        ).fetchall()[0]
        stored = con.execute("SELECT readings FROM core.run_readings WHERE year = ? AND block = 'interaction'", [YEAR])
        readings = stored.fetchall()[0][0]
    # V (product reading) = k · e/z · (1 − b/c) = 10 · 0.9 · (1 − 10/100) = 8.1 (average reading gave 9)
    assert value == pytest.approx(8.1)
    assert "svc.automation_effectiveness=product" in reading
    assert provisional is True  # V is RECONSTRUCTED-LOW
    assert '"svc.automation_effectiveness": "product"' in readings
