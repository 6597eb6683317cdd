"""``dbt_project/models/sources.yml``, generated from the schema registry.

Every table dbt reads (``source('<source>', '<table>')``) is declared in
:mod:`kzeval.schema.registry`; this module writes the one ``sources.yml`` from it, with the
freshness of the landing tables (read from the load ledger). ``tests/test_schema_registry.py``
compares the committed file with :func:`render_sources` (CI). Regenerate it with
``python -m kzeval.schema.dbt`` after changing a table.
"""

from __future__ import annotations

import json
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

from kzeval.generated_file import write_or_check
from kzeval.schema.registry import TABLES, Freshness, Table

SOURCES_PATH = Path(__file__).resolve().parents[2] / "dbt_project" / "models" / "sources.yml"
FOLD_WIDTH = 120  # descriptions longer than this are written as folded blocks
WRAP_WIDTH = 92


@dataclass(frozen=True)
class Source:
    """One dbt source: a warehouse schema as dbt sees it."""

    name: str
    schema: str
    description: str
    comment: tuple[str, ...] = ()
    freshness: Freshness | None = None


# Yearly sources arrive once a year (by February of the next one); monthly drops have their own.
YEARLY = Freshness(400, 760)
SOURCES: tuple[Source, ...] = (
    Source(
        "raw",
        "raw",
        "Landed rows of each landing table (validated; rejected rows are in quarantine.rows).",
        comment=(
            "Freshness from the load ledger: when a file of the table last loaded (`dbt source freshness`,",
            "scripts/dbt_freshness.sh). Yearly sources arrive once a year (by February of the next one).",
        ),
        freshness=YEARLY,
    ),
    Source("core", "core", "Scores computed by the kzeval Python library (formulas live there, not in SQL)."),
    Source("audit", "audit", "Load ledger of every landed file and every correction applied."),
    Source(
        "landing_audit",
        "audit",
        "Row counts kept by the loader (kzeval/landing/loader.py) for the data-quality mart.",
    ),
    Source("quarantine", "quarantine", "Every rejected row with file, row number, column and reason."),
)
GENERATED_NOTE = "# Generated from kzeval/schema/registry.py by `python -m kzeval.schema.dbt`; do not edit by hand."


def _scalar(text: str, indent: int) -> str:
    """A description: double-quoted on one line, or a folded block when long."""
    if len(text) <= FOLD_WIDTH:
        return json.dumps(text, ensure_ascii=False)
    pad = " " * indent
    return ">\n" + "\n".join(pad + line for line in textwrap.wrap(text, WRAP_WIDTH))


def _freshness_lines(freshness: Freshness, indent: str) -> list[str]:
    return [
        f"{indent}freshness:",
        f"{indent}  warn_after: {{count: {freshness.warn_days}, period: day}}",
        f"{indent}  error_after: {{count: {freshness.error_days}, period: day}}",
    ]


def _loaded_at_query(name: str) -> str:
    return (
        f"select max(loaded_at) from audit.load_ledger where table_name = '{name}' "
        "and status = 'loaded' and superseded_by is null"
    )


def _table_lines(table: Table) -> list[str]:
    lines = [f"      - name: {table.name}", f"        description: {_scalar(table.description, 10)}"]
    if table.contract is not None:
        lines += ["        config:", f'          loaded_at_query: "{_loaded_at_query(table.name)}"']
        if table.no_freshness:
            lines.append("          freshness: null")
        elif table.freshness is not None:
            lines += _freshness_lines(table.freshness, "          ")
    return lines


def render_sources() -> str:
    """The whole ``sources.yml`` (sources in :data:`SOURCES` order, tables in registry order)."""
    out = ["version: 2", "", GENERATED_NOTE, "", "sources:"]
    declared = {s.name for s in SOURCES}
    unknown = sorted({t.source_name for t in TABLES.values() if t.source_name and t.source_name not in declared})
    if unknown:
        raise ValueError(f"tables name dbt sources not in SOURCES: {unknown}")
    for index, source in enumerate(SOURCES):
        if index:
            out.append("")
        out += [
            f"  - name: {source.name}",
            f"    description: {source.description}",
            f"    schema: {source.schema}",
        ]
        out += [f"    # {line}" for line in source.comment]
        if source.freshness is not None:
            out += ["    config:", *_freshness_lines(source.freshness, "      ")]
        out.append("    tables:")
        for table in TABLES.values():
            if table.source_name == source.name:
                if table.schema != source.schema:
                    raise ValueError(f"{table.qualified} is in source {source.name} of schema {source.schema}")
                out += _table_lines(table)
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Write sources.yml (or the path given); ``--check`` exits 1 when the file differs."""
    return write_or_check(render_sources, SOURCES_PATH, "kzeval.schema.dbt", argv)


if __name__ == "__main__":
    sys.exit(main())
