"""The lake (issue 19): large tables as immutable Parquet segments behind views of the small DuckDB file.

Hand-checkable cases: a reload writes nothing, a superseding delivery gets a new file and
leaves the old one for vacuum, a reader opened before a publication keeps its state, vacuum
removes only unreferenced files past the grace period, relink after a move, the published
file holds no row of the large tables, and the overtime months are segments too.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
import uuid
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from kzeval import lake, lake_commands, warehouse
from kzeval.landing.loader import ensure_tables, load_table
from kzeval.steps.core import build_agencies, ensure_core_tables
from kzeval.steps.overtime import compute_overtime_year

AGENCIES_CSV = (
    "agency_id,name_ru,body_type,parent_agency_id,is_assessed,region_code,level\n"
    "CGO-A,Министерство А,CGO,,true,,central\n"
)
TURNSTILE_HEADER = "employee_id,agency_id,event_ts,direction,gate_id\n"
MARCH = (
    TURNSTILE_HEADER + "E1,CGO-A,2024-03-01 09:00:00,in,G1\nE1,CGO-A,2024-03-01 20:00:00,out,G1\n"
    "E2,CGO-A,2024-03-01 09:30:00,in,G2\nE2,CGO-A,2024-03-01 18:00:00,out,G2\n"
)
# the same file name re-delivered: E2's exit corrected to 19:00, a third person added
MARCH_REVISED = (
    TURNSTILE_HEADER + "E1,CGO-A,2024-03-01 09:00:00,in,G1\nE1,CGO-A,2024-03-01 20:00:00,out,G1\n"
    "E2,CGO-A,2024-03-01 09:30:00,in,G2\nE2,CGO-A,2024-03-01 19:00:00,out,G2\n"
    "E3,CGO-A,2024-03-01 10:00:00,in,G3\n"
)


def _drop(root: Path, turnstile: str) -> Path:
    (root / "agencies").mkdir(parents=True, exist_ok=True)
    (root / "agencies" / "agencies.csv").write_text(AGENCIES_CSV, encoding="utf-8")
    (root / "turnstile_events").mkdir(parents=True, exist_ok=True)
    (root / "turnstile_events" / "2024-03.csv").write_text(turnstile, encoding="utf-8")
    return root


def _run(published: Path, landing: Path, tables: tuple[str, ...] = ("agencies", "turnstile_events")) -> None:
    """Load ``tables`` in a build and publish it, as a run does."""
    run_id = uuid.uuid4().hex
    warehouse.begin_build(published, run_id)
    with warehouse.connect_build(published) as con:
        for table in tables:
            load_table(con, landing, table, warehouse.raw_store_dir(published))
    warehouse.publish(published, run_id=run_id)


def _view_sql(published: Path, table: str = "turnstile_events") -> str:
    with duckdb.connect(str(published), read_only=True) as con:
        row = con.execute(
            "SELECT sql FROM duckdb_views() WHERE schema_name = 'raw' AND view_name = ?", [table]
        ).fetchone()
    assert row is not None
    return str(row[0])


def _files(published: Path) -> set[Path]:
    return set(lake.lake_dir(published).rglob("*.parquet"))


def _exits(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    rows = con.execute(
        "SELECT employee_id, strftime(event_ts, '%H:%M') FROM raw.turnstile_events WHERE direction = 'out'"
    ).fetchall()
    return {str(e): str(t) for e, t in rows}


@pytest.fixture
def published(tmp_path: Path) -> Path:
    return tmp_path / "wh" / "kzeval.duckdb"


def test_the_same_file_reloaded_writes_no_file_and_keeps_the_views(tmp_path, published):
    landing = _drop(tmp_path / "drop", MARCH)
    _run(published, landing)
    files, view = _files(published), _view_sql(published)
    # one segment per delivered file: agencies.csv and 2024-03.csv
    assert len(files) == 2
    assert view.count(".parquet") == 1 and str(lake.lake_dir(published)) in view  # named by absolute path
    _run(published, landing)
    assert _files(published) == files
    assert _view_sql(published) == view
    with warehouse.connect_readonly(published) as con:
        assert con.execute("SELECT count(*) FROM raw.turnstile_events").fetchone() == (4,)


def test_a_superseding_delivery_gets_a_new_file_and_readers_keep_their_state(tmp_path, published):
    landing = _drop(tmp_path / "drop", MARCH)
    _run(published, landing)
    old_files, old_view = _files(published), _view_sql(published)
    reader = warehouse.connect_readonly(published)  # opened before the next publication
    try:
        _drop(landing, MARCH_REVISED)  # same name, new content: supersedes the first version
        _run(published, landing)
        new_files = _files(published)
        assert old_files < new_files and len(new_files - old_files) == 1  # the old segment stays until vacuum
        # the reader still sees the state it opened: the first version's rows, from the old file
        assert _exits(reader) == {"E1": "20:00", "E2": "18:00"}
        assert reader.execute("SELECT count(*) FROM raw.turnstile_events").fetchone() == (4,)
    finally:
        reader.close()  # (in this process a new connection to the same path would share the reader's database)
    assert _view_sql(published) != old_view
    with warehouse.connect_readonly(published) as con:
        assert _exits(con) == {"E1": "20:00", "E2": "19:00"}
        assert con.execute("SELECT count(*) FROM raw.turnstile_events").fetchone() == (5,)
        referenced = {lake.lake_dir(published) / p for p in lake.segment_paths(con)}
    assert referenced == new_files - (old_files - referenced)
    assert len(new_files - referenced) == 1  # exactly the superseded version's segment


def test_vacuum_removes_only_unreferenced_files_older_than_the_grace_period(tmp_path, published):
    landing = _drop(tmp_path / "drop", MARCH)
    _run(published, landing)
    first = _files(published)
    _drop(landing, MARCH_REVISED)
    _run(published, landing)
    with warehouse.connect_readonly(published) as con:
        referenced = {lake.lake_dir(published) / p for p in lake.segment_paths(con)}
    stale = _files(published) - referenced
    assert len(stale) == 1 and stale < first
    stray = lake.lake_dir(published) / "raw" / "turnstile_events" / "left-by-a-failed-run.parquet"
    shutil.copyfile(next(iter(stale)), stray)  # written now: within the grace period
    grace = dt.timedelta(hours=24)
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    assert lake_commands.vacuum(published, grace, now=now).removed == []  # everything is younger than 24 h
    later = lake_commands.vacuum(published, grace, now=now + dt.timedelta(hours=25), dry_run=True)
    assert set(later.removed) == stale | {stray} and _files(published) == referenced | stale | {stray}
    done = lake_commands.vacuum(published, grace, now=now + dt.timedelta(hours=25))
    assert set(done.removed) == stale | {stray}
    assert _files(published) == referenced
    with warehouse.connect_readonly(published) as con:
        assert con.execute("SELECT count(*) FROM raw.turnstile_events").fetchone() == (5,)


def test_relink_after_moving_the_warehouse_folder(tmp_path, published):
    _run(published, _drop(tmp_path / "drop", MARCH))
    moved_dir = tmp_path / "moved" / "wh"
    shutil.move(str(published.parent), str(moved_dir))
    moved = moved_dir / published.name
    with warehouse.connect_readonly(moved) as con, pytest.raises(duckdb.IOException):
        con.execute("SELECT count(*) FROM raw.turnstile_events").fetchall()  # the views name the old folder
    assert lake_commands.relink(moved) is True
    assert str(moved_dir / "lake") in _view_sql(moved)
    with warehouse.connect_readonly(moved) as con:
        assert con.execute("SELECT count(*) FROM raw.turnstile_events").fetchone() == (4,)
    assert lake_commands.relink(moved) is False  # already pointing there


def test_ad_hoc_sql_from_another_working_folder_reads_the_published_file(tmp_path, published):
    # the README's entry point: the DuckDB shell installed beside Python (tests/test_install.py checks it is there)
    _run(published, _drop(tmp_path / "drop", MARCH))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    shell = Path(sys.executable).parent / "duckdb"
    out = subprocess.run(
        [
            str(shell),
            "-readonly",
            "-csv",
            "-noheader",
            str(published.resolve()),
            "-c",
            "SELECT count(*), count(DISTINCT employee_id) FROM raw.turnstile_events",
        ],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == "4,2"


def test_the_published_file_holds_no_row_of_the_lake_tables(tmp_path, published):
    # 200 000 events: 100 000 people, one day each
    lines = [
        f"E{i},CGO-A,2024-03-{1 + i % 28:02d} 09:00:00,in,G1\nE{i},CGO-A,2024-03-{1 + i % 28:02d} 19:30:00,out,G1"
        for i in range(100_000)
    ]
    landing = _drop(tmp_path / "drop", TURNSTILE_HEADER + "\n".join(lines) + "\n")
    _run(published, landing)
    with warehouse.connect_readonly(published) as con:
        kinds = dict(
            con.execute(
                "SELECT table_name, table_type FROM information_schema.tables WHERE table_schema = 'raw'"
            ).fetchall()
        )
        assert kinds["turnstile_events"] == "VIEW" and set(kinds.values()) == {"VIEW"}
        stored = con.execute(
            "SELECT coalesce(sum(estimated_size), 0) FROM duckdb_tables() WHERE schema_name IN ('raw', 'lake') "
            "AND table_name LIKE '%turnstile_events'"
        ).fetchone()
        assert stored == (0,)
        assert con.execute("SELECT count(*) FROM raw.turnstile_events").fetchone() == (200_000,)
    # the same loads into a native table: the lake's DuckDB file is smaller
    native = tmp_path / "native.duckdb"
    with duckdb.connect(str(native)) as con:
        warehouse.ensure_schemas(con)
        for table in ("agencies", "turnstile_events"):
            load_table(con, landing, table, None)
        con.execute("CHECKPOINT").fetchall()
    assert native.stat().st_size - published.stat().st_size > 1_000_000


COLUMNS = "employee_id, agency_id, event_ts, direction, gate_id, _file_sha256, _file_path, _row_number"


def _events_in(con: duckdb.DuckDBPyConnection, sha: str, rows: list[tuple[str, str, str]], agency: str = "C1") -> None:
    """Write events as file ``sha`` to the lake inside the open transaction (a new segment, as the loader does)."""
    values = ", ".join(
        f"('{e}', '{agency}', TIMESTAMP '{datetime.fromisoformat(ts)}', '{d}', NULL, '{sha}', "
        f"'turnstile_events/{sha}.csv', {n})"
        for n, (e, ts, d) in enumerate(rows, start=1)
    )
    lake.insert(con, lake.raw_table("turnstile_events"), sha, f"SELECT * FROM (VALUES {values}) t({COLUMNS})")
    lake.flush(con)


def _events(con: duckdb.DuckDBPyConnection, sha: str, rows: list[tuple[str, str, str]]) -> None:
    """Land events as file ``sha`` in the lake, committed."""
    con.execute("BEGIN TRANSACTION").fetchall()
    _events_in(con, sha, rows)
    con.execute("COMMIT").fetchall()


def test_overtime_months_are_segments_and_the_month_boundary_still_closes(tmp_path):
    # as tests/overtime/test_monthly_run.py, with core.overtime_daily in the lake
    con = duckdb.connect()
    warehouse.ensure_schemas(con)
    ensure_tables(con)
    ensure_core_tables(con)
    con.execute(
        "INSERT INTO raw.agencies (agency_id, name_ru, name_kk, body_type, parent_agency_id, is_assessed, region_code, "
        "level, workday_end, _file_sha256, _file_path, _row_number) "
        "VALUES ('C1', 'Министерство', NULL, 'CGO', NULL, true, NULL, 'central', '18:30', 'sha-a', 'a.csv', 1)"
    )
    con.execute(
        "INSERT INTO raw.headcount_monthly SELECT 'C1', last_day(make_date(2024, m, 1)), 2, 2, 'sha-h', 'h.csv', m "
        "FROM range(1, 13) t(m)"
    )
    build_agencies(con)
    folder = tmp_path / "lake"
    lake.configure(con, folder)  # the native raw tables move to the lake
    assert con.execute("SELECT count(*) FROM raw.agencies").fetchone() == (1,)
    # Wed 31 Jan 18:00 in → Thu 1 Feb 01:00 out: belongs to 31 Jan; overtime after 19:00 = 6 h
    _events(con, "jan", [("E2", "2024-01-31T18:00:00", "in")])
    first = compute_overtime_year(con, 2024, months=[1])
    assert first.months_recomputed == [1]
    assert con.execute(
        "SELECT is_unclosed FROM core.overtime_daily WHERE work_date = DATE '2024-01-31'"
    ).fetchall() == [(True,)]
    january = set(lake.segment_paths(con, lake.OVERTIME_DAILY))
    assert [Path(p).name.split(".")[0] for p in january] == ["2024-01"]
    _events(con, "feb", [("E2", "2024-02-01T01:00:00", "out")])
    result = compute_overtime_year(con, 2024, months=[1, 2])
    assert result.months_recomputed == [2] and result.months_unchanged == [1]
    hours = con.execute(
        "SELECT workday_overtime_hours FROM core.overtime_daily WHERE work_date = DATE '2024-01-31'"
    ).fetchall()
    assert hours == [(6.0,)]
    row = con.execute(
        "SELECT workday_overtime_hours, avg_headcount, normal_hours, avg_workday_hours FROM core.overtime"
    ).fetchall()
    assert row == [(6.0, 2.0, 1824.0, 1827.0)]
    # January's last day was refreshed: a new January file (February's only event is an `out`: no day row)
    segments = lake.segment_paths(con, lake.OVERTIME_DAILY)
    assert sorted(Path(p).name.split(".")[0] for p in segments) == ["2024-01"]
    assert not january & set(segments)
    assert not lake.pending(con)
    con.close()


def test_a_typed_parquet_delivery_is_read_in_place_not_rewritten(tmp_path, published):
    import polars as pl

    landing = _drop(tmp_path / "drop", MARCH)
    (landing / "turnstile_events" / "2024-03.csv").unlink()
    events = pl.DataFrame(
        {
            "employee_id": ["E1", "E1", "E2"],
            "agency_id": ["CGO-A"] * 3,
            "event_ts": [datetime(2024, 3, 1, 9), datetime(2024, 3, 1, 20), datetime(2024, 3, 1, 9, 30)],
            "direction": ["in", "out", "in"],
            "gate_id": ["G1", "G1", None],
        }
    )
    events.write_parquet(landing / "turnstile_events" / "2024-03.parquet")
    _run(published, landing)
    # the only lake file is agencies.csv's: the Parquet delivery is its kept copy in raw_files, read in place
    assert [p.parent.name for p in _files(published)] == ["agencies"]
    assert "raw_files/turnstile_events" in _view_sql(published)
    with warehouse.connect_readonly(published) as con:
        rows = con.execute(
            "SELECT employee_id, direction, _file_path, _row_number FROM raw.turnstile_events ORDER BY _row_number"
        ).fetchall()
    assert rows == [
        ("E1", "in", "turnstile_events/2024-03.parquet", 1),
        ("E1", "out", "turnstile_events/2024-03.parquet", 2),
        ("E2", "in", "turnstile_events/2024-03.parquet", 3),
    ]
    # a corrected re-delivery (same name): the new version is read in place too, the old one no longer named
    events.with_columns(pl.lit("G9").alias("gate_id")).write_parquet(landing / "turnstile_events" / "2024-03.parquet")
    _run(published, landing)
    with warehouse.connect_readonly(published) as con:
        gates = con.execute("SELECT DISTINCT gate_id FROM raw.turnstile_events").fetchall()
        named = [p for p in lake.segment_paths(con, lake.raw_table("turnstile_events"))]
    assert gates == [("G9",)]
    assert len(named) == 1 and named[0].startswith("../raw_files/turnstile_events/")
    assert [p.parent.name for p in _files(published)] == ["agencies"]


def test_files_written_in_a_rolled_back_transaction_are_named_by_nothing(tmp_path, published):
    # what the sensitivity analysis' scratch pass (or a failed file) leaves: files, never a catalogue entry
    _run(published, _drop(tmp_path / "drop", MARCH))
    before = _files(published)
    run_id = uuid.uuid4().hex
    warehouse.begin_build(published, run_id)
    with warehouse.connect_build(published) as con:
        view = con.execute("SELECT sql FROM duckdb_views() WHERE view_name = 'turnstile_events'").fetchone()
        con.execute("BEGIN TRANSACTION").fetchall()
        _events_in(con, "scratch", [("E9", "2024-03-02T09:00:00", "in")], agency="CGO-A")
        assert con.execute("SELECT count(*) FROM raw.turnstile_events").fetchone() == (5,)
        con.execute("ROLLBACK").fetchall()
        assert con.execute("SELECT count(*) FROM raw.turnstile_events").fetchone() == (4,)
        assert con.execute("SELECT sql FROM duckdb_views() WHERE view_name = 'turnstile_events'").fetchone() == view
        assert not any("scratch" in p for p in lake.segment_paths(con))
    warehouse.publish(published, run_id=run_id)
    stray = _files(published) - before
    assert len(stray) == 1 and next(iter(stray)).name.startswith("scratch.")
    done = lake_commands.vacuum(
        published, dt.timedelta(hours=1), now=dt.datetime.now(dt.UTC).replace(tzinfo=None) + dt.timedelta(hours=2)
    )
    assert set(done.removed) == stray


def test_a_copied_duckdb_file_without_its_lake_is_refused_clearly(tmp_path, published):
    _run(published, _drop(tmp_path / "drop", MARCH))
    alone = tmp_path / "alone" / "kzeval.duckdb"
    alone.parent.mkdir()
    shutil.copyfile(published, alone)
    with pytest.raises(FileNotFoundError, match="move or copy the whole warehouse folder"):
        warehouse.begin_build(alone, "copied")
    with warehouse.connect_readonly(published) as con:  # the original is untouched
        assert con.execute("SELECT count(*) FROM raw.turnstile_events").fetchone() == (4,)
