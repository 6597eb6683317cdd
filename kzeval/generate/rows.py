"""Row building shared by the sample and the national generators (same draws, same row shapes).

The openness items of Appendix 10 and the P7 penalty items, the openness points a body's
quality draws, the reconciliation acts' references, and the tables neither generator writes.
"""

from __future__ import annotations

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
