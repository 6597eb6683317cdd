"""The shape every indicator module returns, and small numeric helpers shared by them.

A direction module aggregates its inputs per assessed body (vectorised), then applies
scalar formulas per body. It returns :class:`IndicatorResult` rows (what users see in
``marts.fct_indicator_scores``) and one :class:`DirectionResult` per body (the raw
direction score before reporting penalties).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from kzeval.methodology.base import ActiveReadings, IndicatorDef
from kzeval.schema import polars_schema

# Rows of one year before it is added (kzeval.schema.registry: core.indicator_scores, core.direction_raw)
INDICATOR_SCHEMA: dict[str, Any] = polars_schema("core.indicator_scores", exclude=("year",))
DIRECTION_SCHEMA: dict[str, Any] = polars_schema("core.direction_raw", exclude=("year",))


@dataclass(frozen=True)
class IndicatorResult:
    agency_id: str
    block: str
    direction: str
    indicator: str
    value: float
    max_points: float | None
    inputs: Mapping[str, Any] = field(default_factory=dict)
    reading: str = "default"
    is_provisional: bool = False
    role: str = "indicator"


@dataclass(frozen=True)
class DirectionResult:
    agency_id: str
    block: str
    direction: str
    raw_score: float
    reading: str = "default"
    is_provisional: bool = False


def result_from_definition(
    definition: IndicatorDef,
    agency_id: str,
    body_type: str,
    value: float,
    inputs: Mapping[str, Any],
    readings: ActiveReadings,
    reading_keys: Iterable[str] = (),
    provisional: bool = False,
) -> IndicatorResult:
    """One indicator row: block, direction, maximum and role from its §10 definition, reading from the keys."""
    keys = tuple(reading_keys)
    return IndicatorResult(
        agency_id=agency_id,
        block=definition.block,
        direction=definition.direction,
        indicator=definition.code,
        value=float(value),
        max_points=definition.max_for(body_type),
        inputs=dict(inputs),
        reading=readings.label(keys),
        is_provisional=provisional or readings.is_provisional(keys),
        role=definition.role,
    )


def _json_default(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return str(value)


def inputs_json(inputs: Mapping[str, Any]) -> str:
    """Stable JSON of named inputs (sorted keys) so reloads give byte-identical marts."""
    clean = {k: (None if isinstance(v, float) and not math.isfinite(v) else v) for k, v in inputs.items()}
    return json.dumps(clean, sort_keys=True, ensure_ascii=False, default=_json_default)


def indicator_frame(results: Iterable[IndicatorResult]) -> pl.DataFrame:
    rows = [
        {
            "agency_id": r.agency_id,
            "block": r.block,
            "direction": r.direction,
            "indicator": r.indicator,
            "role": r.role,
            "value": float(r.value),
            "max_points": None if r.max_points is None else float(r.max_points),
            "reading": r.reading,
            "is_provisional": r.is_provisional,
            "inputs": inputs_json(r.inputs),
        }
        for r in results
    ]
    return pl.DataFrame(rows, schema=INDICATOR_SCHEMA)


def direction_frame(results: Iterable[DirectionResult]) -> pl.DataFrame:
    rows = [
        {
            "agency_id": r.agency_id,
            "block": r.block,
            "direction": r.direction,
            "raw_score": float(r.raw_score),
            "reading": r.reading,
            "is_provisional": r.is_provisional,
        }
        for r in results
    ]
    return pl.DataFrame(rows, schema=DIRECTION_SCHEMA)


def clamp(value: float, low: float = 0.0, high: float | None = None) -> float:
    """Clamp to [low, high]; the methodology's «отрицательное значение → 0» rule."""
    if value < low:
        return low
    if high is not None and value > high:
        return high
    return value


def safe_ratio(numerator: float, denominator: float, when_empty: float) -> float:
    """numerator/denominator, or the methodology's stated value when nothing was counted."""
    if denominator == 0:
        return when_empty
    return numerator / denominator
