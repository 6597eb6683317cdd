"""`kzeval explain`: where a score comes from — formula, inputs, files, corrections."""

from __future__ import annotations

import argparse

from kzeval.cli._common import Subparsers, add_common, require_warehouse, sub, year_option
from kzeval.explain import cmd_explain


def register(subparsers: Subparsers) -> None:
    parser = sub(
        subparsers,
        "explain",
        "where a score comes from: formula, inputs, files, corrections",
        """
  kzeval explain --year 2024 --agency CGO-MF
  kzeval explain --year 2024 --agency CGO-MF --indicator appeal_review_timeliness --records
  kzeval explain --year 2024 --agency CGO-MF --indicator hr_overtime --records   # N1, N2, W and the day records
  kzeval explain --year 2024 --agency CGO-MF --indicator corps_b                 # corps «Б» distribution
  kzeval explain --year 2024 --agency CGO-MF --employee E000003                  # one employee's grade
""",
    )
    year_option(parser)
    parser.add_argument("--agency", required=True, metavar="ID", help="assessed body (required; e.g. --agency CGO-MF)")
    parser.add_argument(
        "--indicator",
        default=None,
        metavar="CODE",
        help="indicator code, direction, block or corps_b (default: none, the body's overview; "
        "e.g. --indicator appeal_review_timeliness; codes in marts.dim_indicators)",
    )
    parser.add_argument(
        "--employee",
        default=None,
        metavar="PSEUDONYM",
        help="a corps «Б» employee's annual grade with the quarters and sheets behind it (default: none; "
        "e.g. --employee p_32e412470a3093b8; `kzeval pseudonym` gives it from an IIN)",
    )
    parser.add_argument(
        "--records",
        action="store_true",
        help="list the contributing records (appeals, turnstile days) (default: off)",
    )
    add_common(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    require_warehouse(args.warehouse)
    return cmd_explain(args)
