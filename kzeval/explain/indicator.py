"""`kzeval explain --indicator CODE`: one indicator's value, formula with its numbers, inputs, files and corrections."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import duckdb
import polars as pl

from kzeval.contracts import CONTRACTS
from kzeval.explain.labels import (
    AVERAGED_RULE_LABELS,
    BLOCK_LABELS,
    DIRECTION_BLOCK,
    DIRECTION_LABELS,
    INPUT_LABELS,
    OPENNESS_INPUT_LABELS,
    PENALTY_KIND_LABELS,
    SOURCE_LABELS,
)
from kzeval.explain.lookups import (
    ExplainError,
    applied_corrections,
    block_rules,
    body_rows,
    body_score,
    body_scores,
    indicator_defs,
    query_rows,
    symbols_of_codes,
)
from kzeval.explain.people import WORKING_TIME_CODES, working_time_legend
from kzeval.explain.records import records_section
from kzeval.explain.render import (
    body_title,
    date_text,
    field_line,
    format_number,
    formula_lines,
    paragraph_ref,
    reading_text,
)
from kzeval.lineage import UNTRACKED_TABLES, indicator_source_tables
from kzeval.methodology.interaction_2023 import OPEN_NOT_ASSESSED_LABELS_RU
from kzeval.warehouse import table_exists


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


def _averaged_section(inputs: Mapping[str, Any]) -> str | None:
    """Items the body is not assessed on: the average given and the bodies it came from."""

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
        lineage = query_rows(
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
            loaded = f", загружен {date_text(r['loaded_at'])}" if r.get("loaded_at") else ""
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


def corrections_section(corrections: Sequence[Mapping[str, Any]]) -> str:
    lines = ["Корректировки (решения специальной комиссии, гл. 7 методики)"]
    if not corrections:
        lines.append("  не применялись")
    for c in corrections:
        lines.append(
            f"  {c['correction_id']}: решение {c['decision_ref']} от {date_text(c['decided_on'])} — "
            f"{c['table_name']} {c['row_key']}: {c['column_name']} {c['old_value'] or '∅'} → {c['new_value'] or '∅'}"
        )
        lines.append(
            f"    применено {date_text(c['applied_at'])} ({c['applied_by']}); файл {c['source_file']}, "
            f"строка {c['source_row']}" + (f"; {c['note']}" if c.get("note") else "")
        )
    return "\n".join(lines)


def penalty_section(
    con: duckdb.DuckDBPyConnection, year: int, body: str, direction: str, corrections: Sequence[Mapping[str, Any]]
) -> str:
    lines = ["Штрафы за отчетность (снимаются с итога направления)"]
    score = body_scores(con, "direction_scores", year, body, "reporting_penalty", direction=direction)
    penalty = score[0]["reporting_penalty"] if score else None
    acts = body_rows(con, "reporting_penalties", body, year, corrections)
    if acts.height:
        acts = acts.filter(pl.col("direction") == direction)
    if not penalty and acts.height == 0:
        lines.append(f"  направление «{DIRECTION_LABELS.get(direction, direction)}»: нет")
        return "\n".join(lines)
    rules = block_rules(con, year, DIRECTION_BLOCK.get(direction, "interaction"))
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


def explain_indicator(
    con: duckdb.DuckDBPyConnection, year: int, body: Mapping[str, Any], code: str, records: bool = False
) -> str:
    definitions = indicator_defs()
    if code not in definitions:
        known = ", ".join(sorted(definitions))
        raise ExplainError(f"Неизвестный код показателя {code!r}. Коды (методика §10): {known}")
    definition = definitions[code]
    row = body_score(
        con,
        "indicator_scores",
        year,
        body["agency_id"],
        f"Показатель {code} за {year} год для {body['agency_id']} не рассчитан "
        "(нет исходных данных или показатель не применяется к этому типу органа).",
        indicator=code,
    )
    inputs = json.loads(row["inputs"] or "{}")
    tables = indicator_source_tables().get(code, ())
    corrections = applied_corrections(con, year, body["agency_id"], tables)
    template, filled = formula_lines(definition.formula, inputs, row["value"], row["reading"], symbols_of_codes())
    confidence = (
        "в тексте методики" if definition.confidence == "IN_SEED" else f"реконструкция, {definition.confidence}"
    )
    maximum = "—" if row["max_points"] is None else format_number(row["max_points"])
    head = [
        field_line("Показатель", f"{definition.legal_symbol} «{definition.name_ru}» ({code})"),
        field_line("Орган", body_title(body)),
        field_line("Год", str(year)),
        field_line("Блок", BLOCK_LABELS.get(row["block"], row["block"])),
        field_line("Направление", DIRECTION_LABELS.get(row["direction"], row["direction"])),
        field_line("Значение, баллов", f"{format_number(row['value'])} (максимум {maximum})"),
        field_line("Основание", f"{paragraph_ref(definition.paragraph)}; формула: {confidence}"),
        field_line("Формула", template),
        field_line("Расчет", filled),
        field_line("Прочтение методики", reading_text(row["reading"])),
    ]
    if row["is_provisional"]:
        head.append(field_line("Предварительно", "да: зависит от реконструкции низкой уверенности (LOW)"))
    averaged = _averaged_section(inputs)
    sections = [
        "\n".join(head),
        _inputs_section(code, inputs),
        *([averaged] if averaged else []),
        _source_section(con, year, body["agency_id"], code, tables),
        penalty_section(con, year, body["agency_id"], row["direction"], corrections),
        corrections_section(corrections),
    ]

    if code in WORKING_TIME_CODES:  # what N1, N2, W, a, b, s, m, p mean
        sections.insert(1, working_time_legend())
    if records:
        sections.append(records_section(con, year, body, code, inputs, tables, corrections, row["reading"]))
    else:
        sections.append(
            f"Записи: kzeval explain --year {year} --agency {body['agency_id']} --indicator {code} --records"
        )
    return "\n\n".join(sections)
