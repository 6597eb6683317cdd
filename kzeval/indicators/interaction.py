"""Block «Взаимодействие государственного органа с физическими и юридическими лицами» (seed 004).

One entry point for the pipeline: :func:`compute_interaction` returns the indicator rows
and the raw direction scores of the three directions. Reporting penalties, the block score
(para. 107) and tiers (para. 108) are applied afterwards by
:func:`kzeval.indicators.scoring.score_directions_and_block`.

Inputs per direction (landing table names; the frames are typed per kzeval.contracts and
carry ``assessed_agency_id`` and ``body_type``):

* services — ``services_rendered``, ``service_violations``, ``service_satisfaction``,
  ``service_complaints``; CGO also ``service_register`` and ``service_automation``;
* openness — ``openness_points`` (after :func:`check_openness_points`), ``openness_media``;
* appeals — ``appeals``.

A table absent from ``frames`` (missing key or None) leaves the indicators that read it
uncomputed, and then the direction total too: a direction score is only produced from
complete inputs. A table that is present but has no rows for a body counts as «nothing
recorded» (e.g. no complaints). Bodies are scored in a direction when they have rows of
the year in any of its tables.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import polars as pl

from kzeval.indicators import appeals, openness, services
from kzeval.indicators.common import (
    DirectionResult,
    IndicatorResult,
    direction_frame,
    indicator_frame,
)
from kzeval.indicators.openness import check_openness_points
from kzeval.methodology import interaction_2023 as ed
from kzeval.methodology.base import ActiveReadings

__all__ = ["DIRECTION_MODULES", "check_openness_points", "compute_interaction", "missing_inputs"]

Compute = Callable[
    [Mapping[str, pl.DataFrame | None], pl.DataFrame, int, ActiveReadings],
    tuple[list[IndicatorResult], list[DirectionResult]],
]
DIRECTION_MODULES: Mapping[str, tuple[Compute, Callable[[str], tuple[str, ...]]]] = {
    ed.DIRECTION_SERVICES: (services.compute_services, services.required_tables),
    ed.DIRECTION_OPENNESS: (openness.compute_openness, openness.required_tables),
    ed.DIRECTION_APPEALS: (appeals.compute_appeals, appeals.required_tables),
}


def missing_inputs(frames: Mapping[str, pl.DataFrame | None]) -> dict[str, dict[str, list[str]]]:
    """direction → body type → landing tables absent from ``frames`` (for the run summary)."""
    result: dict[str, dict[str, list[str]]] = {}
    for direction, (_, required) in DIRECTION_MODULES.items():
        for body_type in (ed.CGO, ed.MIO):
            absent = [t for t in required(body_type) if frames.get(t) is None and frames.get(f"{t}:aggregated") is None]
            if absent:
                result.setdefault(direction, {})[body_type] = absent
    return result


def compute_interaction(
    frames: dict[str, pl.DataFrame], bodies: pl.DataFrame, year: int, readings: ActiveReadings
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Indicator rows (INDICATOR_SCHEMA) and raw direction scores (DIRECTION_SCHEMA) of the block."""
    indicator_results: list[IndicatorResult] = []
    direction_results: list[DirectionResult] = []
    available: dict[str, pl.DataFrame | None] = dict(frames)
    for compute, _ in DIRECTION_MODULES.values():
        found_indicators, found_directions = compute(available, bodies, year, readings)
        indicator_results.extend(found_indicators)
        direction_results.extend(found_directions)
    indicators = indicator_frame(indicator_results).sort("agency_id", "direction", "indicator")
    directions = direction_frame(direction_results).sort("agency_id", "direction")
    return indicators, directions
