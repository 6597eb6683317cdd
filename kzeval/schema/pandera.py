"""pandera (polars backend) schemas of the registry's tables.

A landing table's schema checks the typed frame the reader made (contract columns only:
the provenance columns come later); its cross-field rules (:data:`kzeval.contracts.RowRule`)
are dataframe-level checks with ``element_wise=False`` so pandera reports failing rows by
index. Other tables: every column present, null allowed unless the column is required.
"""

from __future__ import annotations

from functools import cache

import pandera.polars as pa
import polars as pl

from kzeval.contracts import (
    Column,
    CrossTable,
    ExactlyOne,
    LessOrEqual,
    NotBefore,
    Positive,
    RequiredIf,
    RowPredicate,
    RowRule,
)
from kzeval.schema.registry import POLARS_TYPES, table

HHMM_PATTERN = r"^([01]\d|2[0-3]):[0-5]\d$"


def column_checks(column: Column) -> list[pa.Check]:
    checks: list[pa.Check] = []
    if column.choices:
        checks.append(pa.Check.isin(list(column.choices)))
    if column.min_value is not None:
        checks.append(pa.Check.ge(column.min_value))
    if column.max_value is not None:
        checks.append(pa.Check.le(column.max_value))
    if column.type == "hhmm":
        checks.append(pa.Check.str_matches(HHMM_PATTERN))
    return checks


def _frame_check(valid: pl.Expr, column: str, name: str, error: str) -> pa.Check:
    """A row rule: ``valid`` true on the good rows; ``column`` names the rule in the failure cases."""

    def check(data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(valid.alias(column))

    return pa.Check(check, name=name, error=error)


def _both_set_or(left: str, right: str, holds: pl.Expr) -> pl.Expr:
    return pl.col(left).is_null() | pl.col(right).is_null() | holds


def rule_check(rule: RowRule) -> pa.Check | None:
    """The pandera check of a row rule (None for a rule that needs another table)."""
    match rule:
        case LessOrEqual(left, right):
            valid = _both_set_or(left, right, pl.col(left) <= pl.col(right))
            return _frame_check(valid, left, rule.text, f"{left} must not exceed {right}")
        case NotBefore(left, right):
            valid = _both_set_or(left, right, pl.col(left) >= pl.col(right))
            return _frame_check(valid, left, rule.text, f"{left} must not be before {right}")
        case Positive(column):
            valid = pl.col(column).is_null() | (pl.col(column) > 0)
            return _frame_check(valid, column, rule.text, f"{column} must be positive")
        case RequiredIf(column, trigger):
            valid = pl.col(trigger).is_null() | pl.col(column).is_not_null()
            return _frame_check(valid, column, rule.text, f"{column} is required when {trigger} is set")
        case ExactlyOne(first, second):
            valid = pl.col(first).is_null() != pl.col(second).is_null()
            return _frame_check(
                valid,
                first,
                f"{first} required unless {second}, empty when set",
                f"{first} is required unless {second} is set, and must be empty when it is",
            )
        case RowPredicate(text, valid):
            return _frame_check(valid, text.split()[0], text, text)
        case CrossTable():
            return None  # e.g. the openness maxima: checked in the indicator modules


@cache
def pandera_schema(name: str) -> pa.DataFrameSchema:
    """The pandera schema of a registry table ``schema.table`` (cached: schemas are immutable)."""
    t = table(name)
    contract = t.contract
    if contract is not None:
        columns = {
            c.name: pa.Column(
                POLARS_TYPES[c.type], checks=column_checks(c), nullable=not c.required, required=c.required
            )
            for c in contract.columns
        }
        checks = [check for rule in contract.extra_rules if (check := rule_check(rule)) is not None]
        return pa.DataFrameSchema(columns, checks=checks, name=contract.name, strict=False, coerce=False)
    columns = {
        c.name: pa.Column(POLARS_TYPES[c.type], checks=column_checks(c), nullable=not c.required) for c in t.columns
    }
    return pa.DataFrameSchema(columns, name=t.qualified, strict=False, coerce=False)
