"""Commission corrections: applied on top of landed rows, invalid ones rejected with a reason."""

from __future__ import annotations

import datetime as dt
import json

import duckdb
import polars as pl
import pytest

from kzeval.corrections import (
    REASON_PREFIX,
    Correction,
    apply_corrections,
    apply_to_frame,
    selection,
)
from kzeval.steps.context import RunContext
from kzeval.steps.core import build_agencies, landing_frames

DECIDED = dt.date(2025, 3, 1)


def _correction(
    correction_id: str,
    key: str,
    column: str,
    new_value: str | None,
    table: str = "appeals",
    agency: str = "C1",
    year: int = 2024,
    decided_on: dt.date = DECIDED,
) -> Correction:
    return Correction(correction_id, agency, year, table, key, column, new_value, decided_on, f"СК/{correction_id}")


def _appeals() -> pl.DataFrame:
    """Two appeals of C1 (A1 reviewed 5 days late), one of M1; typed as the pipeline reads them."""
    return pl.DataFrame(
        {
            "appeal_id": ["A1", "A2", "B1"],
            "agency_id": ["C1", "C1-T", "M1"],
            "kind": ["complaint", "application", "complaint"],
            "received_on": [dt.date(2024, 1, 1)] * 3,
            "due_on": [dt.date(2024, 1, 15)] * 3,
            "reviewed_on": [dt.date(2024, 1, 20), dt.date(2024, 1, 10), dt.date(2024, 1, 12)],
            "redirected_on": [None, None, None],
            "redirect_due_on": [None, None, None],
            "court_satisfied_on": [None, None, None],
            "disciplinary": ["yes", None, None],
        },
        schema_overrides={
            "redirected_on": pl.Date,
            "redirect_due_on": pl.Date,
            "court_satisfied_on": pl.Date,
            "disciplinary": pl.Utf8,
        },
    )


ASSESSED = {"C1": "C1", "C1-T": "C1", "M1": "M1"}


def test_valid_correction_patches_the_frame_and_records_old_and_new_values() -> None:
    frame = _appeals()
    outcome = apply_to_frame(
        frame, "appeals", [_correction("K1", '{"appeal_id": "A1"}', "reviewed_on", "14.01.2024")], ASSESSED
    )
    assert outcome.rejected == []
    assert outcome.frame.filter(pl.col("appeal_id") == "A1")["reviewed_on"][0] == dt.date(2024, 1, 14)
    assert outcome.frame.filter(pl.col("appeal_id") != "A1").equals(frame.filter(pl.col("appeal_id") != "A1"))
    [applied] = outcome.applied
    assert (applied.row_key, applied.old_value, applied.new_value) == (
        '{"appeal_id": "A1"}',
        "2024-01-20",
        "2024-01-14",
    )
    assert frame.filter(pl.col("appeal_id") == "A1")["reviewed_on"][0] == dt.date(2024, 1, 20)  # input untouched


def test_a_unit_belongs_to_its_assessed_body_and_later_decisions_win() -> None:
    # A2 is landed for the territorial unit C1-T, which rolls up to C1: C1's decision applies.
    first = _correction("K1", '{"appeal_id": "A2"}', "disciplinary", "no", decided_on=dt.date(2025, 3, 1))
    second = _correction("K0", '{"appeal_id": "A2"}', "disciplinary", "yes", decided_on=dt.date(2025, 4, 1))
    outcome = apply_to_frame(_appeals(), "appeals", [second, first], ASSESSED)
    assert [a.correction.correction_id for a in outcome.applied] == ["K1", "K0"]
    assert [(a.old_value, a.new_value) for a in outcome.applied] == [(None, "no"), ("no", "yes")]
    assert outcome.frame.filter(pl.col("appeal_id") == "A2")["disciplinary"][0] == "yes"


@pytest.mark.parametrize(
    ("correction", "field", "reason"),
    [
        (_correction("K", '{"appeal_id": "NOPE"}', "reviewed_on", "2024-01-14"), "key", "unknown row: no landed row"),
        (_correction("K", '{"id": "A1"}', "reviewed_on", "2024-01-14"), "key", "must name exactly the key columns"),
        (_correction("K", "appeal A1", "reviewed_on", "2024-01-14"), "key", "key is not valid JSON"),
        (_correction("K", '["A1"]', "reviewed_on", "2024-01-14"), "key", "must be a JSON object"),
        (_correction("K", '{"appeal_id": "A1"}', "reviewed", "2024-01-14"), "column", "is not a column of appeals"),
        (_correction("K", '{"appeal_id": "A1"}', "appeal_id", "A9"), "column", "is a key column"),
        (_correction("K", '{"appeal_id": "A1"}', "agency_id", "M1"), "column", "move the row to another body"),
        (_correction("K", '{"appeal_id": "A1"}', "reviewed_on", "вчера"), "new_value", "not a valid date"),
        (_correction("K", '{"appeal_id": "A1"}', "due_on", ""), "new_value", "required and cannot be set empty"),
        (_correction("K", '{"appeal_id": "A1"}', "disciplinary", "maybe"), "new_value", "breaks the contract"),
        (_correction("K", '{"appeal_id": "A1"}', "due_on", "2023-12-31"), "new_value", "due_on must not be before"),
        (_correction("K", '{"appeal_id": "B1"}', "reviewed_on", "2024-01-14"), "agency_id", "wrong agency"),
    ],
)
def test_invalid_corrections_are_rejected_with_a_reason(correction: Correction, field: str, reason: str) -> None:
    frame = _appeals()
    outcome = apply_to_frame(frame, "appeals", [correction], ASSESSED)
    assert outcome.applied == []
    [rejection] = outcome.rejected
    assert rejection.column == field
    assert reason in rejection.reason
    assert outcome.frame.equals(frame)


def test_wrong_type_of_a_count_and_of_a_key_value() -> None:
    violations = pl.DataFrame(
        {
            "agency_id": ["C1"],
            "service_code": ["S1"],
            "year": [2024],
            "source": ["inspection"],
            "overdue": [4],
            "unjustified_refusals": [1],
            "incomplete_package": [0],
            "extra_documents": [0],
        }
    )
    key = json.dumps({"agency_id": "C1", "service_code": "S1", "year": 2024, "source": "inspection"})
    bad_count = _correction("K1", key, "overdue", "два", table="service_violations")
    negative = _correction("K2", key, "overdue", "-1", table="service_violations")
    bad_key = _correction("K3", key.replace("2024", '"2024 год"'), "overdue", "2", table="service_violations")
    good = _correction("K4", key.replace("2024", '"2024"'), "overdue", "2", table="service_violations")
    outcome = apply_to_frame(violations, "service_violations", [bad_count, negative, bad_key, good], ASSESSED)
    reasons = {r.correction.correction_id: r.reason for r in outcome.rejected}
    assert "«два» is not a valid count" in reasons["K1"]
    assert "overdue" in reasons["K2"] and "breaks the contract" in reasons["K2"]
    assert "key value «2024 год» is not a valid int" in reasons["K3"]
    assert [(a.old_value, a.new_value) for a in outcome.applied] == [("4", "2")]  # "2024" as text parses as the int
    assert outcome.frame["overdue"].to_list() == [2]


def test_tables_that_cannot_be_corrected() -> None:
    unknown = _correction("K1", '{"x": 1}', "x", "1", table="budget")
    calendar = _correction("K2", '{"date": "2024-01-01"}', "day_type", "holiday", table="calendar")
    outcome = apply_to_frame(_appeals(), "budget", [unknown], ASSESSED)
    assert "unknown table" in outcome.rejected[0].reason
    outcome = apply_to_frame(_appeals(), "calendar", [calendar], ASSESSED)
    assert "cannot be corrected" in outcome.rejected[0].reason
    # turnstile events and overtime orders can be corrected (2026-12-04); their key must still be complete
    turnstile = _correction("K3", '{"employee_id": "p_1"}', "direction", "in", table="turnstile_events")
    outcome = apply_to_frame(_appeals(), "turnstile_events", [turnstile], ASSESSED)
    assert "must name exactly the key columns of turnstile_events" in outcome.rejected[0].reason


def test_selection_by_year_and_by_recompute_scope() -> None:
    mine = _correction("K1", "{}", "c", "v", agency="C1-T")
    other = _correction("K2", "{}", "c", "v", agency="M1")
    earlier = _correction("K3", "{}", "c", "v", agency="M1")
    last_year = _correction("K4", "{}", "c", "v", year=2023)
    chosen = selection(2024, None, ASSESSED, set())
    assert [chosen(c) for c in (mine, other, earlier, last_year)] == [True, True, True, False]
    # recompute for C1: its own (a unit's) correction, and M1's correction applied before; not M1's new one
    chosen = selection(2024, "C1", ASSESSED, {"K3"})
    assert [chosen(c) for c in (mine, other, earlier, last_year)] == [True, False, True, False]


# ---------------------------------------------------------------------------------------
# Against a warehouse: quarantine, audit, idempotency, raw untouched
# ---------------------------------------------------------------------------------------


def _land(con: duckdb.DuckDBPyConnection, table: str, rows: list[dict[str, object]], path: str) -> None:
    frame = pl.DataFrame(rows).with_columns(
        pl.lit("sha-" + table).alias("_file_sha256"),
        pl.lit(path).alias("_file_path"),
        pl.int_range(1, len(rows) + 1, dtype=pl.Int64).alias("_row_number"),
    )
    con.register("_rows", frame)
    con.execute(f"INSERT INTO raw.{table} BY NAME SELECT * FROM _rows").fetchall()
    con.unregister("_rows")


def _correction_row(
    correction_id: str, agency: str, table: str, key: str, column: str, value: str | None
) -> dict[str, object]:
    return {
        "correction_id": correction_id,
        "agency_id": agency,
        "year": 2024,
        "table": table,
        "key": key,
        "column": column,
        "new_value": value,
        "decided_on": DECIDED,
        "decision_ref": f"СК/{correction_id}",
        "note": None,
    }


@pytest.fixture
def warehouse(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """raw.agencies, raw.appeals and raw.corrections landed; core.agencies built."""
    _land(
        con,
        "agencies",
        [
            {"agency_id": "C1", "name_ru": "Министерство", "body_type": "CGO", "is_assessed": True},
            {"agency_id": "C1-T", "name_ru": "Департамент", "body_type": "CGO", "parent_agency_id": "C1",
             "is_assessed": False, "region_code": "35", "level": "territorial"},
            {"agency_id": "M1", "name_ru": "Акимат", "body_type": "MIO", "is_assessed": True, "region_code": "35"},
        ],
        "agencies/agencies.csv",
    )  # fmt: skip
    _land(con, "appeals", _appeals().to_dicts(), "appeals/appeals.csv")
    _land(
        con,
        "corrections",
        [
            _correction_row("K-1", "C1", "appeals", '{"appeal_id": "A1"}', "reviewed_on", "2024-01-14"),
            _correction_row("K-2", "C1", "appeals", '{"appeal_id": "NOPE"}', "reviewed_on", "2024-01-14"),
            _correction_row("K-3", "M1", "appeals", '{"appeal_id": "B1"}', "reviewed_on", "2024-01-20"),
            _correction_row("K-4", "C1", "it_report", '{"agency_id": "C1", "year": 2024}', "systems_total", "5"),
            _correction_row("K-5", "C1", "calendar", '{"date": "2024-01-01"}', "day_type", "holiday"),
        ],
        "corrections/decisions.csv",
    )
    build_agencies(con)
    return con


def test_apply_corrections_quarantines_audits_and_leaves_raw_alone(
    warehouse: duckdb.DuckDBPyConnection, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("USER", "analyst")
    landed = warehouse.execute("SELECT * FROM raw.appeals ORDER BY appeal_id").pl()
    frame = warehouse.execute("SELECT * EXCLUDE (_file_sha256, _file_path, _row_number) FROM raw.appeals").pl()
    for _ in range(2):  # a rerun of the same year must not duplicate anything
        corrected = apply_corrections(warehouse, "appeals", frame, 2024, "run-1")
    assert corrected.filter(pl.col("appeal_id") == "A1")["reviewed_on"][0] == dt.date(2024, 1, 14)
    assert corrected.filter(pl.col("appeal_id") == "B1")["reviewed_on"][0] == dt.date(2024, 1, 20)  # M1's own
    assert warehouse.execute("SELECT * FROM raw.appeals ORDER BY appeal_id").pl().equals(landed)

    rejected = warehouse.execute(
        "SELECT file_path, row_number, column_name, value, reason FROM quarantine.rows "
        "WHERE table_name = 'corrections' ORDER BY row_number"
    ).fetchall()
    assert [(r[0], r[1], r[2]) for r in rejected] == [
        ("corrections/decisions.csv", 2, "key"),  # K-2: unknown appeal
        ("corrections/decisions.csv", 4, "key"),  # K-4: it_report has no landed rows
        ("corrections/decisions.csv", 5, "table"),  # K-5: the calendar is reference data
    ]
    assert all(r[4].startswith(REASON_PREFIX) for r in rejected)
    assert "K-2: unknown row: no landed row of appeals" in rejected[0][4]
    assert "it_report has no landed rows" in rejected[1][4]

    audit = warehouse.execute(
        "SELECT correction_id, year, assessed_agency_id, table_name, row_key, column_name, old_value, new_value, "
        "source_file, source_row, applied_by, last_run_id FROM audit.corrections_applied ORDER BY correction_id"
    ).fetchall()
    assert audit == [
        ("K-1", 2024, "C1", "appeals", '{"appeal_id": "A1"}', "reviewed_on", "2024-01-20", "2024-01-14",
         "corrections/decisions.csv", 1, "analyst", "run-1"),
        ("K-3", 2024, "M1", "appeals", '{"appeal_id": "B1"}', "reviewed_on", "2024-01-12", "2024-01-20",
         "corrections/decisions.csv", 3, "analyst", "run-1"),
    ]  # fmt: skip

    first = warehouse.execute("SELECT applied_at FROM audit.corrections_applied WHERE correction_id = 'K-1'").fetchall()
    monkeypatch.setenv("USER", "someone-else")
    apply_corrections(warehouse, "appeals", frame, 2024, "run-2")
    again = warehouse.execute(
        "SELECT applied_at, applied_by, last_run_id FROM audit.corrections_applied WHERE correction_id = 'K-1'"
    ).fetchall()
    assert again == [(first[0][0], "analyst", "run-2")]  # first application kept, last run refreshed


def test_recompute_scope_defers_other_bodies_new_corrections(warehouse: duckdb.DuckDBPyConnection) -> None:
    frame = warehouse.execute("SELECT * EXCLUDE (_file_sha256, _file_path, _row_number) FROM raw.appeals").pl()
    corrected = apply_corrections(warehouse, "appeals", frame, 2024, "run-1", agency="C1")
    assert corrected.filter(pl.col("appeal_id") == "B1")["reviewed_on"][0] == dt.date(2024, 1, 12)  # K-3 waits
    applied = warehouse.execute("SELECT correction_id FROM audit.corrections_applied").fetchall()
    assert applied == [("K-1",)]


def test_other_years_corrections_are_not_applied(warehouse: duckdb.DuckDBPyConnection) -> None:
    frame = warehouse.execute("SELECT * EXCLUDE (_file_sha256, _file_path, _row_number) FROM raw.appeals").pl()
    assert apply_corrections(warehouse, "appeals", frame, 2025, "run-1").equals(frame)
    assert warehouse.execute("SELECT count(*) FROM audit.corrections_applied").fetchall() == [(0,)]


def test_landing_frames_reads_corrected_rows_and_records_lineage(warehouse: duckdb.DuckDBPyConnection) -> None:
    resolved = warehouse.execute("SELECT * FROM core.agencies").pl()
    frames = landing_frames(warehouse, ["appeals"], resolved, RunContext.direct())
    appeals = frames["appeals"]
    assert appeals.filter(pl.col("appeal_id") == "A1")["reviewed_on"][0] == dt.date(2024, 1, 14)
    assert appeals.filter(pl.col("appeal_id") == "A2")["assessed_agency_id"][0] == "C1"
    contributions = warehouse.execute(
        "SELECT table_name, file_path, agency_id, year, rows_contributing FROM core.source_contributions ORDER BY ALL"
    ).fetchall()
    # C1: A1 and A2 (via C1-T) received and reviewed in 2024; M1: B1
    assert contributions == [
        ("appeals", "appeals/appeals.csv", "C1", 2024, 2),
        ("appeals", "appeals/appeals.csv", "M1", 2024, 1),
    ]
    sources = warehouse.execute(
        "SELECT source_table FROM core.indicator_sources WHERE indicator = 'appeal_review_timeliness'"
    ).fetchall()
    assert sources == [("appeals",)]
