"""The warehouse tables kzeval writes, declared once.

Kept whole though over 600 lines: one declaration per table, in one catalogue; splitting it
would scatter the single source the DDL, frame schemas and sources.yml are generated from (issue 20).

One :class:`Table` per ``schema.table``: its columns (name, logical type, nullability,
description), primary key, description and, for dbt sources, the freshness settings. The
DuckDB DDL (:func:`duckdb_ddl`, :func:`ensure_table`), the polars schemas
(:func:`polars_schema`), the pandera schemas (:mod:`kzeval.schema.pandera`) and
``dbt_project/models/sources.yml`` (:mod:`kzeval.schema.dbt`) are generated from here.

The landing tables ``raw.<table>`` and ``history.<table>`` come from the landing contracts
(:mod:`kzeval.contracts`) plus the provenance columns the loader adds; in a warehouse with a
lake ``raw.<table>`` is a view over Parquet segments (:func:`ensure_landing_tables`). The DDL
never says ``NOT NULL``: nullability is declared for the frame schemas and dbt tests, and a
warehouse table accepts what the code writes (as it always has).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import duckdb
import polars as pl

from kzeval import lake
from kzeval.contracts import CONTRACTS, Column, ColumnType, TableContract

DUCKDB_TYPES: Mapping[str, str] = {
    "string": "VARCHAR",
    "enum": "VARCHAR",
    "hhmm": "VARCHAR",
    "date": "DATE",
    "timestamp": "TIMESTAMP",
    "bool": "BOOLEAN",
    "count": "BIGINT",
    "int": "BIGINT",
    "decimal": "DOUBLE",
}
POLARS_TYPES: Mapping[str, Any] = {
    "string": pl.Utf8,
    "enum": pl.Utf8,
    "hhmm": pl.Utf8,
    "date": pl.Date,
    "timestamp": pl.Datetime("us"),
    "bool": pl.Boolean,
    "count": pl.Int64,
    "int": pl.Int64,
    "decimal": pl.Float64,
}


@dataclass(frozen=True)
class Freshness:
    """dbt source freshness (``dbt source freshness``) in days."""

    warn_days: int
    error_days: int


@dataclass(frozen=True)
class Table:
    """One warehouse table."""

    schema: str
    name: str
    columns: tuple[Column, ...]
    description: str = ""
    key: tuple[str, ...] = ()
    # columns a warehouse built by an older version lacks: ensure_table adds them (null, or the default)
    added_columns: tuple[str, ...] = ()
    # the dbt source this table is declared in (``None``: not a dbt source); default: the schema's name
    dbt_source: str | None = ""
    # landing tables: the contract; the loader's ledger gives their freshness
    contract: TableContract | None = None
    # dbt freshness of a landing table: None inherits the source's; no_freshness turns it off
    freshness: Freshness | None = None
    no_freshness: bool = False

    @property
    def qualified(self) -> str:
        return f"{self.schema}.{self.name}"

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)

    @property
    def source_name(self) -> str | None:
        return None if self.dbt_source is None else (self.dbt_source or self.schema)


def cols(**types: ColumnType) -> tuple[Column, ...]:
    """Nullable columns in the order given: ``cols(year="int", agency_id="string")``."""
    return tuple(Column(name, type_, required=False) for name, type_ in types.items())


TABLES: dict[str, Table] = {}


def _add(table: Table) -> None:
    if table.qualified in TABLES:
        raise ValueError(f"table {table.qualified} declared twice")
    TABLES[table.qualified] = table


# --- Landing: raw.<table> (current rows) and history.<table> (versions superseded by a newer extract) ---
PROVENANCE = (
    Column("_file_sha256", "string", False, description="SHA-256 of the landed file"),
    Column("_file_path", "string", False, description="path of the landed file"),
    Column("_row_number", "int", False, description="data row of the file (from 1)"),
)
SUPERSEDED = (
    Column("_superseded_by", "string", False, description="SHA-256 of the newer extract"),
    Column("_superseded_by_path", "string", False, description="path of the newer extract"),
)
# dbt freshness of the monthly drops (turnstile, headcount); the yearly default is on the source
MONTHLY = Freshness(40, 70)
_MONTHLY_TABLES = frozenset({"turnstile_events", "overtime_orders", "headcount_monthly"})
# reference tables and corrections change when they change: no freshness
_NO_FRESHNESS_TABLES = frozenset({"agencies", "calendar", "corrections"})

for _contract in CONTRACTS.values():
    _add(
        Table(
            "raw",
            _contract.name,
            (*_contract.columns, *PROVENANCE),
            description=f"Landing table `{_contract.name}` (docs/landing.md), source {_contract.source}.",
            key=_contract.key,
            contract=_contract,
            freshness=MONTHLY if _contract.name in _MONTHLY_TABLES else None,
            no_freshness=_contract.name in _NO_FRESHNESS_TABLES,
        )
    )
for _contract in CONTRACTS.values():
    _add(
        Table(
            "history",
            _contract.name,
            (*_contract.columns, *PROVENANCE, *SUPERSEDED),
            description=f"Versions of `raw.{_contract.name}` rows superseded by a newer extract.",
            contract=_contract,
            dbt_source=None,
        )
    )

# --- core: what the kzeval library computes (formulas live there, not in SQL) -----------------
_AGENCY_COLUMNS = tuple(c for c in CONTRACTS["agencies"].columns)
_add(
    Table(
        "core",
        "agencies",
        (
            *(Column(c.name, c.type, False) for c in _AGENCY_COLUMNS),
            *cols(assessed_agency_id="string", assessed_body_type="string"),
        ),
        "Agencies with the assessed body each unit rolls up to.",
        key=("agency_id",),
    )
)
_add(
    Table(
        "core",
        "indicator_scores",
        cols(
            year="int",
            agency_id="string",
            block="string",
            direction="string",
            indicator="string",
            role="string",
            value="decimal",
            max_points="decimal",
            reading="string",
            is_provisional="bool",
            inputs="string",
        ),
        "Indicator values per year, assessed body and indicator code.",
        key=("year", "agency_id", "indicator"),
    )
)
_add(
    Table(
        "core",
        "direction_raw",
        cols(
            year="int",
            agency_id="string",
            block="string",
            direction="string",
            raw_score="decimal",
            reading="string",
            is_provisional="bool",
        ),
        "Raw direction totals before reporting penalties.",
        key=("year", "agency_id", "block", "direction"),
    )
)
_add(
    Table(
        "core",
        "direction_scores",
        cols(
            year="int",
            agency_id="string",
            block="string",
            direction="string",
            raw_score="decimal",
            reporting_penalty="decimal",
            score="decimal",
            score_rounded="decimal",
            is_provisional="bool",
        ),
        "Direction scores after reporting penalties.",
        key=("year", "agency_id", "block", "direction"),
    )
)
_add(
    Table(
        "core",
        "block_scores",
        cols(
            year="int",
            agency_id="string",
            block="string",
            body_type="string",
            score="decimal",
            score_rounded="decimal",
            efficiency_tier="string",
            tier_label_ru="string",
            rank_in_body_type="int",
            is_provisional="bool",
        ),
        "Block scores, efficiency tiers and ranks.",
        key=("year", "agency_id", "block"),
    )
)
_add(
    Table(
        "core",
        "corps_b_annual",
        cols(
            year="int",
            employee_pseudonym="string",
            agency_id="string",
            quarters_assessed="int",
            sheets_assessed="int",
            annual_score="decimal",
            grade="string",
            grade_label_ru="string",
            reading="string",
            edition="string",
        ),
        "Corps «Б» annual grade per employee pseudonym (kzeval.corps_b).",
        key=("year", "employee_pseudonym", "agency_id"),
        added_columns=("edition",),  # added 2026-12-04: the edition (ranking 2018 / seed 000 2025)
    )
)
_add(
    Table(
        "core",
        "corps_b_distribution",
        cols(
            year="int",
            scope="string",
            agency_id="string",
            body_type="string",
            assessed="int",
            count_effective="int",
            count_proper="int",
            count_satisfactory="int",
            count_unsatisfactory="int",
            mean_score="decimal",
            share_effective="decimal",
            share_unsatisfactory="decimal",
            is_implausible="bool",
            implausibility_reason="string",
        ),
        "Corps «Б» grade distribution per assessed body and national (kzeval.corps_b).",
        key=("year", "scope", "agency_id", "body_type"),
    )
)
_add(
    Table(
        "core",
        "overtime",
        cols(
            year="int",
            agency_id="string",
            workday_overtime_hours="decimal",
            weekend_overtime_hours="decimal",
            avg_headcount="decimal",
            workdays="int",
            normal_hours="decimal",
            avg_workday_hours="decimal",
            avg_weekend_overtime="decimal",
            unclosed_days="int",
            # month-end values of the year over the scope units; < 12 flags n, a, s (reading hr.headcount_missing_months)
            headcount_months="int",
            headcount_months_missing="bool",
            # what Σ month-end headcount was divided by to give n (12 or the months)
            headcount_divisor="int",
        ),
        "m, p, n, d, b, a, s per assessed body and year (kzeval.steps.overtime).",
        key=("year", "agency_id"),
        # added 2026-12-04: months reported, the flag and the divisor of n
        added_columns=("headcount_months", "headcount_months_missing", "headcount_divisor"),
    )
)
_add(
    Table(
        "core",
        "overtime_unit_quality",
        cols(year="int", agency_id="string", unclosed_turnstile_days="int", orphan_out_events="int"),
        "Unclosed turnstile days and outs without an in, per unit and year (kzeval.steps.overtime).",
        key=("year", "agency_id"),
    )
)
_add(
    Table(
        "core",
        "run_readings",
        cols(year="int", block="string", readings="string"),
        "Methodology readings in force for each year and block.",
        key=("year", "block"),
    )
)
_add(
    Table(
        "core",
        "reporting_penalty_facts",
        cols(
            year="int",
            agency_id="string",
            block="string",
            direction="string",
            kind="string",
            act_ref="string",
            facts="int",
            points_per_fact="decimal",
            points="decimal",
        ),
        "Reconciliation-act facts per assessed body, direction, kind and act (kzeval.steps.scoring).",
        key=("year", "agency_id", "direction", "kind", "act_ref"),
    )
)
_add(
    Table(
        "core",
        "indicator_definitions",
        cols(
            indicator="string",
            legal_symbol="string",
            label_ru="string",
            block="string",
            direction="string",
            role="string",
            max_points_cgo="decimal",
            max_points_mio="decimal",
            is_penalty="bool",
            paragraph="string",
            confidence="string",
            formula="string",
        ),
        "Methodology §10: every indicator code with its legal symbol, label, maxima, paragraph (kzeval.methodology).",
        key=("indicator",),
    )
)
_add(
    Table(
        "core",
        "indicator_input_definitions",
        cols(indicator="string", input_name="string", legal_symbol="string", meaning_ru="string"),
        "Legal symbol and meaning of every named input of a figure (kzeval.methodology.inputs; indicator '*' = any).",
        key=("indicator", "input_name"),
    )
)
_add(
    Table(
        "core",
        "readings",
        cols(
            reading_key="string",
            block="string",
            edition="string",
            paragraph="string",
            confidence="string",
            question="string",
            legal_text="string",
            option="string",
            option_order="int",
            option_description="string",
            is_default="bool",
            default_option="string",
        ),
        "Every named reading and option of the code (kzeval.readings_catalogue), refreshed by every run.",
        key=("reading_key", "option"),
    )
)
_add(
    Table(
        "core",
        "reading_sensitivity",
        cols(
            year="int",
            agency_id="string",
            block="string",
            body_type="string",
            reading="string",
            option="string",
            is_baseline="bool",
            score="decimal",
            score_rounded="decimal",
            efficiency_tier="string",
            tier_label_ru="string",
            rank_in_body_type="int",
            baseline_score="decimal",
            baseline_tier="string",
            baseline_rank="int",
            delta="decimal",
            is_tier_changed="bool",
            computed_at="timestamp",
        ),
        "Block scores under every reading option, written by `kzeval sensitivity` (kzeval.sensitivity).",
        key=("year", "agency_id", "block", "reading", "option"),
    )
)
_add(
    Table(
        "core",
        "dispute_results",
        cols(
            recompute_id="string",
            year="int",
            agency_id="string",
            level="string",
            block="string",
            direction="string",
            item="string",
            item_label_ru="string",
            value_before="decimal",
            value_after="decimal",
            value_change="decimal",
            rounded_before="decimal",
            rounded_after="decimal",
            tier_before="string",
            tier_after="string",
            tier_label_before="string",
            tier_label_after="string",
            rank_before="int",
            rank_after="int",
            is_changed="bool",
            correction_ids="string",
            decision_refs="string",
            recomputed_at="timestamp",
            recomputed_by="string",
        ),
        "Before/after figures stored by `kzeval recompute` (kzeval.recompute).",
        key=("recompute_id", "level", "item"),
    )
)
_add(
    Table(
        "core",
        "indicator_sources",
        cols(indicator="string", source_table="string"),
        "Which landing tables each indicator, criterion or detail code is computed from "
        "(kzeval.lineage.indicator_source_tables, rewritten by every run).",
        key=("indicator", "source_table"),
    )
)
_add(
    Table(
        "core",
        "source_contributions",
        (
            *cols(
                table_name="string",
                file_path="string",
                file_sha256="string",
                agency_id="string",
                year="int",
                rows_contributing="int",
            ),
            # rows of the file superseded by a newer extract (history.<table>): listed, but they do not count
            Column("rows_superseded", "int", False, sql_default="0"),
        ),
        "Landed rows per landing table × file × assessed body × year (null year: a table without "
        "a period, e.g. the service register), recorded when the pipeline reads the table.",
        added_columns=("rows_superseded",),
    )
)
_add(
    Table(
        "core",
        "overtime_months",
        cols(year="int", month="int", fingerprint="string"),
        "Fingerprint of the inputs of each month of overtime computed (kzeval.steps.overtime): an unchanged month is skipped.",
        key=("year", "month"),
        dbt_source=None,
    )
)

# --- audit and quarantine: what the loader and the corrections kept --------------------------
_add(
    Table(
        "audit",
        "load_ledger",
        cols(
            file_path="string",
            file_sha256="string",
            table_name="string",
            status="string",
            rows_total="int",
            rows_loaded="int",
            rows_quarantined="int",
            duplicates_dropped="int",
            message="string",
            loaded_at="timestamp",
            superseded_by="string",
            raw_copy="string",
            extract_date="date",
            file_size="int",
            file_mtime_ns="int",
        ),
        "One row per landing file and version: path, SHA-256, table, status (loaded | held_back | "
        "rejected), rows, message, loaded_at, superseded_by (the SHA-256 of a newer version of the "
        "same path) and the raw copy kept in raw_files/. The new-file sensor compares against it. "
        "file_size and file_mtime_ns (bytes, modification time in ns; null: not recorded) let the "
        "loader skip hashing a file whose path, size and mtime are unchanged.",
        added_columns=("extract_date", "file_size", "file_mtime_ns"),
    )
)
_add(
    Table(
        "audit",
        "corrections_applied",
        cols(
            correction_id="string",
            year="int",
            agency_id="string",
            assessed_agency_id="string",
            decision_ref="string",
            decided_on="date",
            note="string",
            table_name="string",
            row_key="string",
            column_name="string",
            old_value="string",
            new_value="string",
            source_file="string",
            source_sha256="string",
            source_row="int",
            applied_at="timestamp",
            applied_by="string",
            last_applied_at="timestamp",
            last_run_id="string",
        ),
        "Every commission correction applied to landed data: who, what, when (kzeval.corrections), "
        "one row per correction and year, kept across runs.",
        key=("correction_id", "year"),
    )
)
_add(
    Table(
        "audit",
        "file_profile",
        cols(table_name="string", file_sha256="string", year="int", agency_id="string", rows_total="int"),
        "Data rows of each checked file (loaded or held back) per year and agency.",
        dbt_source="landing_audit",
    )
)
_add(
    Table(
        "audit",
        "landed_rows",
        cols(table_name="string", year="int", agency_id="string", rows_loaded="int"),
        "Landed rows of each table per year and agency, recounted after every load of the table.",
        dbt_source="landing_audit",
    )
)
_add(
    Table(
        "audit",
        "file_landed_rows",
        cols(table_name="string", file_sha256="string", year="int", agency_id="string", rows_loaded="int"),
        "Landed rows per table, file, year and agency (what landed_rows is summed from).",
        dbt_source=None,
    )
)
_add(
    Table(
        "audit",
        "file_years",
        cols(table_name="string", file_sha256="string", year="int", rows_seen="int"),
        "The years the rows of each landed file count in for lineage (kzeval.lineage.files_of_year), "
        "computed when a year-scoped read first needs the file; rows_seen (its rows in raw and "
        "history then) makes a changed file counted again. A file with no dated row has one row "
        "with year NULL.",
        dbt_source=None,
    )
)
_add(
    Table(
        "quarantine",
        "rows",
        cols(
            table_name="string",
            file_path="string",
            file_sha256="string",
            row_number="int",
            column_name="string",
            value="string",
            reason="string",
            agency_id="string",
            year="int",
        ),
        "One row per rejected value: table, file path and SHA-256, row number, column, value, "
        "reason, and the row's agency and year where readable.",
        added_columns=("agency_id", "year"),
    )
)


def table(name: str) -> Table:
    """The table ``schema.table`` of the registry (KeyError names the table)."""
    try:
        return TABLES[name]
    except KeyError:
        raise KeyError(f"{name} is not in the schema registry (kzeval.schema.registry)") from None


def column_sql(column: Column) -> str:
    """``name TYPE [DEFAULT x]`` of one column."""
    default = f" DEFAULT {column.sql_default}" if column.sql_default is not None else ""
    return f'"{column.name}" {DUCKDB_TYPES[column.type]}{default}'


def duckdb_ddl(name: str, *, if_not_exists: bool = True) -> str:
    """``CREATE TABLE [IF NOT EXISTS] schema.table (...)`` of a registry table."""
    t = table(name)
    guard = " IF NOT EXISTS" if if_not_exists else ""
    return f"CREATE TABLE{guard} {t.qualified} ({', '.join(column_sql(c) for c in t.columns)})"


def migration_ddl(name: str) -> list[str]:
    """``ALTER TABLE ... ADD COLUMN IF NOT EXISTS`` for the columns older warehouses lack."""
    t = table(name)
    return [f"ALTER TABLE {t.qualified} ADD COLUMN IF NOT EXISTS {column_sql(t.column(c))}" for c in t.added_columns]


def ensure_table(con: duckdb.DuckDBPyConnection, name: str) -> None:
    """Create the table (and its schema) if missing and add the columns an older warehouse lacks."""
    t = table(name)
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {t.schema}").fetchall()
    con.execute(duckdb_ddl(name)).fetchall()
    for statement in migration_ddl(name):
        con.execute(statement).fetchall()


def polars_schema(name: str, *, columns: Iterable[str] | None = None, exclude: Iterable[str] = ()) -> dict[str, Any]:
    """``{column: polars dtype}`` of a registry table, in table order (a subset with ``columns``/``exclude``)."""
    t = table(name)
    left_out = set(exclude)
    if columns is None:
        return {c.name: POLARS_TYPES[c.type] for c in t.columns if c.name not in left_out}
    return {c: POLARS_TYPES[t.column(c).type] for c in columns if c not in left_out}


def tables_in(schema: str) -> list[Table]:
    """The registry's tables of one warehouse schema, in declaration order."""
    return [t for t in TABLES.values() if t.schema == schema]


# The loader's own tables (kzeval.landing): its ledger, quarantine and row counts.
LOADER_TABLES = (
    "audit.load_ledger",
    "quarantine.rows",
    "audit.file_profile",
    "audit.landed_rows",
    "audit.file_landed_rows",
)


def duckdb_columns(name: str) -> list[tuple[str, str]]:
    """``(column, DuckDB type)`` of a registry table, in table order (a lake table's shape)."""
    return [(c.name, DUCKDB_TYPES[c.type]) for c in table(name).columns]


def ensure_landing_tables(con: duckdb.DuckDBPyConnection, tables: Iterable[str] | None = None) -> None:
    """The loader's tables and ``raw``/``history`` of each landing table (all contracts by default).

    ``raw.<table>`` is a native table, or — in a warehouse with a lake (:mod:`kzeval.lake`) —
    the view over its Parquet segments, whose shape table gets the registry's columns. A
    warehouse built before a contract gained an optional column (e.g. ``service_register.year``)
    gets it in ``raw``, null. The ``raw`` and ``history`` schemas are created if missing.
    """
    for name in LOADER_TABLES:
        ensure_table(con, name)
    con.execute("CREATE SCHEMA IF NOT EXISTS raw").fetchall()
    con.execute("CREATE SCHEMA IF NOT EXISTS history").fetchall()
    existing: dict[str, set[str]] = {}
    for name, column in con.execute(
        "SELECT table_name, column_name FROM duckdb_columns() WHERE schema_name = 'raw' "
        "AND database_name = current_database()"
    ).fetchall():
        existing.setdefault(str(name), set()).add(str(column))
    in_lake = lake.enabled(con)
    for landing in tables or CONTRACTS:
        raw = table(f"raw.{landing}")
        if in_lake and landing in existing and set(raw.column_names) <= existing[landing]:
            pass  # the view raw.<table> is there with every column (the usual case: nothing to do)
        elif in_lake:  # the landed rows live in Parquet segments read through the view raw.<table>
            lake.ensure_table(con, lake.raw_table(landing), duckdb_columns(raw.qualified))
        else:
            con.execute(duckdb_ddl(raw.qualified)).fetchall()
            for c in raw.columns:
                if landing in existing and c.name not in existing[landing]:
                    con.execute(f"ALTER TABLE {raw.qualified} ADD COLUMN {column_sql(c)}").fetchall()
        # older versions of records superseded by a newer extract (spec «Extracts and record updates»)
        con.execute(duckdb_ddl(f"history.{landing}")).fetchall()
