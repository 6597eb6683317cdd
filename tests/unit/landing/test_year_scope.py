"""Year-scoped reads (issue 19): a year's run reads only what can count in that year.

The scope is declared once (``kzeval.contracts.YEAR_SCOPED_READS``); the range it becomes must
keep exactly the rows of the year (dates and timestamps at the year's edges) and be a filter
DuckDB pushes into a Parquet scan. Appeals place a row in the year of each of its events, so
their lineage and counts are restricted to the files with an event in the year
(``audit.file_years``, filled lazily per file).
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl

from kzeval.contracts import CONTRACTS, YEAR_SCOPED_READS
from kzeval.indicators.appeals import aggregate_appeals_in_duckdb
from kzeval.landing.loader import load_table
from kzeval.lineage import files_of_year, sql_in_list, year_range_sql, year_scope_sql
from kzeval.steps.core import build_agencies, read_raw
from tests.support.drops import APPEALS_CSV_HEADER

RENDERED_HEADER = "agency_id,service_code,month,channel,rendered,overdue,overdue_excluded_outage\n"


def test_the_scope_is_declared_for_services_rendered_by_its_month() -> None:
    assert YEAR_SCOPED_READS == {"services_rendered": "month"}
    for table, column in YEAR_SCOPED_READS.items():
        assert CONTRACTS[table].date_column == column
        assert next(c for c in CONTRACTS[table].columns if c.name == column).type == "date"
    # figures of a year that also read rows of other years: never scoped
    assert "service_register" not in YEAR_SCOPED_READS
    assert "openness_points" not in YEAR_SCOPED_READS
    assert "appeals" not in YEAR_SCOPED_READS


def test_the_range_sql_is_a_half_open_range_on_the_raw_column() -> None:
    assert year_range_sql("month", 2024) == "(\"month\" >= DATE '2024-01-01' AND \"month\" < DATE '2025-01-01')"
    assert year_range_sql("received_on", 999, "r") == (
        "(r.\"received_on\" >= DATE '0999-01-01' AND r.\"received_on\" < DATE '1000-01-01')"
    )
    assert year_scope_sql("services_rendered", 2023) == year_range_sql("month", 2023)
    assert year_scope_sql("service_register", 2023) is None
    assert sql_in_list(["a", "b'c"]) == "('a', 'b''c')"
    assert sql_in_list([]) == "(NULL)"


def test_the_range_keeps_exactly_the_years_dates_and_timestamps() -> None:
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE t AS SELECT * FROM (VALUES "
        "(DATE '2023-12-31', TIMESTAMP '2023-12-31 23:59:59'), (DATE '2024-01-01', TIMESTAMP '2024-01-01 00:00:00'), "
        "(DATE '2024-12-31', TIMESTAMP '2024-12-31 23:59:59.999'), (DATE '2025-01-01', TIMESTAMP '2025-01-01 00:00:00'), "
        "(NULL, NULL)) v(d, ts)"
    )
    assert con.execute(f"SELECT count(*) FROM t WHERE {year_range_sql('d', 2024)}").fetchone() == (2,)
    assert con.execute(f"SELECT count(*) FROM t WHERE {year_range_sql('ts', 2024)}").fetchone() == (2,)
    assert con.execute(f"SELECT count(*) FROM t WHERE {year_range_sql('d', 2023)}").fetchone() == (1,)


def test_the_range_is_pushed_into_the_parquet_scan(tmp_path: Path) -> None:
    """The filter reaches the scan (row groups skipped by min/max), not a FILTER over every row read."""
    path = tmp_path / "rendered.parquet"
    con = duckdb.connect()
    con.execute(
        "COPY (SELECT make_date(CAST(2023 + i // 1000 AS INTEGER), 1 + CAST(i % 12 AS INTEGER), 1) AS month, i AS n "
        "FROM range(3000) r(i)) "
        f"TO '{path}' (FORMAT parquet, ROW_GROUP_SIZE 1000)"
    )
    query = f"SELECT count(*) FROM read_parquet('{path}') WHERE {year_range_sql('month', 2024)}"
    assert con.execute(query).fetchone() == (1000,)
    plan = "\n".join(str(row[1]) for row in con.execute(f"EXPLAIN {query}").fetchall())
    scan = plan[plan.index("READ_PARQUET") :]
    assert "Filters:" in scan and "month>=" in scan.replace(" ", "")


def _load(con: duckdb.DuckDBPyConnection, root: Path, table: str) -> None:
    load_table(con, root, "agencies", root.parent / "raw")
    load_table(con, root, table, root.parent / "raw")
    build_agencies(con)


def test_read_raw_of_a_year_equals_the_whole_table_filtered(landing, con) -> None:
    rows = [
        "CGO-A,S1,2023-12-01,electronic,5,1,0",
        "CGO-A,S1,2024-01-01,electronic,7,2,1",
        "CGO-A,S1,2024-12-01,paper,3,0,0",
        "CGO-A,S2,2025-01-01,electronic,9,0,0",
    ]
    root = landing("services_rendered", "services_rendered.csv", RENDERED_HEADER + "\n".join(rows) + "\n").parents[1]
    _load(con, root, "services_rendered")
    whole = read_raw(con, "services_rendered")
    assert whole.height == 4
    for year in (2023, 2024, 2025, 2026):
        scoped = read_raw(con, "services_rendered", year)
        assert scoped.equals(whole.filter(pl.col("month").dt.year() == year))
    assert read_raw(con, "services_rendered", 2024)["rendered"].to_list() == [7, 3]
    # a table outside the declaration is read whole whatever the year
    assert read_raw(con, "agencies", 2024).equals(read_raw(con, "agencies"))


def _appeals(rows: list[str]) -> str:
    # appeal_id, agency_id, kind, received_on, due_on, reviewed_on, redirected_on, redirect_due_on,
    # court_satisfied_on, disciplinary
    return APPEALS_CSV_HEADER + "\n".join(rows) + "\n"


def _shas(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    return dict(con.execute("SELECT DISTINCT _file_path, _file_sha256 FROM raw.appeals").fetchall())


def test_files_of_a_year_are_those_with_an_event_in_it(landing, con) -> None:
    root = landing(
        "appeals",
        "appeals_a.csv",
        _appeals(
            [
                "A1,CGO-A,complaint,2023-12-20,2024-01-10,2024-01-15,,,,",  # received 2023, reviewed 2024
                "A2,CGO-A,complaint,2023-03-01,2023-03-15,2023-03-10,,,,",
            ]
        ),
    ).parents[1]
    landing("appeals", "appeals_b.csv", _appeals(["B1,CGO-A,complaint,2025-02-01,2025-02-15,,,,2026-05-05,"]))
    _load(con, root, "appeals")
    sha = {Path(path).name: value for path, value in _shas(con).items()}
    assert files_of_year(con, "appeals", 2023) == [sha["appeals_a.csv"]]
    assert files_of_year(con, "appeals", 2024) == [sha["appeals_a.csv"]]
    assert files_of_year(con, "appeals", 2025) == [sha["appeals_b.csv"]]
    assert files_of_year(con, "appeals", 2026) == [sha["appeals_b.csv"]]  # the court decision's year
    assert files_of_year(con, "appeals", 2022) == []
    recorded = con.execute(
        "SELECT file_sha256, year, rows_seen FROM audit.file_years WHERE table_name = 'appeals' ORDER BY ALL"
    ).fetchall()
    assert sorted(recorded, key=str) == sorted(
        [
            (sha["appeals_a.csv"], 2023, 2),
            (sha["appeals_a.csv"], 2024, 2),
            (sha["appeals_b.csv"], 2025, 1),
            (sha["appeals_b.csv"], 2026, 1),
        ],
        key=str,
    )
    # a file whose recorded row count no longer matches is counted again (here: a tampered record)
    con.execute("UPDATE audit.file_years SET year = 1999 WHERE file_sha256 = ?", [sha["appeals_b.csv"]])
    assert files_of_year(con, "appeals", 2025) == []  # same rows_seen: the record is trusted
    con.execute("UPDATE audit.file_years SET rows_seen = 5 WHERE file_sha256 = ?", [sha["appeals_b.csv"]])
    assert files_of_year(con, "appeals", 2025) == [sha["appeals_b.csv"]]


def test_a_superseded_files_rows_in_history_keep_it_among_the_years_files(landing, con) -> None:
    rows = [f"A{i},CGO-A,complaint,2024-01-10,2024-01-25,,,,," for i in range(1, 4)]
    root = landing("appeals", "appeals_2024-01.csv", _appeals(rows)).parents[1]
    landing("appeals", "appeals_2024-12.csv", _appeals([r.replace(",,,,,", ",2024-01-20,,,,") for r in rows]))
    _load(con, root, "appeals")
    found = con.execute("SELECT DISTINCT _file_path, _file_sha256 FROM history.appeals").fetchall()
    assert [Path(path).name for path, _ in found] == ["appeals_2024-01.csv"]
    january = found[0][1]
    assert con.execute("SELECT count(*) FROM raw.appeals WHERE _file_sha256 = ?", [january]).fetchone() == (0,)
    assert con.execute("SELECT count(*) FROM history.appeals WHERE _file_sha256 = ?", [january]).fetchone() == (3,)
    files = files_of_year(con, "appeals", 2024)
    assert january in files and len(files) == 2


def test_the_appeals_counts_of_the_years_files_equal_the_counts_of_all(landing, con) -> None:
    root = landing(
        "appeals",
        "appeals_2023.csv",
        _appeals(
            [
                "A1,CGO-A,complaint,2023-12-20,2024-01-10,2024-01-15,,,,",  # reviewed late in 2024
                "A2,CGO-A,complaint,2023-03-01,2023-03-15,2023-03-10,,,,",
                "A3,MIO-35,complaint,2023-05-01,2023-05-15,2023-05-20,,,,",  # MIO-35: no event in 2024
            ]
        ),
    ).parents[1]
    landing("appeals", "appeals_2024.csv", _appeals(["B1,CGO-A,application,2024-02-01,2024-02-15,2024-02-10,,,,"]))
    landing("appeals", "appeals_2022.csv", _appeals(["Z1,MIO-35,complaint,2022-02-01,2022-02-15,2022-02-10,,,,"]))
    _load(con, root, "appeals")
    for year in (2022, 2023, 2024, 2025):
        files = files_of_year(con, "appeals", year)
        scoped = aggregate_appeals_in_duckdb(con, "raw.appeals", "core.agencies", year, files)
        assert scoped.equals(aggregate_appeals_in_duckdb(con, "raw.appeals", "core.agencies", year))
    counts = aggregate_appeals_in_duckdb(con, "raw.appeals", "core.agencies", 2024, files_of_year(con, "appeals", 2024))
    # 2024: A1 reviewed (late: after 2024-01-10), B1 received and reviewed in time; MIO-35 not listed
    assert counts.select("_body", "reviewed", "reviewed_late", "received").rows() == [("CGO-A", 2, 1, 1)]
    assert aggregate_appeals_in_duckdb(con, "raw.appeals", "core.agencies", 2025, []).height == 0
