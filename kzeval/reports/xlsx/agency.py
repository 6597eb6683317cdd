"""The agency report's workbook: summary, one sheet per block and direction, indicators, acts, disputes."""

from __future__ import annotations

from pathlib import Path

from xlsxwriter.workbook import Workbook

from kzeval.reports import forms
from kzeval.reports.appendices import (
    AutomationConclusion,
    DisputeTable,
    ReconciliationAct,
    fact_text,
    facts_word,
)
from kzeval.reports.fmt import compact_inputs, num
from kzeval.reports.model import (
    ROLE_LABEL,
    AgencyReport,
    BlockConclusion,
    DirectionConclusion,
)
from kzeval.reports.xlsx.sheet import Sheet, Styles, new_workbook

# ---------------------------------------------------------------------------------------
# Agency workbook
# ---------------------------------------------------------------------------------------

FORM_WIDTHS = (6, 66, 13, 16, 13, 13, 12, 12)


def _agency_summary(wb: Workbook, report: AgencyReport, st: Styles, used: set[str]) -> None:
    t = report.body_type_label
    sh = Sheet(wb, "Сводка", (62, 14, 16, 14, 10, 14, 12, 12), st, used)
    sh.merged(0, f"Заключения о результатах операционной оценки за {report.year} год", st.title)
    sh.merged(1, report.name_ru, st.title)
    region = f", регион (КАТО) {report.region_code}" if report.region_code else ""
    sh.merged(2, f"{forms.BODY_TYPE_LONG.get(report.body_type, '')} ({t}){region}; код {report.agency_id}", st.note)
    head = 4
    sh.header(
        head,
        [
            "Блок",
            "Итоговая оценка",
            forms.ROW_TIER,
            f"Место среди {t}",
            "Органов",
            f"Медиана {t}",
            str(report.previous_year),
            "Изменение",
        ],
    )
    row = head + 1
    for b in report.blocks:
        sh.values(
            row,
            [
                (b.label, st.text),
                (b.score, st.number_bold),
                (b.tier_label, st.tier(b.tier)),
                (b.rank, st.integer),
                (b.peers, st.integer),
                (b.median_score, st.number),
                (b.previous_score, st.number),
                (b.change, st.change),
            ],
        )
        row += 1
    if report.any_provisional:
        sh.merged(row + 1, forms.LABEL_PROVISIONAL, st.note)
    sh.finish(head)


def _block_sheet(wb: Workbook, report: AgencyReport, b: BlockConclusion, st: Styles, used: set[str]) -> None:
    t = report.body_type_label
    sh = Sheet(wb, f"Блок {forms.BLOCK_SHORT.get(b.block, b.block)}", FORM_WIDTHS, st, used)
    head = sh.form_head(b.form.appendix, b.form.title, report.name_ru, report.year)
    sh.header(
        head,
        [
            "№",
            b.form.criterion_header,
            b.form.points_header,
            f"Медиана {t}",
            "Место",
            "Органов",
            str(report.previous_year),
            "Изменение",
        ],
    )
    row = head + 1
    for i, d in enumerate(b.directions, start=1):
        sh.values(
            row,
            [
                (i, st.integer),
                (d.label + (" *" if d.provisional else ""), st.text),
                (d.score, st.number),
                (d.median_score, st.number),
                (d.rank, st.integer),
                (d.peers, st.integer),
                (d.previous_score, st.number),
                (d.change, st.change),
            ],
        )
        row += 1
    sh.values(
        row,
        [
            (None, st.text_bold),
            (b.form.final_label + (" *" if b.provisional else ""), st.text_bold),
            (b.score, st.number_bold),
            (b.median_score, st.number_bold),
            (b.rank, st.integer),
            (b.peers, st.integer),
            (b.previous_score, st.number_bold),
            (b.change, st.change),
        ],
    )
    row += 1
    sh.values(row, [(None, st.text_bold), (forms.ROW_TIER, st.text_bold), (b.tier_label, st.tier(b.tier))])
    sh.put(row, 6, b.previous_tier_label, st.center)
    row += 2
    sh.put(row, 0, forms.LABEL_ANALYSIS, st.heading)
    genitive = forms.BODY_TYPE_GENITIVE.get(report.body_type, "государственного органа")
    row = sh.paragraphs(
        row + 1, [f"Анализ эффективности деятельности {genitive} по направлениям операционной оценки:", *b.analysis]
    )
    row += 1
    sh.merged(row, "Наиболее слабые показатели (по доле от максимального балла)", st.heading)
    row += 1
    sh.header(
        row,
        [
            "№",
            "Показатель",
            "Балл",
            "Максимальный балл",
            "Доля от максимума",
            f"Медиана {t}",
            str(report.previous_year),
            "Направление",
        ],
    )
    row += 1
    for i, w in enumerate(b.weakest, start=1):
        sh.values(
            row,
            [
                (i, st.integer),
                (w.label, st.text),
                (w.points, st.number),
                (w.max_points, st.number),
                (w.share, st.share),
                (w.median, st.number),
                (w.previous, st.number),
                (forms.DIRECTION_SHORT.get(w.direction, w.direction), st.text),
            ],
        )
        row += 1
    row += 1
    sh.put(row, 0, forms.LABEL_CONCLUSIONS, st.heading)
    row = sh.paragraphs(row + 1, b.conclusions)
    sh.signatures(row, b.form.signatories)
    sh.finish(head)


def _direction_sheet(wb: Workbook, report: AgencyReport, d: DirectionConclusion, st: Styles, used: set[str]) -> None:
    t = report.body_type_label
    sh = Sheet(wb, forms.DIRECTION_SHORT.get(d.direction, d.direction), FORM_WIDTHS, st, used)
    head = sh.form_head(d.form.appendix, d.form.title, report.name_ru, report.year)
    sh.header(
        head,
        [
            "№",
            d.form.criterion_header,
            d.form.points_header,
            forms.COL_MAX,
            forms.COL_SHARE,
            f"Медиана {t}",
            str(report.previous_year),
            "Изменение",
        ],
    )
    row = head + 1
    for r in d.rows:
        label = r.label + (" (бонус)" if r.bonus and "бонус" not in r.label else "") + (" *" if r.provisional else "")
        sh.values(
            row,
            [
                (r.number, st.center),
                (label, st.text_sub if r.level else st.text),
                (
                    (forms.LABEL_NOT_APPLICABLE if r.not_applicable else forms.LABEL_NOT_COMPUTED)
                    if r.points is None
                    else r.points,
                    st.center if r.points is None else st.number,
                ),
                (r.max_points, st.number),
                (r.share, st.share),
                (r.median, st.number),
                (r.previous, st.number),
                (r.change, st.change),
            ],
        )
        row += 1
    final_share = d.score / d.total_max if d.score is not None and d.total_max else None
    totals = (
        (forms.ROW_TOTAL_CRITERIA, d.raw_score, d.total_max, None, None, None, None),
        (d.form.penalty_label, d.reporting_penalty, d.penalty_cap, None, None, None, None),
        (d.form.final_label, d.score, d.total_max, final_share, d.median_score, d.previous_score, d.change),
    )
    for label, points, maximum, share, med, prev, change in totals:
        sh.values(
            row,
            [
                (None, st.text_bold),
                (label, st.text_bold),
                (points, st.number_bold),
                (maximum, st.number_bold),
                (share, st.share),
                (med, st.number),
                (prev, st.number),
                (change, st.change),
            ],
        )
        row += 1
    row += 1
    sh.put(row, 0, forms.LABEL_ANALYSIS, st.heading)
    genitive = forms.BODY_TYPE_GENITIVE.get(report.body_type, "государственного органа")
    row = sh.paragraphs(
        row + 1, [f"Анализ эффективности деятельности {genitive} по критериям операционной оценки:", *d.analysis]
    )
    row += 1
    sh.put(row, 0, forms.LABEL_CONCLUSIONS, st.heading)
    row = sh.paragraphs(row + 1, d.conclusions)
    sh.signatures(row, d.form.signatories)
    sh.finish(head)


def _indicator_sheet(wb: Workbook, report: AgencyReport, st: Styles, used: set[str]) -> None:
    widths = (26, 26, 8, 50, 14, 11, 11, 11, 11, 11, 34, 10, 80)
    sh = Sheet(wb, "Показатели", widths, st, used)
    sh.merged(0, f"Расшифровка показателей — {report.name_ru}, {report.year} год", st.title, last_col=8)
    head = 2
    labels = [
        "Направление",
        "Код",
        "Обозначение",
        "Показатель",
        "Вид",
        "Балл",
        "Максимальный балл",
        "Доля от максимума",
        f"Медиана {report.body_type_label}",
        str(report.previous_year),
        "Толкование методики",
        "Предварительно",
        "Исходные данные",
    ]
    sh.header(head, labels)
    row = head + 1
    for i in report.indicators:
        sh.values(
            row,
            [
                (forms.DIRECTION_LABEL.get(i.direction, i.direction), st.text),
                (i.code, st.text),
                (i.symbol, st.center),
                (i.label, st.text),
                (ROLE_LABEL.get(i.role, i.role), st.text),
                (i.points, st.number),
                (i.max_points, st.number),
                (i.share, st.share),
                (i.median, st.number),
                (i.previous, st.number),
                (i.reading, st.text),
                (i.provisional, st.center),
                (compact_inputs(i.inputs), st.text),
            ],
        )
        row += 1
    sh.ws.autofilter(head, 0, max(row - 1, head), len(labels) - 1)
    sh.finish(head, freeze_cols=2)


def _act_sheet(wb: Workbook, report: AgencyReport, act: ReconciliationAct, st: Styles, used: set[str]) -> None:
    """Appendix 1 «Акт сверки» for one direction: facts, points, total, the capped deduction."""
    sh = Sheet(wb, f"Акт сверки {forms.DIRECTION_SHORT.get(act.direction, act.direction)}", (6, 90, 18), st, used)
    head = sh.form_head(forms.APPENDIX_1, f"{forms.ACT_TITLE} — «{act.label}»", report.name_ru, report.year)
    sh.header(head, forms.ACT_COLUMNS)
    row = head + 1
    for i, fact in enumerate(act.facts, start=1):
        label = f"{fact.kind_label} — {facts_word(fact.facts)} (акт сверки {fact.act_ref})"
        sh.values(row, [(i, st.integer), (label, st.text), (fact.points, st.number)])
        row += 1
    sh.values(row, [(None, st.text_bold), (forms.ACT_TOTAL, st.text_bold), (act.total, st.number_bold)])
    row += 2
    row = sh.paragraphs(row, [forms.ACT_FACTS_HEAD, *(f"{i}) {fact_text(f)}" for i, f in enumerate(act.facts, 1))])
    cap = f" (не более {num(act.cap)} баллов по направлению, п. 20 Методики)" if act.cap is not None else ""
    row = sh.paragraphs(row + 1, [f"{forms.ACT_FINAL}: {num(act.deduction)} балла{cap}."])
    sh.signatures(row, forms.ACT_SIGNATORIES, line=forms.SIGNATURE_LINE_ACT, dated=False)
    sh.finish(head)


def _automation_sheet(wb: Workbook, report: AgencyReport, a: AutomationConclusion, st: Styles, used: set[str]) -> None:
    """Appendix 5: the criterion «Автоматизация государственных услуг» (one row, as the form)."""
    sh = Sheet(wb, "Автоматизация услуг", (6, 66, 13, 18), st, used)
    head = sh.form_head(forms.APPENDIX_5, forms.AUTOMATION_TITLE, report.name_ru, report.year)
    sh.header(head, forms.AUTOMATION_COLUMNS)
    row = head + 1
    points = forms.LABEL_NOT_COMPUTED if a.points is None else a.points
    sh.values(
        row,
        [(1, st.integer), (a.label, st.text), (points, st.center if a.points is None else st.number),
         (a.max_points, st.number)],
    )  # fmt: skip
    row += 2
    sh.put(row, 0, forms.LABEL_ANALYSIS, st.heading)
    row = sh.paragraphs(row + 1, [forms.AUTOMATION_ANALYSIS, *a.analysis])
    row += 1
    sh.put(row, 0, forms.LABEL_CONCLUSIONS, st.heading)
    row = sh.paragraphs(row + 1, a.conclusions)
    sh.signatures(row, forms.AUTOMATION_SIGNATORIES)
    sh.finish(head)


def _dispute_sheet(wb: Workbook, report: AgencyReport, t: DisputeTable, st: Styles, used: set[str]) -> None:
    """Appendix 14 «Таблица разногласий» for one direction: every objection with the commission's decision."""
    sh = Sheet(wb, f"Разногласия {forms.DIRECTION_SHORT.get(t.direction, t.direction)}", (6, 55, 55, 55), st, used)
    head = sh.form_head(forms.APPENDIX_14, f"{forms.DISPUTE_TITLE} «{t.label}»", report.name_ru, report.year)
    sh.header(head, forms.DISPUTE_COLUMNS)
    sh.values(head + 1, [(str(i), st.center) for i in range(1, len(forms.DISPUTE_COLUMNS) + 1)])
    row = head + 2
    for i, r in enumerate(t.rows, start=1):
        sh.values(row, [(i, st.integer), (r.conclusion, st.text), (r.objection, st.text), (r.note, st.text)])
        row += 1
    row = sh.paragraphs(row + 1, [t.final_line])
    row = sh.signatures(row, (forms.DISPUTE_CHAIR,), line=forms.SIGNATURE_LINE_DISPUTE, dated=False)
    sh.merged(row - 1, forms.DISPUTE_ACQUAINTED, st.paragraph)
    sh.signatures(row - 1, (forms.DISPUTE_BODY,), line=forms.SIGNATURE_LINE_DISPUTE, dated=False)
    sh.finish(head)


def write_agency_xlsx(report: AgencyReport, path: Path) -> Path:
    """Workbook: «Сводка», one sheet per block form, one per direction form, the acts (Appendix 1),
    the automation conclusion (Appendix 5), the dispute tables (Appendix 14), «Показатели»."""
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = new_workbook(path)
    st, used = Styles(wb), set[str]()
    _agency_summary(wb, report, st, used)
    for b in report.blocks:
        _block_sheet(wb, report, b, st, used)
        for d in b.directions:
            _direction_sheet(wb, report, d, st, used)
    for act in report.acts:
        _act_sheet(wb, report, act, st, used)
    if report.automation is not None:
        _automation_sheet(wb, report, report.automation, st, used)
    for table in report.disputes:
        _dispute_sheet(wb, report, table, st, used)
    _indicator_sheet(wb, report, st, used)
    wb.close()
    return path
