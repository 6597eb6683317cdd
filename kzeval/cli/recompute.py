"""`kzeval recompute`: apply the commission's corrections; print before/after («Таблица разногласий»)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kzeval.cli._common import (
    Subparsers,
    add_common,
    add_run_output_flags,
    command_log,
    quiet_stdout,
    require_landing,
    require_warehouse,
    require_year,
    sub,
    year_option,
)
from kzeval.recompute import RecomputeError, recompute
from pipelines.launch import run_assessment


def register(subparsers: Subparsers) -> None:
    parser = sub(
        subparsers,
        "recompute",
        "apply commission corrections; print before/after («Таблица разногласий»)",
        """
  kzeval recompute --year 2024 --agency CGO-MF --landing data/sample_drop
""",
    )
    year_option(parser)
    parser.add_argument("--agency", required=True, metavar="ID", help="assessed body (required; e.g. --agency CGO-MF)")
    add_common(parser, landing=True)
    add_run_output_flags(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    require_year(args.year)
    require_landing(args.landing)
    require_warehouse(args.warehouse)
    log_file = command_log(args, f"recompute-{args.year}")
    try:
        with quiet_stdout(log_file):  # the trial run's dbt lines go to the log file
            result = recompute(args.year, args.agency, Path(args.landing), Path(args.warehouse), run_assessment)
    except RecomputeError as problem:
        print(f"kzeval recompute: {problem}", file=sys.stderr)
        return 2
    print(result.text)
    if log_file is not None:
        print(f"dbt and Dagster output: {log_file}")
    return 0
