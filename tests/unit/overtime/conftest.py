"""Shared builders for the overtime tests: a tiny agency tree and event frames."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime

import duckdb
import polars as pl
import pytest


@pytest.fixture
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect()
    yield connection
    connection.close()


@pytest.fixture
def agencies() -> pl.DataFrame:
    """CGO «MIN» (central office 18:30, committee 18:00, territorial unit) and MIO «AKM»."""
    return pl.DataFrame(
        {
            "agency_id": ["MIN", "MIN-C", "MIN-T", "AKM", "AKM-U", "AKM-D", "AKM-X"],
            "name_ru": [
                "Министерство",
                "Комитет",
                "Департамент по области",
                "Акимат",
                "Управление",
                "Акимат района",
                "Без уровня",
            ],
            "body_type": ["CGO", "CGO", "CGO", "MIO", "MIO", "MIO", "MIO"],
            "parent_agency_id": [None, "MIN", "MIN-C", None, "AKM", "AKM", "AKM"],
            "is_assessed": [True, False, False, True, False, False, False],
            "region_code": [None, None, "35", "35", "35", "35", "35"],
            "level": ["central", "central", "territorial", "oblast", "oblast", "district", None],
            "workday_end": ["18:30", "18:00", None, None, "19:00", "18:30", None],
        }
    )


def _events(*rows: tuple[str, str, str, str]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "employee_id": [r[0] for r in rows],
            "agency_id": [r[1] for r in rows],
            "event_ts": [datetime.fromisoformat(r[2]) for r in rows],
            "direction": [r[3] for r in rows],
        },
        schema={"employee_id": pl.Utf8, "agency_id": pl.Utf8, "event_ts": pl.Datetime("us"), "direction": pl.Utf8},
    )


@pytest.fixture
def make_events() -> Callable[..., pl.DataFrame]:
    """Builder: rows of (employee_id, agency_id, 'YYYY-MM-DD HH:MM[:SS]', direction) → turnstile_events."""
    return _events
