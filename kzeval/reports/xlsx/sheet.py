"""The workbook's shared parts: cell formats (:class:`Styles`), the sheet writer (:class:`Sheet`), page setup.

See :mod:`kzeval.reports.xlsx` for the conventions every sheet follows.
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
