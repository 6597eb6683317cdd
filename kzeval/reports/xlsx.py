"""Excel workbooks of the reports (xlsxwriter): numbers as numbers with formats, frozen headers.

Scores are written at full precision with the ``0.00`` format (what the forms print),
shares with ``0.0%``, changes with an explicit sign. Every table's header row is frozen,
columns have fixed widths and rows with wrapped text get a height for their line count
(neither Excel nor LibreOffice grows rows written by xlsxwriter on their own). Sheets print
on A4 landscape, one page wide, with the header row repeated.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

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
    NationalReport,
    RollupRow,
)
from kzeval.reports.robustness import Robustness, range_chart_bodies, range_chart_title

NUMBER_FORMAT = "0.00"
SHARE_FORMAT = "0.0%"
CHANGE_FORMAT = "+0.00;-0.00;0.00"
INTEGER_FORMAT = "0"
INTEGER_CHANGE_FORMAT = "+0;-0;0"
SHEET_NAME_MAX = 31
HEADER_CHAR_WIDTH = 1.3  # bold header text wrapped at word boundaries
LINE_HEIGHT = 15.0  # points per line of 11-pt text
CHAR_WIDTH = 0.95  # column-width units per character of 11-pt text (measured on LibreOffice renders)


class Styles:
    """The workbook's cell formats, created once."""

    def __init__(self, wb: Workbook) -> None:
        border = {"border": 1, "border_color": "#9AA8B6", "valign": "top"}
        self.title = wb.add_format({"bold": True, "font_size": 13, "text_wrap": True, "valign": "top"})
        self.form_title = wb.add_format(
            {"bold": True, "font_size": 12, "text_wrap": True, "align": "center", "valign": "top"}
        )
        self.note = wb.add_format({"italic": True, "font_color": "#5B6B7B", "text_wrap": True, "valign": "top"})
        self.right_note = wb.add_format({"italic": True, "font_color": "#5B6B7B", "align": "right"})
        self.heading = wb.add_format({"bold": True, "font_color": "#1F4E79", "font_size": 11})
        self.paragraph = wb.add_format({"text_wrap": True, "valign": "top"})
        self.header = wb.add_format(
            {**border, "bold": True, "bg_color": "#EEF2F6", "text_wrap": True, "align": "center", "valign": "vcenter"}
        )
        self.text = wb.add_format({**border, "text_wrap": True})
        self.text_sub = wb.add_format({**border, "text_wrap": True, "indent": 2})
        self.text_bold = wb.add_format({**border, "text_wrap": True, "bold": True, "bg_color": "#F6F8FA"})
        self.center = wb.add_format({**border, "align": "center"})
        self.number = wb.add_format({**border, "num_format": NUMBER_FORMAT})
        self.number_bold = wb.add_format({**border, "num_format": NUMBER_FORMAT, "bold": True, "bg_color": "#F6F8FA"})
        self.share = wb.add_format({**border, "num_format": SHARE_FORMAT})
        self.change = wb.add_format({**border, "num_format": CHANGE_FORMAT})
        self.integer = wb.add_format({**border, "num_format": INTEGER_FORMAT, "align": "center"})
        self.integer_change = wb.add_format({**border, "num_format": INTEGER_CHANGE_FORMAT, "align": "center"})
        self.tiers = {
            code: wb.add_format({**border, "bold": True, "align": "center", "font_color": "#FFFFFF", "bg_color": color})
            for code, color in forms.TIER_COLOR.items()
        }

    def tier(self, code: str | None) -> Any:
        return self.tiers.get(code or "", self.center)


class Sheet:
    """A worksheet with known column widths: writes cells and sizes rows to their wrapped text."""

    def __init__(self, wb: Workbook, name: str, widths: Sequence[float], st: Styles, used: set[str]) -> None:
        self.ws: Worksheet = wb.add_worksheet(_sheet_name(name, used))
        self.widths = list(widths)
        self.st = st
        self.row_lines: dict[int, float] = {}
        for col, width in enumerate(self.widths):
            self.ws.set_column(col, col, width)

    @property
    def name(self) -> str:
        return str(self.ws.name)

    def _need(
        self, row: int, text: str, width: float, line_height: float = 1.0, char_width: float = CHAR_WIDTH
    ) -> None:
        usable = max(width - 1.0, 1.0)
        lines = sum(max(1, math.ceil(len(part) * char_width / usable)) for part in text.split("\n"))
        self.row_lines[row] = max(self.row_lines.get(row, 1.0), lines * line_height)

    def put(self, row: int, col: int, value: Any, fmt: Any) -> None:
        """Write a value; None leaves a formatted blank cell (numbers stay numbers)."""
        if value is None:
            self.ws.write_blank(row, col, None, fmt)
        elif isinstance(value, bool):
            self.ws.write_string(row, col, "да" if value else "нет", fmt)
        elif isinstance(value, int | float):
            self.ws.write_number(row, col, float(value), fmt)
        else:
            text = str(value)
            self.ws.write_string(row, col, text, fmt)
            if col < len(self.widths):
                self._need(row, text, self.widths[col])

    def values(self, row: int, cells: Sequence[tuple[Any, Any]]) -> None:
        for col, (value, fmt) in enumerate(cells):
            self.put(row, col, value, fmt)

    def header(self, row: int, labels: Sequence[str]) -> None:
        """Bold, centred, wrapped header cells: wider characters and whole words per line."""
        for col, label in enumerate(labels):
            self.ws.write_string(row, col, label, self.st.header)
            if col < len(self.widths):
                self._need(row, label, self.widths[col], char_width=HEADER_CHAR_WIDTH)
        self.row_lines[row] = max(self.row_lines.get(row, 1.0), 2.0)

    def merged(self, row: int, text: str, fmt: Any, last_col: int | None = None, line_height: float = 1.0) -> None:
        """Text merged across columns 0..last, always stored as text (never a formula, number or link).

        ``merge_range`` writes its value through xlsxwriter's generic ``write``, which turns a
        string starting with ``=`` into a live formula: the range is merged blank and the text
        is then written with ``write_string`` into its first cell.
        """
        last = len(self.widths) - 1 if last_col is None else last_col
        if last > 0:
            self.ws.merge_range(row, 0, row, last, "", fmt)
        self.ws.write_string(row, 0, text, fmt)
        self._need(row, text, sum(self.widths[: last + 1]), line_height)

    def paragraphs(self, row: int, lines: Sequence[str]) -> int:
        """Paragraphs merged across the table width; returns the next free row."""
        for line in lines:
            self.merged(row, line, self.st.paragraph)
            row += 1
        return row

    def form_head(self, appendix: str, title: str, name: str, year: int) -> int:
        """Appendix note, form title, body name and period above a form's table; returns the header row."""
        self.merged(0, f"{appendix}. Форма" if appendix else "Форма", self.st.right_note)
        self.merged(1, title, self.st.form_title, line_height=1.2)
        self.merged(2, name, self.st.form_title, line_height=1.2)
        self.merged(3, f"{forms.LABEL_PERIOD}: {year} год", self.st.note)
        return 5

    def signatures(self, row: int, roles: Sequence[str], line: str | None = None, dated: bool = True) -> int:
        """Signature blocks: the role, then the line to sign on (``line``), then the form's date line."""
        row += 1
        for role in roles:
            self.merged(row, role, self.st.paragraph)
            if line != "":
                self.ws.write_string(
                    row + 1,
                    1,
                    line or "____________ (подпись)    ______________________ (расшифровка подписи)",
                    self.st.note,
                )
                row += 1
            row += 2
        if dated:
            self.ws.write_string(row, 1, '"____" ______________ 20__ г.', self.st.note)
        return row + 2

    def finish(self, header_row: int, freeze_cols: int = 0) -> None:
        """Row heights, frozen header, print setup (A4 landscape, one page wide, header repeated)."""
        for row, lines in self.row_lines.items():
            if lines > 1.0:
                self.ws.set_row(row, LINE_HEIGHT * lines)
        self.ws.freeze_panes(header_row + 1, freeze_cols)
        self.ws.set_paper(9)
        self.ws.set_landscape()
        self.ws.fit_to_pages(1, 0)
        self.ws.repeat_rows(header_row)
        self.ws.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.6)


def new_workbook(path: Path) -> Workbook:
    """A workbook whose generic ``write`` never turns text into a formula, a number or a link.

    Every cell is written with an explicit typed call (``write_string``, ``write_number``); the
    options are the second line of defence against formula injection through names in the data
    (a body called ``=HYPERLINK(…)`` stays text).
    """
    return xlsxwriter.Workbook(
        str(path), {"strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False}
    )


def _sheet_name(name: str, used: set[str]) -> str:
    clean = "".join("_" if ch in "[]:*?/\\" else ch for ch in name)[:SHEET_NAME_MAX]
    candidate, n = clean, 2
    while candidate.lower() in used:
        suffix = f" {n}"
        candidate = clean[: SHEET_NAME_MAX - len(suffix)] + suffix
        n += 1
    used.add(candidate.lower())
    return candidate


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
