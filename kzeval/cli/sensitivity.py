"""`kzeval sensitivity`: a run year recomputed under every option of every reading; how robust each tier is."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kzeval.cli._common import Subparsers, add_common, sub, year_option
from kzeval.sensitivity import SensitivityError, run_sensitivity


def register(subparsers: Subparsers) -> None:
    parser = sub(
        subparsers,
        "sensitivity",
        "recompute a run year under every option of every reading; publish how robust each tier is",
        """
  kzeval sensitivity --year 2024                                   # every option of every reading
  kzeval sensitivity --year 2024 --readings svc.k3_cap hr.gender   # only these readings
""",
    )
    year_option(parser)
    parser.add_argument(
        "--readings",
        nargs="+",
        default=None,
        metavar="NAME",
        help="only these readings (default: every reading; e.g. --readings svc.k3_cap)",
    )
    add_common(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    try:
        result = run_sensitivity(args.year, Path(args.warehouse), args.readings or None)
    except SensitivityError as problem:
        print(str(problem), file=sys.stderr)
        return 2
    print(result.text)
    print(f"\nСохранено: marts.fct_reading_sensitivity (год {args.year}).")
    return 0
