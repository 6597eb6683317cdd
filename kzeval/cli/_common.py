"""What every `kzeval` command shares: option helpers, user errors, dbt's output, the run summary.

- :class:`UserError`: a problem the user can fix (a missing folder, a year outside the
  partitions). ``kzeval`` prints it as one line and exits with status 2; no traceback unless
  ``--debug`` (:func:`run_command`).
- Option helpers (:func:`sub`, :func:`add_common`, :func:`year_option`, ...): every option states
  its default and every command shows examples (tests/test_cli_tools.py checks it).
- :func:`quiet_stdout`: dbt's ~200 lines (and anything else the pipeline prints) go to a log
  file unless ``--verbose``; dbt's colours are turned off whenever its output is not a terminal.
  The progress printer itself is :class:`kzeval.progress.Progress` (the pipeline's steps write
  to it, so it lives in the library).

Messages of the command line are in English; the figures it prints (rankings, explanations,
dispute tables) keep the Russian labels of the legal forms.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import sys
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from kzeval.landing.loader import DEFAULT_HOLD_BACK_SHARE
from kzeval.methodology import active_readings
from kzeval.methodology.base import parse_reading_overrides
from kzeval.progress import Progress
from kzeval.settings import DEFAULT_LANDING, DEFAULT_WAREHOUSE
from pipelines.launch import RunResult, default_dagster_home
from pipelines.partitions import FIRST_YEAR, is_year_partition, today_in_kazakhstan

SAMPLE_YEAR = 2024
SAMPLE_DROP = Path("data/sample_drop")

Subparsers = argparse._SubParsersAction  # type: ignore[type-arg]


class UserError(Exception):
    """A problem with the command's arguments or environment that the user can fix; one line."""


# ---------------------------------------------------------------------------------------
# Options
# ---------------------------------------------------------------------------------------


class Formatter(argparse.RawDescriptionHelpFormatter):
    """Keeps the examples' layout in the description/epilog; options show their defaults in their help."""


def sub(subparsers: Subparsers, name: str, summary: str, examples: str) -> argparse.ArgumentParser:
    """A command's parser: its summary as description, its examples as epilog, ``--debug``."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        name,
        help=summary,
        description=summary[0].upper() + summary[1:] + ".",
        epilog="examples:\n" + examples.strip("\n"),
        formatter_class=Formatter,
    )
    parser.add_argument("--debug", action="store_true", help="show the full traceback of an error (default: one line)")
    return parser


def add_common(parser: argparse.ArgumentParser, landing: bool = False) -> None:
    """``--warehouse`` (and ``--landing`` when the command reads a drop)."""
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


def add_run_output_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--verbose",
        action="store_true",
        help="print dbt's and Dagster's own lines (default: they go to a log file next to the warehouse, "
        "logs/<command>-<time>.log)",
    )


def year_option(parser: argparse.ArgumentParser, required: bool = True, default: int | None = None) -> None:
    what = f"assessment year, {FIRST_YEAR} to the current year"
    parser.add_argument(
        "--year",
        type=int,
        required=required,
        default=default,
        metavar="YYYY",
        help=f"{what} ({'required' if required else f'default: {default}'}; e.g. --year 2024)",
    )


def hold_back_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--hold-back-share",
        type=float,
        default=DEFAULT_HOLD_BACK_SHARE,
        metavar="SHARE",
        help=f"hold a file back whole when more than this share of its rows is bad "
        f"(default: {DEFAULT_HOLD_BACK_SHARE}; e.g. --hold-back-share 0.1)",
    )


# ---------------------------------------------------------------------------------------
# Checks before any work starts (one line, exit 2)
# ---------------------------------------------------------------------------------------


def require_landing(landing: Path) -> None:
    if not landing.exists():
        raise UserError(
            f"landing folder {landing} does not exist (pass --landing DIR; the demo's drop is data/sample_drop)"
        )
    if not landing.is_dir():
        raise UserError(f"landing folder {landing} is not a folder")


def require_year(year: int) -> None:
    if not is_year_partition(year):
        last = today_in_kazakhstan().year
        raise UserError(f"year {year} is outside the assessment years {FIRST_YEAR}–{last}")


def require_readings(items: list[str]) -> None:
    """Validate ``--reading NAME=VALUE`` before starting a run; the error names the known options."""
    try:
        active_readings(parse_reading_overrides(items))
    except ValueError as exc:
        raise UserError(str(exc)) from None


def prepare_warehouse_folder(warehouse: Path) -> None:
    """Create the warehouse's folder (a run always could); one line when that is impossible."""
    parent = warehouse.parent
    blocking = next((p for p in [parent, *parent.parents] if p.exists()), None)
    if blocking is not None and not blocking.is_dir():
        raise UserError(f"warehouse folder {parent} cannot be created: {blocking} is a file")
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"warehouse folder {parent} cannot be created ({exc.strerror})") from None


def require_warehouse(warehouse: Path) -> None:
    """A command that reads the published warehouse needs it to exist (its folder too)."""
    if not warehouse.parent.exists():
        raise UserError(
            f"warehouse folder {warehouse.parent} does not exist: pass --warehouse FILE of a published warehouse"
        )
    if not warehouse.exists():
        raise UserError(f"warehouse {warehouse} does not exist: run `kzeval run` (or `kzeval demo`) first")


# ---------------------------------------------------------------------------------------
# dbt's output and the run's summary
# ---------------------------------------------------------------------------------------


def log_path(folder: Path, command: str) -> Path:
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    return folder / f"{command}-{stamp}.log"


def command_log(args: argparse.Namespace, command: str) -> Path | None:
    """The log file of dbt's and Dagster's lines next to the warehouse; None with ``--verbose``."""
    return None if args.verbose else log_path(Path(args.warehouse).parent / "logs", command)


@contextlib.contextmanager
def quiet_stdout(log_file: Path | None) -> Iterator[TextIO]:
    """Send what the pipeline prints (dbt's lines) to ``log_file``; yield the real stdout for progress.

    ``log_file`` None (``--verbose``): everything stays on stdout. dbt's colour codes are turned off
    unless its lines reach a terminal.
    """
    real = sys.stdout
    colours = os.environ.get("DBT_USE_COLORS")
    if log_file is None and real.isatty():
        yield real
        return
    os.environ["DBT_USE_COLORS"] = "false"
    try:
        if log_file is None:
            yield real
            return
        log_file.parent.mkdir(parents=True, exist_ok=True)
        with log_file.open("w", encoding="utf-8") as handle, contextlib.redirect_stdout(handle):
            yield real
    finally:
        if colours is None:
            os.environ.pop("DBT_USE_COLORS", None)
        else:
            os.environ["DBT_USE_COLORS"] = colours


def pipeline_output(args: argparse.Namespace, command: str) -> tuple[Progress, Path | None, Path]:
    """The run's progress printer, the log file of dbt's lines and the Dagster home, for run/demo."""
    return Progress(sys.stdout), command_log(args, command), default_dagster_home()


def print_summary(result: RunResult) -> None:
    """What a run loaded, held back, ignored and could not compute (run and demo)."""
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


# ---------------------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------------------


def run_command(args: argparse.Namespace) -> int:
    """Run the parsed command: a user error is one line and exit 2, an unexpected failure one line and
    exit 1 (the traceback with ``--debug``), an interrupt exit 130."""
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
