"""The run context: the parameters of one run, created once and passed to every step.

Dagster builds it from the partition key and the ``kzeval`` resource's config
(``pipelines.resources.KzevalResource.run_context``); ``kzeval sensitivity`` and the tests build
it with :meth:`RunContext.direct`. No step reads a run parameter from anywhere else (no
environment variable, no Dagster global context).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from kzeval import warehouse
from kzeval.methodology import active_readings
from kzeval.methodology.base import ActiveReadings
from kzeval.settings import DEFAULT_LANDING, DEFAULT_WAREHOUSE

DIRECT_RUN_ID = "direct"  # the run id recorded by a step called outside a Dagster run


@dataclass(frozen=True)
class RunContext:
    """One run's year, id, readings, corrections scope and paths.

    ``year`` None (a step called directly, outside a yearly run) applies the commission's
    corrections of every year. ``corrections_agency``: ``kzeval recompute`` for one body applies
    only that body's new corrections, so other bodies keep their published figures; None applies
    every body's.
    """

    year: int | None
    run_id: str = DIRECT_RUN_ID
    readings: ActiveReadings = field(default_factory=active_readings)
    corrections_agency: str | None = None
    month: int | None = None  # the month of a monthly turnstile reload
    published: Path = DEFAULT_WAREHOUSE
    landing: Path = DEFAULT_LANDING
    hold_back_share: float = 0.05
    rehash: bool = False  # hash every landing file, even an unchanged one (`kzeval run --rehash`)

    @classmethod
    def direct(
        cls, year: int | None = None, readings: ActiveReadings | None = None, corrections_agency: str | None = None
    ) -> RunContext:
        """A context for a step called outside a Dagster run (tests, ``kzeval sensitivity``)."""
        return cls(year, readings=readings or active_readings(), corrections_agency=corrections_agency)

    @property
    def assessment_year(self) -> int:
        """The year of a yearly step (refuses a context without one)."""
        if self.year is None:
            raise ValueError("this step computes one assessment year: the run context has none")
        return self.year

    @property
    def build(self) -> Path:
        """The run's private build copy of the published warehouse (``<warehouse>.building.duckdb``)."""
        return warehouse.build_path(self.published)

    @property
    def raw_store(self) -> Path:
        return warehouse.raw_store_dir(self.published)

    @property
    def dbt_duckdb_path(self) -> Path:
        """The DuckDB file dbt builds the marts in: the run's build (dbt_project/profiles.yml)."""
        return self.build
