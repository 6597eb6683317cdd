"""``docs/landing.md``: the landing contracts as a document, generated from :mod:`kzeval.contracts`.

The loader, the pandera schemas and this document all read the same :data:`CONTRACTS`, so the
document cannot drift from what the loader accepts: ``tests/unit/test_contracts_doc.py``
compares the committed file with :func:`render_landing_doc`. Regenerate it with
``python -m kzeval.contracts_doc`` after changing a contract.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path

from kzeval.contracts import CONTRACTS, Column, TableContract
from kzeval.generated_file import write_or_check
from kzeval.landing.loader import DEFAULT_HOLD_BACK_SHARE
from kzeval.pseudonym import IIN_COLUMN, NAME_COLUMNS

DOC_PATH = Path(__file__).resolve().parents[1] / "docs" / "landing.md"

SOURCE_TITLES: Mapping[str, str] = {
    "reference": "Reference",
    "turnstile": "Turnstile (electronic pass system), monthly drops",
    "ekyzmet": "E-kyzmet (HR information system) exports",
    "survey": "Employee survey",
    "monitoring": "Public-service monitoring (IS «Мониторинг», state control, public monitoring)",
    "appeals": "Appeals (AIS «Единый учет обращений лиц», form 1-ОЛ), record level",
    "openness": "Openness (assessment sheets)",
    "it": "IT application (Appendix 8 report)",
    "reconciliation": "Reconciliation acts (Акт сверки)",
    "disputes": "Corrections (decisions of the special commission)",
}

# One line per table: what a row is. A contract's own ``description`` takes precedence.
TABLE_TITLES: Mapping[str, str] = {
    "agencies": "assessed bodies and their units (sub-units roll up to an assessed body)",
    "calendar": "official production calendar: the type of every day",
    "turnstile_events": "one pass through a gate (in or out)",
    "overtime_orders": "overtime ordered by an act of the employer",
    "headcount_monthly": "headcount of a unit per month",
    "employees": "roster of administrative civil servants",
    "dismissals": "one dismissal",
    "training": "one due qualification upgrade or retraining",
    "internships": "interns received and staff sent on internships",
    "personal_files": "completeness of personal files in E-kyzmet",
    "qualifications": "one row per employee: qualification flags",
    "promotions": "one appointment to a vacant post",
    "competitions": "one competition for a post",
    "hr_strategy": "execution of the HR strategy",
    "survey_responses": "one answer of an employee to a survey statement (Appendix 9)",
    "corps_b_evaluations": "one quarterly evaluation sheet of a corps «Б» employee (seed 000)",
    "services_rendered": "monthly aggregates per public service and channel",
    "service_violations": "state control and inspection results per service",
    "service_satisfaction": "public monitoring: satisfaction per service",
    "service_complaints": "justified complaints about service quality",
    "service_register": "the register of public services of a body",
    "service_automation": "CGO automation figures",
    "appeals": "one complaint, application or other appeal",
    "openness_points": "points of an openness assessment sheet item",
    "openness_media": "openness through the media",
    "it_report": "the Appendix 8 IT report of a body",
    "reporting_penalties": "a penalty of a reconciliation act for unreliable, incomplete or late reporting",
    "corrections": "one decision of the special commission on an agency's objection",
}

TYPE_TEXT: Mapping[str, str] = {
    "string": "text",
    "date": "date",
    "timestamp": "timestamp",
    "bool": "bool",
    "count": "count (integer ≥ 0)",
    "decimal": "number",
    "enum": "one of",
    "hhmm": "time HH:MM",
    "int": "integer",
}


def _general_rules() -> str:
    names = ", ".join(f"`{n}`" for n in sorted(NAME_COLUMNS))
    return f"""## General rules (all tables)

- **Layout**: a drop is a folder, `<landing>/<table>/<any name>.csv|xlsx|parquet`; a file belongs to the
  table named by its folder, and a table may have several files (monthly drops).
- **Formats**: CSV in UTF-8 (with or without BOM) or Windows-1251, delimiter `,` or `;`, decimal point or
  comma (quote such values when the delimiter is `,`); XLSX (first sheet, header in row 1); Parquet.
- **Headers**: the column names below; order is free; extra columns are kept in raw storage and ignored;
  a missing required column rejects the file.
- **Types**: dates `YYYY-MM-DD` or `DD.MM.YYYY`; timestamps ISO (Asia/Almaty wall clock, no offset) or
  `DD.MM.YYYY HH:MM[:SS]`; booleans true/false, 1/0, да/нет; counts are non-negative integers.
- **Bad rows** go to `quarantine.rows` with file, row number (data rows from 1), column, value and reason;
  the good rows of the file load. A file with more than {DEFAULT_HOLD_BACK_SHARE:.0%} bad rows is held back
  whole (`--hold-back-share`).
- **Duplicates**: rows identical on the table's key load once; conflicting duplicates (same key, other
  values) are quarantined. The same file again (same SHA-256) changes nothing; a new version of a file
  replaces its earlier version's rows.
- **Personal data**: an `{IIN_COLUMN}` column is replaced on landing by a keyed pseudonym in the column
  marked «pseudonym» below (key: `KZEVAL_PSEUDONYM_KEY`); name columns ({names}) are dropped before
  anything is stored.
"""


def _rule(column: Column) -> str:
    parts: list[str] = []
    if column.choices:
        parts.append(" \\| ".join(f"`{c}`" for c in column.choices))
    if column.min_value is not None and column.max_value is not None:
        parts.append(f"{column.min_value:g} – {column.max_value:g}")
    elif column.min_value is not None and column.type != "count":
        parts.append(f"≥ {column.min_value:g}")
    elif column.max_value is not None:
        parts.append(f"≤ {column.max_value:g}")
    if column.pii:
        parts.append(f"pseudonym (deliver `{IIN_COLUMN}` instead to have it made on landing)")
    return "; ".join(parts)


def _table_section(contract: TableContract) -> str:
    title = contract.description or TABLE_TITLES.get(contract.name, "")
    lines = [f"### `{contract.name}`" + (f" — {title}" if title else ""), ""]
    facts = [f"key ({', '.join(f'`{k}`' for k in contract.key)})"]
    if contract.agency_column:
        facts.append(f"body column `{contract.agency_column}` (must exist in `agencies`)")
    period = contract.year_column or contract.date_column
    if period:
        facts.append(f"period column `{period}`")
    sentence = "; ".join(facts)
    lines += [sentence[0].upper() + sentence[1:] + ".", ""]
    lines += ["| column | type | required | rule |", "|---|---|---|---|"]
    for column in contract.columns:
        required = "yes" if column.required else "no"
        lines.append(f"| `{column.name}` | {TYPE_TEXT.get(column.type, column.type)} | {required} | {_rule(column)} |")
    if contract.extra_rules:
        lines += ["", "Row rules: " + "; ".join(f"`{r.text}`" for r in contract.extra_rules) + "."]
    return "\n".join(lines) + "\n"


def render_landing_doc() -> str:
    """The whole document, deterministic (tables grouped by source in contract order)."""
    out = [
        "# Landing data contracts",
        "",
        "<!-- Generated from kzeval/contracts.py by `python -m kzeval.contracts_doc`; do not edit by hand. -->",
        "",
        "What kzeval accepts from the source systems: one section per landing table, with the columns,",
        "types and rules the loader enforces. Only `agencies` is required in a drop; figures whose inputs",
        "are missing are reported as not computed.",
        "",
        _general_rules(),
    ]
    sources: list[str] = []
    for contract in CONTRACTS.values():
        if contract.source not in sources:
            sources.append(contract.source)
    for source in sources:
        out += [f"## {SOURCE_TITLES.get(source, source)}", ""]
        for contract in CONTRACTS.values():
            if contract.source == source:
                out.append(_table_section(contract))
    return "\n".join(out).rstrip() + "\n"


def main(argv: list[str] | None = None) -> int:
    """Write docs/landing.md (or the path given); ``--check`` exits 1 when the file differs."""
    return write_or_check(render_landing_doc, DOC_PATH, "kzeval.contracts_doc", argv)


if __name__ == "__main__":
    sys.exit(main())
