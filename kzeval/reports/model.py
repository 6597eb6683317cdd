"""Report models: the frozen rows and sections an agency or national report is made of (pure, no I/O).

Built by :mod:`kzeval.reports.build` (agency report) and :mod:`kzeval.reports.national`
(national report); rendered by :mod:`kzeval.reports.html` and :mod:`kzeval.reports.xlsx`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from statistics import median

from kzeval.reports import forms
from kzeval.reports.appendices import (
    AutomationConclusion,
    DisputeTable,
    PenaltyFact,
    ReconciliationAct,
)
from kzeval.reports.robustness import Robustness

WEAKEST_COUNT = 5  # indicators listed in «Наиболее слабые показатели»
MOVERS_COUNT = 5  # risers and fallers listed per block and body type
ROLE_LABEL = {"indicator": "показатель", "criterion": "критерий", "detail": "расчетная величина"}


class ReportError(Exception):
    """A report cannot be produced (unknown body, no scores for the year); the message says why."""


# ---------------------------------------------------------------------------------------
# Models
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FormRow:
    """One printed row of a conclusion form."""

    number: str
    code: str
    label: str
    level: int  # 0 = criterion row of the form, 1 = indicator under it
    points: float | None  # None = not computed
    max_points: float | None
    previous: float | None
    median: float | None
    bonus: bool = False
    provisional: bool = False
    not_applicable: bool = False  # a row of the form the body type is not assessed on (Appendix 8 row 7, MIO)

    @property
    def is_penalty(self) -> bool:
        return self.max_points is not None and self.max_points < 0

    @property
    def share(self) -> float | None:
        if self.points is None or self.max_points is None or self.max_points <= 0:
            return None
        return self.points / self.max_points

    @property
    def change(self) -> float | None:
        return None if self.points is None or self.previous is None else self.points - self.previous


@dataclass(frozen=True)
class WeakIndicator:
    direction: str
    code: str
    label: str
    points: float
    max_points: float
    median: float | None
    previous: float | None

    @property
    def share(self) -> float:
        return self.points / self.max_points

    @property
    def lost(self) -> float:
        return self.max_points - self.points


@dataclass(frozen=True)
class DirectionConclusion:
    block: str
    direction: str
    label: str
    form: forms.FormSpec
    rows: tuple[FormRow, ...]
    total_max: float
    raw_score: float | None
    reporting_penalty: float | None
    penalty_cap: float | None
    score: float | None  # rounded to 2 decimals (the published score_rounded)
    previous_score: float | None
    median_score: float | None
    rank: int | None
    peers: int
    provisional: bool
    analysis: tuple[str, ...]
    conclusions: tuple[str, ...]
    penalty_facts: tuple[PenaltyFact, ...] = ()  # reconciliation-act facts (para. 21), in the conclusions

    @property
    def change(self) -> float | None:
        return None if self.score is None or self.previous_score is None else self.score - self.previous_score


@dataclass(frozen=True)
class BlockConclusion:
    block: str
    label: str
    form: forms.FormSpec
    directions: tuple[DirectionConclusion, ...]
    score: float | None
    tier: str | None
    tier_label: str | None
    rank: int | None
    peers: int
    previous_score: float | None
    previous_tier_label: str | None
    median_score: float | None
    provisional: bool
    weakest: tuple[WeakIndicator, ...]
    analysis: tuple[str, ...]
    conclusions: tuple[str, ...]

    @property
    def change(self) -> float | None:
        return None if self.score is None or self.previous_score is None else self.score - self.previous_score


@dataclass(frozen=True)
class IndicatorLine:
    """A row of «Расшифровка показателей»: every warehouse figure of the body, with its inputs."""

    block: str
    direction: str
    code: str
    symbol: str
    label: str
    role: str
    points: float | None
    max_points: float | None
    previous: float | None
    median: float | None
    reading: str
    provisional: bool
    inputs: str | None

    @property
    def share(self) -> float | None:
        if self.points is None or self.max_points is None or self.max_points <= 0:
            return None
        return self.points / self.max_points


@dataclass(frozen=True)
class AgencyReport:
    year: int
    agency_id: str
    name_ru: str
    body_type: str
    region_code: str | None
    blocks: tuple[BlockConclusion, ...]
    indicators: tuple[IndicatorLine, ...]
    acts: tuple[ReconciliationAct, ...] = ()  # Appendix 1, per direction with facts
    automation: AutomationConclusion | None = None  # Appendix 5 (CGO)
    disputes: tuple[DisputeTable, ...] = ()  # Appendix 14, per direction with objections

    @property
    def previous_year(self) -> int:
        return self.year - 1

    @property
    def body_type_label(self) -> str:
        return forms.BODY_TYPE_LABEL.get(self.body_type, self.body_type)

    @property
    def any_provisional(self) -> bool:
        return any(b.provisional for b in self.blocks) or any(i.provisional for i in self.indicators)


@dataclass(frozen=True)
class RankingRow:
    rank: int | None
    agency_id: str
    name: str
    region_code: str | None
    direction_scores: dict[str, float | None]
    score: float | None
    tier: str | None
    tier_label: str | None
    previous_score: float | None
    previous_rank: int | None
    provisional: bool

    @property
    def change(self) -> float | None:
        return None if self.score is None or self.previous_score is None else self.score - self.previous_score

    @property
    def rank_change(self) -> int | None:
        """Places gained since the previous year (positive = moved up)."""
        return None if self.rank is None or self.previous_rank is None else self.previous_rank - self.rank


@dataclass(frozen=True)
class RankingTable:
    block: str
    body_type: str
    directions: tuple[str, ...]
    rows: tuple[RankingRow, ...]

    @property
    def title(self) -> str:
        return f"{forms.BLOCK_LABEL.get(self.block, self.block)} — {forms.BODY_TYPE_PLURAL.get(self.body_type, self.body_type)}"

    @property
    def risers(self) -> tuple[RankingRow, ...]:
        moved = sorted((r for r in self.rows if r.change is not None and r.change > 0), key=_by_change_desc)
        return tuple(moved[:MOVERS_COUNT])

    @property
    def fallers(self) -> tuple[RankingRow, ...]:
        moved = sorted((r for r in self.rows if r.change is not None and r.change < 0), key=_by_change_asc)
        return tuple(moved[:MOVERS_COUNT])

    @property
    def with_change(self) -> tuple[RankingRow, ...]:
        return tuple(sorted((r for r in self.rows if r.change is not None), key=_by_change_desc))


def _by_change_desc(r: RankingRow) -> tuple[float, str]:
    return (-(r.change or 0.0), r.name)


def _by_change_asc(r: RankingRow) -> tuple[float, str]:
    return (r.change or 0.0, r.name)


@dataclass(frozen=True)
class RollupRow:
    block: str
    body_type: str
    region_code: str
    region_label: str
    agencies: int
    mean: float | None
    median: float | None
    min: float | None
    max: float | None
    tiers: dict[str, int]
    previous_mean: float | None
    change: float | None


@dataclass(frozen=True)
class DirectionStat:
    block: str
    body_type: str
    direction: str
    agencies: int
    mean: float | None
    median: float | None
    min: float | None
    max: float | None
    previous_median: float | None

    @property
    def median_change(self) -> float | None:
        return None if self.median is None or self.previous_median is None else self.median - self.previous_median


@dataclass(frozen=True)
class NationalReport:
    year: int
    summary: tuple[RollupRow, ...]
    rankings: tuple[RankingTable, ...]
    regions: tuple[RollupRow, ...]
    direction_stats: tuple[DirectionStat, ...]
    has_previous_year: bool
    notes: tuple[str, ...] = field(default_factory=tuple)
    robustness: Robustness | None = None  # «Устойчивость результатов» (kzeval sensitivity)

    @property
    def previous_year(self) -> int:
        return self.year - 1

    @property
    def any_provisional(self) -> bool:
        return any(r.provisional for t in self.rankings for r in t.rows)


# ---------------------------------------------------------------------------------------
# Helpers shared by the agency and the national report
# ---------------------------------------------------------------------------------------


def median_or_none(values: Iterable[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return float(median(present)) if present else None


def opt_float(value: object) -> float | None:
    return None if value is None else float(value)  # type: ignore[arg-type]
