"""`kzeval explain`: where a figure comes from — formula with its numbers, inputs, files, corrections.

Reads the published warehouse read-only. For one indicator it prints the value, the
IndicatorDef formula with the stored inputs filled in, the methodology reading, every input,
the landed files and rows it came from (``marts.fct_indicator_lineage``), the reporting
penalties of its direction and the commission corrections applied
(``audit.corrections_applied``); ``--records`` lists the contributing records where they
are record-level (appeals) or gives the SQL to list them (turnstile).

Modules by role: ``labels`` (Russian texts), ``render`` (pure formatting of numbers and
formulas), ``lookups`` (warehouse reads), ``indicator``/``overview``/``people``/``records``
(one explanation each), ``command`` (which explanation a request asks for, and the CLI
command). The lineage writers the pipeline calls live in :mod:`kzeval.lineage`.
"""

from kzeval.explain.command import cmd_explain, explain
from kzeval.explain.labels import BLOCK_LABELS, DIRECTION_LABELS, INPUT_LABELS
from kzeval.explain.lookups import ExplainError, applied_corrections, resolve_body
from kzeval.explain.records import appeal_records, records_section, turnstile_sql
from kzeval.explain.render import format_number, formula_lines, render_formula, select_reading_variant

__all__ = [
    "BLOCK_LABELS",
    "DIRECTION_LABELS",
    "INPUT_LABELS",
    "ExplainError",
    "appeal_records",
    "applied_corrections",
    "cmd_explain",
    "explain",
    "format_number",
    "formula_lines",
    "records_section",
    "render_formula",
    "resolve_body",
    "select_reading_variant",
    "turnstile_sql",
]
