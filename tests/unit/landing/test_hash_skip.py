"""Landing: a file whose path, size and mtime are those of a current ledger row is not hashed again (issue 19).

The landing keeps every year's files; the loader takes the SHA-256 of an unchanged file from
``audit.load_ledger`` (docs/decisions.md, 2026-12-05 «The loader hashes a file only when its
size or mtime changed»). Files are back-dated: a file modified less than ``RACY_SECONDS`` ago
gets no stamp and is always hashed.
"""

from __future__ import annotations

import hashlib
import os
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import duckdb
import pytest

from kzeval.cli import main
from kzeval.cli import run as run_command
from kzeval.landing import loader
from kzeval.landing.ledger import RACY_SECONDS, FileStamp
from kzeval.landing.loader import load_table
from kzeval.steps.core import load_landing
from pipelines.launch import RunResult
from pipelines.resources import KzevalResource
from tests.support.drops import APPEALS_CSV_HEADER

GOOD = APPEALS_CSV_HEADER + "A1,CGO-A,complaint,2024-02-01,2024-02-15,2024-02-10,,,,\n"
# the same length as GOOD, another appeal id: a corrected file of the same size
SAME_SIZE = APPEALS_CSV_HEADER + "A9,CGO-A,complaint,2024-02-01,2024-02-15,2024-02-10,,,,\n"
LONGER = GOOD + "A2,CGO-A,application,2024-03-01,2024-03-15,,,,,\n"
SERVICES = "agency_id,service_code,month,channel,rendered,overdue,overdue_excluded_outage\n"
HOUR_NS = 3600 * 10**9


@pytest.fixture
def hashed(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """File names the loader hashes, counted."""
    calls: Counter[str] = Counter()
    real = loader.sha256_of

    def counting(path: Path) -> str:
        calls[path.name] += 1
        return real(path)

    monkeypatch.setattr(loader, "sha256_of", counting)
    return calls


def _backdate(path: Path, mtime_ns: int) -> None:
    os.utime(path, ns=(mtime_ns, mtime_ns))


def _write(path: Path, text: str, mtime_ns: int) -> None:
    path.write_text(text)
    _backdate(path, mtime_ns)


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _load(con: duckdb.DuckDBPyConnection, root: Path, table: str = "appeals", **kw: object) -> list[loader.FileOutcome]:
    load_table(con, root, "agencies", root.parent / "raw", 0.05, **kw)  # type: ignore[arg-type]
    return load_table(con, root, table, root.parent / "raw", 0.05, **kw)  # type: ignore[arg-type]


def _appeal_ids(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [r[0] for r in con.execute("SELECT appeal_id FROM raw.appeals ORDER BY 1").fetchall()]


@pytest.fixture
def drop(landing: Callable[[str, str, str], Path]) -> tuple[Path, Path, int]:
    """(landing root, appeals file, its mtime in ns): the appeals file and the roster an hour old."""
    path = landing("appeals", "appeals.csv", GOOD)
    root = path.parents[1]
    old = (path.stat().st_mtime_ns // 10**9) * 10**9 - HOUR_NS  # a whole second: any file system keeps it
    _backdate(path, old)
    _backdate(root / "agencies" / "agencies.csv", old)
    return root, path, old


def test_unchanged_files_are_not_hashed_again(drop, con, hashed):
    root, _path, old = drop
    first = _load(con, root)
    assert hashed == Counter({"agencies.csv": 1, "appeals.csv": 1})
    assert first[0].status == "loaded"
    stamp = con.execute(
        "SELECT file_size, file_mtime_ns FROM audit.load_ledger WHERE file_path = 'appeals/appeals.csv'"
    ).fetchall()
    assert stamp == [(len(GOOD.encode()), old)]
    hashed.clear()
    again = _load(con, root)
    assert hashed == Counter()  # neither the roster nor the appeals file
    assert [(o.status, o.sha256, o.message) for o in again] == [
        ("already_loaded", _sha(GOOD), "appeals/appeals.csv: already loaded (same SHA-256)")
    ]
    assert _appeal_ids(con) == ["A1"]


def test_a_changed_file_is_hashed_and_supersedes(drop, con, hashed):
    root, path, old = drop
    _load(con, root)
    hashed.clear()
    _write(path, LONGER, old + 10**9)  # new content, new size, a second later
    newer = _load(con, root)
    assert hashed == Counter({"appeals.csv": 1})
    assert newer[0].status == "loaded" and newer[0].sha256 == _sha(LONGER) and "supersedes" in newer[0].message
    assert _appeal_ids(con) == ["A1", "A2"]
    current = con.execute(
        "SELECT file_sha256, file_size, file_mtime_ns FROM audit.load_ledger "
        "WHERE table_name = 'appeals' AND superseded_by IS NULL"
    ).fetchall()
    assert current == [(_sha(LONGER), len(LONGER.encode()), old + 10**9)]


def test_a_touched_identical_file_is_recognised_by_its_hash_then_stamped(drop, con, hashed):
    root, path, old = drop
    _load(con, root)
    hashed.clear()
    _backdate(path, old + 5 * 10**9)  # `touch`: same content, new mtime
    assert _load(con, root)[0].status == "already_loaded"
    assert hashed == Counter({"appeals.csv": 1})
    hashed.clear()
    assert _load(con, root)[0].status == "already_loaded"  # the ledger row now has the new mtime
    assert hashed == Counter()
    assert con.execute("SELECT count(*) FROM audit.load_ledger WHERE table_name = 'appeals'").fetchone() == (1,)


def test_same_size_same_mtime_replacement_is_unchanged_until_touched_or_rehashed(drop, con, hashed):
    """The reading (the sensor's): same path, size and mtime ⇒ same file. `cp -p` of a corrected file of the
    same size is not seen until the file is touched or the run hashes every file."""
    root, path, old = drop
    _load(con, root)
    assert len(SAME_SIZE) == len(GOOD)
    _write(path, SAME_SIZE, old)  # a copy preserving the mtime
    hashed.clear()
    assert _load(con, root)[0].status == "already_loaded"
    assert hashed == Counter() and _appeal_ids(con) == ["A1"]
    forced = _load(con, root, rehash=True)
    assert hashed == Counter({"agencies.csv": 1, "appeals.csv": 1})
    assert forced[0].status == "loaded" and forced[0].sha256 == _sha(SAME_SIZE) and "supersedes" in forced[0].message
    assert _appeal_ids(con) == ["A9"]


def test_touch_makes_a_same_size_replacement_seen(drop, con, hashed):
    root, path, old = drop
    _load(con, root)
    _write(path, SAME_SIZE, old + 10**9)  # the documented remedy: touch the file
    hashed.clear()
    outcome = _load(con, root)[0]
    assert hashed == Counter({"appeals.csv": 1})
    assert outcome.status == "loaded" and outcome.sha256 == _sha(SAME_SIZE)
    assert _appeal_ids(con) == ["A9"]


def test_forced_rehash_of_unchanged_files(drop, con, hashed):
    root, _path, _old = drop
    _load(con, root)
    hashed.clear()
    again = _load(con, root, rehash=True)
    assert hashed == Counter({"agencies.csv": 1, "appeals.csv": 1})
    assert again[0].status == "already_loaded" and again[0].sha256 == _sha(GOOD)


def test_a_ledger_without_stamps_is_hashed_then_stamped(drop, con, hashed):
    root, _path, old = drop
    _load(con, root)
    # a warehouse built before the stamps: the columns do not exist; ensure_tables adds them, null
    con.execute("ALTER TABLE audit.load_ledger DROP COLUMN file_size")
    con.execute("ALTER TABLE audit.load_ledger DROP COLUMN file_mtime_ns")
    hashed.clear()
    assert _load(con, root)[0].status == "already_loaded"
    assert hashed == Counter({"agencies.csv": 1, "appeals.csv": 1})
    stamps = con.execute(
        "SELECT file_path, file_size, file_mtime_ns FROM audit.load_ledger WHERE status = 'loaded' ORDER BY 1"
    ).fetchall()
    agencies = root / "agencies" / "agencies.csv"
    assert stamps == [
        ("agencies/agencies.csv", agencies.stat().st_size, old),
        ("appeals/appeals.csv", len(GOOD.encode()), old),
    ]
    hashed.clear()
    assert _load(con, root)[0].status == "already_loaded"
    assert hashed == Counter()


def test_an_unchanged_held_back_file_is_checked_again_without_hashing(landing, con, hashed):
    path = landing("services_rendered", "2024.csv", SERVICES + "CGO-A,S1,2024-01-01,electronic,bad,2,0\n")
    root = path.parents[1]
    old = (path.stat().st_mtime_ns // 10**9) * 10**9 - HOUR_NS
    _backdate(path, old)
    first = _load(con, root, "services_rendered")[0]
    assert (first.status, first.rows_total, first.rows_quarantined) == ("held_back", 1, 1)
    hashed.clear()
    again = _load(con, root, "services_rendered")[0]
    assert hashed["2024.csv"] == 0
    # the outcome the SHA-256 path gives: the file is checked again and held back again, one ledger row
    assert (again.status, again.sha256, again.rows_total, again.rows_quarantined, again.message) == (
        first.status,
        first.sha256,
        first.rows_total,
        first.rows_quarantined,
        first.message,
    )
    ledger = con.execute(
        "SELECT status, file_mtime_ns FROM audit.load_ledger WHERE table_name = 'services_rendered'"
    ).fetchall()
    assert ledger == [("held_back", old)]


def test_an_unchanged_unsupported_file_is_rejected_again_without_hashing(landing, con, hashed):
    path = landing("appeals", "notes.txt", "not data\n")
    root = path.parents[1]
    _backdate(path, (path.stat().st_mtime_ns // 10**9) * 10**9 - HOUR_NS)
    assert _load(con, root)[0].status == "rejected"
    hashed.clear()
    again = _load(con, root)[0]
    assert again.status == "rejected" and again.sha256 == _sha("not data\n") and hashed["notes.txt"] == 0
    assert con.execute("SELECT count(*) FROM audit.load_ledger WHERE table_name = 'appeals'").fetchone() == (1,)


def test_a_file_modified_just_now_gets_no_stamp(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text("x\n")
    mtime = path.stat().st_mtime_ns
    assert FileStamp.of(path, now_ns=mtime + int(RACY_SECONDS * 1e9) - 1) is None
    assert FileStamp.of(path, now_ns=mtime + int(RACY_SECONDS * 1e9)) == FileStamp(2, mtime)


def test_a_freshly_written_file_is_hashed_on_every_load(landing, con, hashed):
    path = landing("appeals", "appeals.csv", GOOD)  # written now: racily clean, never trusted by its stamp
    root = path.parents[1]
    _load(con, root)
    hashed.clear()
    assert _load(con, root)[0].status == "already_loaded"
    assert hashed["appeals.csv"] == 1
    assert con.execute(
        "SELECT file_size FROM audit.load_ledger WHERE file_path = 'appeals/appeals.csv'"
    ).fetchall() == [(None,)]


# --- `kzeval run --rehash` reaches the loader ----------------------------------------------


def test_run_rehash_option_reaches_the_loader(tmp_path, monkeypatch, capsys, drop, con, hashed):
    asked: list[bool] = []

    def fake_run(year, landing, warehouse, **kw):  # type: ignore[no-untyped-def]
        asked.append(kw["rehash"])
        return RunResult(success=False, year=year, warehouse_path=warehouse)

    monkeypatch.setattr(run_command, "run_assessment", fake_run)
    common = ["run", "--year", "2024", "--landing", str(tmp_path), "--warehouse", str(tmp_path / "w.duckdb")]
    assert main([*common, "--rehash"]) == 1 and main(common) == 1
    assert asked == [True, False]
    capsys.readouterr()
    # the Dagster resource's config → the run context the landing assets read
    fake_context = SimpleNamespace(has_partition_key=False, run=SimpleNamespace(run_id="r"))
    assert KzevalResource(rehash=True).run_context(fake_context).rehash is True  # type: ignore[arg-type]
    assert KzevalResource().run_context(fake_context).rehash is False  # type: ignore[arg-type]
    # the landing step's loader call
    root, _path, _old = drop
    load_landing(con, root, root.parent / "raw", ["agencies", "appeals"], 0.05)
    hashed.clear()
    load_landing(con, root, root.parent / "raw", ["agencies", "appeals"], 0.05)
    assert hashed == Counter()
    load_landing(con, root, root.parent / "raw", ["agencies", "appeals"], 0.05, rehash=True)
    assert hashed == Counter({"agencies.csv": 1, "appeals.csv": 1})
