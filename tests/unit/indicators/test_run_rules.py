"""Run-level rules of the block: tier rounding (reading), the empty-year stop, run-summary notes."""

from __future__ import annotations

import json

import duckdb
import polars as pl
import pytest

from kzeval.indicators.org_development import org_block_scoring_rules, org_run_notes
from kzeval.indicators.scoring import score_directions_and_block
from kzeval.landing.loader import ensure_tables
from kzeval.methodology import active_readings
from kzeval.methodology.org_development_2023 import READINGS
from kzeval.steps.core import YearWithoutDataError, check_year_has_rows
from kzeval.warehouse import ensure_schemas

BODIES = pl.DataFrame({"agency_id": ["MIN"], "body_type": ["CGO"], "name_ru": ["Министерство"], "region_code": [None]})


@pytest.mark.parametrize(("reading", "tier"), [("round_first", "high"), ("unrounded", "medium")])
def test_tier_on_rounded_or_unrounded_score(reading: str, tier: str) -> None:
    # HR 89,995 and IT 89,997 → 0,5 × 89,995 + 0,5 × 89,997 = 89,996 → rounded 90,00
    directions = pl.DataFrame(
        {
            "agency_id": ["MIN", "MIN"],
            "block": ["org_development"] * 2,
            "direction": ["hr", "it"],
            "raw_score": [89.995, 89.997],
            "reading": ["default"] * 2,
            "is_provisional": [False, False],
        }
    )
    rules = org_block_scoring_rules(active_readings({"org.tier_rounding": reading}))
    _, block = score_directions_and_block(directions, None, BODIES, 2024, rules)
    assert block["score_rounded"][0] == 90.0
    assert block["efficiency_tier"][0] == tier  # «от 90 до 100» vs «от 70 до 89,99»


def _warehouse() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    ensure_schemas(con)
    ensure_tables(con)
    return con


def test_a_year_without_rows_stops_with_a_clear_message() -> None:
    con = _warehouse()
    con.execute(
        "INSERT INTO audit.landed_rows VALUES ('agencies', NULL, NULL, 40), ('calendar', 2022, NULL, 365), "
        "('employees', 2024, 'MIN', 120), ('appeals', 2024, 'MIN', 30), ('appeals', 2023, 'MIN', 3)"
    )
    with pytest.raises(YearWithoutDataError, match=r"year 2022: .*agencies and calendar.*2023, 2024.*nothing"):
        check_year_has_rows(con, 2022)
    check_year_has_rows(con, 2023)  # three appeals of 2023 are enough
    check_year_has_rows(con, 2024)
    empty = _warehouse()
    with pytest.raises(YearWithoutDataError, match="no dated rows at all"):
        check_year_has_rows(empty, 2024)


def test_run_notes_name_provisional_bodies_and_why() -> None:
    con = duckdb.connect()
    con.execute("CREATE SCHEMA marts")
    con.execute(
        "CREATE TABLE marts.fct_indicator_scores (year BIGINT, agency_id VARCHAR, indicator VARCHAR, inputs VARCHAR)"
    )
    rows = [
        (2024, "AKM", "hr_overtime_quantitative", {"scope": "level_rule"}),
        (2024, "MIN", "hr_overtime_quantitative", {"scope": "is_apparatus"}),
        (2024, "AKM", "hr_net_turnover", {"headcount_months_missing": True}),
        (2024, "MIN", "hr_net_turnover", {"headcount_months_missing": False}),
        (2024, "MIN", "hr_personal_files", {"units_without_31_december": ["MIN-C"]}),
        (2023, "MIN", "hr_overtime_quantitative", {"scope": "level_rule"}),  # another year
    ]
    con.executemany(
        "INSERT INTO marts.fct_indicator_scores VALUES (?, ?, ?, ?)", [(y, a, i, json.dumps(v)) for y, a, i, v in rows]
    )
    notes = org_run_notes(con, 2024)
    assert len(notes) == 3
    assert notes[0].startswith("N1 (para. 40(1)): agencies.is_apparatus is not given") and notes[0].endswith(
        ": 1 bodies (AKM)"
    )
    assert "fewer than 12 month-end values" in notes[1] and notes[1].endswith("(AKM)")
    assert "31 December" in notes[2] and notes[2].endswith("(MIN)")
    assert org_run_notes(duckdb.connect(), 2024) == []  # nothing published: nothing to say


def test_every_reading_quotes_the_seed_verbatim() -> None:
    new = {
        "hr.exit_interview_negative_base",
        "hr.exit_interview_leavers",
        "hr.paper_interview_limit",
        "hr.career_growth_district_posts",
        "hr.overtime_exit_allowance",
        "hr.empty_denominator",
        "hr.headcount_missing_months",
        "hr.training_after_year_end",
        "it.nothing_to_count",
        "it.cap_and_unused_order",
        "org.tier_rounding",
    }
    by_key = {r.key: r for r in READINGS}
    assert new <= set(by_key)
    seeds = open_seeds()
    for key in by_key:  # every reading of the edition, the new ones included
        text = by_key[key].legal_text
        assert text, key
        # every quoted fragment (split at «…») is in a seed, whitespace normalised
        for fragment in text.split(" … "):
            assert " ".join(fragment.split()) in seeds, (key, fragment)


def open_seeds() -> str:
    from pathlib import Path

    folder = Path(__file__).resolve().parents[3] / "docs" / "legal"  # the acts, kept in the repository
    text = " ".join(p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.txt")))
    return " ".join(text.split())
