"""The «Таблица разногласий» (Appendix 14 of seed 004) of a recompute, as terminal text (pure)."""

from __future__ import annotations

import datetime as dt
import textwrap
from collections.abc import Mapping, Sequence
from typing import Any

import polars as pl

from kzeval.corrections import REASON_PREFIX
from kzeval.explain.labels import BLOCK_LABELS, BODY_TYPE_LABELS, DIRECTION_LABELS
from kzeval.explain.render import format_number
from kzeval.methodology import all_indicators
from kzeval.reports.appendices import redact

# ---------------------------------------------------------------------------------------
# «Таблица разногласий» (Appendix 14 of seed 004), as terminal text
# ---------------------------------------------------------------------------------------

_COLUMNS = (("№", 3), ("Заключение уполномоченного органа (до)", 38), ("Возражение и решение комиссии", 44))
_NOTE = ("Примечание (после)", 28)


def _wrap_row(cells: Sequence[str], widths: Sequence[int]) -> list[str]:
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
