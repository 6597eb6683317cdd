"""`kzeval run`: the whole pipeline for a year, published atomically into the warehouse."""

from __future__ import annotations

import argparse
import sys

from kzeval.cli._common import (
    Subparsers,
    UserError,
    add_common,
    add_run_output_flags,
    hold_back_option,
    pipeline_output,
    prepare_warehouse_folder,
    print_summary,
    quiet_stdout,
    require_landing,
    require_readings,
    require_year,
    sub,
    year_option,
)
from kzeval.landing.loader import pseudonym_key_problem
from pipelines.launch import run_assessment


def register(subparsers: Subparsers) -> None:
    parser = sub(
        subparsers,
        "run",
        "run the whole pipeline for a year and publish the warehouse",
        """
  kzeval run --year 2024 --landing data/sample_drop
  kzeval run --year 2024 --landing data/sample_drop --reading svc.automation_effectiveness=product
  kzeval run --year 2024 --landing data/sample_drop --rehash
""",
    )
    year_option(parser)
    parser.add_argument(
        "--strict",
        action="store_true",
        help="exit 2 when a table is missing or a file is held back (default: report them, exit 0)",
    )
    parser.add_argument(
        "--reading",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a methodology reading other than its default, repeatable (default: none, every reading's "
        "default; e.g. --reading svc.automation_effectiveness=product; names in kzeval/methodology/*.py)",
    )
    hold_back_option(parser)
    parser.add_argument(
        "--rehash",
        action="store_true",
        help="compute the SHA-256 of every landing file (default: off: a file whose path, size and "
        "modification time are those recorded in audit.load_ledger is taken as unchanged and not "
        "re-read; use after replacing a file by a same-size copy that kept the old mtime, e.g. cp -p)",
    )
    add_common(parser, landing=True)
    add_run_output_flags(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    require_year(args.year)
    require_landing(args.landing)
    require_readings(args.reading)
    prepare_warehouse_folder(args.warehouse)
    problem = pseudonym_key_problem(args.landing)  # before any landing starts: one line, no traceback
    if problem:
        raise UserError(problem)

    progress, log_file, home = pipeline_output(args, f"run-{args.year}")
    with quiet_stdout(log_file):
        result = run_assessment(
            args.year,
            args.landing,
            args.warehouse,
            readings=args.reading,
            hold_back_share=args.hold_back_share,
            dagster_home=home,
            progress=progress,
            rehash=args.rehash,
        )
    print_summary(result)
    if log_file is not None:
        print(f"dbt and Dagster output: {log_file}")
    if not result.success:
        print(f"Run for {args.year} did not complete; the published warehouse is unchanged.", file=sys.stderr)
        return 1
    if args.strict and (
        result.tables_missing or any(f["status"] != "loaded" for f in result.files if f["status"] != "already_loaded")
    ):
        print("--strict: some tables are missing or some files were held back.", file=sys.stderr)
        return 2
    print(f"Warehouse published: {args.warehouse}")
    return 0
