"""pandera (polars backend) schemas generated from the landing contracts.

The schema checks typed frames; the reader has already turned text into types and sent
unparseable values to quarantine. Cross-field rules of the contracts are dataframe-level
checks with ``element_wise=False`` so pandera reports the failing rows by index.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import pandera.polars as pa
import polars as pl

from kzeval.contracts import CONTRACTS, Column, TableContract

POLARS_TYPES: dict[str, Any] = {
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


def _column_checks(column: Column) -> list[pa.Check]:
    checks: list[pa.Check] = []
    if column.choices:
        checks.append(pa.Check.isin(list(column.choices)))
    if column.min_value is not None:
        checks.append(pa.Check.ge(column.min_value))
    if column.max_value is not None:
        checks.append(pa.Check.le(column.max_value))
    if column.type == "hhmm":
        checks.append(pa.Check.str_matches(r"^([01]\d|2[0-3]):[0-5]\d$"))
    return checks


def _le(left: str, right: str) -> pa.Check:
    def check(data: pa.PolarsData) -> pl.LazyFrame:
        lf = data.lazyframe
        return lf.select(
            (pl.col(left).is_null() | pl.col(right).is_null() | (pl.col(left) <= pl.col(right))).alias(left)
        )

    return pa.Check(check, name=f"{left} <= {right}", error=f"{left} must not exceed {right}")


def _ge(left: str, right: str) -> pa.Check:
    def check(data: pa.PolarsData) -> pl.LazyFrame:
        lf = data.lazyframe
        return lf.select(
            (pl.col(left).is_null() | pl.col(right).is_null() | (pl.col(left) >= pl.col(right))).alias(left)
        )

    return pa.Check(check, name=f"{left} >= {right}", error=f"{left} must not be before {right}")


def _positive(name: str) -> pa.Check:
    def check(data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select((pl.col(name).is_null() | (pl.col(name) > 0)).alias(name))

    return pa.Check(check, name=f"{name} > 0", error=f"{name} must be positive")


def _required_with(column: str, trigger: str) -> pa.Check:
    def check(data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select((pl.col(trigger).is_null() | pl.col(column).is_not_null()).alias(column))

    return pa.Check(
        check, name=f"{column} required when {trigger} is set", error=f"{column} is required when {trigger} is set"
    )


def _exactly_one(first: str, second: str) -> pa.Check:
    def check(data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select((pl.col(first).is_null() != pl.col(second).is_null()).alias(first))

    return pa.Check(
        check,
        name=f"{first} required unless {second}, empty when set",
        error=f"{first} is required unless {second} is set, and must be empty when it is",
    )


def _expression_rule(rule: str, valid: pl.Expr) -> pa.Check:
    """A row rule given as a polars expression (true = valid); the rule's text is the reason."""
    column = rule.split()[0]

    def check(data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(valid.alias(column))

    return pa.Check(check, name=rule, error=rule)


def _expression_rules() -> dict[str, pl.Expr]:
    from kzeval.corps_b import LANDING_RULES

    return LANDING_RULES


def _frame_checks(contract: TableContract) -> list[pa.Check]:
    checks: list[pa.Check] = []
    expression_rules = _expression_rules()
    for rule in contract.extra_rules:
        if rule in expression_rules:
            checks.append(_expression_rule(rule, expression_rules[rule]))
            continue
        parts = rule.split()
        if len(parts) == 3 and parts[1] == "<=" and parts[2] in contract.column_names:
            checks.append(_le(parts[0], parts[2]))
        elif len(parts) == 3 and parts[1] == ">=" and parts[2] in contract.column_names:
            checks.append(_ge(parts[0], parts[2]))
        elif len(parts) == 3 and parts[1] == ">" and parts[2] == "0":
            checks.append(_positive(parts[0]))
        elif rule.startswith("redirect_due_on required"):
            checks.append(_required_with("redirect_due_on", "redirected_on"))
        elif rule.startswith("exactly one of "):
            first, second = (c.strip() for c in rule.removeprefix("exactly one of ").split(","))
            checks.append(_exactly_one(first, second))
        # Rules needing other tables (openness maxima) are checked in the indicator modules.
    return checks


@cache
def schema_for(table: str) -> pa.DataFrameSchema:
    contract = CONTRACTS[table]
    columns = {
        c.name: pa.Column(POLARS_TYPES[c.type], checks=_column_checks(c), nullable=not c.required, required=c.required)
        for c in contract.columns
    }
    return pa.DataFrameSchema(
        columns,
        checks=_frame_checks(contract),
        name=table,
        strict=False,
        coerce=False,
    )


def failure_cases(table: str, frame: pl.DataFrame) -> pl.DataFrame:
    """Validate collected data lazily and return every failure: index, column, check, value."""
    schema = schema_for(table)
    try:
        schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as errors:
        cases = errors.failure_cases
        # Frame-level (cross-field) checks report the schema name as column: name the rule's column.
        return cases.select(
            pl.col("index").cast(pl.Int64),
            pl.when(pl.col("column") == table)
            .then(pl.col("check").str.split(" ").list.first())
            .otherwise(pl.col("column"))
            .cast(pl.Utf8)
            .alias("column"),
            pl.col("check").cast(pl.Utf8),
            pl.col("failure_case").cast(pl.Utf8),
        )
    return pl.DataFrame(schema={"index": pl.Int64, "column": pl.Utf8, "check": pl.Utf8, "failure_case": pl.Utf8})
