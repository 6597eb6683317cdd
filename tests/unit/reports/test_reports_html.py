"""HTML output: the legal labels, the tables, self-contained (no network), escaping."""

from __future__ import annotations

import html as html_lib
import re

import pytest

from kzeval.reports.build import build_agency_report
from kzeval.reports.data import Snapshot
from kzeval.reports.html import render_agency_html, render_national_html
from kzeval.reports.national import build_national_report


@pytest.fixture(scope="module")
def agency_html(snapshot: Snapshot) -> str:
    return render_agency_html(build_agency_report(snapshot, "CGO-A"))


@pytest.fixture(scope="module")
def national_html(snapshot: Snapshot) -> str:
    return render_national_html(build_national_report(snapshot))


def _assert_self_contained(html: str) -> None:
    # no external script, stylesheet or image (plotly.js mentions a CDN only as an unused geo-data default)
    assert not re.search(r"<(script|link|img|iframe)\b[^>]*\b(src|href)=", html)
    assert "Plotly.newPlot" in html
    assert len(html) > 1_000_000  # plotly.js itself is inlined


def test_agency_html_has_the_legal_forms(agency_html: str) -> None:
    text = html_lib.unescape(agency_html)  # the form titles quote names with "…" (escaped in the markup)
    for label in (
        "Заключение о результатах операционной оценки качества оказания государственных услуг, "
        "предоставляемых центральными государственными органами",
        'Заключение о результатах операционной оценки по направлению "Качество рассмотрения жалоб и заявлений"',
        "Заключение о результатах операционной оценки эффективности деятельности государственных органов по блоку",
        'по направлению "Применение информационных технологий"',
        "Критерии операционной оценки",
        "Максимальный балл",
        "Общая оценка по критериям",
        "Вычет штрафных баллов",
        "Итоговая оценка с учетом вычета штрафных баллов",
        "Итоговая оценка",
        "Степень эффективности",
        "Анализ",
        "Выводы и рекомендации",
        "Наиболее слабые показатели (по доле от максимального балла)",
        "(расшифровка подписи)",
    ):
        assert label in text, label
    for table_id in (
        "summary-table",
        "block-table-interaction",
        "form-table-services",
        "form-table-appeals",
        "block-table-org_development",
        "form-table-it",
        "weakest-interaction",
        "indicator-table",
    ):
        assert f'id="{table_id}"' in agency_html, table_id
    assert "Министерство А" in agency_html
    assert "21,50" in agency_html and "81,20" in agency_html  # decimal comma
    assert "не рассчитано" in agency_html
    assert '<span class="tier tier-medium">Средняя</span>' in agency_html
    _assert_self_contained(agency_html)


def test_national_html_tables_and_labels(national_html: str) -> None:
    assert "Национальный рейтинг государственных органов по итогам операционной оценки за 2024 год" in national_html
    for table_id in (
        "summary-table",
        "direction-table",
        "ranking-table-interaction-CGO",
        "ranking-table-interaction-MIO",
        "ranking-table-org_development-CGO",
        "regions-table",
        "risers-interaction-CGO",
        "fallers-interaction-CGO",
    ):
        assert f'id="{table_id}"' in national_html, table_id
    for chart_id in (
        "chart-tiers",
        "chart-spread",
        "chart-ranking-interaction-CGO",
        "chart-regions",
        "chart-movers-interaction-CGO",
    ):
        assert f'id="{chart_id}"' in national_html, chart_id
    assert "chart-movers-org_development-CGO" not in national_html  # no 2023 scores for that block
    assert "Неэффективная" in national_html and "Акимат Карагандинской области" in national_html
    _assert_self_contained(national_html)


def test_names_are_escaped(national_html: str) -> None:
    assert "Министерство В &amp; Г" in national_html
    assert "Министерство В & Г<" not in national_html
