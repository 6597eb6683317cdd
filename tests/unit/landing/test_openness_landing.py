"""`openness_points.not_assessed` at the landing (data-contracts, 2026-12-04): the contract rule and an older warehouse."""

from __future__ import annotations

import duckdb

from kzeval.landing.loader import check_file, ensure_tables
from kzeval.warehouse import ensure_schemas

HEADER = "agency_id,year,criterion,item,language,points,not_assessed\n"


def test_points_or_not_assessed_exactly_one(landing) -> None:
    rows = [
        "CGO-A,2024,open_budget,2,kk,0.5,",  # scored
        "CGO-A,2024,open_budget,3,kk,,secret_budget",  # not assessed, points empty
        "CGO-A,2024,open_budget,4,kk,,",  # neither: quarantined
        "CGO-A,2024,open_budget,5,kk,0.5,dsp_budget",  # both: quarantined
        "CGO-A,2024,open_budget,8,kk,,hidden",  # not a known mark
    ]
    path = landing("openness_points", "p.csv", HEADER + "\n".join(rows) + "\n")
    checked = check_file(path, "openness_points", {"CGO-A"}, hold_back_share=0.99)
    assert checked.good["item"].to_list() == ["2", "3"]
    reasons = {r["row_number"]: (r["column_name"], r["reason"]) for r in checked.quarantine.iter_rows(named=True)}
    assert sorted(reasons) == [3, 4, 5]
    assert reasons[3][0] == "points" and "not_assessed" in reasons[3][1]
    assert reasons[4][0] == "points" and "not_assessed" in reasons[4][1]
    assert reasons[5][0] == "not_assessed" and "must be one of" in reasons[5][1]


def test_file_without_the_optional_column_still_loads(landing) -> None:
    path = landing(
        "openness_points", "old.csv", "agency_id,year,criterion,item,language,points\nCGO-A,2024,open_data,1,kk,2.5\n"
    )
    checked = check_file(path, "openness_points", {"CGO-A"})
    assert checked.outcome.status == "loaded"
    assert checked.good["not_assessed"].to_list() == [None]


def test_raw_table_of_an_older_warehouse_gains_not_assessed() -> None:
    con = duckdb.connect()
    ensure_schemas(con)
    con.execute(
        "CREATE TABLE raw.openness_points (agency_id VARCHAR, year BIGINT, criterion VARCHAR, item VARCHAR, "
        "language VARCHAR, points DOUBLE, _file_sha256 VARCHAR, _file_path VARCHAR, _row_number BIGINT)"
    )
    ensure_tables(con, ["openness_points"])
    columns = [r[0] for r in con.execute("DESCRIBE raw.openness_points").fetchall()]
    assert "not_assessed" in columns


def test_validate_reports_unit_sums_above_the_item_maximum(landing, tmp_path) -> None:
    from kzeval.validate import validate_drop

    rows = [
        "CGO-A,2024,open_data,1,kk,2.5,",  # central office
        "CGO-A-T,2024,open_data,1,kk,2.5,",  # its territorial unit: 2.5 + 2.5 = 5 > 2.5
        "CGO-A,2024,open_subordinate_penalty,9.1,kk,1.5,",  # P7 rows add up per Table 8 criterion: fine
        "CGO-A-T,2024,open_subordinate_penalty,9.1,kk,1.5,",
        "MIO-35,2024,open_dialogue,4,kk,,mod_excluded",  # Table 6 note * is about the Ministry of Defence
    ]
    landing("openness_points", "p.csv", HEADER + "\n".join(rows) + "\n")
    problems = validate_drop(tmp_path / "landing", echo=False)
    assert len(problems) == 3
    text = "\n".join(problems)
    assert (
        "openness_points/p.csv: row 1, column points, value '2.5': cross-table rule: points of the body's units" in text
    )
    assert "row 2, column points" in text and "sum to 5 (CGO-A, CGO-A-T)" in text
    assert "row 5, column points" in text and "not_assessed=mod_excluded does not apply" in text
