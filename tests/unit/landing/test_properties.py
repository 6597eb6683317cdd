"""Property tests: whatever mix of good and malformed rows arrives, no good row is lost.

hypothesis builds appeals and turnstile files from good rows and rows with one injected
fault each (the fault says which column must be named in quarantine), in a random encoding,
delimiter and date style. The oracle is the injection itself, not the loader's output:
every good row is loaded exactly once, every faulty row is quarantined naming its column,
exact duplicates are loaded once, and a held-back file loads nothing but still lists its
bad rows.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import polars as pl
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from kzeval.landing.loader import ensure_tables, load_table
from kzeval.warehouse import ensure_schemas

AGENCIES = "agency_id,name_ru,body_type,is_assessed\nCGO-A,Министерство,CGO,true\nMIO-35,Акимат,MIO,true\n"
APPEALS_COLUMNS = (
    "appeal_id",
    "agency_id",
    "kind",
    "received_on",
    "due_on",
    "reviewed_on",
    "redirected_on",
    "redirect_due_on",
    "court_satisfied_on",
    "disciplinary",
)
TURNSTILE_COLUMNS = ("employee_id", "agency_id", "event_ts", "direction", "gate_id")
SETTINGS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)


@dataclass
class Row:
    cells: dict[str, str]
    fault_column: str | None = None  # the column quarantine must name; None = a good row
    duplicate_of: int | None = None  # exact copy of an earlier good row (loaded once)


@dataclass(frozen=True)
class Style:
    delimiter: str
    encoding: str
    dotted_dates: bool


styles = st.builds(
    Style,
    delimiter=st.sampled_from([",", ";"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1251"]),
    dotted_dates=st.booleans(),
)


def _date(value: date, style: Style) -> str:
    return value.strftime("%d.%m.%Y") if style.dotted_dates else value.isoformat()


def _write(root: Path, table: str, columns: tuple[str, ...], rows: list[Row], style: Style) -> Path:
    folder = root / table
    folder.mkdir(parents=True, exist_ok=True)
    (root / "agencies").mkdir(exist_ok=True)
    (root / "agencies" / "agencies.csv").write_text(AGENCIES, encoding="utf-8")
    lines = [style.delimiter.join(columns)]
    lines += [style.delimiter.join(row.cells.get(c, "") for c in columns) for row in rows]
    path = folder / "data.csv"
    path.write_bytes(("\n".join(lines) + "\n").encode(style.encoding))
    return path


def _load(root: Path, table: str, share: float) -> tuple[duckdb.DuckDBPyConnection, str]:
    con = duckdb.connect()
    ensure_schemas(con)
    ensure_tables(con)
    load_table(con, root, "agencies", None)
    outcome = load_table(con, root, table, None, share)[0]
    return con, outcome.status


def _check(con: duckdb.DuckDBPyConnection, status: str, table: str, key: str, rows: list[Row], share: float) -> None:
    bad = {i + 1: r.fault_column for i, r in enumerate(rows) if r.fault_column}
    good_keys = sorted({r.cells[key] for r in rows if not r.fault_column})
    quarantined = con.execute(f"SELECT row_number, column_name FROM quarantine.rows WHERE table_name = '{table}'").pl()
    for row_number, column in bad.items():
        named = quarantined.filter(pl.col("row_number") == row_number)["column_name"].to_list()
        assert column in named, f"row {row_number}: expected {column!r} in quarantine, got {named}"
    assert set(quarantined["row_number"].to_list()) == set(bad), "a good row was quarantined"
    event(f"{table}: {status}, {'with' if bad else 'without'} bad rows")
    expected_status = "held_back" if len(bad) / len(rows) > share else "loaded"
    assert status == expected_status
    loaded = sorted(r[0] for r in con.execute(f"SELECT {key} FROM raw.{table}").fetchall())
    assert loaded == (good_keys if status == "loaded" else [])


def _root(rows: list[Row], row: Row) -> int:
    """Index of the first copy of ``row`` (duplicates point at it)."""
    return row.duplicate_of if row.duplicate_of is not None else rows.index(row)


# --- appeals ---------------------------------------------------------------------------

days_2024 = st.integers(min_value=0, max_value=360).map(lambda d: date(2024, 1, 1) + timedelta(days=d))


@st.composite
def appeal_rows(draw: st.DrawFn, index: int, style: Style) -> Row:
    received = draw(days_2024)
    due = received + timedelta(days=draw(st.integers(min_value=0, max_value=30)))
    cells = {
        "appeal_id": f"A{index:05d}",
        "agency_id": draw(st.sampled_from(["CGO-A", "MIO-35"])),
        "kind": draw(st.sampled_from(["complaint", "application", "жалоба"])),
        "received_on": _date(received, style),
        "due_on": _date(due, style),
        "reviewed_on": draw(st.sampled_from(["", _date(due, style)])),
        "disciplinary": draw(st.sampled_from(["", "yes", "no", "impossible"])),
    }
    fault = draw(
        st.sampled_from(
            [None, None, None, "date", "missing_id", "due_before", "redirect", "agency", "enum", "short_date"]
        )
    )
    if fault == "date":
        cells["received_on"] = draw(st.sampled_from(["2024-02-30", "31.04.2024", "вчера", "2024/03/01"]))
        return Row(cells, "received_on")
    if fault == "missing_id":
        cells["appeal_id"] = ""
        return Row(cells, "appeal_id")
    if fault == "due_before":
        cells["due_on"] = _date(received - timedelta(days=draw(st.integers(1, 20))), style)
        return Row(cells, "due_on")
    if fault == "redirect":
        cells["redirected_on"] = _date(received, style)
        return Row(cells, "redirect_due_on")
    if fault == "agency":
        cells["agency_id"] = draw(st.sampled_from(["CGO-X", "cgo-a", "MIO-99"]))
        return Row(cells, "agency_id")
    if fault == "enum":
        cells["disciplinary"] = draw(st.sampled_from(["maybe", "да?", "YES"]))
        return Row(cells, "disciplinary")
    if fault == "short_date":
        cells["due_on"] = "2024-1"
        return Row(cells, "due_on")
    return Row(cells)


@st.composite
def appeals_files(draw: st.DrawFn) -> tuple[Style, list[Row]]:
    style = draw(styles)
    n = draw(st.integers(min_value=1, max_value=25))
    rows: list[Row] = []
    for i in range(n):
        good = [r for r in rows if not r.fault_column]
        if good and draw(st.integers(0, 9)) == 0:  # an exact duplicate of an earlier good row
            rows.append(Row(dict(good[-1].cells), None, duplicate_of=_root(rows, good[-1])))
            continue
        rows.append(draw(appeal_rows(i, style)))
    return style, rows


@SETTINGS
@given(appeals_files(), st.sampled_from([0.05, 1.0]))
def test_appeals_no_good_row_lost(drop: tuple[Style, list[Row]], share: float) -> None:
    style, rows = drop
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "landing"
        _write(root, "appeals", APPEALS_COLUMNS, rows, style)
        con, status = _load(root, "appeals", share)
        _check(con, status, "appeals", "appeal_id", rows, share)
        if status == "loaded":  # values arrive as sent, whatever the encoding and date style
            kinds = dict(con.execute("SELECT appeal_id, kind FROM raw.appeals").fetchall())
            for row in rows:
                if not row.fault_column:
                    assert kinds[row.cells["appeal_id"]] == row.cells["kind"]


# --- turnstile -------------------------------------------------------------------------


@st.composite
def turnstile_files(draw: st.DrawFn) -> tuple[Style, list[Row]]:
    style = draw(styles)
    n = draw(st.integers(min_value=1, max_value=25))
    start = datetime(2024, 3, 1, 8, 0)
    rows: list[Row] = []
    for i in range(n):
        ts = start + timedelta(minutes=7 * i)  # distinct per row: keys never collide by accident
        text = ts.strftime("%d.%m.%Y %H:%M:%S") if style.dotted_dates else ts.isoformat()
        cells = {
            "employee_id": f"E{i:04d}",
            "agency_id": draw(st.sampled_from(["CGO-A", "MIO-35"])),
            "event_ts": text,
            # an `out` with no `in` before it is a good row: the overtime engine ignores and counts it
            "direction": draw(st.sampled_from(["in", "out"])),
            "gate_id": draw(st.sampled_from(["", "G1", "Вход-2"])),
        }
        good = [r for r in rows if not r.fault_column]
        fault = draw(st.sampled_from([None, None, None, "ts", "direction", "agency", "employee", "dup", "conflict"]))
        if fault == "ts":
            cells["event_ts"] = draw(st.sampled_from(["2024-02-30T10:00:00", "noon", "2024-03-01 25:00"]))
            rows.append(Row(cells, "event_ts"))
        elif fault == "direction":
            cells["direction"] = draw(st.sampled_from(["inside", "IN?", "выход"]))
            rows.append(Row(cells, "direction"))
        elif fault == "agency":
            cells["agency_id"] = "CGO-X"
            rows.append(Row(cells, "agency_id"))
        elif fault == "employee":
            cells["employee_id"] = ""
            rows.append(Row(cells, "employee_id"))
        elif fault == "dup" and good:
            rows.append(Row(dict(good[-1].cells), None, duplicate_of=_root(rows, good[-1])))
        elif fault == "conflict" and good:
            # same key as an earlier good row, another gate: every copy of both versions is quarantined
            root = _root(rows, good[-1])
            key = "employee_id,event_ts,direction"
            for j, earlier in enumerate(rows):
                if j == root or earlier.duplicate_of == root:
                    earlier.fault_column = key
            copy = dict(rows[root].cells)
            copy["gate_id"] = "G-other"
            rows.append(Row(copy, key))
        else:
            rows.append(Row(cells))
    return style, rows


@SETTINGS
@given(turnstile_files(), st.sampled_from([0.05, 1.0]))
def test_turnstile_no_good_row_lost(drop: tuple[Style, list[Row]], share: float) -> None:
    style, rows = drop
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "landing"
        _write(root, "turnstile_events", TURNSTILE_COLUMNS, rows, style)
        con, status = _load(root, "turnstile_events", share)
        _check(con, status, "turnstile_events", "employee_id", rows, share)
        if status == "loaded":
            gates = dict(con.execute("SELECT employee_id, gate_id FROM raw.turnstile_events").fetchall())
            for row in rows:
                if not row.fault_column:
                    assert gates[row.cells["employee_id"]] == (row.cells["gate_id"] or None)
