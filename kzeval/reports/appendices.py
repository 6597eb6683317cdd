"""The forms of seed 004 beside the conclusions: Appendix 1, Appendix 5, Appendix 14, and para. 21.

Pure models built from a :class:`~kzeval.reports.data.Snapshot`:

- para. 21: the reconciliation acts' facts (kind, count, act) of a direction, listed in its
  conclusion's «Выводы и рекомендации» (:func:`penalty_fact_lines`);
- Appendix 1 «Акт сверки»: per direction with facts, each fact with the points it costs, the
  total and the «ИТОГОВЫЙ ВЫЧЕТ» (the capped deduction of the direction, para. 20);
- Appendix 5: the conclusion on the criterion «Автоматизация государственных услуг» (CGO, the
  criterion K3 of Appendix 2 with its indicators in the analysis);
- Appendix 14 «Таблица разногласий»: per direction, every objection of the body with the
  commission's decision — accepted, rejected (``corrections.decision``) or not considered (sent
  late, or refused by the correction rules) — and the direction's score after the appeal.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

from kzeval.corrections import REASON_PREFIX
from kzeval.lineage import direction_source_tables
from kzeval.methodology.base import IndicatorDef
from kzeval.reports import forms
from kzeval.reports.data import Snapshot
from kzeval.reports.fmt import num, pct

# ---------------------------------------------------------------------------------------
# Para. 21 and Appendix 1
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PenaltyFact:
    """Facts of one kind recorded in one reconciliation act for one direction of a body."""

    direction: str
    kind: str
    act_ref: str
    facts: int
    points_per_fact: float | None  # None: the edition sets no points for the kind (e.g. late)
    points: float | None  # facts × points_per_fact, before the direction's cap

    @property
    def kind_label(self) -> str:
        return forms.PENALTY_KIND_LABEL.get(self.kind, self.kind)


@dataclass(frozen=True)
class ReconciliationAct:
    """Appendix 1 for one direction: the facts, their points, the total and the capped deduction."""

    direction: str
    label: str
    facts: tuple[PenaltyFact, ...]
    deduction: float | None  # the direction's reporting_penalty (capped, para. 20)
    cap: float | None

    @property
    def total(self) -> float:
        return sum(f.points or 0.0 for f in self.facts)

    @property
    def act_refs(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(f.act_ref for f in self.facts))


def penalty_facts_of(snap: Snapshot, agency_id: str) -> dict[str, tuple[PenaltyFact, ...]]:
    """direction → the body's facts of ``snap.year`` in act order."""
    rows = snap.penalty_facts.filter((pl.col("year") == snap.year) & (pl.col("agency_id") == agency_id))
    out: dict[str, list[PenaltyFact]] = {}
    for r in rows.sort("direction", "act_ref", "kind").iter_rows(named=True):
        out.setdefault(str(r["direction"]), []).append(
            PenaltyFact(
                direction=str(r["direction"]),
                kind=str(r["kind"]),
                act_ref=str(r["act_ref"]),
                facts=int(r["facts"] or 0),
                points_per_fact=r["points_per_fact"],
                points=r["points"],
            )
        )
    return {d: tuple(f) for d, f in out.items()}


def facts_word(n: int) -> str:
    """«1 факт», «2 факта», «5 фактов» (Russian plural of «факт»)."""
    if n % 10 == 1 and n % 100 != 11:
        return f"{n} факт"
    if n % 10 in (2, 3, 4) and n % 100 not in (12, 13, 14):
        return f"{n} факта"
    return f"{n} фактов"


def fact_text(fact: PenaltyFact) -> str:
    """One fact line: kind, count and act; the points it costs (before the cap)."""
    text = f"{fact.kind_label} — {facts_word(fact.facts)} (акт сверки {fact.act_ref})"
    if fact.points_per_fact is None:
        return text + ": штрафные баллы за такие факты Методикой не предусмотрены"
    return text + f": {num(fact.points_per_fact)} балла за факт, {num(fact.points)} балла"


def penalty_fact_lines(facts: Sequence[PenaltyFact]) -> tuple[str, ...]:
    """The para. 21 lines of a direction's «Выводы и рекомендации»; none when no act recorded facts."""
    if not facts:
        return ()
    return (f"{forms.LABEL_PENALTY_FACTS}: " + "; ".join(fact_text(f) for f in facts) + ".",)


def reconciliation_acts(
    facts: dict[str, tuple[PenaltyFact, ...]],
    directions: Sequence[tuple[str, float | None, float | None]],
) -> tuple[ReconciliationAct, ...]:
    """Appendix 1 per interaction direction with facts; ``directions`` = (code, deduction, cap) in form order."""
    acts = []
    for code, deduction, cap in directions:
        if code in facts and code in forms.DIRECTION_LABEL:
            label = forms.DIRECTION_LABEL[code]
            acts.append(ReconciliationAct(code, label, facts[code], deduction, cap))
    return tuple(acts)


# ---------------------------------------------------------------------------------------
# Appendix 5
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AutomationConclusion:
    """Appendix 5: one row (the criterion «Автоматизация государственных услуг», max 25)."""

    label: str
    points: float | None
    max_points: float | None
    analysis: tuple[str, ...]
    conclusions: tuple[str, ...]


def automation_conclusion(
    snap: Snapshot, agency_id: str, body_type: str, defs: dict[str, IndicatorDef]
) -> AutomationConclusion | None:
    """Appendix 5 for a CGO with a K3 figure (the form names «центрального государственного органа»)."""
    code = forms.AUTOMATION_CRITERION
    definition = defs.get(code)
    if body_type != "CGO" or definition is None:
        return None
    own = snap.indicators.filter(
        (pl.col("year") == snap.year) & (pl.col("agency_id") == agency_id) & (pl.col("direction") == "services")
    )
    values = {str(r["indicator"]): r for r in own.iter_rows(named=True)}
    if code not in values:
        return None
    points = values[code]["value"]
    max_points = definition.max_for(body_type)
    children = next((r.children for r in forms.direction_form("services", body_type).rows if r.code == code), ())
    analysis: list[str] = []
    for i, child in enumerate(children, start=1):
        d = defs.get(child)
        name = d.name_ru if d else child
        row = values.get(child)
        if row is None or row["value"] is None:
            analysis.append(f"{i}) «{name}»: {forms.LABEL_NOT_COMPUTED}.")
            continue
        maximum = row["max_points"]
        if maximum is not None and maximum < 0:
            analysis.append(f"{i}) «{name}»: вычет {num(abs(row['value']))} (не более {num(abs(maximum))}).")
        else:
            analysis.append(f"{i}) «{name}»: {num(row['value'])} из {num(maximum)}.")
    share = points / max_points if points is not None and max_points else None
    conclusions = (
        f"По критерию «Автоматизация государственных услуг» — {num(points)} из {num(max_points)} "
        f"({pct(share)} максимума).",
    )
    return AutomationConclusion(definition.name_ru, points, max_points, tuple(analysis), conclusions)


# ---------------------------------------------------------------------------------------
# Appendix 14
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DisputeRow:
    """One objection: the conclusion it disputes, the objection, the commission's decision."""

    correction_id: str
    conclusion: str
    objection: str
    note: str
    decision: str  # accepted | rejected | not_considered


@dataclass(frozen=True)
class DisputeTable:
    direction: str
    label: str
    rows: tuple[DisputeRow, ...]
    score_after: float | None  # the direction's published score, all decisions applied

    @property
    def final_line(self) -> str:
        return f"{forms.DISPUTE_FINAL} {num(self.score_after)}."


# An IIN (12 digits, with or without separators) never reaches a report, even inside a decision's key or note.
_IIN = re.compile(r"(?<!\d)\d(?:[ .-]?\d){11}(?!\d)")
IIN_MASK = "[ИИН скрыт]"


def redact(text: str) -> str:
    return _IIN.sub(IIN_MASK, text)


def _date(value: object) -> str:
    return value.strftime("%d.%m.%Y") if isinstance(value, dt.date) else str(value or "")


def _indicator_changes(results: pl.DataFrame, correction_id: str) -> list[dict[str, object]]:
    """Indicator rows of the body's recomputes whose correction_ids name ``correction_id`` (latest first)."""
    if results.is_empty():
        return []
    rows = results.filter((pl.col("level") == "indicator") & pl.col("correction_ids").is_not_null())
    found: dict[str, dict[str, object]] = {}
    for r in rows.sort("recomputed_at", descending=True, nulls_last=True).iter_rows(named=True):
        ids = {i.strip() for i in str(r["correction_ids"]).split(",")}
        if correction_id in ids and r["is_changed"] is not False:
            found.setdefault(str(r["item"]), r)
    order = {code: i for i, code in enumerate(forms.indicator_defs())}  # the methodology's order (§10)
    return [found[code] for code in sorted(found, key=lambda c: (order.get(c, len(order)), c))]


def dispute_row(objection: dict[str, object], results: pl.DataFrame) -> DisputeRow:
    """Columns 2–4 of Appendix 14 for one objection (a ``Snapshot.objections`` row)."""
    cid = str(objection["correction_id"])
    record = f"{objection['table_name']} {objection['row_key']}: {objection['column_name']}"
    changes = _indicator_changes(results, cid)
    conclusion = "; ".join(f"«{c['item_label_ru']}»: {num(c['value_before'])}" for c in changes)  # type: ignore[arg-type]
    old = objection["old_value"]
    conclusion = (conclusion + "; " if conclusion else "") + record + (f" = {old}" if old not in (None, "") else "")
    objection_text = f"{objection['column_name']}: {objection['new_value'] or '∅'}"
    if objection["note"]:
        objection_text += f" — {objection['note']}"
    decided = f"решение {objection['decision_ref']} от {_date(objection['decided_on'])}"
    conclusion, objection_text = redact(conclusion), redact(objection_text)
    if objection["rejection_reason"]:
        reason = str(objection["rejection_reason"]).removeprefix(REASON_PREFIX)
        return DisputeRow(
            cid, conclusion, objection_text, f"{forms.DECISION_NOT_CONSIDERED}: {reason}", "not_considered"
        )
    if objection["decision"] == "rejected":
        return DisputeRow(cid, conclusion, objection_text, f"{forms.DECISION_REJECTED} ({decided})", "rejected")
    note = f"{forms.DECISION_ACCEPTED} ({decided})"
    if changes:
        note += ": " + "; ".join(
            f"«{c['item_label_ru']}» {num(c['value_before'])} → {num(c['value_after'])}"  # type: ignore[arg-type]
            for c in changes
        )
    elif not objection["applied"]:
        note += "; пересчет еще не выполнен (kzeval recompute)"
    return DisputeRow(cid, conclusion, objection_text, note, "accepted")


def dispute_tables(
    snap: Snapshot, agency_id: str, directions: Sequence[tuple[str, float | None]]
) -> tuple[DisputeTable, ...]:
    """Appendix 14 per direction (``(code, published score)`` in form order) the body's objections touch."""
    objections = snap.objections.filter(pl.col("agency_id") == agency_id)
    if objections.is_empty():
        return ()
    results = snap.dispute_results.filter(pl.col("agency_id") == agency_id)
    tables = []
    for code, score in directions:
        sources = set(direction_source_tables(code))
        rows = [dispute_row(o, results) for o in objections.iter_rows(named=True) if o["table_name"] in sources]
        if rows:
            tables.append(DisputeTable(code, forms.DIRECTION_LABEL.get(code, code), tuple(rows), score))
    return tuple(tables)
