"""Hostile landing files (issue 16 items 3, 5, 6, 7, 8), built here, at the loader's level.

The whole-run versions (summary, ledger, a scan of everything a run writes) are in
tests/reliability/test_hostile_drop.py.
"""

from __future__ import annotations

import errno
import hashlib
import hmac
import os
import shutil
import subprocess
from datetime import date
from pathlib import Path

import duckdb
import polars as pl
import pytest

from kzeval.landing import reader
from kzeval.landing.loader import check_file, ignored_entries, load_table, pseudonym_key_problem
from kzeval.landing.lookalike import likely_meant, lookalike_key, lookalike_warnings
from kzeval.landing.reader import copy_atomically, remove_stale_temporaries
from pipelines.launch import DISK_FULL_LINE, says_disk_full
from tests.support.drops import APPEALS_CSV_HEADER

KEY = "hostile-files-test-key-0123456789"
APPEALS = APPEALS_CSV_HEADER
ORDERS = "employee_id,agency_id,date,hours,act_ref\n"


def _pseudonym(iin: str) -> str:
    return "p_" + hmac.new(KEY.encode(), iin.encode(), hashlib.sha256).hexdigest()[:16]


@pytest.fixture
def keyed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KZEVAL_PSEUDONYM_KEY", KEY)
    monkeypatch.delenv("KZEVAL_PSEUDONYM_KEY_FILE", raising=False)


@pytest.fixture
def keyless(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KZEVAL_PSEUDONYM_KEY", raising=False)
    monkeypatch.delenv("KZEVAL_PSEUDONYM_KEY_FILE", raising=False)


def _load(con: duckdb.DuckDBPyConnection, root: Path, table: str):
    load_table(con, root, "agencies", root.parent / "raw", 0.99)
    return load_table(con, root, table, root.parent / "raw", 0.99)


# --- item 3: personal data -------------------------------------------------------------


def test_iin_in_employee_id_is_pseudonymised_like_iin(landing, con, keyed):
    root = landing("overtime_orders", "o.csv", ORDERS + "970120313144,CGO-A,2024-03-02,2.0,A-1\n").parents[1]
    _load(con, root, "overtime_orders")
    assert con.execute("SELECT employee_id FROM raw.overtime_orders").fetchall() == [(_pseudonym("970120313144"),)]


def test_iin_in_employee_id_of_typed_parquet_leaves_the_fast_path(landing, con, keyed, tmp_path):
    frame = pl.DataFrame(
        {
            "employee_id": ["970120313144", "p_0123456789012345"],  # an IIN, and a pseudonym with 12+ digits
            "agency_id": ["CGO-A", "CGO-A"],
            "date": [date(2024, 3, 2), date(2024, 3, 3)],
            "hours": [2.0, 1.0],
            "act_ref": ["A-1", "A-2"],
        }
    )
    folder = tmp_path / "landing" / "overtime_orders"
    folder.mkdir(parents=True)
    frame.write_parquet(folder / "o.parquet")
    outcome = _load(con, tmp_path / "landing", "overtime_orders")[0]
    assert outcome.status == "loaded" and not outcome.copied_from_parquet
    ids = [r[0] for r in con.execute("SELECT employee_id FROM raw.overtime_orders ORDER BY act_ref").fetchall()]
    assert ids == [_pseudonym("970120313144"), "p_0123456789012345"]  # a pseudonym is never re-hashed
    stored = pl.read_parquet(next((tmp_path / "raw" / "overtime_orders").glob("*")))
    assert "970120313144" not in stored["employee_id"].to_list()


def test_cyrillic_iin_column_and_name_columns_in_any_language(landing, con, keyed):
    text = (
        "ИИН,agency_id,gender,corps,is_leadership,hired_on,ФИО,employee_name,фамилия,Аты-жөні,note\n"
        "970120313144,CGO-A,M,B,false,2020-01-15,Иванов Иван,Иванов,Иванов,Иван,see file\n"
    )
    root = landing("employees", "e.csv", text).parents[1]
    _load(con, root, "employees")
    assert con.execute("SELECT employee_id FROM raw.employees").fetchall() == [(_pseudonym("970120313144"),)]
    stored = pl.read_parquet(next((root.parent / "raw" / "employees").glob("*.parquet")))
    # employees holds personal data: every column beyond the contract is gone, not only the names
    assert set(stored.columns) <= {"employee_id", "agency_id", "gender", "corps", "is_leadership", "hired_on"}


def test_iin_in_a_comment_of_a_non_personal_table_drops_the_extra_columns(landing, con, keyed):
    row = "A1,CGO-A,complaint,2024-02-01,2024-02-15,2024-02-10,,,,,ИИН 970120-313144 Иванов\n"
    root = landing("appeals", "a.csv", APPEALS.rstrip("\n") + ",comment\n" + row).parents[1]
    outcome = _load(con, root, "appeals")[0]
    assert outcome.status == "loaded"
    stored = list((root.parent / "raw" / "appeals").glob("*"))
    assert len(stored) == 1 and stored[0].name.endswith(".pseudonymised.parquet")
    assert "comment" not in pl.read_parquet(stored[0]).columns


def test_iin_shaped_value_without_a_key_rejects_the_file_with_the_reason(landing, con, keyless):
    root = landing("overtime_orders", "o.csv", ORDERS + "970120313144,CGO-A,2024-03-02,2.0,A-1\n").parents[1]
    outcome = _load(con, root, "overtime_orders")[0]
    assert outcome.status == "rejected"
    assert "employee_id hold IIN-shaped values" in outcome.message and "970120313144" not in outcome.message
    assert not (root.parent / "raw" / "overtime_orders").exists()  # a rejected file is not kept


def test_key_problem_is_one_line_before_landing(landing, keyless, monkeypatch):
    root = landing("employees", "e.csv", "iin,agency_id\n970120313144,CGO-A\n").parents[1]
    problem = pseudonym_key_problem(root)
    assert problem is not None and problem.startswith("employees/e.csv holds IINs") and "\n" not in problem
    monkeypatch.setenv("KZEVAL_PSEUDONYM_KEY", "short")  # a key that is set must be usable, IINs or not
    assert "shorter than 16 bytes" in (pseudonym_key_problem(root.parent / "nowhere") or "")


# --- items 5 and 6: links and ignored files ---------------------------------------------


def test_links_are_refused_and_ignored_files_named(landing, con, tmp_path):
    root = landing("appeals", "a.csv", APPEALS + "A1,CGO-A,complaint,2024-02-01,2024-02-15,2024-02-10,,,,\n").parents[1]
    outside = tmp_path / "outside.csv"
    outside.write_text(APPEALS + "X1,CGO-A,complaint,2024-02-01,2024-02-15,2024-02-10,,,,\n", encoding="utf-8")
    (root / "appeals" / "link.csv").symlink_to(outside)
    (root / "appeals" / "sub").mkdir()
    (root / "appeals" / "sub" / "passwd.csv").symlink_to("/etc/passwd")
    (root / "appeals" / "linked_dir").symlink_to(tmp_path)
    (root / "services_rendered").symlink_to(tmp_path)  # a whole table folder as a link
    (root / "appeals" / ".~lock.a.csv#").write_text("x", encoding="utf-8")
    (root / "appeals" / ".git").mkdir()
    (root / "appeals" / ".git" / "config").write_text("x", encoding="utf-8")
    (root / "apeals").mkdir()
    (root / "notes.txt").write_text("x", encoding="utf-8")
    (root / "appeals.xlsx").write_text("x", encoding="utf-8")
    named = {path: message for _, path, message in ignored_entries(root)}
    assert set(named) == {
        "appeals/link.csv",
        "appeals/sub/passwd.csv",
        "appeals/linked_dir",
        "services_rendered",
        "appeals/.~lock.a.csv#",
        "appeals/.git",
        "apeals",
        "notes.txt",
        "appeals.xlsx",
    }
    assert "symbolic link refused" in named["appeals/link.csv"]
    assert "did you mean 'appeals'?" in named["apeals"]
    assert "named after the table 'appeals'" in named["appeals.xlsx"]
    outcomes = _load(con, root, "appeals")
    assert [o.path for o in outcomes] == ["appeals/a.csv"]  # links neither loaded nor copied
    assert con.execute("SELECT appeal_id FROM raw.appeals").fetchall() == [("A1",)]
    ledger = con.execute("SELECT file_path FROM audit.load_ledger WHERE status = 'ignored' ORDER BY 1").fetchall()
    assert [r[0] for r in ledger] == sorted(named)
    assert len(list((root.parent / "raw" / "appeals").iterdir())) == 1


# --- item 7: NUL bytes and control characters --------------------------------------------


def test_nul_in_the_first_4kb_quarantines_the_row_not_the_file(landing, con):
    body = (
        "A1,CGO-A,compl\x00aint,2024-02-01,2024-02-15,2024-02-10,,,,\nA2,CGO-A,complaint,2024-02-01,2024-02-15,,,,,\n"
    )
    root = landing("appeals", "a.csv", APPEALS + body).parents[1]
    outcome = _load(con, root, "appeals")[0]
    assert outcome.status == "loaded" and outcome.rows_loaded == 1
    reasons = con.execute("SELECT row_number, value, reason FROM quarantine.rows WHERE column_name = 'kind'").fetchall()
    assert reasons == [(1, "compl\\x00aint", "control character in the value (e.g. a NUL byte): the row is not loaded")]


def test_escape_character_quarantines_the_row_and_utf16_is_still_rejected(landing, con):
    checked = check_file(
        landing("appeals", "e.csv", APPEALS + "A\x1b1,CGO-A,complaint,2024-02-01,2024-02-15,,,,,\n"),
        "appeals",
        {"CGO-A"},
    )
    assert checked.good.height == 0 and checked.quarantine["value"].to_list()[0] == "A\\x1b1"
    utf16 = check_file(landing("appeals", "u.csv", (APPEALS + "A1,CGO-A\n").encode("utf-16-le")), "appeals", {"CGO-A"})
    assert utf16.outcome.status == "rejected" and "UTF-16" in utf16.outcome.message


# --- item 8: lookalike ids, duplicated columns, full disk ----------------------------------


def test_lookalike_agency_ids():
    cyrillic_o = "CG\u041e-A"  # Cyrillic О
    assert lookalike_key(cyrillic_o) == lookalike_key("cgo-a")
    warnings = lookalike_warnings([cyrillic_o, "cgo-a", "MIO-1"], ["CGO-A", "MIO-35"])
    assert len(warnings) == 2
    assert warnings[0].startswith("agency_id 'CGО-A' differs from 'CGO-A' only by script (Cyrillic/Latin")
    assert warnings[1].startswith("agency_id 'cgo-a' differs from 'CGO-A', 'CGО-A' only by case or script")
    assert likely_meant(cyrillic_o, {"CGO-A", "MIO-35"}) == "CGO-A"
    assert likely_meant("CGO-B", {"CGO-A"}) is None


def test_lookalike_agency_loaded_with_a_warning_and_named_in_unknown_rows(landing, con):
    root = landing("appeals", "a.csv", APPEALS + "A1,CG\u041e-A,complaint,2024-02-01,2024-02-15,,,,,\n").parents[1]
    _load(con, root, "appeals")
    reason = con.execute("SELECT reason FROM quarantine.rows").fetchone()
    assert reason == (
        "unknown agency: not in the agencies table (did you mean 'CGO-A'? it differs only by script or case)",
    )
    landing("agencies", "more.csv", "agency_id,name_ru,body_type,is_assessed\nCG\u041e-A,Двойник,CGO,true\n")
    outcomes = load_table(con, root, "agencies", root.parent / "raw")
    added = next(o for o in outcomes if o.path == "agencies/more.csv")
    assert added.status == "loaded" and added.warnings
    message = con.execute("SELECT message FROM audit.load_ledger WHERE file_path = 'agencies/more.csv'").fetchone()
    assert message is not None and "warning: agency_id 'CGО-A' differs from 'CGO-A' only by script" in message[0]


def test_duplicated_column_name_rejects_the_file(landing):
    text = "appeal_id,agency_id,Kind,kind,received_on,due_on\nA1,CGO-A,complaint,appeal,2024-02-01,2024-02-15\n"
    checked = check_file(landing("appeals", "d.csv", text), "appeals", {"CGO-A"})
    assert checked.outcome.status == "rejected"
    assert "duplicated column name: 'kind' in columns 3, 4" in checked.outcome.message


def test_full_disk_copy_leaves_no_temporary_file(tmp_path, monkeypatch):
    source = tmp_path / "a.csv"
    source.write_text("x" * 1000, encoding="utf-8")
    target = tmp_path / "store" / "t" / "sha.csv"

    def full_disk(src: Path, dst: Path) -> None:
        Path(dst).write_text("half", encoding="utf-8")  # part of the copy was written
        raise OSError(errno.ENOSPC, "No space left on device", str(dst))

    monkeypatch.setattr(shutil, "copyfile", full_disk)
    with pytest.raises(OSError) as raised:
        copy_atomically(source, target)
    assert reader.disk_full(raised.value)
    assert list(target.parent.iterdir()) == []  # neither the target nor a temporary file


def test_stale_temporaries_of_dead_processes_are_removed(tmp_path):
    folder = tmp_path / "t"
    folder.mkdir()
    dead = subprocess.run(["true"], check=True)  # a finished process: its pid is free
    assert dead.returncode == 0
    stale = folder / ".abc.csv.999999999.tmp"  # no such pid
    stale.write_text("half", encoding="utf-8")
    live = folder / f".def.csv.{os.getppid()}.tmp"  # a live process (our parent) may still be writing
    live.write_text("half", encoding="utf-8")
    kept = folder / "abc.csv"
    kept.write_text("whole", encoding="utf-8")
    assert remove_stale_temporaries(folder) == [stale]
    assert sorted(p.name for p in folder.iterdir()) == sorted([live.name, kept.name])


def test_run_summary_names_a_full_disk():
    assert says_disk_full('landing__appeals: OSError: [Errno 28] No space left on device: "/w/raw_files/x"')
    assert says_disk_full('IO Error: Could not write file "build.duckdb.wal": No space left on device')
    assert not says_disk_full("landing__appeals: ValueError: something else")
    assert DISK_FULL_LINE.startswith("DISK FULL")


def test_second_iin_column_next_to_employee_id_is_dropped(landing, con, keyed):
    text = ORDERS.rstrip("\n") + ",ИИН\n" + "970120313144,CGO-A,2024-03-02,2.0,A-1,880305400125\n"
    root = landing("overtime_orders", "o.csv", text).parents[1]
    outcome = _load(con, root, "overtime_orders")[0]
    assert outcome.status == "loaded"
    assert con.execute("SELECT employee_id FROM raw.overtime_orders").fetchall() == [(_pseudonym("970120313144"),)]
    stored = pl.read_parquet(next((root.parent / "raw" / "overtime_orders").glob("*.parquet")))
    assert "иин" not in stored.columns and "880305400125" not in str(stored.rows())
