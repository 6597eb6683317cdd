"""Yearly assessment assets: indicators per block, then direction and block scores.

Formulas live in ``kzeval.indicators``; these assets only read landed tables from the
warehouse build, call the library, and replace the year's slice of the core tables.
"""

from collections.abc import Iterator

import dagster as dg
import polars as pl
from dagster import AssetExecutionContext

from kzeval.contracts import INTERACTION_TABLES
from kzeval.indicators.org_development import ORG_DEVELOPMENT_TABLES as ORG_TABLES
from kzeval.pipeline import (
    bodies_of,
    build_agencies,
    check_year_has_rows,
    interaction_frames,
    landing_frames,
    overtime_points_for,
    quarantine_rule_violations,
    replace_year_slice,
    store_readings,
)
from kzeval.scoring_run import score_year
from pipelines.defs.landing import landing_key
from pipelines.partitions import yearly_partitions
from pipelines.resources import KzevalResource

INDICATORS_KEY = dg.AssetKey(["indicators", "interaction"])
ORG_INDICATORS_KEY = dg.AssetKey(["indicators", "org_development"])
CORE_TABLE_KEYS = {
    name: dg.AssetKey(["core", name])
    for name in (
        "agencies",
        "indicator_scores",
        "direction_scores",
        "block_scores",
        "run_readings",
        "reporting_penalty_facts",
    )
}


@dg.asset(
    key=INDICATORS_KEY,
    group_name="indicators",
    partitions_def=yearly_partitions,
    deps=[landing_key(t) for t in (*INTERACTION_TABLES, "corrections")],
    description="Every indicator of the interaction block (services, openness, appeals) for the year.",
    kinds={"polars", "duckdb"},
)
def interaction_indicators(context: AssetExecutionContext, kzeval: KzevalResource) -> dg.MaterializeResult:
    from kzeval.indicators.interaction import compute_interaction
    from kzeval.indicators.openness import check_openness_points, restore_capped_rows

    year = int(context.partition_key)
    readings = kzeval.active_readings()
    with kzeval.connect(context) as con:
        check_year_has_rows(con, year)  # a year the drop holds nothing for stops here: nothing is published
        resolved = build_agencies(con)
        frames = interaction_frames(con, resolved, year)
        bodies = bodies_of(resolved)
        if "openness_points" in frames:
            checked = frames["openness_points"]
            bad = check_openness_points(checked, bodies)
            kept = quarantine_rule_violations(con, "openness_points", checked, bad, "points")
            frames["openness_points"] = restore_capped_rows(checked, kept, bad)
        indicators, directions = compute_interaction(frames, bodies, year, readings)
        where = {"block": "interaction"}
        replace_year_slice(con, "core", "indicator_scores", indicators, year, where)
        replace_year_slice(con, "core", "direction_raw", directions, year, where)
        store_readings(con, year, "interaction", readings.as_dict())
    return dg.MaterializeResult(
        metadata={"indicator_rows": indicators.height, "directions": directions.height, "year": year}
    )


@dg.asset(
    key=ORG_INDICATORS_KEY,
    group_name="indicators",
    partitions_def=yearly_partitions,
    deps=[*(landing_key(t) for t in ("agencies", *ORG_TABLES, "corrections")), dg.AssetKey(["core", "overtime"])],
    description="Every indicator of the organisational-development block (HR and IT directions) for the year.",
    kinds={"polars", "duckdb"},
)
def org_development_indicators(context: AssetExecutionContext, kzeval: KzevalResource) -> dg.MaterializeResult:
    from kzeval.indicators.org_development import compute_org_development

    year = int(context.partition_key)
    readings = kzeval.active_readings()
    with kzeval.connect(context) as con:
        check_year_has_rows(con, year)
        resolved = build_agencies(con)
        frames = landing_frames(con, ORG_TABLES, resolved)
        overtime = overtime_points_for(con, year, readings)
        indicators, directions = compute_org_development(
            frames, bodies_of(resolved), resolved, year, readings, overtime=overtime
        )
        if overtime is not None:  # N1, W, a, b, s are disputed on their own: keep them as rows too
            indicators = pl.concat([indicators, overtime.join(indicators, on=["agency_id", "indicator"], how="anti")])
        where = {"block": "org_development"}
        replace_year_slice(con, "core", "indicator_scores", indicators, year, where)
        replace_year_slice(con, "core", "direction_raw", directions, year, where)
        store_readings(con, year, "org_development", readings.as_dict())
    return dg.MaterializeResult(
        metadata={"indicator_rows": indicators.height, "directions": directions.height, "year": year}
    )


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            key,
            group_name="scores",
            deps=[INDICATORS_KEY, ORG_INDICATORS_KEY, landing_key("reporting_penalties"), landing_key("agencies")],
            description=f"core.{name}: published through the dbt marts.",
            kinds={"polars", "duckdb"},
        )
        for name, key in CORE_TABLE_KEYS.items()
    ],
    partitions_def=yearly_partitions,
    name="scores",
    description="Direction scores (after reporting penalties), block scores, tiers and ranks for the year.",
)
def scores(context: AssetExecutionContext, kzeval: KzevalResource) -> Iterator[dg.MaterializeResult]:
    year = int(context.partition_key)
    with kzeval.connect(context) as con:
        direction_scores, block_scores = score_year(con, year, kzeval.active_readings())
    for name, key in CORE_TABLE_KEYS.items():
        metadata = (
            {"directions": direction_scores.height, "blocks": block_scores.height} if name == "block_scores" else {}
        )
        yield dg.MaterializeResult(asset_key=key, metadata=metadata)


defs = dg.Definitions(assets=[interaction_indicators, org_development_indicators, scores])
