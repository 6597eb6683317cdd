"""Publication: the finished build replaces the published warehouse in one atomic rename."""

import dagster as dg
from dagster import AssetExecutionContext

from kzeval import warehouse
from pipelines.defs.dbt import kzeval_dbt_models
from pipelines.resources import KzevalResource

PUBLISHED_KEY = dg.AssetKey(["published_warehouse"])


@dg.asset(
    key=PUBLISHED_KEY,
    group_name="publish",
    deps=[key for key in kzeval_dbt_models.keys if key.path[0] == "marts"],
    description="Swap the run's warehouse build in as the published warehouse users query (atomic).",
    kinds={"duckdb"},
)
def published_warehouse(context: AssetExecutionContext, kzeval: KzevalResource) -> dg.MaterializeResult:
    # Under the writer lock (taken by the run's first write; held here in any case), and refused
    # with PublishedChanged if another writer published since the build was copied.
    kzeval.hold_writer_lock(context.log, context.run.run_id)
    warehouse.publish(kzeval.published, run_id=context.run.run_id)
    return dg.MaterializeResult(metadata={"path": str(kzeval.published)})


defs = dg.Definitions(assets=[published_warehouse])
