"""Corrections of turnstile events and overtime orders reach the overtime engine (issue 15 item 7).

Body C1 (CGO, central, working day ends 18:30 + 30 min exit allowance = 19:00), employee E1:
* Wed 31 Jan 2024 (working day): in 09:00, out 22:00 → 22:00 − 19:00 = 3 h workday overtime.
  The commission finds the exit was at 20:00 (badge read late): corrected → 20:00 − 19:00 = 1 h.
* Sat 27 Jan 2024 (weekend): in 09:00, out 15:00 → 6 h present; an order covers 2 h → 6 − 2 = 4 h.
  The commission finds the order covered 6 h: corrected → max(0, 6 − 6) = 0 h.
"""

from __future__ import annotations

import json
from datetime import date, datetime

import duckdb
import pytest

from kzeval.explain import applied_corrections, records_section
from kzeval.explain.indicator import corrections_section
from kzeval.landing.loader import ensure_tables
from kzeval.lineage import indicator_source_tables
from kzeval.steps.core import build_agencies, ensure_core_tables
from kzeval.steps.overtime import CorrectedInputs, compute_overtime_year
from kzeval.warehouse import ensure_schemas

EXIT = {"employee_id": "E1", "event_ts": "2024-01-31 22:00:00", "direction": "out"}
ORDER = {"employee_id": "E1", "date": "2024-01-27", "act_ref": "ПР-1"}


@pytest.fixture
def con():
    connection = duckdb.connect()
    ensure_schemas(connection)
    ensure_tables(connection)
    ensure_core_tables(connection)
    connection.execute(
        "INSERT INTO raw.agencies (agency_id, name_ru, body_type, is_assessed, level, workday_end, _file_sha256, "
        "_file_path, _row_number) VALUES ('C1', 'Министерство', 'CGO', true, 'central', '18:30', 'sha-a', 'a.csv', 1)"
    )
    connection.execute(
        "INSERT INTO raw.headcount_monthly SELECT 'C1', last_day(make_date(2024, m, 1)), 1, 1, 'sha-h', 'h.csv', m "
        "FROM range(1, 13) t(m)"
    )
    events = [
        ("2024-01-27T09:00:00", "in"),
        ("2024-01-27T15:00:00", "out"),
        ("2024-01-31T09:00:00", "in"),
        ("2024-01-31T22:00:00", "out"),
    ]
    for number, (ts, direction) in enumerate(events, start=1):
        connection.execute(
            "INSERT INTO raw.turnstile_events (employee_id, agency_id, event_ts, direction, _file_sha256, "
            "_file_path, _row_number) VALUES ('E1', 'C1', ?, ?, 'sha-t', 'turnstile_events/2024-01.csv', ?)",
            [datetime.fromisoformat(ts), direction, number],
        )
    connection.execute(
        "INSERT INTO raw.overtime_orders (employee_id, agency_id, date, hours, act_ref, _file_sha256, _file_path, "
        "_row_number) VALUES ('E1', 'C1', DATE '2024-01-27', 2, 'ПР-1', 'sha-o', 'overtime_orders/o.csv', 1)"
    )
    build_agencies(connection)
    yield connection
    connection.close()


def _land_corrections(con: duckdb.DuckDBPyConnection, rows: list[tuple[str, str, dict[str, str], str, str]]) -> None:
    con.execute("DELETE FROM raw.corrections")
    for number, (cid, table, key, column, value) in enumerate(rows, start=1):
        con.execute(
            'INSERT INTO raw.corrections (correction_id, agency_id, "year", "table", "key", "column", new_value, '
            "decided_on, decision_ref, conclusion_received_on, objection_sent_on, _file_sha256, _file_path, "
            "_row_number) VALUES (?, 'C1', 2024, ?, ?, ?, ?, DATE '2025-04-10', ?, DATE '2025-03-20', "
            "DATE '2025-04-01', 'sha-k', 'corrections/k.csv', ?)",
            [cid, table, json.dumps(key, ensure_ascii=False), column, value, f"СК/{cid}", number],
        )


def _totals(con: duckdb.DuckDBPyConnection) -> tuple[float, float]:
    row = con.execute("SELECT workday_overtime_hours, weekend_overtime_hours FROM core.overtime").fetchone()
    assert row is not None
    return float(row[0]), float(row[1])


def test_corrected_event_and_order_are_what_the_engine_reads(con: duckdb.DuckDBPyConnection) -> None:
    first = compute_overtime_year(con, 2024, months=[1])
    assert first.months_recomputed == [1]
    assert _totals(con) == (3.0, 4.0)  # 22:00 − 19:00; 6 h − 2 h ordered

    _land_corrections(
        con,
        [
            ("K-T", "turnstile_events", EXIT, "event_ts", "2024-01-31 20:00:00"),
            ("K-O", "overtime_orders", ORDER, "hours", "6"),
        ],
    )
    second = compute_overtime_year(con, 2024, months=[1])
    assert second.months_recomputed == [1]  # the corrections are in January's fingerprint
    assert _totals(con) == (1.0, 0.0)  # 20:00 − 19:00; max(0, 6 − 6)
    # raw stays as landed; the temporary corrected view is gone
    assert con.execute(
        "SELECT count(*) FROM raw.turnstile_events WHERE event_ts = TIMESTAMP '2024-01-31 22:00:00'"
    ).fetchone() == (1,)
    assert con.execute("SELECT hours FROM raw.overtime_orders").fetchone() == (2.0,)
    assert con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name LIKE '_kzeval_turnstile%'"
    ).fetchone() == (0,)

    audit = con.execute(
        "SELECT correction_id, assessed_agency_id, table_name, column_name, old_value, new_value "
        "FROM audit.corrections_applied ORDER BY correction_id"
    ).fetchall()
    assert audit == [
        ("K-O", "C1", "overtime_orders", "hours", "2", "6"),
        ("K-T", "C1", "turnstile_events", "event_ts", "2024-01-31 22:00:00", "2024-01-31 20:00:00"),
    ]
    # explain of the overtime indicator lists both corrections
    tables = indicator_source_tables()["hr_overtime_quantitative"]
    shown = corrections_section(applied_corrections(con, 2024, "C1", tables))
    assert "K-T" in shown and "turnstile_events" in shown and "2024-01-31 22:00:00 → 2024-01-31 20:00:00" in shown
    assert "K-O" in shown and "hours 2 → 6" in shown
    applied = applied_corrections(con, 2024, "C1", tables)
    records = records_section(con, 2024, {"agency_id": "C1"}, "hr_overtime_quantitative", {}, tables, applied)
    assert "корректировки специальной комиссии поверх raw" in records and "K-O, K-T" in records

    third = compute_overtime_year(con, 2024, months=[1])
    assert third.months_recomputed == []  # same corrections: the month is unchanged
    assert _totals(con) == (1.0, 0.0)

    con.execute("DELETE FROM raw.corrections")
    fourth = compute_overtime_year(con, 2024, months=[1])
    assert fourth.months_recomputed == [1]  # corrections withdrawn: back to the landed figures
    assert _totals(con) == (3.0, 4.0)


def test_without_corrections_the_fingerprint_is_unchanged_and_a_correction_elsewhere_leaves_january(
    con: duckdb.DuckDBPyConnection,
) -> None:
    compute_overtime_year(con, 2024, months=[1])
    # a decision on another table does not touch the overtime months
    _land_corrections(con, [("K-X", "it_report", {"agency_id": "C1", "year": 2024}, "systems_total", "5")])
    assert compute_overtime_year(con, 2024, months=[1]).months_recomputed == []
    # a moved event in January does not recompute March (outside the month's window)
    inputs = CorrectedInputs(touched=[(date(2024, 1, 31), "K|x")])
    assert inputs.digest_for(date(2024, 3, 1), date(2024, 4, 1)) == ""
    assert inputs.digest_for(date(2024, 2, 1), date(2024, 3, 1)) == "K|x"  # 31 Jan closes intervals into Feb


def test_a_moved_event_may_not_duplicate_another_and_is_quarantined(con: duckdb.DuckDBPyConnection) -> None:
    _land_corrections(con, [("K-D", "turnstile_events", EXIT, "event_ts", "2024-01-27 15:00:00")])
    compute_overtime_year(con, 2024, months=[1])
    assert _totals(con) == (3.0, 4.0)  # nothing applied
    reason = con.execute("SELECT reason FROM quarantine.rows WHERE table_name = 'corrections'").fetchone()
    assert reason is not None and "would duplicate the landed row" in reason[0]


def test_late_objection_on_an_event_is_quarantined(con: duckdb.DuckDBPyConnection) -> None:
    _land_corrections(con, [("K-L", "turnstile_events", EXIT, "event_ts", "2024-01-31 20:00:00")])
    con.execute("UPDATE raw.corrections SET objection_sent_on = DATE '2025-04-02'")  # working day 6
    compute_overtime_year(con, 2024, months=[1])
    assert _totals(con) == (3.0, 4.0)
    row = con.execute("SELECT column_name, reason FROM quarantine.rows WHERE table_name = 'corrections'").fetchone()
    assert row is not None and row[0] == "objection_sent_on" and "working day 6" in row[1]
