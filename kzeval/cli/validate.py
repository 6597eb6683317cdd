"""`kzeval validate`: check a drop without loading it; every problem printed, exit 1 if any."""

from __future__ import annotations

import argparse
import sys

from kzeval import validate as drop_validation
from kzeval.cli._common import Subparsers, add_common, hold_back_option, require_landing, sub


def register(subparsers: Subparsers) -> None:
    parser = sub(
        subparsers,
        "validate",
        "check a drop without loading it; print every problem (exit 1 if any)",
        """
  kzeval validate --landing data/sample_drop
""",
    )
    hold_back_option(parser)
    add_common(parser, landing=True)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    require_landing(args.landing)
    try:
        problems = drop_validation.validate_drop(args.landing, hold_back_share=args.hold_back_share)
    except drop_validation.ValidationStopped as exc:
        print(f"kzeval validate: {exc}", file=sys.stderr)
        return 2
    return 1 if problems else 0
