"""`kzeval explain`: where a figure comes from — formula with its numbers, inputs, files, corrections.

Reads the published warehouse read-only. For one indicator it prints the value, the
IndicatorDef formula with the stored inputs filled in, the methodology reading, every input,
the landed files and rows it came from (``marts.fct_indicator_lineage``), the reporting
penalties of its direction and the commission corrections applied
(``audit.corrections_applied``); ``--records`` lists the contributing records where they
are record-level (appeals) or gives the SQL to list them (turnstile).

The lineage helpers (:func:`indicator_source_tables`, :func:`write_source_contributions`)
also feed the lineage mart: ``kzeval.pipeline.landing_frames`` calls them for every frame.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import re
import sys
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import duckdb
import polars as pl

from kzeval.contracts import CONTRACTS
from kzeval.methodology import BLOCK_LABELS, DIRECTION_BLOCK, DIRECTION_LABELS
from kzeval.warehouse import table_exists

BODY_TYPE_LABELS: Mapping[str, str] = {"CGO": "ЦГО", "MIO": "МИО"}
SOURCE_LABELS: Mapping[str, str] = {
    "reference": "справочник",
    "turnstile": "система контроля доступа (турникеты)",
    "ekyzmet": "ИС «Е-қызмет»",
    "survey": "анкетирование служащих",
    "monitoring": "ИС «Мониторинг», государственный контроль, общественный мониторинг",
    "appeals": "АИС «Единый учет обращений лиц» (форма 1-ОЛ)",
    "openness": "листы оценки открытости",
    "it": "отчет по приложению 8",
    "reconciliation": "акты сверки",
    "disputes": "решения специальной комиссии",
}
PENALTY_KIND_LABELS: Mapping[str, str] = {
    "unreliable": "недостоверная информация",
    "incomplete": "неполная информация",
    "late": "несвоевременное представление",
}
# What the formula symbols stand for, where the legal text names them (seed 004, chapters 3 and 5).
INPUT_LABELS: Mapping[str, Mapping[str, str]] = {
    "svc_complaints": {"k": "вес показателя", "i": "обоснованные жалобы", "b1": "оказано услуг за год"},
    "svc_timeliness": {
        "k": "вес показателя",
        "a": "услуги с нарушением срока",
        "b": "оказано услуг за год (без просроченных в период сбоя ИС, п. 40)",
        "rendered_all_channels": "оказано услуг за год, все каналы",
        "overdue_excluded_outage": "просрочены в период подтвержденного сбоя ИС (не учитываются, п. 40)",
    },
    "svc_automation_effectiveness": {
        "e": "оказано в электронной форме (с услугами, оказанными МИО, п. 50)",
        "z": "оказано всего (с услугами, оказанными МИО, п. 50)",
        "b": "оказано в бумажной форме по автоматизированным услугам",
        "c": "оказано всего по автоматизированным услугам",
        "k": "вес показателя",
        "e_mio": "из e оказано местными исполнительными органами",
        "z_mio": "из z оказано местными исполнительными органами",
    },
    "svc_unjustified_refusals": {"k": "вес показателя", "a": "необоснованные отказы", "b1": "оказано услуг за год"},
    "svc_incomplete_package": {"k": "вес показателя", "c": "оказано при неполном пакете", "b1": "оказано услуг"},
    "svc_extra_documents": {"k": "вес показателя", "e": "истребование лишних документов", "b1": "оказано услуг"},
    "appeal_review_timeliness": {
        "k": "вес показателя",
        "f": "рассмотрено с нарушением срока",
        "p": "рассмотрено жалоб и заявлений за год",
    },
    "appeal_court_overturned": {
        "k": "вес показателя",
        "a": "признано обоснованными решениями суда, вступившими в законную силу в году (п. 9)",
        "p": "рассмотрено жалоб и заявлений за год",
    },
    "appeal_redirect_timeliness": {
        "k": "вес показателя",
        "n": "перенаправлено с нарушением срока",
        "m": "поступило жалоб и заявлений за год",
    },
    "appeal_internal_control": {
        "late_cases": "рассмотрено или перенаправлено с нарушением срока",
        "disciplined": "из них с дисциплинарной ответственностью",
        "impossible": "из них ответственность невозможна (увольнение)",
        "share_pct": "доля, %",
    },
}
# Openness P1–P5 (Appendix 10): per-language points, own and averaged (para. 67); P7 per Table 8 criterion.
_OPEN_POINTS_LABELS: Mapping[str, str] = {
    "points_kk": "баллы на государственном языке",
    "points_ru": "баллы на русском языке",
    "own_kk": "из них собственные баллы органа (каз.)",
    "own_ru": "из них собственные баллы органа (рус.)",
    "averaged_kk": "из них средние баллы по неоцениваемым индикаторам (каз.)",
    "averaged_ru": "из них средние баллы по неоцениваемым индикаторам (рус.)",
    "items_1_5": "индикаторы 1–5 таблицы 1",
    "stimulus": "стимулирующий индикатор 6 «Автоматизация размещения наборов»",
    "sum_open_website": "штрафы по таблице 9 (наполняемость интернет-ресурса)",
    "sum_open_data": "штрафы по таблице 10 (открытые данные)",
    "sum_open_dialogue": "штрафы по таблице 11 (открытый диалог)",
    "criterion_max": "итого штрафных баллов по критерию, не более",
}
OPENNESS_INPUT_LABELS: Mapping[str, Mapping[str, str]] = {
    code: _OPEN_POINTS_LABELS
    for code in (
        "open_data",
        "open_budget",
        "open_legal_acts",
        "open_dialogue",
        "open_website",
        "open_subordinate_penalty",
    )
}
# The years a landed row counts in, for lineage: the table's year or period column, except
# appeals, which count in the year of each event (received, reviewed, redirected, court).
LINEAGE_YEAR_COLUMNS: Mapping[str, tuple[str, ...]] = {
    "appeals": ("received_on", "reviewed_on", "redirected_on", "court_satisfied_on"),
}
RECORDS_LIMIT = 50
# Tables the overtime computation reads from raw directly (not through landing_frames): no per-file lineage.
# Their corrections are applied by kzeval.overtime_run and recorded in audit.corrections_applied.
UNTRACKED_TABLES = ("turnstile_events", "overtime_orders", "calendar")


class ExplainError(Exception):
    """A request explain cannot answer (unknown body, year or code); the message says why."""


# ---------------------------------------------------------------------------------------
# Lineage: which landing tables feed which indicator, which files feed which body and year
# ---------------------------------------------------------------------------------------


def indicator_source_tables() -> dict[str, tuple[str, ...]]:
    """Indicator, criterion and detail code → the landing tables its value is computed from (its definition's)."""
    from kzeval.methodology import all_indicators

    return {code: tuple(sorted(d.source_tables)) for code, d in sorted(all_indicators().items())}


def direction_source_tables(direction: str) -> tuple[str, ...]:
    """Landing tables of a direction's indicators, plus the reconciliation acts (reporting penalties)."""
    from kzeval.methodology import all_indicators

    mapping = indicator_source_tables()
    tables = {t for code, d in all_indicators().items() if d.direction == direction for t in mapping.get(code, ())}
    return tuple(sorted({*tables, "reporting_penalties"}))


def write_indicator_sources(con: duckdb.DuckDBPyConnection) -> None:
    """``core.indicator_sources`` (indicator, source_table): the static map behind the lineage mart."""
    rows = [(code, table) for code, tables in indicator_source_tables().items() for table in tables]
    frame = pl.DataFrame(rows, schema={"indicator": pl.Utf8, "source_table": pl.Utf8}, orient="row")
    con.execute("CREATE SCHEMA IF NOT EXISTS core").fetchall()
    con.register("_indicator_sources", frame)
    try:
        con.execute("CREATE OR REPLACE TABLE core.indicator_sources AS SELECT * FROM _indicator_sources").fetchall()
    finally:
        con.unregister("_indicator_sources")
    ensure_source_contributions(con)


def ensure_source_contributions(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        "CREATE TABLE IF NOT EXISTS core.source_contributions (table_name VARCHAR, file_path VARCHAR, "
        "file_sha256 VARCHAR, agency_id VARCHAR, year BIGINT, rows_contributing BIGINT)"
    ).fetchall()
    # rows of the file superseded by a newer extract (history.<table>): listed, but they do not count
    con.execute(
        "ALTER TABLE core.source_contributions ADD COLUMN IF NOT EXISTS rows_superseded BIGINT DEFAULT 0"
    ).fetchall()


def _row_year_columns(table: str) -> tuple[str, ...]:
    contract = CONTRACTS[table]
    if table in LINEAGE_YEAR_COLUMNS:
        return LINEAGE_YEAR_COLUMNS[table]
    column = contract.year_column or contract.date_column
    return (column,) if column else ()


def _year_expr(table: str, alias: str = "r") -> str | None:
    """SQL list of the years a row of ``table`` counts in; None when the table has no period."""
    columns = _row_year_columns(table)
    if not columns:
        return None
    contract = CONTRACTS[table]
    parts = [f'{alias}."{c}"' if c == contract.year_column else f'CAST(year({alias}."{c}") AS BIGINT)' for c in columns]
    return f"list_distinct(list_filter([{', '.join(parts)}], x -> x IS NOT NULL))"


def _contributions_select(table: str, schema: str, counted: str, year: int | None) -> str:
    """Rows of ``<schema>.<table>`` per file, assessed body and year, as the column ``counted``.

    With ``year``: only the rows that year's figures read (a table without a period: all, under ``year``).
    """
    from kzeval.indicators.hr import ROSTER_TABLES

    contract = CONTRACTS[table]
    other = "rows_superseded" if counted == "rows_contributing" else "rows_contributing"
    agency = contract.agency_column
    body = f'coalesce(a.assessed_agency_id, r."{agency}")' if agency else "NULL"
    join = f'LEFT JOIN core.agencies a ON a.agency_id = r."{agency}"' if agency else ""
    if table in ROSTER_TABLES and agency:
        return _roster_contributions_select(table, schema, counted, other, agency, body, join, year)
    years = _year_expr(table)
    if years is None:
        shown = "NULL::BIGINT" if year is None else f"{int(year)}::BIGINT"
        return (
            f"SELECT ? AS table_name, r._file_path AS file_path, r._file_sha256 AS file_sha256, {body} AS agency_id, "
            f"{shown} AS year, count(*) AS {counted}, 0::BIGINT AS {other} FROM {schema}.{table} r {join} GROUP BY ALL"
        )
    only = "" if year is None else f" WHERE year = {int(year)}"
    return (
        "SELECT ? AS table_name, _file_path AS file_path, _file_sha256 AS file_sha256, agency_id, year, "
        f"count(*) AS {counted}, 0::BIGINT AS {other} FROM (SELECT r._file_path, r._file_sha256, {body} AS agency_id, "
        f"unnest({years}) AS year FROM {schema}.{table} r {join}){only} GROUP BY ALL"
    )


def _roster_contributions_select(
    table: str, schema: str, counted: str, other: str, agency: str, body: str, join: str, year: int | None
) -> str:
    """Lineage of a snapshot table by the rule its figures follow (``kzeval.indicators.hr.roster_of_year``).

    A year reads, per unit, only its newest roster (``as_of``) dated in that year; a table
    without any dated row is read whole for every year (listed under ``year``, or without a
    year when no year is given). Which roster a year reads is decided on ``raw.<table>`` (the
    rows the figures read), also for the superseded rows of ``history.<table>``.
    """
    undated = f"NOT EXISTS (SELECT 1 FROM raw.{table} d WHERE d.as_of IS NOT NULL)"
    of_year = "CAST(year(r.as_of) AS BIGINT)" if year is None else f"{int(year)}::BIGINT"
    newest = f'SELECT max(x.as_of) FROM raw.{table} x WHERE x."{agency}" = r."{agency}" AND year(x.as_of) = {of_year}'
    shown = "NULL::BIGINT" if year is None else of_year
    return (
        f"SELECT ? AS table_name, r._file_path AS file_path, r._file_sha256 AS file_sha256, {body} AS agency_id, "
        f"CASE WHEN {undated} THEN {shown} ELSE {of_year} END AS year, count(*) AS {counted}, "
        f"0::BIGINT AS {other} FROM {schema}.{table} r {join} "
        f"WHERE {undated} OR r.as_of = ({newest}) GROUP BY ALL"
    )


def write_source_contributions(con: duckdb.DuckDBPyConnection, table: str, year: int | None = None) -> None:
    """Replace ``table``'s slice of ``core.source_contributions``: rows per file, assessed body and year.

    With ``year`` (the run's year) only that year's slice is replaced, so running another year
    leaves the lineage of the figures it did not compute as it was (a 2023 file never appears
    under an unchanged 2024 figure). Rows a newer extract superseded (``history.<table>``) are
    recorded apart as ``rows_superseded``: the file is named as superseded, never as contributing.
    """
    ensure_source_contributions(con)
    if year is None:
        con.execute("DELETE FROM core.source_contributions WHERE table_name = ?", [table]).fetchall()
    else:
        con.execute(
            "DELETE FROM core.source_contributions WHERE table_name = ? AND (year = ? OR year IS NULL)", [table, year]
        ).fetchall()
    con.execute(
        "INSERT INTO core.source_contributions BY NAME "
        f"{_contributions_select(table, 'raw', 'rows_contributing', year)}",
        [table],
    ).fetchall()
    if table_exists(con, "history", table):
        con.execute(
            "INSERT INTO core.source_contributions BY NAME "
            f"{_contributions_select(table, 'history', 'rows_superseded', year)}",
            [table],
        ).fetchall()


# ---------------------------------------------------------------------------------------
# Formula rendering (pure)
# ---------------------------------------------------------------------------------------

_IDENTIFIER = re.compile(r"(?<![\w.])([A-Za-z_][A-Za-z0-9_]*)(?![\w(])")
_OPTION = re.compile(r"^\s*([a-z0-9_]+):\s+(.*)$", re.S)


def format_number(value: Any, decimals: int = 4) -> str:
    """A readable number: integers without decimals, others with up to ``decimals`` places."""
    if value is None:
        return "нет"
    if isinstance(value, bool):
        return "да" if value else "нет"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            return "нет"
        if value.is_integer():
            return str(int(value))
        text = f"{value:.{decimals}f}".rstrip("0").rstrip(".")
        return text if text not in ("0", "-0") else f"{value:.2g}"
    return str(value)


def reading_values(reading: str | None) -> dict[str, str]:
    """``key=value;key=value`` (the stored ``reading`` column) as a mapping."""
    result: dict[str, str] = {}
    for part in (reading or "").split(";"):
        if "=" in part:
            key, value = part.split("=", 1)
            result[key.strip()] = value.strip()
    return result


def select_reading_variant(template: str, reading: str | None) -> str:
    """The part of a template written as ``option: formula; option: formula`` that the reading selects.

    Parts without an ``option:`` prefix continue the preceding option (``min25: base = …; 25 if …``).
    A template without options, or whose options the reading does not name, is returned whole.
    """
    options = set(reading_values(reading).values())
    variants: list[tuple[str | None, list[str]]] = []
    for part in template.split("; "):
        found = _OPTION.match(part)
        if found:
            variants.append((found.group(1), [found.group(2)]))
        elif variants:
            variants[-1][1].append(part)
        else:
            variants.append((None, [part]))
    for option, parts in variants:
        if option is not None and option in options:
            return "; ".join(parts)
    return template


def _scalar_inputs(inputs: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in inputs.items() if v is None or isinstance(v, int | float)}


def formula_symbols(inputs: Mapping[str, Any], symbol_of_code: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Names usable in a formula: the scalar inputs, plus legal symbols of component codes
    (a criterion's inputs are keyed by indicator code, its formula by symbol: ``V`` = hr_exit_interview)."""
    symbols = _scalar_inputs(inputs)
    for key, value in list(symbols.items()):
        symbol = (symbol_of_code or {}).get(key)
        if symbol and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", symbol) and symbol not in symbols:
            symbols[symbol] = value
    return symbols


def render_formula(template: str, inputs: Mapping[str, Any], symbol_of_code: Mapping[str, str] | None = None) -> str:
    """The formula with every named input replaced by its value; function names are kept.

    A name that is not an input but the suffix of exactly one input (``kk`` → ``points_kk``) is
    filled in too; unknown names stay as written.
    """
    symbols = formula_symbols(inputs, symbol_of_code)

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in symbols:
            return format_number(symbols[name])
        suffixed = [k for k in symbols if k.endswith(f"_{name}")]
        if len(suffixed) == 1:
            return format_number(symbols[suffixed[0]])
        return name

    return _IDENTIFIER.sub(replace, template)


def formula_lines(
    template: str,
    inputs: Mapping[str, Any],
    value: float | None,
    reading: str | None,
    symbol_of_code: Mapping[str, str] | None = None,
) -> tuple[str, str]:
    """(formula as in the methodology for the active reading, the same with numbers ``= value``)."""
    chosen = select_reading_variant(template, reading)
    filled = render_formula(chosen, inputs, symbol_of_code)
    return chosen, f"{filled} = {format_number(value)}"


# ---------------------------------------------------------------------------------------
# Text layout
# ---------------------------------------------------------------------------------------


def _field(label: str, value: str, width: int = 22) -> str:
    lines = textwrap.wrap(value, 96) or [""]
    pad = " " * (width + 2)
    return "\n".join([f"{label:<{width}}  {lines[0]}", *[pad + line for line in lines[1:]]])


def _table(headers: Sequence[str], rows: Sequence[Sequence[Any]], indent: str = "  ") -> str:
    cells = [[str(c) for c in headers], *[[format_number(c) if not isinstance(c, str) else c for c in r] for r in rows]]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    lines = [indent + "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in cells]
    lines.insert(1, indent + "  ".join("─" * w for w in widths))
    return "\n".join(lines)


def _date(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return value.strftime("%d.%m.%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d.%m.%Y")
    return "" if value is None else str(value)


# ---------------------------------------------------------------------------------------
# Warehouse reads
# ---------------------------------------------------------------------------------------


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
    cursor = con.execute(sql, list(params))
    names = [d[0] for d in cursor.description or []]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def resolve_body(con: duckdb.DuckDBPyConnection, agency: str) -> dict[str, Any]:
    """The assessed body a requested id stands for (a sub-unit's figures are its body's)."""
    found = _rows(con, "SELECT * FROM core.agencies WHERE agency_id = ?", [agency])
    if not found:
        raise ExplainError(f"Орган {agency} не найден в справочнике (core.agencies).")
    unit = found[0]
    body_id = unit["assessed_agency_id"] or agency
    body = _rows(con, "SELECT * FROM core.agencies WHERE agency_id = ?", [body_id])[0]
    body["requested"] = agency
    return body


def applied_corrections(
    con: duckdb.DuckDBPyConnection, year: int, body: str, tables: Iterable[str] | None = None
) -> list[dict[str, Any]]:
    """Corrections applied to the body's data for the year (``audit.corrections_applied``)."""
    if not table_exists(con, "audit", "corrections_applied"):
        return []
    wanted = list(tables) if tables is not None else None
    rows = _rows(
        con,
        "SELECT * FROM audit.corrections_applied WHERE year = ? AND assessed_agency_id = ? "
        "ORDER BY decided_on, correction_id",
        [year, body],
    )
    return [r for r in rows if wanted is None or r["table_name"] in wanted]


def corrected_frame(frame: pl.DataFrame, table: str, corrections: Sequence[Mapping[str, Any]]) -> pl.DataFrame:
    """``frame`` with the audited corrections re-applied (explain reads raw rows, runs read corrected ones)."""
    from kzeval.corrections import Correction, apply_to_frame

    items = [
        Correction(
            correction_id=str(c["correction_id"]),
            agency_id=str(c["agency_id"]),
            year=int(c["year"]),
            table=table,
            key=str(c["row_key"]),
            column=str(c["column_name"]),
            new_value=c["new_value"],
            decided_on=c["decided_on"],
            decision_ref=str(c["decision_ref"]),
        )
        for c in corrections
        if c["table_name"] == table
    ]
    return apply_to_frame(frame, table, items).frame if items else frame


def body_rows(
    con: duckdb.DuckDBPyConnection, table: str, body: str, year: int, corrections: Sequence[Mapping[str, Any]]
) -> pl.DataFrame:
    """Landed rows of ``table`` for the body (all its units) with corrections applied, in the year."""
    contract = CONTRACTS[table]
    if not table_exists(con, "raw", table):
        return pl.DataFrame()
    agency = contract.agency_column
    where = ""
    params: list[Any] = []
    if agency:
        where = f'WHERE r."{agency}" IN (SELECT agency_id FROM core.agencies WHERE assessed_agency_id = ?)'
        params = [body]
    frame = con.execute(f"SELECT r.* FROM raw.{table} r {where} ORDER BY r._file_path, r._row_number", params).pl()
    frame = corrected_frame(frame, table, corrections)
    columns = _row_year_columns(table)
    if not columns or frame.height == 0:
        return frame
    conditions = [
        (pl.col(c) == year) if c == contract.year_column else (pl.col(c).dt.year() == year).fill_null(False)
        for c in columns
    ]
    return frame.filter(pl.any_horizontal(conditions))


def _indicator_defs() -> dict[str, Any]:
    from kzeval.methodology import all_indicators

    return all_indicators()


def _reading_text(reading: str | None) -> str:
    from kzeval.methodology import all_readings

    values = reading_values(reading)
    if not values:
        return "по умолчанию (формула не имеет вариантов прочтения)"
    definitions = all_readings()
    parts = []
    for key, value in values.items():
        definition = definitions.get(key)
        if definition is None:
            parts.append(f"{key}={value}")
            continue
        default = " (по умолчанию)" if value == definition.default else ""
        parts.append(
            f"{key}={value}{default}: {definition.options.get(value, '')} "
            f"[уверенность {definition.confidence}, п. {definition.paragraph}]"
        )
    return "; ".join(parts)


# ---------------------------------------------------------------------------------------
# Sections
# ---------------------------------------------------------------------------------------


def _inputs_section(code: str, inputs: Mapping[str, Any]) -> str:
    labels = INPUT_LABELS.get(code) or OPENNESS_INPUT_LABELS.get(code, {})
    lines = ["Исходные данные"]
    if not inputs:
        lines.append("  (нет)")
    for name, value in inputs.items():
        if name == AVERAGED_ITEMS:
            continue  # shown by _averaged_section
        if isinstance(value, Mapping):
            lines.append(f"  {name}:")
            for sub, sub_value in value.items():
                lines.append(f"    {sub} = {format_number(sub_value)}")
        elif isinstance(value, list):
            lines.append(f"  {name} = {', '.join(str(v) for v in value) or '—'}")
        else:
            label = f"   ({labels[name]})" if name in labels else ""
            lines.append(f"  {name} = {format_number(value)}{label}")
    return "\n".join(lines)


AVERAGED_ITEMS = "averaged_items"  # openness inputs: items the body is not assessed on (para. 67)
AVERAGED_RULE_LABELS: Mapping[str, str] = {
    "average": "среднее баллов органов того же типа",
    "maximum": "максимальный балл индикатора (прочтение open.excluded_item=maximum)",
    "zero": "0 баллов (прочтение open.excluded_item=zero)",
    "no_peers_maximum": "ни один орган того же типа не оценен: максимальный балл (open.average_no_peers=maximum)",
    "no_peers_zero": "ни один орган того же типа не оценен: 0 баллов (open.average_no_peers=zero)",
}


def _averaged_section(inputs: Mapping[str, Any]) -> str | None:
    """Items the body is not assessed on: the average given and the bodies it came from."""
    from kzeval.methodology.interaction_2023 import OPEN_NOT_ASSESSED_LABELS_RU

    items = inputs.get(AVERAGED_ITEMS) or []
    if not items:
        return None
    lines = [
        "Индикаторы, по которым орган не оценивается (п. 67 методики; примечания к таблицам 2 и 6 прил. 10)",
        "  балл зависит от баллов других органов и пересчитывается при их изменении",
    ]
    for a in items:
        mark = OPEN_NOT_ASSESSED_LABELS_RU.get(str(a.get("not_assessed")), str(a.get("not_assessed")))
        rule = AVERAGED_RULE_LABELS.get(str(a.get("rule")), str(a.get("rule")))
        lines.append(f"  индикатор {a.get('item')}, язык {a.get('language')}: {format_number(a.get('value'))} — {rule}")
        lines.append(f"    основание: {mark}")
        peers = a.get("peers") or []
        if peers:
            lines.append(f"    органы, чьи баллы усреднены ({len(peers)}): {', '.join(str(p) for p in peers)}")
    return "\n".join(lines)


def _source_section(con: duckdb.DuckDBPyConnection, year: int, body: str, code: str, tables: Sequence[str]) -> str:
    lines = ["Источник"]
    lineage: list[dict[str, Any]] = []
    if table_exists(con, "marts", "fct_indicator_lineage"):
        lineage = _rows(
            con,
            "SELECT * FROM marts.fct_indicator_lineage WHERE year = ? AND agency_id = ? AND indicator = ? "
            "ORDER BY source_table, file_path",
            [year, body, code],
        )
    for table in tables:
        contract = CONTRACTS[table]
        lines.append(f"  {table} — {SOURCE_LABELS.get(contract.source, contract.source)}")
        files = [r for r in lineage if r["source_table"] == table]
        if not files and table in UNTRACKED_TABLES:
            lines.append(f"    читается расчетом переработок напрямую из raw.{table}; запрос к строкам — см. --records")
        elif not files:
            lines.append("    нет строк этого органа за год в загруженных файлах")
        for r in files:
            loaded = f", загружен {_date(r['loaded_at'])}" if r.get("loaded_at") else ""
            superseded = r.get("rows_superseded") or 0
            if r["rows_contributing"]:
                lines.append(
                    f"    {r['file_path']}  sha256 {str(r['file_sha256'])[:16]}…  строк: {r['rows_contributing']}{loaded}"
                )
            if superseded:
                lines.append(
                    f"    {r['file_path']}  sha256 {str(r['file_sha256'])[:16]}…  замещено более новой выгрузкой "
                    f"строк: {superseded} (не учитываются)"
                )
    lines.append(
        "  SQL: SELECT * FROM marts.fct_indicator_lineage "
        f"WHERE year = {year} AND agency_id = '{body}' AND indicator = '{code}';"
    )
    return "\n".join(lines)


def _corrections_section(corrections: Sequence[Mapping[str, Any]]) -> str:
    lines = ["Корректировки (решения специальной комиссии, гл. 7 методики)"]
    if not corrections:
        lines.append("  не применялись")
    for c in corrections:
        lines.append(
            f"  {c['correction_id']}: решение {c['decision_ref']} от {_date(c['decided_on'])} — "
            f"{c['table_name']} {c['row_key']}: {c['column_name']} {c['old_value'] or '∅'} → {c['new_value'] or '∅'}"
        )
        lines.append(
            f"    применено {_date(c['applied_at'])} ({c['applied_by']}); файл {c['source_file']}, "
            f"строка {c['source_row']}" + (f"; {c['note']}" if c.get("note") else "")
        )
    return "\n".join(lines)


def _penalty_section(
    con: duckdb.DuckDBPyConnection, year: int, body: str, direction: str, corrections: Sequence[Mapping[str, Any]]
) -> str:
    lines = ["Штрафы за отчетность (снимаются с итога направления)"]
    score = _rows(
        con,
        "SELECT reporting_penalty FROM core.direction_scores WHERE year = ? AND agency_id = ? AND direction = ?",
        [year, body, direction],
    )
    penalty = score[0]["reporting_penalty"] if score else None
    acts = body_rows(con, "reporting_penalties", body, year, corrections)
    if acts.height:
        acts = acts.filter(pl.col("direction") == direction)
    if not penalty and acts.height == 0:
        lines.append(f"  направление «{DIRECTION_LABELS.get(direction, direction)}»: нет")
        return "\n".join(lines)
    rules = _block_rules(con, year, DIRECTION_BLOCK.get(direction, "interaction"))
    points = rules.penalty_points_per_fact
    terms = [
        f"{act['facts']} × {format_number(points.get(act['kind'], 0.0))}"
        for act in acts.iter_rows(named=True)
        if act["kind"] in points
    ]
    cap = format_number(rules.penalty_cap_per_direction)
    computed = f" = min({cap}, {' + '.join(terms)})" if terms else ""
    lines.append(
        f"  направление «{DIRECTION_LABELS.get(direction, direction)}»: −{format_number(penalty or 0.0)}{computed}"
    )
    for act in acts.iter_rows(named=True):
        per_fact = points.get(act["kind"])
        worth = f" по {format_number(per_fact)}" if per_fact is not None else " (баллы за факт не установлены)"
        lines.append(
            f"    {PENALTY_KIND_LABELS.get(act['kind'], act['kind'])}: фактов {act['facts']}{worth}, "
            f"акт {act['act_ref']} ({act['_file_path']}, строка {act['_row_number']})"
        )
    return "\n".join(lines)


def _in_methodology_order(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows in the order of methodology §10 (the edition modules' INDICATORS), unknown codes last."""
    position = {code: i for i, code in enumerate(_indicator_defs())}
    return sorted(rows, key=lambda r: (position.get(r["indicator"], len(position)), r["indicator"]))


def _symbol_of_code() -> dict[str, str]:
    return {code: d.legal_symbol for code, d in _indicator_defs().items()}


def explain_indicator(
    con: duckdb.DuckDBPyConnection, year: int, body: Mapping[str, Any], code: str, records: bool = False
) -> str:
    definitions = _indicator_defs()
    if code not in definitions:
        known = ", ".join(sorted(definitions))
        raise ExplainError(f"Неизвестный код показателя {code!r}. Коды (методика §10): {known}")
    definition = definitions[code]
    found = _rows(
        con,
        "SELECT * FROM core.indicator_scores WHERE year = ? AND agency_id = ? AND indicator = ?",
        [year, body["agency_id"], code],
    )
    if not found:
        raise ExplainError(
            f"Показатель {code} за {year} год для {body['agency_id']} не рассчитан "
            "(нет исходных данных или показатель не применяется к этому типу органа)."
        )
    row = found[0]
    inputs = json.loads(row["inputs"] or "{}")
    tables = indicator_source_tables().get(code, ())
    corrections = applied_corrections(con, year, body["agency_id"], tables)
    template, filled = formula_lines(definition.formula, inputs, row["value"], row["reading"], _symbol_of_code())
    confidence = (
        "в тексте методики" if definition.confidence == "IN_SEED" else f"реконструкция, {definition.confidence}"
    )
    maximum = "—" if row["max_points"] is None else format_number(row["max_points"])
    head = [
        _field("Показатель", f"{definition.legal_symbol} «{definition.name_ru}» ({code})"),
        _field("Орган", _body_title(body)),
        _field("Год", str(year)),
        _field("Блок", BLOCK_LABELS.get(row["block"], row["block"])),
        _field("Направление", DIRECTION_LABELS.get(row["direction"], row["direction"])),
        _field("Значение, баллов", f"{format_number(row['value'])} (максимум {maximum})"),
        _field("Основание", f"{_paragraph(definition.paragraph)}; формула: {confidence}"),
        _field("Формула", template),
        _field("Расчет", filled),
        _field("Прочтение методики", _reading_text(row["reading"])),
    ]
    if row["is_provisional"]:
        head.append(_field("Предварительно", "да: зависит от реконструкции низкой уверенности (LOW)"))
    averaged = _averaged_section(inputs)
    sections = [
        "\n".join(head),
        _inputs_section(code, inputs),
        *([averaged] if averaged else []),
        _source_section(con, year, body["agency_id"], code, tables),
        _penalty_section(con, year, body["agency_id"], row["direction"], corrections),
        _corrections_section(corrections),
    ]
    from kzeval.explain_people import WORKING_TIME_CODES, working_time_legend

    if code in WORKING_TIME_CODES:  # what N1, N2, W, a, b, s, m, p mean
        sections.insert(1, working_time_legend())
    if records:
        sections.append(records_section(con, year, body, code, inputs, tables, corrections, row["reading"]))
    else:
        sections.append(
            f"Записи: kzeval explain --year {year} --agency {body['agency_id']} --indicator {code} --records"
        )
    return "\n\n".join(sections)


def _paragraph(paragraph: str) -> str:
    """«п. 97 методики» for a paragraph number; references such as «base act §4» as written."""
    return f"п. {paragraph} методики" if paragraph[:1].isdigit() else f"методика: {paragraph}"


def _body_title(body: Mapping[str, Any]) -> str:
    kind = BODY_TYPE_LABELS.get(body["body_type"], body["body_type"])
    title = f"{body['name_ru']} ({body['agency_id']}), {kind}"
    if body.get("requested") and body["requested"] != body["agency_id"]:
        title += f"; запрошено подразделение {body['requested']}, его данные учитываются в оценке этого органа"
    return title


# ---------------------------------------------------------------------------------------
# Records
# ---------------------------------------------------------------------------------------

APPEAL_RECORD_SETS: Mapping[str, tuple[str, str]] = {
    "appeal_review_timeliness": ("f", "жалобы и заявления, рассмотренные в году с нарушением срока"),
    "appeal_court_overturned": (
        "a",
        "жалобы и заявления, признанные обоснованными решением суда, вступившим в законную силу в году (п. 9)",
    ),
    "appeal_redirect_timeliness": ("n", "жалобы и заявления, перенаправленные в году с нарушением срока"),
    "appeal_internal_control": ("late_cases", "рассмотренные или перенаправленные с нарушением срока"),
}


def appeal_records(appeals: pl.DataFrame, year: int, code: str, period: str = "reviewed") -> pl.DataFrame:
    """The appeals a count of R1–R4 is made of: :func:`kzeval.indicators.appeals.counted_appeals`."""
    from kzeval.indicators.appeals import counted_appeals

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
                _date(r["received_on"]),
                _date(r["due_on"]),
                _date(r["reviewed_on"]),
                _date(r["redirected_on"]),
                _date(r["redirect_due_on"]),
                "" if days is None else str(days),
                *([_date(r["court_satisfied_on"])] if code == "appeal_court_overturned" else []),
                r["disciplinary"] or "",
                f"{r['_file_path']}:{r['_row_number']}",
            ]
        )
    if rows:
        lines.append(
            _table(
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

    The overtime engine (kzeval.overtime_run) reads turnstile events and overtime orders through a
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
                from kzeval.explain_people import overtime_day_records

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
                    *[_date(r[c]) if isinstance(r[c], dt.date) else r[c] for c in columns],
                    f"{r['_file_path']}:{r['_row_number']}",
                ]
                for r in shown.iter_rows(named=True)
            ]
            lines.append(_table([*columns, "файл:строка"], [[("" if v is None else v) for v in r] for r in rows]))
            if frame.height > RECORDS_LIMIT:
                lines.append(f"  … и еще {frame.height - RECORDS_LIMIT}")
        parts.append("\n".join(lines))
    return "\n\n".join(parts) if parts else "Записи: нет записей уровня строк для этого показателя."


# ---------------------------------------------------------------------------------------
# Direction, block and overview
# ---------------------------------------------------------------------------------------


def explain_direction(con: duckdb.DuckDBPyConnection, year: int, body: Mapping[str, Any], direction: str) -> str:
    scores = _rows(
        con,
        "SELECT * FROM core.direction_scores WHERE year = ? AND agency_id = ? AND direction = ?",
        [year, body["agency_id"], direction],
    )
    if not scores:
        raise ExplainError(f"Направление {direction} за {year} год для {body['agency_id']} не рассчитано.")
    score = scores[0]
    indicators = _rows(
        con,
        "SELECT indicator, role, value, max_points FROM core.indicator_scores WHERE year = ? AND agency_id = ? "
        "AND direction = ?",
        [year, body["agency_id"], direction],
    )
    indicators = _in_methodology_order(indicators)
    definitions = _indicator_defs()
    corrections = applied_corrections(con, year, body["agency_id"], direction_source_tables(direction))
    rows = [
        [
            definitions[r["indicator"]].legal_symbol if r["indicator"] in definitions else "",
            r["indicator"],
            r["role"],
            format_number(r["value"]),
            format_number(r["max_points"]),
        ]
        for r in indicators
    ]
    head = [
        _field("Направление", f"«{DIRECTION_LABELS.get(direction, direction)}» ({direction})"),
        _field("Орган", _body_title(body)),
        _field("Год", str(year)),
        _field(
            "Итог",
            f"{format_number(score['raw_score'])} (сумма критериев) − {format_number(score['reporting_penalty'])} "
            f"(штрафы за отчетность) = {format_number(score['score'])}; округлено {score['score_rounded']:.2f}",
        ),
    ]
    return "\n\n".join(
        [
            "\n".join(head),
            "Показатели\n" + _table(["символ", "код", "роль", "значение", "максимум"], rows),
            _penalty_section(con, year, body["agency_id"], direction, corrections),
            _corrections_section(corrections),
            f"Подробно: kzeval explain --year {year} --agency {body['agency_id']} --indicator <код>",
        ]
    )


def _block_rules(con: duckdb.DuckDBPyConnection, year: int, block: str) -> Any:
    """The scoring rules (weights, penalty points) the year's figures were computed with."""
    from kzeval.indicators.scoring import block_scoring_rules
    from kzeval.methodology import active_readings, all_readings

    stored = _rows(con, "SELECT readings FROM core.run_readings WHERE year = ? AND block = ?", [year, block])
    overrides = json.loads(stored[0]["readings"]) if stored else {}
    known = all_readings()
    overrides = {k: v for k, v in overrides.items() if k in known and v in known[k].options}
    return block_scoring_rules(block, active_readings(overrides))


def _block_weights(con: duckdb.DuckDBPyConnection, year: int, block: str, body_type: str) -> Mapping[str, float]:
    weights: Mapping[str, float] = _block_rules(con, year, block).weights.get(body_type, {})
    return weights


def explain_block(con: duckdb.DuckDBPyConnection, year: int, body: Mapping[str, Any], block: str) -> str:
    found = _rows(
        con,
        "SELECT * FROM core.block_scores WHERE year = ? AND agency_id = ? AND block = ?",
        [year, body["agency_id"], block],
    )
    if not found:
        raise ExplainError(f"Блок {block} за {year} год для {body['agency_id']} не рассчитан.")
    score = found[0]
    directions = {
        r["direction"]: r
        for r in _rows(
            con,
            "SELECT * FROM core.direction_scores WHERE year = ? AND agency_id = ? AND block = ?",
            [year, body["agency_id"], block],
        )
    }
    weights = _block_weights(con, year, block, body["body_type"])
    template = " + ".join(f"{format_number(w)} × {d}" for d, w in weights.items())
    filled = " + ".join(
        f"{format_number(w)} × {format_number(directions[d]['score']) if d in directions else 'нет'}"
        for d, w in weights.items()
    )
    rows = [
        [d, DIRECTION_LABELS.get(d, d), format_number(r["score"]), f"{r['score_rounded']:.2f}"]
        for d, r in directions.items()
    ]
    head = [
        _field("Блок", f"«{BLOCK_LABELS.get(block, block)}» ({block})"),
        _field("Орган", _body_title(body)),
        _field("Год", str(year)),
        _field("Формула", template or "—"),
        _field("Расчет", f"{filled} = {format_number(score['score'])}" if filled else "—"),
        _field(
            "Итог",
            f"{score['score_rounded']:.2f}; степень эффективности: {score['tier_label_ru']}; "
            f"место среди {BODY_TYPE_LABELS.get(body['body_type'], body['body_type'])}: {score['rank_in_body_type']}",
        ),
    ]
    return "\n\n".join(["\n".join(head), "Направления\n" + _table(["код", "направление", "балл", "округлено"], rows)])


def explain_overview(con: duckdb.DuckDBPyConnection, year: int, body: Mapping[str, Any]) -> str:
    blocks = _rows(
        con,
        "SELECT * FROM core.block_scores WHERE year = ? AND agency_id = ? ORDER BY block",
        [year, body["agency_id"]],
    )
    directions = _rows(
        con,
        "SELECT * FROM core.direction_scores WHERE year = ? AND agency_id = ? ORDER BY block, direction",
        [year, body["agency_id"]],
    )
    if not blocks and not directions:
        raise ExplainError(f"За {year} год для {body['agency_id']} нет рассчитанных оценок.")
    indicators = _rows(
        con,
        "SELECT direction, indicator, role, value, max_points FROM core.indicator_scores WHERE year = ? "
        "AND agency_id = ?",
        [year, body["agency_id"]],
    )
    indicators = _in_methodology_order(indicators)
    definitions = _indicator_defs()
    sections = [
        "\n".join([_field("Орган", _body_title(body)), _field("Год", str(year))]),
        "Блоки\n"
        + _table(
            ["блок", "балл", "округлено", "степень эффективности", "место"],
            [
                [
                    BLOCK_LABELS.get(b["block"], b["block"]),
                    format_number(b["score"]),
                    f"{b['score_rounded']:.2f}",
                    b["tier_label_ru"] or "",
                    b["rank_in_body_type"],
                ]
                for b in blocks
            ],
        ),
        "Направления\n"
        + _table(
            ["направление", "сумма", "штраф", "балл", "округлено"],
            [
                [
                    DIRECTION_LABELS.get(d["direction"], d["direction"]),
                    format_number(d["raw_score"]),
                    format_number(d["reporting_penalty"]),
                    format_number(d["score"]),
                    f"{d['score_rounded']:.2f}",
                ]
                for d in directions
            ],
        ),
        "Показатели\n"
        + _table(
            ["направление", "символ", "код", "роль", "значение", "максимум"],
            [
                [
                    r["direction"],
                    definitions[r["indicator"]].legal_symbol if r["indicator"] in definitions else "",
                    r["indicator"],
                    r["role"],
                    format_number(r["value"]),
                    format_number(r["max_points"]),
                ]
                for r in indicators
            ],
        ),
        _corrections_section(applied_corrections(con, year, body["agency_id"])),
        _robustness_section(con, year, body["agency_id"]),
        f"Подробно: kzeval explain --year {year} --agency {body['agency_id']} --indicator <код | направление | блок>",
    ]
    return "\n\n".join(sections)


def _robustness_section(con: duckdb.DuckDBPyConnection, year: int, agency: str) -> str:
    """Whether the body's tier holds under every reading (`kzeval sensitivity`), and which readings move it."""
    from kzeval.sensitivity import body_robustness_line, stored_rows

    rows, stale = stored_rows(con, year)
    lines = body_robustness_line(rows, agency, BLOCK_LABELS)
    if stale:
        return (
            f"Устойчивость к чтениям: анализ устарел, оценки пересчитаны после него (kzeval sensitivity --year {year})."
        )
    if not lines:
        return f"Устойчивость к чтениям: не анализировалась (kzeval sensitivity --year {year})."
    return "Устойчивость к чтениям (kzeval sensitivity)\n" + "\n".join(f"  {line}" for line in lines)


def explain(
    con: duckdb.DuckDBPyConnection,
    year: int,
    agency: str,
    indicator: str | None = None,
    records: bool = False,
    employee: str | None = None,
) -> str:
    """The explanation text of an indicator, direction, block, or (no code) the body's overview.

    ``employee`` (a pseudonym): that employee's corps «Б» grade; ``indicator`` ``corps_b``: the
    body's corps «Б» distribution (kzeval.explain_people).
    """
    from kzeval import explain_people

    body = resolve_body(con, agency)
    if employee is not None:
        return explain_people.explain_employee(con, year, body, employee)
    if indicator in explain_people.CORPS_B_CODES:
        return explain_people.explain_corps_b_distribution(con, year, body)
    if indicator is None:
        return explain_overview(con, year, body)
    if indicator in BLOCK_LABELS:
        return explain_block(con, year, body, indicator)
    if indicator in DIRECTION_LABELS:
        return explain_direction(con, year, body, indicator)
    return explain_indicator(con, year, body, indicator, records)


def cmd_explain(args: argparse.Namespace) -> int:
    from kzeval.warehouse import connect_readonly

    try:
        with connect_readonly(args.warehouse) as con:
            text = explain(
                con,
                args.year,
                args.agency,
                args.indicator,
                bool(getattr(args, "records", False)),
                getattr(args, "employee", None),
            )
    except (ExplainError, FileNotFoundError) as problem:
        print(str(problem), file=sys.stderr)
        return 1
    print(text)
    return 0
