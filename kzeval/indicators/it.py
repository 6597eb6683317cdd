"""Direction «Применение информационных технологий» (IT application), seed 001 para. 81.

``I = A + B + C + E + L + J + F + H − D`` from the Appendix 8 report (landing table
``it_report``). Weights (Appendix 16): CGO A 30, C 20, E 25, L 20, J 5, bonuses F 5 and H 5;
MIO A 30, B 10, C 20, E 25, L 10, J 5, bonus F 5. D (unused IS) is a deduction. Every
constant comes from ``kzeval.methodology.org_development_2023``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import polars as pl

from kzeval.indicators.common import DirectionResult, IndicatorResult, clamp, safe_ratio
from kzeval.methodology import org_development_2023 as od
from kzeval.methodology.base import ActiveReadings, IndicatorDef

BODY = "assessed_agency_id"
DIRECTION = "it"
_DEFINITIONS: dict[str, IndicatorDef] = {d.code: d for d in od.INDICATORS if d.direction == DIRECTION}
_COMPARE_DIGITS = 9

SUMMED_COLUMNS: tuple[str, ...] = (
    "systems_registered",
    "systems_total",
    "functions_automated",
    "functions_total",
    "digital_unit_staff",
    "digital_unit_it_educated",
    "staff_total",
    "staff_ict_certified",
    "contracts_amount_kzt",
    "contracts_local_content_kzt",
    "indicators_total",
    "indicators_automatic",
    "unused_systems",
)
# Optional counts: null means «not reported» (kept apart from a reported 0).
OPTIONAL_COLUMNS: tuple[str, ...] = ("indicators_total", "indicators_automatic", "unused_systems")
# Percentages and the smart-city sum are not additive: the assessed body's own row wins.
BODY_LEVEL_COLUMNS: tuple[str, ...] = ("smart_city_sum", "records_current_weighted_pct", "records_current_mean_pct")


def weight(code: str, body_type: str) -> float | None:
    """Appendix 16 weight of an IT criterion for the body type (None: not applied)."""
    cgo, mio = od.IT_WEIGHTS[code]
    return cgo if body_type == "CGO" else mio


def _weight(code: str, body_type: str) -> float:
    criterion_weight = weight(code, body_type)
    if criterion_weight is None:
        raise ValueError(f"{code} does not apply to {body_type}")
    return criterion_weight


def share_band(share: float) -> float:
    """Fraction of the weight under the ``banded`` readings (IT_SHARE_BANDS on the share in %)."""
    share_pct = round(share * 100, _COMPARE_DIGITS)
    for lower, fraction in od.IT_SHARE_BANDS:
        if share_pct >= lower:
            return fraction
    return 0.0


def share_points(numerator: float, denominator: float, criterion_weight: float, reading: str = "share") -> float:
    """``numerator / denominator × weight`` (or banded), clamped to [0, weight].

    An empty denominator earns nothing: the act gives no «= 1» rule for IT criteria, and an
    empty Appendix 8 table demonstrates nothing (documented decision).
    """
    share = clamp(safe_ratio(numerator, denominator, od.IT_EMPTY_RATIO), 0.0, 1.0)
    if reading == "share":
        return criterion_weight * share
    if reading == "banded":
        return criterion_weight * share_band(share)
    raise ValueError(f"unknown IT share reading {reading!r}")


def architecture_portal_points(systems_registered: int, systems_total: int, body_type: str, reading: str) -> float:
    """A «Учет сведений по наполнению архитектурного портала» (base act §1, para. 2; MEDIUM).

    ``A = a / b × 30``; a = non-ДСП IS registered with the act and technical documentation,
    b = all non-ДСП IS of the body (para. 57).
    """
    return share_points(systems_registered, systems_total, _weight("it_architecture_portal", body_type), reading)


def smart_city_points(smart_city_sum: float | None) -> float:
    """B «Построение "Умных" городов», paras. 69-1–69-3 (MIO; HIGH): ``B = Bсум / 6900 × 10``."""
    mio_weight = _weight("it_smart_city", "MIO")
    return clamp((smart_city_sum or 0.0) / od.IT_SMART_CITY_MAX_SUM * mio_weight, 0.0, mio_weight)


def data_currency_points(currency_pct: float, body_type: str) -> float:
    """C «Актуальность сведений в ИС и БД» (base act §4; LOW/MEDIUM): ``C = pct / 100 × 20``."""
    c_weight = _weight("it_data_currency", body_type)
    return clamp(currency_pct / 100 * c_weight, 0.0, c_weight)


def function_automation_points(functions_automated: int, functions_total: int, body_type: str, reading: str) -> float:
    """E «Автоматизация функций государственных органов» (base act §5; MEDIUM): ``f_auto / f_total × 25``."""
    return share_points(functions_automated, functions_total, _weight("it_function_automation", body_type), reading)


def digital_staff_points(it_educated: int, unit_staff: int, body_type: str) -> float:
    """L, para. 74-2 (HIGH): ``L = c / d × k4``, k4 = 20 CGO / 10 MIO."""
    return share_points(it_educated, unit_staff, _weight("it_digital_staff", body_type))


def ict_training_points(certified: int, staff: int, body_type: str) -> float:
    """J, para. 74-4 (HIGH): ``J = r / s × k5``, k5 = 5; only verifiable certificates count."""
    return share_points(certified, staff, _weight("it_ict_training", body_type))


def local_content_points(local_content_kzt: float, contracts_kzt: float, body_type: str, reading: str) -> float:
    """F «Доля местного содержания» (bonus; base act §6, para. 79; LOW): local share × 5."""
    return share_points(local_content_kzt, contracts_kzt, _weight("it_local_content", body_type), reading)


def data_register_points(indicators_automatic: int, indicators_total: int) -> float:
    """H «Реестр данных и показателей» (CGO bonus), para. 78-3 (HIGH): ``H = i / v × k6``, k6 = 5."""
    return share_points(indicators_automatic, indicators_total, _weight("it_data_register", "CGO"))


def unused_systems_penalty(unused_systems: int, reading: str) -> float:
    """D «Наличие неиспользуемых ИС» (base act §7; LOW), as a positive number of points.

    ``per_system``: ``min(5, 1 × unused)``; ``flat``: 5 if any unused IS.
    """
    if unused_systems <= 0:
        return 0.0
    if reading == "per_system":
        return min(od.IT_UNUSED_SYSTEMS_PENALTY_CAP, unused_systems * od.IT_UNUSED_SYSTEM_PENALTY)
    if reading == "flat":
        return od.IT_UNUSED_SYSTEMS_FLAT_PENALTY
    raise ValueError(f"unknown unused-systems reading {reading!r}")


def it_total(signed_points: Iterable[float], reading: str, order: str = "cap_then_deduct") -> float:
    """I = A + B + C + E + L + J + F + H − D (para. 81), floor 0; cap 100 under ``cap_100`` (Q11).

    ``signed_points`` holds D as a negative contribution. ``order`` (reading
    ``it.cap_and_unused_order``): ``cap_then_deduct`` caps the criteria's sum at 100 and then
    deducts D, so the F and H bonuses cannot absorb the penalty; ``deduct_then_cap`` caps the
    difference. Without a cap the order does not matter.
    """
    points = list(signed_points)
    gains = sum(p for p in points if p >= 0)
    deductions = sum(p for p in points if p < 0)
    if reading == "uncapped":
        return max(0.0, gains + deductions)
    if reading != "cap_100":
        raise ValueError(f"unknown IT total reading {reading!r}")
    if order == "cap_then_deduct":
        return max(0.0, min(od.IT_DIRECTION_MAX, gains) + deductions)
    if order == "deduct_then_cap":
        return min(od.IT_DIRECTION_MAX, max(0.0, gains + deductions))
    raise ValueError(f"unknown IT cap-order reading {order!r}")


def nothing_to_count(code: str, report: Mapping[str, Any]) -> bool:
    """Does the body have nothing to count on A, C or E (para. 57; reading ``it.nothing_to_count``)?

    A and C: no non-ДСП information system (``systems_total`` = 0, e.g. every IS marked ДСП),
    or for C a reported ``records_total`` of 0; E: no function subject to automation.
    """
    systems = int(report.get("systems_total") or 0)
    if code == "it_architecture_portal":
        return systems == 0
    if code == "it_data_currency":
        records = report.get("records_total")
        return systems == 0 or (bool(report.get("records_total_reported")) and int(records or 0) == 0)
    if code == "it_function_automation":
        return int(report.get("functions_total") or 0) == 0
    return False


def it_report_by_body(it_report: pl.DataFrame, year: int) -> dict[str, dict[str, Any]]:
    """One Appendix 8 record per body: counts summed over its units; the body's own row for
    percentages and the smart-city sum; optional counts marked ``<col>_reported``.

    Without a row of its own, the currency percentage C is the mean over the units weighted by
    ``records_total`` (App. 8 Table 1 collects both columns); when a unit lacks the record
    count the unweighted mean is used and ``currency_aggregation`` says so (provisional).
    """
    frame = it_report.filter(pl.col("year") == year)
    for column in ("records_total", "systems_dsp"):
        if column not in frame.columns:
            frame = frame.with_columns(pl.lit(None, dtype=pl.Int64).alias(column))
    summed = [c for c in (*SUMMED_COLUMNS, "records_total", "systems_dsp") if c in frame.columns]
    body_level = [c for c in BODY_LEVEL_COLUMNS if c in frame.columns]
    own = pl.col("agency_id") == pl.col(BODY)
    optional = [*OPTIONAL_COLUMNS, "records_total", "systems_dsp"]
    pct = "records_current_weighted_pct"
    with_pct = pl.col(pct).is_not_null()
    weighted = (pl.col(pct) * pl.col("records_total")).filter(with_pct).sum() / pl.col("records_total").filter(
        with_pct
    ).sum()
    all_weighted = pl.col("records_total").filter(with_pct).is_not_null().all()
    agg = frame.group_by(BODY).agg(
        *[pl.col(c).sum().alias(c) for c in summed],
        *[pl.col(c).is_not_null().any().alias(f"{c}_reported") for c in optional if c in frame.columns],
        *[
            pl.coalesce(pl.col(c).filter(own & pl.col(c).is_not_null()).first(), pl.col(c).mean()).alias(c)
            for c in body_level
            if c != pct
        ],
        pl.col(pct).filter(own & with_pct).first().alias("_own_pct"),
        pl.when(all_weighted & (pl.col("records_total").filter(with_pct).sum() > 0))
        .then(weighted)
        .otherwise(pl.col(pct).mean())
        .alias("_units_pct"),
        pl.when(all_weighted & (pl.col("records_total").filter(with_pct).sum() > 0))
        .then(pl.lit("records_weighted"))
        .otherwise(pl.lit("unweighted_mean"))
        .alias("_units_aggregation"),
        pl.len().alias("report_rows"),
    )
    result: dict[str, dict[str, Any]] = {}
    for row in agg.iter_rows(named=True):
        if row[BODY] is None:
            continue
        own_pct, units_pct, units_how = row.pop("_own_pct"), row.pop("_units_pct"), row.pop("_units_aggregation")
        if own_pct is not None:
            row[pct], row["currency_aggregation"] = own_pct, "own_row"
        else:
            row[pct], row["currency_aggregation"] = units_pct, units_how
        result[row[BODY]] = row
    return result


def _result(
    agency_id: str,
    body_type: str,
    code: str,
    value: float,
    inputs: Mapping[str, Any],
    readings: ActiveReadings,
    keys: Iterable[str] = (),
    provisional: bool = False,
) -> IndicatorResult:
    definition = _DEFINITIONS[code]
    keys = set(keys)
    return IndicatorResult(
        agency_id=agency_id,
        block=od.BLOCK,
        direction=DIRECTION,
        indicator=code,
        value=float(value),
        max_points=definition.max_for(body_type),
        inputs=dict(inputs),
        reading=readings.label(keys),
        is_provisional=provisional or readings.is_provisional(keys),
        role=definition.role,
    )


PeerMeans = Mapping[tuple[str, str], tuple[float, list[str]]]


def body_it_indicators(
    agency_id: str,
    body_type: str,
    report: Mapping[str, Any],
    readings: ActiveReadings,
    peer_means: PeerMeans | None = None,
) -> tuple[list[IndicatorResult], DirectionResult]:
    """IT criteria and the raw direction total of one body from its Appendix 8 record.

    A, C and E with nothing to count follow reading ``it.nothing_to_count``; under
    ``type_mean`` ``peer_means[(body_type, code)]`` holds the mean of the bodies of the same
    type assessed on that criterion and their ids (no peer → not assessed, provisional).
    """

    def count(column: str) -> int:
        return int(report.get(column) or 0)

    results: list[IndicatorResult] = []
    keys_used: set[str] = set()

    not_assessed: list[str] = []
    empty_reading = readings.value(od.READING_IT_NOTHING_TO_COUNT)

    def add(
        code: str, value: float, inputs: Mapping[str, Any], keys: Iterable[str] = (), provisional: bool = False
    ) -> None:
        if code in od.IT_NOTHING_TO_COUNT_CRITERIA and nothing_to_count(code, report):
            keys = [*keys, od.READING_IT_NOTHING_TO_COUNT]
            substitute = nothing_to_count_points(code, body_type, empty_reading, peer_means)
            if substitute is None:
                not_assessed.append(code)
                keys_used.update(keys)
                return
            value, peers = substitute
            inputs = {**inputs, "nothing_to_count": True, "substitute": empty_reading, "peer_bodies": peers}
        results.append(_result(agency_id, body_type, code, value, inputs, readings, keys, provisional))
        keys_used.update(keys)

    reading = readings.value(od.READING_IT_ARCHITECTURE)
    add(
        "it_architecture_portal",
        architecture_portal_points(count("systems_registered"), count("systems_total"), body_type, reading),
        {
            "systems_registered": count("systems_registered"),
            "systems_total": count("systems_total"),
            "systems_dsp": report.get("systems_dsp"),
        },
        [od.READING_IT_ARCHITECTURE],
    )
    if weight("it_smart_city", body_type) is not None:
        smart_city_sum = report.get("smart_city_sum")
        add(
            "it_smart_city",
            smart_city_points(smart_city_sum),
            {
                "smart_city_sum": smart_city_sum,
                "max_sum": od.IT_SMART_CITY_MAX_SUM,
                "reported": smart_city_sum is not None,
            },
        )

    currency_reading = readings.value(od.READING_IT_DATA_CURRENCY)
    weighted_pct = float(report.get("records_current_weighted_pct") or 0.0)
    mean_pct = report.get("records_current_mean_pct")
    fallback = currency_reading == "simple_mean" and mean_pct is None
    currency_pct = float(mean_pct) if currency_reading == "simple_mean" and mean_pct is not None else weighted_pct
    add(
        "it_data_currency",
        data_currency_points(currency_pct, body_type),
        {
            "currency_pct": currency_pct,
            "records_current_weighted_pct": weighted_pct,
            "records_current_mean_pct": mean_pct,
            "records_total": report.get("records_total"),
            "currency_aggregation": report.get("currency_aggregation"),
            "c_source": "weighted_fallback"
            if fallback
            else ("mean" if currency_reading == "simple_mean" else "weighted"),
        },
        [od.READING_IT_DATA_CURRENCY],
        provisional=fallback or report.get("currency_aggregation") == "unweighted_mean",
    )
    add(
        "it_function_automation",
        function_automation_points(
            count("functions_automated"),
            count("functions_total"),
            body_type,
            readings.value(od.READING_IT_FUNCTION_AUTOMATION),
        ),
        {"functions_automated": count("functions_automated"), "functions_total": count("functions_total")},
        [od.READING_IT_FUNCTION_AUTOMATION],
    )
    add(
        "it_digital_staff",
        digital_staff_points(count("digital_unit_it_educated"), count("digital_unit_staff"), body_type),
        {
            "digital_unit_it_educated": count("digital_unit_it_educated"),
            "digital_unit_staff": count("digital_unit_staff"),
            "k4": weight("it_digital_staff", body_type),
        },
    )
    add(
        "it_ict_training",
        ict_training_points(count("staff_ict_certified"), count("staff_total"), body_type),
        {"staff_ict_certified": count("staff_ict_certified"), "staff_total": count("staff_total")},
    )
    amount = float(report.get("contracts_amount_kzt") or 0.0)
    local = float(report.get("contracts_local_content_kzt") or 0.0)
    add(
        "it_local_content",
        local_content_points(local, amount, body_type, readings.value(od.READING_IT_LOCAL_CONTENT)),
        {"contracts_local_content_kzt": local, "contracts_amount_kzt": amount},
        [od.READING_IT_LOCAL_CONTENT],
    )
    if weight("it_data_register", body_type) is not None:
        add(
            "it_data_register",
            data_register_points(count("indicators_automatic"), count("indicators_total")),
            {
                "indicators_automatic": count("indicators_automatic"),
                "indicators_total": count("indicators_total"),
                "reported": bool(report.get("indicators_total_reported")),
            },
        )
    unused = count("unused_systems")
    penalty = unused_systems_penalty(unused, readings.value(od.READING_IT_UNUSED_SYSTEMS))
    add(
        "it_unused_systems",
        -penalty,
        {"unused_systems": unused, "penalty_points": penalty, "reported": bool(report.get("unused_systems_reported"))},
        [od.READING_IT_UNUSED_SYSTEMS],
    )

    keys_used.update((od.READING_IT_TOTAL_CAP, od.READING_IT_CAP_ORDER))
    total = it_total(
        (r.value for r in results), readings.value(od.READING_IT_TOTAL_CAP), readings.value(od.READING_IT_CAP_ORDER)
    )
    direction = DirectionResult(
        agency_id=agency_id,
        block=od.BLOCK,
        direction=DIRECTION,
        raw_score=total,
        reading=readings.label(keys_used),
        is_provisional=readings.is_provisional(keys_used)
        or any(r.is_provisional for r in results)
        or bool(not_assessed),
    )
    return results, direction


def nothing_to_count_points(
    code: str, body_type: str, reading: str, peer_means: PeerMeans | None
) -> tuple[float, list[str]] | None:
    """Points of A, C or E with nothing to count under ``it.nothing_to_count`` (None: not assessed)."""
    if reading == "zero":
        return 0.0, []
    if reading == "full_marks":
        return _weight(code, body_type), []
    if reading == "not_assessed":
        return None
    if reading == "type_mean":
        found = (peer_means or {}).get((body_type, code))
        return None if found is None else (found[0], list(found[1]))
    raise ValueError(f"unknown nothing-to-count reading {reading!r}")


def moved_by_type_mean_only(before: Mapping[str, Any], after: Mapping[str, Any], corrected_body: str) -> bool:
    """True when an IT criterion's change comes from its same-type mean alone (for ``kzeval recompute``).

    Reading ``it.nothing_to_count=type_mean`` (para. 57, by analogy with seed 004 para. 67): a
    criterion A, C or E with nothing to count holds the mean of the bodies of its type. Its
    figure legitimately moves when ``corrected_body`` is among those bodies (before or after),
    the substitute is the type mean both times, the peer set changed by that body at most, and
    the body's own inputs are the same.
    """
    if before.get("substitute") != "type_mean" or after.get("substitute") != "type_mean":
        return False
    peers_before, peers_after = set(before.get("peer_bodies") or []), set(after.get("peer_bodies") or [])
    if corrected_body not in peers_before | peers_after or not (peers_before ^ peers_after) <= {corrected_body}:
        return False
    own = {k: v for k, v in before.items() if k != "peer_bodies"}
    return own == {k: v for k, v in after.items() if k != "peer_bodies"}


def total_explained(before: Iterable[float], after: Iterable[float], raw_before: float, raw_after: float) -> bool:
    """Do the criteria before and after give both IT raw totals under one cap reading (para. 81)?

    For ``kzeval recompute``: a same-type mean that moves a criterion may move the total by less
    (the 100 cap or the 0 floor absorbs it); any other cause of the difference is not explained.
    """
    first, second = list(before), list(after)
    definitions = {r.key: r for r in od.READINGS}
    for cap in definitions[od.READING_IT_TOTAL_CAP].options:
        for order in definitions[od.READING_IT_CAP_ORDER].options:
            if (
                abs(it_total(first, cap, order) - raw_before) <= 1e-6
                and abs(it_total(second, cap, order) - raw_after) <= 1e-6
            ):
                return True
    return False


def peer_means_by_type(
    reports: Mapping[str, Mapping[str, Any]], bodies: pl.DataFrame, readings: ActiveReadings
) -> dict[tuple[str, str], tuple[float, list[str]]]:
    """Mean of A, C, E over the bodies of each type that have something to count (para. 67's rule)."""
    values: dict[tuple[str, str], list[tuple[str, float]]] = {}
    # the bodies' own points only: a body with nothing to count is left out of the mean
    own_only = ActiveReadings(
        readings.definitions, {**readings.overrides, od.READING_IT_NOTHING_TO_COUNT: "not_assessed"}
    )
    for agency_id, body_type in bodies.select("agency_id", "body_type").sort("agency_id").iter_rows():
        report = reports.get(agency_id)
        if report is None:
            continue
        rows, _ = body_it_indicators(agency_id, body_type, report, own_only)
        for row in rows:
            if row.indicator in od.IT_NOTHING_TO_COUNT_CRITERIA:
                values.setdefault((body_type, row.indicator), []).append((agency_id, row.value))
    return {
        key: (sum(v for _, v in found) / len(found), [a for a, _ in found]) for key, found in values.items() if found
    }


def compute_it(
    frames: Mapping[str, pl.DataFrame], bodies: pl.DataFrame, year: int, readings: ActiveReadings
) -> tuple[list[IndicatorResult], list[DirectionResult]]:
    """IT indicators and raw direction totals for every body with an ``it_report`` row of the year.

    Without the table no IT row is produced; a body without a row of the year gets no IT
    direction (the report is its only source; the run summary lists it as not computed).
    """
    it_report = frames.get("it_report")
    if it_report is None:
        return [], []
    reports = it_report_by_body(it_report, year)
    peers = (
        peer_means_by_type(reports, bodies, readings)
        if readings.value(od.READING_IT_NOTHING_TO_COUNT) == "type_mean"
        else {}
    )
    indicators: list[IndicatorResult] = []
    directions: list[DirectionResult] = []
    for agency_id, body_type in bodies.select("agency_id", "body_type").sort("agency_id").iter_rows():
        report = reports.get(agency_id)
        if report is None:
            continue
        rows, direction = body_it_indicators(agency_id, body_type, report, readings, peers)
        indicators.extend(rows)
        directions.append(direction)
    return indicators, directions
