"""`kzeval` command line (spec: outputs.md, «Command line»)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kzeval.warehouse import DEFAULT_WAREHOUSE

DEFAULT_LANDING = Path("data/landing")
SAMPLE_YEAR = 2024


def _add_common(parser: argparse.ArgumentParser, landing: bool = False) -> None:
    parser.add_argument("--warehouse", type=Path, default=DEFAULT_WAREHOUSE, help="DuckDB warehouse file")
    if landing:
        parser.add_argument("--landing", type=Path, default=DEFAULT_LANDING, help="landing drop folder")


def _print_ranking(warehouse: Path, year: int) -> None:
    from kzeval.warehouse import connect_readonly

    with connect_readonly(warehouse) as con:
        rows = con.execute(
            """
            SELECT b.body_type, b.rank_in_body_type, a.name_ru, b.score_rounded, b.tier_label_ru, b.block
            FROM marts.fct_block_scores b JOIN marts.dim_agencies a USING (agency_id)
            WHERE b.year = ? ORDER BY b.block, b.body_type, b.rank_in_body_type, a.name_ru
            """,
            [year],
        ).fetchall()
    block_titles = {
        "interaction": "Взаимодействие государственного органа с физическими и юридическими лицами",
        "org_development": "Организационное развитие государственного органа",
    }
    current = None
    for body_type, rank, name, score, tier, block in rows:
        if (block, body_type) != current:
            current = (block, body_type)
            kind = "ЦГО" if body_type == "CGO" else "МИО"
            print(f"\n{year} · {block_titles.get(block, block)} · {kind}")
            print(f"{'№':>3}  {'Государственный орган':<62} {'Балл':>7}  Степень эффективности")
        print(f"{rank:>3}  {name[:62]:<62} {score:>7.2f}  {tier}")


def _print_summary(result: object) -> None:
    from kzeval.runner import RunResult

    assert isinstance(result, RunResult)
    loaded = [f for f in result.files if f["status"] == "loaded"]
    problems = [f for f in result.files if f["status"] in ("held_back", "rejected")]
    quarantined = sum(int(str(f["rows_quarantined"] or 0)) for f in result.files)
    print(f"Files loaded: {len(loaded)}; rows quarantined: {quarantined} (see quarantine.rows)")
    for f in problems:
        print(f"  HELD BACK / REJECTED: {f['message']}")
    for f in result.files:
        if f["status"] == "loaded" and "warning:" in str(f["message"] or ""):  # e.g. lookalike agency ids
            print(f"  WARNING: {f['message']}")
        if f["status"] == "ignored":  # hidden files, links, files at the root, folders that are no table
            print(f"  IGNORED: {f['message']}")
    if result.tables_missing:
        print("Tables not in the drop (figures needing them are not computed): " + ", ".join(result.tables_missing))
    for line in result.not_computed:
        print(f"  NOT COMPUTED: {line}")
    for line in result.notes:
        print(f"  PROVISIONAL: {line}")
    for failure in result.failures:
        print(f"  FAILED: {failure}")


def _check_readings(items: list[str]) -> str | None:
    """Validate ``--reading NAME=VALUE`` before starting a run; the error names the known options."""
    from kzeval.methodology import active_readings
    from kzeval.methodology.base import parse_reading_overrides

    try:
        active_readings(parse_reading_overrides(items))
    except ValueError as exc:
        return str(exc)
    return None


def cmd_run(args: argparse.Namespace) -> int:
    from kzeval.runner import run_assessment

    problem = _check_readings(args.reading)
    if problem:
        print(f"kzeval run: {problem}", file=sys.stderr)
        return 2
    from kzeval.landing.loader import pseudonym_key_problem

    problem = pseudonym_key_problem(args.landing)  # before any landing starts: one line, no traceback
    if problem:
        print(f"kzeval run: {problem}", file=sys.stderr)
        return 2

    result = run_assessment(
        args.year, args.landing, args.warehouse, readings=args.reading, hold_back_share=args.hold_back_share
    )
    _print_summary(result)
    if not result.success:
        print(f"Run for {args.year} did not complete; the published warehouse is unchanged.", file=sys.stderr)
        return 1
    if args.strict and (
        result.tables_missing or any(f["status"] != "loaded" for f in result.files if f["status"] != "already_loaded")
    ):
        print("--strict: some tables are missing or some files were held back.", file=sys.stderr)
        return 2
    print(f"Warehouse published: {args.warehouse}")
    return 0


def cmd_generate(args: argparse.Namespace) -> int:
    if args.scale == "sample":
        from kzeval.generate.sample import generate_sample

        counts = generate_sample(args.out, seed=args.seed, year=args.year)
    else:
        from kzeval.generate.national import generate_national

        counts = generate_national(args.out, seed=args.seed, year=args.year, fraction=args.fraction)
    for table, n in sorted(counts.items()):
        print(f"{table:<24} {n:>12,}")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from kzeval.generate.sample import generate_sample
    from kzeval.runner import run_assessment

    landing = args.landing or Path("data/sample_drop")
    print(f"Generating the embedded sample drop in {landing} ...")
    generate_sample(landing, seed=42, year=SAMPLE_YEAR)
    print(f"Running the {SAMPLE_YEAR} assessment into {args.warehouse} ...")
    result = run_assessment(SAMPLE_YEAR, landing, args.warehouse)
    _print_summary(result)
    if not result.success:
        return 1
    _print_ranking(args.warehouse, SAMPLE_YEAR)
    print(f"\nWarehouse: {args.warehouse}  (open read-only: duckdb -readonly {args.warehouse})")
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    from kzeval.validate import ValidationStopped, validate_drop

    try:
        problems = validate_drop(args.landing, hold_back_share=args.hold_back_share)
    except ValidationStopped as exc:
        print(f"kzeval validate: {exc}", file=sys.stderr)
        return 2
    return 1 if problems else 0


def cmd_report(args: argparse.Namespace) -> int:
    from kzeval.reports.cli import cmd_report as run_report

    return run_report(args)


def cmd_explain(args: argparse.Namespace) -> int:
    from kzeval.explain import cmd_explain as run_explain

    return run_explain(args)


def cmd_recompute(args: argparse.Namespace) -> int:
    from kzeval.recompute import cmd_recompute as run_recompute

    return run_recompute(args)


def cmd_readings(args: argparse.Namespace) -> int:
    from kzeval.readings_catalogue import cmd_readings as run_readings

    return run_readings(args)


def cmd_sensitivity(args: argparse.Namespace) -> int:
    from kzeval.sensitivity import cmd_sensitivity as run_sensitivity

    return run_sensitivity(args)


def cmd_bench(args: argparse.Namespace) -> int:
    from kzeval.bench import cmd_bench as run_bench

    return run_bench(args)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kzeval", description="Operational assessment of state bodies (CGO/MIO).")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="run the whole pipeline for a year")
    run.add_argument("--year", type=int, required=True)
    run.add_argument("--strict", action="store_true", help="fail when a table is missing or a file is held back")
    run.add_argument("--reading", action="append", default=[], metavar="NAME=VALUE", help="methodology reading")
    run.add_argument(
        "--hold-back-share", type=float, default=0.05, help="hold a file back whole above this share of bad rows"
    )
    _add_common(run, landing=True)
    run.set_defaults(func=cmd_run)

    demo = sub.add_parser("demo", help="build the embedded sample drop, run it, print the ranking")
    demo.add_argument("--landing", type=Path, default=None)
    _add_common(demo)
    demo.set_defaults(func=cmd_demo)

    gen = sub.add_parser("generate", help="write synthetic landing data in the contracts' format")
    gen.add_argument("--scale", choices=("sample", "national"), default="sample")
    gen.add_argument("--fraction", type=float, default=1.0)
    gen.add_argument("--out", type=Path, required=True)
    gen.add_argument("--seed", type=int, default=42)
    gen.add_argument("--year", type=int, default=SAMPLE_YEAR)
    gen.set_defaults(func=cmd_generate)

    val = sub.add_parser("validate", help="check a drop without loading it; print every problem")
    val.add_argument("--hold-back-share", type=float, default=0.05)
    _add_common(val, landing=True)
    val.set_defaults(func=cmd_validate)

    rep = sub.add_parser("report", help="conclusions (legal forms) per body, or the national ranking")
    rep.add_argument("--year", type=int, required=True)
    rep.add_argument("--agency", default=None, help="assessed body; omit for the national ranking")
    rep.add_argument("--format", choices=("xlsx", "html"), default="html")
    rep.add_argument("--out", type=Path, default=None)
    _add_common(rep)
    rep.set_defaults(func=cmd_report)

    exp = sub.add_parser("explain", help="where a score comes from: formula, inputs, files, corrections")
    exp.add_argument("--year", type=int, required=True)
    exp.add_argument("--agency", required=True)
    exp.add_argument("--indicator", default=None)
    exp.add_argument("--records", action="store_true", help="list contributing records (appeals, turnstile)")
    _add_common(exp)
    exp.set_defaults(func=cmd_explain)

    rec = sub.add_parser("recompute", help="apply commission corrections; print before/after («Таблица разногласий»)")
    rec.add_argument("--year", type=int, required=True)
    rec.add_argument("--agency", required=True)
    _add_common(rec, landing=True)
    rec.set_defaults(func=cmd_recompute)

    rdg = sub.add_parser("readings", help="every named reading: paragraph, confidence, options, default, legal text")
    rdg.add_argument("--confidence", choices=("IN_SEED", "VERIFIED", "HIGH", "MEDIUM", "LOW"), default=None)
    rdg.add_argument("--format", choices=("text", "csv"), default="text")
    rdg.set_defaults(func=cmd_readings)

    sens = sub.add_parser(
        "sensitivity", help="recompute a run year under every option of every reading; publish the robustness"
    )
    sens.add_argument("--year", type=int, required=True)
    sens.add_argument("--readings", nargs="+", default=None, metavar="NAME", help="only these readings")
    _add_common(sens)
    sens.set_defaults(func=cmd_sensitivity)

    bench = sub.add_parser("bench", help="national-scale benchmark: time, memory, rows/s per stage")
    bench.add_argument("--fraction", type=float, default=1.0)
    bench.add_argument("--workdir", type=Path, default=Path("data/bench"))
    bench.add_argument("--seed", type=int, default=42)
    bench.add_argument("--year", type=int, default=SAMPLE_YEAR)
    bench.add_argument(
        "--years",
        type=int,
        default=None,
        help="run N consecutive national years (from --year) into one warehouse: per-year cost and disk growth",
    )
    bench.set_defaults(func=cmd_bench)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
