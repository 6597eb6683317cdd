"""`kzeval bench`: national-scale benchmark — time, memory, rows/s per stage.

The harness is not part of the installed package: it lives in the repository's ``bench/``
folder (``bench/harness.py``; it also rewrites ``bench/results.md`` and the README's results
table). This command only parses the options and runs the harness of the source checkout the
package is installed from; without one it says so in one line.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from pathlib import Path
from types import ModuleType

from kzeval.cli._common import SAMPLE_YEAR, Subparsers, UserError, sub

CHECKOUT = Path(__file__).resolve().parents[2]  # kzeval/cli/bench.py -> the repository root


def register(subparsers: Subparsers) -> None:
    parser = sub(
        subparsers,
        "bench",
        "national-scale benchmark: time, memory, rows/s per stage",
        """
  kzeval bench --fraction 0.05 --workdir data/bench     # a few minutes
  kzeval bench --fraction 1 --workdir data/bench        # the full national year, ≈ 7 min
  kzeval bench --year 2022 --years 5 --fraction 1       # five national years kept, ≈ 20 min
""",
    )
    parser.add_argument(
        "--fraction",
        type=float,
        default=1.0,
        metavar="F",
        help="share of the national year to generate and run, in (0, 1] "
        "(default: 1.0 = the full national year, ≈ 7 min on 2 cores; e.g. --fraction 0.05)",
    )
    parser.add_argument(
        "--workdir",
        type=Path,
        default=Path("data/bench"),
        metavar="DIR",
        help="where the drop and the runs' warehouses go (default: data/bench)",
    )
    parser.add_argument("--seed", type=int, default=42, help="random seed of the drop (default: 42)")
    parser.add_argument(
        "--year",
        type=int,
        default=SAMPLE_YEAR,
        metavar="YYYY",
        help=f"year to generate and run (default: {SAMPLE_YEAR})",
    )
    parser.add_argument(
        "--years",
        type=int,
        default=None,
        metavar="N",
        help="run N consecutive national years (from --year) into one warehouse and print per-year cost and "
        "disk growth; every year needs a shipped production calendar (default: one year; "
        "e.g. --year 2022 --years 5)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    return int(harness(CHECKOUT).cmd_bench(args))


def harness(checkout: Path) -> ModuleType:
    """``bench.harness`` of the source checkout; a one-line error when the package is installed without one."""
    if not (checkout / "bench" / "harness.py").is_file():
        raise UserError(
            "the benchmark harness is not installed with the package: run `kzeval bench` from a source checkout "
            "(its bench/ folder; README, «Performance»)"
        )
    root = str(checkout)
    if root not in sys.path:
        sys.path.insert(0, root)
    # the harness measures each phase in a child process `python -m bench.harness`: it must find bench/ too
    paths = os.environ.get("PYTHONPATH", "").split(os.pathsep)
    if root not in paths:
        os.environ["PYTHONPATH"] = os.pathsep.join([root, *filter(None, paths)])
    # imported here, not at the top: bench/ is outside the installed package (only a source checkout has it)
    return importlib.import_module("bench.harness")
