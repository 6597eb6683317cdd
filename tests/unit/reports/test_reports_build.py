"""Report models from the hand-made warehouse (tests/reports/conftest.py): forms, analysis, ranking.

Every expected number is computed by hand from the fixture rows (arithmetic in comments).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest

from kzeval.reports.build import build_agency_report
from kzeval.reports.data import Snapshot, load_snapshot
from kzeval.reports.fmt import compact_inputs, num, pct, signed
from kzeval.reports.model import ReportError
from kzeval.reports.national import build_national_report

# --------------------------------------------------------------------------------------
# Number formatting
# --------------------------------------------------------------------------------------


def test_russian_number_formatting() -> None:
    assert num(1234.5) == "1234,50"
    assert num(-1.5) == "−1,50"
    assert num(-0.004) == "0,00"  # no negative zero
    assert num(None) == "—"
    assert signed(1.2) == "+1,20"
    assert signed(-0.35) == "−0,35"
    assert signed(0.004) == "0,00"
    assert pct(0.984) == "98,4 %"
    assert pct(None) == "—"


def test_compact_inputs_summarises_nested_values() -> None:
    assert compact_inputs('{"a": 1, "b": 0.5, "c": {"x": 1, "y": 2}, "d": true}') == "a=1; b=0,5; c={2 знач.}; d=да"
    assert compact_inputs(None) == ""


# --------------------------------------------------------------------------------------
# Agency conclusions
# --------------------------------------------------------------------------------------


def test_agency_report_has_every_block_and_direction_with_data(snapshot: Snapshot) -> None:
    report = build_agency_report(snapshot, "CGO-A")
    assert report.name_ru == "Министерство А"
    assert [b.block for b in report.blocks] == ["interaction", "org_development"]
    assert [d.direction for d in report.blocks[0].directions] == ["services", "appeals"]  # no openness rows
    assert [d.direction for d in report.blocks[1].directions] == ["it"]


def test_services_form_rows_for_cgo(snapshot: Snapshot) -> None:
    services = build_agency_report(snapshot, "CGO-A").blocks[0].directions[0]
    rows = {r.number: r for r in services.rows}
    # Appendix 3 (CGO): three criteria with the Appendix 2 indicators under them.
    assert [r.number for r in services.rows] == [
        "1", "1.1", "1.2", "2", "2.1", "2.2", "2.3", "2.4", "3", "3.1", "3.2", "3.3", "3.4", "3.5", "3.6",
    ]  # fmt: skip
    assert rows["1"].code == "svc_k1" and rows["1"].points == 21.5 and rows["1"].max_points == 25.0
    assert rows["1"].label == "Удовлетворенность услугополучателей качеством оказания государственных услуг"
    assert rows["1.1"].points == 12.0 and rows["1.1"].max_points == 15.0
    # medians of the CGOs in 2024: satisfaction {12, 15, 9} → 12; complaints {9.5, 6, 10} → 9.5; K1 {21.5, 21, 19} → 21
    assert rows["1.1"].median == 12.0
    assert rows["1.2"].median == 9.5
    assert rows["1"].median == 21.0
    # previous year: K1 18 → change 21.5 − 18 = +3.5
    assert rows["1"].previous == 18.0 and rows["1"].change == pytest.approx(3.5)
    # K2 has no rows in the warehouse: printed as not computed, maximum from the edition (50)
    assert rows["2"].code == "svc_k2" and rows["2"].points is None and rows["2"].max_points == 50.0
    # downtime penalty keeps its sign and its negative cap
    assert rows["3.4"].code == "svc_downtime_penalty" and rows["3.4"].points == -1.0 and rows["3.4"].is_penalty
    assert rows["3.5"].bonus and rows["3.6"].bonus
    # the form maximum: 25 + 50 + 25 = 100 (bonuses and penalties excluded)
    assert services.total_max == 100.0


def test_services_form_for_mio_has_no_automation_criterion(snapshot: Snapshot) -> None:
    services = build_agency_report(snapshot, "MIO-35").blocks[0].directions[0]
    codes = [r.code for r in services.rows]
    assert "svc_k3" not in codes and "svc_automation_degree" not in codes  # Appendix 4: two criteria
    rows = {r.code: r for r in services.rows}
    assert rows["svc_k1"].max_points == 40.0 and rows["svc_k2"].max_points == 60.0
    assert services.total_max == 100.0  # 40 + 60
    # MIO services 2024: {88, 45.5} → median 66.75; MIO-35 first of two
    assert services.median_score == 66.75 and services.rank == 1 and services.peers == 2
    assert services.form.title.endswith("предоставляемых местными исполнительными органами")


def test_direction_totals_rank_and_change(snapshot: Snapshot) -> None:
    services = build_agency_report(snapshot, "CGO-A").blocks[0].directions[0]
    assert services.raw_score == 80.0 and services.reporting_penalty == 2.2 and services.score == 77.8
    assert services.penalty_cap == 5.0  # interaction para. 20
    # CGO services 2024 {77.8, 90, 70}: median 77.8, CGO-A second; 2023: 70 → +7.8
    assert services.median_score == 77.8
    assert (services.rank, services.peers) == (2, 3)
    assert services.change == pytest.approx(7.8)


def test_direction_analysis_and_conclusions_text(snapshot: Snapshot) -> None:
    services = build_agency_report(snapshot, "CGO-A").blocks[0].directions[0]
    assert services.analysis[0] == (
        "1. По критерию «Удовлетворенность услугополучателей качеством оказания государственных услуг»: "
        "21,50 из 25,00 (86,0 % максимума); медиана ЦГО — 21,00; 2023 г. — 18,00 (+3,50); "
        "наименьшая доля максимума — «Уровень удовлетворенности качеством оказания государственных услуг» "
        "(12,00 из 15,00)."
    )
    assert services.analysis[1] == (
        "2. По критерию «Обеспечение качества оказания государственных услуг»: не рассчитано (нет исходных данных)."
    )
    assert services.conclusions[0] == (
        "Итоговая оценка по направлению — 77,80 из 100,00; медиана ЦГО — 77,80 (на уровне медианы); "
        "место 2 из 3 среди ЦГО."
    )
    assert services.conclusions[1] == "По сравнению с 2023 годом оценка выросла на 7,80 балла."
    assert services.conclusions[2].startswith("Вычтено 2,20 штрафного балла")
    # losses: satisfaction 15 − 12 = 3, complaints 10 − 9.5 = 0.5
    assert services.conclusions[3] == (
        "Наибольший резерв роста: «Уровень удовлетворенности качеством оказания государственных услуг» (−3,00), "
        "«Обжалование качества оказания государственных услуг» (−0,50)."
    )
    assert services.conclusions[4] == "Ни один показатель не ниже медианы ЦГО."

    appeals = build_agency_report(snapshot, "CGO-A").blocks[0].directions[1]
    # R1: 30 against the CGO median of {30, 40, 35} = 35
    assert appeals.conclusions[-1] == (
        "Рекомендуется обратить внимание на показатели ниже медианы ЦГО: «Соблюдение сроков рассмотрения жалоб и заявлений»."
    )
    assert appeals.provisional  # the direction row is provisional


def test_block_conclusion(snapshot: Snapshot) -> None:
    block = build_agency_report(snapshot, "CGO-A").blocks[0]
    assert block.score == 81.2 and block.tier == "medium" and block.tier_label == "Средняя"
    assert (block.rank, block.peers) == (2, 3)
    assert block.median_score == 81.2  # {92.5, 81.2, 62.0}
    assert block.previous_score == 75.0 and block.change == pytest.approx(6.2)
    assert block.form.title.endswith('"Взаимодействие государственного органа с физическими и юридическими лицами"')
    assert block.analysis[0] == (
        '1. Оценка по направлению "Качество оказания государственных услуг": 77,80; медиана ЦГО — 77,80 '
        "(на уровне медианы); место 2 из 3; по сравнению с 2023 годом оценка выросла на 7,80 балла."
    )
    assert block.conclusions[0] == (
        "Итоговая оценка по блоку — 81,20, степень эффективности «Средняя»; место 2 из 3 среди ЦГО; "
        "медиана ЦГО — 81,20 (на уровне медианы)."
    )


def test_weakest_indicators_by_share_of_maximum(snapshot: Snapshot) -> None:
    block = build_agency_report(snapshot, "CGO-A").blocks[0]
    # shares: R1 30/40 = 0.75 (lost 10), R3 15/20 = 0.75 (lost 5), P1 12/15 = 0.8, P2 9.5/10 = 0.95;
    # R2 and R4 are at their maximum, K1 is a criterion sum, the downtime penalty is not a share.
    assert [w.code for w in block.weakest] == [
        "appeal_review_timeliness",
        "appeal_redirect_timeliness",
        "svc_satisfaction",
        "svc_complaints",
    ]
    first = block.weakest[0]
    assert first.share == 0.75 and first.median == 35.0 and first.previous == 36.0


def test_org_development_it_form(snapshot: Snapshot) -> None:
    org = build_agency_report(snapshot, "CGO-A").blocks[1]
    it = org.directions[0]
    # Appendix 14 for a CGO: smart cities (MIO only) is not printed; function automation has no data.
    assert [r.code for r in it.rows] == [
        "it_architecture_portal",
        "it_data_currency",
        "it_function_automation",
        "it_digital_staff",
        "it_ict_training",
        "it_local_content",
        "it_data_register",
        "it_unused_systems",
    ]
    assert it.total_max == 100.0  # 30 + 20 + 25 + 20 + 5; F and H are bonuses
    assert it.penalty_cap == 10.0  # org development para. 24
    assert it.form.penalty_label == "Штрафные баллы"
    assert it.median_score == pytest.approx(65.8)  # {59.6, 72}
    assert it.previous_score is None and "Данные за 2023 год отсутствуют." in it.conclusions
    assert [w.code for w in org.weakest] == ["it_architecture_portal"]  # 15/30; bonus F excluded


def test_indicator_detail_lines(snapshot: Snapshot) -> None:
    report = build_agency_report(snapshot, "CGO-A")
    assert len(report.indicators) == 12  # 4 services + 4 appeals + 4 IT rows of CGO-A in 2024
    assert [i.code for i in report.indicators[:4]] == [
        "svc_k1",
        "svc_satisfaction",
        "svc_complaints",
        "svc_downtime_penalty",
    ]
    r1 = next(i for i in report.indicators if i.code == "appeal_review_timeliness")
    assert r1.provisional and r1.reading == "svc.automation_effectiveness=average"
    assert r1.symbol == "R1"


def test_unknown_and_sub_unit_agency(snapshot: Snapshot) -> None:
    with pytest.raises(ReportError, match="rolls up to CGO-A"):
        build_agency_report(snapshot, "CGO-A-T")
    with pytest.raises(ReportError, match="unknown agency"):
        build_agency_report(snapshot, "NOPE")


def test_agency_without_scores_for_the_year(warehouse: Path) -> None:
    with pytest.raises(ReportError, match="no scores"):
        build_agency_report(load_snapshot(warehouse, 2022), "CGO-A")


# --------------------------------------------------------------------------------------
# National ranking
# --------------------------------------------------------------------------------------


def test_national_summary_from_the_rollup_mart(snapshot: Snapshot) -> None:
    report = build_national_report(snapshot)
    assert [(s.block, s.body_type) for s in report.summary] == [
        ("interaction", "CGO"),
        ("interaction", "MIO"),
        ("org_development", "CGO"),
    ]
    cgo = report.summary[0]
    assert cgo.agencies == 3
    assert cgo.mean == pytest.approx(78.5667, abs=1e-4)  # (92.5 + 81.2 + 62.0) / 3
    assert cgo.median == 81.2
    assert cgo.tiers == {"high": 1, "medium": 1, "low": 1, "ineffective": 0}
    assert cgo.change == pytest.approx(1.9)  # 78.5667 − 76.6667
    assert report.notes == ()


def test_national_ranking_tables(snapshot: Snapshot) -> None:
    report = build_national_report(snapshot)
    tables = {(t.block, t.body_type): t for t in report.rankings}
    cgo = tables[("interaction", "CGO")]
    assert [r.name for r in cgo.rows] == ["Министерство Б", "Министерство А", "Министерство В & Г"]
    assert cgo.directions == ("services", "appeals")
    a = cgo.rows[1]
    assert a.direction_scores == {"services": 77.8, "appeals": 85.0}
    assert a.previous_score == 75.0 and a.change == pytest.approx(6.2)
    assert a.previous_rank == 2 and a.rank_change == 0
    # movers: A +6.2, C +2.0 up; B 92.5 − 95 = −2.5 down
    assert [r.agency_id for r in cgo.risers] == ["CGO-A", "CGO-C"]
    assert [r.agency_id for r in cgo.fallers] == ["CGO-B"]
    org = tables[("org_development", "CGO")]
    assert org.directions == ("it",) and org.with_change == ()


def test_national_regions_and_direction_stats(snapshot: Snapshot) -> None:
    report = build_national_report(snapshot)
    assert [(r.region_code, r.region_label) for r in report.regions] == [
        ("35", "Акимат Карагандинской области"),
        ("71", "Акимат города Астаны"),
    ]
    assert report.regions[1].change == -4.5
    stats = {(s.block, s.body_type, s.direction): s for s in report.direction_stats}
    services = stats[("interaction", "CGO", "services")]
    assert services.agencies == 3
    assert services.mean == pytest.approx(79.2667, abs=1e-4)  # (77.8 + 90 + 70) / 3
    assert services.median == 77.8 and services.min == 70.0 and services.max == 90.0
    assert services.previous_median == 70.0 and services.median_change == pytest.approx(7.8)  # 2023: CGO-A only


def test_national_report_needs_the_rollup_mart(make_warehouse: Callable[..., Path]) -> None:
    # The national figures come from fct_national_rollup only (exact means on hundredths,
    # rounded once in SQL): without the mart the report says how to build it instead of
    # recomputing the figures another way.
    snapshot = load_snapshot(make_warehouse(with_rollup=False), 2024)
    assert snapshot.blocks.height > 0
    with pytest.raises(ReportError, match=r"fct_national_rollup.*kzeval run --year 2024"):
        build_national_report(snapshot)


def test_national_report_without_previous_year(warehouse: Path) -> None:
    report = build_national_report(load_snapshot(warehouse, 2023))
    assert not report.has_previous_year
    cgo = report.summary[0]
    assert (cgo.block, cgo.body_type, cgo.mean, cgo.previous_mean) == ("interaction", "CGO", 76.67, None)
    assert all(r.change is None for t in report.rankings for r in t.rows)


def test_national_report_for_a_year_without_scores(warehouse: Path) -> None:
    with pytest.raises(ReportError, match="no block scores for 2022"):
        build_national_report(load_snapshot(warehouse, 2022))


def test_region_label_prefers_the_oblast_akimat() -> None:
    from kzeval.reports.national import _region_labels

    agencies = pl.DataFrame(
        {
            "agency_id": ["MIO-0035", "MIO-35", "MIO-71"],
            "name_ru": ["Акимат Абайского района", "Акимат Карагандинской области", "Акимат города Астаны"],
            "body_type": ["MIO", "MIO", "MIO"],
            "region_code": ["35", "35", "71"],
            "level": ["district", "oblast", "city"],
        }
    )
    # the district akimat "MIO-0035" sorts first by id; the level preference still names region 35 after the oblast
    assert _region_labels(agencies) == {"35": "Акимат Карагандинской области", "71": "Акимат города Астаны"}
