"""One home for each fact of the methodology (issue 20).

Every constant of an edition module is read somewhere in kzeval (a constant nobody reads looks
as if it drove a formula while the formula holds its own literal), and the block and direction
labels shown by the reports, `kzeval explain` and `kzeval run` are the edition modules' own.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kzeval import explain, lineage, methodology
from kzeval.methodology import interaction_2023, org_development_2023
from kzeval.reports import forms

ROOT = Path(__file__).resolve().parents[3]
SOURCES = {p: p.read_text(encoding="utf-8") for p in (ROOT / "kzeval").rglob("*.py")}
EDITIONS = ("interaction_2023", "org_development_2023", "corps_b_2025", "corps_b_2018", "inputs", "base")


def _constants(module: str) -> list[str]:
    text = (ROOT / "kzeval" / "methodology" / f"{module}.py").read_text(encoding="utf-8")
    return re.findall(r"^([A-Z][A-Z0-9_]+)\s*[:=]", text, re.MULTILINE)


@pytest.mark.parametrize("module", EDITIONS)
def test_every_methodology_constant_is_read_somewhere(module: str) -> None:
    unread = [
        name
        for name in _constants(module)
        if sum(len(re.findall(rf"\b{name}\b", text)) for text in SOURCES.values()) < 2  # the definition alone
    ]
    assert unread == []


def test_block_and_direction_labels_have_one_home() -> None:
    assert methodology.BLOCK_LABELS == {
        "interaction": "Взаимодействие государственного органа с физическими и юридическими лицами",
        "org_development": "Организационное развитие государственного органа",
    }
    assert methodology.DIRECTION_LABELS["appeals"] == "Качество рассмотрения жалоб и заявлений"
    assert methodology.DIRECTION_LABELS["it"] == "Применение информационных технологий"
    assert methodology.DIRECTION_ORDER == ("services", "openness", "appeals", "hr", "it")
    assert methodology.DIRECTION_BLOCK == {
        "services": "interaction",
        "openness": "interaction",
        "appeals": "interaction",
        "hr": "org_development",
        "it": "org_development",
    }
    # the reports and `kzeval explain` show the same objects, not copies
    assert forms.BLOCK_LABEL is methodology.BLOCK_LABELS and explain.BLOCK_LABELS is methodology.BLOCK_LABELS
    assert (
        forms.DIRECTION_LABEL is methodology.DIRECTION_LABELS
        and explain.DIRECTION_LABELS is methodology.DIRECTION_LABELS
    )
    # every indicator of a block names one of its edition's directions
    for edition in (interaction_2023, org_development_2023):
        assert {d.direction for d in edition.INDICATORS} <= set(edition.DIRECTIONS)


def test_no_module_repeats_a_block_label() -> None:
    label = methodology.BLOCK_LABELS["org_development"]
    holders = sorted(str(p.relative_to(ROOT)) for p, text in SOURCES.items() if f'"{label}"' in text)
    assert holders == ["kzeval/methodology/org_development_2023.py"]


def test_every_indicator_names_its_landing_tables() -> None:
    from kzeval.contracts import CONTRACTS

    definitions = methodology.all_indicators()
    for code, definition in definitions.items():
        assert definition.source_tables, code
        assert set(definition.source_tables) <= set(CONTRACTS), code
    # a criterion reads exactly the tables of its indicators (hand-listed here)
    assert sorted(definitions["svc_k1"].source_tables) == [
        "service_complaints",
        "service_satisfaction",
        "services_rendered",
    ]
    assert sorted(definitions["hr_overtime"].source_tables) == [
        "calendar",
        "headcount_monthly",
        "overtime_orders",
        "survey_responses",
        "turnstile_events",
    ]
    assert definitions["it_smart_city"].source_tables == ("it_report",)
    assert lineage.indicator_source_tables()["hr_qualifications"] == ("headcount_monthly", "qualifications")
