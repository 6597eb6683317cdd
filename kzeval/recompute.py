"""`kzeval recompute`: apply a special commission's decisions and show the «Таблица разногласий».

Seed 004, chapter 7: a body's objections are decided by a special commission (paras.
113–115); accepted objections become corrected conclusions. Here a decision arrives as rows
of the ``corrections`` landing table, and recompute

0. takes the warehouse's writer lock (the one every run takes) for all that follows;
1. reads the published figures of the year (before);
2. reruns the year on a private copy of the warehouse, loading *only* the drop's
   ``corrections`` folder, with the new corrections of the requested body alone
   (the run context's corrections scope; corrections applied earlier stay applied, other bodies'
   new ones wait for their own recompute);
3. checks that no other body's indicator, direction or block figure moved (ranks may, and so
   may exactly the figures holding a cross-body mean the body is part of — openness items of
   para. 67 and IT criteria under ``it.nothing_to_count=type_mean`` — which are listed), and
   refuses to publish otherwise;
4. stores before/after per indicator, direction and block (``core.dispute_results`` →
   ``marts.fct_dispute_results``), then publishes the copy atomically with the pipeline's
   ``warehouse.publish`` (checkpoint, WAL check, fsync; refused if another writer published
   since the copy was taken): the national rollups are refreshed by the same run;
5. prints the table in the form of Appendix 14 with the «Общий балл с учетом итогов обжалования».
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import sys
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from kzeval import warehouse
from kzeval.corrections import (
    CORRECTIONS_TABLE,
    DECISION_REJECTED,
    REASON_PREFIX,
    ensure_dispute_tables,
)
from kzeval.explain import (
    BLOCK_LABELS,
    BODY_TYPE_LABELS,
    DIRECTION_BLOCK,
    DIRECTION_LABELS,
    direction_source_tables,
    format_number,
    indicator_source_tables,
)
from kzeval.settings import DEFAULT_LANDING, Settings
from kzeval.steps.dbt import build_models

CHANGE_TOLERANCE = 1e-9  # float noise below this is not a change

DISPUTE_SCHEMA: dict[str, Any] = {
    "recompute_id": pl.Utf8,
    "year": pl.Int64,
    "agency_id": pl.Utf8,
    "level": pl.Utf8,
    "block": pl.Utf8,
    "direction": pl.Utf8,
    "item": pl.Utf8,
    "item_label_ru": pl.Utf8,
    "value_before": pl.Float64,
    "value_after": pl.Float64,
    "value_change": pl.Float64,
    "rounded_before": pl.Float64,
    "rounded_after": pl.Float64,
    "tier_before": pl.Utf8,
    "tier_after": pl.Utf8,
    "tier_label_before": pl.Utf8,
    "tier_label_after": pl.Utf8,
    "rank_before": pl.Int64,
    "rank_after": pl.Int64,
    "is_changed": pl.Boolean,
    "correction_ids": pl.Utf8,
    "decision_refs": pl.Utf8,
    "recomputed_at": pl.Datetime("us"),
    "recomputed_by": pl.Utf8,
}


class RecomputeError(Exception):
    """Recompute stopped; nothing was published. The message says why and what to do."""


@dataclass
class Figures:
    """The published figures of one year (all bodies) and the audit of corrections."""

    indicators: pl.DataFrame
    directions: pl.DataFrame
    blocks: pl.DataFrame
    rollup: pl.DataFrame
    corrections: pl.DataFrame


@dataclass
class RecomputeResult:
    recompute_id: str
    agency_id: str
    year: int
    rows: pl.DataFrame
    new_corrections: list[dict[str, Any]] = field(default_factory=list)
    rejected: list[dict[str, Any]] = field(default_factory=list)
    deferred: list[dict[str, Any]] = field(default_factory=list)
    declined: list[dict[str, Any]] = field(default_factory=list)  # objections the commission rejected
    rollup_before: pl.DataFrame = field(default_factory=pl.DataFrame)
    rollup_after: pl.DataFrame = field(default_factory=pl.DataFrame)
    text: str = ""


# ---------------------------------------------------------------------------------------
# Reading figures
# ---------------------------------------------------------------------------------------


def _frame(con: duckdb.DuckDBPyConnection, schema: str, table: str, sql: str, params: Sequence[Any]) -> pl.DataFrame:
    if not warehouse.table_exists(con, schema, table):
        return pl.DataFrame()
    return con.execute(sql, list(params)).pl()


def read_figures(con: duckdb.DuckDBPyConnection, year: int) -> Figures:
    return Figures(
        indicators=_frame(
            con,
            "core",
            "indicator_scores",
            "SELECT agency_id, block, direction, indicator, role, value, inputs FROM core.indicator_scores "
            "WHERE year = ? ORDER BY ALL",
            [year],
        ),
        directions=_frame(
            con,
            "core",
            "direction_scores",
            "SELECT agency_id, block, direction, raw_score, reporting_penalty, score, score_rounded "
            "FROM core.direction_scores WHERE year = ? ORDER BY ALL",
            [year],
        ),
        blocks=_frame(
            con,
            "core",
            "block_scores",
            "SELECT agency_id, block, body_type, score, score_rounded, efficiency_tier, tier_label_ru, "
            "rank_in_body_type FROM core.block_scores WHERE year = ? ORDER BY ALL",
            [year],
        ),
        rollup=_frame(
            con,
            "marts",
            "fct_national_rollup",
            "SELECT block, body_type, agencies, CAST(mean_score AS DOUBLE) AS mean_score, "
            "CAST(median_score AS DOUBLE) AS median_score, tier_high, tier_medium, tier_low, "
            "tier_ineffective FROM marts.fct_national_rollup WHERE year = ? AND region_code = 'KZ' ORDER BY ALL",
            [year],
        ),
        corrections=_frame(con, "audit", "corrections_applied", "SELECT * FROM audit.corrections_applied", []),
    )


# ---------------------------------------------------------------------------------------
# Before/after (pure)
# ---------------------------------------------------------------------------------------


def _changed(before: float | None, after: float | None) -> bool:
    if before is None or after is None:
        return (before is None) != (after is None)
    return abs(after - before) > CHANGE_TOLERANCE


def _json(text: Any) -> dict[str, Any]:
    import json

    try:
        value = json.loads(text or "{}")
    except (TypeError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


def moved_by_cross_body_mean(direction: str, before: Mapping[str, Any], after: Mapping[str, Any], agency: str) -> bool:
    """Does an indicator of another body move only through a cross-body mean that ``agency`` is part of?

    Openness (seed 004 para. 67, Table 6 note **): items not assessed hold the mean of the peers'
    points (``kzeval.indicators.openness.moved_by_averages_only``). IT (seed 001 para. 57, reading
    ``it.nothing_to_count=type_mean``): A, C, E with nothing to count hold the mean of the bodies
    of the same type, ``agency`` among them (``kzeval.indicators.it.moved_by_type_mean_only``).
    """
    if direction == "openness":
        from kzeval.indicators.openness import moved_by_averages_only

        return moved_by_averages_only(before, after)
    if direction == "it":
        from kzeval.indicators.it import moved_by_type_mean_only

        return moved_by_type_mean_only(before, after, agency)
    return False


def _direction_explained(
    direction: str, change: float, delta: float, raw: tuple[float, float], values: tuple[list[float], list[float]]
) -> bool:
    """A direction's raw-score change explained by its indicators' mean-driven changes ``delta``.

    Exactly the sum; for IT also when the 100 cap or the 0 floor of para. 81 absorbs part of it:
    the direction's criteria before, and before with only the mean-driven ones moved
    (``values``), give both raw totals under one of the cap readings
    (:func:`kzeval.indicators.it.total_explained`).
    """
    if abs(change - delta) <= 1e-6:
        return True
    if direction != "it":
        return False
    from kzeval.indicators.it import total_explained

    return total_explained(values[0], values[1], raw[0], raw[1])


def cross_body_average_moves(before: Figures, after: Figures, agency: str) -> tuple[set[tuple[str, ...]], list[str]]:
    """Figures of other bodies that legitimately move with ``agency``'s corrections, and a line for each.

    Seed 004 para. 67 and Table 6 note **: an openness item a body is not assessed on receives
    the mean of its peers' points, so correcting one body's points moves the averaged bodies'
    figure; likewise an IT criterion with nothing to count under ``it.nothing_to_count=type_mean``
    holds the mean of its type (:func:`moved_by_cross_body_mean`). Allowed exactly: an indicator
    whose own inputs are unchanged and only its mean moved; its direction when the raw score
    moved by the sum of those indicators' changes (:func:`_direction_explained`) and the reporting
    penalty did not; and its block. Keys are ``(level, agency_id, code)``.
    """
    allowed: set[tuple[str, ...]] = set()
    lines: list[str] = []
    if before.indicators.is_empty() or after.indicators.is_empty():
        return allowed, lines
    old = {(r["agency_id"], r["indicator"]): r for r in before.indicators.iter_rows(named=True)}
    deltas: dict[tuple[str, str], float] = {}
    for r in after.indicators.iter_rows(named=True):
        key = (r["agency_id"], r["indicator"])
        a = old.get(key)
        if r["agency_id"] == agency or a is None:
            continue
        if not _changed(a["value"], r["value"]) and a["inputs"] == r["inputs"]:
            continue
        if moved_by_cross_body_mean(r["direction"], _json(a["inputs"]), _json(r["inputs"]), agency):
            allowed.add(("indicators", *key))
            deltas[(r["agency_id"], r["direction"])] = deltas.get((r["agency_id"], r["direction"]), 0.0) + (
                (r["value"] or 0.0) - (a["value"] or 0.0)
            )
            lines.append(
                f"{r['agency_id']} {r['indicator']}: {format_number(a['value'])} → {format_number(r['value'])}"
            )

    moved_to = {
        (r["agency_id"], r["indicator"]): float(r["value"] or 0.0)
        for r in after.indicators.iter_rows(named=True)
        if ("indicators", r["agency_id"], r["indicator"]) in allowed
    }

    def criteria(key: tuple[str, str], moved: bool) -> list[float]:
        """The direction's criteria before; with ``moved``, only the mean-driven ones take their new value."""
        return [
            moved_to.get((r["agency_id"], r["indicator"]), float(r["value"] or 0.0))
            if moved
            else float(r["value"] or 0.0)
            for r in before.indicators.iter_rows(named=True)
            if (r["agency_id"], r["direction"]) == key
        ]

    old_dir = {(r["agency_id"], r["direction"]): r for r in before.directions.iter_rows(named=True)}
    for r in after.directions.iter_rows(named=True):
        key = (r["agency_id"], r["direction"])
        a = old_dir.get(key)
        if a is None or key not in deltas or _changed(a["reporting_penalty"], r["reporting_penalty"]):
            continue
        if _direction_explained(
            r["direction"],
            r["raw_score"] - a["raw_score"],
            deltas[key],
            (a["raw_score"], r["raw_score"]),
            (criteria(key, False), criteria(key, True)),
        ):
            allowed.add(("directions", *key))
            allowed.update(("blocks", r["agency_id"], block) for d, block in DIRECTION_BLOCK.items() if d == key[1])
            lines.append(
                f"{r['agency_id']} направление {r['direction']}: {format_number(a['score'])} → "
                f"{format_number(r['score'])}"
            )
    return allowed, lines


def other_bodies_changes(before: Figures, after: Figures, agency: str) -> list[str]:
    """Every figure of a body other than ``agency`` that differs between the two states (ranks excepted),
    except those that move through the cross-body means (:func:`cross_body_average_moves`)."""
    problems: list[str] = []
    averaged, _ = cross_body_average_moves(before, after, agency)
    checks = (
        ("indicators", ["agency_id", "indicator"], ["value", "inputs"]),
        ("directions", ["agency_id", "direction"], ["raw_score", "reporting_penalty", "score", "score_rounded"]),
        ("blocks", ["agency_id", "block"], ["score", "score_rounded", "efficiency_tier"]),
    )
    for name, keys, values in checks:
        old: pl.DataFrame = getattr(before, name)
        new: pl.DataFrame = getattr(after, name)
        if old.is_empty() and new.is_empty():
            continue
        old_rows = {tuple(r[k] for k in keys): r for r in old.iter_rows(named=True) if r["agency_id"] != agency}
        new_rows = {tuple(r[k] for k in keys): r for r in new.iter_rows(named=True) if r["agency_id"] != agency}
        for key in sorted(set(old_rows) | set(new_rows), key=str):
            if (name, *key) in averaged:
                continue
            a, b = old_rows.get(key), new_rows.get(key)
            if a is None or b is None:
                problems.append(f"{'/'.join(map(str, key))}: {'появился' if a is None else 'исчез'}")
                continue
            for column in values:
                x, y = a[column], b[column]
                moved = _changed(x, y) if isinstance(x, float) or isinstance(y, float) else x != y
                if moved:
                    problems.append(f"{'/'.join(map(str, key))}: {column} {x} → {y}")
    return problems


def _related(corrections: Sequence[Mapping[str, Any]], tables: Sequence[str]) -> list[Mapping[str, Any]]:
    return [c for c in corrections if c["table_name"] in tables]


def dispute_rows(
    before: Figures,
    after: Figures,
    agency: str,
    year: int,
    new_corrections: Sequence[Mapping[str, Any]],
    recompute_id: str,
    recomputed_at: dt.datetime,
    recomputed_by: str,
) -> pl.DataFrame:
    """Before/after of every indicator, direction and block of ``agency`` (DISPUTE_SCHEMA rows)."""
    from kzeval.methodology import all_indicators

    definitions = all_indicators()
    sources = indicator_source_tables()
    rows: list[dict[str, Any]] = []

    def base(level: str, block: str, direction: str | None, item: str, label: str) -> dict[str, Any]:
        return {
            "recompute_id": recompute_id,
            "year": year,
            "agency_id": agency,
            "level": level,
            "block": block,
            "direction": direction,
            "item": item,
            "item_label_ru": label,
            "recomputed_at": recomputed_at,
            "recomputed_by": recomputed_by,
        }

    def with_corrections(row: dict[str, Any], tables: Sequence[str]) -> dict[str, Any]:
        related = _related(new_corrections, tables)
        row["correction_ids"] = ", ".join(str(c["correction_id"]) for c in related) or None
        row["decision_refs"] = ", ".join(dict.fromkeys(str(c["decision_ref"]) for c in related)) or None
        return row

    def by(frame: pl.DataFrame, keys: Sequence[str]) -> dict[tuple[Any, ...], dict[str, Any]]:
        if frame.is_empty():
            return {}
        return {tuple(r[k] for k in keys): r for r in frame.iter_rows(named=True) if r["agency_id"] == agency}

    old_ind, new_ind = by(before.indicators, ["indicator"]), by(after.indicators, ["indicator"])
    for (code,) in sorted(set(old_ind) | set(new_ind)):
        a, b = old_ind.get((code,)), new_ind.get((code,))
        ref = a or b or {}
        definition = definitions.get(code)
        label = f"{definition.legal_symbol} {definition.name_ru}" if definition else code
        row = base("indicator", ref["block"], ref["direction"], code, label)
        va, vb = (a or {}).get("value"), (b or {}).get("value")
        row.update(
            value_before=va,
            value_after=vb,
            value_change=None if va is None or vb is None else vb - va,
            is_changed=_changed(va, vb),
        )
        rows.append(with_corrections(row, sources.get(code, ())))

    old_dir, new_dir = by(before.directions, ["direction"]), by(after.directions, ["direction"])
    for (direction,) in sorted(set(old_dir) | set(new_dir)):
        a, b = old_dir.get((direction,)), new_dir.get((direction,))
        ref = a or b or {}
        row = base("direction", ref["block"], direction, direction, DIRECTION_LABELS.get(direction, direction))
        va, vb = (a or {}).get("score"), (b or {}).get("score")
        row.update(
            value_before=va,
            value_after=vb,
            value_change=None if va is None or vb is None else vb - va,
            rounded_before=(a or {}).get("score_rounded"),
            rounded_after=(b or {}).get("score_rounded"),
            is_changed=_changed(va, vb),
        )
        rows.append(with_corrections(row, direction_source_tables(direction)))

    old_blk, new_blk = by(before.blocks, ["block"]), by(after.blocks, ["block"])
    for (block,) in sorted(set(old_blk) | set(new_blk)):
        a, b = old_blk.get((block,)) or {}, new_blk.get((block,)) or {}
        row = base("block", block, None, block, BLOCK_LABELS.get(block, block))
        va, vb = a.get("score"), b.get("score")
        row.update(
            value_before=va,
            value_after=vb,
            value_change=None if va is None or vb is None else vb - va,
            rounded_before=a.get("score_rounded"),
            rounded_after=b.get("score_rounded"),
            tier_before=a.get("efficiency_tier"),
            tier_after=b.get("efficiency_tier"),
            tier_label_before=a.get("tier_label_ru"),
            tier_label_after=b.get("tier_label_ru"),
            rank_before=a.get("rank_in_body_type"),
            rank_after=b.get("rank_in_body_type"),
            is_changed=_changed(va, vb) or a.get("efficiency_tier") != b.get("efficiency_tier"),
        )
        tables = sorted({t for d, blk in DIRECTION_BLOCK.items() if blk == block for t in direction_source_tables(d)})
        rows.append(with_corrections(row, tables))
    return pl.DataFrame(rows, schema=DISPUTE_SCHEMA)


# ---------------------------------------------------------------------------------------
# «Таблица разногласий» (Appendix 14 of seed 004), as terminal text
# ---------------------------------------------------------------------------------------

_COLUMNS = (("№", 3), ("Заключение уполномоченного органа (до)", 38), ("Возражение и решение комиссии", 44))
_NOTE = ("Примечание (после)", 28)


def _wrap_row(cells: Sequence[str], widths: Sequence[int]) -> list[str]:
    import textwrap

    wrapped = [textwrap.wrap(c, w) or [""] for c, w in zip(cells, widths, strict=True)]
    height = max(len(w) for w in wrapped)
    return [
        "  ".join((w[i] if i < len(w) else "").ljust(width) for w, width in zip(wrapped, widths, strict=True)).rstrip()
        for i in range(height)
    ]


def _date(value: Any) -> str:
    return value.strftime("%d.%m.%Y") if isinstance(value, dt.date) else str(value or "")


def correction_text(c: Mapping[str, Any]) -> str:
    return (
        f"{c['correction_id']}: решение {c['decision_ref']} от {_date(c['decided_on'])} — {c['table_name']} "
        f"{c['row_key']}: {c['column_name']} {c['old_value'] or '∅'} → {c['new_value'] or '∅'}"
    )


def _signed(value: float | None) -> str:
    if value is None:
        return "—"
    text = format_number(abs(value))
    return f"+{text}" if value > 0 else f"−{text}" if value < 0 else text


def _order(rows: pl.DataFrame) -> pl.DataFrame:
    """Indicators in the order of the edition modules (methodology §10), criteria after their indicators."""
    from kzeval.methodology import all_indicators

    position = {code: i for i, code in enumerate(all_indicators())}
    return rows.with_columns(
        pl.col("item").replace_strict(position, default=len(position), return_dtype=pl.Int64).alias("_order")
    ).sort("_order", "item")


def render_dispute_table(
    rows: pl.DataFrame,
    body: Mapping[str, Any],
    new_corrections: Sequence[Mapping[str, Any]],
    rejected: Sequence[Mapping[str, Any]] = (),
    deferred: Sequence[Mapping[str, Any]] = (),
    rollup_before: pl.DataFrame | None = None,
    rollup_after: pl.DataFrame | None = None,
    rank_changes: Sequence[str] = (),
    declined: Sequence[Mapping[str, Any]] = (),
) -> str:
    """One table per direction with changed figures or applied decisions, then blocks and the rollup.

    ``declined``: the objections the commission rejected (``corrections.decision = rejected``,
    para. 114): listed with «Не принято», never applied.

    Columns follow Appendix 14: the authorised body's conclusion (the figure before), the
    body's objection as decided by the commission (the corrections), and a note (the figure
    after). Each direction ends with «Общий балл с учетом итогов обжалования».
    """
    year = rows["year"][0] if rows.height else ""
    kind = BODY_TYPE_LABELS.get(body["body_type"], body["body_type"])
    out = [f"{body['name_ru']} ({body['agency_id']}), {kind} · {year} год"]
    if not new_corrections:
        out.append("Новых решений специальной комиссии для этого органа нет: оценки не изменились.")
    by_id = {str(c["correction_id"]): c for c in new_corrections}
    widths = [w for _, w in _COLUMNS] + [_NOTE[1]]
    for direction in rows.filter(pl.col("level") == "direction").iter_rows(named=True):
        code = direction["item"]
        changed = _order(
            rows.filter((pl.col("level") == "indicator") & (pl.col("direction") == code) & pl.col("is_changed"))
        )
        related = [i.strip() for i in (direction["correction_ids"] or "").split(",") if i.strip()]
        if changed.is_empty() and not related and not direction["is_changed"]:
            continue
        out += ["", "Таблица разногласий по результатам операционной оценки по направлению"]
        out.append(f"«{DIRECTION_LABELS.get(code, code)}»")
        out.extend(_wrap_row([name for name, _ in _COLUMNS] + [_NOTE[0]], widths))
        out.append("  ".join("─" * w for w in widths))
        cited: set[str] = set()
        number = 0
        for r in changed.iter_rows(named=True):
            ids = [i.strip() for i in (r["correction_ids"] or "").split(",") if i.strip() in by_id]
            cited.update(ids)
            objection = "; ".join(correction_text(by_id[i]) for i in ids) or "—"
            verdict = "принято" if ids else "изменилось вследствие других решений"
            number += 1
            cells = [
                str(number),
                f"{r['item_label_ru']} ({r['item']}): {format_number(r['value_before'])}",
                objection,
                f"{verdict}: {format_number(r['value_after'])} ({_signed(r['value_change'])})",
            ]
            out.extend(_wrap_row(cells, widths))
        for correction_id in related:
            if correction_id in cited or correction_id not in by_id:
                continue
            number += 1
            cells = [str(number), "—", correction_text(by_id[correction_id]), "принято; показатели не изменились"]
            out.extend(_wrap_row(cells, widths))
        before, after = direction["rounded_before"], direction["rounded_after"]
        out.append(
            f"Общий балл с учетом итогов обжалования составил {after:.2f} (до обжалования {before:.2f})."
            if before is not None and after is not None
            else "Общий балл с учетом итогов обжалования: направление не рассчитано."
        )
    blocks = rows.filter(pl.col("level") == "block")
    if blocks.height:
        out += ["", "Итог по блокам"]
        for b in blocks.iter_rows(named=True):
            before = "—" if b["rounded_before"] is None else f"{b['rounded_before']:.2f}"
            after = "—" if b["rounded_after"] is None else f"{b['rounded_after']:.2f}"
            out.append(f"  «{b['item_label_ru']}»")
            out.append(f"    Общий балл с учетом итогов обжалования составил {after} (до обжалования {before})")
            out.append(
                f"    Степень эффективности: {b['tier_label_before'] or '—'} → {b['tier_label_after'] or '—'}; "
                f"место среди {kind}: {b['rank_before'] or '—'} → {b['rank_after'] or '—'}"
            )
    if rank_changes:
        out += ["", "Места в рейтинге других органов (их оценки не изменились)"]
        out.extend(f"  {line}" for line in rank_changes)
    if rollup_before is not None and rollup_after is not None and rollup_after.height:
        out += ["", f"Национальные сводные показатели ({kind}) обновлены"]
        old = {(r["block"], r["body_type"]): r for r in rollup_before.iter_rows(named=True)}
        for r in rollup_after.filter(pl.col("body_type") == body["body_type"]).iter_rows(named=True):
            prev = old.get((r["block"], r["body_type"]), {})
            out.append(
                f"  {BLOCK_LABELS.get(r['block'], r['block'])}: средний балл "
                f"{format_number(prev.get('mean_score'))} → {format_number(r['mean_score'])}, медиана "
                f"{format_number(prev.get('median_score'))} → {format_number(r['median_score'])}"
            )
    if rejected:
        out += ["", "Отклоненные корректировки (quarantine.rows, table_name = 'corrections')"]
        out.extend(f"  {r['reason'].removeprefix(REASON_PREFIX)}" for r in rejected)
    if declined:
        from kzeval.reports.appendices import redact

        out += ["", "Возражения, не принятые специальной комиссией (решение «Не принято»; оценки не изменялись)"]
        out.extend(
            "  "
            + redact(
                f"{d['correction_id']}: решение {d['decision_ref']} от {_date(d['decided_on'])} — {d['table']} "
                f"{d['key']}: {d['column']} → {d['new_value'] or '∅'}: не принято"
            )
            for d in declined
        )
    if deferred:
        out += ["", "Отложены до пересчета своих органов (kzeval recompute --agency …)"]
        out.extend(f"  {d['correction_id']} ({d['agency_id']}): решение {d['decision_ref']}" for d in deferred)
    return "\n".join(out)


def rank_changes(before: Figures, after: Figures, agency: str) -> list[str]:
    """Other bodies whose rank moved (their scores did not: ranks depend on everyone's score)."""
    if before.blocks.is_empty() or after.blocks.is_empty():
        return []
    old = {(r["agency_id"], r["block"]): r["rank_in_body_type"] for r in before.blocks.iter_rows(named=True)}
    lines = []
    for r in after.blocks.iter_rows(named=True):
        previous = old.get((r["agency_id"], r["block"]))
        if r["agency_id"] != agency and previous != r["rank_in_body_type"]:
            lines.append(
                f"{r['agency_id']} ({BLOCK_LABELS.get(r['block'], r['block'])}): {previous} → {r['rank_in_body_type']}"
            )
    return lines


# ---------------------------------------------------------------------------------------
# The run
# ---------------------------------------------------------------------------------------


def trial_path(published: Path) -> Path:
    """The private copy a recompute runs on, beside the published file (same raw_files store)."""
    return published.with_name(published.stem + ".recompute" + published.suffix)


def _discard(path: Path) -> None:
    for stale in (
        path,
        path.with_name(path.name + ".wal"),
        warehouse.build_path(path),
        warehouse.build_path(path).with_name(warehouse.build_path(path).name + ".wal"),
        warehouse.marker_path(path),
        warehouse.writer_lock_path(path),
    ):
        stale.unlink(missing_ok=True)


def _build_dispute_mart(trial: Path) -> None:
    """Rebuild ``marts.fct_dispute_results`` (and its tests) in the trial copy.

    dbt runs in a subprocess, as in the pipeline: dbt-duckdb keeps its connection open for
    the life of the process, which would pin the copy after it is published.
    """
    detail = build_models(trial, ["fct_dispute_results"])
    if detail:
        raise RecomputeError("dbt build of marts.fct_dispute_results failed: " + " | ".join(detail))


def published_readings(con: duckdb.DuckDBPyConnection, year: int) -> list[str]:
    """The readings the published figures were computed with (``core.run_readings``), as NAME=VALUE.

    The rerun must use them: a default-reading rerun of a year published under another
    reading would move every body's figures.
    """
    import json

    from kzeval.methodology import all_readings

    if not warehouse.table_exists(con, "core", "run_readings"):
        return []
    known = all_readings()
    chosen: dict[str, str] = {}
    for (text,) in con.execute(
        "SELECT readings FROM core.run_readings WHERE year = ? ORDER BY block", [year]
    ).fetchall():
        for key, value in json.loads(text or "{}").items():
            if key in known and value in known[key].options and value != known[key].default:
                chosen[key] = value
    return [f"{k}={v}" for k, v in sorted(chosen.items())]


def _body(con: duckdb.DuckDBPyConnection, agency: str) -> dict[str, Any]:
    from kzeval.explain import ExplainError, resolve_body

    try:
        return resolve_body(con, agency)
    except ExplainError as problem:
        raise RecomputeError(str(problem)) from None


def _has_column(con: duckdb.DuckDBPyConnection, schema: str, table: str, column: str) -> bool:
    found = con.execute(
        "SELECT count(*) FROM information_schema.columns WHERE table_schema = ? AND table_name = ? AND column_name = ?",
        [schema, table, column],
    ).fetchone()
    return bool(found and found[0])


def _dicts(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any]) -> list[dict[str, Any]]:
    cursor = con.execute(sql, list(params))
    names = [d[0] for d in cursor.description or []]
    return [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]


def recompute(year: int, agency: str, landing: Path, published_path: Path) -> RecomputeResult:
    """Apply the drop's new corrections for ``agency``, verify, store before/after, publish."""
    published = published_path.resolve()
    if not published.exists():
        raise RecomputeError(f"Хранилище {published} не найдено: сначала выполните kzeval run --year {year}.")
    # The one writer lock of the warehouse (runs, sensor runs, the monthly reload take it too),
    # held from reading the figures before until the publication.
    with warehouse.writer_lock(published, f"kzeval recompute --year {year} --agency {agency}"):
        return _recompute_locked(year, agency, landing, published)


def _recompute_locked(year: int, agency: str, landing: Path, published: Path) -> RecomputeResult:
    from pipelines.launch import run_assessment

    with warehouse.connect_readonly(published) as con:
        body = _body(con, agency)
        before = read_figures(con, year)
        readings = published_readings(con, year)
    body_id = str(body["agency_id"])
    if before.directions.is_empty() or body_id not in set(before.directions["agency_id"].to_list()):
        raise RecomputeError(
            f"За {year} год нет опубликованных оценок органа {body_id}: сначала выполните kzeval run --year {year}."
        )
    folder = landing / CORRECTIONS_TABLE
    if not folder.is_dir() or not any(p.is_file() for p in folder.rglob("*")):
        raise RecomputeError(f"В {folder} нет файлов корректировок (решений специальной комиссии).")

    started = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    recompute_id = f"{started:%Y%m%dT%H%M%S}-{body_id}"
    trial = trial_path(published)
    _discard(trial)
    base = warehouse.published_generation(published)  # before the copy, as a run's build records it
    shutil.copyfile(published, trial)
    try:
        with tempfile.TemporaryDirectory(prefix="kzeval-recompute-") as tmp:
            shutil.copytree(folder, Path(tmp) / CORRECTIONS_TABLE)
            run = run_assessment(year, Path(tmp), trial, readings=readings, corrections_agency=body_id)
        if not run.success:
            raise RecomputeError("Пересчет не выполнен: " + "; ".join(run.failures))
        with duckdb.connect(str(trial), read_only=True) as con:
            after = read_figures(con, year)
            new = [
                r
                for r in _dicts(
                    con,
                    "SELECT * FROM audit.corrections_applied WHERE year = ? AND assessed_agency_id = ? "
                    "AND applied_at >= ? ORDER BY decided_on, correction_id",
                    [year, body_id, started],
                )
            ]
            rejected = _dicts(
                con,
                "SELECT q.* FROM quarantine.rows q JOIN raw.corrections c "
                "ON c._file_sha256 = q.file_sha256 AND c._row_number = q.row_number "
                "LEFT JOIN core.agencies a ON a.agency_id = c.agency_id "
                "WHERE q.table_name = ? AND starts_with(q.reason, ?) AND c.year = ? "
                "AND coalesce(a.assessed_agency_id, c.agency_id) = ? ORDER BY q.file_path, q.row_number",
                [CORRECTIONS_TABLE, REASON_PREFIX, year, body_id],
            )
            deferred = _dicts(
                con,
                "SELECT c.* FROM raw.corrections c LEFT JOIN core.agencies a ON a.agency_id = c.agency_id "
                "WHERE c.year = ? AND coalesce(a.assessed_agency_id, c.agency_id) <> ? "
                "AND c.correction_id NOT IN (SELECT correction_id FROM audit.corrections_applied) "
                "AND NOT EXISTS (SELECT 1 FROM quarantine.rows q WHERE q.table_name = ? "
                "AND q.file_sha256 = c._file_sha256 AND q.row_number = c._row_number) ORDER BY c.correction_id",
                [year, body_id, CORRECTIONS_TABLE],
            )
            declined = (
                _dicts(
                    con,
                    'SELECT c.correction_id, c.agency_id, c.decision_ref, c.decided_on, c."table", c."key", '
                    'c."column", c.new_value FROM raw.corrections c '
                    "LEFT JOIN core.agencies a ON a.agency_id = c.agency_id "
                    "WHERE c.year = ? AND coalesce(a.assessed_agency_id, c.agency_id) = ? AND c.decision = ? "
                    "ORDER BY c.decided_on, c.correction_id",
                    [year, body_id, DECISION_REJECTED],
                )
                if _has_column(con, "raw", "corrections", "decision")
                else []
            )
        moved = other_bodies_changes(before, after, body_id)
        if moved:
            shown = "\n  ".join(moved[:20])
            raise RecomputeError(
                "Изменились оценки других органов; пересчет не опубликован:\n  "
                + shown
                + ("\n  …" if len(moved) > 20 else "")
            )
        user = Settings.from_env().user
        rows = dispute_rows(before, after, body_id, year, new, recompute_id, started, user)
        with duckdb.connect(str(trial)) as con:
            ensure_dispute_tables(con)
            con.register("_dispute_rows", rows)
            try:
                con.execute("DELETE FROM core.dispute_results WHERE recompute_id = ?", [recompute_id]).fetchall()
                con.execute("INSERT INTO core.dispute_results BY NAME SELECT * FROM _dispute_rows").fetchall()
            finally:
                con.unregister("_dispute_rows")
        _build_dispute_mart(trial)
        try:
            warehouse.publish(published, build=trial, base=base)
        except warehouse.PublishedChanged:
            raise RecomputeError(
                "Опубликованное хранилище изменилось во время пересчета (его опубликовал другой запуск); "
                "пересчет не опубликован, решения комиссии не потеряны: повторите kzeval recompute."
            ) from None
    finally:
        _discard(trial)
    result = RecomputeResult(
        recompute_id=recompute_id,
        agency_id=body_id,
        year=year,
        rows=rows,
        new_corrections=new,
        rejected=rejected,
        deferred=deferred,
        declined=declined,
        rollup_before=before.rollup,
        rollup_after=after.rollup,
    )
    result.text = render_dispute_table(
        rows,
        body,
        new,
        rejected,
        deferred,
        before.rollup,
        after.rollup,
        rank_changes(before, after, body_id),
        declined,
    )
    _, averaged_lines = cross_body_average_moves(before, after, body_id)
    if averaged_lines:
        result.text += (
            "\n\nОценки других органов, изменившиеся через средние баллы (п. 67 методики, прим. ** к табл. 6 "
            "прил. 10: индикаторы, по которым орган не оценивается; п. 57 методики оценки организационного "
            "развития: критерии ИТ, по которым нечего оценивать, — среднее органов того же типа):\n  "
            + "\n  ".join(averaged_lines)
        )
    result.text += f"\n\nСохранено: marts.fct_dispute_results, recompute_id = '{recompute_id}'."
    return result


def cmd_recompute(args: argparse.Namespace) -> int:
    landing = getattr(args, "landing", None) or DEFAULT_LANDING
    try:
        result = recompute(args.year, args.agency, Path(landing), Path(args.warehouse))
    except RecomputeError as problem:
        print(str(problem), file=sys.stderr)
        return 2
    print(result.text)
    return 0
