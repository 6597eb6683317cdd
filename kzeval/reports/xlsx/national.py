"""The national report's workbook: rankings per block and body type, rollups with the tier chart, robustness."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from xlsxwriter.workbook import Workbook

from kzeval.reports import forms
from kzeval.reports.model import (
    NationalReport,
    RollupRow,
)
from kzeval.reports.robustness import Robustness, range_chart_bodies, range_chart_title
from kzeval.reports.xlsx.sheet import Sheet, Styles, new_workbook

# ---------------------------------------------------------------------------------------
# National workbook
# ---------------------------------------------------------------------------------------


def _rollup_sheet(
    wb: Workbook,
    title: str,
    name: str,
    rows: Sequence[RollupRow],
    year: int,
    st: Styles,
    used: set[str],
    regional: bool,
) -> Sheet:
    first_widths: tuple[float, ...] = (34, 8, 40) if regional else (48, 10)
    sh = Sheet(wb, name, (*first_widths, 10, 11, 11, 11, 11, 11, 11, 11, 14, 12, 12), st, used)
    sh.merged(0, title, st.title)
    head = 2
    first = ["Блок", "КАТО", "Регион"] if regional else ["Блок", "Тип органа"]
    labels = [
        *first,
        "Органов",
        "Средняя",
        "Медиана",
        "Мин.",
        "Макс.",
        *(forms.TIER_LABEL[t] for t in forms.TIER_ORDER),
        f"Средняя {year - 1}",
        "Изменение",
    ]
    sh.header(head, labels)
    row = head + 1
    for r in rows:
        cells: list[tuple[Any, Any]] = [(forms.BLOCK_LABEL.get(r.block, r.block), st.text)]
        if regional:
            cells += [(r.region_code, st.center), (r.region_label, st.text)]
        else:
            cells += [(forms.BODY_TYPE_LABEL.get(r.body_type, r.body_type), st.center)]
        cells += [
            (r.agencies, st.integer),
            (r.mean, st.number),
            (r.median, st.number),
            (r.min, st.number),
            (r.max, st.number),
        ]
        cells += [(r.tiers.get(t, 0), st.integer) for t in forms.TIER_ORDER]
        cells += [(r.previous_mean, st.number), (r.change, st.change)]
        sh.values(row, cells)
        row += 1
    sh.finish(head)
    return sh


def _tier_chart(wb: Workbook, sh: Sheet, report: NationalReport) -> None:
    """Native stacked column chart of the tier counts under the summary table."""
    chart = wb.add_chart({"type": "column", "subtype": "stacked"})
    first, last = 3, 2 + len(report.summary)
    for i, tier in enumerate(forms.TIER_ORDER):
        col = 7 + i
        chart.add_series(
            {
                "name": forms.TIER_LABEL[tier],
                "categories": [sh.name, first, 0, last, 1],
                "values": [sh.name, first, col, last, col],
                "fill": {"color": forms.TIER_COLOR[tier]},
                "data_labels": {"value": True},
            }
        )
    chart.set_title({"name": f"Распределение по степени эффективности, {report.year}"})
    chart.set_y_axis({"name": "Количество органов"})
    chart.set_size({"width": 900, "height": 380})
    sh.ws.insert_chart(last + 2, 0, chart)


def write_national_xlsx(report: NationalReport, path: Path) -> Path:
    """Workbook: «Сводка» (with a tier chart), «Направления», a ranking per block and body type,
    «Регионы МИО», «Динамика»."""
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = new_workbook(path)
    st, used = Styles(wb), set[str]()
    year, prev = report.year, report.previous_year

    summary = _rollup_sheet(
        wb,
        f"Национальный рейтинг по итогам операционной оценки за {year} год: сводные показатели",
        "Сводка",
        report.summary,
        year,
        st,
        used,
        regional=False,
    )
    if report.summary:
        _tier_chart(wb, summary, report)
    if report.notes:
        summary.merged(1, " ".join(report.notes), st.note)

    sh = Sheet(wb, "Направления", (48, 10, 42, 10, 11, 11, 11, 11, 14, 14), st, used)
    sh.merged(0, f"Оценки по направлениям, {year}", st.title)
    sh.header(
        2,
        [
            "Блок",
            "Тип органа",
            "Направление",
            "Органов",
            "Средняя",
            "Медиана",
            "Мин.",
            "Макс.",
            f"Медиана {prev}",
            "Изменение медианы",
        ],
    )
    for row, s in enumerate(report.direction_stats, start=3):
        sh.values(
            row,
            [
                (forms.BLOCK_LABEL.get(s.block, s.block), st.text),
                (forms.BODY_TYPE_LABEL.get(s.body_type, s.body_type), st.center),
                (forms.DIRECTION_LABEL.get(s.direction, s.direction), st.text),
                (s.agencies, st.integer),
                (s.mean, st.number),
                (s.median, st.number),
                (s.min, st.number),
                (s.max, st.number),
                (s.previous_median, st.number),
                (s.median_change, st.change),
            ],
        )
    sh.finish(2)

    for table in report.rankings:
        block_short = forms.BLOCK_SHORT.get(table.block, table.block)
        type_short = forms.BODY_TYPE_LABEL.get(table.body_type, table.body_type)
        widths = (8, 60, 12, *(16 for _ in table.directions), 14, 16, 11, 12, 11, 16)
        sh = Sheet(wb, f"Рейтинг {block_short} {type_short}", widths, st, used)
        sh.merged(0, f"Рейтинг {year}: {table.title}", st.title)
        labels = [
            "Место",
            "Государственный орган",
            "Код",
            *(forms.DIRECTION_LABEL.get(d, d) for d in table.directions),
            "Итоговая оценка",
            forms.ROW_TIER,
            str(prev),
            "Изменение",
            f"Место {prev}",
            "Предварительно",
        ]
        sh.header(2, labels)
        row = 3
        for r in table.rows:
            cells: list[tuple[Any, Any]] = [(r.rank, st.integer), (r.name, st.text), (r.agency_id, st.text)]
            cells += [(r.direction_scores.get(d), st.number) for d in table.directions]
            cells += [
                (r.score, st.number_bold),
                (r.tier_label, st.tier(r.tier)),
                (r.previous_score, st.number),
                (r.change, st.change),
                (r.previous_rank, st.integer),
                (r.provisional, st.center),
            ]
            sh.values(row, cells)
            row += 1
        sh.ws.autofilter(2, 0, max(row - 1, 2), len(labels) - 1)
        sh.finish(2, freeze_cols=2)

    if report.regions:
        _rollup_sheet(
            wb, f"Регионы (МИО): итоговые оценки, {year}", "Регионы МИО", report.regions, year, st, used, regional=True
        )

    sh = Sheet(wb, "Динамика", (48, 10, 60, 11, 11, 12, 11, 11, 12), st, used)
    sh.merged(0, f"Динамика итоговых оценок: {year} к {prev} году", st.title)
    sh.header(
        2,
        [
            "Блок",
            "Тип органа",
            "Государственный орган",
            str(prev),
            str(year),
            "Изменение",
            f"Место {prev}",
            f"Место {year}",
            "Сдвиг, мест",
        ],
    )
    row = 3
    for table in report.rankings:
        for r in table.with_change:
            sh.values(
                row,
                [
                    (forms.BLOCK_LABEL.get(table.block, table.block), st.text),
                    (forms.BODY_TYPE_LABEL.get(table.body_type, table.body_type), st.center),
                    (r.name, st.text),
                    (r.previous_score, st.number),
                    (r.score, st.number),
                    (r.change, st.change),
                    (r.previous_rank, st.integer),
                    (r.rank, st.integer),
                    (r.rank_change, st.integer_change),
                ],
            )
            row += 1
    if row == 3:
        sh.merged(3, f"В хранилище нет оценок за {prev} год: динамика не рассчитывается.", st.note)
    sh.finish(2)
    if report.robustness is not None:
        write_robustness_sheet(wb, report.robustness, st, used)
    wb.close()
    return path


def write_robustness_sheet(wb: Workbook, rob: Robustness, st: Styles, used: set[str]) -> None:
    """Sheet «Устойчивость»: the national line per reading option, every body with its score range,
    and per block a native chart (range bar per body, published score marked)."""
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
    for block in dict.fromkeys(b.block for b in rob.bodies):
        bodies = range_chart_bodies(rob, block)
        spans[block] = (row + 1, row + len(bodies))
        for b in bodies:
            row += 1
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
                    (b.spread, st.number),
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
        chart.set_title({"name": range_chart_title(block, rob.year)})
        chart.set_y_axis({"name": "Итоговая оценка блока", "min": 0, "max": 100})
        chart.set_legend({"position": "bottom", "delete_series": [0]})
        chart.set_size({"width": max(600, 22 * (last - first + 1) + 200), "height": 380})
        sh.ws.insert_chart(row, 0, chart)
        row += 20
    sh.finish(head)
