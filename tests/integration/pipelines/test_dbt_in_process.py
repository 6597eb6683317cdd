"""dbt run in the step's process reports what the ``dbt`` subprocess reports, and lets go of the file.

A small selection (the agencies staging view and its tests) against a scratch build with
``core.agencies``: once through dagster-dbt's subprocess, once in process.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from dagster_dbt.errors import DagsterDbtCliRuntimeError

from kzeval.warehouse import ensure_schemas
from pipelines.defs.dbt import dbt_resource

SELECTION = ["build", "--select", "stg_kzeval__agencies"]


@pytest.fixture
def build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "kzeval.building.duckdb"
    with duckdb.connect(str(path)) as con:
        ensure_schemas(con)
        con.execute(
            "CREATE TABLE core.agencies (agency_id VARCHAR, name_ru VARCHAR, name_kk VARCHAR, body_type VARCHAR, "
            "parent_agency_id VARCHAR, is_assessed BOOLEAN, region_code VARCHAR, level VARCHAR, workday_end VARCHAR, "
            "assessed_agency_id VARCHAR)"
        ).fetchall()
        con.execute(
            "INSERT INTO core.agencies (agency_id, name_ru, body_type, is_assessed, level, assessed_agency_id) "
            "VALUES ('CGO-A', 'Министерство А', 'CGO', true, 'central', 'CGO-A')"
        ).fetchall()
    monkeypatch.setenv("KZEVAL_DBT_DUCKDB_PATH", str(path))
    return path


def _finished(invocation: object) -> dict[str, str]:
    """unique_id → status of every node dbt reported a result for (what dagster-dbt turns into events)."""
    events = list(invocation.stream_raw_events())  # type: ignore[attr-defined]
    return {
        e.raw_event["data"]["node_info"]["unique_id"]: e.raw_event["data"]["node_info"]["node_status"]
        for e in events
        if e.is_result_event
    }


def _another_process_can_write(path: Path) -> bool:
    probe = f"import duckdb; duckdb.connect({str(path)!r}).execute('CREATE TABLE probe AS SELECT 1').fetchall()"
    return subprocess.run([sys.executable, "-c", probe], capture_output=True, check=False).returncode == 0


def test_in_process_dbt_finishes_the_same_nodes_as_the_subprocess_and_releases_the_file(build: Path) -> None:
    subprocess_run = _finished(dbt_resource().model_copy(update={"in_process": False}).cli(SELECTION))
    in_process = dbt_resource()
    assert in_process.in_process
    invocation = in_process.cli(SELECTION)
    finished = _finished(invocation)

    assert finished == subprocess_run
    assert finished["model.kzeval.stg_kzeval__agencies"] == "success"
    assert invocation.process.returncode == 0
    assert (invocation.target_path / "run_results.json").exists()
    assert _another_process_can_write(build), "dbt-duckdb still holds the build file open"
    with duckdb.connect(str(build), read_only=True) as con:
        assert con.execute("SELECT agency_id FROM staging.stg_kzeval__agencies").fetchall() == [("CGO-A",)]


def test_a_failing_in_process_invocation_raises_with_dbts_error_and_releases_the_file(
    build: Path, tmp_path: Path
) -> None:
    with duckdb.connect(str(build)) as con:
        con.execute("DROP TABLE core.agencies").fetchall()
    invocation = dbt_resource().cli(SELECTION, raise_on_error=False)
    assert not invocation.is_successful()
    error = invocation.get_error()
    assert error is not None and "agencies" in str(error)
    assert _another_process_can_write(build)

    with pytest.raises(DagsterDbtCliRuntimeError):
        dbt_resource().cli(SELECTION).wait()


def test_only_the_newest_invocation_folders_are_kept(tmp_path: Path) -> None:
    import os

    from pipelines.defs.dbt import prune_invocation_targets

    target = tmp_path / "target"
    names = [f"kzeval_dbt_models-{i:07x}-abcdef0" for i in range(4)] + ["0123456", "89abcde"]
    for age, name in enumerate(names):  # the first name is the newest
        (target / name).mkdir(parents=True)
        os.utime(target / name, (1_000_000 - age, 1_000_000 - age))
    (target / "compiled").mkdir()
    (target / "partial_parse.msgpack").write_bytes(b"state")

    removed = prune_invocation_targets(target, keep=3)

    assert sorted(p.name for p in removed) == sorted(names[3:])
    assert sorted(p.name for p in target.iterdir()) == sorted([*names[:3], "compiled", "partial_parse.msgpack"])


def test_an_interrupt_during_dbt_stops_the_step_instead_of_becoming_a_dbt_error(
    build: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """dbtRunner catches every BaseException and returns it; Dagster's termination must still propagate."""
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager
    from dbt.cli.main import dbtRunner, dbtRunnerResult

    class OpenDatabase:  # what dbt-duckdb holds when the interrupt arrives
        closed = False

        def close(self) -> None:
            self.closed = True

    held = OpenDatabase()

    def interrupted(self: object, args: list[str], **kwargs: object) -> dbtRunnerResult:
        DuckDBConnectionManager._ENV = held
        return dbtRunnerResult(success=False, exception=KeyboardInterrupt())

    monkeypatch.setattr(dbtRunner, "invoke", interrupted)
    invocation = dbt_resource().cli(SELECTION, raise_on_error=False)
    with pytest.raises(KeyboardInterrupt):
        invocation.is_successful()
    assert held.closed and DuckDBConnectionManager._ENV is None
