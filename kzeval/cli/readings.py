"""`kzeval readings`: every named reading — paragraph, confidence, options, default, the seed's words."""

from __future__ import annotations

import argparse

import polars as pl

from kzeval.cli._common import Subparsers, sub
from kzeval.readings_catalogue import readings_frame, render_readings


def register(subparsers: Subparsers) -> None:
    parser = sub(
        subparsers,
        "readings",
        "every named reading: paragraph, confidence, options, default, the seed's deciding words",
        """
  kzeval readings                       # all readings as a table
  kzeval readings --confidence LOW      # only the LOW-confidence ones
  kzeval readings --format csv > readings.csv
""",
    )
    parser.add_argument(
        "--confidence",
        choices=("IN_SEED", "VERIFIED", "HIGH", "MEDIUM", "LOW"),
        default=None,
        help="only readings of this confidence (default: all; e.g. --confidence LOW)",
    )
    parser.add_argument(
        "--format", choices=("text", "csv"), default="text", help="output format (default: text; e.g. --format csv)"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    frame = readings_frame()
    if args.confidence:
        frame = frame.filter(pl.col("confidence") == args.confidence)
    if args.format == "csv":
        print(frame.write_csv(), end="")
    else:
        print(render_readings(frame))
    return 0
