"""The whole graph on the sample drop, two years into one warehouse, then a monthly reload.

Three runs of the production jobs (``yearly_assessment`` 2023, ``yearly_assessment`` 2024,
``monthly_turnstile_reload`` 2024-12) into a temporary warehouse, with the sensor planning
in between against the real published ledger:

- both years' rows stay after the 2024 run, the 2023 slice unchanged;
- ``marts.fct_national_rollup`` 2024 shows mean_change_vs_previous_year = mean 2024 − mean 2023
  of the same scope, recomputed here from ``marts.fct_block_scores``;
- the sensor asks for nothing while every file is loaded, and for exactly one run per new
  2024 file (none for the unchanged agencies.csv);
- the monthly job publishes (its run ends with ``published_warehouse``).
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from statistics import mean

import dagster as dg
import duckdb
import pytest

from kzeval.schema import TABLES
from kzeval.schema.registry import DUCKDB_TYPES
from pipelines.definitions import defs
from pipelines.defs import ops
from pipelines.defs.dbt import dbt_resource, kzeval_dbt_models
from pipelines.defs.publish import PUBLISHED_KEY
from pipelines.defs.turnstile import OVERTIME_DAILY_KEY
from pipelines.resources import KzevalResource
from tests.support.drops import sample_drop

pytestmark = pytest.mark.slow
MID_2025 = date(2025, 6, 10)  # 2024 already assessed: every 2024 file re-runs the 2024 assessment


def _job(name: str, landing: Path, published: Path) -> dg.JobDefinition:
    """The production job, with resources pointing at the temporary drop and warehouse."""
    test_defs = dg.Definitions(
        assets=defs.assets,
        jobs=[ops.yearly_assessment, ops.monthly_turnstile_reload],
        resources={
            "kzeval": KzevalResource(warehouse_path=str(published), landing_dir=str(landing)),
            "dbt": dbt_resource(),
        },
        executor=dg.in_process_executor,
    )
    return test_defs.resolve_job_def(name)


def _run(name: str, partition: str, landing: Path, published: Path) -> dg.ExecuteInProcessResult:
    with dg.instance_for_test() as instance:
        result = _job(name, landing, published).execute_in_process(
            partition_key=partition,
            instance=instance,
            raise_on_error=False,
            run_config={"loggers": {"console": {"config": {"log_level": "WARNING"}}}},
        )
    failures = [e.step_key for e in result.all_events if e.event_type_value == "STEP_FAILURE"]
    assert result.success, f"{name} {partition} failed: {failures}"
    return result


def _rows(published: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(published), read_only=True) as con:
        return con.execute(sql).fetchall()


def _year_slice(published: Path, year: int) -> dict[str, list[tuple]]:
    tables = ("fct_block_scores", "fct_direction_scores", "fct_indicator_scores", "fct_overtime")
    return {t: _rows(published, f"SELECT * FROM marts.{t} WHERE year = {year} ORDER BY ALL") for t in tables}


@pytest.fixture(scope="module")
def two_years(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    root = tmp_path_factory.mktemp("two_years")
    landing, published = root / "landing", root / "warehouse" / "kzeval.duckdb"
    sample_drop(landing, 2023)
    first = _run("yearly_assessment", "2023", landing, published)
    slice_2023 = _year_slice(published, 2023)
    after_2023 = ops.plan_new_file_runs(landing, published, None, MID_2025, settle_seconds=0)

    sample_drop(landing, 2024)
    new_files = sorted(p.relative_to(landing).as_posix() for p in landing.rglob("*2024*") if p.is_file())
    with_2024 = ops.plan_new_file_runs(landing, published, after_2023.cursor, MID_2025, settle_seconds=0)
    _run("yearly_assessment", "2024", landing, published)
    after_run = ops.plan_new_file_runs(landing, published, with_2024.cursor, MID_2025, settle_seconds=0)
    return {
        "landing": landing,
        "published": published,
        "first": first,
        "slice_2023": slice_2023,
        "after_2023": after_2023,
        "new_files": new_files,
        "with_2024": with_2024,
        "after_run": after_run,
    }


def test_the_whole_graph_materialises_and_publishes(two_years):
    result: dg.ExecuteInProcessResult = two_years["first"]  # type: ignore[assignment]
    materialised = {e.asset_key for e in result.get_asset_materialization_events() if e.asset_key}
    assert PUBLISHED_KEY in materialised
    assert dg.AssetKey(["marts", "fct_block_scores"]) in materialised
    assert OVERTIME_DAILY_KEY not in materialised  # monthly: its own job
    executable = defs.resolve_job_def("yearly_assessment").asset_layer.executable_asset_keys
    assert executable <= materialised  # every asset of the yearly job ran


def test_every_dbt_test_reports_a_passed_check(two_years):
    """dbt's test results reach Dagster as check evaluations (a lost one would not block publication)."""
    result: dg.ExecuteInProcessResult = two_years["first"]  # type: ignore[assignment]
    evaluations = {
        (e.asset_check_evaluation_data.asset_check_key, e.asset_check_evaluation_data.passed)
        for e in result.all_events
        if e.event_type_value == "ASSET_CHECK_EVALUATION"
    }
    dbt_checks = set(kzeval_dbt_models.check_keys)
    assert len(dbt_checks) > 40
    assert {(key, True) for key in dbt_checks} <= evaluations


def test_both_years_stay_and_2023_is_untouched(two_years):
    published: Path = two_years["published"]  # type: ignore[assignment]
    years = _rows(published, "SELECT year, count(*) FROM marts.fct_block_scores GROUP BY year ORDER BY year")
    assert [y for y, _ in years] == [2023, 2024]
    assert years[0][1] > 0 and years[1][1] > 0
    assert _year_slice(published, 2023) == two_years["slice_2023"]


def _half_up(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def test_national_rollup_shows_the_change_against_the_previous_year(two_years):
    published: Path = two_years["published"]  # type: ignore[assignment]
    for block, body_type in (("interaction", "CGO"), ("org_development", "MIO")):
        scores = {
            year: [
                s
                for (s,) in _rows(
                    published,
                    f"SELECT score_rounded FROM marts.fct_block_scores WHERE year = {year} "
                    f"AND block = '{block}' AND body_type = '{body_type}'",
                )
            ]
            for year in (2023, 2024)
        }
        rollup = {
            year: (mean_score, previous, change)
            for year, mean_score, previous, change in _rows(
                published,
                "SELECT year, mean_score, previous_mean_score, mean_change_vs_previous_year "
                f"FROM marts.fct_national_rollup WHERE block = '{block}' AND body_type = '{body_type}' "
                "AND region_code = 'KZ' ORDER BY year",
            )
        }
        # mean_score = the exact mean of the bodies' rounded block scores (DECIMAL), rounded half up
        assert rollup[2023][0] == _half_up(mean(scores[2023]))
        assert rollup[2024][0] == _half_up(mean(scores[2024]))
        assert rollup[2023][1] is None and rollup[2023][2] is None  # no 2022 in the warehouse
        assert rollup[2024][1] == rollup[2023][0]
        # change = exact mean 2024 − exact mean 2023, rounded once (half away from zero)
        assert rollup[2024][2] == _half_up(mean(scores[2024]) - mean(scores[2023]))


def test_sensor_asks_once_per_new_file_and_never_for_loaded_ones(two_years):
    after_2023: ops.SensorPlan = two_years["after_2023"]  # type: ignore[assignment]
    with_2024: ops.SensorPlan = two_years["with_2024"]  # type: ignore[assignment]
    after_run: ops.SensorPlan = two_years["after_run"]  # type: ignore[assignment]
    assert after_2023.runs == []  # every 2023 file is in the published ledger
    requested = sorted(run.file.relative for run in with_2024.runs)
    assert requested == two_years["new_files"]  # one run per new file; agencies.csv unchanged: none
    assert {(run.job_name, run.partition_key) for run in with_2024.runs} == {("yearly_assessment", "2024")}
    assert after_run.runs == []  # the 2024 run published them all
    assert '"requested": {}' in after_run.cursor  # and the cursor forgot them


def test_monthly_reload_publishes(two_years):
    published: Path = two_years["published"]  # type: ignore[assignment]
    landing: Path = two_years["landing"]  # type: ignore[assignment]
    before = published.stat().st_ino, _year_slice(published, 2024)["fct_overtime"]
    result = _run("monthly_turnstile_reload", "2024-12-01", landing, published)
    materialised = {e.asset_key for e in result.get_asset_materialization_events()}
    assert {OVERTIME_DAILY_KEY, PUBLISHED_KEY} <= materialised
    assert published.stat().st_ino != before[0]  # a new file was swapped in
    assert _year_slice(published, 2024)["fct_overtime"] == before[1]  # same month again: same figures
    assert [y for (y,) in _rows(published, "SELECT DISTINCT year FROM marts.fct_block_scores ORDER BY 1")] == [
        2023,
        2024,
    ]


def test_registry_keys_and_types_hold_in_the_published_warehouse(two_years):
    """The schema registry (kzeval.schema) describes what a run really writes: columns, types, keys."""
    published: Path = two_years["published"]  # type: ignore[assignment]
    with duckdb.connect(str(published), read_only=True) as con:
        actual: dict[str, list[tuple[str, str]]] = {}
        for schema, name, column, kind in con.execute(
            "SELECT table_schema, table_name, column_name, data_type FROM information_schema.columns "
            "ORDER BY table_schema, table_name, ordinal_position"
        ).fetchall():
            actual.setdefault(f"{schema}.{name}", []).append((column, kind))
        checked = 0
        for table in TABLES.values():
            if table.qualified not in actual:
                continue
            expected = [(c.name, DUCKDB_TYPES[c.type]) for c in table.columns]
            assert actual[table.qualified] == expected, table.qualified
            if table.key:
                keys = ", ".join(f'"{k}"' for k in table.key)
                total, distinct = con.execute(
                    f"SELECT count(*), count(DISTINCT ({keys})) FROM {table.qualified}"
                ).fetchone()  # type: ignore[misc]
                assert total == distinct, f"{table.qualified}: key {table.key} has duplicates"
            checked += 1
    assert checked >= 60  # raw, history, core, audit and quarantine tables of the sample run
