"""Shared fixtures: a small landing folder builder and a scratch DuckDB with the schemas."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb
import pytest

from kzeval.landing.loader import ensure_tables
from kzeval.warehouse import ensure_schemas

os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")

AGENCIES_CSV = (
    "agency_id,name_ru,body_type,parent_agency_id,is_assessed,region_code,level\n"
    "CGO-A,Министерство А,CGO,,true,,central\n"
    "CGO-A-T,Департамент А по Карагандинской области,CGO,CGO-A,false,35,territorial\n"
    "MIO-35,Акимат Карагандинской области,MIO,,true,35,oblast\n"
)


@pytest.fixture
def landing(tmp_path: Path) -> Callable[[str, str, str | bytes], Path]:
    """Write ``<tmp>/landing/<table>/<name>`` and return the file path."""

    root = tmp_path / "landing"

    def write(table: str, name: str, content: str | bytes) -> Path:
        folder = root / table
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path

    write("agencies", "agencies.csv", AGENCIES_CSV)
    return write


@pytest.fixture
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect()
    ensure_schemas(connection)
    ensure_tables(connection)
    yield connection
    connection.close()
