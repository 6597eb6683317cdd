"""The sample's bodies: the quality per direction that drives their rates, the tiers it is tuned to reach, and the bodies singled out (late services, inspections, penalties, outages)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Quality:
    """How well a body performs per direction, 0 (poor) … 1 (excellent)."""

    services: float
    openness: float
    appeals: float
    hr: float
    it: float


# Quality per body; the comment is the tier it is tuned to reach (interaction / org development).
QUALITY: dict[str, Quality] = {
    "CGO-MF": Quality(0.95, 0.95, 0.95, 0.92, 0.95),  # Высокая / Высокая
    "CGO-MNE": Quality(0.65, 0.80, 0.70, 0.90, 0.90),  # Средняя / Высокая
    "CGO-MJ": Quality(0.60, 0.70, 0.60, 0.60, 0.70),  # Средняя / Средняя
    "CGO-MZ": Quality(0.75, 0.65, 0.70, 0.20, 0.30),  # Средняя / Низкая
    "CGO-MP": Quality(0.30, 0.45, 0.35, 0.60, 0.60),  # Низкая (late services) / Средняя
    "CGO-MTSZN": Quality(0.65, 0.70, 0.70, 0.65, 0.60),  # Средняя / Средняя
    "CGO-MCRIAP": Quality(0.97, 0.90, 0.92, 0.85, 1.00),  # Высокая / Высокая
    "CGO-MSH": Quality(0.55, 0.60, 0.55, 0.55, 0.55),  # Средняя / Средняя
    "CGO-MEPR": Quality(0.60, 0.65, 0.65, 0.65, 0.65),  # Средняя / Средняя
    "CGO-MCHS": Quality(0.65, 0.70, 0.70, 0.70, 0.70),  # Средняя / Средняя
    "MIO-71": Quality(0.95, 0.95, 0.95, 0.90, 0.95),  # Высокая / Высокая
    "MIO-75": Quality(0.92, 0.90, 0.92, 0.70, 0.75),  # Высокая / Средняя
    "MIO-79": Quality(0.65, 0.70, 0.65, 0.60, 0.60),  # Средняя / Средняя
    "MIO-35": Quality(0.70, 0.75, 0.70, 0.65, 0.70),  # Средняя / Средняя
    "MIO-11": Quality(0.65, 0.70, 0.70, 0.90, 0.90),  # Средняя / Высокая
    "MIO-61": Quality(0.0, 0.10, 0.0, 0.10, 0.0),  # Неэффективная / Неэффективная
    "MIO-63": Quality(0.60, 0.65, 0.60, 0.60, 0.60),  # Средняя / Средняя
    "MIO-55": Quality(0.65, 0.70, 0.70, 0.70, 0.65),  # Средняя / Средняя
    "MIO-47": Quality(0.30, 0.40, 0.30, 0.55, 0.60),  # Низкая (late services) / Средняя
    "MIO-10": Quality(0.60, 0.60, 0.65, 0.62, 0.55),  # Средняя / Средняя
}
INTENDED_TIERS: dict[str, tuple[str, str]] = {
    # (interaction, org_development) efficiency tier the body lands in with the default readings
    # (checked with an independent rough scorer: for seed 42 every body is ≥ 2.5 points clear of a tier
    # edge; other seeds keep the spread but a borderline body may move). Codes as in fct_block_scores.
    "CGO-MF": ("high", "high"),
    "CGO-MNE": ("medium", "high"),
    "CGO-MJ": ("medium", "medium"),
    "CGO-MZ": ("medium", "low"),
    "CGO-MP": ("low", "medium"),
    "CGO-MTSZN": ("medium", "medium"),
    "CGO-MCRIAP": ("high", "high"),
    "CGO-MSH": ("medium", "medium"),
    "CGO-MEPR": ("medium", "medium"),
    "CGO-MCHS": ("medium", "medium"),
    "MIO-71": ("high", "high"),
    "MIO-75": ("high", "medium"),
    "MIO-79": ("medium", "medium"),
    "MIO-35": ("medium", "medium"),
    "MIO-11": ("medium", "high"),
    "MIO-61": ("ineffective", "ineffective"),
    "MIO-63": ("medium", "medium"),
    "MIO-55": ("medium", "medium"),
    "MIO-47": ("low", "medium"),
    "MIO-10": ("medium", "medium"),
}
HIGH_LATENESS = ("CGO-MP", "MIO-47", "MIO-61")  # service lateness far above a few per 10 000
INSPECTED = ("CGO-MZ", "MIO-35")  # state control inspection results differ from monitoring
SUBORDINATE_PENALTY = ("CGO-MZ", "CGO-MP", "CGO-MSH")  # P7 penalties (CGO only)
# openness_points.not_assessed (para. 67): the emergencies ministry's draft budget programmes and
# the comments on them carry the «ДСП» mark, so it receives the CGO average on Table 2 items 8–10.
NOT_ASSESSED: dict[tuple[str, str, str], str] = {
    ("CGO-MCHS", "open_budget", item): "dsp_budget" for item in ("8", "9", "10")
}
OUTAGE_BODIES = ("CGO-MF", "CGO-MTSZN", "MIO-79")  # months with a confirmed IS failure
