"""Warehouse reads of `kzeval explain`: the body, its scores, its landed rows with the corrections applied, the year's rules."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import duckdb
import polars as pl

from kzeval.contracts import CONTRACTS
from kzeval.corrections import Correction, apply_to_frame
from kzeval.indicators.scoring import block_scoring_rules
from kzeval.lineage import row_year_columns
from kzeval.methodology import active_readings, all_indicators, all_readings
from kzeval.warehouse import table_exists


class ExplainError(Exception):
    """A request explain cannot answer (unknown body, year or code); the message says why."""


def query_rows(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
    cursor = con.execute(sql, list(params))
    names = [d[0] for d in cursor.description or []]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def body_scores(
    con: duckdb.DuckDBPyConnection,
    table: str,
    year: int,
    agency: str,
    columns: str = "*",
    order_by: str = "",
    **where: Any,
) -> list[dict[str, Any]]:
    """Rows of ``core.<table>`` (a scores table) for the body and year, narrowed by ``where`` (column = value)."""
    conditions = "".join(f" AND {column} = ?" for column in where)
    order = f" ORDER BY {order_by}" if order_by else ""
    return query_rows(
        con,
        f"SELECT {columns} FROM core.{table} WHERE year = ? AND agency_id = ?{conditions}{order}",
        [year, agency, *where.values()],
    )


def body_score(
    con: duckdb.DuckDBPyConnection, table: str, year: int, agency: str, missing: str, **where: Any
) -> dict[str, Any]:
    """The one row of ``core.<table>`` for the body, year and ``where``; ExplainError(``missing``) when none."""
    found = body_scores(con, table, year, agency, **where)
    if not found:
        raise ExplainError(missing)
    return found[0]


def resolve_body(con: duckdb.DuckDBPyConnection, agency: str) -> dict[str, Any]:
    """The assessed body a requested id stands for (a sub-unit's figures are its body's)."""
    found = query_rows(con, "SELECT * FROM core.agencies WHERE agency_id = ?", [agency])
    if not found:
        raise ExplainError(f"Орган {agency} не найден в справочнике (core.agencies).")
    unit = found[0]
    body_id = unit["assessed_agency_id"] or agency
    body = query_rows(con, "SELECT * FROM core.agencies WHERE agency_id = ?", [body_id])[0]
    body["requested"] = agency
    return body


def applied_corrections(
    con: duckdb.DuckDBPyConnection, year: int, body: str, tables: Iterable[str] | None = None
) -> list[dict[str, Any]]:
    """Corrections applied to the body's data for the year (``audit.corrections_applied``)."""
    if not table_exists(con, "audit", "corrections_applied"):
        return []
    wanted = list(tables) if tables is not None else None
    rows = query_rows(
        con,
        "SELECT * FROM audit.corrections_applied WHERE year = ? AND assessed_agency_id = ? "
        "ORDER BY decided_on, correction_id",
        [year, body],
    )
    return [r for r in rows if wanted is None or r["table_name"] in wanted]


def corrected_frame(frame: pl.DataFrame, table: str, corrections: Sequence[Mapping[str, Any]]) -> pl.DataFrame:
    """``frame`` with the audited corrections re-applied (explain reads raw rows, runs read corrected ones)."""

    items = [
        Correction(
            correction_id=str(c["correction_id"]),
            agency_id=str(c["agency_id"]),
            year=int(c["year"]),
            table=table,
            key=str(c["row_key"]),
            column=str(c["column_name"]),
            new_value=c["new_value"],
            decided_on=c["decided_on"],
            decision_ref=str(c["decision_ref"]),
        )
        for c in corrections
        if c["table_name"] == table
    ]
    return apply_to_frame(frame, table, items).frame if items else frame


def body_rows(
    con: duckdb.DuckDBPyConnection, table: str, body: str, year: int, corrections: Sequence[Mapping[str, Any]]
) -> pl.DataFrame:
    """Landed rows of ``table`` for the body (all its units) with corrections applied, in the year."""
    contract = CONTRACTS[table]
    if not table_exists(con, "raw", table):
        return pl.DataFrame()
    agency = contract.agency_column
    where = ""
    params: list[Any] = []
    if agency:
        where = f'WHERE r."{agency}" IN (SELECT agency_id FROM core.agencies WHERE assessed_agency_id = ?)'
        params = [body]
    frame = con.execute(f"SELECT r.* FROM raw.{table} r {where} ORDER BY r._file_path, r._row_number", params).pl()
    frame = corrected_frame(frame, table, corrections)
    columns = row_year_columns(table)
    if not columns or frame.height == 0:
        return frame
    conditions = [
        (pl.col(c) == year) if c == contract.year_column else (pl.col(c).dt.year() == year).fill_null(False)
        for c in columns
    ]
    return frame.filter(pl.any_horizontal(conditions))


def indicator_defs() -> dict[str, Any]:

    return all_indicators()


def in_methodology_order(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows in the order of methodology §10 (the edition modules' INDICATORS), unknown codes last."""
    position = {code: i for i, code in enumerate(indicator_defs())}
    return sorted(rows, key=lambda r: (position.get(r["indicator"], len(position)), r["indicator"]))


def symbols_of_codes() -> dict[str, str]:
    return {code: d.legal_symbol for code, d in indicator_defs().items()}


def block_rules(con: duckdb.DuckDBPyConnection, year: int, block: str) -> Any:
    """The scoring rules (weights, penalty points) the year's figures were computed with."""

    stored = query_rows(con, "SELECT readings FROM core.run_readings WHERE year = ? AND block = ?", [year, block])
    overrides = json.loads(stored[0]["readings"]) if stored else {}
    known = all_readings()
    overrides = {k: v for k, v in overrides.items() if k in known and v in known[k].options}
    return block_scoring_rules(block, active_readings(overrides))


def block_weights(con: duckdb.DuckDBPyConnection, year: int, block: str, body_type: str) -> Mapping[str, float]:
    weights: Mapping[str, float] = block_rules(con, year, block).weights.get(body_type, {})
    return weights
