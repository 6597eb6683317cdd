"""«Устойчивость результатов»: the sensitivity analysis in the national report (issue 17).

Built from ``marts.fct_reading_sensitivity`` (written by `kzeval sensitivity`); a stored
analysis whose baseline no longer matches the published block scores (the year was rerun
since) is not shown, and the section says so.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import polars as pl

from kzeval.reports import forms
from kzeval.sensitivity import SENSITIVITY_SCHEMA, TOLERANCE, baseline_mismatches, body_summary, national_lines
from kzeval.warehouse import table_exists


@dataclass(frozen=True)
class RobustBody:
    agency_id: str
    name: str
    block: str
    body_type: str
    score: float | None
    min_score: float | None
    max_score: float | None
    tier: str | None
    tiers_reachable: tuple[str, ...]
    is_robust: bool
    moving: str

    @property
    def spread(self) -> float | None:
        """The length of the range bar: max − min of the block score over every reading option."""
        return None if self.min_score is None or self.max_score is None else self.max_score - self.min_score


@dataclass(frozen=True)
class ReadingLine:
    reading: str
    option: str
    block: str
    is_baseline: bool
    bodies_changing_tier: int
    max_abs_delta: float | None
    bodies_scored: int


@dataclass(frozen=True)
class Robustness:
    """What the section shows; ``note`` explains an absent or stale analysis."""

    year: int
    bodies: tuple[RobustBody, ...] = ()
    lines: tuple[ReadingLine, ...] = ()  # options that move some score of the block (or leave it unscored)
    no_effect: tuple[str, ...] = ()  # readings none of whose options moves any block score
    note: str = ""

    @property
    def fragile(self) -> tuple[RobustBody, ...]:
        return tuple(b for b in self.bodies if not b.is_robust)


def load_sensitivity(con: duckdb.DuckDBPyConnection, year: int) -> pl.DataFrame:
    """``marts.fct_reading_sensitivity`` of ``year`` (empty when the mart is absent)."""
    if not table_exists(con, "marts", "fct_reading_sensitivity"):
        return pl.DataFrame(schema=SENSITIVITY_SCHEMA)
    cols = ", ".join(f'"{c}"' for c in SENSITIVITY_SCHEMA)
    return con.execute(f"SELECT {cols} FROM marts.fct_reading_sensitivity WHERE year = ?", [year]).pl()


def build_robustness(
    year: int, sensitivity: pl.DataFrame | None, blocks: pl.DataFrame, names: dict[str, str]
) -> Robustness | None:
    """The section's content from the stored analysis and the published block scores of ``year``.

    None when `kzeval sensitivity` was not run for the year (the reports then have no section).
    """
    if sensitivity is None or sensitivity.is_empty():
        return None
    published = blocks.filter(pl.col("year") == year).select("agency_id", "block", "score", "efficiency_tier")
    if baseline_mismatches(published, sensitivity):
        return Robustness(
            year,
            note=f"Анализ чувствительности устарел (оценки {year} года пересчитаны после него): "
            f"kzeval sensitivity --year {year}.",
        )
    bodies = []
    for r in body_summary(sensitivity).iter_rows(named=True):
        tiers = tuple(t for t in forms.TIER_ORDER if t in (r["tiers_reachable"] or "").split(", "))
        bodies.append(
            RobustBody(
                agency_id=r["agency_id"],
                name=names.get(r["agency_id"], r["agency_id"]),
                block=r["block"],
                body_type=r["body_type"],
                score=r["baseline_score"],
                min_score=r["min_score"],
                max_score=r["max_score"],
                tier=r["baseline_tier"],
                tiers_reachable=tiers,
                is_robust=bool(r["is_robust"]),
                moving=r["moving"] or "",
            )
        )
    bodies.sort(
        key=lambda b: (
            forms.ordinal_sort_key(forms.BLOCK_ORDER, b.block),
            b.body_type,
            -(b.score if b.score is not None else -1.0),
        )
    )
    national = national_lines(sensitivity)
    moves = (pl.col("max_abs_delta").fill_null(0) > TOLERANCE) | (pl.col("bodies_scored") == 0)
    effective = set(national.filter(moves & ~pl.col("is_baseline"))["reading"].to_list())
    no_effect = tuple(sorted(set(national["reading"].to_list()) - effective))
    lines = [
        ReadingLine(
            reading=r["reading"],
            option=r["option"],
            block=r["block"],
            is_baseline=bool(r["is_baseline"]),
            bodies_changing_tier=int(r["bodies_changing_tier"]),
            max_abs_delta=r["max_abs_delta"],
            bodies_scored=int(r["bodies_scored"]),
        )
        for r in national.filter(moves & ~pl.col("is_baseline")).iter_rows(named=True)
    ]
    return Robustness(year, tuple(bodies), tuple(lines), no_effect)


def range_chart_title(block: str, year: int) -> str:
    """The title of the range chart of ``block`` (HTML and XLSX)."""
    return f"Устойчивость результатов: {forms.BLOCK_SHORT.get(block, block)}, {year}"


def range_chart_bodies(rob: Robustness, block: str) -> tuple[RobustBody, ...]:
    """The bars of the range chart of ``block``: its bodies in table order (those without a score have none)."""
    return tuple(b for b in rob.bodies if b.block == block)
