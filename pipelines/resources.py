"""Resources shared by every asset: where the drop is and where the warehouse build is."""

import contextlib
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import duckdb
from pydantic import Field

from kzeval import warehouse
from kzeval.methodology import active_readings
from kzeval.methodology.base import ActiveReadings, parse_reading_overrides


class KzevalResource(dg.ConfigurableResource):  # type: ignore[type-arg]
    """The one writer of the warehouse.

    Every run writes a private build copy (``<warehouse>.building.duckdb``) and the
    ``published_warehouse`` asset swaps it in atomically, so users' read-only SQL never
    waits on a lock and never sees a half-built state.
    """

    warehouse_path: str = str(warehouse.DEFAULT_WAREHOUSE)
    landing_dir: str = "data/landing"
    hold_back_share: float = 0.05
    readings: list[str] = Field(default_factory=list)

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

    def build_for(self, run_id: str) -> Path:
        return warehouse.begin_build(self.published, run_id)

    @contextlib.contextmanager
    def connect(self, context: dg.AssetExecutionContext | dg.OpExecutionContext) -> Iterator[duckdb.DuckDBPyConnection]:
        self.build_for(context.run.run_id)
        with warehouse.connect_build(self.published) as con:
            yield con
