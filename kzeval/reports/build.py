"""Report models built from a :class:`~kzeval.reports.data.Snapshot` (pure, no I/O).

An agency report is one block conclusion per block (Appendix 15 style) followed by one
conclusion per direction (Appendices 3/4, 8, 12, 14; HR per Appendix 13), each with its
«Анализ» generated from the data: the weakest indicators by share of the maximum, the
change vs the previous year and the comparison with the median of the same body type.
The national report is the ranking per block and body type, the tier distribution, the
MIO regional view and the year-over-year movers.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from statistics import median

import polars as pl

from kzeval.methodology.base import IndicatorDef
from kzeval.reports import forms
from kzeval.reports.appendices import (
    AutomationConclusion,
    DisputeTable,
    PenaltyFact,
    ReconciliationAct,
    automation_conclusion,
    dispute_tables,
    penalty_fact_lines,
    penalty_facts_of,
    reconciliation_acts,
)
from kzeval.reports.data import NATIONAL_REGION, Snapshot
from kzeval.reports.fmt import num, pct, signed
from kzeval.reports.robustness import Robustness, build_robustness

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
# Small helpers
# ---------------------------------------------------------------------------------------


def _median(values: Iterable[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return float(median(present)) if present else None


def _rank_among(own: float | None, peers: Sequence[float | None]) -> int | None:
    """Competition rank (1 = best, ties share a rank) of ``own`` among ``peers`` (own included)."""
    if own is None:
        return None
    return 1 + sum(1 for p in peers if p is not None and p > own)


def _opt_float(value: object) -> float | None:
    return None if value is None else float(value)  # type: ignore[arg-type]


def _sentence(text: str) -> str:
    """Capitalise the first letter only (``str.capitalize`` would lower-case the rest)."""
    return text[:1].upper() + text[1:]


def _change_phrase(change: float | None, previous_year: int) -> str:
    if change is None:
        return f"данные за {previous_year} год отсутствуют"
    if round(change, 2) > 0:
        return f"по сравнению с {previous_year} годом оценка выросла на {num(change)} балла"
    if round(change, 2) < 0:
        return f"по сравнению с {previous_year} годом оценка снизилась на {num(-change)} балла"
    return f"по сравнению с {previous_year} годом оценка не изменилась"


def _median_phrase(own: float | None, med: float | None, type_label: str) -> str:
    if own is None or med is None:
        return f"медиана {type_label} — {num(med)}"
    diff = own - med
    if round(diff, 2) > 0:
        where = f"выше на {num(diff)}"
    elif round(diff, 2) < 0:
        where = f"ниже на {num(-diff)}"
    else:
        where = "на уровне медианы"
    return f"медиана {type_label} — {num(med)} ({where})"


# ---------------------------------------------------------------------------------------
# Agency report
# ---------------------------------------------------------------------------------------


def _rows_by_code(frame: pl.DataFrame) -> dict[str, dict[str, object]]:
    return {str(r["indicator"]): r for r in frame.iter_rows(named=True)}


def _peer_medians(frame: pl.DataFrame) -> dict[str, float | None]:
    values: dict[str, list[float | None]] = {}
    for r in frame.iter_rows(named=True):
        values.setdefault(str(r["indicator"]), []).append(_opt_float(r["value"]))
    return {code: _median(v) for code, v in values.items()}


def _form_rows(
    spec: forms.FormSpec,
    body_type: str,
    current: dict[str, dict[str, object]],
    previous: dict[str, dict[str, object]],
    medians: dict[str, float | None],
    defs: dict[str, IndicatorDef],
) -> tuple[FormRow, ...]:
    """The form's rows that apply to the body type, then any warehouse figure the form does not place."""

    def applies(code: str) -> bool:
        d = defs.get(code)
        return code in current or (d is not None and d.max_for(body_type) is not None)

    def make(number: str, code: str, level: int, bonus: bool) -> FormRow:
        cur = current.get(code)
        d = defs.get(code)
        max_points = _opt_float(cur["max_points"]) if cur is not None else None
        if max_points is None and d is not None:
            max_points = d.max_for(body_type)
        prev = previous.get(code)
        return FormRow(
            number=number,
            code=code,
            label=forms.indicator_name(code, defs),
            level=level,
            points=_opt_float(cur["value"]) if cur is not None else None,
            max_points=max_points,
            previous=_opt_float(prev["value"]) if prev is not None else None,
            median=medians.get(code),
            bonus=bonus or code in forms.BONUS_CODES,
            provisional=bool(cur["is_provisional"]) if cur is not None else False,
        )

    rows: list[FormRow] = []
    placed: set[str] = set()
    top = 0
    for row_spec in spec.rows:
        if not applies(row_spec.code):
            if row_spec.kept_when_not_applicable:
                top += 1
                label = forms.indicator_name(row_spec.code, defs)
                rows.append(FormRow(str(top), row_spec.code, label, 0, None, 0.0, None, None, not_applicable=True))
                placed.add(row_spec.code)
            continue
        top += 1
        rows.append(make(str(top), row_spec.code, 0, row_spec.bonus))
        placed.add(row_spec.code)
        sub = 0
        for child in row_spec.children:
            if not applies(child):
                continue
            sub += 1
            rows.append(make(f"{top}.{sub}", child, 1, False))
            placed.add(child)
    for code, cur in sorted(current.items()):
        if code in placed or cur["role"] == "detail":
            continue
        top += 1
        rows.append(make(str(top), code, 0, False))
    return tuple(rows)


def _total_max(rows: Sequence[FormRow]) -> float:
    """The form's «Максимальный балл» of the total: top rows, bonuses and penalties excluded."""
    return sum(r.max_points for r in rows if r.level == 0 and not r.bonus and r.max_points and r.max_points > 0)


def _criterion_analysis(rows: Sequence[FormRow], type_label: str, previous_year: int) -> tuple[str, ...]:
    """«По критерию …» lines of the form's analysis section, one per criterion row."""
    lines: list[str] = []
    tops = [r for r in rows if r.level == 0]
    for r in tops:
        head = f"{r.number}. По критерию «{r.label}»"
        if r.not_applicable:
            lines.append(f"{head}: {forms.NOT_APPLICABLE_NOTE.get(r.code, forms.LABEL_NOT_APPLICABLE)}.")
            continue
        if r.points is None:
            lines.append(f"{head}: {forms.LABEL_NOT_COMPUTED} (нет исходных данных).")
            continue
        if r.is_penalty:
            cap = num(abs(r.max_points or 0.0))
            if abs(r.points) < 1e-9:
                body = f"вычетов нет (не более {cap})"
            else:
                body = f"вычтено {num(abs(r.points))} балла (не более {cap})"
        else:
            body = f"{num(r.points)} из {num(r.max_points)} ({pct(r.share)} максимума)"
        parts = [body, f"медиана {type_label} — {num(r.median)}"]
        if r.previous is not None:
            parts.append(f"{previous_year} г. — {num(r.previous)} ({signed(r.change)})")
        children = [
            c
            for c in rows
            if c.level == 1 and c.number.startswith(r.number + ".") and c.share is not None and not c.bonus
        ]
        weakest = min(children, key=lambda c: (c.share or 0.0, c.label), default=None)
        if weakest is not None and (weakest.share or 0.0) < 1.0 - 1e-9:
            parts.append(
                f"наименьшая доля максимума — «{weakest.label}» ({num(weakest.points)} из {num(weakest.max_points)})"
            )
        penalties = [c for c in rows if c.level == 1 and c.number.startswith(r.number + ".") and c.is_penalty]
        for p in penalties:
            if p.points:
                parts.append(f"вычет «{p.label}» — {num(abs(p.points))}")
        mark = " *" if r.provisional else ""
        lines.append(f"{head}: " + "; ".join(parts) + f".{mark}")
    return tuple(lines)


def _weakest(
    frame_rows: Iterable[dict[str, object]],
    medians: dict[str, float | None],
    previous: dict[str, dict[str, object]],
    defs: dict[str, IndicatorDef],
    count: int = WEAKEST_COUNT,
) -> tuple[WeakIndicator, ...]:
    """Indicators (not criterion sums, bonuses or penalties) with the lowest share of their maximum."""
    items: list[WeakIndicator] = []
    for r in frame_rows:
        code = str(r["indicator"])
        value, max_points = _opt_float(r["value"]), _opt_float(r["max_points"])
        if r["role"] != "indicator" or code in forms.BONUS_CODES or value is None or not max_points or max_points <= 0:
            continue
        prev = previous.get(code)
        items.append(
            WeakIndicator(
                direction=str(r["direction"]),
                code=code,
                label=forms.indicator_name(code, defs),
                points=value,
                max_points=max_points,
                median=medians.get(code),
                previous=_opt_float(prev["value"]) if prev is not None else None,
            )
        )
    items.sort(key=lambda w: (w.share, -w.lost, w.label))
    return tuple(w for w in items if w.share < 1.0 - 1e-9)[:count]


def _direction_conclusions_text(
    d_label: str,
    score: float | None,
    total_max: float,
    median_score: float | None,
    rank: int | None,
    peers: int,
    change: float | None,
    penalty: float | None,
    cap: float | None,
    rows: Sequence[FormRow],
    type_label: str,
    previous_year: int,
) -> tuple[str, ...]:
    if score is None:
        return (f"Оценка по направлению «{d_label}» не рассчитана: в хранилище нет итоговой оценки.",)
    lines = [
        f"Итоговая оценка по направлению — {num(score)} из {num(total_max)}; "
        f"{_median_phrase(score, median_score, type_label)}; место {rank} из {peers} среди {type_label}."
    ]
    lines.append(_sentence(_change_phrase(change, previous_year)) + ".")
    if penalty:
        cap_text = f" (не более {num(cap)} по направлению)" if cap is not None else ""
        lines.append(f"Вычтено {num(penalty)} штрафного балла за недостоверную или неполную информацию{cap_text}.")
    losses = sorted(
        (r for r in rows if r.share is not None and not r.bonus and (r.max_points or 0) - (r.points or 0) > 1e-9),
        key=lambda r: (-((r.max_points or 0.0) - (r.points or 0.0)), r.label),
    )
    # Criterion rows sum their indicators: name the indicators where a criterion has them.
    leaf = [r for r in losses if r.level == 1 or not any(c.number.startswith(r.number + ".") for c in rows)]
    if leaf:
        top = ", ".join(f"«{r.label}» (−{num((r.max_points or 0) - (r.points or 0))})" for r in leaf[:3])
        lines.append(f"Наибольший резерв роста: {top}.")
    below = [r for r in rows if r.share is not None and not r.bonus and r.median is not None and r.points is not None]
    below = [r for r in below if r.points is not None and r.median is not None and r.points < r.median - 1e-9]
    if below:
        names = ", ".join(f"«{r.label}»" for r in below[:5])
        lines.append(f"Рекомендуется обратить внимание на показатели ниже медианы {type_label}: {names}.")
    else:
        lines.append(f"Ни один показатель не ниже медианы {type_label}.")
    return tuple(lines)


def build_agency_report(snap: Snapshot, agency_id: str) -> AgencyReport:
    """Conclusions for one assessed body (every block and direction it has scores for)."""
    agency = snap.agencies.filter(pl.col("agency_id") == agency_id)
    if agency.height == 0:
        unit = snap.units.filter(pl.col("agency_id") == agency_id)
        if unit.height:
            parent = unit.row(0, named=True)["assessed_agency_id"]
            raise ReportError(
                f"{agency_id} is not an assessed body; its data rolls up to {parent}: use --agency {parent}"
            )
        raise ReportError(f"unknown agency {agency_id!r}: not in marts.dim_agencies")
    info = agency.row(0, named=True)
    body_type = str(info["body_type"])
    year, prev_year = snap.year, snap.previous_year
    defs = forms.indicator_defs()

    ind = snap.indicators.filter(pl.col("body_type") == body_type)
    ind_year = ind.filter(pl.col("year") == year)
    own_ind = ind_year.filter(pl.col("agency_id") == agency_id)
    own_prev_ind = ind.filter((pl.col("year") == prev_year) & (pl.col("agency_id") == agency_id))
    dirs = snap.directions.filter(pl.col("body_type") == body_type)
    dirs_year = dirs.filter(pl.col("year") == year)
    blocks = snap.blocks.filter(pl.col("body_type") == body_type)
    blocks_year = blocks.filter(pl.col("year") == year)

    present = (
        set(own_ind["block"].to_list())
        | set(dirs_year.filter(pl.col("agency_id") == agency_id)["block"].to_list())
        | set(blocks_year.filter(pl.col("agency_id") == agency_id)["block"].to_list())
    )
    if not present:
        raise ReportError(f"no scores for {agency_id} in {year}: run `kzeval run --year {year}` first")

    block_models: list[BlockConclusion] = []
    for block in sorted(present, key=lambda b: forms.ordinal_sort_key(forms.BLOCK_ORDER, b)):
        direction_codes = set(own_ind.filter(pl.col("block") == block)["direction"].to_list()) | set(
            dirs_year.filter((pl.col("agency_id") == agency_id) & (pl.col("block") == block))["direction"].to_list()
        )
        directions: list[DirectionConclusion] = []
        for direction in sorted(direction_codes, key=lambda d: forms.ordinal_sort_key(forms.DIRECTION_ORDER, d)):
            directions.append(
                _build_direction(
                    snap, agency_id, body_type, block, direction, ind_year, own_ind, own_prev_ind, dirs, defs
                )
            )
        block_models.append(
            _build_block(
                snap,
                agency_id,
                body_type,
                block,
                directions,
                blocks,
                blocks_year,
                ind_year,
                own_ind,
                own_prev_ind,
                defs,
            )
        )

    medians_all = _peer_medians(ind_year)
    prev_all = _rows_by_code(own_prev_ind)
    lines = [
        IndicatorLine(
            block=str(r["block"]),
            direction=str(r["direction"]),
            code=str(r["indicator"]),
            symbol=forms.indicator_symbol(str(r["indicator"]), defs),
            label=forms.indicator_name(str(r["indicator"]), defs),
            role=str(r["role"] or "indicator"),
            points=_opt_float(r["value"]),
            max_points=_opt_float(r["max_points"]),
            previous=_opt_float(prev_all[str(r["indicator"])]["value"]) if str(r["indicator"]) in prev_all else None,
            median=medians_all.get(str(r["indicator"])),
            reading=str(r["reading"] or "default"),
            provisional=bool(r["is_provisional"]),
            inputs=r["inputs"],  # type: ignore[arg-type]
        )
        for r in own_ind.iter_rows(named=True)
    ]
    lines.sort(
        key=lambda x: (
            forms.ordinal_sort_key(forms.BLOCK_ORDER, x.block),
            forms.ordinal_sort_key(forms.DIRECTION_ORDER, x.direction),
            _form_position(x.block, x.direction, body_type, x.code),
            x.code,
        )
    )
    all_directions = [d for b in block_models for d in b.directions]
    return AgencyReport(
        year=year,
        agency_id=agency_id,
        name_ru=str(info["name_ru"]),
        body_type=body_type,
        region_code=info["region_code"],
        blocks=tuple(block_models),
        indicators=tuple(lines),
        acts=reconciliation_acts(
            {d.direction: d.penalty_facts for d in all_directions if d.penalty_facts},
            [(d.direction, d.reporting_penalty, d.penalty_cap) for d in all_directions if d.block == "interaction"],
        ),
        automation=automation_conclusion(snap, agency_id, body_type, defs),
        disputes=dispute_tables(snap, agency_id, [(d.direction, d.score) for d in all_directions]),
    )


def _form_position(block: str, direction: str, body_type: str, code: str) -> int:
    order: list[str] = []
    for spec in forms.direction_form(direction, body_type).rows:
        order.append(spec.code)
        order.extend(spec.children)
    return order.index(code) if code in order else len(order)


def _build_direction(
    snap: Snapshot,
    agency_id: str,
    body_type: str,
    block: str,
    direction: str,
    ind_year: pl.DataFrame,
    own_ind: pl.DataFrame,
    own_prev_ind: pl.DataFrame,
    dirs: pl.DataFrame,
    defs: dict[str, IndicatorDef],
) -> DirectionConclusion:
    type_label = forms.BODY_TYPE_LABEL.get(body_type, body_type)
    spec = forms.direction_form(direction, body_type)
    current = _rows_by_code(own_ind.filter(pl.col("direction") == direction))
    previous = _rows_by_code(own_prev_ind.filter(pl.col("direction") == direction))
    medians = _peer_medians(ind_year.filter(pl.col("direction") == direction))
    rows = _form_rows(spec, body_type, current, previous, medians, defs)

    d_year = dirs.filter((pl.col("year") == snap.year) & (pl.col("direction") == direction))
    own = d_year.filter(pl.col("agency_id") == agency_id)
    own_row = own.row(0, named=True) if own.height else None
    prev = dirs.filter(
        (pl.col("year") == snap.previous_year) & (pl.col("direction") == direction) & (pl.col("agency_id") == agency_id)
    )
    peer_scores = [_opt_float(v) for v in d_year["score_rounded"].to_list()]
    score = _opt_float(own_row["score_rounded"]) if own_row else None
    previous_score = _opt_float(prev.row(0, named=True)["score_rounded"]) if prev.height else None
    median_score = _median(peer_scores)
    rank = _rank_among(score, peer_scores)
    total_max = _total_max(rows)
    penalty = _opt_float(own_row["reporting_penalty"]) if own_row else None
    cap = forms.penalty_cap(block)
    label = forms.DIRECTION_LABEL.get(direction, direction)
    change = None if score is None or previous_score is None else score - previous_score
    provisional = bool(own_row["is_provisional"]) if own_row and own_row["is_provisional"] is not None else False
    provisional = provisional or any(r.provisional for r in rows)
    facts = penalty_facts_of(snap, agency_id).get(direction, ())
    return DirectionConclusion(
        block=block,
        direction=direction,
        label=label,
        form=spec,
        rows=rows,
        total_max=total_max,
        raw_score=_opt_float(own_row["raw_score"]) if own_row else None,
        reporting_penalty=penalty,
        penalty_cap=cap,
        score=score,
        previous_score=previous_score,
        median_score=median_score,
        rank=rank,
        peers=sum(1 for s in peer_scores if s is not None),
        provisional=provisional,
        analysis=_criterion_analysis(rows, type_label, snap.previous_year),
        conclusions=_direction_conclusions_text(
            label,
            score,
            total_max,
            median_score,
            rank,
            sum(1 for s in peer_scores if s is not None),
            change,
            penalty,
            cap,
            rows,
            type_label,
            snap.previous_year,
        )
        + penalty_fact_lines(facts),
        penalty_facts=facts,
    )


def _build_block(
    snap: Snapshot,
    agency_id: str,
    body_type: str,
    block: str,
    directions: Sequence[DirectionConclusion],
    blocks: pl.DataFrame,
    blocks_year: pl.DataFrame,
    ind_year: pl.DataFrame,
    own_ind: pl.DataFrame,
    own_prev_ind: pl.DataFrame,
    defs: dict[str, IndicatorDef],
) -> BlockConclusion:
    type_label = forms.BODY_TYPE_LABEL.get(body_type, body_type)
    b_year = blocks_year.filter(pl.col("block") == block)
    own = b_year.filter(pl.col("agency_id") == agency_id)
    own_row = own.row(0, named=True) if own.height else None
    prev = blocks.filter(
        (pl.col("year") == snap.previous_year) & (pl.col("block") == block) & (pl.col("agency_id") == agency_id)
    )
    prev_row = prev.row(0, named=True) if prev.height else None
    peer_scores = [_opt_float(v) for v in b_year["score_rounded"].to_list()]
    score = _opt_float(own_row["score_rounded"]) if own_row else None
    previous_score = _opt_float(prev_row["score_rounded"]) if prev_row else None
    median_score = _median(peer_scores)
    rank_value = own_row["rank_in_body_type"] if own_row else None
    rank = int(rank_value) if rank_value is not None else _rank_among(score, peer_scores)  # type: ignore[arg-type]
    peers = sum(1 for s in peer_scores if s is not None)
    label = forms.BLOCK_LABEL.get(block, block)

    block_ind = own_ind.filter(pl.col("block") == block)
    weakest = _weakest(
        block_ind.iter_rows(named=True),
        _peer_medians(ind_year.filter(pl.col("block") == block)),
        _rows_by_code(own_prev_ind.filter(pl.col("block") == block)),
        defs,
    )

    analysis = []
    for i, d in enumerate(directions, start=1):
        parts = [f"{num(d.score)}", _median_phrase(d.score, d.median_score, type_label)]
        if d.rank is not None:
            parts.append(f"место {d.rank} из {d.peers}")
        parts.append(_change_phrase(d.change, snap.previous_year))
        analysis.append(f'{i}. Оценка по направлению "{d.label}": ' + "; ".join(parts) + ".")

    conclusions: list[str] = []
    tier_label = str(own_row["tier_label_ru"]) if own_row and own_row["tier_label_ru"] else None
    if score is not None:
        conclusions.append(
            f"Итоговая оценка по блоку — {num(score)}, степень эффективности «{tier_label}»; "
            f"место {rank} из {peers} среди {type_label}; {_median_phrase(score, median_score, type_label)}."
        )
        change = None if previous_score is None else score - previous_score
        text = _sentence(_change_phrase(change, snap.previous_year))
        prev_tier = str(prev_row["tier_label_ru"]) if prev_row and prev_row["tier_label_ru"] else None
        if prev_tier and tier_label and prev_tier != tier_label:
            text += f"; степень эффективности изменилась: «{prev_tier}» → «{tier_label}»"
        conclusions.append(text + ".")
    else:
        conclusions.append(f"Итоговая оценка по блоку «{label}» не рассчитана.")
    below = [d for d in directions if d.score is not None and d.median_score is not None and d.score < d.median_score]
    if below:
        conclusions.append(
            f"Ниже медианы {type_label} — направления: " + ", ".join(f"«{d.label}»" for d in below) + "."
        )
    if weakest:
        conclusions.append(
            "Наиболее слабые показатели (доля от максимального балла): "
            + ", ".join(f"«{w.label}» ({pct(w.share)})" for w in weakest[:3])
            + "."
        )
    provisional = bool(own_row["is_provisional"]) if own_row and own_row["is_provisional"] is not None else False
    provisional = provisional or any(d.provisional for d in directions)
    return BlockConclusion(
        block=block,
        label=label,
        form=forms.block_form(block),
        directions=tuple(directions),
        score=score,
        tier=str(own_row["efficiency_tier"]) if own_row and own_row["efficiency_tier"] else None,
        tier_label=tier_label,
        rank=rank,
        peers=peers,
        previous_score=previous_score,
        previous_tier_label=str(prev_row["tier_label_ru"]) if prev_row and prev_row["tier_label_ru"] else None,
        median_score=median_score,
        provisional=provisional,
        weakest=weakest,
        analysis=tuple(analysis),
        conclusions=tuple(conclusions),
    )


# ---------------------------------------------------------------------------------------
# National report
# ---------------------------------------------------------------------------------------


def _region_labels(agencies: pl.DataFrame) -> dict[str, str]:
    """KATO code → the name of the assessed MIO of that region, preferring the oblast / city akimat."""
    labels: dict[str, str] = {}
    mio = agencies.filter((pl.col("body_type") == "MIO") & pl.col("region_code").is_not_null())
    top_level = pl.col("level").is_in(["oblast", "city"]).fill_null(False)
    mio = mio.with_columns(top_level.not_().alias("_not_top")).sort("_not_top", "agency_id")
    for r in mio.iter_rows(named=True):
        labels.setdefault(str(r["region_code"]), str(r["name_ru"]))
    return labels


def _rollup_rows(frame: pl.DataFrame, labels: dict[str, str]) -> list[RollupRow]:
    rows = []
    for r in frame.iter_rows(named=True):
        code = str(r["region_code"])
        rows.append(
            RollupRow(
                block=str(r["block"]),
                body_type=str(r["body_type"]),
                region_code=code,
                region_label="Республика Казахстан" if code == NATIONAL_REGION else labels.get(code, f"Регион {code}"),
                agencies=int(r["agencies"] or 0),
                mean=_opt_float(r["mean_score"]),
                median=_opt_float(r["median_score"]),
                min=_opt_float(r["min_score"]),
                max=_opt_float(r["max_score"]),
                tiers={t: int(r[f"tier_{t}"] or 0) for t in forms.TIER_ORDER},
                previous_mean=_opt_float(r["previous_mean_score"]),
                change=_opt_float(r["mean_change_vs_previous_year"]),
            )
        )
    return rows


def build_national_report(snap: Snapshot) -> NationalReport:
    """The national ranking of ``snap.year`` for every block and body type present."""
    year, prev_year = snap.year, snap.previous_year
    blocks_year = snap.blocks.filter(pl.col("year") == year)
    if blocks_year.height == 0:
        raise ReportError(f"no block scores for {year} in the warehouse: run `kzeval run --year {year}` first")
    names = {str(r["agency_id"]): r for r in snap.agencies.iter_rows(named=True)}
    notes: list[str] = []
    # The summary statistics are the mart's (exact means on hundredths, rounded once): a
    # warehouse without them was not built by `kzeval run`, and the report is not guessed.
    rollup = snap.rollup.filter(pl.col("year") == year)
    if rollup.height == 0:
        raise ReportError(
            f"no national rollup for {year} in the warehouse (marts.fct_national_rollup): "
            f"run `kzeval run --year {year}` to build the marts first"
        )
    labels = _region_labels(snap.agencies)

    def sort_rows(rows: list[RollupRow]) -> list[RollupRow]:
        return sorted(
            rows,
            key=lambda r: (
                forms.ordinal_sort_key(forms.BLOCK_ORDER, r.block),
                forms.ordinal_sort_key(("CGO", "MIO"), r.body_type),
                r.region_code,
            ),
        )

    summary = sort_rows(_rollup_rows(rollup.filter(pl.col("region_code") == NATIONAL_REGION), labels))
    regions = sort_rows(
        _rollup_rows(rollup.filter((pl.col("region_code") != NATIONAL_REGION) & (pl.col("body_type") == "MIO")), labels)
    )

    prev_blocks = {
        (str(r["block"]), str(r["agency_id"])): r
        for r in snap.blocks.filter(pl.col("year") == prev_year).iter_rows(named=True)
    }
    dir_scores: dict[tuple[str, str], dict[str, float | None]] = {}
    for r in snap.directions.filter(pl.col("year") == year).iter_rows(named=True):
        dir_scores.setdefault((str(r["block"]), str(r["agency_id"])), {})[str(r["direction"])] = _opt_float(
            r["score_rounded"]
        )

    rankings: list[RankingTable] = []
    keys = sorted(
        {(str(b), str(t)) for b, t in blocks_year.select("block", "body_type").iter_rows()},
        key=lambda k: (forms.ordinal_sort_key(forms.BLOCK_ORDER, k[0]), forms.ordinal_sort_key(("CGO", "MIO"), k[1])),
    )
    for block, body_type in keys:
        part = blocks_year.filter((pl.col("block") == block) & (pl.col("body_type") == body_type))
        directions = sorted(
            set(
                snap.directions.filter(
                    (pl.col("year") == year) & (pl.col("block") == block) & (pl.col("body_type") == body_type)
                )["direction"].to_list()
            ),
            key=lambda d: forms.ordinal_sort_key(forms.DIRECTION_ORDER, d),
        )
        rows = []
        for r in part.iter_rows(named=True):
            aid = str(r["agency_id"])
            info = names.get(aid)
            prev = prev_blocks.get((block, aid))
            rows.append(
                RankingRow(
                    rank=int(r["rank_in_body_type"]) if r["rank_in_body_type"] is not None else None,
                    agency_id=aid,
                    name=str(info["name_ru"]) if info else aid,
                    region_code=info["region_code"] if info else None,
                    direction_scores={d: dir_scores.get((block, aid), {}).get(d) for d in directions},
                    score=_opt_float(r["score_rounded"]),
                    tier=r["efficiency_tier"],
                    tier_label=r["tier_label_ru"],
                    previous_score=_opt_float(prev["score_rounded"]) if prev else None,
                    previous_rank=int(prev["rank_in_body_type"])
                    if prev and prev["rank_in_body_type"] is not None
                    else None,
                    provisional=bool(r["is_provisional"]),
                )
            )
        rows.sort(key=lambda x: (x.rank if x.rank is not None else 10**9, x.name))
        rankings.append(RankingTable(block, body_type, tuple(directions), tuple(rows)))

    stats: list[DirectionStat] = []
    d_year = snap.directions.filter(pl.col("year") == year)
    d_prev = snap.directions.filter(pl.col("year") == prev_year)
    for block, body_type, direction in sorted(
        {(str(a), str(b), str(c)) for a, b, c in d_year.select("block", "body_type", "direction").iter_rows()},
        key=lambda k: (
            forms.ordinal_sort_key(forms.BLOCK_ORDER, k[0]),
            forms.ordinal_sort_key(("CGO", "MIO"), k[1]),
            forms.ordinal_sort_key(forms.DIRECTION_ORDER, k[2]),
        ),
    ):
        sel = (pl.col("block") == block) & (pl.col("body_type") == body_type) & (pl.col("direction") == direction)
        values = [_opt_float(v) for v in d_year.filter(sel)["score_rounded"].to_list()]
        present = [v for v in values if v is not None]
        stats.append(
            DirectionStat(
                block=block,
                body_type=body_type,
                direction=direction,
                agencies=len(present),
                mean=sum(present) / len(present) if present else None,
                median=_median(present),
                min=min(present) if present else None,
                max=max(present) if present else None,
                previous_median=_median(_opt_float(v) for v in d_prev.filter(sel)["score_rounded"].to_list()),
            )
        )

    return NationalReport(
        year=year,
        summary=tuple(summary),
        rankings=tuple(rankings),
        regions=tuple(regions),
        direction_stats=tuple(stats),
        has_previous_year=snap.blocks.filter(pl.col("year") == prev_year).height > 0,
        notes=tuple(notes),
        robustness=build_robustness(
            year, snap.sensitivity, snap.blocks, {k: str(v["name_ru"]) for k, v in names.items()}
        ),
    )
