"""`kzeval validate`: every problem of a drop, without touching the warehouse.

The drop is loaded with the real loader into a throw-away DuckDB file in a temporary
folder (no raw-store copies, nothing near the warehouse), so validation finds exactly what
a run would: unreadable files, bad rows, held-back files, duplicates across files, unknown
agencies, hierarchy errors and the cross-table openness rule. The temporary folder is
deleted afterwards.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import duckdb
import polars as pl

from kzeval.agencies import HierarchyError, assessed_bodies, attach_assessed, resolve_hierarchy
from kzeval.contracts import CONTRACTS
from kzeval.indicators.openness import check_openness_points
from kzeval.landing.loader import (
    DEFAULT_HOLD_BACK_SHARE,
    discover,
    ensure_tables,
    ignored_entries,
    load_table,
    problem_lines,
)
from kzeval.landing.reader import disk_full
from kzeval.pseudonym import PseudonymKeyError
from kzeval.warehouse import configure, ensure_schemas


def _raw(con: duckdb.DuckDBPyConnection, table: str, meta: bool = False) -> pl.DataFrame:
    columns = [f'"{c}"' for c in CONTRACTS[table].column_names]
    if meta:
        columns += ["_file_path", "_row_number"]
    return con.execute(f"SELECT {', '.join(columns)} FROM raw.{table}").pl()


def _cross_table_problems(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Hierarchy errors and the openness rule needing the agencies table, as the run checks them."""

    agencies = _raw(con, "agencies")
    if agencies.height == 0:
        return ["agencies: no usable rows: the agencies table is required for every figure"]
    try:
        resolved = resolve_hierarchy(agencies)
    except HierarchyError as exc:
        return [str(exc)]
    points = _raw(con, "openness_points", meta=True)
    if points.height == 0:
        return []
    bad = check_openness_points(attach_assessed(points, resolved), assessed_bodies(resolved))
    return [
        f"{r['_file_path']}: row {r['_row_number']}, column points, value {str(r['points'])!r}: "
        f"cross-table rule: {r['reason']}"
        for r in bad.sort("_file_path", "_row_number").iter_rows(named=True)
    ]


def validate_drop(landing_dir: Path, hold_back_share: float = DEFAULT_HOLD_BACK_SHARE, echo: bool = True) -> list[str]:
    """Return (and print) one line per problem: bad values (file, row, column, value, reason), rows that
    break a cross-table rule, then files rejected or held back whole."""
    problems: list[str] = []
    found = discover(landing_dir)
    if "agencies" not in found:
        problems.append(f"{landing_dir}: no `agencies` folder: the agencies table is required")
    # what a run would not load: hidden files, symbolic links, files at the root, folders that are no table
    problems.extend(message for _, _, message in ignored_entries(landing_dir))
    tables = sorted((t for t in found if t in CONTRACTS), key=lambda t: (t != "agencies", t))
    file_messages: list[str] = []
    try:
        quarantine, cross_table = _load_into_scratch(landing_dir, tables, hold_back_share, file_messages)
    except (duckdb.Error, OSError) as exc:
        if not disk_full(exc):
            raise
        raise ValidationStopped(
            f"validation stopped: no space left on the device of the temporary folder {tempfile.gettempdir()} "
            "(set TMPDIR to a folder with room for a copy of the drop's rows)"
        ) from exc
    problems.extend(problem_lines(quarantine))
    problems.extend(cross_table)
    problems.extend(file_messages)
    if echo:
        for line in problems:
            print(line)
        files = quarantine.select(pl.col("file_path").n_unique()).item() if quarantine.height else 0
        print(
            f"{len(problems)} problem(s) in {landing_dir}: {quarantine.height} bad value(s) in {files} file(s), "
            f"{len(file_messages)} file(s) rejected or held back"
        )
    return problems


class ValidationStopped(RuntimeError):
    """Validation could not finish for a reason outside the drop (a full temporary folder); the message says which."""


def _load_into_scratch(
    landing_dir: Path, tables: list[str], hold_back_share: float, file_messages: list[str]
) -> tuple[pl.DataFrame, list[str]]:
    """Load the drop into a throw-away DuckDB in a temporary folder: (quarantine rows, cross-table problems)."""

    with tempfile.TemporaryDirectory(prefix="kzeval-validate-") as scratch:
        con = duckdb.connect(str(Path(scratch) / "validate.duckdb"))
        try:
            configure(con, temp_dir=Path(scratch) / "spill")
            ensure_schemas(con)
            ensure_tables(con)
            for table in tables:
                try:
                    outcomes = load_table(con, landing_dir, table, None, hold_back_share)
                except PseudonymKeyError as exc:
                    file_messages.append(f"{landing_dir / table}: {exc}")
                    continue
                file_messages.extend(o.message for o in outcomes if o.status in ("rejected", "held_back"))
            quarantine = con.execute(
                "SELECT * FROM quarantine.rows ORDER BY table_name, file_path, row_number, column_name"
            ).pl()
            cross_table = _cross_table_problems(con) if "agencies" in tables else []
        finally:
            con.close()
    return quarantine, cross_table
