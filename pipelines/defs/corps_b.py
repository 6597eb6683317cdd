"""Corps «Б» individual evaluations: annual grades and per-body distributions."""

import dagster as dg
from dagster import AssetExecutionContext

from kzeval.steps import assessment as steps
from pipelines.defs.landing import landing_key
from pipelines.partitions import yearly_partitions
from pipelines.resources import KzevalResource

CORPS_B_KEYS = {name: dg.AssetKey(["core", name]) for name in ("corps_b_annual", "corps_b_distribution")}


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            key,
            group_name="corps_b",
            deps=[landing_key("corps_b_evaluations"), landing_key("agencies"), landing_key("corrections")],
            description=f"core.{name}: seed 000 quarterly sheets → annual grades (published via dbt marts).",
            kinds={"polars", "duckdb"},
        )
        for name, key in CORPS_B_KEYS.items()
    ],
    partitions_def=yearly_partitions,
    name="corps_b_evaluations",
)
def corps_b_evaluations(context: AssetExecutionContext, kzeval: KzevalResource):  # type: ignore[no-untyped-def]
    run = kzeval.run_context(context)
    with kzeval.connect(context) as con:
        employees, rows = steps.corps_b(con, run)
    yield dg.MaterializeResult(asset_key=CORPS_B_KEYS["corps_b_annual"], metadata={"employees": employees})
    yield dg.MaterializeResult(asset_key=CORPS_B_KEYS["corps_b_distribution"], metadata={"rows": rows})


defs = dg.Definitions(assets=[corps_b_evaluations])
