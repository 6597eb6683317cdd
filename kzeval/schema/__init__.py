"""One schema registry: every warehouse table declared once (:mod:`kzeval.schema.registry`).

From it: the DuckDB DDL (:func:`duckdb_ddl`, :func:`ensure_table`), the polars schemas
(:func:`polars_schema`), the pandera schemas (:func:`pandera_schema`) and dbt's
``sources.yml`` (``python -m kzeval.schema.dbt``; a test fails when the file drifts).
"""

from kzeval.schema.pandera import pandera_schema
from kzeval.schema.registry import (
    TABLES,
    Table,
    duckdb_ddl,
    ensure_landing_tables,
    ensure_table,
    migration_ddl,
    polars_schema,
    table,
)

__all__ = [
    "TABLES",
    "Table",
    "duckdb_ddl",
    "ensure_landing_tables",
    "ensure_table",
    "migration_ddl",
    "pandera_schema",
    "polars_schema",
    "table",
]
