"""The forms of seed 004 beside the conclusions (issue 22 item 9), on the report fixture warehouse plus:

- MIO-35 openness: P1–P6 only (P7 is a CGO penalty: note under Table 8 of Appendix 10);
- CGO-A reconciliation acts for services: АС-1 one unreliable fact (0,2), АС-2 one incomplete
  fact (2), АС-3 two late facts (no points in the interaction edition) → 0,2 + 2 + 0 = 2,2, the
  fixture's services reporting_penalty of CGO-A (under the cap of 5);
- CGO-A criterion K3 «Автоматизация государственных услуг» 20,5 of 25 (T 8 + V 7 + C 5 − P 0,5 + 1 bonus);
- CGO-A objections on appeals: K-1 accepted and applied by a recompute (R1 30 → 40), K-2 rejected
  by the commission, K-3 quarantined (sent after five working days: not considered); K-9 is
  CGO-B's and must not appear.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import duckdb
import openpyxl
import pytest

from kzeval.reports import forms
from kzeval.reports.build import build_agency_report
from kzeval.reports.data import load_snapshot
from kzeval.reports.html import render_agency_html
from kzeval.reports.model import AgencyReport
from kzeval.reports.xlsx import write_agency_xlsx

OPENNESS_MIO = [
    ("open_data", 10.0, 18.0),
    ("open_budget", 12.0, 18.0),
    ("open_legal_acts", 18.0, 18.0),
    ("open_dialogue", 9.0, 18.0),
    ("open_website", 15.0, 18.0),
    ("open_media", 8.0, 10.0),
]  # Σ = 72 of 100
AUTOMATION_CGO_A = [
    ("svc_automation_degree", 8.0, 10.0, "indicator"),
    ("svc_automation_effectiveness", 7.0, 10.0, "indicator"),
    ("svc_mobile", 5.0, 5.0, "indicator"),
    ("svc_downtime_penalty_k3", -0.5, -5.0, "detail"),  # not a form row: must not disturb the form
    ("svc_k3", 20.5, 25.0, "criterion"),
]
PENALTY_FACTS = [
    # year, agency, block, direction, kind, act_ref, facts, points_per_fact, points
    (2024, "CGO-A", "interaction", "services", "unreliable", "АС-1", 1, 0.2, 0.2),
    (2024, "CGO-A", "interaction", "services", "incomplete", "АС-2", 1, 2.0, 2.0),
    (2024, "CGO-A", "interaction", "services", "late", "АС-3", 2, None, None),
]
KEY = '{"appeal_id": "A-1"}'
CORRECTIONS = [
    # correction_id, agency_id, year, table, key, column, new_value, decided_on, decision_ref, note, decision, row
    ("K-1", "CGO-A-T", 2024, "appeals", KEY, "reviewed_on", "2024-02-14", dt.date(2025, 3, 1), "СК-1",
     "ответ направлен вовремя", "accepted", 2),
    ("K-2", "CGO-A", 2024, "appeals", KEY, "redirected_on", "2024-02-20", dt.date(2025, 3, 2), "СК-2", "",
     "rejected", 3),
    ("K-3", "CGO-A", 2024, "appeals", KEY, "kind", "заявление", dt.date(2025, 3, 3), "СК-3", "", "accepted", 4),
    ("K-9", "CGO-B", 2024, "appeals", '{"appeal_id": "B-1"}', "reviewed_on", "2024-02-14", dt.date(2025, 3, 1),
     "СК-9", "", "accepted", 5),
]  # fmt: skip
LATE = "objection sent 2025-02-20, more than 5 working days after the conclusion (2025-02-10): not considered"


def _add_forms_data(path: Path) -> None:
    with duckdb.connect(str(path)) as con:
        for code, value, maximum in OPENNESS_MIO:
            con.execute(
                "INSERT INTO marts.fct_indicator_scores VALUES (2024, 'MIO-35', 'interaction', 'openness', ?, "
                "'indicator', ?, ?, 'default', false, '{}')",
                [code, value, maximum],
            )
        con.execute(
            "INSERT INTO marts.fct_direction_scores VALUES "
            "(2024, 'MIO-35', 'interaction', 'openness', 72.0, 0.0, 72.0, 72.0, false)"
        )
        for code, value, maximum, role in AUTOMATION_CGO_A:
            con.execute(
                "INSERT INTO marts.fct_indicator_scores VALUES (2024, 'CGO-A', 'interaction', 'services', ?, ?, ?, "
                "?, 'default', false, '{}')",
                [code, role, value, maximum],
            )
        con.execute(
            "CREATE TABLE marts.fct_reporting_penalty_facts (year BIGINT, agency_id VARCHAR, block VARCHAR, "
            "direction VARCHAR, kind VARCHAR, act_ref VARCHAR, facts BIGINT, points_per_fact DOUBLE, points DOUBLE)"
        )
        con.executemany(
            "INSERT INTO marts.fct_reporting_penalty_facts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", PENALTY_FACTS
        )
        for schema in ("raw", "audit", "quarantine"):
            con.execute(f"CREATE SCHEMA {schema}")
        con.execute(
            'CREATE TABLE raw.corrections (correction_id VARCHAR, agency_id VARCHAR, "year" BIGINT, "table" VARCHAR, '
            '"key" VARCHAR, "column" VARCHAR, new_value VARCHAR, decided_on DATE, decision_ref VARCHAR, note VARCHAR, '
            "decision VARCHAR, _row_number BIGINT, _file_sha256 VARCHAR, _file_path VARCHAR)"
        )
        con.executemany(
            "INSERT INTO raw.corrections VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'sha', 'corrections/d.csv')",
            CORRECTIONS,
        )
        con.execute(
            "CREATE TABLE audit.corrections_applied AS SELECT 'K-1' AS correction_id, '2024-03-05' AS old_value "
            "UNION ALL SELECT 'K-9', '2024-03-01'"
        )
        con.execute(
            "CREATE TABLE quarantine.rows AS SELECT 'corrections' AS table_name, 'sha' AS file_sha256, "
            f"4::BIGINT AS row_number, 'correction rejected: {LATE}' AS reason"
        )
        con.execute(
            "CREATE TABLE marts.fct_dispute_results (recompute_id VARCHAR, year BIGINT, agency_id VARCHAR, "
            "level VARCHAR, block VARCHAR, direction VARCHAR, item VARCHAR, item_label_ru VARCHAR, "
            "value_before DOUBLE, value_after DOUBLE, rounded_before DOUBLE, rounded_after DOUBLE, "
            "is_changed BOOLEAN, correction_ids VARCHAR, recomputed_at TIMESTAMP)"
        )
        con.execute(
            "INSERT INTO marts.fct_dispute_results VALUES "
            "('r1', 2024, 'CGO-A', 'indicator', 'interaction', 'appeals', 'appeal_review_timeliness', "
            "'R1 Соблюдение сроков', 30.0, 40.0, NULL, NULL, true, 'K-1', '2025-03-05 10:00:00'), "
            "('r1', 2024, 'CGO-A', 'indicator', 'interaction', 'appeals', 'appeal_internal_control', "
            "'R4 Внутренний контроль', 10.0, 10.0, NULL, NULL, false, 'K-1', '2025-03-05 10:00:00')"
        )


@pytest.fixture(scope="module")
def forms_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.support.marts import build_warehouse

    path = build_warehouse(tmp_path_factory.mktemp("forms") / "forms.duckdb")
    _add_forms_data(path)
    return path


@pytest.fixture(scope="module")
def cgo_a(forms_warehouse: Path) -> AgencyReport:
    return build_agency_report(load_snapshot(forms_warehouse, 2024), "CGO-A")


@pytest.fixture(scope="module")
def cgo_a_book(cgo_a: AgencyReport, tmp_path_factory: pytest.TempPathFactory) -> openpyxl.Workbook:
    return openpyxl.load_workbook(write_agency_xlsx(cgo_a, tmp_path_factory.mktemp("forms_xlsx") / "CGO-A.xlsx"))


def _texts(ws: openpyxl.worksheet.worksheet.Worksheet) -> list[str]:
    return [str(c.value) for row in ws.iter_rows() for c in row if isinstance(c.value, str)]


def _row(ws: openpyxl.worksheet.worksheet.Worksheet, row: int, width: int) -> list[object]:
    return [ws.cell(row, c).value for c in range(1, width + 1)]


# ---------------------------------------------------------------------------------------
# Appendix 8, MIO: row 7 kept as «не применяется»
# ---------------------------------------------------------------------------------------


def test_mio_openness_form_keeps_row_7_not_applicable(forms_warehouse: Path, tmp_path: Path) -> None:
    report = build_agency_report(load_snapshot(forms_warehouse, 2024), "MIO-35")
    openness = next(d for b in report.blocks for d in b.directions if d.direction == "openness")
    assert [(r.number, r.code) for r in openness.rows] == [
        ("1", "open_data"),
        ("2", "open_budget"),
        ("3", "open_legal_acts"),
        ("4", "open_dialogue"),
        ("5", "open_website"),
        ("6", "open_media"),
        ("7", "open_subordinate_penalty"),
    ]
    seventh = openness.rows[-1]
    assert seventh.label == "Открытость подведомственных организаций"
    assert seventh.not_applicable and seventh.points is None and seventh.max_points == 0.0
    assert openness.total_max == 100.0  # 5 × 18 + 10; row 7 adds nothing (the seed's form: 0)
    assert openness.analysis[-1].startswith("7. По критерию «Открытость подведомственных организаций»: не применяется")
    ws = openpyxl.load_workbook(write_agency_xlsx(report, tmp_path / "MIO-35.xlsx"))["Открытость"]
    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "7")
    assert _row(ws, row, 4) == ["7", "Открытость подведомственных организаций", "не применяется", 0]
    assert "не применяется" in render_agency_html(report)


def test_cgo_openness_row_7_stays_the_penalty(cgo_a: AgencyReport, forms_warehouse: Path) -> None:
    report = build_agency_report(load_snapshot(forms_warehouse, 2024), "CGO-B")
    assert all(not r.not_applicable for b in report.blocks for d in b.directions for r in d.rows)
    assert all(not r.not_applicable for b in cgo_a.blocks for d in b.directions for r in d.rows)


# ---------------------------------------------------------------------------------------
# Para. 21 and Appendix 1
# ---------------------------------------------------------------------------------------

FACTS_LINE = (
    "Выявленные факты (п. 21 Методики): недостоверная информация — 1 факт (акт сверки АС-1): 0,20 балла за факт, "
    "0,20 балла; неполная информация — 1 факт (акт сверки АС-2): 2,00 балла за факт, 2,00 балла; "
    "несвоевременное представление информации — 2 факта (акт сверки АС-3): штрафные баллы за такие факты "
    "Методикой не предусмотрены."
)


def test_conclusions_list_the_penalty_facts(cgo_a: AgencyReport, cgo_a_book: openpyxl.Workbook) -> None:
    services = next(d for b in cgo_a.blocks for d in b.directions if d.direction == "services")
    assert FACTS_LINE in services.conclusions
    appeals = next(d for b in cgo_a.blocks for d in b.directions if d.direction == "appeals")
    assert not any(line.startswith(forms.LABEL_PENALTY_FACTS) for line in appeals.conclusions)
    assert FACTS_LINE in _texts(cgo_a_book["Услуги"])


def test_appendix_1_act(cgo_a: AgencyReport, cgo_a_book: openpyxl.Workbook) -> None:
    assert [a.direction for a in cgo_a.acts] == ["services"]
    act = cgo_a.acts[0]
    assert act.total == pytest.approx(2.2)  # 0,2 + 2 + 0
    assert act.deduction == pytest.approx(2.2) and act.cap == 5.0  # the direction's capped penalty
    assert act.act_refs == ("АС-1", "АС-2", "АС-3")
    ws = cgo_a_book["Акт сверки Услуги"]
    assert ws["A1"].value == "Приложение 1 к Методике (взаимодействие). Форма"
    assert ws["A2"].value.startswith("АКТ СВЕРКИ по итогам перепроверки данных")
    assert ws["A3"].value == "Министерство А"
    assert _row(ws, 6, 3) == ["№", "Представление недостоверной информации", "Вычитаемые баллы"]
    assert _row(ws, 7, 3) == [1, "недостоверная информация — 1 факт (акт сверки АС-1)", 0.2]
    assert _row(ws, 8, 3) == [2, "неполная информация — 1 факт (акт сверки АС-2)", 2]
    assert _row(ws, 9, 3) == [3, "несвоевременное представление информации — 2 факта (акт сверки АС-3)", None]
    assert ws.cell(10, 2).value == "ВСЕГО:" and ws.cell(10, 3).value == pytest.approx(2.2)
    texts = _texts(ws)
    assert forms.ACT_FACTS_HEAD in texts
    assert "ИТОГОВЫЙ ВЫЧЕТ: 2,20 балла (не более 5,00 баллов по направлению, п. 20 Методики)." in texts
    assert "Представитель уполномоченного органа, должность" in texts
    assert "Представитель оцениваемого государственного органа, должность" in texts


# ---------------------------------------------------------------------------------------
# Appendix 5
# ---------------------------------------------------------------------------------------


def test_appendix_5_automation_conclusion(cgo_a: AgencyReport, cgo_a_book: openpyxl.Workbook) -> None:
    a = cgo_a.automation
    assert a is not None and a.points == 20.5 and a.max_points == 25.0
    assert a.analysis[:3] == (
        "1) «Степень автоматизации государственных услуг»: 8,00 из 10,00.",
        "2) «Эффективность автоматизации государственных услуг»: 7,00 из 10,00.",
        "3) «Смартфонизация государственных услуг»: 5,00 из 5,00.",
    )
    assert a.conclusions == ("По критерию «Автоматизация государственных услуг» — 20,50 из 25,00 (82,0 % максимума).",)
    ws = cgo_a_book["Автоматизация услуг"]
    assert ws["A1"].value == "Приложение 5 к Методике (взаимодействие). Форма"
    assert _row(ws, 6, 4) == ["№", "Критерии", "Балл", "Максимальный балл"]
    assert _row(ws, 7, 4) == [1, "Автоматизация государственных услуг", 20.5, 25]
    assert ws.cell(8, 1).value is None  # one row, as in the form
    assert "Руководитель государственного органа" in _texts(ws)


def test_no_appendix_5_for_a_mio_or_without_k3(forms_warehouse: Path) -> None:
    snap = load_snapshot(forms_warehouse, 2024)
    assert build_agency_report(snap, "MIO-35").automation is None
    assert build_agency_report(snap, "CGO-B").automation is None


# ---------------------------------------------------------------------------------------
# Appendix 14
# ---------------------------------------------------------------------------------------


def test_appendix_14_lists_every_objection_with_its_decision(cgo_a: AgencyReport) -> None:
    assert [t.direction for t in cgo_a.disputes] == ["appeals"]
    table = cgo_a.disputes[0]
    assert [(r.correction_id, r.decision) for r in table.rows] == [
        ("K-1", "accepted"),
        ("K-2", "rejected"),
        ("K-3", "not_considered"),
    ]
    k1, k2, k3 = table.rows
    assert k1.conclusion == f"«R1 Соблюдение сроков»: 30,00; appeals {KEY}: reviewed_on = 2024-03-05"
    assert k1.objection == "reviewed_on: 2024-02-14 — ответ направлен вовремя"
    assert k1.note == "Принято (решение СК-1 от 01.03.2025): «R1 Соблюдение сроков» 30,00 → 40,00"
    assert k2.conclusion == f"appeals {KEY}: redirected_on"
    assert k2.note == "Не принято (решение СК-2 от 02.03.2025)"
    assert k3.note == f"Не рассмотрено: {LATE}"
    assert table.final_line == "Общий балл с учетом итогов обжалования составил 85,00."  # CGO-A appeals


def test_appendix_14_sheet_has_the_forms_columns_and_signatures(cgo_a_book: openpyxl.Workbook) -> None:
    ws = cgo_a_book["Разногласия Жалобы"]
    assert ws["A1"].value == "Приложение 14 к Методике (взаимодействие). Форма"
    assert ws["A2"].value == (
        "Таблица разногласий по результатам операционной оценки по направлению "
        "«Качество рассмотрения жалоб и заявлений»"
    )
    assert _row(ws, 6, 4) == [
        "№",
        "Заключение уполномоченного на оценку государственного органа",
        "Возражение оцениваемого государственного органа",
        "Примечание",
    ]
    assert _row(ws, 7, 4) == ["1", "2", "3", "4"]  # the form's column numbers
    assert [ws.cell(r, 1).value for r in (8, 9, 10)] == [1, 2, 3] and ws.cell(11, 1).value is None
    assert ws.cell(9, 4).value == "Не принято (решение СК-2 от 02.03.2025)"
    texts = _texts(ws)
    assert "Общий балл с учетом итогов обжалования составил 85,00." in texts
    chair, acquainted, body = (
        texts.index("Председатель комиссии, должность"),
        texts.index("С итогами обжалования ознакомлен:"),
        texts.index("Представитель государственного органа, должность"),
    )
    assert chair < acquainted < body
    assert sum(t.endswith("(ФИО)") for t in texts) == 2


def test_appendix_14_in_html(cgo_a: AgencyReport) -> None:
    html = render_agency_html(cgo_a)
    assert 'id="dispute-table-appeals"' in html and "Не принято (решение СК-2 от 02.03.2025)" in html
    assert "Председатель комиссии, должность" in html and "С итогами обжалования ознакомлен:" in html
    assert 'id="act-table-services"' in html and 'id="automation-table"' in html


def test_bodies_without_objections_get_no_dispute_table(forms_warehouse: Path) -> None:
    snap = load_snapshot(forms_warehouse, 2024)
    assert build_agency_report(snap, "CGO-C").disputes == ()
    assert build_agency_report(snap, "MIO-35").acts == ()


def test_reports_without_the_new_marts_still_build(make_warehouse: Callable[..., Path]) -> None:
    report = build_agency_report(load_snapshot(make_warehouse(), 2024), "CGO-A")
    assert report.acts == () and report.disputes == () and report.automation is None


def test_an_iin_in_a_decision_never_reaches_the_dispute_table() -> None:
    import polars as pl

    from kzeval.reports.appendices import IIN_MASK, dispute_row
    from kzeval.reports.data import DISPUTE_RESULTS_SCHEMA

    objection = {
        "correction_id": "K-7",
        "table_name": "employees",
        "row_key": '{"iin": "970120313144"}',
        "column_name": "position",
        "old_value": "главный эксперт",
        "new_value": "эксперт",
        "note": "сотрудник ИИН 970 120 313 144 переведен",
        "decision_ref": "СК-7",
        "decided_on": dt.date(2025, 3, 7),
        "decision": "accepted",
        "applied": True,
        "rejection_reason": None,
    }
    row = dispute_row(objection, pl.DataFrame(schema=DISPUTE_RESULTS_SCHEMA))
    text = " ".join((row.conclusion, row.objection, row.note))
    assert "970120313144" not in text and "970 120 313 144" not in text
    assert row.conclusion == f'employees {{"iin": "{IIN_MASK}"}}: position = главный эксперт'
    assert row.objection == f"position: эксперт — сотрудник ИИН {IIN_MASK} переведен"
    assert row.note == "Принято (решение СК-7 от 07.03.2025)"
