"""Direction «Открытость государственного органа» (seed 004, chapter 4, Appendices 7 and 10).

``O = P1 + P2 + P3 + P4 + P5 + P6 − P7`` (para. 91). P1–P5 and the CGO-only penalty P7 are
sums of the Ministry's per-language points (``openness_points``: Kazakh + Russian). Points
are per assessed body: its units' rows are summed per item and language, and a row or a sum
above the item's Appendix 10 maximum is a cross-table error (:func:`check_openness_points`
lists the offending rows so the pipeline can quarantine them before scoring). P7 adds up
per Table 8 criterion, each capped at 3 (Tables 9–11), 9 in all. Items a body is not assessed
on (``not_assessed``) receive the mean of its peers' points (para. 67, Table 6 note **).
P6 «Открытость через СМИ» is computed from ``openness_media`` per language:
``(A + B) × C + D`` (paras. 80–85).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import polars as pl

from kzeval.indicators.common import DirectionResult, IndicatorResult, clamp, result_from_definition
from kzeval.indicators.services_inputs import body_column
from kzeval.methodology import interaction_2023 as ed
from kzeval.methodology.base import ActiveReadings

DIRECTION = ed.DIRECTION_OPENNESS
_DEFS = {d.code: d for d in ed.INDICATORS}

INDICATOR_TABLES: Mapping[str, tuple[str, ...]] = {  # the definitions' source_tables
    code: _DEFS[code].source_tables for code in (*ed.OPEN_POINTS_CRITERIA, "open_media", ed.OPEN_SUBORDINATE_PENALTY)
}
MEDIA_READINGS = ("open.media_no_requests", "open.population_band", "open.publicity_small_b")
AVERAGE_READINGS = ("open.excluded_item", "open.average_no_peers")  # only where a body has not-assessed items
# Readings that may apply to each figure; a stored figure names those it actually used.
INDICATOR_READINGS: Mapping[str, tuple[str, ...]] = {
    "open_media": MEDIA_READINGS,
    "open_data": ("open.stimulus_cap",),
    "open_budget": AVERAGE_READINGS,
    "open_dialogue": AVERAGE_READINGS,
}


def codes_for(body_type: str) -> tuple[str, ...]:
    """P1–P6 for every body; P7 only for CGO (Table 8 note)."""
    penalty = (ed.OPEN_SUBORDINATE_PENALTY,) if body_type in ed.OPEN_SUBORDINATE_PENALTY_BODY_TYPES else ()
    return (*ed.OPEN_POINTS_CRITERIA, "open_media", *penalty)


def required_tables(body_type: str) -> tuple[str, ...]:
    return tuple(sorted({t for code in codes_for(body_type) for t in INDICATOR_TABLES[code]}))


# ---------------------------------------------------------------------------------------
# Appendix 10 check
# ---------------------------------------------------------------------------------------

NOT_ASSESSED = "not_assessed"
CAPPED = "capped"  # check_openness_points: True when the row is only flagged (a sum above the maximum)
_Key = tuple[str, str, str, str]  # (assessed body, criterion, item, language)


def item_maximum(criterion: str, item: str, body_type: str) -> float | None:
    """Per-language Appendix 10 maximum of an item, or None when the item is not assessed."""
    return ed.OPEN_ITEM_MAX_PER_LANGUAGE.get((criterion, body_type), {}).get(item)


def _not_assessed(row: Mapping[str, Any]) -> str | None:
    value = row.get(NOT_ASSESSED)
    return None if value is None or value == "" else str(value)


def _row_problem(row: Mapping[str, Any], body_type: str | None) -> tuple[float | None, str] | None:
    """Why a single row breaks Appendix 10 (or the not_assessed scope), or None."""
    criterion, item, points_value = row["criterion"], str(row["item"]), row["points"]
    mark = _not_assessed(row)
    if body_type is None:
        return None, f"body type of agency {row['agency_id']!r} is unknown"
    if (criterion, body_type) not in ed.OPEN_ITEM_MAX_PER_LANGUAGE:
        return None, f"criterion {criterion} is not assessed for {body_type} (Appendix 10)"
    maximum = item_maximum(criterion, item, body_type)
    if maximum is None:
        return None, f"item {item} is not a row of the Appendix 10 table for {criterion} ({body_type})"
    if mark is not None:
        scope = ed.OPEN_NOT_ASSESSED_SCOPE.get(mark, {}).get((criterion, body_type), ())
        if item not in scope:
            return maximum, f"not_assessed={mark} does not apply to {criterion} item {item} ({body_type})"
        if points_value is not None:  # e.g. a correction set points on a not-assessed row
            return maximum, f"points {points_value} given for {criterion} item {item} marked not_assessed={mark}"
        return None
    if points_value is not None and points_value > maximum + ed.OPEN_POINTS_TOLERANCE:
        return (
            maximum,
            f"points {points_value} exceed the Appendix 10 maximum {maximum} for {criterion} item {item} ({body_type})",
        )
    return None


def _group_problem(rows: list[dict[str, Any]], body_type: str) -> tuple[float | None, str, bool] | None:
    """Why the rows of one assessed body, item and language break Appendix 10 together, or None.

    Points are per assessed body: its units' rows are summed, and the sum may not exceed the
    item's maximum. P7 rows are exempt (several subordinate organisations add up per Table 8
    criterion, capped at 3 in :func:`subordinate_penalty`).
    """
    criterion, item = rows[0]["criterion"], str(rows[0]["item"])
    if criterion == ed.OPEN_SUBORDINATE_PENALTY:
        return None
    maximum = item_maximum(criterion, item, body_type)
    marks = sorted({m for m in (_not_assessed(r) for r in rows) if m is not None})
    scored = [r for r in rows if _not_assessed(r) is None]
    units = ", ".join(sorted({str(r["agency_id"]) for r in rows}))
    if marks and scored:
        return (
            maximum,
            f"{criterion} item {item} is marked not_assessed={'/'.join(marks)} and also scored "
            f"(rows of {units}): the body is either assessed on the item or not",
            False,
        )
    total = sum(float(r["points"] or 0.0) for r in scored)
    if maximum is not None and len(scored) > 1 and total > maximum + ed.OPEN_POINTS_TOLERANCE:
        return (
            maximum,
            f"points of the body's units sum to {total:g} ({units}) above the Appendix 10 maximum {maximum} "
            f"for {criterion} item {item} ({body_type}): points are per assessed body; the item counts "
            f"{maximum} until the sheet is corrected",
            True,
        )
    return None


def check_openness_points(points: pl.DataFrame, bodies: pl.DataFrame) -> pl.DataFrame:
    """Rows of ``openness_points`` the Appendix 10 tables do not allow, with a ``reason``.

    A row offends when its body's type is unknown, its item is not a row of the criterion's
    table for that body type (e.g. P7 for an MIO, Table 6 item 5.4 for an MIO), its points
    exceed the item's per-language maximum, or its ``not_assessed`` mark does not apply to
    the item. Rows of one assessed body, criterion, item and language offend together when
    their sum exceeds the item's maximum (units each sending the item; P7 excepted) or when
    the item is both marked not assessed and scored. Returns the offending rows with the
    input columns plus ``max_points`` and ``reason`` (empty frame when all rows are valid).
    """
    if "body_type" in points.columns:
        typed = points.with_columns(pl.col("body_type").alias("_body_type"))
    else:
        lookup = bodies.select(pl.col("agency_id").alias("_body"), pl.col("body_type").alias("_body_type"))
        typed = points.with_columns(pl.col(body_column(points)).alias("_body")).join(lookup, on="_body", how="left")
        typed = typed.drop("_body")
    body_col = body_column(points)
    offending: list[dict[str, Any]] = []
    reasons: list[tuple[float | None, str, bool]] = []
    groups: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
    for row in typed.iter_rows(named=True):
        body_type = row["_body_type"]
        problem = _row_problem(row, body_type)
        if problem is not None:
            offending.append({k: v for k, v in row.items() if k != "_body_type"})
            reasons.append((*problem, False))
        elif row[body_col] is not None:
            key = (row[body_col], row["year"], row["criterion"], str(row["item"]), row["language"], body_type)
            groups.setdefault(key, []).append(row)
    for key, rows in groups.items():
        group_problem = _group_problem(rows, key[-1]) if len(rows) > 1 else None
        if group_problem is not None:
            offending.extend({k: v for k, v in row.items() if k != "_body_type"} for row in rows)
            reasons.extend(group_problem for _ in rows)
    schema = {name: dtype for name, dtype in points.schema.items()}
    result = pl.DataFrame(offending, schema=schema)
    return result.with_columns(
        pl.Series("max_points", [r[0] for r in reasons], dtype=pl.Float64),
        pl.Series("reason", [r[1] for r in reasons], dtype=pl.Utf8),
        pl.Series(CAPPED, [r[2] for r in reasons], dtype=pl.Boolean),
    )


def restore_capped_rows(checked: pl.DataFrame, kept: pl.DataFrame, bad: pl.DataFrame) -> pl.DataFrame:
    """``kept`` (rows left after quarantine) plus the rows of ``checked`` that are only flagged.

    A sum of unit rows above an item's maximum is recorded as a cross-table error, but the
    body's points still count, capped at the maximum (:func:`aggregate_points`): those rows
    go back into the scoring frame. Rows wrong on their own stay out.
    """
    flagged = bad.filter(pl.col(CAPPED)) if CAPPED in bad.columns else bad.clear()
    if flagged.height == 0:
        return kept
    key = ["agency_id", "year", "criterion", "item", "language"]
    back = checked.join(flagged.select(key), on=key, how="semi")
    return pl.concat([kept, back.select(kept.columns)], how="vertical_relaxed")


# ---------------------------------------------------------------------------------------
# Scalar formulas
# ---------------------------------------------------------------------------------------


def points_criterion(total_points: float, criterion: str) -> float:
    """P2–P5 (paras. 66–67, 70–71, 74, 77, IN SEED): Σ points kk + ru, at most the Appendix 7 weight."""
    return clamp(total_points, 0.0, ed.OPEN_CRITERION_MAX[criterion])


def open_data_criterion(items_1_5: float, stimulus: float, reading: str) -> float:
    """P1 (para. 62, Table 1): items 1–5 plus the stimulus item 6, which «не учитывается» at 18.

    Reading ``open.stimulus_cap``: clamp (default) — ``min(18, items 1–5 + item 6)``: the
    stimulus helps towards 18, never above it, and is void once items 1–5 make 18 (Table 1
    «Итого 18», Appendix 7 maximum 18); literal — item 6 added only while items 1–5 < 18,
    the sum not capped.
    """
    maximum = ed.OPEN_CRITERION_MAX["open_data"]
    if reading == "clamp":
        return clamp(items_1_5 + stimulus, 0.0, maximum)
    if reading == "literal":
        if items_1_5 >= maximum - ed.OPEN_POINTS_TOLERANCE:
            return max(0.0, items_1_5)
        return max(0.0, items_1_5 + stimulus)
    raise ValueError(f"open.stimulus_cap: unknown reading {reading!r}")


def subordinate_criterion_of(item: str) -> str | None:
    """Table 8 criterion of a P7 item («9.1» → website, «10.x» → open data, «11.x» → open dialogue)."""
    return ed.OPEN_SUBORDINATE_CRITERION_OF_TABLE.get(str(item).split(".", 1)[0])


def subordinate_penalty(by_criterion: Mapping[str, float]) -> float:
    """P7 (paras. 86–90, Tables 8–11, IN SEED), a positive amount: each Table 8 criterion's penalty
    points (kk + ru, all subordinate organisations) capped at «Итого штрафных баллов 3», 9 in all."""
    capped = sum(clamp(by_criterion.get(c, 0.0), 0.0, ed.OPEN_SUBORDINATE_CRITERION_MAX) for c in _P7_CRITERIA)
    return clamp(capped, 0.0, ed.OPEN_SUBORDINATE_PENALTY_MAX)


_P7_CRITERIA = tuple(dict.fromkeys(ed.OPEN_SUBORDINATE_CRITERION_OF_TABLE.values()))


def not_assessed_points(
    mark: str, criterion: str, item: str, body_type: str, peers: Mapping[str, float], readings: ActiveReadings
) -> tuple[float, str, tuple[str, ...]]:
    """Points of an item the body is not assessed on: (points, rule, reading keys used).

    secret / ДСП budget (para. 67) and MoD/MFA on Table 6 item 5 (note **): the mean of the
    points obtained by ``peers`` (bodies of the same type, on that item and language) — IN SEED.
    MoD on Table 6 item 4 (note *) and the National Bank (Table 2 note **): the notes give no
    score, reading ``open.excluded_item`` (average default, maximum, zero). With no peer at all
    the mean is undefined: reading ``open.average_no_peers`` (maximum default, zero).
    """
    maximum = item_maximum(criterion, item, body_type) or 0.0
    keys: tuple[str, ...] = ()
    if mark in ed.OPEN_NOT_ASSESSED_BY_READING:
        keys = ("open.excluded_item",)
        choice = readings.value("open.excluded_item")
        if choice == "maximum":
            return maximum, "maximum", keys
        if choice == "zero":
            return 0.0, "zero", keys
        if choice != "average":
            raise ValueError(f"open.excluded_item: unknown reading {choice!r}")
    elif mark not in ed.OPEN_NOT_ASSESSED_AVERAGE_IN_SEED:
        raise ValueError(f"openness_points.not_assessed: unknown mark {mark!r}")
    if peers:
        return math.fsum(peers.values()) / len(peers), "average", keys  # exact: no peer-order dependence
    keys = (*keys, "open.average_no_peers")
    choice = readings.value("open.average_no_peers")
    if choice == "maximum":
        return maximum, "no_peers_maximum", keys
    if choice == "zero":
        return 0.0, "no_peers_zero", keys
    raise ValueError(f"open.average_no_peers: unknown reading {choice!r}")


# Inputs of P1–P5 that follow other bodies' points (the cross-body averages); the rest is the body's own.
AVERAGE_DEPENDENT_INPUTS = ("points_kk", "points_ru", "averaged_kk", "averaged_ru")


def own_part(inputs: Mapping[str, Any]) -> dict[str, Any]:
    """The inputs of an openness figure that depend on the body's own rows only (for recompute)."""
    own = {k: v for k, v in inputs.items() if k not in AVERAGE_DEPENDENT_INPUTS and k != "averaged_items"}
    own["averaged_items"] = [
        (a.get("item"), a.get("language"), a.get("not_assessed")) for a in inputs.get("averaged_items") or []
    ]
    return own


def moved_by_averages_only(before: Mapping[str, Any], after: Mapping[str, Any]) -> bool:
    """True when an openness figure's change comes from its cross-body averages alone: it holds
    averaged items before and after, and its own points are the same."""
    return (
        bool(before.get("averaged_items")) and bool(after.get("averaged_items")) and own_part(before) == own_part(after)
    )


def publicity_points(events_high_publicity: float, events_total: float, reading: str) -> float:
    """A per language (para. 81, RECONSTRUCTED-MEDIUM): ``a / max(b, 12) × 2,5``.

    Reading ``open.publicity_small_b``: floor12 (b below 12 counts as 12) or zero (A = 0
    when fewer than 12 events were held).
    """
    weight = ed.OPEN_PUBLICITY_POINTS_PER_LANGUAGE
    minimum = ed.OPEN_PUBLICITY_MIN_EVENTS
    if reading == "floor12":
        denominator = max(events_total, minimum)
    elif reading == "zero":
        if events_total < minimum:
            return 0.0
        denominator = events_total
    else:
        raise ValueError(f"open.publicity_small_b: unknown reading {reading!r}")
    return clamp(events_high_publicity / denominator * weight, 0.0, weight)


def media_answers_points(requests: float, answers: float, answers_late: float, reading: str) -> float:
    """B per language (para. 82, RECONSTRUCTED-MEDIUM): on-time share ``(b − c) / a × 1``, clamped 0..1.

    Reading ``open.media_no_requests`` when no request was received (a = 0): max (1) or zero.
    """
    weight = ed.OPEN_MEDIA_ANSWERS_POINTS_PER_LANGUAGE
    if requests <= 0:
        if reading == "max":
            return weight
        if reading == "zero":
            return 0.0
        raise ValueError(f"open.media_no_requests: unknown reading {reading!r}")
    return clamp((answers - answers_late) / requests, 0.0, 1.0) * weight


def media_satisfaction_share(media_satisfied_pct: float) -> float:
    """C (para. 83, RECONSTRUCTED-HIGH): ``a / 100`` — a 0..1 multiplier, so max P6 = (5 + 2) × 1 + 3 = 10."""
    return clamp(media_satisfied_pct / ed.OPEN_MEDIA_SATISFIED_PCT_SCALE, 0.0, 1.0)


def population_satisfaction_points(population_satisfied_pct: float, reading: str) -> float:
    """D per language (para. 84, Table 7-1 item 3, IN SEED bands).

    Reading ``open.population_band``: exact (default) — «свыше 80 %» is strict on the exact
    value (80.01 and 80.6 → 1.5, 80.0 → 1) and a value in a gap between two written bands takes
    the lower band (79.5 → 1, 68.5 → 0.8, 35.5 → 0); floor — band the floored percentage (80.6 →
    1), the pre-2026-12-04 reading kept for comparison.
    """
    if reading == "floor":
        value = float(math.floor(population_satisfied_pct))
    elif reading == "exact":
        value = population_satisfied_pct
    else:
        raise ValueError(f"open.population_band: unknown reading {reading!r}")
    for threshold, strictly_above, points in ed.OPEN_POPULATION_SATISFACTION_BANDS:
        if (value > threshold) if strictly_above else (value >= threshold):
            return points
    return ed.OPEN_POPULATION_SATISFACTION_BELOW_BANDS


def media_openness_language(
    events_high_publicity: float,
    events_total: float,
    media_requests: float,
    media_answers: float,
    media_answers_late: float,
    media_satisfied_pct: float,
    population_satisfied_pct: float,
    readings: ActiveReadings,
) -> dict[str, float]:
    """One language version of P6 (para. 85): ``(A + B) × C + D`` with its parts."""
    a = publicity_points(events_high_publicity, events_total, readings.value("open.publicity_small_b"))
    b = media_answers_points(
        media_requests, media_answers, media_answers_late, readings.value("open.media_no_requests")
    )
    c = media_satisfaction_share(media_satisfied_pct)
    d = population_satisfaction_points(population_satisfied_pct, readings.value("open.population_band"))
    return {"A": a, "B": b, "C": c, "D": d, "P6": (a + b) * c + d}


def media_openness(per_language: Mapping[str, Mapping[str, float]]) -> float:
    """P6 (para. 80, 85): Σ over kk and ru of ``(A + B) × C + D``, at most 10; a missing language scores 0."""
    total = sum(per_language[lang]["P6"] for lang in ed.OPEN_LANGUAGES if lang in per_language)
    return clamp(total, 0.0, ed.OPEN_CRITERION_MAX["open_media"])


# ---------------------------------------------------------------------------------------
# Direction assembly
# ---------------------------------------------------------------------------------------


def _by_body(frame: pl.DataFrame, year: int) -> pl.DataFrame:
    return frame.with_columns(pl.col(body_column(frame)).alias("_body")).filter(
        pl.col("_body").is_not_null() & (pl.col("year") == year)
    )


def aggregate_points(
    points: pl.DataFrame, year: int, body_types: Mapping[str, str] | None = None
) -> tuple[dict[_Key, float], dict[_Key, str]]:
    """Points per (assessed body, criterion, item, language) summed over the body's units, and the
    items marked not assessed (``not_assessed``) with their mark, for the year.

    With ``body_types`` each sum of P1–P5 is capped at the item's Appendix 10 maximum (points
    are per assessed body: a central office and a unit each sending item 1 at 2,5 make 2,5,
    not 5); P7 sums are left whole, they are capped per Table 8 criterion later.
    """
    frame = _by_body(points, year)
    marks_col = pl.col(NOT_ASSESSED) if NOT_ASSESSED in frame.columns else pl.lit(None, dtype=pl.Utf8)
    frame = frame.with_columns(marks_col.alias("_mark"), pl.col("item").cast(pl.Utf8))
    keys = ["_body", "criterion", "item", "language"]
    # Groups in key order and exact (fsum) sums: the dicts below are summed again per body and
    # averaged across peers, so their order must not follow polars' hash-group order, which
    # changes from run to run and made two builds of one drop differ in the last float digit.
    summed = (
        frame.filter(pl.col("_mark").is_null())
        .group_by(keys)
        .agg(pl.col("points").fill_null(0).cast(pl.Float64))
        .sort(keys)
    )
    marked = frame.filter(pl.col("_mark").is_not_null()).group_by(keys).agg(pl.col("_mark").min()).sort(keys)
    own = {(b, c, i, lang): math.fsum(v) for b, c, i, lang, v in summed.iter_rows()}
    for (b, c, i, lang), value in own.items():
        maximum = item_maximum(c, i, body_types.get(b, "")) if body_types and c != ed.OPEN_SUBORDINATE_PENALTY else None
        if maximum is not None and value > maximum:
            own[(b, c, i, lang)] = maximum
    marks = {(b, c, i, lang): str(m) for b, c, i, lang, m in marked.iter_rows() if (b, c, i, lang) not in own}
    return own, marks


def peer_points(
    own: Mapping[_Key, float], marks: Mapping[_Key, str], body_types: Mapping[str, str]
) -> dict[tuple[str, str, str, str], dict[str, float]]:
    """(body type, criterion, item, language) → {body: points} of the bodies assessed on it (para. 67)."""
    peers: dict[tuple[str, str, str, str], dict[str, float]] = {}
    for (body, criterion, item, language), value in own.items():
        btype = body_types.get(body)
        if btype is None or (body, criterion, item, language) in marks:
            continue
        peers.setdefault((btype, criterion, item, language), {})[body] = value
    return peers


def _points_criterion_values(
    body: str,
    btype: str,
    criterion: str,
    own: Mapping[_Key, float],
    marks: Mapping[_Key, str],
    peers: Mapping[tuple[str, str, str, str], Mapping[str, float]],
    readings: ActiveReadings,
) -> tuple[float, dict[str, Any], tuple[str, ...]]:
    """One of P1–P5 for a body: (value, inputs, reading keys)."""
    own_by_lang = dict.fromkeys(ed.OPEN_LANGUAGES, 0.0)
    averaged_by_lang = dict.fromkeys(ed.OPEN_LANGUAGES, 0.0)
    stimulus = dict.fromkeys(ed.OPEN_LANGUAGES, 0.0)
    averaged_items: list[dict[str, Any]] = []
    keys: list[str] = ["open.stimulus_cap"] if criterion == "open_data" else []
    for (b, c, item, lang), value in sorted(own.items()):  # a fixed order: same float sums every run
        if b == body and c == criterion and lang in own_by_lang:
            own_by_lang[lang] += value
            if criterion == "open_data" and item == ed.OPEN_DATA_STIMULUS_ITEM:
                stimulus[lang] += value
    for (b, c, item, lang), mark in sorted(marks.items()):
        if b != body or c != criterion or lang not in averaged_by_lang:
            continue
        from_peers = peers.get((btype, criterion, item, lang), {})
        value, rule, used = not_assessed_points(mark, criterion, item, btype, from_peers, readings)
        keys.extend(used)
        averaged_by_lang[lang] += value
        averaged_items.append(
            {
                "item": item,
                "language": lang,
                "not_assessed": mark,
                "rule": rule,
                "value": value,
                "peer_count": len(from_peers) if rule == "average" else 0,
                "peers": sorted(from_peers) if rule == "average" else [],
            }
        )
    totals = {lang: own_by_lang[lang] + averaged_by_lang[lang] for lang in ed.OPEN_LANGUAGES}
    inputs: dict[str, Any] = {f"points_{lang}": totals[lang] for lang in ed.OPEN_LANGUAGES}
    if criterion == "open_data":
        total_stimulus = sum(stimulus.values())
        items_1_5 = sum(totals.values()) - total_stimulus
        value = open_data_criterion(items_1_5, total_stimulus, readings.value("open.stimulus_cap"))
        inputs.update(items_1_5=items_1_5, stimulus=total_stimulus)
    else:
        value = points_criterion(sum(totals.values()), criterion)
    if averaged_items:
        inputs.update({f"own_{lang}": own_by_lang[lang] for lang in ed.OPEN_LANGUAGES})
        inputs.update({f"averaged_{lang}": averaged_by_lang[lang] for lang in ed.OPEN_LANGUAGES})
        inputs["averaged_items"] = averaged_items
    return value, inputs, tuple(dict.fromkeys(keys))


def _subordinate_values(body: str, own: Mapping[_Key, float]) -> tuple[float, dict[str, Any]]:
    """P7 for a CGO (stored negative) and its inputs: per-language sums and per-criterion sums."""
    by_lang = dict.fromkeys(ed.OPEN_LANGUAGES, 0.0)
    by_criterion = dict.fromkeys(_P7_CRITERIA, 0.0)
    for (b, c, item, lang), value in sorted(own.items()):  # a fixed order: same float sums every run
        if b != body or c != ed.OPEN_SUBORDINATE_PENALTY:
            continue
        if lang in by_lang:
            by_lang[lang] += value
        table8 = subordinate_criterion_of(item)
        if table8 is not None:
            by_criterion[table8] += value
    inputs: dict[str, Any] = {f"points_{lang}": by_lang[lang] for lang in ed.OPEN_LANGUAGES}
    inputs.update({f"sum_{c}": by_criterion[c] for c in _P7_CRITERIA})
    inputs.update(criterion_max=ed.OPEN_SUBORDINATE_CRITERION_MAX, max=ed.OPEN_SUBORDINATE_PENALTY_MAX)
    return -subordinate_penalty(by_criterion), inputs


def aggregate_media(media: pl.DataFrame, year: int) -> dict[str, dict[str, dict[str, float]]]:
    """body → language → media figures (counts summed over units, percentages averaged)."""
    counts = ("events_high_publicity", "events_total", "media_requests", "media_answers", "media_answers_late")
    pcts = ("media_satisfied_pct", "population_satisfied_pct")
    summed = (
        _by_body(media, year)
        .group_by("_body", "language")
        .agg(*[pl.col(c).fill_null(0).sum() for c in counts], *[pl.col(c).mean() for c in pcts])
    )
    result: dict[str, dict[str, dict[str, float]]] = {}
    for row in summed.iter_rows(named=True):
        result.setdefault(row["_body"], {})[row["language"]] = {c: float(row[c] or 0) for c in (*counts, *pcts)}
    return result


def compute_openness(
    frames: Mapping[str, pl.DataFrame | None], bodies: pl.DataFrame, year: int, readings: ActiveReadings
) -> tuple[list[IndicatorResult], list[DirectionResult]]:
    """P1–P7 and ``O`` per assessed body with rows of the year in ``openness_points`` or ``openness_media``.

    Rows of ``openness_points`` are expected to have passed :func:`check_openness_points`.
    Items a body is not assessed on (``not_assessed``) receive the mean of the points the
    bodies of the same type obtained on that item and language (para. 67, Table 6 note **),
    so such a figure depends on other bodies' rows: the inputs list the average and its bodies.
    """
    available = {name for name, frame in frames.items() if frame is not None}
    body_types = dict(zip(bodies["agency_id"].to_list(), bodies["body_type"].to_list(), strict=True))
    points_frame, media_frame = frames.get("openness_points"), frames.get("openness_media")
    own, marks = aggregate_points(points_frame, year, body_types) if points_frame is not None else ({}, {})
    peers = peer_points(own, marks, body_types)
    media = aggregate_media(media_frame, year) if media_frame is not None else {}
    own_of: dict[str, dict[_Key, float]] = {}
    marks_of: dict[str, dict[_Key, str]] = {}
    for key, value in own.items():
        own_of.setdefault(key[0], {})[key] = value
    for key, mark in marks.items():
        marks_of.setdefault(key[0], {})[key] = mark
    scored = sorted(set(own_of) | set(marks_of) | set(media))
    indicators: list[IndicatorResult] = []
    directions: list[DirectionResult] = []
    for body in scored:
        btype = body_types.get(body)
        if btype is None:
            continue
        values: dict[str, float] = {}
        inputs: dict[str, dict[str, Any]] = {}
        reading_keys: dict[str, tuple[str, ...]] = {"open_media": MEDIA_READINGS}
        for criterion in ed.OPEN_POINTS_CRITERIA:
            values[criterion], inputs[criterion], reading_keys[criterion] = _points_criterion_values(
                body, btype, criterion, own_of.get(body, {}), marks_of.get(body, {}), peers, readings
            )
        by_language_media = {
            lang: media_openness_language(
                figures["events_high_publicity"],
                figures["events_total"],
                figures["media_requests"],
                figures["media_answers"],
                figures["media_answers_late"],
                figures["media_satisfied_pct"],
                figures["population_satisfied_pct"],
                readings,
            )
            for lang, figures in media.get(body, {}).items()
            if lang in ed.OPEN_LANGUAGES
        }
        values["open_media"] = media_openness(by_language_media)
        inputs["open_media"] = {
            **{
                f"{part}_{lang}": parts[part]
                for lang, parts in by_language_media.items()
                for part in ("A", "B", "C", "D")
            },
            **{
                f"{name}_{lang}": value
                for lang, figures in media.get(body, {}).items()
                for name, value in figures.items()
            },
        }
        if btype in ed.OPEN_SUBORDINATE_PENALTY_BODY_TYPES:
            code = ed.OPEN_SUBORDINATE_PENALTY
            values[code], inputs[code] = _subordinate_values(body, own_of.get(body, {}))
        codes = codes_for(btype)
        computed = [code for code in codes if all(t in available for t in INDICATOR_TABLES[code])]
        for code in computed:
            indicators.append(
                result_from_definition(
                    _DEFS[code], body, btype, values[code], inputs[code], readings, reading_keys.get(code, ())
                )
            )
        if len(computed) == len(codes):
            used = tuple(k for code in codes for k in reading_keys.get(code, ()))
            directions.append(
                DirectionResult(
                    agency_id=body,
                    block=ed.BLOCK,
                    direction=DIRECTION,
                    raw_score=sum(values[c] for c in codes),  # P7 is stored negative: O = P1 + … + P6 − P7
                    reading=readings.label(used),
                    is_provisional=readings.is_provisional(used),
                )
            )
    return indicators, directions
