"""`kzeval` command line (spec: outputs.md, «Command line»).

Messages are in English; the figures printed (rankings, explanations, dispute tables) keep the
Russian labels of the legal forms. A user error is one line on stderr and exit status 2 (no
traceback unless ``--debug``); see :mod:`kzeval.cli_support`.
"""

from __future__ import annotations

import argparse
import sys
import traceback
from pathlib import Path

from kzeval.cli_support import UserError
from kzeval.warehouse import DEFAULT_WAREHOUSE

DEFAULT_LANDING = Path("data/landing")
SAMPLE_YEAR = 2024
SAMPLE_DROP = Path("data/sample_drop")
DEFAULT_HOLD_BACK_SHARE = 0.05


class _Formatter(argparse.RawDescriptionHelpFormatter):
    """Keeps the examples' layout in the description/epilog; options show their defaults in their help."""


def _add_common(parser: argparse.ArgumentParser, landing: bool = False) -> None:
    parser.add_argument(
        "--warehouse",
        type=Path,
        default=DEFAULT_WAREHOUSE,
        metavar="FILE",
        help=f"DuckDB warehouse file (default: {DEFAULT_WAREHOUSE}; e.g. --warehouse /srv/kzeval/kzeval.duckdb)",
    )
    if landing:
        parser.add_argument(
            "--landing",
            type=Path,
            default=DEFAULT_LANDING,
            metavar="DIR",
            help=f"landing drop folder, <DIR>/<table>/<file> (default: {DEFAULT_LANDING}; "
            f"e.g. --landing {SAMPLE_DROP}, the demo's drop)",
        )


def _add_output_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--debug", action="store_true", help="show the full traceback of an error (default: one line)")


def _add_run_output_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--verbose",
        action="store_true",
        help="print dbt's and Dagster's own lines (default: they go to a log file next to the warehouse, "
        "logs/<command>-<time>.log)",
    )


def _print_ranking(warehouse: Path, year: int) -> None:
    from kzeval.methodology import BLOCK_LABELS
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
    block_titles = BLOCK_LABELS
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


def _pipeline(args: argparse.Namespace, command: str):  # type: ignore[no-untyped-def]
    """The run's progress printer, the log file of dbt's lines and the Dagster home, for run/demo."""
    from kzeval.cli_support import Progress, log_path
    from kzeval.runner import default_dagster_home

    log_file = None if args.verbose else log_path(Path(args.warehouse).parent / "logs", command)
    return Progress(sys.stdout), log_file, default_dagster_home()


def cmd_run(args: argparse.Namespace) -> int:
    from kzeval.cli_support import prepare_warehouse_folder, quiet_stdout, require_landing, require_year
    from kzeval.runner import run_assessment

    require_year(args.year)
    require_landing(args.landing)
    problem = _check_readings(args.reading)
    if problem:
        raise UserError(problem)
    prepare_warehouse_folder(args.warehouse)
    from kzeval.landing.loader import pseudonym_key_problem

    problem = pseudonym_key_problem(args.landing)  # before any landing starts: one line, no traceback
    if problem:
        raise UserError(problem)

    progress, log_file, home = _pipeline(args, f"run-{args.year}")
    with quiet_stdout(log_file):
        result = run_assessment(
            args.year,
            args.landing,
            args.warehouse,
            readings=args.reading,
            hold_back_share=args.hold_back_share,
            dagster_home=home,
            progress=progress,
        )
    _print_summary(result)
    if log_file is not None:
        print(f"dbt and Dagster output: {log_file}")
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
    from kzeval.cli_support import prepare_warehouse_folder, quiet_stdout
    from kzeval.generate.sample import generate_sample
    from kzeval.runner import run_assessment

    landing = args.landing or SAMPLE_DROP
    prepare_warehouse_folder(args.warehouse)
    print(f"Generating the embedded sample drop in {landing} ...")
    generate_sample(landing, seed=42, year=SAMPLE_YEAR)
    print(f"Running the {SAMPLE_YEAR} assessment into {args.warehouse} ...")
    progress, log_file, home = _pipeline(args, f"demo-{SAMPLE_YEAR}")
    with quiet_stdout(log_file):
        result = run_assessment(SAMPLE_YEAR, landing, args.warehouse, dagster_home=home, progress=progress)
    _print_summary(result)
    if log_file is not None:
        print(f"dbt and Dagster output: {log_file}")
    if not result.success:
        return 1
    _print_ranking(args.warehouse, SAMPLE_YEAR)
    print(f"\nWarehouse: {args.warehouse}  (open read-only: .venv/bin/duckdb -readonly {args.warehouse})")
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    from kzeval.cli_support import require_landing
    from kzeval.validate import ValidationStopped, validate_drop

    require_landing(args.landing)
    try:
        problems = validate_drop(args.landing, hold_back_share=args.hold_back_share)
    except ValidationStopped as exc:
        print(f"kzeval validate: {exc}", file=sys.stderr)
        return 2
    return 1 if problems else 0


def cmd_report(args: argparse.Namespace) -> int:
    from kzeval.cli_support import require_warehouse
    from kzeval.reports.cli import cmd_report as run_report

    require_warehouse(args.warehouse)
    return run_report(args)


def cmd_explain(args: argparse.Namespace) -> int:
    from kzeval.cli_support import require_warehouse
    from kzeval.explain import cmd_explain as run_explain

    require_warehouse(args.warehouse)
    return run_explain(args)


def cmd_recompute(args: argparse.Namespace) -> int:
    from kzeval.cli_support import log_path, quiet_stdout, require_landing, require_warehouse, require_year
    from kzeval.recompute import RecomputeError, recompute

    require_year(args.year)
    require_landing(args.landing)
    require_warehouse(args.warehouse)
    log_file = None if args.verbose else log_path(Path(args.warehouse).parent / "logs", f"recompute-{args.year}")
    try:
        with quiet_stdout(log_file):  # the trial run's dbt lines go to the log file
            result = recompute(args.year, args.agency, Path(args.landing), Path(args.warehouse))
    except RecomputeError as problem:
        print(f"kzeval recompute: {problem}", file=sys.stderr)
        return 2
    print(result.text)
    if log_file is not None:
        print(f"dbt and Dagster output: {log_file}")
    return 0


def cmd_pseudonym(args: argparse.Namespace) -> int:
    """Print the keyed pseudonym of each IIN (argument or stdin lines); nothing else."""
    import polars as pl

    from kzeval.pseudonym import (
        EMPLOYEE_ID_COLUMN,
        IIN_COLUMN,
        PseudonymKeyError,
        load_pseudonym_key,
        replace_iin_column,
    )

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


def cmd_readings(args: argparse.Namespace) -> int:
    from kzeval.readings_catalogue import cmd_readings as run_readings

    return run_readings(args)


def cmd_sensitivity(args: argparse.Namespace) -> int:
    from kzeval.sensitivity import cmd_sensitivity as run_sensitivity

    return run_sensitivity(args)


def cmd_bench(args: argparse.Namespace) -> int:
    from kzeval.bench import cmd_bench as run_bench

    return run_bench(args)


def _sub(
    sub: argparse._SubParsersAction,  # type: ignore[type-arg]
    name: str,
    summary: str,
    examples: str,
) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = sub.add_parser(
        name,
        help=summary,
        description=summary[0].upper() + summary[1:] + ".",
        epilog="examples:\n" + examples.strip("\n"),
        formatter_class=_Formatter,
    )
    _add_output_flags(parser)
    return parser


def _year_option(parser: argparse.ArgumentParser, required: bool = True, default: int | None = None) -> None:
    from pipelines.partitions import FIRST_YEAR

    what = f"assessment year, {FIRST_YEAR} to the current year"
    parser.add_argument(
        "--year",
        type=int,
        required=required,
        default=default,
        metavar="YYYY",
        help=f"{what} ({'required' if required else f'default: {default}'}; e.g. --year 2024)",
    )


def _hold_back_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--hold-back-share",
        type=float,
        default=DEFAULT_HOLD_BACK_SHARE,
        metavar="SHARE",
        help=f"hold a file back whole when more than this share of its rows is bad "
        f"(default: {DEFAULT_HOLD_BACK_SHARE}; e.g. --hold-back-share 0.1)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kzeval",
        description="Operational assessment of state bodies (CGO/MIO). Every command: kzeval COMMAND --help.",
        formatter_class=_Formatter,
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = _sub(
        sub,
        "run",
        "run the whole pipeline for a year and publish the warehouse",
        """
  kzeval run --year 2024 --landing data/sample_drop
  kzeval run --year 2024 --landing data/sample_drop --reading svc.automation_effectiveness=product
""",
    )
    _year_option(run)
    run.add_argument(
        "--strict",
        action="store_true",
        help="exit 2 when a table is missing or a file is held back (default: report them, exit 0)",
    )
    run.add_argument(
        "--reading",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a methodology reading other than its default, repeatable (default: none, every reading's "
        "default; e.g. --reading svc.automation_effectiveness=product; names in kzeval/methodology/*.py)",
    )
    _hold_back_option(run)
    _add_common(run, landing=True)
    _add_run_output_flags(run)
    run.set_defaults(func=cmd_run)

    demo = _sub(
        sub,
        "demo",
        "build the embedded sample drop, run it, print the ranking",
        """
  kzeval demo
  kzeval demo --landing /tmp/drop --warehouse /tmp/warehouse/kzeval.duckdb
""",
    )
    demo.add_argument(
        "--landing",
        type=Path,
        default=None,
        metavar="DIR",
        help=f"where to write the sample drop (default: {SAMPLE_DROP}; e.g. --landing /tmp/drop)",
    )
    _add_common(demo)
    _add_run_output_flags(demo)
    demo.set_defaults(func=cmd_demo)

    gen = _sub(
        sub,
        "generate",
        "write synthetic landing data in the contracts' format",
        """
  kzeval generate --scale sample --out /tmp/drop --seed 42
  kzeval generate --scale national --fraction 0.05 --out /tmp/national
""",
    )
    gen.add_argument(
        "--scale",
        choices=("sample", "national"),
        default="sample",
        help="sample: 20 bodies, seconds; national: every body at real volumes (default: sample)",
    )
    gen.add_argument(
        "--fraction",
        type=float,
        default=1.0,
        metavar="F",
        help="national scale only: share of the national year's volumes, in (0, 1] "
        "(default: 1.0 = the full national year, ≈ 75 million turnstile events; e.g. --fraction 0.05)",
    )
    gen.add_argument(
        "--out",
        type=Path,
        required=True,
        metavar="DIR",
        help="folder to write the drop to (required; e.g. --out /tmp/drop)",
    )
    gen.add_argument("--seed", type=int, default=42, help="random seed (default: 42; e.g. --seed 7)")
    gen.add_argument(
        "--year", type=int, default=SAMPLE_YEAR, metavar="YYYY", help=f"year of the data (default: {SAMPLE_YEAR})"
    )
    gen.set_defaults(func=cmd_generate)

    val = _sub(
        sub,
        "validate",
        "check a drop without loading it; print every problem (exit 1 if any)",
        """
  kzeval validate --landing data/sample_drop
""",
    )
    _hold_back_option(val)
    _add_common(val, landing=True)
    val.set_defaults(func=cmd_validate)

    rep = _sub(
        sub,
        "report",
        "conclusions (legal forms) per body, or the national ranking",
        """
  kzeval report --year 2024 --agency CGO-MF --format html
  kzeval report --year 2024 --format xlsx
""",
    )
    _year_option(rep)
    rep.add_argument(
        "--agency",
        default=None,
        metavar="ID",
        help="assessed body (default: none, the national ranking; e.g. --agency CGO-MF)",
    )
    rep.add_argument("--format", choices=("xlsx", "html"), default="html", help="report format (default: html)")
    rep.add_argument(
        "--out",
        type=Path,
        default=None,
        metavar="FILE",
        help="output file (default: data/reports/<year>/<agency or national>.<format>)",
    )
    _add_common(rep)
    rep.set_defaults(func=cmd_report)

    exp = _sub(
        sub,
        "explain",
        "where a score comes from: formula, inputs, files, corrections",
        """
  kzeval explain --year 2024 --agency CGO-MF
  kzeval explain --year 2024 --agency CGO-MF --indicator appeal_review_timeliness --records
  kzeval explain --year 2024 --agency CGO-MF --indicator hr_overtime --records   # N1, N2, W and the day records
  kzeval explain --year 2024 --agency CGO-MF --indicator corps_b                 # corps «Б» distribution
  kzeval explain --year 2024 --agency CGO-MF --employee E000003                  # one employee's grade
""",
    )
    _year_option(exp)
    exp.add_argument("--agency", required=True, metavar="ID", help="assessed body (required; e.g. --agency CGO-MF)")
    exp.add_argument(
        "--indicator",
        default=None,
        metavar="CODE",
        help="indicator code, direction, block or corps_b (default: none, the body's overview; "
        "e.g. --indicator appeal_review_timeliness; codes in marts.dim_indicators)",
    )
    exp.add_argument(
        "--employee",
        default=None,
        metavar="PSEUDONYM",
        help="a corps «Б» employee's annual grade with the quarters and sheets behind it (default: none; "
        "e.g. --employee p_32e412470a3093b8; `kzeval pseudonym` gives it from an IIN)",
    )
    exp.add_argument(
        "--records",
        action="store_true",
        help="list the contributing records (appeals, turnstile days) (default: off)",
    )
    _add_common(exp)
    exp.set_defaults(func=cmd_explain)

    rec = _sub(
        sub,
        "recompute",
        "apply commission corrections; print before/after («Таблица разногласий»)",
        """
  kzeval recompute --year 2024 --agency CGO-MF --landing data/sample_drop
""",
    )
    _year_option(rec)
    rec.add_argument("--agency", required=True, metavar="ID", help="assessed body (required; e.g. --agency CGO-MF)")
    _add_common(rec, landing=True)
    _add_run_output_flags(rec)
    rec.set_defaults(func=cmd_recompute)

    rdg = _sub(
        sub,
        "readings",
        "every named reading: paragraph, confidence, options, default, the seed's deciding words",
        """
  kzeval readings                       # all readings as a table
  kzeval readings --confidence LOW      # only the LOW-confidence ones
  kzeval readings --format csv > readings.csv
""",
    )
    rdg.add_argument(
        "--confidence",
        choices=("IN_SEED", "VERIFIED", "HIGH", "MEDIUM", "LOW"),
        default=None,
        help="only readings of this confidence (default: all; e.g. --confidence LOW)",
    )
    rdg.add_argument(
        "--format", choices=("text", "csv"), default="text", help="output format (default: text; e.g. --format csv)"
    )
    rdg.set_defaults(func=cmd_readings)

    sens = _sub(
        sub,
        "sensitivity",
        "recompute a run year under every option of every reading; publish how robust each tier is",
        """
  kzeval sensitivity --year 2024                                   # every option of every reading
  kzeval sensitivity --year 2024 --readings svc.k3_cap hr.gender   # only these readings
""",
    )
    _year_option(sens)
    sens.add_argument(
        "--readings",
        nargs="+",
        default=None,
        metavar="NAME",
        help="only these readings (default: every reading; e.g. --readings svc.k3_cap)",
    )
    _add_common(sens)
    sens.set_defaults(func=cmd_sensitivity)

    bench = _sub(
        sub,
        "bench",
        "national-scale benchmark: time, memory, rows/s per stage",
        """
  kzeval bench --fraction 0.05 --workdir data/bench     # a few minutes
  kzeval bench --fraction 1 --workdir data/bench        # the full national year, ≈ 7 min
""",
    )
    bench.add_argument(
        "--fraction",
        type=float,
        default=1.0,
        metavar="F",
        help="share of the national year to generate and run, in (0, 1] "
        "(default: 1.0 = the full national year, ≈ 7 min on 2 cores; e.g. --fraction 0.05)",
    )
    bench.add_argument(
        "--workdir",
        type=Path,
        default=Path("data/bench"),
        metavar="DIR",
        help="where the drop and the runs' warehouses go (default: data/bench)",
    )
    bench.add_argument("--seed", type=int, default=42, help="random seed of the drop (default: 42)")
    bench.add_argument(
        "--year",
        type=int,
        default=SAMPLE_YEAR,
        metavar="YYYY",
        help=f"year to generate and run (default: {SAMPLE_YEAR})",
    )
    bench.add_argument(
        "--years",
        type=int,
        default=None,
        metavar="N",
        help="run N consecutive national years (from --year) into one warehouse and print per-year cost and "
        "disk growth (default: one year; e.g. --years 5)",
    )
    bench.set_defaults(func=cmd_bench)

    pse = _sub(
        sub,
        "pseudonym",
        "print the keyed pseudonym of an IIN (needs KZEVAL_PSEUDONYM_KEY); prints nothing else",
        """
  KZEVAL_PSEUDONYM_KEY_FILE=/secure/key kzeval pseudonym 900101300123
  kzeval pseudonym < iins.txt          # one IIN per line, one pseudonym per line
""",
    )
    pse.add_argument(
        "iin",
        nargs="?",
        default=None,
        help="the 12-digit IIN (default: read one per line from stdin; prefer stdin, "
        "an argument stays in the shell history)",
    )
    pse.set_defaults(func=cmd_pseudonym)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except UserError as problem:
        if getattr(args, "debug", False):
            raise
        print(f"kzeval {args.command}: {problem}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"kzeval {args.command}: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # an unexpected failure: one line, the traceback with --debug
        if getattr(args, "debug", False):
            traceback.print_exc()
            return 1
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        print(
            f"kzeval {args.command}: {type(exc).__name__}: {first} (run again with --debug for the traceback)",
            file=sys.stderr,
        )
        return 1


if __name__ == "__main__":
    sys.exit(main())
