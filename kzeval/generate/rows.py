"""Row building shared by the sample and the national generators (same draws, same row shapes).

The openness items of Appendix 10 and the P7 penalty items, the openness points a body's
quality draws, the reconciliation acts' references, and the tables neither generator writes.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from typing import Any

SKIPPED_TABLES = ("calendar", "corrections")
"""Not written: kzeval ships the calendars; corrections come from the special commission."""


# Appendix 10 items per language (methodology §2.3): (item, maximum, tiers) where tiers lists
# the admissible graded values of a tiered item (first = maximum), empty for a plain item.
OpennessItem = tuple[str, float, tuple[float, ...]]


def openness_items(body_type: str) -> list[tuple[str, list[OpennessItem]]]:
    """Items of criteria P1–P5 for a body type with their per-language maxima (Appendix 10)."""
    cgo = body_type == "CGO"
    open_data: list[OpennessItem] = [
        ("1", 2.5, ()),
        ("2", 1.0, ()),
        ("3", 3.0, ()),
        ("4", 2.0, ()),
        ("5", 0.5, ()),
        ("6", 1.0, ()),
    ]
    if cgo:
        budget: list[OpennessItem] = [(f"1.{i}", 0.3, ()) for i in range(1, 6)]
        budget += [(str(i), 0.5, ()) for i in range(2, 10)] + [("10", 1.5, ()), ("11", 2.0, ())]
        acts: list[OpennessItem] = [("1", 1.0, ()), ("2", 1.0, ()), ("3", 1.0, ()), ("4", 3.5, ()), ("5", 1.5, ())]
        acts.append(("6", 1.0, (1.0, 0.8, 0.6, 0.4)))
    else:
        budget = [
            ("1", 2.0, ()),
            ("2", 2.0, ()),
            ("3", 0.5, ()),
            ("4", 0.5, ()),
            ("5", 0.5, ()),
            ("6", 1.5, ()),
            ("7", 2.0, ()),
        ]
        acts = [("1", 2.0, ()), ("2", 1.5, ()), ("3", 4.0, ()), ("4", 1.5, ())]
    dialogue: list[OpennessItem] = [("1", 2.5, ()), ("2", 1.5, ()), ("3", 1.5, (1.5, 1.0, 0.5, 0.3)), ("4", 1.5, ())]
    dialogue += [("5.1", 0.5, ()), ("5.2", 0.5, ()), ("5.3", 0.5 if cgo else 1.0, ())]
    if cgo:
        dialogue.append(("5.4", 0.5, ()))
    website: list[OpennessItem] = [(str(i), 1.5, ()) for i in range(1, 7)]
    return [
        ("open_data", open_data),
        ("open_budget", budget),
        ("open_legal_acts", acts),
        ("open_dialogue", dialogue),
        ("open_website", website),
    ]


# P7 (Tables 9–11, CGO only), item = "<table>.<row>": penalty points per language.
SUBORDINATE_PENALTY_ITEMS: tuple[tuple[str, float], ...] = (
    ("9.1", 1.5),
    ("10.1", 0.5),
    ("10.2", 0.5),
    ("10.3", 0.5),
    ("11.1", 0.5),
    ("11.2", 1.0),
)


def openness_point_rows(
    rng: random.Random,
    body: str,
    body_type: str,
    year: int,
    full_p: float,
    zero_p: float,
    not_assessed: Mapping[tuple[str, str, str], str],
) -> list[tuple[Any, ...]]:
    """``openness_points`` rows of one body, criteria P1–P5: per item and language, the maximum
    with probability ``full_p``, else a lower tier, else 0 with probability ``zero_p``, else a share.

    An item in ``not_assessed`` is drawn anyway (the stream stays the same) and written without
    points, with its mark.
    """
    rows: list[tuple[Any, ...]] = []
    for criterion, items in openness_items(body_type):
        for item, maximum, tiers in items:
            for language in ("kk", "ru"):
                if rng.random() < full_p:
                    points = maximum
                elif tiers:
                    points = rng.choice(tiers[1:])
                elif rng.random() < zero_p:
                    points = 0.0
                else:
                    points = round(maximum * rng.choice((0.5, 0.6, 0.8)), 2)
                mark = not_assessed.get((body, criterion, item))
                rows.append((body, year, criterion, item, language, None if mark else points, mark))
    return rows


def subordinate_penalty_rows(rng: random.Random, body: str, year: int) -> list[tuple[Any, ...]]:
    """``openness_points`` rows of P7 (CGO only): each item and language penalised with probability 0.45."""
    rows: list[tuple[Any, ...]] = []
    for item, maximum in SUBORDINATE_PENALTY_ITEMS:
        for language in ("kk", "ru"):
            if rng.random() < 0.45:
                rows.append((body, year, "open_subordinate_penalty", item, language, maximum, None))
    return rows


def reconciliation_act_ref(number: int, year: int) -> str:
    """The reference of a reconciliation act of the assessment of ``year`` (signed in February after it)."""
    return f"Акт сверки № {number} от 14.02.{year + 1}"
