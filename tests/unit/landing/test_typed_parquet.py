"""Typed Parquet files take the fast path (DuckDB copies the rows) and land exactly what the full check lands."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

import duckdb
import polars as pl
import pytest

from kzeval.landing import loader
from kzeval.landing.loader import check_typed_parquet, load_table

EVENTS = pl.DataFrame(
    {
        "employee_id": ["E1", "E1", "E2", "E2"],
        "agency_id": ["CGO-A", "CGO-A", "CGO-A", "CGO-A"],
        "event_ts": [
            datetime(2024, 3, 1, 9, 0),
            datetime(2024, 3, 1, 19, 30),
            datetime(2024, 3, 1, 8, 55),
            datetime(2024, 3, 1, 18, 0),
        ],
        "direction": ["in", "out", "in", "out"],
        "gate_id": ["G1", None, "G2", "G2"],
    }
)


def _parquet(frame: pl.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.write_parquet(buffer)
    return buffer.getvalue()


def _landed(con: duckdb.DuckDBPyConnection, table: str) -> list[tuple]:
    return con.execute(f"SELECT * EXCLUDE (_file_sha256) FROM raw.{table} ORDER BY ALL").fetchall()


def _load_events(con, landing, frame: pl.DataFrame, name: str = "2024-03.parquet", full_check: bool = False):
    path = landing("turnstile_events", name, _parquet(frame))
    root = path.parents[1]
    load_table(con, root, "agencies", root.parent / "raw")
    if full_check:
        original = loader.check_typed_parquet
        loader.check_typed_parquet = lambda *args, **kwargs: None  # type: ignore[assignment]
        try:
            return load_table(con, root, "turnstile_events", root.parent / "raw", 0.99)
        finally:
            loader.check_typed_parquet = original
    return load_table(con, root, "turnstile_events", root.parent / "raw", 0.99)


def test_clean_typed_file_is_checked_by_pandera_and_copied_with_its_row_numbers(con, landing):
    path = landing("turnstile_events", "2024-03.parquet", _parquet(EVENTS))
    checked = check_typed_parquet(path, "turnstile_events", {"CGO-A"}, "turnstile_events/2024-03.parquet", "sha")
    assert checked is not None and checked.direct_insert == path
    assert checked.good[loader.ROW_COLUMN].to_list() == [1, 2, 3, 4]

    outcomes = _load_events(con, landing, EVENTS)
    assert [(o.status, o.rows_loaded, o.rows_quarantined) for o in outcomes] == [("loaded", 4, 0)]
    rows = con.execute(
        "SELECT employee_id, direction, gate_id, _file_path, _row_number FROM raw.turnstile_events ORDER BY _row_number"
    ).fetchall()
    assert rows == [
        ("E1", "in", "G1", "turnstile_events/2024-03.parquet", 1),
        ("E1", "out", None, "turnstile_events/2024-03.parquet", 2),
        ("E2", "in", "G2", "turnstile_events/2024-03.parquet", 3),
        ("E2", "out", "G2", "turnstile_events/2024-03.parquet", 4),
    ]
    profile = con.execute(
        "SELECT year, agency_id, rows_total FROM audit.file_profile WHERE table_name = 'turnstile_events'"
    ).fetchall()
    assert profile == [(2024, "CGO-A", 4)]
    # FSST is left out for the turnstile insert only: the connection's later writes may use it again
    assert con.execute("SELECT current_setting('disabled_compression_methods')").fetchone() == ("",)


def test_fast_path_lands_the_same_rows_as_the_full_check(tmp_path: Path, landing):
    fast, full = duckdb.connect(), duckdb.connect()
    for c in (fast, full):
        for schema in ("raw", "quarantine", "audit"):
            c.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
    _load_events(fast, landing, EVENTS)
    _load_events(full, landing, EVENTS, name="2024-03b.parquet", full_check=True)
    strip = "SELECT * EXCLUDE (_file_sha256, _file_path) FROM raw.turnstile_events ORDER BY ALL"
    assert fast.execute(strip).fetchall() == full.execute(strip).fetchall()


@pytest.mark.parametrize(
    ("frame", "reason"),
    [
        (EVENTS.with_columns(pl.Series("direction", ["in", "out", "sideways", "out"])), "must be one of"),
        (EVENTS.with_columns(pl.Series("agency_id", ["CGO-A", "CGO-A", "CGO-X", "CGO-A"])), "unknown agency"),
        (EVENTS.with_columns(pl.Series("employee_id", ["E1", None, "E2", "E2"])), "required value is missing"),
    ],
)
def test_a_bad_row_sends_the_file_through_the_full_check(con, landing, frame: pl.DataFrame, reason: str):
    path = landing("turnstile_events", "bad.parquet", _parquet(frame))
    assert check_typed_parquet(path, "turnstile_events", {"CGO-A"}, "bad.parquet", "sha") is None
    outcomes = _load_events(con, landing, frame, name="bad.parquet")
    # the other three rows land; the bad one is quarantined with its row number and reason
    assert [(o.rows_loaded, o.rows_quarantined) for o in outcomes] == [(3, 1)]
    quarantined = con.execute("SELECT row_number, reason FROM quarantine.rows").fetchall()
    assert [r[0] for r in quarantined] == [3 if "agency" in reason or "one of" in reason else 2]
    assert reason in quarantined[0][1]


def test_repeated_key_and_untyped_columns_take_the_full_check(landing):
    repeated = pl.concat([EVENTS, EVENTS.head(1)])
    path = landing("turnstile_events", "dup.parquet", _parquet(repeated))
    assert check_typed_parquet(path, "turnstile_events", {"CGO-A"}, "dup.parquet", "sha") is None
    as_text = EVENTS.with_columns(pl.col("event_ts").dt.strftime("%Y-%m-%d %H:%M:%S"))
    path = landing("turnstile_events", "text.parquet", _parquet(as_text))
    assert check_typed_parquet(path, "turnstile_events", {"CGO-A"}, "text.parquet", "sha") is None


def test_next_month_skips_the_earlier_months_and_a_repeated_row_is_counted_once(con, landing):
    _load_events(con, landing, EVENTS)
    april = EVENTS.with_columns(pl.col("event_ts").dt.offset_by("1mo"))
    # one March row delivered again inside the April file: identical, so dropped as a duplicate
    april = pl.concat([april, EVENTS.slice(2, 1)])
    outcomes = _load_events(con, landing, april, name="2024-04.parquet")
    april_outcome = next(o for o in outcomes if o.path.endswith("2024-04.parquet"))
    assert (april_outcome.rows_loaded, april_outcome.duplicates_dropped) == (4, 1)
    assert con.execute("SELECT count(*) FROM raw.turnstile_events").fetchone() == (8,)
    # reloading the same files changes nothing
    _load_events(con, landing, april, name="2024-04.parquet")
    assert con.execute("SELECT count(*) FROM raw.turnstile_events").fetchone() == (8,)


def test_landed_rows_summed_from_per_file_counts_equal_a_recount(con, landing):
    from kzeval.landing.loader import refresh_landed_rows

    _load_events(con, landing, EVENTS)
    april = EVENTS.with_columns(pl.col("event_ts").dt.offset_by("1mo"))
    _load_events(con, landing, april, name="2024-04.parquet")
    # a corrected March file (one row fewer, one bad row) supersedes the first one
    corrected = EVENTS.head(3).with_columns(pl.Series("direction", ["in", "out", "sideways"]))
    path = landing("turnstile_events", "2024-03.parquet", _parquet(corrected))
    load_table(con, path.parents[1], "turnstile_events", path.parents[2] / "raw", 0.99)
    summed = con.execute(
        "SELECT * FROM audit.landed_rows WHERE table_name = 'turnstile_events' ORDER BY ALL"
    ).fetchall()
    assert sum(r[3] for r in summed) == 2 + 4
    # the per-file counts account for every landed row (so no recount was needed), the bad row not among them
    assert con.execute(
        "SELECT sum(rows_loaded) FROM audit.file_landed_rows WHERE table_name = 'turnstile_events'"
    ).fetchone() == (6,)
    con.execute("DELETE FROM audit.file_landed_rows")  # forces the recount over raw.turnstile_events
    refresh_landed_rows(con, "turnstile_events")
    recounted = con.execute(
        "SELECT * FROM audit.landed_rows WHERE table_name = 'turnstile_events' ORDER BY ALL"
    ).fetchall()
    assert summed == recounted
