"""Plotly figures of the reports (rendered offline: plotly.js is inlined once per HTML file)."""

from __future__ import annotations

import plotly.graph_objects as go

from kzeval.methodology import interaction_2023
from kzeval.reports import forms
from kzeval.reports.model import AgencyReport, BlockConclusion, NationalReport, RankingTable, RollupRow
from kzeval.reports.robustness import Robustness, range_chart_bodies, range_chart_title

FONT = "Arial, 'Liberation Sans', 'DejaVu Sans', sans-serif"
BAR_HEIGHT = 26  # px per bar of a horizontal bar chart
LABEL_CHARS = 48  # axis labels longer than this are shortened (the hover shows the full name)
COLOR_CURRENT = "#1f4e79"
COLOR_PREVIOUS = "#9fb7d0"
COLOR_MEDIAN = "#f0a030"
COLOR_UP = "#2e7d32"
COLOR_DOWN = "#c62828"


def _short(name: str, limit: int = LABEL_CHARS) -> str:
    return name if len(name) <= limit else name[: limit - 1].rstrip() + "…"


def _layout(fig: go.Figure, title: str, height: int) -> go.Figure:
    fig.update_layout(
        title={"text": title, "x": 0, "xanchor": "left", "font": {"size": 15}},
        template="plotly_white",
        font={"family": FONT, "size": 12},
        separators=", ",
        height=height,
        margin={"l": 10, "r": 20, "t": 70, "b": 90},
        # legend at the very bottom of the figure, clear of the axis title and the tier labels on top
        legend={"orientation": "h", "yref": "container", "y": 0.0, "yanchor": "bottom", "x": 0.5, "xanchor": "center"},
    )
    return fig


def _tier_lines(fig: go.Figure) -> None:
    """Dotted lines at the para. 108 tier edges (90 / 70 / 50)."""
    for bound, _code, label in interaction_2023.TIER_THRESHOLDS:
        fig.add_vline(x=bound, line={"dash": "dot", "color": "#888", "width": 1})
        fig.add_annotation(
            x=bound, y=1.0, yref="paper", text=label, showarrow=False, yanchor="bottom", font={"size": 10}
        )


def agency_directions_chart(report: AgencyReport) -> go.Figure:
    """Direction scores of the body vs the previous year and the median of its body type."""
    labels, current, previous, medians = [], [], [], []
    for block in report.blocks:
        for d in block.directions:
            labels.append(forms.DIRECTION_SHORT.get(d.direction, d.direction))
            current.append(d.score)
            previous.append(d.previous_score)
            medians.append(d.median_score)
        labels.append(f"Блок: {forms.BLOCK_SHORT.get(block.block, block.block)}")
        current.append(block.score)
        previous.append(block.previous_score)
        medians.append(block.median_score)
    fig = go.Figure()
    fig.add_bar(
        name=f"{report.year}",
        x=labels,
        y=current,
        marker_color=COLOR_CURRENT,
        texttemplate="%{y:.2f}",
        textposition="outside",
        textangle=0,
        cliponaxis=False,
    )
    if any(v is not None for v in previous):
        fig.add_bar(name=f"{report.previous_year}", x=labels, y=previous, marker_color=COLOR_PREVIOUS)
    fig.add_bar(name=f"Медиана {report.body_type_label}", x=labels, y=medians, marker_color=COLOR_MEDIAN)
    fig.update_layout(barmode="group", yaxis={"range": [0, 112], "title": "Баллы"})
    return _layout(fig, "Оценки по направлениям и блокам", 420)


def block_share_chart(block: BlockConclusion, body_type_label: str) -> go.Figure:
    """Share of the maximum per indicator of a block, with the median body of the same type."""
    names, own, med, hover = [], [], [], []
    for d in block.directions:
        leaf = [
            r
            for r in d.rows
            if r.share is not None and not any(c.number.startswith(r.number + ".") for c in d.rows if c is not r)
        ]
        for r in leaf:
            names.append(_short(r.label))
            own.append(round((r.share or 0.0) * 100, 1))
            med.append(None if r.median is None or not r.max_points else round(r.median / r.max_points * 100, 1))
            hover.append(f"{forms.DIRECTION_SHORT.get(d.direction, d.direction)}: {r.label}")
    fig = go.Figure()
    fig.add_bar(
        name="Доля от максимума, %",
        y=names,
        x=own,
        orientation="h",
        marker_color=COLOR_CURRENT,
        customdata=hover,
        hovertemplate="%{customdata}<br>%{x:.1f} %<extra></extra>",
    )
    fig.add_scatter(
        name=f"Медиана {body_type_label}, %",
        y=names,
        x=med,
        mode="markers",
        marker={"color": COLOR_MEDIAN, "size": 10, "symbol": "diamond"},
    )
    fig.update_layout(xaxis={"range": [0, 105], "title": "% от максимального балла"}, yaxis={"autorange": "reversed"})
    return _layout(fig, f"Доля от максимального балла по показателям — {block.label}", 120 + BAR_HEIGHT * len(names))


def tier_distribution_chart(report: NationalReport) -> go.Figure:
    """Stacked count of bodies per efficiency tier, per block and body type."""
    cats = [
        f"{forms.BLOCK_SHORT.get(r.block, r.block)} · {forms.BODY_TYPE_LABEL.get(r.body_type, r.body_type)}"
        for r in report.summary
    ]
    fig = go.Figure()
    for tier in forms.TIER_ORDER:
        fig.add_bar(
            name=forms.TIER_LABEL[tier],
            x=cats,
            y=[r.tiers.get(tier, 0) for r in report.summary],
            marker_color=forms.TIER_COLOR[tier],
            texttemplate="%{y}",
        )
    fig.update_layout(barmode="stack", yaxis={"title": "Количество органов"}, legend={"traceorder": "normal"})
    return _layout(fig, f"Распределение по степени эффективности, {report.year}", 420)


def ranking_chart(table: RankingTable, year: int) -> go.Figure:
    """Block scores of every body of the table, coloured by tier, best on top."""
    rows = [r for r in table.rows if r.score is not None]
    fig = go.Figure(
        go.Bar(
            y=[f"{r.rank}. {_short(r.name)}" for r in rows],
            x=[r.score for r in rows],
            orientation="h",
            marker_color=[forms.TIER_COLOR.get(r.tier or "", "#777") for r in rows],
            customdata=[[r.name, r.tier_label or ""] for r in rows],
            hovertemplate="%{customdata[0]}<br>%{x:.2f} — %{customdata[1]}<extra></extra>",
            texttemplate="%{x:.2f}",
            textposition="outside",
        )
    )
    _tier_lines(fig)
    fig.update_layout(
        xaxis={"range": [0, 108], "title": "Итоговая оценка"}, yaxis={"autorange": "reversed"}, showlegend=False
    )
    return _layout(fig, f"Рейтинг {year}: {table.title}", 130 + BAR_HEIGHT * len(rows))


def movers_chart(table: RankingTable, year: int) -> go.Figure:
    """Change of the block score vs the previous year, every body with both years."""
    rows = table.with_change
    fig = go.Figure(
        go.Bar(
            y=[_short(r.name) for r in rows],
            x=[r.change for r in rows],
            orientation="h",
            marker_color=[COLOR_UP if (r.change or 0) >= 0 else COLOR_DOWN for r in rows],
            customdata=[r.name for r in rows],
            hovertemplate="%{customdata}<br>%{x:+.2f}<extra></extra>",
            texttemplate="%{x:+.2f}",
            textposition="outside",
        )
    )
    fig.update_layout(
        xaxis={"title": f"Изменение к {year - 1} году, баллы"}, yaxis={"autorange": "reversed"}, showlegend=False
    )
    return _layout(fig, f"Динамика: {table.title}", 130 + BAR_HEIGHT * max(len(rows), 1))


def regions_chart(regions: tuple[RollupRow, ...], year: int) -> go.Figure:
    """Mean block score per region (MIO), one bar per block, regions as rows."""
    fig = go.Figure()
    blocks = sorted({r.block for r in regions}, key=lambda b: forms.ordinal_sort_key(forms.BLOCK_ORDER, b))
    codes = sorted({r.region_code for r in regions})
    label = {r.region_code: f"{r.region_code} · {_short(r.region_label, 40)}" for r in regions}
    palette = (COLOR_CURRENT, COLOR_MEDIAN, "#6a9f58", "#8e6bbf")
    for i, block in enumerate(blocks):
        by_code = {r.region_code: r for r in regions if r.block == block}
        fig.add_bar(
            name=forms.BLOCK_SHORT.get(block, block),
            y=[label[c] for c in codes],
            x=[by_code[c].mean if c in by_code else None for c in codes],
            orientation="h",
            marker_color=palette[i % len(palette)],
            customdata=[by_code[c].region_label if c in by_code else "" for c in codes],
            hovertemplate="%{customdata}<br>%{x:.2f}<extra></extra>",
            texttemplate="%{x:.2f}",
            textposition="outside",
        )
    _tier_lines(fig)
    fig.update_layout(
        barmode="group", xaxis={"range": [0, 108], "title": "Средняя итоговая оценка"}, yaxis={"autorange": "reversed"}
    )
    return _layout(
        fig, f"Регионы (МИО): средняя итоговая оценка, {year}", 140 + BAR_HEIGHT * len(codes) * max(len(blocks), 1)
    )


def direction_spread_chart(report: NationalReport) -> go.Figure:
    """Spread of direction scores per body type (box with every body as a point)."""
    fig = go.Figure()
    colors = {"CGO": COLOR_CURRENT, "MIO": COLOR_MEDIAN}
    for table in report.rankings:
        for direction in table.directions:
            values = [r.direction_scores.get(direction) for r in table.rows]
            fig.add_box(
                name=f"{forms.DIRECTION_SHORT.get(direction, direction)} · "
                f"{forms.BODY_TYPE_LABEL.get(table.body_type, table.body_type)}",
                y=[v for v in values if v is not None],
                boxpoints="all",
                jitter=0.4,
                pointpos=0,
                marker={"size": 5, "color": colors.get(table.body_type, "#777")},
                line={"width": 1, "color": colors.get(table.body_type, "#777")},
                showlegend=False,
            )
    fig.update_layout(yaxis={"range": [0, 105], "title": "Оценка по направлению"})
    return _layout(fig, f"Разброс оценок по направлениям, {report.year}", 440)


def robustness_chart(rob: Robustness, block: str) -> go.Figure:
    """Per body of ``block``: the range of its block score over every reading option, the published score marked."""
    own = [b for b in range_chart_bodies(rob, block) if b.score is not None]
    fig = go.Figure()
    labels = [f"{b.name[:46]} ({forms.BODY_TYPE_LABEL.get(b.body_type, b.body_type)})" for b in own]
    fig.add_bar(
        y=labels,
        x=[b.spread or 0.0 for b in own],
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
    _tier_lines(fig)
    fig.update_layout(
        xaxis={"title": "Итоговая оценка блока", "range": [0, 102]},
        yaxis={"autorange": "reversed"},
        barmode="overlay",
    )
    return _layout(fig, range_chart_title(block, rob.year), 160 + BAR_HEIGHT * max(len(own), 1))
