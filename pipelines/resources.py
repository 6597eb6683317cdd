"""Resources shared by every asset: where the drop is, where the warehouse build is, the run context."""

import contextlib
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import IO, Any

import dagster as dg
import duckdb
from pydantic import Field, PrivateAttr

from kzeval import warehouse
from kzeval.methodology import active_readings
from kzeval.methodology.base import ActiveReadings, parse_reading_overrides
from kzeval.settings import DEFAULT_LANDING, DEFAULT_WAREHOUSE
from kzeval.steps.context import RunContext

writer_lock_path = warehouse.writer_lock_path


class KzevalResource(dg.ConfigurableResource):  # type: ignore[type-arg]
    """The one writer of the warehouse.

    Every run writes a private build copy (``<warehouse>.building.duckdb``) and the
    ``published_warehouse`` asset swaps it in atomically, so users' read-only SQL never
    waits on a lock and never sees a half-built state.

    Only one run may write the build at a time. The Dagster instance limits runs tagged
    ``kzeval/writer`` to one (dagster.yaml); in addition the first step of a run that touches
    the build takes an exclusive lock on ``<warehouse>.writer.lock`` and holds it until the run
    ends (the resource's teardown, or the process's exit when killed), so an overlapping run —
    another instance, `kzeval run` beside `dagster dev` — waits instead of taking the build over.
    """

    warehouse_path: str = str(DEFAULT_WAREHOUSE)
    landing_dir: str = str(DEFAULT_LANDING)
    hold_back_share: float = 0.05
    # hash every landing file, even one whose path, size and mtime are those of a current ledger row
    rehash: bool = False
    readings: list[str] = Field(default_factory=list)
    # `kzeval recompute --agency`: only this body's new corrections are applied (None: every body's)
    corrections_agency: str | None = None
    _writer_lock: IO[str] | None = PrivateAttr(default=None)

    @property
    def published(self) -> Path:
        return Path(self.warehouse_path).resolve()

    @property
    def landing(self) -> Path:
        return Path(self.landing_dir).resolve()

    @property
    def raw_store(self) -> Path:
        return warehouse.raw_store_dir(self.published)

    def active_readings(self) -> ActiveReadings:
        return active_readings(parse_reading_overrides(self.readings))

    def run_context(self, context: dg.AssetExecutionContext | dg.OpExecutionContext) -> RunContext:
        """The run's parameters for the steps, from the partition key and this resource's config.

        A yearly partition key is the year (``2024``); a monthly one the month's first day
        (``2024-03-01``): the year and the month.
        """
        year: int | None = None
        month: int | None = None
        if context.has_partition_key:
            key = context.partition_key
            if key.isdigit():
                year = int(key)
            else:
                start = datetime.strptime(key, "%Y-%m-%d")
                year, month = start.year, start.month
        return RunContext(
            year=year,
            run_id=context.run.run_id,
            readings=self.active_readings(),
            corrections_agency=self.corrections_agency or None,
            month=month,
            published=self.published,
            landing=self.landing,
            hold_back_share=self.hold_back_share,
            rehash=self.rehash,
        )

    def hold_writer_lock(self, log: Any = None, run_id: str | None = None) -> None:
        """Take the warehouse's writer lock for the rest of the run (waits for another writer to end).

        The same lock as ``kzeval recompute`` (``warehouse.acquire_writer_lock``); a run that
        waits says so in one warning line naming the holder.
        """
        if self._writer_lock is not None:
            return
        holder = f"Dagster run {run_id}" if run_id else "a Dagster run"  # kzeval run, sensor, schedules
        on_wait = log.warning if log is not None else None
        self._writer_lock = warehouse.acquire_writer_lock(self.published, holder, on_wait)

    def release_writer_lock(self) -> None:
        handle, self._writer_lock = self._writer_lock, None
        if handle is not None:
            handle.close()  # closing the descriptor releases the flock

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        self.release_writer_lock()

    def build_for(self, run_id: str, log: Any = None) -> Path:
        self.hold_writer_lock(log, run_id)
        return warehouse.begin_build(self.published, run_id)

    @contextlib.contextmanager
    def connect(self, context: dg.AssetExecutionContext | dg.OpExecutionContext) -> Iterator[duckdb.DuckDBPyConnection]:
        self.build_for(context.run.run_id, context.log)
        with warehouse.connect_build(self.published) as con:
            yield con
