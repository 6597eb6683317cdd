"""Year-scoped reads on a two-year warehouse (issue 19): equal to the full reads filtered by year.

The sample drops of 2023 and 2024 land in one lake warehouse, as a yearly run lands them. For
each year: the year-scoped read of ``services_rendered`` equals the whole table filtered by the
year of ``month``; the lineage of each interaction table written for the year (with its pruning
prefilter, and for appeals the files of the year) equals the full lineage's rows of that year;
the appeals counts over the files of the year equal the counts over every file.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl
import pytest

from kzeval.contracts import INTERACTION_TABLES, YEAR_SCOPED_READS
from kzeval.indicators.appeals import aggregate_appeals_in_duckdb
from kzeval.landing.check import DEFAULT_HOLD_BACK_SHARE
from kzeval.lineage import files_of_year, row_year_columns, write_source_contributions
from kzeval.steps.core import build_agencies, load_landing, read_raw
from kzeval.warehouse import begin_build, connect_build, raw_store_dir
from tests.support.drops import sample_drop

YEARS = (2023, 2024)
# the sample's appeals spill over: the 2023 file holds appeals received in 2022, the 2024 file
# appeals reviewed in 2025 — so the edge years read one file of two
EDGES = (2022, 2025)


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("year_scope")
    landing, published = root / "landing", root / "warehouse" / "kzeval.duckdb"
    for year in YEARS:
        sample_drop(landing, year)
    build = begin_build(published, "year-scope-test")
    with connect_build(published) as con:
        load_landing(con, landing, raw_store_dir(published), INTERACTION_TABLES, DEFAULT_HOLD_BACK_SHARE)
        build_agencies(con)
    return build


def _contributions(con: duckdb.DuckDBPyConnection, table: str, year: int) -> list[tuple]:
    return con.execute(
        "SELECT file_path, file_sha256, agency_id, rows_contributing, rows_superseded FROM core.source_contributions "
        "WHERE table_name = ? AND year = ? ORDER BY ALL",
        [table, year],
    ).fetchall()


def test_the_scoped_read_equals_the_whole_table_filtered_by_year(warehouse: Path) -> None:
    with duckdb.connect(str(warehouse)) as con:
        for table, column in YEAR_SCOPED_READS.items():
            whole = read_raw(con, table)
            assert set(whole[column].dt.year().unique().to_list()) >= set(YEARS)  # both years landed
            for year in YEARS:
                scoped = read_raw(con, table, year)
                assert scoped.height > 0
                assert scoped.equals(whole.filter(pl.col(column).dt.year() == year))


def test_a_years_lineage_equals_the_full_lineage_of_that_year(warehouse: Path) -> None:
    with duckdb.connect(str(warehouse)) as con:
        dated = [t for t in INTERACTION_TABLES if t not in ("agencies", "calendar") and row_year_columns(t)]
        assert {"services_rendered", "appeals", "service_violations"} <= set(dated)
        for table in dated:
            write_source_contributions(con, table)  # every year, no prefilter
            full = {year: _contributions(con, table, year) for year in (*YEARS, *EDGES)}
            for year in (*YEARS, *EDGES):
                write_source_contributions(con, table, year)
                assert _contributions(con, table, year) == full[year], (table, year)
            assert full[YEARS[0]] or full[YEARS[1]], table


def test_the_appeals_files_of_a_year_give_the_counts_of_all_files(warehouse: Path) -> None:
    with duckdb.connect(str(warehouse)) as con:
        landed = {sha for (sha,) in con.execute("SELECT DISTINCT _file_sha256 FROM raw.appeals").fetchall()}
        assert len(landed) == 2
        for year in (*YEARS, *EDGES):
            files = files_of_year(con, "appeals", year)
            assert set(files) <= landed
            assert len(files) == (2 if year in YEARS else 1), year
            scoped = aggregate_appeals_in_duckdb(con, "raw.appeals", "core.agencies", year, files)
            whole = aggregate_appeals_in_duckdb(con, "raw.appeals", "core.agencies", year)
            assert whole.height > 0
            assert scoped.equals(whole)
        # a year no file has an event in reads no file and counts nothing, as the full read does
        assert files_of_year(con, "appeals", 2030) == []
        assert aggregate_appeals_in_duckdb(con, "raw.appeals", "core.agencies", 2030).height == 0
