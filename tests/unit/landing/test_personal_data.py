"""Landing never stores an IIN or a name in clear: not in raw tables, quarantine or the raw store."""

from __future__ import annotations

import hashlib
import hmac
from pathlib import Path

import duckdb
import polars as pl
import pytest

from kzeval.landing.loader import load_table
from kzeval.landing.reader import sha256_of
from kzeval.pseudonym import PseudonymKeyError

KEY = "reliability-test-key-0123456789"
IIN_GOOD = "850101300123"
IIN_ZERO = "050101300123"  # leading zero: must survive as text
IIN_SHORT = "85010130012"  # 11 digits: malformed
NAMES = ("Иванов Иван Иванович", "Петрова Анна", "Сидоров Пётр")
EMPLOYEES = (
    "iin,agency_id,gender,corps,is_leadership,hired_on,fio\n"
    f"{IIN_GOOD},CGO-A,M,B,false,2020-01-15,{NAMES[0]}\n"
    f"{IIN_SHORT},CGO-A,F,B,false,2021-03-01,{NAMES[1]}\n"
    f"{IIN_ZERO},MIO-35,M,A,true,2019-06-30,{NAMES[2]}\n"
)
SECRETS = (IIN_GOOD, IIN_ZERO, IIN_SHORT, *NAMES, "Иванов", "Петрова", "Сидоров")


def _pseudonym(iin: str) -> str:
    return "p_" + hmac.new(KEY.encode(), iin.encode(), hashlib.sha256).hexdigest()[:16]


@pytest.fixture
def keyed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KZEVAL_PSEUDONYM_KEY", KEY)
    monkeypatch.delenv("KZEVAL_PSEUDONYM_KEY_FILE", raising=False)


def _all_text(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Every text value (and column name) of every table of the database."""
    values: list[str] = []
    tables = con.execute("SELECT table_schema, table_name FROM information_schema.tables").fetchall()
    for schema, table in tables:
        frame = con.execute(f'SELECT * FROM "{schema}"."{table}"').pl()
        values.extend(frame.columns)
        for column in frame.columns:
            values.extend(str(v) for v in frame[column].cast(pl.Utf8).drop_nulls().to_list())
    return values


def _store_text(store: Path) -> list[str]:
    values: list[str] = []
    for path in store.rglob("*"):
        if not path.is_file():
            continue
        values.append(path.read_bytes().decode("utf-8", errors="replace"))
        if path.suffix == ".parquet":
            frame = pl.read_parquet(path)
            values.extend(frame.columns)
            for column in frame.columns:
                values.extend(str(v) for v in frame[column].cast(pl.Utf8).drop_nulls().to_list())
    return values


def _load_employees(con: duckdb.DuckDBPyConnection, landing, text: str = EMPLOYEES) -> tuple[Path, Path]:
    path = landing("employees", "employees.csv", text)
    root = path.parents[1]
    load_table(con, root, "agencies", root.parent / "raw", 0.99)
    load_table(con, root, "employees", root.parent / "raw", 0.99)
    return path, root.parent / "raw"


def test_iin_and_names_never_reach_raw_tables_quarantine_or_raw_store(landing, con, keyed):
    path, store = _load_employees(con, landing)
    text = _all_text(con)
    for secret in SECRETS:
        assert not any(secret in value for value in text), f"{secret!r} stored in the warehouse"
    stored = _store_text(store / "employees")
    for secret in SECRETS:
        assert not any(secret in value for value in stored), f"{secret!r} stored in the raw store"
    assert con.execute("SELECT employee_id, agency_id FROM raw.employees ORDER BY agency_id").fetchall() == [
        (_pseudonym(IIN_GOOD), "CGO-A"),
        (_pseudonym(IIN_ZERO), "MIO-35"),
    ]
    files = sorted(p.name for p in (store / "employees").iterdir())
    assert files == [f"{sha256_of(path)}.pseudonymised.parquet"]


def test_malformed_iin_is_quarantined_without_its_digits(landing, con, keyed):
    _load_employees(con, landing)
    rows = con.execute(
        "SELECT row_number, column_name, value, reason, agency_id FROM quarantine.rows WHERE table_name = 'employees'"
    ).fetchall()
    assert rows == [(2, "iin", None, "iin: expected 12 digits, got 11 characters (11 digits)", "CGO-A")]


def test_ledger_keeps_the_delivered_files_hash_so_reloads_are_recognised(landing, con, keyed):
    path, store = _load_employees(con, landing)
    sha, raw_copy = con.execute(
        "SELECT file_sha256, raw_copy FROM audit.load_ledger WHERE table_name = 'employees'"
    ).fetchone()
    assert sha == sha256_of(path)
    assert raw_copy.endswith(".pseudonymised.parquet")
    again = load_table(con, path.parents[1], "employees", store, 0.99)
    assert again[0].status == "already_loaded"
    assert con.execute("SELECT count(*) FROM raw.employees").fetchone() == (2,)
    # the stored copy reloads to the same rows (it is a valid landing file in its own right)
    stored = pl.read_parquet(raw_copy)
    assert "iin" not in stored.columns and "fio" not in stored.columns
    assert stored["employee_id"].drop_nulls().to_list() == [_pseudonym(IIN_GOOD), _pseudonym(IIN_ZERO)]


def test_name_columns_are_dropped_without_an_iin_column(landing, con, keyed):
    text = "employee_id,agency_id,event_ts,direction,full_name\nE1,CGO-A,2024-04-02T09:00:00,in,Иванов Иван Иванович\n"
    path = landing("turnstile_events", "2024-04.csv", text)
    root = path.parents[1]
    load_table(con, root, "agencies", root.parent / "raw")
    outcome = load_table(con, root, "turnstile_events", root.parent / "raw")[0]
    assert outcome.status == "loaded"
    assert not any("Иванов" in v for v in _all_text(con))
    assert not any("Иванов" in v for v in _store_text(root.parent / "raw" / "turnstile_events"))


def test_file_without_personal_data_is_kept_as_delivered(landing, con):
    text = "employee_id,agency_id,event_ts,direction\nE1,CGO-A,2024-04-02T09:00:00,in\n"
    path = landing("turnstile_events", "2024-04.csv", text)
    root = path.parents[1]
    load_table(con, root, "agencies", root.parent / "raw")
    load_table(con, root, "turnstile_events", root.parent / "raw")
    copy = root.parent / "raw" / "turnstile_events" / f"{sha256_of(path)}.csv"
    assert copy.read_bytes() == path.read_bytes()


def test_no_key_stops_landing_of_a_file_with_iins(landing, con, monkeypatch):
    monkeypatch.delenv("KZEVAL_PSEUDONYM_KEY", raising=False)
    monkeypatch.delenv("KZEVAL_PSEUDONYM_KEY_FILE", raising=False)
    with pytest.raises(PseudonymKeyError, match="KZEVAL_PSEUDONYM_KEY"):
        _load_employees(con, landing)
    assert con.execute("SELECT count(*) FROM raw.employees").fetchone() == (0,)


def test_iin_and_employee_id_together_reject_the_file(landing, con, keyed):
    text = "iin,employee_id,agency_id,gender,corps,is_leadership,hired_on\n" + (
        f"{IIN_GOOD},E1,CGO-A,M,B,false,2020-01-15\n"
    )
    _, store = _load_employees(con, landing, text)
    status, message = con.execute(
        "SELECT status, message FROM audit.load_ledger WHERE table_name = 'employees'"
    ).fetchone()
    assert status == "rejected" and "employees/employees.csv" in message and "both" in message
    assert not (store / "employees").exists()  # a rejected file is not copied: it could hold IINs
