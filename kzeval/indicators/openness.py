"""Direction «Открытость государственного органа» (seed 004, chapter 4, Appendices 7 and 10).

``O = P1 + P2 + P3 + P4 + P5 + P6 − P7`` (para. 91). P1–P5 and the CGO-only penalty P7 are
sums of the Ministry's per-language points (``openness_points``: Kazakh + Russian, each
row at most its Appendix 10 maximum — :func:`check_openness_points` lists the rows that are
not, so the pipeline can quarantine them before scoring). P6 «Открытость через СМИ» is
computed from ``openness_media`` per language: ``(A + B) × C + D`` (paras. 80–85).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import polars as pl

from kzeval.indicators.common import DirectionResult, IndicatorResult, clamp, result_from_definition
from kzeval.indicators.services import body_column
from kzeval.methodology import interaction_2023 as ed
from kzeval.methodology.base import ActiveReadings

DIRECTION = ed.DIRECTION_OPENNESS
_DEFS = {d.code: d for d in ed.INDICATORS}

INDICATOR_TABLES: Mapping[str, tuple[str, ...]] = {
    **{code: ("openness_points",) for code in ed.OPEN_POINTS_CRITERIA},
    "open_media": ("openness_media",),
    ed.OPEN_SUBORDINATE_PENALTY: ("openness_points",),
}
MEDIA_READINGS = ("open.media_no_requests", "open.population_band", "open.publicity_small_b")
INDICATOR_READINGS: Mapping[str, tuple[str, ...]] = {"open_media": MEDIA_READINGS}


def codes_for(body_type: str) -> tuple[str, ...]:
    """P1–P6 for every body; P7 only for CGO (Table 8 note)."""
    penalty = (ed.OPEN_SUBORDINATE_PENALTY,) if body_type in ed.OPEN_SUBORDINATE_PENALTY_BODY_TYPES else ()
    return (*ed.OPEN_POINTS_CRITERIA, "open_media", *penalty)


def required_tables(body_type: str) -> tuple[str, ...]:
    return tuple(sorted({t for code in codes_for(body_type) for t in INDICATOR_TABLES[code]}))


# ---------------------------------------------------------------------------------------
# Appendix 10 check
# ---------------------------------------------------------------------------------------


def item_maximum(criterion: str, item: str, body_type: str) -> float | None:
    """Per-language Appendix 10 maximum of an item, or None when the item is not assessed."""
    return ed.OPEN_ITEM_MAX_PER_LANGUAGE.get((criterion, body_type), {}).get(item)


def check_openness_points(points: pl.DataFrame, bodies: pl.DataFrame) -> pl.DataFrame:
    """Rows of ``openness_points`` the Appendix 10 tables do not allow, with a ``reason``.

    A row offends when its body's type is unknown, its item is not a row of the criterion's
    table for that body type (e.g. P7 for an MIO, Table 6 item 5.4 for an MIO), or its
    points exceed the item's per-language maximum. Returns the offending rows with the
    input columns plus ``max_points`` and ``reason`` (empty frame when all rows are valid).
    """
    if "body_type" in points.columns:
        typed = points.with_columns(pl.col("body_type").alias("_body_type"))
    else:
        lookup = bodies.select(pl.col("agency_id").alias("_body"), pl.col("body_type").alias("_body_type"))
        typed = points.with_columns(pl.col(body_column(points)).alias("_body")).join(lookup, on="_body", how="left")
        typed = typed.drop("_body")
    offending: list[dict[str, Any]] = []
    reasons: list[tuple[float | None, str]] = []
    for row in typed.iter_rows(named=True):
        body_type = row["_body_type"]
        criterion, item, points_value = row["criterion"], str(row["item"]), row["points"]
        if body_type is None:
            reason: tuple[float | None, str] | None = (None, f"body type of agency {row['agency_id']!r} is unknown")
        elif (criterion, body_type) not in ed.OPEN_ITEM_MAX_PER_LANGUAGE:
            reason = (None, f"criterion {criterion} is not assessed for {body_type} (Appendix 10)")
        else:
            maximum = item_maximum(criterion, item, body_type)
            if maximum is None:
                reason = (None, f"item {item} is not a row of the Appendix 10 table for {criterion} ({body_type})")
            elif points_value is not None and points_value > maximum + ed.OPEN_POINTS_TOLERANCE:
                reason = (
                    maximum,
                    f"points {points_value} exceed the Appendix 10 maximum {maximum} for {criterion} item {item} ({body_type})",
                )
            else:
                reason = None
        if reason is not None:
            offending.append({k: v for k, v in row.items() if k != "_body_type"})
            reasons.append(reason)
    schema = {name: dtype for name, dtype in points.schema.items()}
    result = pl.DataFrame(offending, schema=schema)
    return result.with_columns(
        pl.Series("max_points", [r[0] for r in reasons], dtype=pl.Float64),
        pl.Series("reason", [r[1] for r in reasons], dtype=pl.Utf8),
    )


# ---------------------------------------------------------------------------------------
# Scalar formulas
# ---------------------------------------------------------------------------------------


def points_criterion(total_points: float, criterion: str) -> float:
    """P1–P5 (paras. 62, 66–67, 70–71, 74, 77, IN SEED): Σ points kk + ru, at most the Appendix 7 weight.

    The cap also drops the open-data API bonus (Table 1 item 6) once P1 reaches 18.
    """
    return clamp(total_points, 0.0, ed.OPEN_CRITERION_MAX[criterion])


def subordinate_penalty(total_points: float) -> float:
    """P7 (paras. 86–90, IN SEED): Σ penalty points kk + ru of Tables 9–11, at most 9 (positive amount)."""
    return clamp(total_points, 0.0, ed.OPEN_SUBORDINATE_PENALTY_MAX)


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

    Reading ``open.population_band`` (Q20): floor — band the floored percentage, so 80 and
    80.5 → 1, 35.9 → 0; exact — band the exact value on the lower bounds (68.5 → 0.8).
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


def aggregate_points(points: pl.DataFrame, year: int) -> dict[tuple[str, str], dict[str, float]]:
    """(body, criterion) → points summed per language (``kk``, ``ru``) for the year."""
    summed = _by_body(points, year).group_by("_body", "criterion", "language").agg(pl.col("points").fill_null(0).sum())
    result: dict[tuple[str, str], dict[str, float]] = {}
    for body, criterion, language, value in summed.iter_rows():
        result.setdefault((body, criterion), {})[language] = float(value)
    return result


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
    """
    available = {name for name, frame in frames.items() if frame is not None}
    body_types = dict(zip(bodies["agency_id"].to_list(), bodies["body_type"].to_list(), strict=True))
    points_frame, media_frame = frames.get("openness_points"), frames.get("openness_media")
    points = aggregate_points(points_frame, year) if points_frame is not None else {}
    media = aggregate_media(media_frame, year) if media_frame is not None else {}
    scored = sorted({body for body, _ in points} | set(media))
    indicators: list[IndicatorResult] = []
    directions: list[DirectionResult] = []
    for body in scored:
        btype = body_types.get(body)
        if btype is None:
            continue
        values: dict[str, float] = {}
        inputs: dict[str, dict[str, Any]] = {}
        for criterion in ed.OPEN_POINTS_CRITERIA:
            by_language = points.get((body, criterion), {})
            values[criterion] = points_criterion(sum(by_language.values()), criterion)
            inputs[criterion] = {f"points_{lang}": by_language.get(lang, 0.0) for lang in ed.OPEN_LANGUAGES}
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
            by_language = points.get((body, ed.OPEN_SUBORDINATE_PENALTY), {})
            values[ed.OPEN_SUBORDINATE_PENALTY] = -subordinate_penalty(sum(by_language.values()))
            inputs[ed.OPEN_SUBORDINATE_PENALTY] = {
                **{f"points_{lang}": by_language.get(lang, 0.0) for lang in ed.OPEN_LANGUAGES},
                "max": ed.OPEN_SUBORDINATE_PENALTY_MAX,
            }
        codes = codes_for(btype)
        computed = [code for code in codes if all(t in available for t in INDICATOR_TABLES[code])]
        for code in computed:
            indicators.append(
                result_from_definition(
                    _DEFS[code], body, btype, values[code], inputs[code], readings, INDICATOR_READINGS.get(code, ())
                )
            )
        if len(computed) == len(codes):
            directions.append(
                DirectionResult(
                    agency_id=body,
                    block=ed.BLOCK,
                    direction=DIRECTION,
                    raw_score=sum(values[c] for c in codes),  # P7 is stored negative: O = P1 + … + P6 − P7
                    reading=readings.label(MEDIA_READINGS),
                    is_provisional=readings.is_provisional(MEDIA_READINGS),
                )
            )
    return indicators, directions
