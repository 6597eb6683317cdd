"""The dbt project and how a step points dbt at the DuckDB file it builds.

dbt_project/profiles.yml reads the DuckDB path from ``KZEVAL_DBT_DUCKDB_PATH``: it is set for
one dbt invocation only, from the run context (:func:`profile_env`), never in the process
environment of a run. The Dagster asset (``pipelines/defs/dbt.py``) runs dbt in process with
that environment; ``kzeval recompute`` and ``kzeval sensitivity`` build a few marts in a
subprocess (:func:`build_models`).

dbt per year: every invocation passes the run's assessment year as the dbt var ``kzeval_year``
(:func:`year_vars`). The marts holding a ``year`` column are incremental and rebuild only that
year (``dbt_project/macros/run_year.sql``); without a year (a run with no partition, a full
rebuild) the var is absent and they are rebuilt whole.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from kzeval.settings import DBT_DUCKDB_PATH_ENV

DBT_PROJECT_DIR = Path(__file__).resolve().parents[2] / "dbt_project"
DBT_EXECUTABLE = Path(sys.executable).with_name("dbt")  # the dbt of kzeval's own environment
YEAR_VAR = "kzeval_year"  # dbt_project/macros/run_year.sql


def year_vars(year: int | None) -> list[str]:
    """The dbt arguments giving the run's year (``--vars {"kzeval_year": 2024}``); none without one.

    With the var the per-year marts delete and rebuild that year only; without it they are
    rebuilt from every year (the behaviour of a full rebuild).
    """
    return [] if year is None else ["--vars", json.dumps({YEAR_VAR: int(year)})]


def profile_env(duckdb_path: Path) -> dict[str, str]:
    """The environment a dbt invocation needs on top of the process's: the DuckDB file to build."""
    return {DBT_DUCKDB_PATH_ENV: str(duckdb_path), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}


def manifest_is_stale(manifest: Path) -> bool:
    """A fresh clone has no manifest; an edited model makes the old one wrong."""
    if not manifest.exists():
        return True
    built = manifest.stat().st_mtime
    sources = [
        DBT_PROJECT_DIR / "dbt_project.yml",
        *DBT_PROJECT_DIR.glob("models/**/*"),
        *DBT_PROJECT_DIR.glob("macros/**/*"),
    ]
    sources += list(DBT_PROJECT_DIR.glob("tests/**/*"))
    return any(p.stat().st_mtime > built for p in sources if p.is_file())


def ensure_manifest(manifest: Path) -> None:
    """Parse the dbt project when its manifest is missing or older than the models."""
    if not manifest_is_stale(manifest):
        return
    from dbt.cli.main import dbtRunner  # dbt-core takes a second to import: only when parsing

    result = dbtRunner().invoke(
        ["parse", "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR), "--quiet"]
    )
    if not result.success:
        raise RuntimeError(f"dbt parse failed: {result.exception}")


def build_models(duckdb_path: Path, select: list[str], year: int | None = None) -> list[str]:
    """``dbt build --select …`` (models and their tests) into ``duckdb_path``, in a subprocess.

    ``year``: the assessment year the models are rebuilt for (:func:`year_vars`); None rebuilds
    the per-year marts from every year.

    dbt-duckdb keeps its connection open for the life of the process, which would pin a copy
    that is published afterwards: hence the subprocess, with its own target folder (the
    pipeline's manifest is left alone). Returns the last lines of dbt's output on failure,
    else an empty list.
    """
    ensure_manifest(DBT_PROJECT_DIR / "target" / "manifest.json")
    executable = str(DBT_EXECUTABLE) if DBT_EXECUTABLE.exists() else shutil.which("dbt") or "dbt"
    command = [executable, "build", "--select", *select, *year_vars(year), "--project-dir", str(DBT_PROJECT_DIR)]
    command += ["--profiles-dir", str(DBT_PROJECT_DIR), "--quiet"]
    env = {**os.environ, **profile_env(duckdb_path)}
    with tempfile.TemporaryDirectory(prefix="kzeval-dbt-") as target:
        command += ["--target-path", target, "--log-path", target]
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode == 0:
        return []
    return (done.stdout + done.stderr).strip().splitlines()[-5:]
