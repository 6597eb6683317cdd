"""«Устойчивость результатов»: the sensitivity analysis in the national report (issue 17).

Built from ``marts.fct_reading_sensitivity`` (written by `kzeval sensitivity`); a stored
analysis whose baseline no longer matches the published block scores (the year was rerun
since) is not shown, and the section says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import duckdb
import plotly.graph_objects as go
import polars as pl

from kzeval.reports import forms
from kzeval.sensitivity import SENSITIVITY_SCHEMA, TOLERANCE, baseline_mismatches, body_summary, national_lines


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
    from kzeval.warehouse import table_exists

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


def robustness_chart(rob: Robustness, block: str) -> go.Figure:
    """Per body of ``block``: the range of its block score over every reading option, the published score marked."""
    own = [b for b in rob.bodies if b.block == block and b.score is not None]
    fig = go.Figure()
    labels = [f"{b.name[:46]} ({forms.BODY_TYPE_LABEL.get(b.body_type, b.body_type)})" for b in own]
    fig.add_bar(
        y=labels,
        x=[(b.max_score or 0) - (b.min_score or 0) for b in own],
        base=[b.min_score for b in own],
        orientation="h",
        marker={"color": ["#c62828" if not b.is_robust else "#9fb7d0" for b in own]},
        name="Диапазон оценки при всех вариантах чтений",
        hovertemplate="%{y}: %{base:.2f}–%{x:.2f}<extra></extra>",
    )
    fig.add_scatter(
        y=labels,
        x=[b.score for b in own],
        mode="markers",
        marker={"symbol": "line-ns-open", "size": 16, "color": "#1f4e79", "line": {"width": 3}},
        name="Опубликованная оценка",
    )
    from kzeval.reports.charts import BAR_HEIGHT, _layout, _tier_lines

    _tier_lines(fig)
    fig.update_layout(
        xaxis={"title": "Итоговая оценка блока", "range": [0, 102]},
        yaxis={"autorange": "reversed"},
        barmode="overlay",
    )
    title = f"Устойчивость результатов: {forms.BLOCK_SHORT.get(block, block)}, {rob.year}"
    return _layout(fig, title, 160 + BAR_HEIGHT * max(len(own), 1))


def write_robustness_sheet(wb: Any, rob: Robustness, st: Any, used: set[str]) -> None:
    """Sheet «Устойчивость»: the national line per reading option, every body with its score range,
    and per block a native chart (range bar per body, published score marked)."""
    from kzeval.reports.xlsx import Sheet

    widths = (18, 10, 14, 56, 11, 11, 11, 11, 14, 28, 11, 34)
    sh = Sheet(wb, "Устойчивость", widths, st, used)
    sh.merged(0, f"Устойчивость результатов {rob.year}: оценки при всех вариантах чтений", st.title)
    if rob.note:
        sh.merged(1, rob.note, st.note)
        sh.finish(1)
        return
    sh.merged(
        1,
        "Чтение — выбор формулы, оставленный текстом методики открытым (kzeval readings). Каждое чтение "
        "меняется отдельно, остальные — как при публикации; low_confidence_combined — все чтения низкой "
        "достоверности одновременно.",
        st.note,
    )
    header = ["Блок", "Тип органа", "Код", "Государственный орган", "Оценка", "Мин.", "Макс.", "Диапазон"]
    header += ["Степень", "Возможные степени", "Степень устойчива", "Чтения, меняющие степень"]
    sh.header(2, header)
    head, row = 2, 2
    spans: dict[str, tuple[int, int]] = {}
    for b in rob.bodies:
        row += 1
        first, _ = spans.get(b.block, (row, row))
        spans[b.block] = (first, row)
        width = None if b.min_score is None or b.max_score is None else b.max_score - b.min_score
        sh.values(
            row,
            [
                (forms.BLOCK_SHORT.get(b.block, b.block), st.text),
                (forms.BODY_TYPE_LABEL.get(b.body_type, b.body_type), st.center),
                (b.agency_id, st.text),
                (b.name, st.text),
                (b.score, st.number),
                (b.min_score, st.number),
                (b.max_score, st.number),
                (width, st.number),
                (forms.TIER_LABEL.get(b.tier or "", b.tier or ""), st.text),
                (", ".join(forms.TIER_LABEL.get(t, t) for t in b.tiers_reachable), st.text),
                ("да" if b.is_robust else "нет", st.center),
                (b.moving, st.text),
            ],
        )
    row += 2
    sh.header(row, ["Чтение", "Вариант", "Блок", "Меняют степень", "Макс. |Δ|"])
    for line in rob.lines:
        row += 1
        changing: tuple[Any, Any] = (
            ("блок не оценивается", st.text) if line.bodies_scored == 0 else (line.bodies_changing_tier, st.integer)
        )
        sh.values(
            row,
            [
                (line.reading, st.text),
                (line.option, st.text),
                (forms.BLOCK_SHORT.get(line.block, line.block), st.text),
                changing,
                (line.max_abs_delta, st.number),
            ],
        )
    if rob.no_effect:
        row += 1
        sh.merged(row, "Не меняют ни одной оценки блока: " + ", ".join(rob.no_effect), st.note)
    row += 2
    for block, (first, last) in spans.items():
        chart = wb.add_chart({"type": "column", "subtype": "stacked"})
        chart.add_series(
            {
                "name": "Мин.",
                "categories": [sh.name, first, 2, last, 2],
                "values": [sh.name, first, 5, last, 5],
                "fill": {"none": True},
                "border": {"none": True},
            }
        )
        chart.add_series(
            {
                "name": "Диапазон при всех вариантах чтений",
                "categories": [sh.name, first, 2, last, 2],
                "values": [sh.name, first, 7, last, 7],
                "fill": {"color": "#9fb7d0"},
                "gap": 60,
            }
        )
        marker = wb.add_chart({"type": "line"})
        marker.add_series(
            {
                "name": "Опубликованная оценка",
                "categories": [sh.name, first, 2, last, 2],
                "values": [sh.name, first, 4, last, 4],
                "line": {"none": True},
                "marker": {"type": "dash", "size": 10, "fill": {"color": "#1f4e79"}, "border": {"color": "#1f4e79"}},
            }
        )
        chart.combine(marker)
        chart.set_title({"name": f"Устойчивость результатов: {forms.BLOCK_SHORT.get(block, block)}, {rob.year}"})
        chart.set_y_axis({"name": "Итоговая оценка блока", "min": 0, "max": 100})
        chart.set_legend({"position": "bottom", "delete_series": [0]})
        chart.set_size({"width": max(600, 22 * (last - first + 1) + 200), "height": 380})
        sh.ws.insert_chart(row, 0, chart)
        row += 20
    sh.finish(head)
