"""`kzeval pseudonym`: the keyed pseudonym of an IIN, exactly as landing stores it; nothing else."""

from __future__ import annotations

import argparse
import sys

import polars as pl

from kzeval.cli._common import Subparsers, UserError, sub
from kzeval.pseudonym import EMPLOYEE_ID_COLUMN, IIN_COLUMN, PseudonymKeyError, load_pseudonym_key, replace_iin_column


def register(subparsers: Subparsers) -> None:
    parser = sub(
        subparsers,
        "pseudonym",
        "print the keyed pseudonym of an IIN (needs KZEVAL_PSEUDONYM_KEY); prints nothing else",
        """
  KZEVAL_PSEUDONYM_KEY_FILE=/secure/key kzeval pseudonym 900101300123
  kzeval pseudonym < iins.txt          # one IIN per line, one pseudonym per line
""",
    )
    parser.add_argument(
        "iin",
        nargs="?",
        default=None,
        help="the 12-digit IIN (default: read one per line from stdin; prefer stdin, "
        "an argument stays in the shell history)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Print the keyed pseudonym of each IIN (argument or stdin lines); nothing else."""
    try:
        key = load_pseudonym_key()
    except PseudonymKeyError as exc:
        raise UserError(str(exc)) from None
    iins = [args.iin] if args.iin else [line.strip() for line in sys.stdin if line.strip()]
    if not iins:
        raise UserError("no IIN given: pass it as an argument or one per line on stdin")
    # The loader's own function: the pseudonym is the one landing stores for this IIN.
    frame = replace_iin_column(pl.DataFrame({IIN_COLUMN: iins}, schema={IIN_COLUMN: pl.Utf8}), key)
    bad = frame.filter(pl.col(EMPLOYEE_ID_COLUMN).is_null()).height
    if bad:
        raise UserError(f"{bad} of {len(iins)} input line(s) are not a 12-digit IIN")
    for pseudonym in frame[EMPLOYEE_ID_COLUMN].to_list():
        print(pseudonym)
    return 0
