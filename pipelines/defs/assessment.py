"""Yearly assessment assets: indicators per block, then direction and block scores.

Formulas live in ``kzeval.indicators``, the steps in ``kzeval.steps.assessment``; these assets
only build the run context, open the warehouse build, call the step and report metadata.
"""

from collections.abc import Iterator

import dagster as dg
from dagster import AssetExecutionContext

from kzeval.contracts import INTERACTION_TABLES
from kzeval.indicators.org_development import ORG_DEVELOPMENT_TABLES as ORG_TABLES
from kzeval.steps import assessment as steps
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
    run = kzeval.run_context(context)
    with kzeval.connect(context) as con:
        indicators, directions = steps.interaction_indicators(con, run)
    return dg.MaterializeResult(
        metadata={"indicator_rows": indicators.height, "directions": directions.height, "year": run.year}
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
    run = kzeval.run_context(context)
    with kzeval.connect(context) as con:
        indicators, directions = steps.org_development_indicators(con, run)
    return dg.MaterializeResult(
        metadata={"indicator_rows": indicators.height, "directions": directions.height, "year": run.year}
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
    run = kzeval.run_context(context)
    with kzeval.connect(context) as con:
        direction_scores, block_scores = steps.scores(con, run)
    for name, key in CORE_TABLE_KEYS.items():
        metadata = (
            {"directions": direction_scores.height, "blocks": block_scores.height} if name == "block_scores" else {}
        )
        yield dg.MaterializeResult(asset_key=key, metadata=metadata)


defs = dg.Definitions(assets=[interaction_indicators, org_development_indicators, scores])
