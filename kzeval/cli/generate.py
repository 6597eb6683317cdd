"""`kzeval generate`: synthetic landing data in the contracts' format (the sample or national scale)."""

from __future__ import annotations

import argparse
from pathlib import Path

from kzeval.cli._common import SAMPLE_YEAR, Subparsers, sub
from kzeval.generate.national import generate_national
from kzeval.generate.sample import generate_sample


def register(subparsers: Subparsers) -> None:
    parser = sub(
        subparsers,
        "generate",
        "write synthetic landing data in the contracts' format",
        """
  kzeval generate --scale sample --out /tmp/drop --seed 42
  kzeval generate --scale national --fraction 0.05 --out /tmp/national
""",
    )
    parser.add_argument(
        "--scale",
        choices=("sample", "national"),
        default="sample",
        help="sample: 20 bodies, seconds; national: every body at real volumes (default: sample)",
    )
    parser.add_argument(
        "--fraction",
        type=float,
        default=1.0,
        metavar="F",
        help="national scale only: share of the national year's volumes, in (0, 1] "
        "(default: 1.0 = the full national year, ≈ 75 million turnstile events; e.g. --fraction 0.05)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        required=True,
        metavar="DIR",
        help="folder to write the drop to (required; e.g. --out /tmp/drop)",
    )
    parser.add_argument("--seed", type=int, default=42, help="random seed (default: 42; e.g. --seed 7)")
    parser.add_argument(
        "--year", type=int, default=SAMPLE_YEAR, metavar="YYYY", help=f"year of the data (default: {SAMPLE_YEAR})"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.scale == "sample":
        counts = generate_sample(args.out, seed=args.seed, year=args.year)
    else:
        counts = generate_national(args.out, seed=args.seed, year=args.year, fraction=args.fraction)
    for table, n in sorted(counts.items()):
        print(f"{table:<24} {n:>12,}")
    return 0
