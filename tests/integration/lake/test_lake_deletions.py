"""Deletion without rewrite in the lake (issue 19): rows a newer extract supersedes get tombstones.

The two-extract appeals case of data-contracts.md in a warehouse with a lake: January's
extract is a typed Parquet delivery read in place from raw_files (raw kept once); December's
CSV supersedes some of its appeals. The superseded rows must leave ``raw.appeals`` and enter
``history.appeals`` without any segment being written for January's file: ``lake.deleted``
names them and the view skips them. Then: restoring them when December's file is replaced,
touching a segment with deletions, vacuum and relink.
"""

from __future__ import annotations

import datetime as dt
import shutil
import uuid
from datetime import date
from pathlib import Path

import duckdb
import polars as pl
import pytest

from kzeval import lake, lake_commands, warehouse
from kzeval.landing.loader import load_table
from kzeval.landing.store import raw_target
from tests.support.drops import AGENCIES_CSV, APPEALS_CSV_HEADER

APPEALS = lake.raw_table("appeals")


def _january(ids: range) -> pl.DataFrame:
    """Appeals received 2024-01-10, due 2024-01-25, still under review in January's extract (typed Parquet)."""
    n = len(ids)
    return pl.DataFrame(
        {
            "appeal_id": [f"A{i}" for i in ids],
            "agency_id": ["CGO-A"] * n,
            "kind": ["complaint"] * n,
            "received_on": [date(2024, 1, 10)] * n,
            "due_on": [date(2024, 1, 25)] * n,
            "reviewed_on": pl.Series([None] * n, dtype=pl.Date),
            "redirected_on": pl.Series([None] * n, dtype=pl.Date),
            "redirect_due_on": pl.Series([None] * n, dtype=pl.Date),
            "court_satisfied_on": pl.Series([None] * n, dtype=pl.Date),
            "disciplinary": pl.Series([None] * n, dtype=pl.Utf8),
        }
    )


def _december(ids: range) -> str:
    """The same appeals reviewed on 2024-01-20 (December's extract, CSV)."""
    return APPEALS_CSV_HEADER + "".join(f"A{i},CGO-A,complaint,2024-01-10,2024-01-25,2024-01-20,,,,\n" for i in ids)


def _drop(root: Path, january: range, december: range | None) -> Path:
    (root / "agencies").mkdir(parents=True, exist_ok=True)
    (root / "agencies" / "agencies.csv").write_text(AGENCIES_CSV, encoding="utf-8")
    (root / "appeals").mkdir(parents=True, exist_ok=True)
    _january(january).write_parquet(root / "appeals" / "appeals_2024-01.parquet")
    if december is not None:
        (root / "appeals" / "appeals_2024-12.csv").write_text(_december(december), encoding="utf-8")
    return root


def _run(published: Path, landing: Path) -> None:
    run_id = uuid.uuid4().hex
    warehouse.begin_build(published, run_id)
    with warehouse.connect_build(published) as con:
        for table in ("agencies", "appeals"):
            load_table(con, landing, table, warehouse.raw_store_dir(published))
    warehouse.publish(published, run_id=run_id)


def _files(published: Path) -> set[Path]:
    return set(lake.lake_dir(published).rglob("*.parquet"))


def _current(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, object]]:
    rows = con.execute("SELECT appeal_id, _file_path, reviewed_on FROM raw.appeals ORDER BY 1").fetchall()
    return [(str(a), str(p), r) for a, p, r in rows]


def _january_sha(con: duckdb.DuckDBPyConnection) -> str:
    row = con.execute(
        "SELECT file_sha256 FROM audit.load_ledger WHERE file_path = 'appeals/appeals_2024-01.parquet'"
    ).fetchone()
    assert row is not None
    return str(row[0])


def _deleted(con: duckdb.DuckDBPyConnection) -> list[tuple[str, int]]:
    rows = con.execute(f"SELECT segment_key, row_number FROM {lake.DELETED} ORDER BY 1, 2").fetchall()
    return [(str(k), int(r)) for k, r in rows]


@pytest.fixture
def published(tmp_path: Path) -> Path:
    return tmp_path / "wh" / "kzeval.duckdb"


def _landed(published: Path, tmp_path: Path) -> tuple[Path, set[Path]]:
    """January (A1..A4, read in place) landed, then December (A1..A2) landed in a second run."""
    landing = _drop(tmp_path / "drop", range(1, 5), None)
    _run(published, landing)
    files = _files(published)
    (landing / "appeals" / "appeals_2024-12.csv").write_text(_december(range(1, 3)), encoding="utf-8")
    _run(published, landing)
    return landing, files


def test_rows_a_newer_extract_supersedes_are_deleted_without_rewriting_the_segment(tmp_path, published):
    _, before = _landed(published, tmp_path)
    # the only file written by the second run is December's segment: January's rows were not copied anywhere
    new = _files(published) - before
    assert [p.parent.name for p in new] == ["appeals"]
    with warehouse.connect_readonly(published) as con:
        january = _january_sha(con)
        # January's catalogue entry is still the kept copy in raw_files, read in place
        named = con.execute(
            f"SELECT path, landed_path FROM {lake.CATALOGUE} WHERE segment_key = ?", [january]
        ).fetchall()
        assert named == [(f"../raw_files/appeals/{january}.parquet", "appeals/appeals_2024-01.parquet")]
        # A1, A2 (January's rows 1 and 2) are tombstoned, A3, A4 still current from January's file
        assert _deleted(con) == [(january, 1), (january, 2)]
        reviewed = date(2024, 1, 20)
        assert _current(con) == [
            ("A1", "appeals/appeals_2024-12.csv", reviewed),
            ("A2", "appeals/appeals_2024-12.csv", reviewed),
            ("A3", "appeals/appeals_2024-01.parquet", None),
            ("A4", "appeals/appeals_2024-01.parquet", None),
        ]
        history = con.execute(
            "SELECT appeal_id, _row_number, _file_path, _superseded_by_path FROM history.appeals ORDER BY 1"
        ).fetchall()
        assert history == [
            ("A1", 1, "appeals/appeals_2024-01.parquet", "appeals/appeals_2024-12.csv"),
            ("A2", 2, "appeals/appeals_2024-01.parquet", "appeals/appeals_2024-12.csv"),
        ]
        # the landed-row counts see the deletions: January lands 2 rows now
        landed = con.execute(
            "SELECT sum(rows_loaded) FROM audit.file_landed_rows WHERE file_sha256 = ?", [january]
        ).fetchone()
        assert landed == (2,)
        # only January's branch of the view filters rows; December's segment is read plainly
        view = con.execute("SELECT sql FROM duckdb_views() WHERE view_name = 'appeals'").fetchone()
        assert view is not None and str(view[0]).count("lake.deleted") == 1


def test_restoring_rows_lifts_their_tombstones_and_writes_nothing(tmp_path, published):
    landing, _ = _landed(published, tmp_path)
    before = _files(published)
    # December re-delivered (same name) with A1 only: A2 returns to January's version, from January's file
    (landing / "appeals" / "appeals_2024-12.csv").write_text(_december(range(1, 2)), encoding="utf-8")
    _run(published, landing)
    with warehouse.connect_readonly(published) as con:
        january = _january_sha(con)
        assert _deleted(con) == [(january, 1)]
        assert [(a, p) for a, p, _ in _current(con)] == [
            ("A1", "appeals/appeals_2024-12.csv"),
            ("A2", "appeals/appeals_2024-01.parquet"),
            ("A3", "appeals/appeals_2024-01.parquet"),
            ("A4", "appeals/appeals_2024-01.parquet"),
        ]
        assert con.execute("SELECT appeal_id FROM history.appeals").fetchall() == [("A1",)]
        landed = con.execute(
            "SELECT sum(rows_loaded) FROM audit.file_landed_rows WHERE file_sha256 = ?", [january]
        ).fetchone()
        assert landed == (3,)
        # the first December version left the catalogue without being copied: recorded as dropped for vacuum
        dropped = {str(r[0]) for r in con.execute(f"SELECT path FROM {lake.DROPPED}").fetchall()}
        referenced = set(lake.segment_paths(con))
    first_december = {p for p in before if p.parent.name == "appeals"}
    assert len(first_december) == 1
    assert first_december.pop().relative_to(lake.lake_dir(published)).as_posix() in dropped
    new = _files(published) - before
    assert len(new) == 1  # the second December version's segment only
    assert new.pop().relative_to(lake.lake_dir(published)).as_posix() in referenced


def test_a_newer_version_of_the_older_file_drops_its_segment_and_its_tombstones(tmp_path, published):
    landing, _ = _landed(published, tmp_path)
    before = _files(published)
    # January re-delivered with A1..A3 (A4 gone): its old rows leave, A1, A2 stay December's
    _january(range(1, 4)).write_parquet(landing / "appeals" / "appeals_2024-01.parquet")
    _run(published, landing)
    written = _files(published) - before
    with warehouse.connect_readonly(published) as con:
        shas = [
            str(r[0])
            for r in con.execute(
                "SELECT file_sha256 FROM audit.load_ledger WHERE file_path = 'appeals/appeals_2024-01.parquet' "
                "ORDER BY loaded_at"
            ).fetchall()
        ]
        old, new = shas
        # one file written: the new version's landed rows (A3; A1, A2 went to history); the old one not copied
        assert [p.name.split(".")[0] for p in written] == [new]
        assert [(a, p) for a, p, _ in _current(con)] == [
            ("A1", "appeals/appeals_2024-12.csv"),
            ("A2", "appeals/appeals_2024-12.csv"),
            ("A3", "appeals/appeals_2024-01.parquet"),
        ]
        keys = {str(r[0]) for r in con.execute(f"SELECT segment_key FROM {lake.CATALOGUE}").fetchall()}
        assert old not in keys and new in keys
        # the old version's tombstones went with it; the new version's A1, A2 are older than December: history
        assert all(k != old for k, _ in _deleted(con))
        assert con.execute("SELECT count(*) FROM raw.appeals WHERE _file_sha256 = ?", [new]).fetchone() == (1,)


def test_touching_a_segment_with_deletions_copies_its_live_rows_only(tmp_path, published):
    _landed(published, tmp_path)
    run_id = uuid.uuid4().hex
    warehouse.begin_build(published, run_id)
    with warehouse.connect_build(published) as con:
        january = _january_sha(con)
        con.execute("BEGIN TRANSACTION").fetchall()
        delta = raw_target(con, "appeals", [january])
        assert con.execute(f"SELECT _row_number FROM {delta} ORDER BY 1").fetchall() == [(3,), (4,)]
        # a tombstone asked for while the key is touched removes the row from the delta instead
        lake.delete_rows(con, APPEALS, f"SELECT '{january}' AS segment_key, 4 AS row_number")
        assert con.execute(f"SELECT _row_number FROM {delta}").fetchall() == [(3,)]
        # and lifting a tombstone of a touched key is refused: the caller inserts the row (the delta lacks it)
        assert lake.undelete_rows(con, APPEALS, f"SELECT '{january}' AS segment_key, 1 AS row_number") == []
        lake.flush(con)
        con.execute("COMMIT").fetchall()
        # January now has a written segment with its one live row, and no tombstone
        assert _deleted(con) == []
        named = con.execute(
            f"SELECT path, landed_path, row_count FROM {lake.CATALOGUE} WHERE segment_key = ?", [january]
        ).fetchall()
        assert len(named) == 1 and named[0][0].startswith("raw/appeals/") and named[0][1:] == (None, 1)
        assert [(a, p) for a, p, _ in _current(con)] == [
            ("A1", "appeals/appeals_2024-12.csv"),
            ("A2", "appeals/appeals_2024-12.csv"),
            ("A3", "appeals/appeals_2024-01.parquet"),
        ]
    warehouse.publish(published, run_id=run_id)


def test_vacuum_and_relink_keep_the_deletions(tmp_path, published):
    _landed(published, tmp_path)
    grace = dt.timedelta(hours=1)
    later = dt.datetime.now(dt.UTC).replace(tzinfo=None) + dt.timedelta(hours=2)
    assert lake_commands.vacuum(published, grace, now=later).removed == []  # every file is still named
    moved_dir = tmp_path / "moved" / "wh"
    shutil.move(str(published.parent), str(moved_dir))
    moved = moved_dir / published.name
    assert lake_commands.relink(moved) is True
    with warehouse.connect_readonly(moved) as con:
        assert [a for a, _, _ in _current(con)] == ["A1", "A2", "A3", "A4"]  # one current row per appeal
        assert con.execute("SELECT count(*) FROM raw.appeals").fetchone() == (4,)
        assert len(_deleted(con)) == 2
    assert (moved_dir / "raw_files" / "appeals").is_dir()


def test_a_parquet_delivery_landing_in_part_is_read_in_place_with_its_other_rows_tombstoned(tmp_path, published):
    # December (CSV, A1, A2 reviewed) first; January's Parquet extract (A1..A4) arrives later: A1, A2 are older
    landing = _drop(tmp_path / "drop", range(1, 5), range(1, 3))
    january_file = landing / "appeals" / "appeals_2024-01.parquet"
    parked = january_file.rename(tmp_path / "january.parquet")
    _run(published, landing)
    before = _files(published)
    parked.rename(january_file)
    _run(published, landing)
    assert _files(published) == before  # January was not rewritten without its two older rows
    with warehouse.connect_readonly(published) as con:
        january = _january_sha(con)
        named = con.execute(f"SELECT path FROM {lake.CATALOGUE} WHERE segment_key = ?", [january]).fetchall()
        assert named == [(f"../raw_files/appeals/{january}.parquet",)]
        assert _deleted(con) == [(january, 1), (january, 2)]
        assert [(a, p) for a, p, _ in _current(con)] == [
            ("A1", "appeals/appeals_2024-12.csv"),
            ("A2", "appeals/appeals_2024-12.csv"),
            ("A3", "appeals/appeals_2024-01.parquet"),
            ("A4", "appeals/appeals_2024-01.parquet"),
        ]
        history = con.execute(
            "SELECT appeal_id, _file_sha256, _row_number, _superseded_by_path FROM history.appeals ORDER BY 1"
        ).fetchall()
        assert history == [
            ("A1", january, 1, "appeals/appeals_2024-12.csv"),
            ("A2", january, 2, "appeals/appeals_2024-12.csv"),
        ]
        landed = con.execute(
            "SELECT sum(rows_loaded) FROM audit.file_landed_rows WHERE file_sha256 = ?", [january]
        ).fetchone()
        assert landed == (2,)
    # December re-delivered without A2: January's A2 comes back by losing its tombstone
    (landing / "appeals" / "appeals_2024-12.csv").write_text(_december(range(1, 2)), encoding="utf-8")
    _run(published, landing)
    with warehouse.connect_readonly(published) as con:
        assert _deleted(con) == [(january, 1)]
        assert [a for a, p, _ in _current(con) if p.endswith(".parquet")] == ["A2", "A3", "A4"]


def test_relink_finds_referenced_deliveries_when_no_segment_was_written(tmp_path):
    # every row read in place from raw_files: lake/ was never created, its entries are ../raw_files/…
    folder = tmp_path / "wh"
    kept = folder / "raw_files" / "t" / "abc.parquet"
    kept.parent.mkdir(parents=True)
    pl.DataFrame({"x": [1, 2]}).write_parquet(kept)
    con = duckdb.connect(str(folder / "kzeval.duckdb"))
    con.execute("CREATE SCHEMA raw").fetchall()
    lake.configure(con, folder / "lake")
    table = lake.raw_table("t")
    columns = [("x", "BIGINT"), ("_file_sha256", "VARCHAR"), ("_file_path", "VARCHAR"), ("_row_number", "BIGINT")]
    lake.ensure_table(con, table, columns)
    assert lake.reference(con, table, "abc", kept, "t/a.parquet")
    con.close()
    assert not (folder / "lake").exists()
    moved = tmp_path / "moved"
    shutil.move(str(folder), str(moved))
    with duckdb.connect(str(moved / "kzeval.duckdb")) as con:
        assert lake.configure(con, moved / "lake") is True
        assert con.execute("SELECT sum(x), max(_row_number) FROM raw.t").fetchone() == (3, 2)


def test_restoring_rows_a_rewritten_segment_no_longer_holds_inserts_them(tmp_path, published):
    landing, _ = _landed(published, tmp_path)
    run_id = uuid.uuid4().hex
    warehouse.begin_build(published, run_id)
    with warehouse.connect_build(published) as con:  # January rewritten (touched, flushed): A3, A4 only
        january = _january_sha(con)
        con.execute("BEGIN TRANSACTION").fetchall()
        raw_target(con, "appeals", [january])
        lake.flush(con)
        con.execute("COMMIT").fetchall()
        assert _deleted(con) == []
    warehouse.publish(published, run_id=run_id)
    # December re-delivered with A1 only: A2 comes back from history into January's (new) segment
    (landing / "appeals" / "appeals_2024-12.csv").write_text(_december(range(1, 2)), encoding="utf-8")
    _run(published, landing)
    with warehouse.connect_readonly(published) as con:
        assert _deleted(con) == []
        rows = con.execute(
            "SELECT appeal_id, _file_path, _row_number FROM raw.appeals WHERE _file_sha256 = ? ORDER BY 1", [january]
        ).fetchall()
        assert rows == [
            ("A2", "appeals/appeals_2024-01.parquet", 2),
            ("A3", "appeals/appeals_2024-01.parquet", 3),
            ("A4", "appeals/appeals_2024-01.parquet", 4),
        ]
        assert con.execute("SELECT appeal_id FROM history.appeals").fetchall() == [("A1",)]


def _counts(published: Path) -> tuple[int | None, int]:
    with warehouse.connect_readonly(published) as con:
        counted = con.execute("SELECT count(*) FROM raw.appeals").fetchone()
        assert counted is not None
        return lake.row_count(con, APPEALS), int(counted[0])


def test_the_catalogue_row_count_equals_a_count_of_the_view_through_deletions_and_restores(tmp_path, published):
    landing, _ = _landed(published, tmp_path)
    # January's 4 rows (2 tombstoned) + December's 2
    assert _counts(published) == (4, 4)
    (landing / "appeals" / "appeals_2024-12.csv").write_text(_december(range(1, 2)), encoding="utf-8")
    _run(published, landing)  # A2's tombstone lifted
    assert _counts(published) == (4, 4)
    _january(range(1, 4)).write_parquet(landing / "appeals" / "appeals_2024-01.parquet")
    _run(published, landing)  # January's old version dropped with its tombstones, A4 gone
    assert _counts(published) == (3, 3)
    run_id = uuid.uuid4().hex
    warehouse.begin_build(published, run_id)
    with warehouse.connect_build(published) as con:
        con.execute("BEGIN TRANSACTION").fetchall()
        raw_target(con, "appeals", [_january_sha(con)])
        assert lake.row_count(con, APPEALS) is None  # a touched key: only the view can tell
        con.execute("ROLLBACK").fetchall()
    with duckdb.connect() as memory:
        assert lake.row_count(memory, APPEALS) is None  # no lake: the caller counts the table
