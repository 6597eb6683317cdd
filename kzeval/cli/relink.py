"""`kzeval relink`: point the warehouse's views at its lake folder after the folder moved."""

from __future__ import annotations

import argparse

from kzeval.cli._common import Subparsers, add_common, sub
from kzeval.lake_commands import main_relink


def register(subparsers: Subparsers) -> None:
    parser = sub(
        subparsers,
        "relink",
        "point the warehouse's views at its lake folder after the warehouse folder was moved",
        """
  mv /srv/kzeval /data/kzeval && kzeval relink --warehouse /data/kzeval/kzeval.duckdb
""",
    )
    add_common(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    return main_relink(args.warehouse)
