"""The agency report, built from a :class:`~kzeval.reports.data.Snapshot` (pure, no I/O).

An agency report is one block conclusion per block (Appendix 15 style) followed by one
conclusion per direction (Appendices 3/4, 8, 12, 14; HR per Appendix 13), each with its
«Анализ» generated from the data: the weakest indicators by share of the maximum, the
change vs the previous year and the comparison with the median of the same body type.
The national report is built in :mod:`kzeval.reports.national`; the models of both are in
:mod:`kzeval.reports.model`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import polars as pl

from kzeval.methodology.base import IndicatorDef
from kzeval.reports import forms
from kzeval.reports.appendices import (
    automation_conclusion,
    dispute_tables,
    penalty_fact_lines,
    penalty_facts_of,
    reconciliation_acts,
)
from kzeval.reports.data import Snapshot
from kzeval.reports.fmt import num, pct, signed
from kzeval.reports.model import (
    WEAKEST_COUNT,
    AgencyReport,
    BlockConclusion,
    DirectionConclusion,
    FormRow,
    IndicatorLine,
    ReportError,
    WeakIndicator,
    median_or_none,
    opt_float,
)

# ---------------------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------------------


def _rank_among(own: float | None, peers: Sequence[float | None]) -> int | None:
    """Competition rank (1 = best, ties share a rank) of ``own`` among ``peers`` (own included)."""
    if own is None:
        return None
    return 1 + sum(1 for p in peers if p is not None and p > own)


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
        values.setdefault(str(r["indicator"]), []).append(opt_float(r["value"]))
    return {code: median_or_none(v) for code, v in values.items()}


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
        max_points = opt_float(cur["max_points"]) if cur is not None else None
        if max_points is None and d is not None:
            max_points = d.max_for(body_type)
        prev = previous.get(code)
        return FormRow(
            number=number,
            code=code,
            label=forms.indicator_name(code, defs),
            level=level,
            points=opt_float(cur["value"]) if cur is not None else None,
            max_points=max_points,
            previous=opt_float(prev["value"]) if prev is not None else None,
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
        value, max_points = opt_float(r["value"]), opt_float(r["max_points"])
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
                previous=opt_float(prev["value"]) if prev is not None else None,
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
            points=opt_float(r["value"]),
            max_points=opt_float(r["max_points"]),
            previous=opt_float(prev_all[str(r["indicator"])]["value"]) if str(r["indicator"]) in prev_all else None,
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
    peer_scores = [opt_float(v) for v in d_year["score_rounded"].to_list()]
    score = opt_float(own_row["score_rounded"]) if own_row else None
    previous_score = opt_float(prev.row(0, named=True)["score_rounded"]) if prev.height else None
    median_score = median_or_none(peer_scores)
    rank = _rank_among(score, peer_scores)
    total_max = _total_max(rows)
    penalty = opt_float(own_row["reporting_penalty"]) if own_row else None
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
        raw_score=opt_float(own_row["raw_score"]) if own_row else None,
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
    peer_scores = [opt_float(v) for v in b_year["score_rounded"].to_list()]
    score = opt_float(own_row["score_rounded"]) if own_row else None
    previous_score = opt_float(prev_row["score_rounded"]) if prev_row else None
    median_score = median_or_none(peer_scores)
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
