"""HR direction: the indicator rows of one body and their criteria KP, O, MOC and direction total.

:class:`BodyResults` collects a body's rows (with the reading keys behind each);
:func:`criteria_and_direction` sums them into the criteria and the raw HR total.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from kzeval.indicators.common import DirectionResult, IndicatorResult, clamp
from kzeval.indicators.hr.formulas import (
    _DEFINITIONS,
    DIRECTION,
    INDICATOR_TABLES,
    criterion_points,
    work_organisation_points,
)
from kzeval.methodology import org_development_2023 as od
from kzeval.methodology.base import ActiveReadings


@dataclass
class BodyResults:
    """Indicator rows of one body plus the reading keys behind each (for criteria labels)."""

    agency_id: str
    body_type: str
    readings: ActiveReadings
    results: dict[str, IndicatorResult] = field(default_factory=dict)
    keys: dict[str, set[str]] = field(default_factory=dict)
    # snapshot tables read without a dated roster of the year (figures from them are provisional)
    undated_rosters: set[str] = field(default_factory=set)
    # indicators left unassessed by reading hr.empty_denominator=not_assessed
    not_assessed: list[str] = field(default_factory=list)

    def add(
        self,
        code: str,
        value: float | None,
        inputs: Mapping[str, Any],
        reading_keys: Iterable[str] = (),
        provisional: bool = False,
    ) -> None:
        """Store one indicator row; ``value`` None = not assessed (listed, no row)."""
        keys = set(reading_keys)
        if value is None:
            self.not_assessed.append(code)
            self.keys[code] = keys
            return
        definition = _DEFINITIONS[code]
        tables = INDICATOR_TABLES.get(code, ())
        undated = sorted(t for t in tables if t in self.undated_rosters)
        if undated:
            inputs = {**inputs, "undated_roster": undated}
            provisional = True
        self.keys[code] = keys
        self.results[code] = IndicatorResult(
            agency_id=self.agency_id,
            block=od.BLOCK,
            direction=DIRECTION,
            indicator=code,
            value=float(value),
            max_points=definition.max_for(self.body_type),
            inputs=dict(inputs),
            reading=self.readings.label(keys),
            is_provisional=provisional or self.readings.is_provisional(keys),
            role=definition.role,
        )


def criteria_and_direction(
    body: BodyResults, overtime_part: tuple[float, float] | None
) -> tuple[list[IndicatorResult], DirectionResult | None]:
    """KP, O (cap 30), MOC and the HR raw total ``УП = KP + O + MOC`` (before reporting penalties)."""
    if not body.results:
        return [], None
    readings = body.readings
    criteria: list[IndicatorResult] = []
    all_keys: set[str] = set()
    direction_provisional = False
    raw = 0.0
    for criterion, components in od.HR_CRITERIA_COMPONENTS.items():
        produced = [c for c in components if c in body.results]
        missing = [c for c in components if c not in body.results]
        unassessed = [c for c in components if c in body.not_assessed]
        if not produced:
            direction_provisional = True
            continue
        keys = set().union(*(body.keys[c] for c in produced))
        component_sum = sum(body.results[c].value for c in produced)
        inputs: dict[str, Any] = {c: body.results[c].value for c in produced}
        inputs["missing"] = missing
        if unassessed:
            inputs["not_assessed"] = unassessed
            keys.add(od.READING_HR_EMPTY)
        if criterion == "hr_work_organisation":
            weekend = 0.0
            if readings.value(od.READING_WEEKEND_PENALTY) == "work_organisation" and overtime_part is not None:
                weekend = overtime_part[1]
                keys.add(od.READING_WEEKEND_PENALTY)
            inputs["W_deducted"] = weekend
            value = work_organisation_points(component_sum, weekend)
        else:
            value = criterion_points(component_sum, od.HR_CRITERIA_MAX[criterion])
        inputs["component_sum"] = component_sum
        provisional = bool(missing) or any(body.results[c].is_provisional for c in produced)
        definition = _DEFINITIONS[criterion]
        criteria.append(
            IndicatorResult(
                agency_id=body.agency_id,
                block=od.BLOCK,
                direction=DIRECTION,
                indicator=criterion,
                value=value,
                max_points=definition.max_for(body.body_type),
                inputs=inputs,
                reading=readings.label(keys),
                is_provisional=provisional or readings.is_provisional(keys),
                role=definition.role,
            )
        )
        all_keys |= keys
        direction_provisional = direction_provisional or provisional
        raw += value
    direction = DirectionResult(
        agency_id=body.agency_id,
        block=od.BLOCK,
        direction=DIRECTION,
        raw_score=clamp(raw, 0.0, od.HR_DIRECTION_MAX),
        reading=readings.label(all_keys),
        is_provisional=direction_provisional or readings.is_provisional(all_keys),
    )
    return criteria, direction
