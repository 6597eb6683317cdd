"""`kzeval explain`: which explanation a request asks for, and the command that prints it."""

from __future__ import annotations

import argparse
import sys

import duckdb

from kzeval.explain import people
from kzeval.explain.indicator import explain_indicator
from kzeval.explain.labels import BLOCK_LABELS, DIRECTION_LABELS
from kzeval.explain.lookups import ExplainError, resolve_body
from kzeval.explain.overview import explain_block, explain_direction, explain_overview
from kzeval.warehouse import connect_readonly


def explain(
    con: duckdb.DuckDBPyConnection,
    year: int,
    agency: str,
    indicator: str | None = None,
    records: bool = False,
    employee: str | None = None,
) -> str:
    """The explanation text of an indicator, direction, block, or (no code) the body's overview.

    ``employee`` (a pseudonym): that employee's corps «Б» grade; ``indicator`` ``corps_b``: the
    body's corps «Б» distribution (kzeval.explain.people).
    """

    body = resolve_body(con, agency)
    if employee is not None:
        return people.explain_employee(con, year, body, employee)
    if indicator in people.CORPS_B_CODES:
        return people.explain_corps_b_distribution(con, year, body)
    if indicator is None:
        return explain_overview(con, year, body)
    if indicator in BLOCK_LABELS:
        return explain_block(con, year, body, indicator)
    if indicator in DIRECTION_LABELS:
        return explain_direction(con, year, body, indicator)
    return explain_indicator(con, year, body, indicator, records)


def cmd_explain(args: argparse.Namespace) -> int:

    try:
        with connect_readonly(args.warehouse) as con:
            text = explain(
                con,
                args.year,
                args.agency,
                args.indicator,
                bool(getattr(args, "records", False)),
                getattr(args, "employee", None),
            )
    except (ExplainError, FileNotFoundError) as problem:
        print(str(problem), file=sys.stderr)
        return 1
    print(text)
    return 0
