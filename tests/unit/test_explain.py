"""`kzeval explain`: formula rendering, reading variants, contributing records, the text of one indicator."""

from __future__ import annotations

import datetime as dt
import json

import duckdb
import polars as pl

from kzeval.corrections import ensure_dispute_tables
from kzeval.explain import (
    INPUT_LABELS,
    appeal_records,
    explain,
    format_number,
    formula_lines,
    render_formula,
    select_reading_variant,
    turnstile_sql,
)
from kzeval.indicators.appeals import aggregate_appeals
from kzeval.lineage import indicator_source_tables
from kzeval.methodology import all_indicators
from kzeval.steps.core import build_agencies, ensure_core_tables


def test_numbers_are_filled_into_the_legal_formula() -> None:
    # R1 = max(0, k − f / p × 1000) with k = 40, f = 1, p = 50 → 40 − 20 = 20
    template = all_indicators()["appeal_review_timeliness"].formula
    assert template == "max(0, k − (f / p × 1000))"
    shown, filled = formula_lines(template, {"f": 1, "k": 40.0, "p": 50}, 20.0, "default")
    assert shown == template
    assert filled == "max(0, 40 − (1 / 50 × 1000)) = 20"
    # T1 with b1-style names: 12 − 2 / 200 000 × 10 000 = 11.9
    assert render_formula("max(0, k − (a / b × 10000))", {"a": 2.0, "b": 200000.0, "k": 12.0}) == (
        "max(0, 12 − (2 / 200000 × 10000))"
    )


def test_function_names_and_unknown_names_stay_as_written() -> None:
    # "max" is also an input of the downtime penalty; followed by "(" it is a function and stays.
    assert render_formula("−min(5, t × w)", {"t": 3.2, "w": 0.2, "max": 5.0}) == "−min(5, 3.2 × 0.2)"
    assert render_formula("k × mean(i_j for j in 1..4)", {"k": 5.0}) == "5 × mean(i_j for j in 1..4)"
    assert render_formula("clamp(N1 + N2 − W, 0, 10)", {"N1": None, "N2": 4.25, "W": None}) == (
        "clamp(нет + 4.25 − нет, 0, 10)"
    )


def test_suffix_inputs_and_criterion_symbols() -> None:
    # Openness: the per-language points are named points_kk / points_ru, the formula says kk + ru.
    assert render_formula("min(18, Σ points kk + ru, Table 1)", {"points_kk": 7.0, "points_ru": 9.6}) == (
        "min(18, Σ points 7 + 9.6, Table 1)"
    )
    # HR criterion: inputs keyed by indicator code, formula by legal symbol (R + St + V + G + P = 28.2)
    symbols = {code: d.legal_symbol for code, d in all_indicators().items()}
    inputs = {"hr_net_turnover": 10.0, "hr_stability": 4.5, "hr_exit_interview": 5.0, "hr_gender": 5.0}
    inputs |= {"hr_qualifications": 3.7, "missing": []}
    _, filled = formula_lines("R + St + V + G + P", inputs, 28.2, "default", symbols)
    assert filled == "10 + 4.5 + 5 + 5 + 3.7 = 28.2"


def test_the_reading_selects_its_variant() -> None:
    template = all_indicators()["svc_automation_effectiveness"].formula
    assert select_reading_variant(template, "svc.automation_effectiveness=product") == "k × (e/z) × (1 − b/c)"
    # V (average) = 10 × (90/100 + (100 − 10)/100) / 2 = 10 × 1.8 / 2 = 9
    shown, filled = formula_lines(
        template, {"e": 90.0, "z": 100.0, "b": 10.0, "c": 100.0, "k": 10.0}, 9.0, "svc.automation_effectiveness=average"
    )
    assert shown == "k × (e/z + (c − b)/c) / 2"
    assert filled == "10 × (90/100 + (100 − 10)/100) / 2 = 9"
    # K3: the option prefix covers the statements that follow it
    k3 = all_indicators()["svc_k3"].formula
    assert select_reading_variant(k3, "svc.k3_cap=min25;svc.automation_degree=full") == (
        "base = T + V + C − P; 25 if base ≥ 25 else clamp(base + D + S, 0, 25)"
    )
    # an unknown reading (or a template without options) leaves the template whole
    assert select_reading_variant(template, "default") == template
    assert select_reading_variant("P1 + P2", "svc.k3_cap=min25") == "P1 + P2"


def test_format_number() -> None:
    assert format_number(40.0) == "40"
    assert format_number(40 - 1000 / 1001) == "39.001"
    assert format_number(0.00004) == "4e-05"
    assert format_number(None) == "нет"
    assert format_number(7) == "7"


def test_every_indicator_code_has_source_tables() -> None:
    mapping = indicator_source_tables()
    assert set(all_indicators()) <= set(mapping)
    assert mapping["svc_timeliness"] == ("service_violations", "services_rendered")
    assert mapping["svc_k1"] == ("service_complaints", "service_satisfaction", "services_rendered")
    assert "turnstile_events" in mapping["hr_overtime_quantitative"]
    assert mapping["it_digital_staff"] == ("it_report",)


def _appeal(appeal_id: str, kind: str, reviewed: str | None, redirected: str | None = None) -> dict[str, object]:
    def day(text: str | None) -> dt.date | None:
        return dt.date.fromisoformat(text) if text else None

    return {
        "appeal_id": appeal_id,
        "agency_id": "C1",
        "kind": kind,
        "received_on": dt.date(2024, 2, 1),
        "due_on": dt.date(2024, 2, 15),
        "reviewed_on": day(reviewed),
        "redirected_on": day(redirected),
        "redirect_due_on": dt.date(2024, 2, 4) if redirected else None,
        "court_satisfied_on": None,
        "disciplinary": "yes",
    }


APPEAL_SCHEMA = {
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


def test_appeal_records_are_the_appeals_counted_by_the_indicator() -> None:
    frame = pl.DataFrame(
        [
            _appeal("late", "complaint", "2024-02-20"),
            _appeal("on-time", "application", "2024-02-10"),
            _appeal("late-2023", "complaint", "2023-12-20"),  # reviewed in another year
            _appeal("request", "request", "2024-02-20"),  # out of scope kind
            _appeal("redirected-late", "complaint", None, "2024-02-05"),
        ],
        schema=APPEAL_SCHEMA,
    )
    assert appeal_records(frame, 2024, "appeal_review_timeliness")["appeal_id"].to_list() == ["late"]
    assert appeal_records(frame, 2024, "appeal_redirect_timeliness")["appeal_id"].to_list() == ["redirected-late"]
    assert sorted(appeal_records(frame, 2024, "appeal_internal_control")["appeal_id"].to_list()) == [
        "late",
        "redirected-late",
    ]
    counts = aggregate_appeals(frame, 2024).row(0, named=True)
    assert (counts["reviewed_late"], counts["redirected_late"], counts["late_cases"]) == (1, 1, 2)


def test_turnstile_records_are_an_sql_query() -> None:
    sql = turnstile_sql(2024, "C1")
    assert "raw.turnstile_events" in sql and "assessed_agency_id = 'C1'" in sql and "year(e.event_ts) = 2024" in sql


def test_explain_one_indicator_from_a_warehouse() -> None:
    con = duckdb.connect()
    con.execute("CREATE SCHEMA raw; CREATE SCHEMA quarantine; CREATE SCHEMA audit; CREATE SCHEMA marts")
    ensure_core_tables(con)
    ensure_dispute_tables(con)
    con.execute(
        "INSERT INTO raw.agencies (agency_id, name_ru, body_type, is_assessed, _file_path, _row_number) "
        "VALUES ('C1', 'Министерство тестов', 'CGO', true, 'agencies/a.csv', 1)"
    )
    build_agencies(con)
    appeals = pl.DataFrame(
        [_appeal("late", "complaint", "2024-02-20"), _appeal("ok", "complaint", "2024-02-10")], schema=APPEAL_SCHEMA
    )
    appeals = appeals.with_columns(
        pl.lit("appeals/appeals.csv").alias("_file_path"),
        pl.Series("_row_number", [1, 2]),
        pl.lit("s").alias("_file_sha256"),
    )
    con.register("_a", appeals)
    con.execute("INSERT INTO raw.appeals BY NAME SELECT * FROM _a")
    # R1 with p = 2 reviewed, f = 1 late: 40 − 1/2 × 1000 → negative → 0
    con.execute(
        "INSERT INTO core.indicator_scores VALUES (2024, 'C1', 'interaction', 'appeals', 'appeal_review_timeliness', "
        "'indicator', 0.0, 40.0, 'default', false, ?)",
        [json.dumps({"f": 1, "k": 40.0, "p": 2})],
    )
    con.execute("INSERT INTO core.direction_scores VALUES (2024, 'C1', 'interaction', 'appeals', 60, 0, 60, 60, false)")
    text = explain(con, 2024, "C1", "appeal_review_timeliness", records=True)
    assert "R1 «Соблюдение сроков рассмотрения жалоб и заявлений»" in text
    assert "Расчет                  max(0, 40 − (1 / 2 × 1000)) = 0" in text
    assert "f = 1   (рассмотрено с нарушением срока)" in text
    assert "Исходные данные" in text and "Источник" in text and "не применялись" in text
    assert "late" in text and "appeals/appeals.csv:1" in text and "ok " not in text


def test_appeal_records_follow_the_period_reading_and_court_entry_into_force() -> None:
    received_2023 = _appeal("late-from-2023", "complaint", "2024-01-20") | {
        "received_on": dt.date(2023, 12, 1),
        "due_on": dt.date(2023, 12, 30),
    }
    in_force_2024 = _appeal("court-2024", "complaint", "2023-05-01") | {"court_satisfied_on": dt.date(2024, 1, 15)}
    frame = pl.DataFrame(
        [_appeal("late", "complaint", "2024-02-20"), received_2023, in_force_2024], schema=APPEAL_SCHEMA
    )
    # reviewed (default): both late reviews of 2024; received_and_reviewed: only the one received in 2024
    assert sorted(appeal_records(frame, 2024, "appeal_review_timeliness")["appeal_id"].to_list()) == [
        "late",
        "late-from-2023",
    ]
    assert appeal_records(frame, 2024, "appeal_review_timeliness", "received_and_reviewed")["appeal_id"].to_list() == [
        "late"
    ]
    counts = aggregate_appeals(frame, 2024).row(0, named=True)
    assert (counts["reviewed_late"], counts["reviewed_late_same_year"]) == (2, 1)
    # a court decision counts in the year it entered into force (para. 9), whenever the appeal was reviewed
    assert appeal_records(frame, 2024, "appeal_court_overturned")["appeal_id"].to_list() == ["court-2024"]
    assert appeal_records(frame, 2023, "appeal_court_overturned").height == 0
    assert "вступившими в законную силу" in INPUT_LABELS["appeal_court_overturned"]["a"]
