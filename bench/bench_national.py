"""National-scale benchmark: a full assessment year end to end (same as `kzeval bench`).

    python -m bench.bench_national --fraction 0.05 [--workdir data/bench] [--seed 42] [--year 2024]
        [--no-profile] [--no-reload] [--results bench/results.md]

Generates (or reuses) the national drop, runs the year into a fresh warehouse, prints per
stage time, peak memory and rows/s, the plain-DuckDB lower bounds of the two heaviest stages,
the monthly reload and the goals; regenerates ``bench/results.md``. See :mod:`bench.harness`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bench.harness import RESULTS_FILE, cmd_bench


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--fraction", type=float, default=0.05)
    parser.add_argument("--workdir", type=Path, default=Path("data/bench"))
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--year", type=int, default=2024)
    parser.add_argument("--no-profile", dest="profile", action="store_false", help="skip the turnstile landing profile")
    parser.add_argument("--no-reload", dest="reload", action="store_false", help="skip the monthly reload run")
    parser.add_argument("--results", type=Path, default=RESULTS_FILE)
    return cmd_bench(parser.parse_args())


if __name__ == "__main__":
    sys.exit(main())
