"""`kzeval report`: conclusions (legal forms) per body, or the national ranking, as HTML or Excel."""

from __future__ import annotations

import argparse
from pathlib import Path

from kzeval.cli._common import Subparsers, add_common, require_warehouse, sub, year_option
from kzeval.reports.cli import cmd_report


def register(subparsers: Subparsers) -> None:
    parser = sub(
        subparsers,
        "report",
        "conclusions (legal forms) per body, or the national ranking",
        """
  kzeval report --year 2024 --agency CGO-MF --format html
  kzeval report --year 2024 --format xlsx
""",
    )
    year_option(parser)
    parser.add_argument(
        "--agency",
        default=None,
        metavar="ID",
        help="assessed body (default: none, the national ranking; e.g. --agency CGO-MF)",
    )
    parser.add_argument("--format", choices=("xlsx", "html"), default="html", help="report format (default: html)")
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        metavar="FILE",
        help="output file (default: data/reports/<year>/<agency or national>.<format>)",
    )
    add_common(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    require_warehouse(args.warehouse)
    return cmd_report(args)
