"""`kzeval bench`: national-scale benchmark — time, memory, rows/s per stage."""

from __future__ import annotations

import argparse
from pathlib import Path

from bench.harness import cmd_bench
from kzeval.cli._common import SAMPLE_YEAR, Subparsers, sub


def register(subparsers: Subparsers) -> None:
    parser = sub(
        subparsers,
        "bench",
        "national-scale benchmark: time, memory, rows/s per stage",
        """
  kzeval bench --fraction 0.05 --workdir data/bench     # a few minutes
  kzeval bench --fraction 1 --workdir data/bench        # the full national year, ≈ 7 min
""",
    )
    parser.add_argument(
        "--fraction",
        type=float,
        default=1.0,
        metavar="F",
        help="share of the national year to generate and run, in (0, 1] "
        "(default: 1.0 = the full national year, ≈ 7 min on 2 cores; e.g. --fraction 0.05)",
    )
    parser.add_argument(
        "--workdir",
        type=Path,
        default=Path("data/bench"),
        metavar="DIR",
        help="where the drop and the runs' warehouses go (default: data/bench)",
    )
    parser.add_argument("--seed", type=int, default=42, help="random seed of the drop (default: 42)")
    parser.add_argument(
        "--year",
        type=int,
        default=SAMPLE_YEAR,
        metavar="YYYY",
        help=f"year to generate and run (default: {SAMPLE_YEAR})",
    )
    parser.add_argument(
        "--years",
        type=int,
        default=None,
        metavar="N",
        help="run N consecutive national years (from --year) into one warehouse and print per-year cost and "
        "disk growth (default: one year; e.g. --years 5)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    return cmd_bench(args)
