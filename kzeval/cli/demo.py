"""`kzeval demo`: build the embedded sample drop, run its year, print the ranking."""

from __future__ import annotations

import argparse
from pathlib import Path

from kzeval.cli._common import (
    SAMPLE_DROP,
    SAMPLE_YEAR,
    Subparsers,
    add_common,
    add_run_output_flags,
    pipeline_output,
    prepare_warehouse_folder,
    print_summary,
    quiet_stdout,
    sub,
)
from kzeval.generate.sample import generate_sample
from kzeval.methodology import BLOCK_LABELS
from kzeval.warehouse import connect_readonly
from pipelines.launch import run_assessment


def register(subparsers: Subparsers) -> None:
    parser = sub(
        subparsers,
        "demo",
        "build the embedded sample drop, run it, print the ranking",
        """
  kzeval demo
  kzeval demo --landing /tmp/drop --warehouse /tmp/warehouse/kzeval.duckdb
""",
    )
    parser.add_argument(
        "--landing",
        type=Path,
        default=None,
        metavar="DIR",
        help=f"where to write the sample drop (default: {SAMPLE_DROP}; e.g. --landing /tmp/drop)",
    )
    add_common(parser)
    add_run_output_flags(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    landing = args.landing or SAMPLE_DROP
    prepare_warehouse_folder(args.warehouse)
    print(f"Generating the embedded sample drop in {landing} ...")
    generate_sample(landing, seed=42, year=SAMPLE_YEAR)
    print(f"Running the {SAMPLE_YEAR} assessment into {args.warehouse} ...")
    progress, log_file, home = pipeline_output(args, f"demo-{SAMPLE_YEAR}")
    with quiet_stdout(log_file):
        result = run_assessment(SAMPLE_YEAR, landing, args.warehouse, dagster_home=home, progress=progress)
    print_summary(result)
    if log_file is not None:
        print(f"dbt and Dagster output: {log_file}")
    if not result.success:
        return 1
    print_ranking(args.warehouse, SAMPLE_YEAR)
    print(f"\nWarehouse: {args.warehouse}  (open read-only: .venv/bin/duckdb -readonly {args.warehouse})")
    return 0


def print_ranking(warehouse: Path, year: int) -> None:
    with connect_readonly(warehouse) as con:
        rows = con.execute(
            """
            SELECT b.body_type, b.rank_in_body_type, a.name_ru, b.score_rounded, b.tier_label_ru, b.block
            FROM marts.fct_block_scores b JOIN marts.dim_agencies a USING (agency_id)
            WHERE b.year = ? ORDER BY b.block, b.body_type, b.rank_in_body_type, a.name_ru
            """,
            [year],
        ).fetchall()
    block_titles = BLOCK_LABELS
    current = None
    for body_type, rank, name, score, tier, block in rows:
        if (block, body_type) != current:
            current = (block, body_type)
            kind = "ЦГО" if body_type == "CGO" else "МИО"
            print(f"\n{year} · {block_titles.get(block, block)} · {kind}")
            print(f"{'№':>3}  {'Государственный орган':<62} {'Балл':>7}  Степень эффективности")
        print(f"{rank:>3}  {name[:62]:<62} {score:>7.2f}  {tier}")
