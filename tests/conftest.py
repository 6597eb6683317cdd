"""Shared fixtures and the unit/integration split.

Layout: ``tests/unit`` mirrors the ``kzeval`` package (pure functions, in-memory DuckDB, files
under tmp_path; no Dagster run, no dbt, no landed sample drop) and is the fast loop
(``pytest tests/unit``); ``tests/integration`` runs the pipeline, dbt or the command line end
to end. Every test gets the marker of its folder (``-m unit`` / ``-m integration``); a test
file outside both folders is a collection error. Drops and landing files are built with
``tests/support/drops.py``; the hand-made marts warehouse of the report tests is
``tests/support/marts.py``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb
import pytest

from kzeval.landing.loader import ensure_tables
from kzeval.warehouse import ensure_schemas
from tests.support.drops import AGENCIES_CSV, write_text

os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")

TESTS = Path(__file__).resolve().parent
KINDS = ("unit", "integration")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark each test ``unit`` or ``integration`` after its top folder under tests/."""
    stray = set()
    for item in items:
        path = Path(item.path).resolve()
        kind = path.relative_to(TESTS).parts[0] if path.is_relative_to(TESTS) else ""
        if kind in KINDS:
            item.add_marker(getattr(pytest.mark, kind))
        else:
            stray.add(str(path))
    if stray:
        raise pytest.UsageError(
            "test files outside tests/unit and tests/integration (move them into one): " + ", ".join(sorted(stray))
        )


@pytest.fixture
def landing(tmp_path: Path) -> Callable[[str, str, str | bytes], Path]:
    """Write ``<tmp>/landing/<table>/<name>`` and return the file path; the agencies roster is there."""

    root = tmp_path / "landing"

    def write(table: str, name: str, content: str | bytes) -> Path:
        return write_text(root, table, name, content)

    write("agencies", "agencies.csv", AGENCIES_CSV)
    return write


@pytest.fixture
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect()
    ensure_schemas(connection)
    ensure_tables(connection)
    yield connection
    connection.close()
