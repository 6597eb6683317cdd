"""Validation of a recompute: the published figures before and after, and what may move.

A body's accepted objections may change only its own figures (seed 004, chapter 7). This
module reads the figures of a year (:func:`read_figures`) and compares two readings of them:
:func:`other_bodies_changes` lists every other body's figure that moved (recompute refuses to
publish then), except exactly the figures holding a cross-body mean the body is part of
(:func:`cross_body_average_moves`: openness items of para. 67, IT criteria under
``it.nothing_to_count=type_mean``); :func:`rank_changes` lists the ranks that moved. Pure but
for :func:`read_figures`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import duckdb
import polars as pl

from kzeval import warehouse
from kzeval.explain.labels import BLOCK_LABELS, DIRECTION_BLOCK
from kzeval.explain.render import format_number
from kzeval.indicators.it import moved_by_type_mean_only, total_explained
from kzeval.indicators.openness import moved_by_averages_only

CHANGE_TOLERANCE = 1e-9  # float noise below this is not a change


@dataclass
class Figures:
    """The published figures of one year (all bodies) and the audit of corrections."""

    indicators: pl.DataFrame
    directions: pl.DataFrame
    blocks: pl.DataFrame
    rollup: pl.DataFrame
    corrections: pl.DataFrame


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


def value_changed(before: float | None, after: float | None) -> bool:
    if before is None or after is None:
        return (before is None) != (after is None)
    return abs(after - before) > CHANGE_TOLERANCE


def _json(text: Any) -> dict[str, Any]:
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
        return moved_by_averages_only(before, after)
    if direction == "it":
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
        if not value_changed(a["value"], r["value"]) and a["inputs"] == r["inputs"]:
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
        if a is None or key not in deltas or value_changed(a["reporting_penalty"], r["reporting_penalty"]):
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
                moved = value_changed(x, y) if isinstance(x, float) or isinstance(y, float) else x != y
                if moved:
                    problems.append(f"{'/'.join(map(str, key))}: {column} {x} → {y}")
    return problems


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
