"""The one Dagster ``Definitions`` of kzeval: small per-area definitions merged here.

``dagster dev`` loads this module (pyproject ``[tool.dagster]``); ``kzeval run`` executes
the same assets in process. Groups follow the layers: ``landing_<source>`` (landed and
validated: each landing asset carries its blocking pandera check) → ``indicators``,
``turnstile``, ``corps_b`` → ``scores`` → ``dbt_staging`` → ``dbt_intermediate`` →
``dbt_marts`` (rollups; dbt tests are blocking checks) → ``publish``; ``side_tables`` holds the
side tables the steps write (ledger, quarantine, lineage), shown for lineage only.
Jobs, schedules and the sensor: ``pipelines/defs/ops.py``.
"""

from __future__ import annotations

import json

import dagster as dg

from kzeval.settings import Settings
from pipelines.defs import assessment, corps_b, dbt, landing, ops, publish, turnstile
from pipelines.resources import KzevalResource

AREAS = (landing, assessment, corps_b, turnstile, dbt, publish)
# Kept for callers that imported the job from here.
assessment_job = ops.yearly_assessment


def side_tables() -> list[dg.AssetSpec]:
    """dbt sources no asset declares (ledger, quarantine, lineage tables the steps write on the side).

    Listed in group ``side_tables`` with their dbt description, instead of the anonymous ``default`` group.
    """
    produced = {key for area in AREAS for asset in area.defs.assets or [] for key in getattr(asset, "keys", ())}
    translator = dbt.KzevalDbtTranslator()
    manifest = json.loads(dbt.dbt_project().manifest_path.read_text())
    specs = {}
    for source in manifest["sources"].values():
        key = translator.get_asset_key(source)
        if key not in produced:
            description = source.get("description") or f"{source['schema']}.{source['name']}"
            specs[key] = dg.AssetSpec(key, group_name="side_tables", description=description, kinds={"duckdb"})
    return list(specs.values())


def kzeval_resource_from_env() -> KzevalResource:
    """Where `dagster dev` and the daemon find the drop and the warehouse (environment, else defaults)."""
    settings = Settings.from_env()
    return KzevalResource(warehouse_path=str(settings.warehouse), landing_dir=str(settings.landing))


defs = dg.Definitions.merge(
    *(area.defs for area in AREAS),
    ops.defs,
    dg.Definitions(
        assets=side_tables(),
        resources={"kzeval": kzeval_resource_from_env()},
        # Every step writes the same DuckDB build file: one step at a time, in one process, also for
        # materialisations started by hand in the UI (DuckDB allows one writing process per file).
        executor=dg.in_process_executor,
    ),
)
