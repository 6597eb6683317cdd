"""A disputed appeals count and a disputed inspection result, from the landing folder to the marts.

Three full pipeline runs: the assessment, `kzeval recompute` with the commission's decisions,
and the same recompute again (nothing new: nothing may change or be duplicated). The drop
is in tests/support/drops.py; every expected figure is worked out below (methodology §1–4, seed 004).

C1 before the decisions
  appeals: p = 50 reviewed (49 on time + C1-late), f = 1 → R1 = 40 − 1/50 × 1000 = 20;
           a = 0 → R2 = 30; m = 51 received, n = 1 (C1-redir) → R3 = 20 − 1/51 × 100 = 18.0392…;
           late cases C1-late (liable: yes) and C1-redir (no) → 50 % → R4 = 1;  H = 69.0392…
  services: T1 = 12 − 4/200 000 × 10 000 = 11.8 (the inspection's 4 beat monitoring's 3 − 1);
           U = 24.5 + 49.75 + 19.6 = 93.85; penalty min(5, 2 × 0.2 + 3 × 2 = 6.4) = 5 → 88.85
  openness: 5 + 4 + 0 + 5 + 3 + 6.35 = 23.35
  block: 0.5 × 88.85 + 0.2 × 23.35 + 0.3 × 69.0392… = 69.8068 → 69.81 «Низкая», rank 2 of 2 CGO
C1 after K-1 (C1-late reviewed on 14.02, before its due date) and K-2 (inspection overdue 4 → 2)
  R1 = 40 (f = 0); R4 = 0 (the one late case, C1-redir, has no liability: 0 %) → H = 88.0392…
  T1 = 12 − 2/200 000 × 10 000 = 11.9 → U = 93.95 → services 88.95
  block: 0.5 × 88.95 + 0.2 × 23.35 + 0.3 × 88.0392… = 75.5568 → 75.56 «Средняя», rank 1
C2 (unchanged): services 100, openness 2.5 + 0.9 = 3.4, appeals 20 + 30 + 20 + 10 = 80
  block 50 + 0.68 + 24 = 74.68, rank 1 → 2
M1 (unchanged: its decision K-3 waits for its own recompute): 0.5 × 95.8 + 0.2 × 3.4 + 0.3 × 100 = 78.58
"""

from __future__ import annotations

import contextlib
import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest

from kzeval.cli import main
from pipelines.launch import run_assessment
from tests.support.drops import YEAR, build_drop, write_corrections

pytestmark = pytest.mark.slow
approx = pytest.approx


def _cli(argv: list[str]) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(argv)
    return code, out.getvalue()


def _figures(warehouse: Path) -> dict[str, Any]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return {
            "indicators": {
                (a, i): (v, inputs)
                for a, i, v, inputs in con.execute(
                    "SELECT agency_id, indicator, value, inputs FROM marts.fct_indicator_scores WHERE year = ?", [YEAR]
                ).fetchall()
            },
            "directions": {
                (a, d): (raw, penalty, score, float(rounded))  # score_rounded is DECIMAL(5,2)
                for a, d, raw, penalty, score, rounded in con.execute(
                    "SELECT agency_id, direction, raw_score, reporting_penalty, score, score_rounded "
                    "FROM marts.fct_direction_scores WHERE year = ?",
                    [YEAR],
                ).fetchall()
            },
            "blocks": {
                a: (score, rounded, tier, label, rank)
                for a, score, rounded, tier, label, rank in con.execute(
                    "SELECT agency_id, score, score_rounded, efficiency_tier, tier_label_ru, rank_in_body_type "
                    "FROM marts.fct_block_scores WHERE year = ? AND block = 'interaction'",
                    [YEAR],
                ).fetchall()
            },
            "rollup": dict(
                con.execute(
                    "SELECT body_type, mean_score FROM marts.fct_national_rollup WHERE year = ? "
                    "AND block = 'interaction' AND region_code = 'KZ'",
                    [YEAR],
                ).fetchall()
            ),
            "audit": con.execute(
                "SELECT correction_id, table_name, row_key, column_name, old_value, new_value, decision_ref, "
                "applied_at FROM audit.corrections_applied ORDER BY correction_id"
            ).fetchall(),
            "quarantine": con.execute(
                "SELECT row_number, column_name, reason FROM quarantine.rows WHERE table_name = 'corrections' "
                "ORDER BY row_number"
            ).fetchall(),
            "disputes": con.execute(
                "SELECT recompute_id, level, item, value_before, value_after, tier_before, tier_after, rank_before, "
                "rank_after, is_changed, correction_ids FROM marts.fct_dispute_results ORDER BY recomputed_at, level, item"
            ).fetchall(),
            "lineage": con.execute(
                "SELECT indicator, source_table, file_path, rows_contributing, corrections_applied "
                "FROM marts.fct_indicator_lineage WHERE year = ? AND agency_id = 'C1' "
                "AND indicator IN ('appeal_review_timeliness', 'svc_timeliness') ORDER BY ALL",
                [YEAR],
            ).fetchall(),
        }


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("disputes")
    landing, warehouse = root / "landing", root / "warehouse" / "kzeval.duckdb"
    build_drop(landing)
    result = run_assessment(YEAR, landing, warehouse)
    assert result.success, result.failures
    explain_r1 = ["explain", "--year", str(YEAR), "--agency", "C1", "--indicator", "appeal_review_timeliness"]
    explain_r1 += ["--records", "--warehouse", str(warehouse)]
    recompute = ["recompute", "--year", str(YEAR), "--agency", "C1", "--landing", str(landing)]
    recompute += ["--warehouse", str(warehouse)]
    state: dict[str, Any] = {"warehouse": warehouse, "before": _figures(warehouse), "explain_before": _cli(explain_r1)}
    write_corrections(landing)
    state["recompute"] = _cli(recompute)
    state["after"] = _figures(warehouse)
    state["explain_after"] = _cli(explain_r1)
    state["explain_t1"] = _cli(
        [
            "explain",
            "--year",
            str(YEAR),
            "--agency",
            "C1",
            "--indicator",
            "svc_timeliness",
            "--warehouse",
            str(warehouse),
        ]
    )
    state["recompute_again"] = _cli(recompute)
    state["again"] = _figures(warehouse)
    return state


def test_published_figures_before_the_dispute(runs: dict[str, Any]) -> None:
    before = runs["before"]
    value = {k: v for k, (v, _) in before["indicators"].items()}
    assert value["C1", "appeal_review_timeliness"] == approx(20)
    assert value["C1", "appeal_internal_control"] == approx(1)
    assert value["C1", "appeal_redirect_timeliness"] == approx(20 - 100 / 51)
    assert value["C1", "svc_timeliness"] == approx(11.8)
    h = 20 + 30 + (20 - 100 / 51) + 1
    assert before["directions"]["C1", "appeals"][2] == approx(h)
    assert before["directions"]["C1", "services"] == approx((93.85, 5, 88.85, 88.85))
    assert before["directions"]["C1", "openness"][2] == approx(23.35)
    assert before["blocks"]["C1"][0] == approx(0.5 * 88.85 + 0.2 * 23.35 + 0.3 * h)
    assert before["blocks"]["C1"][1:] == (Decimal("69.81"), "low", "Низкая", 2)
    assert before["blocks"]["C2"][1:] == (Decimal("74.68"), "medium", "Средняя", 1)
    assert before["blocks"]["M1"][1:] == (Decimal("78.58"), "medium", "Средняя", 1)
    # (69.81 + 74.68) / 2 = 72.245 exactly → 72.25 half up (a double mean could give 72.24)
    assert before["rollup"]["CGO"] == Decimal("72.25")
    assert before["audit"] == [] and before["disputes"] == []


def test_explain_lists_the_late_appeal_before_the_dispute(runs: dict[str, Any]) -> None:
    code, text = runs["explain_before"]
    assert code == 0
    assert "Расчет                  max(0, 40 − (1 / 50 × 1000)) = 20" in text
    assert "appeals/appeals.csv" in text and "строк: 51" in text  # 49 on time + C1-late + C1-redir
    assert "f = 1; найдено 1" in text
    assert "C1-late" in text and "20.02.2024" in text
    assert "не применялись" in text


def test_recompute_prints_the_disagreement_table(runs: dict[str, Any]) -> None:
    code, text = runs["recompute"]
    assert code == 0, text
    assert text.count("Таблица разногласий по результатам операционной оценки по направлению") == 2
    assert "«Качество рассмотрения жалоб и заявлений»" in text and "«Качество оказания государственных услуг»" in text
    assert "«Открытость государственного органа»" not in text
    assert "Общий балл с учетом итогов обжалования составил 88.04 (до обжалования 69.04)." in text
    assert "Общий балл с учетом итогов обжалования составил 88.95 (до обжалования 88.85)." in text
    assert "Общий балл с учетом итогов обжалования составил 75.56 (до обжалования 69.81)" in text
    assert "Степень эффективности: Низкая → Средняя; место среди ЦГО: 2 → 1" in text
    assert "K-1: решение СК-2025/1 от 01.03.2025" in text and "K-2: решение СК-2025/2 от 02.03.2025" in text
    assert "K-BAD-ROW: unknown row" in text and "K-BAD-COL: wrong column" in text and "K-BAD-TYPE: wrong type" in text
    assert "K-3 (M1)" in text  # deferred, not applied
    assert "C2 (Взаимодействие государственного органа с физическими и юридическими лицами): 1 → 2" in text


def test_disputed_figures_after_the_commission_decisions(runs: dict[str, Any]) -> None:
    after = runs["after"]
    value = {k: v for k, (v, _) in after["indicators"].items()}
    assert value["C1", "appeal_review_timeliness"] == approx(40)
    assert value["C1", "appeal_internal_control"] == approx(0)
    assert value["C1", "svc_timeliness"] == approx(11.9)
    h = 40 + 30 + (20 - 100 / 51) + 0
    assert after["directions"]["C1", "appeals"][2] == approx(h)
    assert after["directions"]["C1", "services"] == approx((93.95, 5, 88.95, 88.95))
    assert after["blocks"]["C1"][0] == approx(0.5 * 88.95 + 0.2 * 23.35 + 0.3 * h)
    assert after["blocks"]["C1"][1:] == (Decimal("75.56"), "medium", "Средняя", 1)
    assert after["blocks"]["C2"][1:] == (Decimal("74.68"), "medium", "Средняя", 2)
    assert after["rollup"]["CGO"] == Decimal("75.12")  # (75.56 + 74.68) / 2: national rollup refreshed


def test_other_bodies_are_untouched(runs: dict[str, Any]) -> None:
    before, after = runs["before"], runs["after"]
    for body in ("C2", "M1"):
        assert {k: v for k, v in after["indicators"].items() if k[0] == body} == {
            k: v for k, v in before["indicators"].items() if k[0] == body
        }
        assert {k: v for k, v in after["directions"].items() if k[0] == body} == {
            k: v for k, v in before["directions"].items() if k[0] == body
        }
        assert after["blocks"][body][:4] == before["blocks"][body][:4]
    assert after["blocks"]["M1"] == before["blocks"]["M1"]  # M1's own decision K-3 was not applied


def test_audit_quarantine_and_dispute_mart(runs: dict[str, Any]) -> None:
    after = runs["after"]
    assert [row[:7] for row in after["audit"]] == [
        ("K-1", "appeals", '{"appeal_id": "C1-late"}', "reviewed_on", "2024-02-20", "2024-02-14", "СК-2025/1"),
        (
            "K-2",
            "service_violations",
            '{"agency_id": "C1", "service_code": "S1", "source": "inspection", "year": 2024}',
            "overdue",
            "4",
            "2",
            "СК-2025/2",
        ),
    ]
    assert after["quarantine"] == [
        (4, "key", 'correction rejected: K-BAD-ROW: unknown row: no landed row of appeals has key {"appeal_id": "NOPE"}'),
        (5, "column", "correction rejected: K-BAD-COL: wrong column: «reviewed» is not a column of appeals"),
        (6, "new_value", "correction rejected: K-BAD-TYPE: wrong type: «два» is not a valid count for "
         "service_violations.overdue"),
    ]  # fmt: skip
    changed = {(level, item): tuple(rest) for _, level, item, *rest in after["disputes"] if rest[6]}
    assert changed["indicator", "appeal_review_timeliness"] == (20, 40, None, None, None, None, True, "K-1")
    assert changed["indicator", "svc_timeliness"][:2] == approx((11.8, 11.9))
    assert changed["indicator", "svc_timeliness"][7] == "K-2"
    assert changed["block", "interaction"][2:6] == ("low", "medium", 2, 1)
    assert changed["block", "interaction"][7] == "K-1, K-2"
    assert ("direction", "openness") not in changed


def test_lineage_mart_and_explain_show_the_correction(runs: dict[str, Any]) -> None:
    assert runs["after"]["lineage"] == [
        ("appeal_review_timeliness", "appeals", "appeals/appeals.csv", 51, 1),
        ("svc_timeliness", "service_violations", "service_violations/service_violations.csv", 1, 1),
        ("svc_timeliness", "services_rendered", "services_rendered/services_rendered.csv", 2, 0),  # C1 + C1-T
    ]
    code, text = runs["explain_after"]
    assert code == 0
    assert "max(0, 40 − (0 / 50 × 1000)) = 40" in text
    assert "K-1: решение СК-2025/1 от 01.03.2025 — appeals" in text and "reviewed_on 2024-02-20 → 2024-02-14" in text
    assert "f = 0; найдено 0" in text
    code, text = runs["explain_t1"]
    # b = 200 000 rendered − 1 late during a confirmed outage (para. 40, svc.outage_excluded=a_and_b)
    assert "max(0, 12 − (2 / 199999 × 10000)) = 11.9" in text
    assert "−5 = min(5, 2 × 0.2 + 3 × 2)" in text
    assert "K-2: решение СК-2025/2 от 02.03.2025 — service_violations" in text


def test_a_second_recompute_changes_and_duplicates_nothing(runs: dict[str, Any]) -> None:
    code, text = runs["recompute_again"]
    assert code == 0, text
    assert "Новых решений специальной комиссии для этого органа нет" in text
    after, again = runs["after"], runs["again"]
    for part in ("indicators", "directions", "blocks", "rollup", "audit", "quarantine", "lineage"):
        assert again[part] == after[part], part  # the audit keeps when each correction was first applied
    recomputes = sorted({row[0] for row in again["disputes"]})
    assert len(recomputes) == 2
    assert not any(row[9] for row in again["disputes"] if row[0] == recomputes[1])
    assert not list(Path(runs["warehouse"]).parent.glob("*.recompute*"))  # the private copy is gone


def test_the_agency_report_carries_the_forms_of_the_dispute(runs: dict[str, Any], tmp_path: Path) -> None:
    """Appendices 1 and 14 and the para. 21 facts from the drop (issue 22 item 9).

    Reconciliation act Акт-1 for C1 services: 3 incomplete facts × 2 = 6 and 2 unreliable × 0,2 =
    0,4 → 6,4 in all, deducted min(5, 6,4) = 5. Objections of C1: K-1 (appeals) and K-2
    (service_violations) accepted and applied; K-BAD-COL, K-BAD-ROW (appeals) and K-BAD-TYPE
    (service_violations) refused by the correction rules: not considered. K-3 is M1's.
    """
    import openpyxl

    from kzeval.reports.build import build_agency_report
    from kzeval.reports.data import load_snapshot
    from kzeval.reports.xlsx import write_agency_xlsx

    report = build_agency_report(load_snapshot(runs["warehouse"], YEAR), "C1")
    services = next(d for b in report.blocks for d in b.directions if d.direction == "services")
    assert services.conclusions[-1] == (
        "Выявленные факты (п. 21 Методики): неполная информация — 3 факта (акт сверки Акт-1): 2,00 балла за факт, "
        "6,00 балла; недостоверная информация — 2 факта (акт сверки Акт-1): 0,20 балла за факт, 0,40 балла."
    )
    (act,) = report.acts
    assert act.direction == "services" and act.total == approx(6.4) and act.deduction == approx(5.0)
    tables = {t.direction: t for t in report.disputes}
    assert set(tables) == {"services", "appeals"}
    assert [(r.correction_id, r.decision) for r in tables["appeals"].rows] == [
        ("K-1", "accepted"),
        ("K-BAD-COL", "not_considered"),
        ("K-BAD-ROW", "not_considered"),
    ]
    assert [(r.correction_id, r.decision) for r in tables["services"].rows] == [
        ("K-BAD-TYPE", "not_considered"),
        ("K-2", "accepted"),
    ]
    k1 = tables["appeals"].rows[0]
    assert k1.note == (  # K-1 took C1-late out of the late cases: R1 20 → 40 and R4 1 → 0 (see the docstring above)
        "Принято (решение СК-2025/1 от 01.03.2025): «R1 Соблюдение сроков рассмотрения жалоб и заявлений» "
        "20,00 → 40,00; «R4 Внутренний контроль за качеством рассмотрения жалоб и заявлений» 1,00 → 0,00"
    )
    assert k1.conclusion.startswith("«R1 Соблюдение сроков рассмотрения жалоб и заявлений»: 20,00; «R4 ")
    assert (
        tables["appeals"].final_line
        == f"Общий балл с учетом итогов обжалования составил {88.0392:.2f}".replace(".", ",") + "."
    )  # H after K-1 = 88.0392…
    book = openpyxl.load_workbook(write_agency_xlsx(report, tmp_path / "C1.xlsx"))
    assert {"Акт сверки Услуги", "Разногласия Услуги", "Разногласия Жалобы", "Автоматизация услуг"} <= set(
        book.sheetnames
    )
