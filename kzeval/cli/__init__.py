"""`kzeval` command line (spec: outputs.md, «Command line»): one module per command.

Each command module has ``register(subparsers)`` (its options, help and examples) and
``run(args) -> int`` (its exit status); :mod:`kzeval.cli._common` holds what they share.
Messages are in English; the figures printed (rankings, explanations, dispute tables) keep the
Russian labels of the legal forms. A user error is one line on stderr and exit status 2 (no
traceback unless ``--debug``); see :func:`kzeval.cli._common.run_command`.
"""

from __future__ import annotations

import argparse

from kzeval.cli import (
    bench,
    demo,
    explain,
    generate,
    pseudonym,
    readings,
    recompute,
    relink,
    report,
    run,
    sensitivity,
    vacuum,
    validate,
)
from kzeval.cli._common import Formatter, run_command

# The order of `kzeval --help`.
COMMANDS = (
    run,
    demo,
    generate,
    validate,
    report,
    explain,
    recompute,
    readings,
    sensitivity,
    bench,
    pseudonym,
    vacuum,
    relink,
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kzeval",
        description="Operational assessment of state bodies (CGO/MIO). Every command: kzeval COMMAND --help.",
        formatter_class=Formatter,
    )
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in COMMANDS:
        command.register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    return run_command(build_parser().parse_args(argv))
