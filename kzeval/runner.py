"""Run the Dagster assessment job in process (what `kzeval run` and `kzeval demo` do)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from kzeval import warehouse
from kzeval.contracts import CONTRACTS


@dataclass
class RunResult:
    success: bool
    year: int
    warehouse_path: Path
    failures: list[str] = field(default_factory=list)
    files: list[dict[str, object]] = field(default_factory=list)
    tables_missing: list[str] = field(default_factory=list)


def run_assessment(
    year: int,
    landing_dir: Path,
    warehouse_path: Path,
    readings: list[str] | None = None,
    hold_back_share: float = 0.05,
    log_level: str = "WARNING",
) -> RunResult:
    """Materialise every asset for ``year`` with an ephemeral Dagster instance."""
    os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    import dagster as dg
    from dagster._core.definitions.asset_checks.asset_check_evaluation import AssetCheckEvaluation
    from dagster_dbt import DbtCliResource

    from pipelines.definitions import defs
    from pipelines.defs.dbt import DBT_PROJECT_DIR, dbt_project
    from pipelines.resources import KzevalResource

    resource = KzevalResource(
        warehouse_path=str(warehouse_path),
        landing_dir=str(landing_dir),
        hold_back_share=hold_back_share,
        readings=list(readings or []),
    )
    assets = list(defs.assets or [])
    result = dg.materialize(
        assets,  # type: ignore[arg-type]
        resources={
            "kzeval": resource,
            "dbt": DbtCliResource(project_dir=dbt_project(), profiles_dir=str(DBT_PROJECT_DIR)),
        },
        partition_key=str(year),
        run_config={"loggers": {"console": {"config": {"log_level": log_level}}}},
        raise_on_error=False,
    )
    failures: list[str] = []
    for event in result.all_events:
        if event.event_type_value == "STEP_FAILURE":
            data = event.step_failure_data
            message = data.error.message.strip().splitlines()[-1] if data and data.error else "failed"
            failures.append(f"{event.step_key}: {message}")
        if event.event_type_value == "ASSET_CHECK_EVALUATION":
            evaluation = event.event_specific_data
            if (
                isinstance(evaluation, AssetCheckEvaluation)
                and not evaluation.passed
                and evaluation.severity == dg.AssetCheckSeverity.ERROR
            ):
                failures.append(f"check {evaluation.asset_key.to_user_string()}:{evaluation.check_name} failed")
    run = RunResult(
        success=result.success and not failures, year=year, warehouse_path=warehouse_path, failures=failures
    )
    if warehouse_path.exists():
        with duckdb.connect(str(warehouse_path), read_only=True) as con:
            if warehouse.table_exists(con, "audit", "load_ledger"):
                rows = con.execute(
                    "SELECT table_name, file_path, status, rows_loaded, rows_quarantined, message "
                    "FROM audit.load_ledger WHERE superseded_by IS NULL ORDER BY table_name, file_path"
                ).fetchall()
                keys = ("table", "file", "status", "rows_loaded", "rows_quarantined", "message")
                run.files = [dict(zip(keys, r, strict=True)) for r in rows]
    present = {str(f["table"]) for f in run.files if f["status"] == "loaded"}
    run.tables_missing = sorted(t for t in CONTRACTS if t not in present and t != "corrections")
    return run
