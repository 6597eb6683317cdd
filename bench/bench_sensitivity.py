"""Time `kzeval sensitivity` against one scoring pass of the same national-scale year (issue 17).

Run: ``python bench/bench_sensitivity.py --fraction 0.02 [--workdir data/bench_sensitivity]``.
Generates (or reuses) a national drop at the fraction, runs the year once (not timed), then on
copies of the published warehouse times

* one scoring pass as the run's assessment assets do it (:func:`kzeval.sensitivity.reference_pass`:
  read the landed tables, count the appeals, every indicator, direction and block score), and
* the whole analysis (:func:`kzeval.sensitivity.analyse`: every option of every reading and
  the LOW combination),

and prints the ratio against the goal (≤ 3). Publication (dbt build of three marts and the
atomic swap) is not part of either figure.
"""

from __future__ import annotations

import argparse
import shutil
import time
from pathlib import Path

import duckdb


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fraction", type=float, default=0.02)
    parser.add_argument("--workdir", type=Path, default=Path("data/bench_sensitivity"))
    parser.add_argument("--year", type=int, default=2024)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()

    from kzeval.generate.national import generate_national
    from kzeval.methodology import active_readings
    from kzeval.sensitivity import analyse, reference_pass
    from pipelines.launch import run_assessment

    drop = args.workdir / f"drop_{args.fraction:g}_{args.seed}_{args.year}"
    published = args.workdir / "warehouse" / "kzeval.duckdb"
    if not (drop / ".complete").exists():
        shutil.rmtree(drop, ignore_errors=True)
        print(f"generating the national drop at fraction {args.fraction:g} in {drop} ...")
        generate_national(drop, seed=args.seed, year=args.year, fraction=args.fraction)
        (drop / ".complete").write_text("ok")
    if not published.exists():
        print(f"running {args.year} once (not timed) ...")
        run = run_assessment(args.year, drop, published)
        if not run.success:
            print("the run failed: " + "; ".join(run.failures))
            return 1
    scratch = args.workdir / "scratch.duckdb"

    shutil.copyfile(published, scratch)
    with duckdb.connect(str(scratch)) as con:
        started = time.perf_counter()
        blocks = reference_pass(con, args.year, active_readings())
        one_pass = time.perf_counter() - started
    shutil.copyfile(published, scratch)
    with duckdb.connect(str(scratch)) as con:
        started = time.perf_counter()
        result = analyse(con, args.year)
        whole = time.perf_counter() - started
    scratch.unlink(missing_ok=True)

    configurations = result.rows.select("reading", "option").unique().height
    ratio = whole / one_pass if one_pass else float("inf")
    print(f"fraction {args.fraction:g}: {blocks.height} block scores, {configurations} reading configurations")
    print(f"one scoring pass (as the run)          {one_pass:8.2f} s")
    print(f"whole sensitivity analysis             {whole:8.2f} s")
    print(f"  of which reading the inputs (once)   {result.load_seconds:8.2f} s")
    units = sum(result.units_computed.values())
    print(f"unit computations                      {units:8d}  (one pass: {result.pass_units})")
    print(f"analysis ÷ one pass                    {ratio:8.2f}  (goal ≤ 3: {'met' if ratio <= 3 else 'NOT met'})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
