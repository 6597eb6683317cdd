"""Publication: the finished build replaces the published warehouse in one atomic rename."""

import dagster as dg
from dagster import AssetExecutionContext

from kzeval import warehouse
from pipelines.resources import KzevalResource

PUBLISHED_KEY = dg.AssetKey(["published_warehouse"])


@dg.asset(
    key=PUBLISHED_KEY,
    group_name="publish",
    deps=[
        dg.AssetKey(["marts", name])
        for name in (
            "dim_agencies",
            "fct_indicator_scores",
            "fct_direction_scores",
            "fct_block_scores",
            "fct_national_rollup",
        )
    ],
    description="Swap the run's warehouse build in as the published warehouse users query (atomic).",
    kinds={"duckdb"},
)
def published_warehouse(context: AssetExecutionContext, kzeval: KzevalResource) -> dg.MaterializeResult:
    kzeval.build_for(context.run_id)
    warehouse.publish(kzeval.published)
    return dg.MaterializeResult(metadata={"path": str(kzeval.published)})


defs = dg.Definitions(assets=[published_warehouse])
