"""Atomic publication: users see the previous or the new complete warehouse, never a half."""

from __future__ import annotations

import duckdb

from kzeval import warehouse


def _write(path, value: int) -> None:
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE OR REPLACE TABLE t AS SELECT ? AS v", [value])


def test_build_copies_published_and_publish_swaps(tmp_path):
    published = tmp_path / "wh.duckdb"
    _write(published, 1)
    build = warehouse.begin_build(published, "run-1")
    _write(build, 2)
    with warehouse.connect_readonly(published) as reader:  # a reader during the run sees the old state
        assert reader.execute("SELECT v FROM t").fetchall() == [(1,)]
    warehouse.publish(published)
    with warehouse.connect_readonly(published) as reader:
        assert reader.execute("SELECT v FROM t").fetchall() == [(2,)]
    assert not warehouse.build_path(published).exists()


def test_stale_build_of_another_run_is_discarded(tmp_path):
    published = tmp_path / "wh.duckdb"
    _write(published, 1)
    stale = warehouse.begin_build(published, "killed-run")
    _write(stale, 99)
    fresh = warehouse.begin_build(published, "next-run")
    with duckdb.connect(str(fresh), read_only=True) as con:
        assert con.execute("SELECT v FROM t").fetchall() == [(1,)]


def test_same_run_reuses_its_build(tmp_path):
    published = tmp_path / "wh.duckdb"
    build = warehouse.begin_build(published, "run-1")
    _write(build, 5)
    assert warehouse.begin_build(published, "run-1") == build
    with duckdb.connect(str(build), read_only=True) as con:
        assert con.execute("SELECT v FROM t").fetchall() == [(5,)]
