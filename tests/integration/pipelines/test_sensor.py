"""The new-file sensor: one run per new file, none for a file the published ledger already lists,
none twice for the same file; the year (or month) each run is for."""

from __future__ import annotations

import json
import os
import time
from datetime import date
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from kzeval.landing.loader import ensure_tables
from kzeval.landing.reader import sha256_of
from kzeval.warehouse import ensure_schemas
from pipelines.definitions import defs
from pipelines.defs import ops
from pipelines.defs.landing import landing_key
from pipelines.defs.publish import PUBLISHED_KEY
from pipelines.defs.turnstile import OVERTIME_DAILY_KEY
from pipelines.resources import KzevalResource

AGENCIES_CSV = (
    "agency_id,name_ru,body_type,parent_agency_id,is_assessed,region_code,level\n"
    "CGO-A,Министерство А,CGO,,true,,central\n"
)
MARTS_BLOCK = dg.AssetKey(["marts", "fct_block_scores"])
INTERACTION = dg.AssetKey(["indicators", "interaction"])
# A day in the middle of 2025: the open assessment year is 2025 (2024 was assessed on 1 March).
MID_2025 = date(2025, 6, 10)


def _write(landing: Path, relative: str, text: str, age_seconds: float = 3600) -> Path:
    """A landing file old enough to be past the sensor's settle time."""
    path = landing / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    past = time.time() - age_seconds
    os.utime(path, (past, past))
    return path


def _publish_ledger(published: Path, files: list[tuple[str, Path, str]]) -> None:
    """A published warehouse whose audit.load_ledger lists ``files`` as (table, path, status)."""
    published.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(published)) as con:
        ensure_schemas(con)
        ensure_tables(con)
        for table, path, status in files:
            con.execute(
                "INSERT INTO audit.load_ledger (file_path, file_sha256, table_name, status, loaded_at) "
                "VALUES (?, ?, ?, ?, now())",
                [f"{table}/{path.name}", sha256_of(path), table, status],
            )


@pytest.fixture
def site(tmp_path: Path) -> tuple[Path, Path]:
    landing = tmp_path / "landing"
    published = tmp_path / "warehouse" / "kzeval.duckdb"
    agencies = _write(landing, "agencies/agencies.csv", AGENCIES_CSV)
    _publish_ledger(published, [("agencies", agencies, "loaded")])
    return landing, published


def _tick(landing: Path, published: Path, cursor: str | None) -> tuple[list[dg.RunRequest], str | None, str | None]:
    """One evaluation of the real sensor, with the run requests resolved against the Definitions."""
    resource = KzevalResource(warehouse_path=str(published), landing_dir=str(landing))
    sensor = defs.resolve_sensor_def("new_landing_files")
    with (
        dg.instance_for_test() as instance,
        dg.build_sensor_context(
            instance=instance, resources={"kzeval": resource}, cursor=cursor, definitions=defs
        ) as context,
    ):
        data = sensor.evaluate_tick(context)
    return list(data.run_requests or []), data.cursor, data.skip_message


def test_one_run_per_new_file_and_none_for_a_loaded_one(site):
    landing, published = site
    _write(landing, "appeals/appeals_2024.csv", "appeal_id\nA1\n")
    _write(landing, "training/training_2023.csv", "employee_id\nE1\n")

    requests, cursor, _ = _tick(landing, published, None)

    # agencies.csv is in the published ledger: no run; each new file: exactly one run
    assert sorted(r.tags["kzeval/file"] for r in requests) == ["appeals/appeals_2024.csv", "training/training_2023.csv"]
    by_file = {r.tags["kzeval/file"]: r for r in requests}
    appeals = by_file["appeals/appeals_2024.csv"]
    assert appeals.job_name == "yearly_assessment" and appeals.partition_key == "2024"
    selected = set(appeals.asset_selection or [])
    assert {landing_key("appeals"), INTERACTION, MARTS_BLOCK, PUBLISHED_KEY} <= selected
    assert landing_key("agencies") not in selected and OVERTIME_DAILY_KEY not in selected
    assert by_file["training/training_2023.csv"].partition_key == "2023"
    assert appeals.tags["kzeval/sha256"] == sha256_of(landing / "appeals/appeals_2024.csv")

    # the next tick: nothing new (runs requested, not yet published: the cursor remembers them)
    again, cursor, skipped = _tick(landing, published, cursor)
    assert again == [] and skipped == "no new landing files"

    # a new file → one run; a new version of a file (same name, new content) → one run
    _write(landing, "appeals/appeals_2024_q4.csv", "appeal_id\nA2\n")
    _write(landing, "training/training_2023.csv", "employee_id\nE1\nE2\n")
    third, cursor, _ = _tick(landing, published, cursor)
    assert sorted(r.tags["kzeval/file"] for r in third) == ["appeals/appeals_2024_q4.csv", "training/training_2023.csv"]


def test_published_files_are_forgotten_by_the_cursor_and_a_lost_cursor_reloads_nothing(site):
    landing, published = site
    appeals = _write(landing, "appeals/appeals_2024.csv", "appeal_id\nA1\n")
    (_request,), cursor, _ = _tick(landing, published, None)
    assert json.loads(cursor or "{}")["requested"] == {f"appeals:{sha256_of(appeals)}": "appeals/appeals_2024.csv"}
    # the run published the file: the ledger lists it, the cursor drops it
    _publish_ledger(published, [("appeals", appeals, "loaded")])
    none, cursor, _ = _tick(landing, published, cursor)
    assert none == [] and json.loads(cursor or "{}")["requested"] == {}
    # even without a cursor, a file in the published ledger gets no run (held back or rejected alike)
    held = _write(landing, "training/training_2024.csv", "employee_id\nE1\n")
    _publish_ledger(published, [("training", held, "held_back")])
    assert _tick(landing, published, None)[0] == []


def test_a_file_still_being_copied_waits_for_the_next_tick(site):
    landing, published = site
    _write(landing, "appeals/appeals_2024.csv", "appeal_id\nA1\n", age_seconds=0)
    requests, cursor, skipped = _tick(landing, published, None)
    assert requests == [] and "appeals/appeals_2024.csv: changed less than" in (skipped or "")
    old = time.time() - 3600
    os.utime(landing / "appeals/appeals_2024.csv", (old, old))
    assert len(_tick(landing, published, cursor)[0]) == 1


def _plan(landing: Path, published: Path, today: date = MID_2025) -> dict[str, list[ops.PlannedRun]]:
    plan = ops.plan_new_file_runs(landing, published, None, today)
    runs: dict[str, list[ops.PlannedRun]] = {}
    for run in plan.runs:
        runs.setdefault(run.file.relative, []).append(run)
    return runs


def test_turnstile_file_of_the_open_year_reloads_its_month(site):
    landing, published = site
    _write(landing, "turnstile_events/2025-05.csv", "employee_id,agency_id,event_ts,direction\n")
    (run,) = _plan(landing, published)["turnstile_events/2025-05.csv"]
    assert run.job_name == "monthly_turnstile_reload" and run.partition_key == "2025-05-01"
    assert set(run.asset_selection) >= {landing_key("turnstile_events"), OVERTIME_DAILY_KEY, PUBLISHED_KEY}
    assert INTERACTION not in run.asset_selection  # nothing yearly in a monthly run


def test_turnstile_file_of_an_assessed_year_reruns_that_year(site):
    landing, published = site
    _write(landing, "turnstile_events/2024-11.csv", "employee_id,agency_id,event_ts,direction\n")
    (run,) = _plan(landing, published)["turnstile_events/2024-11.csv"]  # 2024 was assessed on 1 March 2025
    assert run.job_name == "yearly_assessment" and run.partition_key == "2024"
    assert landing_key("turnstile_events") in run.asset_selection and OVERTIME_DAILY_KEY not in run.asset_selection
    assert dg.AssetKey(["core", "overtime"]) in run.asset_selection
    # in February 2025 the 2024 assessment is still open: the same file reloads its month
    (february,) = _plan(landing, published, date(2025, 2, 10))["turnstile_events/2024-11.csv"]
    assert february.job_name == "monthly_turnstile_reload" and february.partition_key == "2024-11-01"


def test_year_from_the_rows_when_the_name_has_none(site):
    landing, published = site
    rows = "".join(f"CGO-A,2023-{m:02d}-28,10,12\n" for m in range(1, 13))
    _write(landing, "headcount_monthly/hr_export.csv", "agency_id,month_end,actual_headcount,staff_posts\n" + rows)
    (run,) = _plan(landing, published)["headcount_monthly/hr_export.csv"]
    assert run.partition_key == "2023" and "(rows)" in run.reason


def test_periodless_file_goes_to_the_open_year_and_unknown_years_only_load(site):
    landing, published = site
    _write(landing, "service_register/register.csv", "service_code,agency_id,automation\n")
    _write(landing, "appeals/appeals_2019.csv", "appeal_id\nA1\n")
    _write(landing, "not_a_table/x.csv", "a\n1\n")
    (register,) = _plan(landing, published)["service_register/register.csv"]
    assert register.partition_key == "2025"  # MID_2025: the open assessment year
    (before_march,) = _plan(landing, published, date(2025, 2, 10))["service_register/register.csv"]
    assert before_march.partition_key == "2024"
    (old,) = _plan(landing, published)["appeals/appeals_2019.csv"]  # before the first partition (2020)
    assert old.partition_key is None
    assert (
        set(old.asset_selection) >= {landing_key("appeals"), PUBLISHED_KEY} and INTERACTION not in old.asset_selection
    )


def test_agencies_are_requested_first(tmp_path):
    landing = tmp_path / "landing"
    _write(landing, "appeals/appeals_2024.csv", "appeal_id\nA1\n")
    _write(landing, "agencies/agencies_v2.csv", AGENCIES_CSV)
    plan = ops.plan_new_file_runs(landing, tmp_path / "missing.duckdb", None, MID_2025)
    assert [r.file.table for r in plan.runs] == ["agencies", "appeals"]
    # a new agencies file re-runs every landing table after it (they are checked against agencies)
    assert landing_key("appeals") in plan.runs[0].asset_selection


def test_file_periods_from_names():
    assert ops.periods_from_name("2024-03.csv") == ops.FilePeriods((2024,), ((2024, 3),), "name")
    assert ops.periods_from_name("turnstile_2024_12.xlsx") == ops.FilePeriods((2024,), ((2024, 12),), "name")
    assert ops.periods_from_name("appeals_2023.csv") == ops.FilePeriods((2023,), (), "name")
    assert ops.periods_from_name("2023/appeals.csv") == ops.FilePeriods((2023,), (), "name")
    assert ops.periods_from_name("register.csv") is None
    assert ops.periods_from_name("export_20240315.csv") is None  # a full date stamp is not a period


def test_hashing_a_large_drop_spreads_over_ticks(site):
    landing, published = site
    _write(landing, "appeals/appeals_2024.csv", "appeal_id\nA1\n")
    _write(landing, "training/training_2024.csv", "employee_id\nE1\n")
    # a budget of 0 s: one file hashed per tick (at least one, so every tick makes progress);
    # three files (agencies.csv is already loaded) → three ticks, then nothing left
    cursor, requested, ticks = None, [], []
    for _ in range(4):
        plan = ops.plan_new_file_runs(landing, published, cursor, MID_2025, hash_budget_seconds=0)
        cursor = plan.cursor
        requested += [run.file.relative for run in plan.runs]
        ticks.append(sum("not hashed yet" in note for note in plan.notes))
    assert ticks == [2, 1, 0, 0]
    assert sorted(requested) == ["appeals/appeals_2024.csv", "training/training_2024.csv"]
