"""Decisions of the special commission applied on top of landed data (seed 004, chapter 7).

An assessed body that disagrees with its conclusion files objections and a «Таблица
разногласий» (para. 109, Appendix 14); a special commission accepts or rejects them
(paras. 113–115). An accepted objection reaches kzeval as a row of the ``corrections``
landing table: it names one landed row (``key``: JSON of the table's key columns), one
column and its new value, and the decision (``decision_ref``, ``decided_on``).

Corrections never edit ``raw``: :func:`apply_corrections` patches the frame a computation
reads, so the landed data stays as delivered and every figure can be traced to both. A
correction that cannot be applied (unknown table or row, a key or missing column, a value
that does not parse as the column's contract type or breaks the contract's rules, a row of
another body) is rejected into ``quarantine.rows`` (``table_name = 'corrections'``) with a
reason; every applied one is recorded in ``audit.corrections_applied`` (who, what, when).

Objection deadline (paras. 109, 111): an objection must be sent within five working days of
the day the body received the conclusion (the production calendar decides the working days;
the day of receipt is not counted). A correction whose ``objection_sent_on`` is later than the
fifth working day is quarantined with that reason. Without both dates the deadline cannot be
checked and the decision is applied as landed. A ``decision`` of ``rejected`` (para. 114) changes
no figure: it is neither applied nor quarantined (it belongs to the «Таблица разногласий»).

Every landing table except the reference tables can be corrected, turnstile_events and
overtime_orders included (:mod:`kzeval.steps.overtime` reads them corrected). A turnstile event
is identified by its key, so its time and direction — the facts a body disputes — may be
corrected although they are key columns (``CORRECTABLE_KEY_COLUMNS``); the corrected event must
not duplicate another landed event.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import duckdb
import polars as pl

from kzeval.contracts import CONTRACTS, TableContract
from kzeval.schema import ensure_table
from kzeval.settings import Settings
from kzeval.warehouse import fetch_one, table_exists

CORRECTIONS_TABLE = "corrections"
REASON_PREFIX = "correction rejected: "

# Landing tables a correction may not target, and why. Every other table is read through
# ``kzeval.steps.core.landing_frames`` (turnstile_events and overtime_orders through
# ``kzeval.steps.overtime``), which apply the corrections.
NOT_CORRECTABLE: Mapping[str, str] = {
    "agencies": "the register of bodies is reference data, not an assessment figure",
    "calendar": "the production calendar is reference data, not an assessment figure",
    "corrections": "a correction cannot correct another correction; land a new decision instead",
}
# Key columns a correction may change: a turnstile event *is* its time and direction, and those are
# what a body disputes (a badge read at the wrong time, an exit recorded as an entry).
CORRECTABLE_KEY_COLUMNS: Mapping[str, tuple[str, ...]] = {"turnstile_events": ("event_ts", "direction")}

# Paras. 109, 111: objections «в течение пяти рабочих дней со дня получения Заключения»; later ones
# «не рассматриваются». Counting starts the working day after the day of receipt.
OBJECTION_WORKING_DAYS = 5
DECISION_ACCEPTED = "accepted"
DECISION_REJECTED = "rejected"


@dataclass(frozen=True)
class Correction:
    """One landed row of ``corrections`` (data-contracts.md) with the file it came from."""

    correction_id: str
    agency_id: str
    year: int
    table: str
    key: str
    column: str
    new_value: str | None
    decided_on: dt.date
    decision_ref: str
    note: str | None = None
    source_file: str | None = None
    source_sha256: str | None = None
    source_row: int | None = None
    conclusion_received_on: dt.date | None = None
    objection_sent_on: dt.date | None = None
    decision: str | None = None  # accepted (default) | rejected

    @property
    def is_rejected_by_commission(self) -> bool:
        return (self.decision or DECISION_ACCEPTED) == DECISION_REJECTED


@dataclass(frozen=True)
class Rejection:
    correction: Correction
    column: str  # the field of the correction at fault: table | key | column | new_value | agency_id
    value: str | None
    reason: str


@dataclass(frozen=True)
class Applied:
    correction: Correction
    row_key: str  # canonical JSON of the typed key
    old_value: str | None
    new_value: str | None


@dataclass
class CorrectionOutcome:
    frame: pl.DataFrame
    applied: list[Applied] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)
    deferred: list[Correction] = field(default_factory=list)  # valid, but not for this run (year or scope)
    declined: list[Correction] = field(default_factory=list)  # the commission rejected the objection (para. 114)


class _Invalid(ValueError):
    """A correction that cannot be applied: ``field`` names the correction's column at fault."""

    def __init__(self, field_name: str, value: str | None, reason: str) -> None:
        super().__init__(reason)
        self.field_name = field_name
        self.value = value


# ---------------------------------------------------------------------------------------
# Values: parsed exactly as the landing reader parses the column's contract type
# ---------------------------------------------------------------------------------------


def format_value(value: Any) -> str | None:
    """Canonical text of a typed value (ISO dates, ``true``/``false``, shortest float)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value)) if abs(value) < 1e15 else repr(value)
    return str(value)


def parse_value(contract: TableContract, column: str, text: str | None) -> Any:
    """The typed value of ``text`` for ``contract.column``; raises ``_Invalid`` when it does not parse."""
    from kzeval.landing.parse import parse_frame
    from kzeval.landing.reader import ROW_COLUMN

    spec = contract.column(column)
    if text is None or str(text).strip() == "":
        if spec.required:
            raise _Invalid(
                "new_value", text, f"wrong type: {contract.name}.{column} is required and cannot be set empty"
            )
        return None
    probe = pl.DataFrame({ROW_COLUMN: [1], column: [str(text)]})
    typed, errors = parse_frame(probe, contract)
    if errors.height or typed[column][0] is None:
        raise _Invalid(
            "new_value", str(text), f"wrong type: «{text}» is not a valid {spec.type} for {contract.name}.{column}"
        )
    return typed[column][0]


def parse_key(contract: TableContract, key_text: str) -> dict[str, Any]:
    """Typed key values from the correction's ``key`` JSON; it must name exactly the table's key columns."""
    try:
        raw = json.loads(key_text)
    except (TypeError, json.JSONDecodeError):
        raise _Invalid("key", key_text, f"unknown row: key is not valid JSON: {key_text!r}") from None
    if not isinstance(raw, dict):
        raise _Invalid("key", key_text, "unknown row: key must be a JSON object of the key columns")
    expected = set(contract.key)
    if set(raw) != expected:
        raise _Invalid(
            "key",
            key_text,
            f"unknown row: key must name exactly the key columns of {contract.name} "
            f"({', '.join(contract.key)}); got {', '.join(sorted(raw)) or 'none'}",
        )
    typed: dict[str, Any] = {}
    for name in contract.key:
        value = raw[name]
        text = None if value is None else format_value(value) if not isinstance(value, str) else value
        try:
            typed[name] = parse_value(contract, name, text) if text is not None else None
        except _Invalid:
            spec = contract.column(name)
            raise _Invalid(
                "key",
                key_text,
                f"unknown row: key value «{value}» is not a valid {spec.type} for {contract.name}.{name}",
            ) from None
    return typed


def canonical_key(typed_key: Mapping[str, Any]) -> str:
    """Stable JSON of a typed key: numbers and booleans as JSON values, dates as ISO strings."""
    plain = {k: v if v is None or isinstance(v, bool | int | float) else format_value(v) for k, v in typed_key.items()}
    return json.dumps(plain, sort_keys=True, ensure_ascii=False)


def check_target(correction: Correction) -> TableContract:
    """The contract of the corrected table after the checks that need no data (table, column, type, key)."""
    contract = CONTRACTS.get(correction.table)
    if contract is None:
        raise _Invalid("table", correction.table, f"unknown table: «{correction.table}» is not a landing table")
    if correction.table in NOT_CORRECTABLE:
        raise _Invalid(
            "table",
            correction.table,
            f"table {correction.table} cannot be corrected: {NOT_CORRECTABLE[correction.table]}",
        )
    if correction.column not in contract.column_names:
        raise _Invalid(
            "column", correction.column, f"wrong column: «{correction.column}» is not a column of {contract.name}"
        )
    if correction.column in contract.key and correction.column not in CORRECTABLE_KEY_COLUMNS.get(contract.name, ()):
        raise _Invalid(
            "column",
            correction.column,
            f"wrong column: «{correction.column}» is a key column of {contract.name}; a row's identity is not corrected",
        )
    if correction.column == contract.agency_column:
        raise _Invalid(
            "column",
            correction.column,
            f"wrong column: «{correction.column}» would move the row to another body; land the row for that body",
        )
    parse_value(contract, correction.column, correction.new_value)
    parse_key(contract, correction.key)
    return contract


CalendarOf = Callable[[int], pl.DataFrame]
"""year → production calendar of that year (date, day_type), as :func:`kzeval.calendars.load_calendar`."""


def shipped_calendars(override: pl.DataFrame | None = None) -> CalendarOf:
    """The shipped production calendars (with the drop's ``calendar`` rows on top), loaded once per year."""
    from kzeval.calendars import load_calendar

    loaded: dict[int, pl.DataFrame] = {}

    def calendar_of(year: int) -> pl.DataFrame:
        if year not in loaded:
            loaded[year] = load_calendar(year, override)
        return loaded[year]

    return calendar_of


def working_days_after(start: dt.date, until: dt.date, calendar_of: CalendarOf) -> list[dt.date]:
    """Working days d with start < d ≤ until, from the production calendars of the years spanned."""
    days: list[dt.date] = []
    for year in range(start.year, until.year + 1):
        calendar = calendar_of(year)
        chosen = calendar.filter(
            (pl.col("day_type") == "workday") & (pl.col("date") > start) & (pl.col("date") <= until)
        )
        days.extend(chosen.get_column("date").sort().to_list())
    return days


def objection_deadline(received_on: dt.date, calendar_of: CalendarOf) -> dt.date:
    """The last day to send an objection: the fifth working day after the day of receipt (para. 109).

    «в течение пяти рабочих дней со дня получения Заключения»: the day of receipt itself is not
    counted (a period runs from the day after the event that starts it).
    """
    days: list[dt.date] = []
    year = received_on.year
    while len(days) < OBJECTION_WORKING_DAYS:  # the next year's calendar only when December runs out
        if year > received_on.year + 1:
            raise _Invalid(
                "conclusion_received_on",
                received_on.isoformat(),
                f"objection deadline cannot be checked: the production calendar has fewer than "
                f"{OBJECTION_WORKING_DAYS} working days after {received_on.isoformat()}",
            )
        days.extend(working_days_after(received_on, dt.date(year, 12, 31), calendar_of)[len(days) :])
        year += 1
    return days[OBJECTION_WORKING_DAYS - 1]


def check_objection_deadline(correction: Correction, calendar_of: CalendarOf) -> None:
    """Raise ``_Invalid`` when the objection was sent after the deadline of paras. 109 and 111.

    Nothing to check unless both ``conclusion_received_on`` and ``objection_sent_on`` are given.
    """
    from kzeval.calendars import CalendarMissingError

    received, sent = correction.conclusion_received_on, correction.objection_sent_on
    if received is None or sent is None:
        return
    if sent < received:
        raise _Invalid(
            "objection_sent_on",
            sent.isoformat(),
            f"objection sent on {sent.isoformat()}, before the conclusion was received on {received.isoformat()}",
        )
    try:
        deadline = objection_deadline(received, calendar_of)
        if sent <= deadline:
            return
        try:
            day = f"working day {len(working_days_after(received, sent, calendar_of))}"
        except CalendarMissingError:  # late in any case; the day's number needs a calendar not at hand
            day = f"after working day {OBJECTION_WORKING_DAYS}"
    except CalendarMissingError as exc:
        raise _Invalid(
            "conclusion_received_on", received.isoformat(), f"objection deadline cannot be checked: {exc}"
        ) from None
    raise _Invalid(
        "objection_sent_on",
        sent.isoformat(),
        f"objection sent too late: conclusion received on {received.isoformat()}, objection sent on "
        f"{sent.isoformat()} ({day}); the deadline was {deadline.isoformat()}, "
        f"{OBJECTION_WORKING_DAYS} working days (paras. 109, 111: later objections «не рассматриваются»)",
    )


def _match(typed_key: Mapping[str, Any]) -> pl.Expr:
    return pl.all_horizontal([pl.col(k).eq_missing(v) for k, v in typed_key.items()])


def _rule_problem(table: str, row: pl.DataFrame) -> str | None:
    from kzeval.landing.schemas import failure_cases

    cases = failure_cases(table, row)
    if cases.height == 0:
        return None
    first = cases.row(0, named=True)
    value = str(first["failure_case"])
    shown = "" if value.startswith("{") else f" (value {value})"  # a cross-field check reports the whole row
    return f"{first['column']}: {first['check']}{shown}"


def apply_to_frame(
    frame: pl.DataFrame,
    table: str,
    corrections: Iterable[Correction],
    assessed_of: Mapping[str, str] | None = None,
    selected: Callable[[Correction], bool] | None = None,
    calendar_of: CalendarOf | None = None,
) -> CorrectionOutcome:
    """Validate the corrections of ``table`` against ``frame`` and apply the selected valid ones.

    Pure: returns the patched frame, what was applied (with old and new values), what was
    rejected and why (including objections sent after the deadline of paras. 109, 111, on
    ``calendar_of``, default the shipped calendars), what the commission rejected (``declined``),
    and what was valid but not selected (another year, another body's pending decision).
    Corrections apply in decision order (``decided_on``, then ``correction_id``), so a later
    decision on the same cell wins.
    """
    outcome = CorrectionOutcome(frame)
    calendars = calendar_of or shipped_calendars()
    ordered = sorted(
        (c for c in corrections if c.table == table), key=lambda c: (c.decided_on, c.correction_id, c.source_row or 0)
    )
    for correction in ordered:
        try:
            contract = check_target(correction)
            check_objection_deadline(correction, calendars)
            if correction.is_rejected_by_commission:
                outcome.declined.append(correction)
                continue
            typed_key = parse_key(contract, correction.key)
            value = parse_value(contract, correction.column, correction.new_value)
            row = outcome.frame.filter(_match(typed_key))
            if row.height == 0:
                raise _Invalid(
                    "key", correction.key, f"unknown row: no landed row of {table} has key {canonical_key(typed_key)}"
                )
            agency_column = contract.agency_column
            if assessed_of is not None and agency_column is not None:
                row_agency = row[agency_column][0]
                row_body = assessed_of.get(row_agency, row_agency)
                own_body = assessed_of.get(correction.agency_id, correction.agency_id)
                if row_body != own_body:
                    raise _Invalid(
                        "agency_id",
                        correction.agency_id,
                        f"wrong agency: the row belongs to {row_agency} (assessed body {row_body}), not to "
                        f"{correction.agency_id} (assessed body {own_body}) whose objection the decision answers",
                    )
            dtype = outcome.frame.schema[correction.column]
            if correction.column in contract.key:  # a correctable key column: the event must stay unique
                moved = {**typed_key, correction.column: value}
                if moved != typed_key and outcome.frame.filter(_match(moved)).height:
                    raise _Invalid(
                        "new_value",
                        correction.new_value,
                        f"wrong value: the corrected row would duplicate the landed row {canonical_key(moved)} "
                        f"of {table}",
                    )
            corrected = row.head(1).with_columns(pl.lit(value, dtype=dtype).alias(correction.column))
            problem = _rule_problem(table, corrected)
            if problem:
                raise _Invalid(
                    "new_value",
                    correction.new_value,
                    f"wrong value: the corrected row breaks the contract of {table}: {problem}",
                )
        except _Invalid as invalid:
            outcome.rejected.append(Rejection(correction, invalid.field_name, invalid.value, str(invalid)))
            continue
        if selected is not None and not selected(correction):
            outcome.deferred.append(correction)
            continue
        old = row[correction.column][0]
        outcome.frame = outcome.frame.with_columns(
            pl.when(_match(typed_key))
            .then(pl.lit(value, dtype=dtype))
            .otherwise(pl.col(correction.column))
            .alias(correction.column)
        )
        outcome.applied.append(Applied(correction, canonical_key(typed_key), format_value(old), format_value(value)))
    return outcome


# ---------------------------------------------------------------------------------------
# Warehouse side: read corrections, quarantine rejections, audit applications
# ---------------------------------------------------------------------------------------


def ensure_dispute_tables(con: duckdb.DuckDBPyConnection) -> None:
    """``audit.corrections_applied`` and ``core.dispute_results`` (dbt sources, so they exist in every run)."""
    ensure_table(con, "audit.corrections_applied")
    ensure_table(con, "core.dispute_results")


def read_corrections(con: duckdb.DuckDBPyConnection) -> list[Correction]:
    """Every landed correction with its file and row number."""
    if not table_exists(con, "raw", CORRECTIONS_TABLE):
        return []
    present = {
        str(r[0])
        for r in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = 'raw' AND table_name = ?",
            [CORRECTIONS_TABLE],
        ).fetchall()
    }
    # columns added 2026-12-04: a warehouse landed before them reads them as null
    added = [
        f'"{name}"' if name in present else f"NULL AS {name}"
        for name in ("conclusion_received_on", "objection_sent_on", "decision")
    ]
    rows = con.execute(
        'SELECT correction_id, agency_id, "year", "table", "key", "column", new_value, decided_on, decision_ref, '
        f"note, _file_path, _file_sha256, _row_number, {', '.join(added)} FROM raw.corrections "
        "ORDER BY decided_on, correction_id"
    ).fetchall()
    return [Correction(*row) for row in rows]


def assessed_bodies_of(con: duckdb.DuckDBPyConnection) -> dict[str, str] | None:
    """unit → assessed body, from ``core.agencies`` (None before the hierarchy is built)."""
    if not table_exists(con, "core", "agencies"):
        return None
    rows = con.execute("SELECT agency_id, assessed_agency_id FROM core.agencies").fetchall()
    return {str(a): str(b) for a, b in rows if b is not None} or None


def previously_applied(con: duckdb.DuckDBPyConnection) -> set[str]:
    if not table_exists(con, "audit", "corrections_applied"):
        return set()
    return {str(r[0]) for r in con.execute("SELECT DISTINCT correction_id FROM audit.corrections_applied").fetchall()}


def selection(
    year: int | None, scope_agency: str | None, assessed_of: Mapping[str, str] | None, already: set[str]
) -> Callable[[Correction], bool]:
    """Which valid corrections a run applies: those of its year; under a recompute for one body,
    that body's corrections plus every correction applied before (other bodies stay as published)."""

    def chosen(correction: Correction) -> bool:
        if year is not None and correction.year != year:
            return False
        if not scope_agency:
            return True
        body = (assessed_of or {}).get(correction.agency_id, correction.agency_id)
        return body == scope_agency or correction.correction_id in already

    return chosen


def _table_rejections(con: duckdb.DuckDBPyConnection, corrections: Sequence[Correction]) -> list[Rejection]:
    """Rejections decidable without the target frame: unknown or uncorrectable tables, empty tables."""
    rejected: list[Rejection] = []
    empty: dict[str, bool] = {}
    for correction in corrections:
        try:
            check_target(correction)
        except _Invalid as invalid:
            if invalid.field_name == "table":
                rejected.append(Rejection(correction, invalid.field_name, invalid.value, str(invalid)))
            continue
        table = correction.table
        if table not in empty:
            exists = table_exists(con, "raw", table)
            row = fetch_one(con, f"SELECT count(*) FROM raw.{table}") if exists else None
            empty[table] = not (row and row[0])
        if empty[table]:
            rejected.append(
                Rejection(correction, "key", correction.key, f"unknown row: {table} has no landed rows to correct")
            )
    return rejected


def _write_quarantine(
    con: duckdb.DuckDBPyConnection, evaluated: Sequence[Correction], rejected: Sequence[Rejection]
) -> None:
    """Replace the quarantine entries of the evaluated corrections (and of corrections no longer landed)."""
    con.execute(
        "DELETE FROM quarantine.rows q WHERE q.table_name = ? AND starts_with(q.reason, ?) AND NOT EXISTS "
        "(SELECT 1 FROM raw.corrections c WHERE c._file_sha256 = q.file_sha256 AND c._row_number = q.row_number)",
        [CORRECTIONS_TABLE, REASON_PREFIX],
    ).fetchall()
    for correction in evaluated:
        con.execute(
            "DELETE FROM quarantine.rows WHERE table_name = ? AND starts_with(reason, ?) AND file_sha256 = ? "
            "AND row_number = ?",
            [CORRECTIONS_TABLE, REASON_PREFIX, correction.source_sha256, correction.source_row],
        ).fetchall()
    for rejection in rejected:
        c = rejection.correction
        con.execute(
            "INSERT INTO quarantine.rows (table_name, file_path, file_sha256, row_number, column_name, value, reason) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                CORRECTIONS_TABLE,
                c.source_file,
                c.source_sha256,
                c.source_row,
                rejection.column,
                rejection.value,
                f"{REASON_PREFIX}{c.correction_id}: {rejection.reason}",
            ],
        ).fetchall()


def record_applied(
    con: duckdb.DuckDBPyConnection,
    applied: Sequence[Applied],
    assessed_of: Mapping[str, str] | None,
    run_id: str,
    now: dt.datetime | None = None,
) -> None:
    """Upsert audit entries by (correction_id, year).

    A rerun of the year refreshes ``last_applied_at``/``last_run_id`` and keeps when and by
    whom the correction was first applied; a changed decision (other cell or value) is a new
    application and replaces the entry.
    """
    ensure_dispute_tables(con)
    stamp = now or dt.datetime.now(dt.UTC).replace(tzinfo=None)
    user = Settings.from_env().user
    for item in applied:
        c = item.correction
        existing = fetch_one(
            con,
            "SELECT table_name, row_key, column_name, old_value, new_value FROM audit.corrections_applied "
            "WHERE correction_id = ? AND year = ?",
            [c.correction_id, c.year],
        )
        if existing == (c.table, item.row_key, c.column, item.old_value, item.new_value):
            con.execute(
                "UPDATE audit.corrections_applied SET last_applied_at = ?, last_run_id = ?, decision_ref = ?, "
                "decided_on = ?, note = ?, source_file = ?, source_sha256 = ?, source_row = ? "
                "WHERE correction_id = ? AND year = ?",
                [
                    stamp,
                    run_id,
                    c.decision_ref,
                    c.decided_on,
                    c.note,
                    c.source_file,
                    c.source_sha256,
                    c.source_row,
                    c.correction_id,
                    c.year,
                ],
            ).fetchall()
            continue
        con.execute(
            "DELETE FROM audit.corrections_applied WHERE correction_id = ? AND year = ?", [c.correction_id, c.year]
        ).fetchall()
        con.execute(
            "INSERT INTO audit.corrections_applied VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                c.correction_id,
                c.year,
                c.agency_id,
                (assessed_of or {}).get(c.agency_id, c.agency_id),
                c.decision_ref,
                c.decided_on,
                c.note,
                c.table,
                item.row_key,
                c.column,
                item.old_value,
                item.new_value,
                c.source_file,
                c.source_sha256,
                c.source_row,
                stamp,
                user,
                stamp,
                run_id,
            ],
        ).fetchall()


def drop_calendar(con: duckdb.DuckDBPyConnection) -> pl.DataFrame | None:
    """The drop's ``calendar`` rows (they override the shipped calendars), or None."""
    if not table_exists(con, "raw", "calendar"):
        return None
    frame = con.execute("SELECT date, day_type FROM raw.calendar").pl()
    return frame if frame.height else None


def apply_corrections(
    con: duckdb.DuckDBPyConnection,
    table: str,
    frame: pl.DataFrame,
    year: int | None,
    run_id: str | None = None,
    agency: str | None = None,
) -> pl.DataFrame:
    """``frame`` (landed rows of ``table``) with the commission's corrections for ``year`` applied.

    See :func:`correct_landed_rows`, which also returns what was applied.
    """
    return correct_landed_rows(con, table, frame, year, run_id, agency=agency).frame


def correct_landed_rows(
    con: duckdb.DuckDBPyConnection,
    table: str,
    frame: pl.DataFrame,
    year: int | None,
    run_id: str | None = None,
    agency: str | None = None,
) -> CorrectionOutcome:
    """The commission's corrections of ``table`` for ``year`` applied to ``frame`` (its landed rows).

    ``year`` None applies the corrections of every year. Rejections go to quarantine,
    applications to the audit trail; the landed rows in ``raw`` are never touched. With
    ``agency`` (``kzeval recompute`` for one body, the run context's corrections scope) only that
    body's new corrections are applied, so other bodies keep their published figures.
    """
    corrections = read_corrections(con)
    if not corrections:
        if table_exists(con, "quarantine", "rows"):
            con.execute(
                "DELETE FROM quarantine.rows WHERE table_name = ? AND starts_with(reason, ?)",
                [CORRECTIONS_TABLE, REASON_PREFIX],
            ).fetchall()
        return CorrectionOutcome(frame)
    ensure_dispute_tables(con)
    assessed_of = assessed_bodies_of(con)
    chosen = selection(year, agency or None, assessed_of, previously_applied(con))
    outcome = apply_to_frame(frame, table, corrections, assessed_of, chosen, shipped_calendars(drop_calendar(con)))
    others = _table_rejections(con, [c for c in corrections if c.table != table])
    evaluated = [c for c in corrections if c.table == table] + [r.correction for r in others]
    _write_quarantine(con, evaluated, [*outcome.rejected, *others])
    record_applied(con, outcome.applied, assessed_of, run_id or "direct")
    return outcome
