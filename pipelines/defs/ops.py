"""Operations: the jobs, the schedules and the sensor on new landing files.

One run cannot hold partitions of two kinds, so there are two jobs:

- ``yearly_assessment`` (partition = year): every asset except the monthly
  ``turnstile/overtime_daily`` (``core/overtime`` refreshes the year's stale months itself);
- ``monthly_turnstile_reload`` (partition = month): the turnstile landing tables the month's overtime
  reads (not the reference tables agencies and calendar: a new file of those gets its own run from the
  sensor), ``turnstile/overtime_daily`` for the month (which also re-totals the year in
  ``core.overtime``), the dbt models those tables feed (``MONTHLY_DBT_SELECT``) and ``published_warehouse``.

Both end with ``published_warehouse``, and so does every run the sensor asks for: a run writes
a private build of the warehouse and swaps it in at the end, so a run either publishes or
leaves the published file as it was (a build nobody published is discarded by the next run).
Steps write one DuckDB file, so they run one after another in one process (in-process
executor: DuckDB allows one writing process per file); runs share the build file and must not
overlap either: every run carries the tag ``kzeval/writer=warehouse``, which the instance limits
to one run at a time (dagster.yaml, README), and a run that starts anyway waits on the
warehouse's writer lock (``KzevalResource.hold_writer_lock``).
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path

import dagster as dg
import duckdb
import polars as pl
from dagster_dbt import build_dbt_asset_selection

from kzeval import warehouse
from kzeval.contracts import CONTRACTS
from kzeval.landing.loader import discover, year_expression
from kzeval.landing.parse import parse_frame
from kzeval.landing.reader import read_landing_file, sha256_of
from kzeval.settings import Settings
from pipelines.defs import assessment, corps_b, dbt, landing, publish, turnstile
from pipelines.defs.dbt import kzeval_dbt_models
from pipelines.defs.landing import landing_key
from pipelines.defs.publish import PUBLISHED_KEY
from pipelines.defs.turnstile import OVERTIME_DAILY_KEY
from pipelines.partitions import (
    MONTHLY_RELOAD_DAY,
    RUN_HOUR,
    TIMEZONE,
    YEARLY_ASSESSMENT_DAY,
    YEARLY_ASSESSMENT_MONTH,
    current_assessment_year,
    is_month_partition,
    is_year_partition,
    month_partition_key,
    previous_month,
    today_in_kazakhstan,
)
from pipelines.resources import KzevalResource

WRITER_TAGS = {"kzeval/writer": "warehouse"}
TRIGGER_TAG = "kzeval/trigger"
YEARLY_JOB = "yearly_assessment"
MONTHLY_JOB = "monthly_turnstile_reload"
SENSOR_NAME = "new_landing_files"
# A file changed less than this many seconds ago may still be being copied into the folder.
SETTLE_SECONDS = 60
# Seconds of hashing per sensor tick (the daemon gives a tick about a minute).
HASH_BUDGET_SECONDS = 30
# Landing tables loaded first when several files arrive together: the others are checked against them.
FIRST_TABLES = ("agencies", "calendar")

ALL_ASSETS: list[dg.AssetsDefinition] = [
    a
    for area in (landing, assessment, corps_b, turnstile, dbt, publish)
    for a in (area.defs.assets or [])
    if isinstance(a, dg.AssetsDefinition)
]
DBT_MODELS = dg.AssetSelection.assets(kzeval_dbt_models)
PUBLISH = dg.AssetSelection.assets(PUBLISHED_KEY)
MONTHLY_ASSET = dg.AssetSelection.assets(OVERTIME_DAILY_KEY)

YEARLY_SELECTION = dg.AssetSelection.all() - MONTHLY_ASSET
# A monthly reload loads the month's turnstile data only: the reference tables (agencies, calendar) it
# reads as the last yearly run or the sensor's run for their own file left them.
REFERENCE_TABLES = dg.AssetSelection.assets(*(landing_key(t) for t in FIRST_TABLES))
# The dbt models whose inputs a monthly reload can change: core.overtime (re-totalled by
# turnstile/overtime_daily, which dbt does not see as a source) and the data-quality and lineage marts
# over the load ledger (no dbt model reads the landed raw tables themselves). The other marts read
# tables the reload does not touch; their tables in the published warehouse stay valid.
MONTHLY_DBT_SELECT = "stg_kzeval__overtime+ fct_data_quality fct_indicator_lineage"
MONTHLY_DBT_MODELS = build_dbt_asset_selection([kzeval_dbt_models], dbt_select=MONTHLY_DBT_SELECT)
# What the month's overtime reads: its declared inputs, plus the monthly headcount the year's totals use.
MONTHLY_SELECTION = (
    (MONTHLY_ASSET.upstream() - REFERENCE_TABLES)
    | dg.AssetSelection.assets(landing_key("headcount_monthly"))
    | MONTHLY_DBT_MODELS
    | PUBLISH
)
# Landing tables whose files arrive month by month and feed turnstile/overtime_daily.
MONTHLY_TABLES = tuple(
    key.path[1]
    for key in sorted(MONTHLY_ASSET.upstream(depth=1).resolve(ALL_ASSETS), key=lambda k: k.to_user_string())
    if key.path[0] == "landing" and key.path[1] not in FIRST_TABLES
)

yearly_assessment = dg.define_asset_job(
    YEARLY_JOB,
    selection=YEARLY_SELECTION,
    tags=WRITER_TAGS,
    executor_def=dg.in_process_executor,
    description=(
        "Load the drop, compute every indicator and score for the year (partition), build and test the marts, "
        "publish. Everything except the monthly turnstile/overtime_daily."
    ),
)
monthly_turnstile_reload = dg.define_asset_job(
    MONTHLY_JOB,
    selection=MONTHLY_SELECTION,
    tags=WRITER_TAGS,
    executor_def=dg.in_process_executor,
    description=(
        "Load the month's turnstile files, compute turnstile/overtime_daily for the month (partition) and the "
        "year's overtime totals, rebuild and test the marts those change, publish. Scores wait for the yearly "
        "assessment."
    ),
)


# --- schedules -------------------------------------------------------------------------------------


def _automation_status() -> dg.DefaultScheduleStatus:
    """Schedules and the sensor start stopped (a developer's `dagster dev` launches nothing by itself);
    a deployment sets KZEVAL_AUTOMATION=on to start them running."""
    on = Settings.from_env().automation
    return dg.DefaultScheduleStatus.RUNNING if on else dg.DefaultScheduleStatus.STOPPED


def _scheduled_date(context: dg.ScheduleEvaluationContext) -> date:
    scheduled: datetime | None = context.scheduled_execution_time
    return scheduled.date() if scheduled is not None else today_in_kazakhstan()


@dg.schedule(
    name="yearly_assessment_schedule",
    job=yearly_assessment,
    cron_schedule=f"0 {RUN_HOUR} {YEARLY_ASSESSMENT_DAY} {YEARLY_ASSESSMENT_MONTH} *",
    execution_timezone=TIMEZONE,
    default_status=_automation_status(),
    description=(
        "1 March, 06:00 Almaty: the assessment of the previous year, after the February data deadlines "
        "(seed 004 para. 39)."
    ),
)
def yearly_assessment_schedule(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
    year = _scheduled_date(context).year - 1
    return dg.RunRequest(partition_key=str(year), tags={TRIGGER_TAG: "schedule"})


@dg.schedule(
    name="monthly_turnstile_reload_schedule",
    job=monthly_turnstile_reload,
    cron_schedule=f"0 {RUN_HOUR} {MONTHLY_RELOAD_DAY} * *",
    execution_timezone=TIMEZONE,
    default_status=_automation_status(),
    description="The 5th of each month, 06:00 Almaty: reload the previous month's turnstile data and publish.",
)
def monthly_turnstile_reload_schedule(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
    year, month = previous_month(_scheduled_date(context))
    return dg.RunRequest(partition_key=month_partition_key(year, month), tags={TRIGGER_TAG: "schedule"})


# --- the sensor on new landing files ----------------------------------------------------------------

YEAR_MONTH_IN_NAME = re.compile(r"(?<!\d)(20\d{2})[-_.]?(0[1-9]|1[0-2])(?!\d)")
YEAR_IN_NAME = re.compile(r"(?<!\d)(20\d{2})(?!\d)")


@dataclass(frozen=True)
class LandingFile:
    table: str
    relative: str  # path relative to the landing folder, e.g. appeals/appeals_2024.csv
    sha256: str

    @property
    def key(self) -> str:
        return f"{self.table}:{self.sha256}"


@dataclass(frozen=True)
class FilePeriods:
    """Years and months a landing file's rows belong to, and where that was read from."""

    years: tuple[int, ...]
    months: tuple[tuple[int, int], ...] = ()
    source: str = "default"  # name | rows | default (the open assessment year)


@dataclass(frozen=True)
class PlannedRun:
    """One run the sensor asks for: a job, a partition (None: no partitioned asset) and the assets."""

    file: LandingFile
    job_name: str
    partition_key: str | None
    asset_selection: tuple[dg.AssetKey, ...]
    reason: str

    def run_request(self) -> dg.RunRequest:
        return dg.RunRequest(
            run_key=f"{self.file.key}:{self.partition_key or '-'}",
            job_name=self.job_name,
            partition_key=self.partition_key,
            asset_selection=list(self.asset_selection),
            tags={
                TRIGGER_TAG: SENSOR_NAME,
                "kzeval/table": self.file.table,
                "kzeval/file": self.file.relative,
                "kzeval/sha256": self.file.sha256,
            },
        )


@dataclass
class SensorCursor:
    """What the sensor remembers between ticks (JSON in the sensor's cursor).

    ``requested``: ``table:sha256`` of files a run was asked for and the published ledger does not
    list yet (so a file is asked for once, even while its run is queued or after it failed);
    ``hashes``: path → [size, mtime_ns, sha256], so an unchanged file is not hashed again.
    """

    requested: dict[str, str] = field(default_factory=dict)
    hashes: dict[str, list[object]] = field(default_factory=dict)

    @classmethod
    def parse(cls, cursor: str | None) -> SensorCursor:
        if not cursor:
            return cls()
        try:
            data = json.loads(cursor)
            return cls(dict(data.get("requested", {})), dict(data.get("hashes", {})))
        except (ValueError, AttributeError, TypeError):
            return cls()  # an unreadable cursor costs a rehash; the ledger still prevents reloads

    def dump(self) -> str:
        return json.dumps({"requested": self.requested, "hashes": self.hashes}, sort_keys=True)

    def sha_of(self, relative: str, size: int, mtime_ns: int) -> str | None:
        known = self.hashes.get(relative)
        if isinstance(known, list) and len(known) == 3 and known[0] == size and known[1] == mtime_ns:
            return str(known[2])
        return None


@dataclass
class SensorPlan:
    runs: list[PlannedRun]
    cursor: str
    notes: list[str]

    def skip_reason(self) -> str:
        return "; ".join(self.notes) if self.notes else "no new landing files"


def published_ledger(published: Path) -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
    """(current, ever): (table, sha256) of files in the published ``audit.load_ledger``.

    ``current``: files the loader would skip (loaded, held back or rejected, not superseded);
    ``ever``: every file the ledger has seen. Opened read-only: a run never writes this file.
    """
    if not published.exists():
        return set(), set()
    try:
        con = warehouse.connect_readonly(published)
    except duckdb.Error:
        return set(), set()  # a published file DuckDB cannot open: treat as empty, the run will say why
    try:
        if not warehouse.table_exists(con, "audit", "load_ledger"):
            return set(), set()
        rows = con.execute(
            "SELECT table_name, file_sha256, bool_or(superseded_by IS NULL) FROM audit.load_ledger GROUP BY 1, 2"
        ).fetchall()
    finally:
        con.close()
    ever = {(str(t), str(s)) for t, s, _ in rows}
    current = {(str(t), str(s)) for t, s, is_current in rows if is_current}
    return current, ever


def periods_from_name(relative_in_table: str) -> FilePeriods | None:
    """``2024-03.csv``, ``turnstile_2024_03.xlsx`` → March 2024; ``appeals_2024.csv`` → 2024."""
    months = sorted({(int(y), int(m)) for y, m in YEAR_MONTH_IN_NAME.findall(relative_in_table)})
    if months:
        return FilePeriods(tuple(sorted({y for y, _ in months})), tuple(months), "name")
    years = sorted({int(y) for y in YEAR_IN_NAME.findall(relative_in_table)})
    return FilePeriods(tuple(years), (), "name") if years else None


def periods_from_rows(path: Path, table: str) -> FilePeriods | None:
    """The years (and, with a date column, months) of the file's rows; None when unreadable or periodless."""
    contract = CONTRACTS[table]
    column_name = contract.year_column or contract.date_column
    if column_name is None:
        return None
    try:
        raw = read_landing_file(path).frame
        if column_name not in raw.columns:
            return None
        only = replace(contract, columns=(contract.column(column_name),))
        typed, _ = parse_frame(raw.select(raw.columns[0], column_name), only)
        years_frame = typed.select(year_expression(only).alias("year")).drop_nulls().unique()
        months: list[tuple[int, int]] = []
        if contract.date_column and not contract.year_column:
            stamp = pl.col(column_name)
            month_frame = typed.select(stamp.dt.year().alias("y"), stamp.dt.month().alias("m")).drop_nulls().unique()
            months = sorted((int(y), int(m)) for y, m in month_frame.iter_rows())
    except Exception:
        return None
    years = tuple(sorted(int(y) for y in years_frame["year"]))
    return FilePeriods(years, tuple(months), "rows") if years else None


def file_periods(path: Path, table: str, relative_in_table: str, today: date) -> FilePeriods:
    """The file's name first (cheap), then its rows, else the open assessment year."""
    return (
        periods_from_name(relative_in_table)
        or periods_from_rows(path, table)
        or FilePeriods((current_assessment_year(today),))
    )


def _selection_keys(selection: dg.AssetSelection) -> tuple[dg.AssetKey, ...]:
    return tuple(sorted(selection.resolve(ALL_ASSETS), key=lambda k: k.to_user_string()))


def yearly_keys(table: str) -> tuple[dg.AssetKey, ...]:
    """The landing asset, everything downstream of it in the yearly job, every dbt model, the publication.

    All dbt models, not only the downstream ones: some marts read tables the loader writes
    besides ``raw`` (``audit.landed_rows`` → fct_data_quality), which the asset graph cannot see.
    """
    selection = dg.AssetSelection.assets(landing_key(table)).downstream() | DBT_MODELS | PUBLISH
    return _selection_keys(selection - MONTHLY_ASSET)


def monthly_keys(table: str) -> tuple[dg.AssetKey, ...]:
    return _selection_keys(dg.AssetSelection.assets(landing_key(table)) | MONTHLY_ASSET | DBT_MODELS | PUBLISH)


def load_only_keys(table: str) -> tuple[dg.AssetKey, ...]:
    return _selection_keys(dg.AssetSelection.assets(landing_key(table)) | DBT_MODELS | PUBLISH)


def runs_for_file(file: LandingFile, path: Path, landing_dir: Path, today: date) -> list[PlannedRun]:
    """The runs one new file needs: one per affected year (or per month for a turnstile file of the open year).

    A turnstile file whose months all lie in the open assessment year goes to the monthly job for
    its month; scores for an open year wait for the yearly assessment. A turnstile file of an
    earlier year (a late correction) re-runs that year's assessment, whose ``core/overtime``
    recomputes the changed months. A year outside the partitions loads and publishes the file only.
    """
    relative_in_table = path.relative_to(landing_dir / file.table).as_posix()
    periods = file_periods(path, file.table, relative_in_table, today)
    open_year = current_assessment_year(today)
    if (
        file.table in MONTHLY_TABLES
        and periods.months
        and all(year >= open_year and is_month_partition(year, month, today) for year, month in periods.months)
    ):
        return [
            PlannedRun(
                file,
                MONTHLY_JOB,
                month_partition_key(year, month),
                monthly_keys(file.table),
                f"{file.relative}: month {year}-{month:02d} (from the file's {periods.source})",
            )
            for year, month in periods.months
        ]
    years = [y for y in periods.years if is_year_partition(y)]
    if not years:
        return [
            PlannedRun(
                file,
                YEARLY_JOB,
                None,
                load_only_keys(file.table),
                f"{file.relative}: years {list(periods.years)} outside the assessment years; load and publish only",
            )
        ]
    return [
        PlannedRun(
            file, YEARLY_JOB, str(year), yearly_keys(file.table), f"{file.relative}: year {year} ({periods.source})"
        )
        for year in years
    ]


def _order(run: PlannedRun) -> tuple[int, str, str, str]:
    first = FIRST_TABLES.index(run.file.table) if run.file.table in FIRST_TABLES else len(FIRST_TABLES)
    return first, run.file.table, run.file.relative, run.partition_key or ""


def plan_new_file_runs(
    landing_dir: Path,
    published: Path,
    cursor: str | None,
    today: date,
    settle_seconds: float = SETTLE_SECONDS,
    now: float | None = None,
    hash_budget_seconds: float = HASH_BUDGET_SECONDS,
) -> SensorPlan:
    """Runs for files in ``<landing>/<table>/`` that neither the published ledger nor the cursor knows.

    Hashing is cached in the cursor by size and mtime; once ``hash_budget_seconds`` of a tick
    are spent hashing (a national drop holds gigabytes), the remaining files wait for the next tick.
    """
    state = SensorCursor.parse(cursor)
    current, ever = published_ledger(published)
    clock = time.time() if now is None else now
    started = time.monotonic()
    hashed = 0
    runs: list[PlannedRun] = []
    notes: list[str] = []
    hashes: dict[str, list[object]] = {}
    present: set[str] = set()
    deferred: set[str] = set()
    for table, paths in discover(landing_dir).items():
        if table not in CONTRACTS:
            notes.append(f"{table}/ is not a landing table: ignored")
            continue
        for path in paths:
            relative = path.relative_to(landing_dir).as_posix()
            stat = path.stat()
            if clock - stat.st_mtime < settle_seconds:
                notes.append(f"{relative}: changed less than {settle_seconds:.0f} s ago, next tick")
                deferred.add(relative)
                continue
            sha = state.sha_of(relative, stat.st_size, stat.st_mtime_ns)
            if sha is None:
                if hashed and time.monotonic() - started > hash_budget_seconds:
                    notes.append(f"{relative}: not hashed yet (time budget of this tick spent), next tick")
                    deferred.add(relative)
                    continue
                sha = sha256_of(path)
                hashed += 1
            hashes[relative] = [stat.st_size, stat.st_mtime_ns, sha]
            file = LandingFile(table, relative, sha)
            present.add(file.key)
            if (table, sha) in current or file.key in state.requested:
                continue
            runs.extend(runs_for_file(file, path, landing_dir, today))
            state.requested[file.key] = relative
    # Forget requests the published ledger now lists, and files no longer in the folder.
    state.requested = {
        key: relative
        for key, relative in state.requested.items()
        if (key in present or relative in deferred) and tuple(key.split(":", 1)) not in ever
    }
    state.hashes = hashes
    runs.sort(key=_order)
    return SensorPlan(runs, state.dump(), notes)


@dg.sensor(
    name=SENSOR_NAME,
    jobs=[yearly_assessment, monthly_turnstile_reload],
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus(_automation_status().value),
    description=(
        "A new file in <landing>/<table>/ (SHA-256 not in the published audit.load_ledger, not requested "
        "before) → one run of that landing asset and everything downstream of it for the year(s) of the "
        "file (turnstile files of the open year: the month's partition of turnstile/overtime_daily), "
        "ending with published_warehouse."
    ),
)
def new_landing_files(context: dg.SensorEvaluationContext, kzeval: KzevalResource) -> dg.SensorResult:
    plan = plan_new_file_runs(kzeval.landing, kzeval.published, context.cursor, today_in_kazakhstan())
    for run in plan.runs:
        context.log.info(f"{run.job_name} [{run.partition_key or 'no partition'}] ← {run.reason}")
    if not plan.runs:
        return dg.SensorResult(skip_reason=plan.skip_reason(), cursor=plan.cursor)
    return dg.SensorResult(run_requests=[run.run_request() for run in plan.runs], cursor=plan.cursor)


defs = dg.Definitions(
    jobs=[yearly_assessment, monthly_turnstile_reload],
    schedules=[yearly_assessment_schedule, monthly_turnstile_reload_schedule],
    sensors=[new_landing_files],
)
