"""Repeated extracts of record-level tables: the newest extract's row wins (data-contracts.md,
«Extracts and record updates»; issue 16 item 1).

The two-extract appeals case of the issue: ``appeals_2024-01.csv`` holds ten appeals still
under review, ``appeals_2024-12.csv`` the same ten reviewed. The December versions must be the
landed rows (so they count in p, the appeals reviewed in the year), the January versions kept
as superseded history, nothing quarantined.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import polars as pl
import pytest

from kzeval.indicators.appeals import aggregate_appeals
from kzeval.landing.extracts import ExtractDateError, extract_date_from_column, extract_date_from_name, newer
from kzeval.landing.loader import load_table
from tests.support.drops import APPEALS_CSV_HEADER

HEADER = APPEALS_CSV_HEADER


def _appeals(reviewed: bool, ids: range = range(1, 11)) -> str:
    # received 2024-01-10, due 2024-01-25; reviewed (in December's extract) on 2024-01-20, in time
    lines = [f"A{i},CGO-A,complaint,2024-01-10,2024-01-25,{'2024-01-20' if reviewed else ''},,,," for i in ids]
    return HEADER + "\n".join(lines) + "\n"


def _load(con: duckdb.DuckDBPyConnection, root: Path):
    load_table(con, root, "agencies", root.parent / "raw")
    return load_table(con, root, "appeals", root.parent / "raw")


def _p(con: duckdb.DuckDBPyConnection) -> int:
    rows = con.execute("SELECT * EXCLUDE (_file_sha256, _file_path, _row_number) FROM raw.appeals").pl()
    aggregated = aggregate_appeals(rows, 2024)
    return int(aggregated["reviewed"].sum()) if aggregated.height else 0


def _count(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    row = con.execute(sql).fetchone()
    assert row is not None
    return int(row[0])


# --- the extract date ------------------------------------------------------------------


def test_extract_date_from_the_file_name():
    assert extract_date_from_name("appeals_2024-12") == date(2024, 12, 31)  # a month: its last day
    assert extract_date_from_name("appeals_2024-02") == date(2024, 2, 29)  # leap year
    assert extract_date_from_name("appeals_2024-03-15") == date(2024, 3, 15)
    assert extract_date_from_name("appeals_2024-03-15_v2") == date(2024, 3, 15)
    assert extract_date_from_name("appeals_2024-13") is None  # no month 13
    assert extract_date_from_name("appeals2024-12") is None  # the date must follow "_"
    assert extract_date_from_name("appeals") is None


def test_extract_date_from_the_column_must_be_one_date():
    assert extract_date_from_column(pl.Series(["31.12.2024", "2024-12-31", None])) == date(2024, 12, 31)
    assert extract_date_from_column(pl.Series([None, None], dtype=pl.Utf8)) is None
    with pytest.raises(ExtractDateError, match="one date for the whole file"):
        extract_date_from_column(pl.Series(["2024-12-31", "2024-11-30"]))
    with pytest.raises(ExtractDateError, match="not a date"):
        extract_date_from_column(pl.Series(["yesterday"]))


def test_newer_rule():
    jan, dec = date(2024, 1, 31), date(2024, 12, 31)
    assert newer(dec, jan) is True
    assert newer(jan, dec) is False  # an older extract arriving late: history
    assert newer(dec, dec) is None  # same extract date, different values: conflict
    assert newer(None, dec) is True and newer(jan, None) is True  # no date: load order decides


# --- the two-extract appeals case ------------------------------------------------------


def test_december_extract_supersedes_january_and_counts_in_p(landing, con):
    root = landing("appeals", "appeals_2024-01.csv", _appeals(reviewed=False)).parents[1]
    landing("appeals", "appeals_2024-12.csv", _appeals(reviewed=True))
    january, december = _load(con, root)
    assert january.extract_date == date(2024, 1, 31) and december.extract_date == date(2024, 12, 31)
    assert december.status == "loaded" and december.rows_loaded == 10 and december.rows_quarantined == 0
    assert december.rows_replaced == 10
    assert _count(con, "SELECT count(*) FROM quarantine.rows WHERE table_name = 'appeals'") == 0
    # the landed rows are December's: p = 10 reviewed in 2024 (January's versions alone gave p = 0)
    assert con.execute("SELECT DISTINCT _file_path FROM raw.appeals").fetchall() == [("appeals/appeals_2024-12.csv",)]
    assert _p(con) == 10
    # January's versions stay as superseded history, pointing to the file that superseded them
    history = con.execute(
        "SELECT count(*), any_value(_file_path), any_value(_superseded_by_path) FROM history.appeals"
    ).fetchone()
    assert history == (10, "appeals/appeals_2024-01.csv", "appeals/appeals_2024-12.csv")
    # landed-row counts follow: January's file now lands nothing current
    landed = con.execute(
        "SELECT coalesce(sum(rows_loaded), 0) FROM audit.file_landed_rows WHERE file_sha256 = ?", [january.sha256]
    ).fetchone()
    assert landed == (0,)


def test_older_extract_arriving_later_is_history_and_does_not_override(landing, con):
    root = landing("appeals", "appeals_2024-12.csv", _appeals(reviewed=True)).parents[1]
    _load(con, root)
    landing("appeals", "appeals_2024-01.csv", _appeals(reviewed=False))
    january = next(o for o in _load(con, root) if o.status != "already_loaded")
    assert january.rows_loaded == 0 and january.rows_superseded == 10 and january.rows_quarantined == 0
    assert _p(con) == 10
    assert _count(con, "SELECT count(*) FROM history.appeals WHERE _file_path = 'appeals/appeals_2024-01.csv'") == 10


def test_extracted_on_column_wins_over_the_file_name(landing, con):
    # named as December but extracted in January: it is the older extract
    early = (
        HEADER.rstrip("\n")
        + ",extracted_on\n"
        + "\n".join(f"A{i},CGO-A,complaint,2024-01-10,2024-01-25,,,,,,2024-01-31" for i in range(1, 11))
    )
    root = landing("appeals", "a_2024-12.csv", early + "\n").parents[1]
    landing("appeals", "b.csv", _appeals(reviewed=True))  # no date at all: loaded later, so newer
    outcomes = _load(con, root)
    assert outcomes[0].extract_date == date(2024, 1, 31) and outcomes[1].extract_date is None
    assert _p(con) == 10


def test_extracted_on_differing_between_rows_rejects_the_file(landing, con):
    text = HEADER.rstrip("\n") + ",extracted_on\nA1,CGO-A,complaint,2024-01-10,2024-01-25,,,,,,2024-01-31\n"
    text += "A2,CGO-A,complaint,2024-01-10,2024-01-25,,,,,,2024-02-29\n"
    root = landing("appeals", "a.csv", text).parents[1]
    outcome = _load(con, root)[0]
    assert outcome.status == "rejected" and "extracted_on must be one date" in outcome.message


def test_same_extract_date_disagreeing_is_a_conflict(landing, con):
    root = landing("appeals", "x_2024-12.csv", _appeals(reviewed=False, ids=range(1, 3))).parents[1]
    landing("appeals", "y_2024-12.csv", _appeals(reviewed=True, ids=range(1, 3)))
    outcomes = _load(con, root)
    assert outcomes[1].rows_quarantined == 2 and outcomes[1].rows_loaded == 0
    reasons = con.execute("SELECT DISTINCT reason FROM quarantine.rows").fetchall()
    assert reasons == [
        ("conflicting duplicate: key already loaded from another file of the same extract date, with different values",)
    ]


def test_record_absent_from_newer_extract_is_not_deleted(landing, con):
    root = landing("appeals", "appeals_2024-01.csv", _appeals(reviewed=False, ids=range(1, 11))).parents[1]
    landing("appeals", "appeals_2024-12.csv", _appeals(reviewed=True, ids=range(1, 6)))  # A6..A10 absent
    _load(con, root)
    assert _count(con, "SELECT count(*) FROM raw.appeals") == 10
    assert _p(con) == 5  # A1..A5 reviewed (December), A6..A10 still under review (January)


def test_new_version_of_the_newer_file_brings_back_what_it_no_longer_holds(landing, con):
    root = landing("appeals", "appeals_2024-01.csv", _appeals(reviewed=False, ids=range(1, 5))).parents[1]
    december = landing("appeals", "appeals_2024-12.csv", _appeals(reviewed=True, ids=range(1, 5)))
    _load(con, root)
    assert _p(con) == 4
    # December re-delivered (same name, new content) with A1 and A2 only: A3, A4 return to January's versions
    december.write_text(_appeals(reviewed=True, ids=range(1, 3)), encoding="utf-8")
    _load(con, root)
    assert _count(con, "SELECT count(*) FROM raw.appeals") == 4
    assert _p(con) == 2
    rows = con.execute("SELECT appeal_id, _file_path FROM raw.appeals ORDER BY 1").fetchall()
    assert rows == [
        ("A1", "appeals/appeals_2024-12.csv"),
        ("A2", "appeals/appeals_2024-12.csv"),
        ("A3", "appeals/appeals_2024-01.csv"),
        ("A4", "appeals/appeals_2024-01.csv"),
    ]
    assert _count(con, "SELECT count(*) FROM history.appeals") == 2  # January's A1, A2


# --- lineage: superseded files named as such; another year's run leaves a year's lineage alone ----


def _contributions(con: duckdb.DuckDBPyConnection, table: str) -> list[tuple]:
    return con.execute(
        "SELECT file_path, agency_id, year, rows_contributing, rows_superseded FROM core.source_contributions "
        "WHERE table_name = ? ORDER BY ALL",
        [table],
    ).fetchall()


def test_lineage_lists_the_superseded_file_as_superseded(landing, con):
    from kzeval.lineage import write_source_contributions
    from kzeval.steps.core import build_agencies

    root = landing("appeals", "appeals_2024-01.csv", _appeals(reviewed=False, ids=range(1, 4))).parents[1]
    landing("appeals", "appeals_2024-12.csv", _appeals(reviewed=True, ids=range(1, 3)))
    _load(con, root)
    build_agencies(con)
    write_source_contributions(con, "appeals", 2024)
    # A1, A2: December's versions count, January's are superseded; A3 only in January: it counts
    assert _contributions(con, "appeals") == [
        ("appeals/appeals_2024-01.csv", "CGO-A", 2024, 0, 2),
        ("appeals/appeals_2024-01.csv", "CGO-A", 2024, 1, 0),
        ("appeals/appeals_2024-12.csv", "CGO-A", 2024, 2, 0),
    ]


EMPLOYEES = "employee_id,agency_id,gender,corps,is_leadership,hired_on\n"


def test_running_another_year_leaves_a_years_lineage_alone(landing, con):
    from kzeval.lineage import write_source_contributions
    from kzeval.steps.core import build_agencies

    # an undated drop (no as_of: made before the column existed): the figures of every year read
    # the whole table (hr.roster_of_year, provisional), so every year's lineage lists every file
    root = landing("employees", "staff_2024-12.csv", EMPLOYEES + "E1,CGO-A,F,A,false,2020-01-01\n").parents[1]
    load_table(con, root, "agencies", root.parent / "raw")
    load_table(con, root, "employees", root.parent / "raw")
    build_agencies(con)
    write_source_contributions(con, "employees", 2024)  # the 2024 run
    before = _contributions(con, "employees")
    assert before == [("employees/staff_2024-12.csv", "CGO-A", 2024, 1, 0)]
    # then the 2023 drop arrives and 2023 is run: its file did not feed the 2024 figures
    landing("employees", "staff_2023-12.csv", EMPLOYEES + "E2,CGO-A,M,B,false,2019-01-01\n")
    load_table(con, root, "employees", root.parent / "raw")
    write_source_contributions(con, "employees", 2023)
    after = _contributions(con, "employees")
    assert [r for r in after if r[2] == 2024] == before
    assert {r[0] for r in after if r[2] == 2023} == {"employees/staff_2023-12.csv", "employees/staff_2024-12.csv"}


DATED = "employee_id,agency_id,gender,corps,is_leadership,hired_on,as_of\n"


def test_a_years_lineage_lists_only_the_rosters_that_year_reads(landing, con):
    """Dated rosters: per unit, a year reads only its newest roster dated in that year (hr.roster_of_year)."""
    from kzeval.indicators.hr import roster_of_year
    from kzeval.lineage import write_source_contributions
    from kzeval.steps.core import build_agencies

    root = landing(
        "employees",
        "staff_2024-06.csv",
        DATED + "E1,CGO-A,F,A,false,2020-01-01,2024-06-30\nE3,CGO-A-T,M,B,false,2021-01-01,2024-06-30\n",
    ).parents[1]
    landing(
        "employees",
        "staff_2024-12.csv",
        DATED + "E1,CGO-A,F,A,false,2020-01-01,2024-12-31\nE2,CGO-A,M,B,false,2022-01-01,2024-12-31\n",
    )
    landing("employees", "staff_2023-12.csv", DATED + "E1,CGO-A,F,A,false,2020-01-01,2023-12-31\n")
    load_table(con, root, "agencies", root.parent / "raw")
    load_table(con, root, "employees", root.parent / "raw")
    build_agencies(con)
    write_source_contributions(con, "employees", 2024)
    # 2024, unit CGO-A: newest roster 2024-12-31 → December's E1, E2 (June's E1 is not read);
    # unit CGO-A-T (assessed under CGO-A): its only 2024 roster is 2024-06-30 → June's E3;
    # the 2023 roster is never read for 2024
    assert _contributions(con, "employees") == [
        ("employees/staff_2024-06.csv", "CGO-A", 2024, 1, 0),
        ("employees/staff_2024-12.csv", "CGO-A", 2024, 2, 0),
    ]
    raw = con.execute("SELECT * FROM raw.employees").pl()
    read, dated = roster_of_year(raw, 2024)  # the very rows the 2024 figures read
    assert dated and sorted(read["_file_path"].to_list()) == [
        "employees/staff_2024-06.csv",
        "employees/staff_2024-12.csv",
        "employees/staff_2024-12.csv",
    ]
    write_source_contributions(con, "employees", 2023)  # 2023 reads its own roster only
    assert [r for r in _contributions(con, "employees") if r[2] == 2023] == [
        ("employees/staff_2023-12.csv", "CGO-A", 2023, 1, 0)
    ]
    write_source_contributions(con, "employees")  # whole table: each roster under the year it serves
    assert _contributions(con, "employees") == [
        ("employees/staff_2023-12.csv", "CGO-A", 2023, 1, 0),
        ("employees/staff_2024-06.csv", "CGO-A", 2024, 1, 0),
        ("employees/staff_2024-12.csv", "CGO-A", 2024, 2, 0),
    ]


def test_explain_names_the_superseded_file():
    from kzeval.explain.indicator import _source_section

    con = duckdb.connect()
    con.execute("CREATE SCHEMA marts")
    con.execute(
        "CREATE TABLE marts.fct_indicator_lineage AS SELECT * FROM (VALUES "
        "(2024, 'CGO-A', 'appeal_review_timeliness', 'appeals', 'appeals/appeals_2024-01.csv', 'aa11', 0, 10, NULL), "
        "(2024, 'CGO-A', 'appeal_review_timeliness', 'appeals', 'appeals/appeals_2024-12.csv', 'bb22', 10, 0, NULL)"
        ") t(year, agency_id, indicator, source_table, file_path, file_sha256, rows_contributing, rows_superseded, "
        "loaded_at)"
    )
    text = _source_section(con, 2024, "CGO-A", "appeal_review_timeliness", ["appeals"])
    lines = text.splitlines()
    assert (
        "    appeals/appeals_2024-01.csv  sha256 aa11…  замещено более новой выгрузкой строк: 10 (не учитываются)"
        in lines
    )
    assert "    appeals/appeals_2024-12.csv  sha256 bb22…  строк: 10" in lines
    assert not any("appeals_2024-01.csv" in line and "строк: 0" in line for line in lines)
