"""Time the corps «Б» chain on a national-scale synthetic year (scale.md: ~330,000 sheets).

Run: ``python bench/bench_corps_b.py [--sheets N] [--iin-rows N]``. Prints seconds per step.
Also times IIN pseudonymisation over a turnstile-sized column (92k employees, 3.5M rows).
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable
from typing import TypeVar

import polars as pl

from kzeval.corps_b import annual_grades, distribution, national_distribution, quarterly_scores
from kzeval.pseudonym import demo_key, replace_iin_column

T = TypeVar("T")


def synthetic_sheets(sheets: int, bodies: int, seed: int = 7) -> tuple[pl.DataFrame, pl.DataFrame]:
    """~sheets/4 employees × 4 quarters, spread over ``bodies`` assessed bodies (not timed)."""
    rng = random.Random(seed)
    employees = sheets // 4
    size = employees * 4
    body_of = [rng.randrange(bodies) for _ in range(employees)]
    frame = pl.DataFrame(
        {
            "employee_id": [f"p_{e // 4:016x}" for e in range(size)],
            "agency_id": [f"B{body_of[e // 4]:03d}" for e in range(size)],
            "year": [2025] * size,
            "quarter": [e % 4 + 1 for e in range(size)],
            "sheet": rng.choices(["leader", "non_leader"], weights=[0.2, 0.8], k=size),
            **{f"p{i}": [float(v) for v in rng.choices(range(2, 6), k=size)] for i in range(1, 6)},
            "sanction": rng.choices(["none", "reprimand", "severe"], weights=[0.97, 0.025, 0.005], k=size),
            "days_in_position": rng.choices(range(92), k=size),
            "worked_days": rng.choices(range(5, 66), k=size),
            "calibrated_score": [float(rng.randrange(6)) if rng.random() < 0.01 else None for _ in range(size)],
        },
        schema_overrides={"calibrated_score": pl.Float64},
    ).with_columns(pl.col("agency_id").alias("assessed_agency_id"))
    listed = pl.DataFrame(
        {
            "agency_id": [f"B{b:03d}" for b in range(bodies)],
            "body_type": ["CGO" if b < 32 else "MIO" for b in range(bodies)],
        }
    )
    return frame, listed


def timed(label: str, fn: Callable[[], T]) -> T:
    start = time.perf_counter()
    result = fn()
    print(f"{label:<40} {time.perf_counter() - start:7.3f} s")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sheets", type=int, default=330_000)
    parser.add_argument("--bodies", type=int, default=52)
    parser.add_argument("--iin-rows", type=int, default=3_500_000)
    parser.add_argument("--iin-employees", type=int, default=92_000)
    args = parser.parse_args()

    sheets, bodies = synthetic_sheets(args.sheets, args.bodies)
    print(f"{sheets.height:,} sheets, {sheets['employee_id'].n_unique():,} employees, {args.bodies} bodies")
    timed("quarterly_scores", lambda: quarterly_scores(sheets, 2025))
    annual = timed("annual_grades (incl. quarterly)", lambda: annual_grades(sheets, 2025))
    timed("distribution", lambda: distribution(annual, bodies))
    timed("national_distribution", lambda: national_distribution(annual, bodies))
    print(f"{annual.height:,} annual grades")

    rng = random.Random(11)
    iins = [f"{rng.randrange(10**12):012d}" for _ in range(args.iin_employees)]
    column = pl.DataFrame({"iin": rng.choices(iins, k=args.iin_rows)})
    out = timed(f"replace_iin_column ({args.iin_rows:,} rows)", lambda: replace_iin_column(column, demo_key()))
    print(f"{out['employee_id'].n_unique():,} pseudonyms")


if __name__ == "__main__":
    main()
