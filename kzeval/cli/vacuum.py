"""`kzeval vacuum`: delete lake files no published view names any more (kzeval.lake_commands)."""

from __future__ import annotations

import argparse

from kzeval.cli._common import Subparsers, add_common, sub
from kzeval.lake_commands import DEFAULT_GRACE_HOURS, main_vacuum


def register(subparsers: Subparsers) -> None:
    parser = sub(
        subparsers,
        "vacuum",
        "delete lake files no published view names any more, older than a grace period",
        """
  kzeval vacuum --dry-run
  kzeval vacuum --grace-hours 48 --warehouse /srv/kzeval/kzeval.duckdb
""",
    )
    parser.add_argument(
        "--grace-hours",
        type=float,
        default=DEFAULT_GRACE_HOURS,
        metavar="HOURS",
        help="keep unreferenced files (and files a publication stopped naming) younger than this, for readers "
        f"still open on an older state (default: {DEFAULT_GRACE_HOURS:g}; e.g. --grace-hours 48)",
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="list what would be deleted, delete nothing (default: delete)"
    )
    add_common(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    return main_vacuum(args.warehouse, args.grace_hours, args.dry_run)
