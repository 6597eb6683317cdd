"""Landing: every bad-input class gives a clear message and loses no good row."""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl

from kzeval.landing.loader import check_file, load_table

APPEALS_HEADER = (
    "appeal_id,agency_id,kind,received_on,due_on,reviewed_on,redirected_on,redirect_due_on,court_satisfied_on,"
    "disciplinary\n"
)
GOOD_APPEAL = "A1,CGO-A,complaint,2024-02-01,2024-02-15,2024-02-10,,,,\n"
SERVICES_HEADER = "agency_id,service_code,month,channel,rendered,overdue,overdue_excluded_outage\n"


def _quarantine(con: duckdb.DuckDBPyConnection) -> list[tuple[int, str, str]]:
    return con.execute("SELECT row_number, column_name, reason FROM quarantine.rows ORDER BY row_number").fetchall()


def _load(con: duckdb.DuckDBPyConnection, root: Path, table: str, share: float = 0.99):
    load_table(con, root, "agencies", root.parent / "raw", share)
    return load_table(con, root, table, root.parent / "raw", share)


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


def test_utf8_bom_header_is_recognised(landing, con):
    path = landing("appeals", "bom.csv", ("\ufeff" + APPEALS_HEADER + GOOD_APPEAL).encode("utf-8"))
    outcomes = _load(con, path.parents[1], "appeals")
    assert outcomes[0].status == "loaded" and outcomes[0].rows_loaded == 1


def test_undecodable_file_is_rejected_naming_it(landing, con):
    path = landing("appeals", "utf16.csv", (APPEALS_HEADER + GOOD_APPEAL).encode("utf-16"))
    outcome = _load(con, path.parents[1], "appeals")[0]
    assert outcome.status == "rejected"
    assert "appeals/utf16.csv" in outcome.message and "decode" in outcome.message


def test_wrong_delimiter_reports_missing_columns(landing, con):
    path = landing("appeals", "tabs.csv", (APPEALS_HEADER + GOOD_APPEAL).replace(",", "|"))
    outcome = _load(con, path.parents[1], "appeals")[0]
    assert outcome.status == "rejected"
    assert "missing required column" in outcome.message and "delimiter" in outcome.message


def test_missing_column_rejects_file(landing, con):
    header = APPEALS_HEADER.replace(",due_on,", ",")
    row = GOOD_APPEAL.replace("2024-02-15,", "", 1)
    outcome = _load(con, landing("appeals", "a.csv", header + row).parents[1], "appeals")[0]
    assert outcome.status == "rejected" and "due_on" in outcome.message


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
    assert ("rendered", "not a valid count") in by_row[2]
    assert any(c == "rendered" and "greater_than_or_equal_to" in r for c, r in by_row[3])
    assert any(c == "overdue" and "overdue must not exceed rendered" in r for c, r in by_row[4])
    assert by_row[5] == [("agency_id", "unknown agency: not in the agencies table")]
    assert con.execute("SELECT sum(rendered) FROM raw.services_rendered").fetchone() == (150,)


def test_file_over_threshold_is_held_back_whole(landing, con):
    rows = ["CGO-A,S1,2024-01-01,electronic,100,2,0", "CGO-A,S1,2024-02-01,electronic,x,2,0"]
    path = landing("services_rendered", "s.csv", SERVICES_HEADER + "\n".join(rows) + "\n")
    outcome = _load(con, path.parents[1], "services_rendered", share=0.05)[0]
    assert outcome.status == "held_back" and "held back" in outcome.message
    assert con.execute("SELECT count(*) FROM raw.services_rendered").fetchone() == (0,)
    assert len(_quarantine(con)) == 1


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


def test_empty_and_header_only_files_rejected(landing, con):
    landing("appeals", "empty.csv", "")
    path = landing("appeals", "header.csv", APPEALS_HEADER)
    outcomes = _load(con, path.parents[1], "appeals")
    assert [o.status for o in outcomes] == ["rejected", "rejected"]
    assert "empty" in outcomes[0].message and "no data rows" in outcomes[1].message


def test_truncated_file_is_rejected(landing, con):
    truncated = APPEALS_HEADER + GOOD_APPEAL + 'A2,CGO-A,"complaint'
    outcome = _load(con, landing("appeals", "t.csv", truncated).parents[1], "appeals")[0]
    assert outcome.status in ("rejected", "loaded")
    if outcome.status == "loaded":  # the reader recovered the row: it must then be quarantined, not lost
        assert outcome.rows_quarantined == 1
    else:
        assert "appeals/t.csv" in outcome.message


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
        ws = wb.add_worksheet("data")
        ws.write_row(0, 0, ["agency_id", "year", "justified_complaints"])
        ws.write_row(1, 0, ["MIO-35", 2024, 3])
    outcomes = _load(con, good.parents[1], "service_complaints")
    by_file = {o.path: o for o in outcomes}
    assert by_file["service_complaints/good.xlsx"].status == "loaded"
    assert by_file["service_complaints/other.xlsx"].status == "rejected"
    assert "first sheet" in by_file["service_complaints/other.xlsx"].message
    assert con.execute("SELECT agency_id, justified_complaints FROM raw.service_complaints").fetchall() == [
        ("CGO-A", 7)
    ]


def test_parquet_is_read_with_its_types(landing, con, tmp_path):
    path = tmp_path / "landing" / "service_complaints" / "c.parquet"
    path.parent.mkdir(parents=True)
    pl.DataFrame({"agency_id": ["CGO-A"], "year": [2024], "justified_complaints": [4]}).write_parquet(path)
    outcome = _load(con, path.parents[1], "service_complaints")[0]
    assert outcome.status == "loaded" and outcome.rows_loaded == 1


def test_unsupported_extension_rejected(landing, con):
    path = landing("appeals", "appeals.json", "{}")
    outcome = _load(con, path.parents[1], "appeals")[0]
    assert outcome.status == "rejected" and "unsupported file type" in outcome.message


def test_reload_same_file_changes_nothing_and_new_version_supersedes(landing, con):
    path = landing("appeals", "appeals.csv", APPEALS_HEADER + GOOD_APPEAL)
    root = path.parents[1]
    _load(con, root, "appeals")
    again = _load(con, root, "appeals")
    assert again[0].status == "already_loaded"
    assert con.execute("SELECT count(*) FROM raw.appeals").fetchone() == (1,)
    path.write_text(APPEALS_HEADER + GOOD_APPEAL + "A2,CGO-A,application,2024-03-01,2024-03-15,,,,,\n")
    newer = _load(con, root, "appeals")
    assert newer[0].status == "loaded" and "supersedes" in newer[0].message
    assert con.execute("SELECT appeal_id FROM raw.appeals ORDER BY 1").fetchall() == [("A1",), ("A2",)]
    ledger = con.execute(
        "SELECT count(*), count(superseded_by) FROM audit.load_ledger WHERE table_name = 'appeals'"
    ).fetchone()
    assert ledger == (2, 1)
    raw_copies = list((root.parent / "raw" / "appeals").iterdir())
    assert len(raw_copies) == 2


def test_cross_file_duplicates(landing, con):
    root = landing("appeals", "a1.csv", APPEALS_HEADER + GOOD_APPEAL).parents[1]
    landing(
        "appeals",
        "a2.csv",
        APPEALS_HEADER + GOOD_APPEAL + GOOD_APPEAL.replace("2024-02-10", "2024-02-20").replace("A1,", "A1,", 1),
    )
    outcomes = _load(con, root, "appeals")
    assert outcomes[1].rows_loaded == 0
    assert con.execute("SELECT count(*) FROM raw.appeals").fetchone() == (1,)
