"""`kzeval explain` of a direction, a block, or (no code) the body's overview with its robustness to readings."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import duckdb

from kzeval.explain.indicator import corrections_section, penalty_section
from kzeval.explain.labels import BLOCK_LABELS, BODY_TYPE_LABELS, DIRECTION_LABELS
from kzeval.explain.lookups import (
    ExplainError,
    applied_corrections,
    block_weights,
    body_score,
    body_scores,
    in_methodology_order,
    indicator_defs,
)
from kzeval.explain.render import body_title, field_line, format_number, text_table
from kzeval.lineage import direction_source_tables
from kzeval.sensitivity import body_robustness_line, stored_rows


def explain_direction(con: duckdb.DuckDBPyConnection, year: int, body: Mapping[str, Any], direction: str) -> str:
    agency = body["agency_id"]
    missing = f"Направление {direction} за {year} год для {agency} не рассчитано."
    score = body_score(con, "direction_scores", year, agency, missing, direction=direction)
    indicators = body_scores(
        con, "indicator_scores", year, agency, "indicator, role, value, max_points", direction=direction
    )
    indicators = in_methodology_order(indicators)
    definitions = indicator_defs()
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
        field_line("Направление", f"«{DIRECTION_LABELS.get(direction, direction)}» ({direction})"),
        field_line("Орган", body_title(body)),
        field_line("Год", str(year)),
        field_line(
            "Итог",
            f"{format_number(score['raw_score'])} (сумма критериев) − {format_number(score['reporting_penalty'])} "
            f"(штрафы за отчетность) = {format_number(score['score'])}; округлено {score['score_rounded']:.2f}",
        ),
    ]
    return "\n\n".join(
        [
            "\n".join(head),
            "Показатели\n" + text_table(["символ", "код", "роль", "значение", "максимум"], rows),
            penalty_section(con, year, body["agency_id"], direction, corrections),
            corrections_section(corrections),
            f"Подробно: kzeval explain --year {year} --agency {body['agency_id']} --indicator <код>",
        ]
    )


def explain_block(con: duckdb.DuckDBPyConnection, year: int, body: Mapping[str, Any], block: str) -> str:
    agency = body["agency_id"]
    score = body_score(
        con, "block_scores", year, agency, f"Блок {block} за {year} год для {agency} не рассчитан.", block=block
    )
    directions = {r["direction"]: r for r in body_scores(con, "direction_scores", year, agency, block=block)}
    weights = block_weights(con, year, block, body["body_type"])
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
        field_line("Блок", f"«{BLOCK_LABELS.get(block, block)}» ({block})"),
        field_line("Орган", body_title(body)),
        field_line("Год", str(year)),
        field_line("Формула", template or "—"),
        field_line("Расчет", f"{filled} = {format_number(score['score'])}" if filled else "—"),
        field_line(
            "Итог",
            f"{score['score_rounded']:.2f}; степень эффективности: {score['tier_label_ru']}; "
            f"место среди {BODY_TYPE_LABELS.get(body['body_type'], body['body_type'])}: {score['rank_in_body_type']}",
        ),
    ]
    return "\n\n".join(
        ["\n".join(head), "Направления\n" + text_table(["код", "направление", "балл", "округлено"], rows)]
    )


def explain_overview(con: duckdb.DuckDBPyConnection, year: int, body: Mapping[str, Any]) -> str:
    agency = body["agency_id"]
    blocks = body_scores(con, "block_scores", year, agency, order_by="block")
    directions = body_scores(con, "direction_scores", year, agency, order_by="block, direction")
    if not blocks and not directions:
        raise ExplainError(f"За {year} год для {agency} нет рассчитанных оценок.")
    indicators = body_scores(con, "indicator_scores", year, agency, "direction, indicator, role, value, max_points")
    indicators = in_methodology_order(indicators)
    definitions = indicator_defs()
    sections = [
        "\n".join([field_line("Орган", body_title(body)), field_line("Год", str(year))]),
        "Блоки\n"
        + text_table(
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
        + text_table(
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
        + text_table(
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
        corrections_section(applied_corrections(con, year, body["agency_id"])),
        _robustness_section(con, year, body["agency_id"]),
        f"Подробно: kzeval explain --year {year} --agency {body['agency_id']} --indicator <код | направление | блок>",
    ]
    return "\n\n".join(sections)


def _robustness_section(con: duckdb.DuckDBPyConnection, year: int, agency: str) -> str:
    """Whether the body's tier holds under every reading (`kzeval sensitivity`), and which readings move it."""

    rows, stale = stored_rows(con, year)
    lines = body_robustness_line(rows, agency, BLOCK_LABELS)
    if stale:
        return (
            f"Устойчивость к чтениям: анализ устарел, оценки пересчитаны после него (kzeval sensitivity --year {year})."
        )
    if not lines:
        return f"Устойчивость к чтениям: не анализировалась (kzeval sensitivity --year {year})."
    return "Устойчивость к чтениям (kzeval sensitivity)\n" + "\n".join(f"  {line}" for line in lines)
