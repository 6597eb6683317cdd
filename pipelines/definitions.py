"""The one Dagster ``Definitions`` of kzeval: small per-area definitions merged here.

``dagster dev`` loads this module (pyproject ``[tool.dagster]``); ``kzeval run`` executes
the same assessment job in process.
"""

from __future__ import annotations

import os

import dagster as dg

from pipelines.defs import assessment, corps_b, dbt, landing, publish, turnstile
from pipelines.resources import KzevalResource

assessment_job = dg.define_asset_job(
    "yearly_assessment",
    selection=dg.AssetSelection.all() - dg.AssetSelection.assets(turnstile.OVERTIME_DAILY_KEY),
    description="Load the drop, compute every indicator and score for the year, build the marts, publish.",
)


def kzeval_resource_from_env() -> KzevalResource:
    return KzevalResource(
        warehouse_path=os.environ.get("KZEVAL_WAREHOUSE", "data/warehouse/kzeval.duckdb"),
        landing_dir=os.environ.get("KZEVAL_LANDING", "data/landing"),
    )


defs = dg.Definitions.merge(
    landing.defs,
    assessment.defs,
    corps_b.defs,
    turnstile.defs,
    dbt.defs,
    publish.defs,
    dg.Definitions(jobs=[assessment_job], resources={"kzeval": kzeval_resource_from_env()}),
)
