"""dbt per year: the marts holding a ``year`` column rebuild only the run's year, yet equal a full rebuild.

Two sample years (2023, 2024) go into one warehouse through the production jobs; then the
monthly reload of 2024-12, a re-run of 2023 after one of its files changed (a superseding
delivery, as a sensor run for that file does) and ``kzeval sensitivity`` for 2023. Every
``marts`` table of the published warehouse must then hold the same rows as a fresh build of
the same warehouse by ``dbt build --full-refresh`` (no year: every mart rebuilt from every year).

The incremental path must really be taken: a run for 2024 leaves a row of another year alone,
and a build without the year var (a run without a partition) rebuilds the mart whole.
"""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from kzeval.sensitivity import run_sensitivity
from kzeval.steps.dbt import DBT_EXECUTABLE, DBT_PROJECT_DIR, YEAR_VAR, profile_env, year_vars
from pipelines.definitions import defs
from pipelines.defs import ops
from pipelines.defs.dbt import dbt_resource
from pipelines.resources import KzevalResource
from tests.support.drops import sample_drop

pytestmark = pytest.mark.slow
CHANGED_FILE = Path("service_complaints") / "service_complaints_2023.csv"


def _run(name: str, partition: str, landing: Path, published: Path) -> None:
    test_defs = dg.Definitions(
        assets=defs.assets,
        jobs=[ops.yearly_assessment, ops.monthly_turnstile_reload],
        resources={
            "kzeval": KzevalResource(warehouse_path=str(published), landing_dir=str(landing)),
            "dbt": dbt_resource(),
        },
        executor=dg.in_process_executor,
    )
    with dg.instance_for_test() as instance:
        result = test_defs.resolve_job_def(name).execute_in_process(
            partition_key=partition,
            instance=instance,
            raise_on_error=False,
            run_config={"loggers": {"console": {"config": {"log_level": "WARNING"}}}},
        )
    failures = [e.step_key for e in result.all_events if e.event_type_value == "STEP_FAILURE"]
    assert result.success, f"{name} {partition} failed: {failures}"


def _dbt(duckdb_path: Path, target: Path, *args: str) -> None:
    """``dbt build`` (models and data tests, no unit tests) on ``duckdb_path``, in a subprocess."""
    executable = str(DBT_EXECUTABLE) if DBT_EXECUTABLE.exists() else shutil.which("dbt") or "dbt"
    command = [executable, "build", "--exclude-resource-type", "unit_test", *args]
    command += ["--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR)]
    command += ["--target-path", str(target), "--log-path", str(target), "--quiet"]
    done = subprocess.run(
        command, env={**os.environ, **profile_env(duckdb_path)}, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, (done.stdout + done.stderr)[-3000:]


def _marts(path: Path) -> dict[str, list[tuple]]:
    with duckdb.connect(str(path), read_only=True) as con:
        tables = [
            t
            for (t,) in con.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'marts' ORDER BY 1"
            ).fetchall()
        ]
        return {t: con.execute(f"SELECT * FROM marts.{t} ORDER BY ALL").fetchall() for t in tables}


def _year_columns(path: Path) -> dict[str, int]:
    """The position of the ``year`` column of every mart holding one."""
    sql = (
        "SELECT table_name, ordinal_position - 1 FROM information_schema.columns "
        "WHERE table_schema = 'marts' AND column_name = 'year'"
    )
    with duckdb.connect(str(path), read_only=True) as con:
        return dict(con.execute(sql).fetchall())


def _copy(published: Path, folder: Path) -> Path:
    """A copy of the catalogue file; its views still read the published lake (absolute paths)."""
    folder.mkdir(parents=True)
    copy = folder / "kzeval.duckdb"
    shutil.copy2(published, copy)
    return copy


def _change_first_count(path: Path) -> None:
    """A new delivery of the file: the first body's justified complaints + 7."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    rows[1][2] = str(int(rows[1][2]) + 7)
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    root = tmp_path_factory.mktemp("dbt_per_year")
    landing, published = root / "landing", root / "warehouse" / "kzeval.duckdb"
    sample_drop(landing, 2023)
    _run("yearly_assessment", "2023", landing, published)
    sample_drop(landing, 2024)
    _run("yearly_assessment", "2024", landing, published)
    _run("monthly_turnstile_reload", "2024-12-01", landing, published)
    before = _marts(published)
    _change_first_count(landing / CHANGED_FILE)
    _run("yearly_assessment", "2023", landing, published)
    run_sensitivity(2023, published, ["appeals.r4_impossible"])
    return {"root": root, "published": published, "before": before, "after": _marts(published)}


def test_year_vars_pass_the_year_or_nothing() -> None:
    assert year_vars(None) == []
    assert year_vars(2024) == ["--vars", '{"kzeval_year": 2024}']
    assert YEAR_VAR == "kzeval_year"


def test_rerunning_an_earlier_year_changes_that_year_only(history) -> None:
    before: dict[str, list[tuple]] = history["before"]  # type: ignore[assignment]
    after: dict[str, list[tuple]] = history["after"]  # type: ignore[assignment]
    year_at = {t: i for t, i in _year_columns(history["published"]).items() if t != "fct_dispute_results"}  # type: ignore[arg-type]

    def of_year(rows: list[tuple], i: int, year: int) -> list[tuple]:
        return [r for r in rows if r[i] == year]

    changed_2023 = [t for t, i in year_at.items() if of_year(before[t], i, 2023) != of_year(after[t], i, 2023)]
    # the new complaints count moves the 2023 figures (and the per-file lineage names the new file)
    assert {"fct_indicator_scores", "fct_indicator_lineage"} <= set(changed_2023)
    assert after["fct_reading_sensitivity"] and not before["fct_reading_sensitivity"]
    for table, i in year_at.items():
        if table.startswith("fct_reading_sensitivity") or table == "fct_national_rollup":
            continue  # sensitivity: only 2023 was analysed; the rollup's 2024 change reads 2023
        assert of_year(before[table], i, 2024) == of_year(after[table], i, 2024), table


def test_every_mart_equals_a_full_rebuild(history) -> None:
    root: Path = history["root"]  # type: ignore[assignment]
    fresh = _copy(history["published"], root / "fresh")  # type: ignore[arg-type]
    _dbt(fresh, root / "fresh" / "target", "--full-refresh")
    rebuilt, published = _marts(fresh), history["after"]
    assert set(rebuilt) == set(published)  # type: ignore[arg-type]
    assert len(rebuilt) >= 15
    for table, rows in rebuilt.items():
        assert rows == published[table], table  # type: ignore[index]


def test_a_year_leaves_other_years_alone_and_no_year_rebuilds_whole(history) -> None:
    root: Path = history["root"]  # type: ignore[assignment]
    copy = _copy(history["published"], root / "scoped")  # type: ignore[arg-type]
    stray = "SELECT count(*) FROM marts.fct_overtime WHERE year = 2099"
    with duckdb.connect(str(copy)) as con:
        con.execute(
            "INSERT INTO marts.fct_overtime SELECT * REPLACE (2099 AS year) FROM marts.fct_overtime "
            "WHERE year = 2024 ORDER BY agency_id LIMIT 1"
        )
        rows_2023 = con.execute("SELECT count(*) FROM marts.fct_overtime WHERE year = 2023").fetchone()
    _dbt(copy, root / "scoped" / "target", "--select", "fct_overtime", *year_vars(2024))
    with duckdb.connect(str(copy), read_only=True) as con:
        assert con.execute(stray).fetchone() == (1,)  # 2024 rebuilt, 2099 not touched
        assert con.execute("SELECT count(*) FROM marts.fct_overtime WHERE year = 2023").fetchone() == rows_2023
    _dbt(copy, root / "scoped" / "target", "--select", "fct_overtime")  # no year: the whole mart
    with duckdb.connect(str(copy), read_only=True) as con:
        assert con.execute(stray).fetchone() == (0,)
        assert con.execute("SELECT count(*) FROM marts.fct_overtime WHERE year = 2023").fetchone() == rows_2023
