"""`kzeval explain --records`: the record-level rows behind a figure (appeals, day records) or the SQL that lists them (turnstile)."""

from __future__ import annotations

import datetime as dt
import json
import textwrap
from collections.abc import Mapping, Sequence
from typing import Any

import duckdb
import polars as pl

from kzeval.contracts import CONTRACTS
from kzeval.explain.labels import APPEAL_RECORD_SETS
from kzeval.explain.lookups import body_rows
from kzeval.explain.people import overtime_day_records
from kzeval.explain.render import date_text, format_number, reading_values, text_table
from kzeval.indicators.appeals import counted_appeals
from kzeval.warehouse import table_exists

RECORDS_LIMIT = 50


def appeal_records(appeals: pl.DataFrame, year: int, code: str, period: str = "reviewed") -> pl.DataFrame:
    """The appeals a count of R1–R4 is made of: :func:`kzeval.indicators.appeals.counted_appeals`."""
    return counted_appeals(appeals, year, code, period)


def _appeal_records_section(
    con: duckdb.DuckDBPyConnection,
    year: int,
    body: Mapping[str, Any],
    code: str,
    inputs: Mapping[str, Any],
    corrections: Sequence[Mapping[str, Any]],
    reading: str | None = None,
) -> str:
    symbol, title = APPEAL_RECORD_SETS[code]
    frame = body_rows(con, "appeals", body["agency_id"], year, corrections)
    period = reading_values(reading).get("appeals.period", "reviewed")
    found = appeal_records(frame, year, code, period) if frame.height else frame
    corrected_ids = {json.loads(c["row_key"]).get("appeal_id") for c in corrections if c["table_name"] == "appeals"}
    expected = inputs.get(symbol)
    lines = [f"Записи: {title} ({symbol} = {format_number(expected)}; найдено {found.height})"]
    if expected is not None and int(expected) != found.height:
        lines.append("  Внимание: число записей не совпадает с входным значением показателя.")
    rows = []
    for r in found.head(RECORDS_LIMIT).iter_rows(named=True):
        late_to = r["reviewed_on"] if code != "appeal_redirect_timeliness" else r["redirected_on"]
        due = r["due_on"] if code != "appeal_redirect_timeliness" else r["redirect_due_on"]
        days = (late_to - due).days if late_to and due else None
        mark = " *" if r["appeal_id"] in corrected_ids else ""
        rows.append(
            [
                f"{r['appeal_id']}{mark}",
                r["agency_id"],
                r["kind"],
                date_text(r["received_on"]),
                date_text(r["due_on"]),
                date_text(r["reviewed_on"]),
                date_text(r["redirected_on"]),
                date_text(r["redirect_due_on"]),
                "" if days is None else str(days),
                *([date_text(r["court_satisfied_on"])] if code == "appeal_court_overturned" else []),
                r["disciplinary"] or "",
                f"{r['_file_path']}:{r['_row_number']}",
            ]
        )
    if rows:
        lines.append(
            text_table(
                [
                    "appeal_id",
                    "подразделение",
                    "вид",
                    "поступило",
                    "срок",
                    "рассмотрено",
                    "перенаправлено",
                    "срок перенапр.",
                    "просрочка, дн.",
                    *(["решение суда в силе"] if code == "appeal_court_overturned" else []),
                    "дисц.",
                    "файл:строка",
                ],
                rows,
            )
        )
    if found.height > RECORDS_LIMIT:
        lines.append(f"  … и еще {found.height - RECORDS_LIMIT}")
    if corrected_ids:
        changed = [
            f"{c['row_key']} {c['column_name']}: {c['old_value'] or '∅'} → {c['new_value'] or '∅'}"
            for c in corrections
            if c["table_name"] == "appeals"
        ]
        lines.append("  * запись исправлена решением комиссии; исправленные записи органа: " + "; ".join(changed))
    return "\n".join(lines)


def turnstile_sql(year: int, body: str) -> str:
    """SQL listing the turnstile days per employee pseudonym (core keeps only yearly totals per body)."""
    return (
        "SELECT e.employee_id AS employee_pseudonym, CAST(e.event_ts AS DATE) AS day,\n"
        "       min(e.event_ts) FILTER (WHERE e.direction = 'in') AS first_in,\n"
        "       max(e.event_ts) FILTER (WHERE e.direction = 'out') AS last_out, count(*) AS events\n"
        "FROM raw.turnstile_events e JOIN core.agencies a ON a.agency_id = e.agency_id\n"
        f"WHERE a.assessed_agency_id = '{body}' AND year(e.event_ts) = {year}\n"
        "GROUP BY ALL ORDER BY day, employee_pseudonym;"
    )


def _overtime_corrections_note(corrections: Sequence[Mapping[str, Any]], *, day_records: bool = False) -> str:
    """Raw turnstile rows are as landed: say which commission corrections the figures include.

    The overtime engine (kzeval.steps.overtime) reads turnstile events and overtime orders through a
    corrected view, so core.overtime and core.overtime_daily include the corrections while raw does not.
    """
    ids = [str(c["correction_id"]) for c in corrections if c["table_name"] in ("turnstile_events", "overtime_orders")]
    if not ids:
        return ""
    where = (
        "(подневные записи выше их уже содержат; raw.turnstile_events и raw.overtime_orders — нет)"
        if day_records
        else "(запрос выше их не содержит)"
    )
    return f"\n  Расчет учитывает корректировки специальной комиссии поверх raw {where}: " + ", ".join(ids) + "."


def records_section(
    con: duckdb.DuckDBPyConnection,
    year: int,
    body: Mapping[str, Any],
    code: str,
    inputs: Mapping[str, Any],
    tables: Sequence[str],
    corrections: Sequence[Mapping[str, Any]],
    reading: str | None = None,
) -> str:
    """Contributing records: appeals by id and dates; turnstile as SQL; other tables as rows of the year."""
    if code in APPEAL_RECORD_SETS:
        return _appeal_records_section(con, year, body, code, inputs, corrections, reading)
    parts = []
    for table in tables:
        if table in ("turnstile_events", "overtime_orders", "calendar"):
            if table == "turnstile_events" and table_exists(con, "core", "overtime_daily"):
                parts.append(
                    overtime_day_records(con, year, body["agency_id"])
                    + _overtime_corrections_note(corrections, day_records=True)
                )
            elif table == "turnstile_events":
                parts.append(
                    "Записи турникетов: в хранилище (core) нет подневной детализации, только годовые итоги органа "
                    "(core.overtime). Дни и сотрудники (псевдонимы) — запросом к raw:\n"
                    + textwrap.indent(turnstile_sql(year, body["agency_id"]), "  ")
                    + "\n  Подневная переработка: kzeval.overtime.compute_overtime_daily."
                    + _overtime_corrections_note(corrections)
                )
            continue
        frame = body_rows(con, table, body["agency_id"], year, corrections)
        lines = [f"Записи {table} органа за {year} год: {frame.height}"]
        if frame.height:
            shown = frame.head(RECORDS_LIMIT)
            columns = [c for c in CONTRACTS[table].column_names if c in shown.columns]
            rows = [
                [
                    *[date_text(r[c]) if isinstance(r[c], dt.date) else r[c] for c in columns],
                    f"{r['_file_path']}:{r['_row_number']}",
                ]
                for r in shown.iter_rows(named=True)
            ]
            lines.append(text_table([*columns, "файл:строка"], [[("" if v is None else v) for v in r] for r in rows]))
            if frame.height > RECORDS_LIMIT:
                lines.append(f"  … и еще {frame.height - RECORDS_LIMIT}")
        parts.append("\n".join(lines))
    return "\n\n".join(parts) if parts else "Записи: нет записей уровня строк для этого показателя."
