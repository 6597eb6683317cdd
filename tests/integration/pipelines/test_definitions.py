"""The Dagster wiring: it loads, the jobs respect the partition kinds, every landing table reaches
the published warehouse, checks block, schedules ask for the right partitions, marts are documented."""

from __future__ import annotations

import json
from datetime import date, datetime
from zoneinfo import ZoneInfo

import dagster as dg
import pytest

from kzeval.contracts import CONTRACTS
from pipelines.definitions import defs
from pipelines.defs import ops
from pipelines.defs.dbt import dbt_project, kzeval_dbt_models
from pipelines.defs.landing import landing_key
from pipelines.defs.publish import PUBLISHED_KEY
from pipelines.defs.turnstile import OVERTIME_DAILY_KEY
from pipelines.partitions import (
    current_assessment_year,
    is_month_partition,
    monthly_partitions,
    previous_month,
    yearly_partitions,
)
from pipelines.resources import KzevalResource

ALMATY = ZoneInfo("Asia/Almaty")
BLOCK_SCORES_KEY = dg.AssetKey(["marts", "fct_block_scores"])
# Landing tables that feed no block score (documented in the README): corps «Б» sheets give
# individual grades (marts.fct_corps_b_*), not a block of the operational assessment.
TABLES_WITHOUT_BLOCK_SCORE = ["corps_b_evaluations"]


@pytest.fixture(scope="module")
def asset_graph():
    return defs.resolve_asset_graph()


def test_definitions_load():
    dg.Definitions.validate_loadable(defs)
    assert {s.name for s in defs.schedules or []} == {"yearly_assessment_schedule", "monthly_turnstile_reload_schedule"}
    assert [s.name for s in defs.sensors or []] == ["new_landing_files"]


def test_groups_follow_source_and_layer(asset_graph):
    groups = {asset_graph.get(k).group_name for k in asset_graph.get_all_asset_keys()}
    landing_groups = {f"landing_{c.source}" for c in CONTRACTS.values()}
    layers = {"indicators", "turnstile", "corps_b", "scores", "dbt_staging", "dbt_intermediate", "dbt_marts"}
    assert groups == landing_groups | layers | {"publish", "side_tables"}
    for table, contract in CONTRACTS.items():
        assert asset_graph.get(landing_key(table)).group_name == f"landing_{contract.source}"


def test_yearly_job_holds_everything_but_the_monthly_asset():
    job = defs.resolve_job_def("yearly_assessment")
    keys = job.asset_layer.executable_asset_keys
    assert OVERTIME_DAILY_KEY not in keys
    assert PUBLISHED_KEY in keys and set(kzeval_dbt_models.keys) <= keys
    assert all(landing_key(t) in keys for t in CONTRACTS)
    assert job.partitions_def == yearly_partitions
    assert job.tags["kzeval/writer"] == "warehouse"


# Tables a monthly reload writes: its landing tables (and their audit and quarantine rows) and the
# overtime tables turnstile/overtime_daily re-totals (agencies and calendar are not reloaded monthly).
MONTHLY_WRITES = {
    *(f"raw.{t}" for t in ("headcount_monthly", "overtime_orders", "turnstile_events")),
    "core.overtime",
    "core.overtime_unit_quality",
    "audit.load_ledger",
    "landing_audit.landed_rows",
    "landing_audit.file_profile",
    "quarantine.rows",
}


def _models_reading(sources: set[str]) -> set[str]:
    """dbt models that read any of ``sources`` directly or through other models (from the manifest)."""
    manifest = json.loads(dbt_project().manifest_path.read_text())
    upstream = {
        node["name"]: [d.split(".", 2)[2] for d in node["depends_on"]["nodes"]]
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model"
    }
    reading: set[str] = set()
    changed = True
    while changed:
        changed = False
        for model, inputs in upstream.items():
            if model not in reading and any(i in sources or i in reading for i in inputs):
                reading.add(model)
                changed = True
    return reading


def test_monthly_job_is_monthly_and_ends_with_publication(asset_graph):
    job = defs.resolve_job_def("monthly_turnstile_reload")
    keys = job.asset_layer.executable_asset_keys
    assert job.partitions_def == monthly_partitions
    assert OVERTIME_DAILY_KEY in keys and PUBLISHED_KEY in keys
    # the marts whose inputs a monthly run writes are rebuilt and tested before publication
    assert _models_reading(MONTHLY_WRITES) <= {k.path[-1] for k in keys}
    assert dg.AssetKey(["marts", "fct_corps_b_annual"]) not in keys  # its inputs are untouched by the reload
    assert dg.AssetKey(["marts", "dim_agencies"]) not in keys
    # no yearly-partitioned asset may share a run with the monthly one
    assert all(asset_graph.get(k).partitions_def in (None, monthly_partitions) for k in keys)
    landing_tables = sorted(k.path[1] for k in keys if k.path[0] == "landing")
    assert landing_tables == ["headcount_monthly", "overtime_orders", "turnstile_events"]
    assert job.tags["kzeval/writer"] == "warehouse"


def test_steps_run_one_at_a_time_in_one_process():
    # every step writes the same DuckDB build file: a second writing process would meet its lock
    for job in defs.resolve_all_job_defs():
        assert job.executor_def.name == "in_process", job.name


def test_every_landing_table_reaches_the_published_warehouse(asset_graph):
    without_block_score = []
    for table in CONTRACTS:
        downstream = dg.AssetSelection.assets(landing_key(table)).downstream().resolve(asset_graph)
        assert PUBLISHED_KEY in downstream, table
        if BLOCK_SCORES_KEY not in downstream:
            without_block_score.append(table)
    assert without_block_score == TABLES_WITHOUT_BLOCK_SCORE


def test_pandera_and_dbt_checks_block_downstream():
    specs = [spec for asset in ops.ALL_ASSETS for spec in asset.check_specs]
    pandera = [s for s in specs if s.name == "pandera_contract"]
    assert {s.asset_key for s in pandera} == {landing_key(t) for t in CONTRACTS}
    assert all(s.blocking for s in pandera)
    dbt_checks = list(kzeval_dbt_models.check_specs)
    assert len(dbt_checks) > 40  # every dbt test is an asset check
    assert all(s.blocking for s in dbt_checks)  # severity error → blocking (dagster-dbt)
    # the only non-blocking checks are the held-back warnings
    assert {s.name for s in specs if not s.blocking} == {"no_file_held_back"}


def test_open_assessment_year_turns_on_1_march():
    assert current_assessment_year(date(2025, 2, 28)) == 2024
    assert current_assessment_year(date(2025, 3, 1)) == 2025
    assert previous_month(date(2025, 1, 5)) == (2024, 12)
    assert previous_month(date(2025, 7, 5)) == (2025, 6)
    assert is_month_partition(2025, 6, date(2025, 6, 10))  # current month exists (end_offset=1)
    assert not is_month_partition(2025, 7, date(2025, 6, 10))
    assert not is_month_partition(2019, 12, date(2025, 6, 10))


def _evaluate_schedule(name: str, when: datetime) -> list[dg.RunRequest]:
    schedule = defs.resolve_schedule_def(name)
    # the context is closed inside the instance's block: left open, its own instance is only
    # closed when garbage collected, which resets Dagster's current DefsStateStorage (a context
    # variable) to this already closed instance's storage, and a later run in the process fails
    # with «Attempted to resolve undefined DagsterInstance weakref»
    with (
        dg.instance_for_test() as instance,
        dg.build_schedule_context(
            instance=instance, scheduled_execution_time=when, repository_def=defs.get_repository_def()
        ) as context,
    ):
        data = schedule.evaluate_tick(context)
    return list(data.run_requests or [])


def test_yearly_schedule_assesses_the_previous_year_on_1_march():
    schedule = defs.resolve_schedule_def("yearly_assessment_schedule")
    assert schedule.cron_schedule == "0 6 1 3 *" and schedule.execution_timezone == "Asia/Almaty"
    (request,) = _evaluate_schedule("yearly_assessment_schedule", datetime(2025, 3, 1, 6, tzinfo=ALMATY))
    assert request.partition_key == "2024"
    assert schedule.job_name == "yearly_assessment"


def test_monthly_schedule_reloads_the_previous_month_on_the_5th():
    schedule = defs.resolve_schedule_def("monthly_turnstile_reload_schedule")
    assert schedule.cron_schedule == "0 6 5 * *"
    (january,) = _evaluate_schedule("monthly_turnstile_reload_schedule", datetime(2025, 1, 5, 6, tzinfo=ALMATY))
    assert january.partition_key == "2024-12-01"
    (july,) = _evaluate_schedule("monthly_turnstile_reload_schedule", datetime(2025, 7, 5, 6, tzinfo=ALMATY))
    assert july.partition_key == "2025-06-01"
    assert schedule.job_name == "monthly_turnstile_reload"


def test_evaluating_schedules_leaves_no_dagster_state_storage_behind():
    """Nothing of a closed test instance stays Dagster's current DefsStateStorage (a context variable).

    With the schedule context left open, its own instance was closed only by the garbage
    collector, whose reset put the closed instance's storage back; a later `run_assessment`
    in the process then failed with «Attempted to resolve undefined DagsterInstance weakref».
    """
    import gc

    from dagster._core.storage.defs_state.base import DefsStateStorage

    for _ in range(2):
        _evaluate_schedule("monthly_turnstile_reload_schedule", datetime(2025, 1, 5, 6, tzinfo=ALMATY))
    gc.collect()  # any context left open is closed now, as it would be later in the suite
    assert DefsStateStorage.get() is None


def test_a_run_ignores_a_dagster_state_storage_left_behind(tmp_path):
    """`run_assessment` reads no stale DefsStateStorage another Dagster use in the process left set."""
    import gc

    from dagster._core.storage.defs_state.base import set_defs_state_storage

    from pipelines.launch import run_assessment

    with dg.instance_for_test() as instance:
        stale = instance.defs_state_storage
    del instance
    gc.collect()
    assert stale is not None and not stale._instance_weakref()  # its instance is gone
    landing = tmp_path / "landing"
    (landing / "agencies").mkdir(parents=True)
    (landing / "agencies" / "agencies.csv").write_text(
        "agency_id,name_ru,body_type,parent_agency_id,is_assessed,region_code,level\n"
        "C1,Министерство тестов,CGO,,true,,central\n",
        encoding="utf-8",
    )
    with set_defs_state_storage(stale):
        # a year without data stops early (issue 15 item 8): enough to build the definitions
        result = run_assessment(2022, landing, tmp_path / "warehouse" / "kzeval.duckdb")
    assert not result.success
    assert any("year 2022: no landing table other than agencies and calendar" in f for f in result.failures)


def test_sensor_evaluates_on_an_empty_landing(tmp_path):
    resource = KzevalResource(warehouse_path=str(tmp_path / "wh" / "kzeval.duckdb"), landing_dir=str(tmp_path / "in"))
    sensor = defs.resolve_sensor_def("new_landing_files")
    with (
        dg.instance_for_test() as instance,
        dg.build_sensor_context(instance=instance, resources={"kzeval": resource}, definitions=defs) as context,
    ):
        data = sensor.evaluate_tick(context)
    assert not data.run_requests
    assert data.skip_message == "no new landing files"
    assert json.loads(data.cursor or "{}") == {"hashes": {}, "requested": {}}


def test_every_mart_model_and_column_is_described():
    manifest = json.loads(dbt_project().manifest_path.read_text())
    marts = [n for n in manifest["nodes"].values() if n["resource_type"] == "model" and n["fqn"][1] == "marts"]
    outputs_md = {  # ../shared/spec/outputs.md
        "dim_agencies",
        "fct_indicator_scores",
        "fct_direction_scores",
        "fct_block_scores",
        "fct_national_rollup",
        "fct_overtime",
        "fct_corps_b_annual",
        "fct_corps_b_distribution",
        "fct_data_quality",
    }
    assert outputs_md <= {n["name"] for n in marts}
    for node in marts:
        assert node["description"].strip(), node["name"]
        assert node["config"]["contract"]["enforced"], node["name"]
        assert node["columns"], node["name"]
        for column, props in node["columns"].items():
            assert props.get("description", "").strip(), f"{node['name']}.{column}"
            assert props.get("data_type"), f"{node['name']}.{column}"
    for source in manifest["sources"].values():
        assert source["description"].strip(), source["unique_id"]
