"""Every named reading carries the seed's deciding words and is written down in docs/decisions.md.

The brief: where the law leaves a choice, it is a named reading with the deciding words quoted in
docs/decisions.md — a reading added without them is a silent choice.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kzeval.methodology import all_readings

DECISIONS = Path(__file__).resolve().parents[3] / "docs" / "decisions.md"


@pytest.mark.parametrize("key", sorted(all_readings()))
def test_reading_has_its_legal_words_question_and_decision_entry(key: str) -> None:
    reading = all_readings()[key]
    assert reading.legal_text.strip(), f"{key}: no legal_text (the seed's deciding words)"
    assert reading.question.strip(), f"{key}: no question"
    assert len(reading.options) >= 2, f"{key}: a reading needs at least two options"
    assert f"`{key}`" in DECISIONS.read_text(encoding="utf-8") or key in DECISIONS.read_text(encoding="utf-8")
