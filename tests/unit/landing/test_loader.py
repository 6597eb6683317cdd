"""Landing: every bad-input class gives a clear message and loses no good row.

Classes covered here (issue «Reliability»): wrong encoding (UTF-16, mixed UTF-8/1251, bad
bytes after a BOM), wrong delimiter, missing column, wrong type, unknown agency, negative
count, overdue > rendered, exact duplicate, conflicting duplicate (in a file and across
files), empty file, header-only file, truncated file (cut row, unclosed quote), short row,
XLSX with the data on another sheet, unsupported file type. "Date outside the year" and
"turnstile out before any in" are in tests/reliability/test_year_and_turnstile.py.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl

from kzeval.landing.loader import check_file, load_table
from tests.support.drops import APPEALS_CSV_HEADER

APPEALS_HEADER = APPEALS_CSV_HEADER
GOOD_APPEAL = "A1,CGO-A,complaint,2024-02-01,2024-02-15,2024-02-10,,,,\n"
SERVICES_HEADER = "agency_id,service_code,month,channel,rendered,overdue,overdue_excluded_outage\n"


def _quarantine(con: duckdb.DuckDBPyConnection) -> list[tuple[int, str, str]]:
    return con.execute(
        "SELECT row_number, column_name, reason FROM quarantine.rows ORDER BY row_number, column_name"
    ).fetchall()


def _load(con: duckdb.DuckDBPyConnection, root: Path, table: str, share: float = 0.99):
    load_table(con, root, "agencies", root.parent / "raw", share)
    return load_table(con, root, table, root.parent / "raw", share)


def _count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    row = con.execute(f"SELECT count(*) FROM raw.{table}").fetchone()
    assert row is not None
    return int(row[0])


# --- formats and encodings -------------------------------------------------------------


def test_windows_1251_semicolon_decimal_comma_and_dotted_dates(landing, con):
    text = "agency_id;service_code;year;satisfaction_score;respondents\nCGO-A;S1;2024;4,85;120\n"
    path = landing("service_satisfaction", "sat.csv", text.encode("cp1251"))
    outcomes = _load(con, path.parents[1], "service_satisfaction")
    assert outcomes[0].status == "loaded"
    assert con.execute("SELECT satisfaction_score FROM raw.service_satisfaction").fetchone() == (4.85,)
    cyr = "agency_id;name_ru;body_type;is_assessed\nX;Министерство;CGO;да\n".encode("cp1251")
    checked = check_file(landing("agencies", "extra.csv", cyr), "agencies", None)
    assert checked.good["name_ru"].to_list() == ["Министерство"]
    assert checked.good["is_assessed"].to_list() == [True]
    dotted = APPEALS_HEADER.replace(",", ";") + "A1;CGO-A;complaint;01.02.2024;15.02.2024;;;;;\n"
    checked = check_file(landing("appeals", "dotted.csv", dotted), "appeals", {"CGO-A"})
    assert checked.good["received_on"].cast(pl.Utf8).to_list() == ["2024-02-01"]


def test_utf8_bom_header_is_recognised(landing, con):
    path = landing("appeals", "bom.csv", ("\ufeff" + APPEALS_HEADER + GOOD_APPEAL).encode("utf-8"))
    outcomes = _load(con, path.parents[1], "appeals")
    assert outcomes[0].status == "loaded" and outcomes[0].rows_loaded == 1


def test_undecodable_file_is_rejected_naming_it(landing, con):
    path = landing("appeals", "utf16.csv", (APPEALS_HEADER + GOOD_APPEAL).encode("utf-16"))
    outcome = _load(con, path.parents[1], "appeals")[0]
    assert outcome.status == "rejected"
    assert "appeals/utf16.csv" in outcome.message and "decode" in outcome.message
    assert _count(con, "appeals") == 0


def test_mixed_encodings_are_rejected_not_read_as_mojibake(landing, con):
    # UTF-8 Cyrillic, then one Windows-1251 byte: decoding all as 1251 would garble every name.
    data = "agency_id,name_ru,body_type,is_assessed\nX,Министерство,CGO,true\n".encode() + "Y,Акимат,MIO,true\n".encode(
        "cp1251"
    )
    outcome = check_file(landing("agencies", "mixed.csv", data), "agencies", None).outcome
    assert outcome.status == "rejected" and "mixed encodings" in outcome.message
    bom = b"\xef\xbb\xbfagency_id\n" + "Акимат\n".encode("cp1251")
    outcome = check_file(landing("agencies", "bom.csv", bom), "agencies", None).outcome
    assert outcome.status == "rejected" and "byte-order mark" in outcome.message


def test_wrong_delimiter_reports_missing_columns(landing, con):
    path = landing("appeals", "pipes.csv", (APPEALS_HEADER + GOOD_APPEAL).replace(",", "|"))
    outcome = _load(con, path.parents[1], "appeals")[0]
    assert outcome.status == "rejected"
    assert "missing required column" in outcome.message and "delimiter" in outcome.message
    tabs = check_file(
        landing("appeals", "tabs.csv", (APPEALS_HEADER + GOOD_APPEAL).replace(",", "\t")), "appeals", None
    )
    assert tabs.outcome.status == "rejected" and "tab-delimited" in tabs.outcome.message


def test_missing_column_rejects_file(landing, con):
    header = APPEALS_HEADER.replace(",due_on,", ",")
    row = GOOD_APPEAL.replace("2024-02-15,", "", 1)
    outcome = _load(con, landing("appeals", "a.csv", header + row).parents[1], "appeals")[0]
    assert outcome.status == "rejected" and "due_on" in outcome.message and "appeals/a.csv" in outcome.message


def test_xlsx_first_sheet_and_data_on_other_sheet(landing, con, tmp_path):
    import xlsxwriter

    good = tmp_path / "landing" / "service_complaints" / "good.xlsx"
    good.parent.mkdir(parents=True)
    with xlsxwriter.Workbook(good) as wb:
        ws = wb.add_worksheet("data")
        for c, v in enumerate(["agency_id", "year", "justified_complaints"]):
            ws.write(0, c, v)
        ws.write_row(1, 0, ["CGO-A", 2024, 7])
    other = good.with_name("other.xlsx")
    with xlsxwriter.Workbook(other) as wb:
        wb.add_worksheet("cover").write(0, 0, "Сводка")
        ws = wb.add_worksheet("Данные")
        ws.write_row(0, 0, ["agency_id", "year", "justified_complaints"])
        ws.write_row(1, 0, ["MIO-35", 2024, 3])
    outcomes = _load(con, good.parents[1], "service_complaints")
    by_file = {o.path: o for o in outcomes}
    assert by_file["service_complaints/good.xlsx"].status == "loaded"
    rejected = by_file["service_complaints/other.xlsx"]
    assert rejected.status == "rejected"
    assert "first sheet" in rejected.message and "'Данные'" in rejected.message
    assert con.execute("SELECT agency_id, justified_complaints FROM raw.service_complaints").fetchall() == [
        ("CGO-A", 7)
    ]


def test_xlsx_date_and_number_cells_are_read(landing, con, tmp_path):
    import datetime as dt

    import xlsxwriter

    path = tmp_path / "landing" / "appeals" / "appeals.xlsx"
    path.parent.mkdir(parents=True)
    with xlsxwriter.Workbook(path) as wb:
        ws = wb.add_worksheet()
        date_format = wb.add_format({"num_format": "dd.mm.yyyy"})
        ws.write_row(0, 0, APPEALS_HEADER.strip().split(","))
        ws.write_row(1, 0, ["A1", "CGO-A", "complaint"])
        ws.write_datetime(1, 3, dt.datetime(2024, 2, 1), date_format)
        ws.write_datetime(1, 4, dt.datetime(2024, 2, 15), date_format)
        ws.write_string(1, 5, "10.02.2024")
    outcome = _load(con, path.parents[1], "appeals")[0]
    assert outcome.status == "loaded" and outcome.rows_quarantined == 0
    row = con.execute("SELECT received_on, due_on, reviewed_on FROM raw.appeals").fetchone()
    assert row == (dt.date(2024, 2, 1), dt.date(2024, 2, 15), dt.date(2024, 2, 10))


def test_parquet_is_read_with_its_types(landing, con, tmp_path):
    path = tmp_path / "landing" / "service_complaints" / "c.parquet"
    path.parent.mkdir(parents=True)
    pl.DataFrame({"agency_id": ["CGO-A"], "year": [2024], "justified_complaints": [4]}).write_parquet(path)
    outcome = _load(con, path.parents[1], "service_complaints")[0]
    assert outcome.status == "loaded" and outcome.rows_loaded == 1


def test_unsupported_extension_rejected_and_recorded(landing, con):
    path = landing("appeals", "appeals.json", "{}")
    outcome = _load(con, path.parents[1], "appeals")[0]
    assert outcome.status == "rejected" and "unsupported file type" in outcome.message
    ledger = con.execute("SELECT file_path, status FROM audit.load_ledger WHERE table_name = 'appeals'").fetchall()
    assert ledger == [("appeals/appeals.json", "rejected")]


# --- empty and truncated files ---------------------------------------------------------


def test_empty_and_header_only_files_rejected(landing, con):
    landing("appeals", "empty.csv", "")
    landing("appeals", "header.csv", APPEALS_HEADER)
    path = landing("appeals", "whitespace.csv", "\n\n  \n")
    outcomes = _load(con, path.parents[1], "appeals")
    assert [o.status for o in outcomes] == ["rejected", "rejected", "rejected"]
    assert "empty" in outcomes[0].message and "no data rows" in outcomes[1].message
    assert "empty" in outcomes[2].message


def test_truncated_last_row_rejects_the_file(landing, con):
    # Cut mid-row: 4 of 10 fields and no line break → the rest of the file is missing.
    truncated = APPEALS_HEADER + GOOD_APPEAL + "A2,CGO-A,complaint,2024-0"
    outcome = _load(con, landing("appeals", "t.csv", truncated).parents[1], "appeals")[0]
    assert outcome.status == "rejected"
    assert "appeals/t.csv" in outcome.message and "truncated" in outcome.message and "4 of 10" in outcome.message
    assert _count(con, "appeals") == 0


def test_truncated_inside_a_quote_rejects_the_file(landing, con):
    truncated = APPEALS_HEADER + GOOD_APPEAL + 'A2,CGO-A,"complaint'
    outcome = _load(con, landing("appeals", "q.csv", truncated).parents[1], "appeals")[0]
    assert outcome.status == "rejected" and "truncated" in outcome.message


def test_complete_last_row_without_line_break_is_accepted(landing, con):
    outcome = _load(con, landing("appeals", "a.csv", APPEALS_HEADER + GOOD_APPEAL.strip()).parents[1], "appeals")[0]
    assert outcome.status == "loaded" and outcome.rows_loaded == 1


def test_short_row_in_the_middle_is_quarantined_and_blank_lines_skipped(landing, con):
    text = APPEALS_HEADER + GOOD_APPEAL + "\nA2,CGO-A,complaint,2024-02-01\n" + GOOD_APPEAL.replace("A1", "A3")
    outcome = _load(con, landing("appeals", "s.csv", text).parents[1], "appeals")[0]
    assert outcome.status == "loaded" and outcome.rows_loaded == 2
    # line 3 is blank (data row 2), the short row is data row 3
    assert _quarantine(con) == [
        (
            3,
            "(row)",
            "row has fewer fields than the header (10): cut short, or a delimiter inside an unquoted value",
        )
    ]
    assert con.execute("SELECT value FROM quarantine.rows").fetchall() == [("4 fields",)]


# --- bad rows --------------------------------------------------------------------------


def test_bad_rows_quarantined_good_rows_kept(landing, con):
    rows = [
        "CGO-A,S1,2024-01-01,electronic,100,2,0",  # good
        "CGO-A,S1,2024-02-01,electronic,abc,2,0",  # wrong type
        "CGO-A,S1,2024-03-01,electronic,-5,0,0",  # negative count
        "CGO-A,S1,2024-04-01,electronic,10,20,0",  # overdue > rendered
        "CGO-X,S1,2024-05-01,electronic,10,1,0",  # unknown agency
        "CGO-A,S1,2024-06-01,electronic,50,0,0",  # good
    ]
    path = landing("services_rendered", "s.csv", SERVICES_HEADER + "\n".join(rows) + "\n")
    outcome = _load(con, path.parents[1], "services_rendered")[0]
    assert outcome.status == "loaded"
    assert outcome.rows_loaded == 2 and outcome.rows_quarantined == 4
    by_row: dict[int, list[tuple[str, str]]] = {}
    for row_number, column, reason in _quarantine(con):
        by_row.setdefault(row_number, []).append((column, reason))
    assert sorted(by_row) == [2, 3, 4, 5]
    assert ("rendered", "not a valid count (a whole number)") in by_row[2]
    assert any(c == "rendered" and "greater_than_or_equal_to" in r for c, r in by_row[3])
    assert any(c == "overdue" and "overdue must not exceed rendered" in r for c, r in by_row[4])
    assert by_row[5] == [("agency_id", "unknown agency: not in the agencies table")]
    assert con.execute("SELECT sum(rendered) FROM raw.services_rendered").fetchone() == (150,)


def test_quarantine_names_file_value_agency_and_year(landing, con):
    rows = ["CGO-X,S1,2024-05-01,electronic,10,1,0", "CGO-A,S1,01.13.2024,electronic,1,0,0"]
    path = landing("services_rendered", "s.csv", SERVICES_HEADER + "\n".join(rows) + "\n")
    _load(con, path.parents[1], "services_rendered")
    got = con.execute(
        "SELECT file_path, row_number, column_name, value, agency_id, year FROM quarantine.rows ORDER BY row_number"
    ).fetchall()
    assert got == [
        ("services_rendered/s.csv", 1, "agency_id", "CGO-X", "CGO-X", 2024),
        ("services_rendered/s.csv", 2, "month", "01.13.2024", "CGO-A", None),  # no month 13: year unknown
    ]


def test_file_over_threshold_is_held_back_whole(landing, con):
    rows = ["CGO-A,S1,2024-01-01,electronic,100,2,0", "CGO-A,S1,2024-02-01,electronic,x,2,0"]
    path = landing("services_rendered", "s.csv", SERVICES_HEADER + "\n".join(rows) + "\n")
    outcome = _load(con, path.parents[1], "services_rendered", share=0.05)[0]
    assert (
        outcome.status == "held_back"
        and "held back" in outcome.message
        and "services_rendered/s.csv" in outcome.message
    )
    assert _count(con, "services_rendered") == 0
    assert len(_quarantine(con)) == 1
    # the held-back file's rows are profiled per year and agency for marts.fct_data_quality
    profile = con.execute(
        "SELECT year, agency_id, rows_total FROM audit.file_profile WHERE table_name = 'services_rendered'"
    ).fetchall()
    assert profile == [(2024, "CGO-A", 2)]


def test_exact_duplicate_loaded_once_conflicting_quarantined(landing, con):
    rows = [
        "CGO-A,S1,2024-01-01,electronic,100,2,0",
        "CGO-A,S1,2024-01-01,electronic,100,2,0",  # exact duplicate: loaded once
        "CGO-A,S2,2024-01-01,electronic,100,2,0",
        "CGO-A,S2,2024-01-01,electronic,90,2,0",  # conflicting: both quarantined
    ]
    path = landing("services_rendered", "s.csv", SERVICES_HEADER + "\n".join(rows) + "\n")
    outcome = _load(con, path.parents[1], "services_rendered")[0]
    assert outcome.duplicates_dropped == 1
    assert con.execute("SELECT service_code, rendered FROM raw.services_rendered").fetchall() == [("S1", 100)]
    assert sorted(r[0] for r in _quarantine(con)) == [3, 4]


def test_cross_file_duplicates(landing, con):
    # one extract date (in the names): a later file of the same extract may not change a loaded record
    root = landing("appeals", "a1_2024-03.csv", APPEALS_HEADER + GOOD_APPEAL).parents[1]
    conflicting = GOOD_APPEAL.replace("2024-02-10", "2024-02-20")
    landing("appeals", "a2_2024-03.csv", APPEALS_HEADER + GOOD_APPEAL + conflicting.replace("A1,", "A1,", 1))
    landing("appeals", "a3_2024-03.csv", APPEALS_HEADER + conflicting)
    outcomes = _load(con, root, "appeals")
    assert outcomes[1].rows_loaded == 0  # a2: exact copy of a1's row (dropped) + in-file conflict (quarantined)
    assert outcomes[2].rows_loaded == 0 and outcomes[2].rows_quarantined == 1  # a3: conflicts with a1
    assert con.execute("SELECT appeal_id, reviewed_on FROM raw.appeals").fetchall()[0][0] == "A1"
    assert _count(con, "appeals") == 1
    reasons = con.execute("SELECT reason FROM quarantine.rows WHERE file_path = 'appeals/a3_2024-03.csv'").fetchall()
    assert reasons == [
        ("conflicting duplicate: key already loaded from another file of the same extract date, with different values",)
    ]


# --- idempotency and versions ----------------------------------------------------------


def test_reload_same_file_changes_nothing_and_new_version_supersedes(landing, con):
    path = landing("appeals", "appeals.csv", APPEALS_HEADER + GOOD_APPEAL)
    root = path.parents[1]
    _load(con, root, "appeals")
    again = _load(con, root, "appeals")
    assert again[0].status == "already_loaded"
    assert _count(con, "appeals") == 1
    path.write_text(APPEALS_HEADER + GOOD_APPEAL + "A2,CGO-A,application,2024-03-01,2024-03-15,,,,,\n")
    newer = _load(con, root, "appeals")
    assert newer[0].status == "loaded" and "supersedes" in newer[0].message
    assert con.execute("SELECT appeal_id FROM raw.appeals ORDER BY 1").fetchall() == [("A1",), ("A2",)]
    ledger = con.execute(
        "SELECT count(*), count(superseded_by) FROM audit.load_ledger WHERE table_name = 'appeals'"
    ).fetchone()
    assert ledger == (2, 1)
    raw_copies = sorted(p.name for p in (root.parent / "raw" / "appeals").iterdir())
    assert len(raw_copies) == 2 and all(not name.startswith(".") for name in raw_copies)


def test_superseding_version_replaces_rows_never_adds(landing, con):
    rows = ["CGO-A,S1,2024-01-01,electronic,100,2,0", "CGO-A,S2,2024-01-01,electronic,50,0,0"]
    path = landing("services_rendered", "2024.csv", SERVICES_HEADER + "\n".join(rows) + "\n")
    root = path.parents[1]
    _load(con, root, "services_rendered")
    # the corrected version drops S2 and changes S1: the table must hold exactly the new version
    path.write_text(SERVICES_HEADER + "CGO-A,S1,2024-01-01,electronic,120,2,0\n")
    _load(con, root, "services_rendered")
    assert con.execute("SELECT service_code, rendered FROM raw.services_rendered").fetchall() == [("S1", 120)]
    # and restoring the first version brings back exactly its rows
    path.write_text(SERVICES_HEADER + "\n".join(rows) + "\n")
    _load(con, root, "services_rendered")
    assert con.execute("SELECT service_code, rendered FROM raw.services_rendered ORDER BY 1").fetchall() == [
        ("S1", 100),
        ("S2", 50),
    ]
    assert con.execute("SELECT count(*) FROM audit.load_ledger WHERE superseded_by IS NULL").fetchone() == (2,)


def test_held_back_new_version_keeps_the_loaded_one_and_a_fix_supersedes_it(landing, con):
    good = SERVICES_HEADER + "CGO-A,S1,2024-01-01,electronic,100,2,0\n"
    path = landing("services_rendered", "2024.csv", good)
    root = path.parents[1]
    _load(con, root, "services_rendered", share=0.05)
    path.write_text(SERVICES_HEADER + "CGO-A,S1,2024-01-01,electronic,bad,2,0\n")
    assert _load(con, root, "services_rendered", share=0.05)[0].status == "held_back"
    assert con.execute("SELECT rendered FROM raw.services_rendered").fetchall() == [(100,)]  # old version in use
    path.write_text(SERVICES_HEADER + "CGO-A,S1,2024-01-01,electronic,110,2,0\n")
    assert _load(con, root, "services_rendered", share=0.05)[0].status == "loaded"
    assert con.execute("SELECT rendered FROM raw.services_rendered").fetchall() == [(110,)]
    current = con.execute(
        "SELECT status FROM audit.load_ledger WHERE superseded_by IS NULL AND table_name = 'services_rendered'"
    ).fetchall()
    assert current == [("loaded",)]  # the held-back attempt is no longer reported


def test_landed_rows_are_counted_per_year_and_agency(landing, con):
    rows = [
        "CGO-A,S1,2023-12-01,electronic,100,2,0",
        "CGO-A,S1,2024-01-01,electronic,100,2,0",
        "MIO-35,S1,2024-01-01,electronic,100,2,0",
    ]
    path = landing("services_rendered", "s.csv", SERVICES_HEADER + "\n".join(rows) + "\n")
    _load(con, path.parents[1], "services_rendered")
    got = con.execute(
        "SELECT year, agency_id, rows_loaded FROM audit.landed_rows WHERE table_name = 'services_rendered' ORDER BY ALL"
    ).fetchall()
    assert got == [(2023, "CGO-A", 1), (2024, "CGO-A", 1), (2024, "MIO-35", 1)]
    agencies = con.execute(
        "SELECT count(*), sum(rows_loaded) FROM audit.landed_rows WHERE table_name = 'agencies' AND year IS NULL"
    ).fetchone()
    assert agencies == (3, 3)  # no period: year null, one row per agency


def test_quarantine_table_of_an_older_warehouse_gains_the_new_columns():
    from kzeval.landing.loader import ensure_tables
    from kzeval.warehouse import ensure_schemas

    con = duckdb.connect()
    ensure_schemas(con)
    con.execute(
        "CREATE TABLE quarantine.rows (table_name VARCHAR, file_path VARCHAR, file_sha256 VARCHAR, "
        "row_number BIGINT, column_name VARCHAR, value VARCHAR, reason VARCHAR)"
    )
    ensure_tables(con, ["appeals"])
    columns = [r[0] for r in con.execute("DESCRIBE quarantine.rows").fetchall()]
    assert columns[-2:] == ["agency_id", "year"]


def test_a_warehouse_older_than_a_contract_column_gets_it(landing, con):
    # raw.service_register as built before service_register.year existed (seed 004 para. 48, added 2026-12-04)
    con.execute('ALTER TABLE raw.service_register DROP COLUMN "year"').fetchall()
    con.execute(
        "INSERT INTO raw.service_register (service_code, agency_id, automation, in_mobile_app) "
        "VALUES ('S1', 'CGO-A', 'full', true)"
    ).fetchall()
    from kzeval.landing.loader import ensure_tables

    ensure_tables(con, ["service_register"])
    # the old row keeps its values and has no year (applied to every year); a file with a year now lands
    assert con.execute('SELECT service_code, "year" FROM raw.service_register').fetchall() == [("S1", None)]
    root = landing(
        "service_register",
        "register_2024.csv",
        "service_code,agency_id,automation,in_mobile_app,year\nS2,CGO-A,partial,false,2024\n",
    ).parent.parent
    outcomes = _load(con, root, "service_register")
    assert outcomes[-1].rows_loaded == 1
    assert con.execute("SELECT \"year\" FROM raw.service_register WHERE service_code = 'S2'").fetchall() == [(2024,)]
