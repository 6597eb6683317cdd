"""Launch the Dagster jobs in process (what `kzeval run`, `kzeval demo` and `kzeval recompute` do).

The orchestration layer's entry point for the CLI (docs/architecture.md): it builds the
``kzeval`` resource from the command's arguments (the run context's config) and materialises
the job's assets; nothing in the run steps calls back into it.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb

from kzeval import warehouse
from kzeval.contracts import CONTRACTS
from kzeval.indicators.org_development import org_run_notes
from kzeval.landing.loader import pseudonym_key_problem
from kzeval.progress import listen_to_every_run
from kzeval.settings import DEFAULT_DAGSTER_HOME, Settings
from pipelines.definitions import defs
from pipelines.defs.dbt import dbt_resource
from pipelines.defs.ops import MONTHLY_SELECTION, YEARLY_SELECTION
from pipelines.partitions import month_partition_key
from pipelines.resources import KzevalResource

DISK_FULL_LINE = (
    "DISK FULL: no space left on the device (warehouse build, raw store or temporary folder); "
    "free space and run again — the published warehouse is unchanged"
)


def says_disk_full(message: str) -> bool:
    """A step failure caused by a full disk (OSError 28 or DuckDB's wrapped message)."""
    lowered = message.lower()
    return any(
        marker in lowered for marker in ("no space left on device", "[errno 28]", "disk quota exceeded", "enospc")
    )


def _error_chain(error: object) -> str:
    """A Dagster error's message with those of its causes (a step's own message wraps the real one)."""
    parts = []
    seen = 0
    while error is not None and seen < 10:
        parts.append(str(getattr(error, "message", "")))
        error = getattr(error, "cause", None) or getattr(error, "context", None)
        seen += 1
    return "\n".join(parts)


@dataclass
class RunResult:
    success: bool
    year: int
    warehouse_path: Path
    failures: list[str] = field(default_factory=list)
    files: list[dict[str, object]] = field(default_factory=list)
    tables_missing: list[str] = field(default_factory=list)
    not_computed: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # figures computed but provisional, and why


def run_assessment(
    year: int,
    landing_dir: Path,
    warehouse_path: Path,
    readings: list[str] | None = None,
    hold_back_share: float = 0.05,
    log_level: str = "WARNING",
    dagster_home: Path | None = None,
    progress: Callable[[Any], None] | None = None,
    corrections_agency: str | None = None,
    rehash: bool = False,
) -> RunResult:
    """Materialise every asset for ``year``.

    The run is recorded in the Dagster instance of ``dagster_home`` (the one the Dagster UI shows)
    or, without it, in an ephemeral instance. ``progress`` receives every Dagster event of the run.
    ``corrections_agency`` (``kzeval recompute``): apply only that body's new corrections.
    ``rehash`` (``kzeval run --rehash``): hash every landing file, even one the ledger knows unchanged.
    """
    run = _materialize(
        YEARLY_SELECTION,
        str(year),
        year,
        landing_dir,
        warehouse_path,
        readings,
        hold_back_share,
        log_level,
        dagster_home,
        progress,
        corrections_agency,
        rehash,
    )
    if run.success and warehouse_path.exists():
        run.not_computed = _not_computed(warehouse_path, year)
        with duckdb.connect(str(warehouse_path), read_only=True) as con:
            run.notes = org_run_notes(con, year)
    return run


def run_monthly_reload(
    year: int,
    month: int,
    landing_dir: Path,
    warehouse_path: Path,
    hold_back_share: float = 0.05,
    log_level: str = "WARNING",
) -> RunResult:
    """What the ``monthly_turnstile_reload`` job does for one month, with an ephemeral Dagster instance."""
    return _materialize(
        MONTHLY_SELECTION,
        month_partition_key(year, month),
        year,
        landing_dir,
        warehouse_path,
        None,
        hold_back_share,
        log_level,
    )


def _materialize(
    selection: object,
    partition_key: str,
    year: int,
    landing_dir: Path,
    warehouse_path: Path,
    readings: list[str] | None,
    hold_back_share: float,
    log_level: str,
    dagster_home: Path | None = None,
    progress: Callable[[Any], None] | None = None,
    corrections_agency: str | None = None,
    rehash: bool = False,
) -> RunResult:
    os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    problem = pseudonym_key_problem(landing_dir)  # checked before any landing starts
    if problem:
        return RunResult(success=False, year=year, warehouse_path=warehouse_path, failures=[problem])
    resource = KzevalResource(
        warehouse_path=str(warehouse_path),
        landing_dir=str(landing_dir),
        hold_back_share=hold_back_share,
        readings=list(readings or []),
        corrections_agency=corrections_agency,
        rehash=rehash,
    )
    assets = list(defs.assets or [])
    # Entering the instance makes it the current one for Dagster's definitions state, so a run does
    # not pick up an instance a caller created and disposed of before (tests do).
    instance = dagster_instance(dagster_home) if dagster_home is not None else dg.DagsterInstance.ephemeral()
    if progress is not None:
        listen_to_every_run(instance, progress)
    extra: dict[str, Any] = {}
    if dagster_home is not None:
        extra["tags"] = {CLI_TRIGGER_TAG: "cli"}
    with instance:
        result = dg.materialize(
            assets,  # type: ignore[arg-type]
            selection=selection,  # type: ignore[arg-type]
            resources={
                "kzeval": resource,
                "dbt": dbt_resource(),
            },
            partition_key=partition_key,
            run_config={"loggers": {"console": {"config": {"log_level": log_level}}}},
            raise_on_error=False,
            instance=instance,
            **extra,
        )
    failures: list[str] = []
    # Dagster's public accessor gives the check evaluations in event order: walk them alongside
    # the step failures so the messages keep the order they happened in.
    evaluations = iter(result.get_asset_check_evaluations())
    for event in result.all_events:
        if event.event_type_value == "STEP_FAILURE":
            data = event.step_failure_data
            message = _failure_reason(data.error if data else None)
            if data and data.error and says_disk_full(_error_chain(data.error)):
                message = f"{message} (no space left on device)"
            failures.append(f"{event.step_key}: {message}")
        if event.event_type_value == "ASSET_CHECK_EVALUATION":
            evaluation = next(evaluations)
            if not evaluation.passed and evaluation.severity == dg.AssetCheckSeverity.ERROR:
                why = f": {evaluation.description}" if evaluation.description else ""
                failures.append(f"check {evaluation.asset_key.to_user_string()}:{evaluation.check_name} failed{why}")
    if any(says_disk_full(f) for f in failures):
        failures.insert(0, DISK_FULL_LINE)
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
    optional = {"corrections", "calendar"}  # calendars ship with kzeval; corrections come only with disputes
    if run.files or run.success:  # a run that published nothing has no ledger to compare the drop with
        run.tables_missing = sorted(t for t in CONTRACTS if t not in present and t not in optional)
    return run


def _failure_reason(error: object) -> str:
    """The last line of the innermost cause: the step's own exception, not Dagster's wrapper of it.

    Dagster reports a failed step as «Error occurred while executing op …» with the real
    exception (e.g. ``PublishedChanged: … was published by another writer …``) as its cause.
    """
    if error is None:
        return "failed"
    while getattr(error, "cause", None) is not None:
        error = error.cause  # type: ignore[attr-defined]
    lines = str(getattr(error, "message", "") or "").strip().splitlines()
    return lines[-1] if lines else "failed"


CLI_TRIGGER_TAG = "kzeval/trigger"
# The Dagster instance shared by `kzeval run` and the Dagster UI (README «Operations: Dagster»).
INSTANCE_SETTINGS = Path(__file__).resolve().parents[1] / DEFAULT_DAGSTER_HOME / "dagster.yaml"


def default_dagster_home() -> Path:
    """``$DAGSTER_HOME`` when set, else ``data/dagster_home`` (absolute)."""
    return Settings.from_env().dagster_home.resolve()


def dagster_instance(home: Path) -> Any:
    """The persistent Dagster instance in ``home``, created with the project's dagster.yaml if new."""
    home.mkdir(parents=True, exist_ok=True)
    settings = home / "dagster.yaml"
    if not settings.exists() and INSTANCE_SETTINGS.exists():
        shutil.copyfile(INSTANCE_SETTINGS, settings)
    return dg.DagsterInstance.from_config(str(home))


EXPECTED_DIRECTIONS = {"interaction": ("services", "openness", "appeals"), "org_development": ("hr", "it")}


def _not_computed(warehouse_path: Path, year: int) -> list[str]:
    """Directions and blocks an assessed body did not get this year (inputs missing)."""
    lines: list[str] = []
    with duckdb.connect(str(warehouse_path), read_only=True) as con:
        bodies = [r[0] for r in con.execute("SELECT agency_id FROM marts.dim_agencies WHERE is_assessed").fetchall()]
        have = set(
            con.execute("SELECT agency_id, direction FROM marts.fct_direction_scores WHERE year = ?", [year]).fetchall()
        )
        blocks = set(
            con.execute("SELECT agency_id, block FROM marts.fct_block_scores WHERE year = ?", [year]).fetchall()
        )
    for block, directions in EXPECTED_DIRECTIONS.items():
        for direction in directions:
            missing = [b for b in bodies if (b, direction) not in have]
            if missing:
                lines.append(f"direction {direction}: not computed for {len(missing)} of {len(bodies)} bodies")
        missing_blocks = [b for b in bodies if (b, block) not in blocks]
        if missing_blocks:
            lines.append(f"block {block}: no score for {len(missing_blocks)} of {len(bodies)} bodies")
    return lines
