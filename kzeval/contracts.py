"""Landing data contracts (spec: data-contracts.md) as data.

Kept whole though over 600 lines: one contract per landing table, mirroring data-contracts.md
table by table, so a contract change is made in one place (issue 20).

One :class:`TableContract` per landing table: columns with their type and rule, the key
that defines duplicates, and the period column used to match superseding files. The
pandera schemas (``kzeval.landing.schemas``), the readers and the warehouse tables
``raw.<table>`` / ``history.<table>`` (:mod:`kzeval.schema`) are generated from here, so a
contract change is made in one place.

Cross-field row rules are typed values (:data:`RowRule`), not strings parsed at run time: each
knows its text (the docs line and the pandera check's name) and the columns it reads.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import polars as pl

from kzeval.corps_b import LANDING_RULES
from kzeval.methodology import corps_b_2018, corps_b_2025

ColumnType = Literal["string", "date", "timestamp", "bool", "count", "decimal", "enum", "hhmm", "int"]


@dataclass(frozen=True)
class Column:
    name: str
    type: ColumnType
    required: bool = True
    choices: tuple[str, ...] = ()
    min_value: float | None = None
    max_value: float | None = None
    pii: bool = False
    description: str = ""
    sql_default: str | None = None  # DuckDB DEFAULT of a warehouse column (kzeval.schema.registry)


@dataclass(frozen=True)
class LessOrEqual:
    """``left <= right`` on every row where both are set."""

    left: str
    right: str

    @property
    def text(self) -> str:
        return f"{self.left} <= {self.right}"


@dataclass(frozen=True)
class NotBefore:
    """``left >= right`` (a date not before another) on every row where both are set."""

    left: str
    right: str

    @property
    def text(self) -> str:
        return f"{self.left} >= {self.right}"


@dataclass(frozen=True)
class Positive:
    """``column > 0`` where set."""

    column: str

    @property
    def text(self) -> str:
        return f"{self.column} > 0"


@dataclass(frozen=True)
class RequiredIf:
    """``column`` must be set on every row where ``trigger`` is set."""

    column: str
    trigger: str

    @property
    def text(self) -> str:
        return f"{self.column} required when {self.trigger} is set"


@dataclass(frozen=True)
class ExactlyOne:
    """Exactly one of ``first`` and ``second`` is set."""

    first: str
    second: str

    @property
    def text(self) -> str:
        return f"exactly one of {self.first}, {self.second}"


@dataclass(frozen=True)
class RowPredicate:
    """A row rule given as a polars expression (true = valid); ``text`` is the reason, its first word the column."""

    text: str
    valid: pl.Expr = field(compare=False, hash=False, repr=False)


@dataclass(frozen=True)
class CrossTable:
    """A rule that needs another table: documented here, checked in the indicator modules."""

    text: str


RowRule = LessOrEqual | NotBefore | Positive | RequiredIf | ExactlyOne | RowPredicate | CrossTable


def _predicate(text: str) -> RowPredicate:
    """A corps «Б» edition rule: its text in the methodology module, its expression in :mod:`kzeval.corps_b`."""
    return RowPredicate(text, LANDING_RULES[text])


@dataclass(frozen=True)
class TableContract:
    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    source: str
    agency_column: str | None = "agency_id"
    year_column: str | None = None
    date_column: str | None = None
    description: str = ""
    extra_rules: tuple[RowRule, ...] = field(default_factory=tuple)

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)


def _c(name: str, type_: ColumnType, required: bool = True, **kw: object) -> Column:
    return Column(name, type_, required, **kw)  # type: ignore[arg-type]


def _counts(*names: str, required: bool = True) -> tuple[Column, ...]:
    return tuple(_c(n, "count", required, min_value=0) for n in names)


def _bools(*names: str, required: bool = True) -> tuple[Column, ...]:
    return tuple(_c(n, "bool", required) for n in names)


LEVELS = ("central", "territorial", "oblast", "city", "district", "rural")
DIRECTIONS = ("services", "openness", "appeals", "hr", "it")
OPENNESS_CRITERIA = (
    "open_data",
    "open_budget",
    "open_legal_acts",
    "open_dialogue",
    "open_website",
    "open_subordinate_penalty",
)

CONTRACTS: dict[str, TableContract] = {}


def _add(contract: TableContract) -> None:
    CONTRACTS[contract.name] = contract


_add(
    TableContract(
        "agencies",
        (
            _c("agency_id", "string"),
            _c("name_ru", "string"),
            _c("name_kk", "string", False),
            _c("body_type", "enum", choices=("CGO", "MIO")),
            _c("parent_agency_id", "string", False),
            _c("is_assessed", "bool"),
            _c("region_code", "string", False),
            _c("level", "enum", False, choices=LEVELS),
            _c("workday_end", "hhmm", False),
            # para. 40(1) headcount units (CGO central offices, the akim's apparatus); optional
            _c("is_apparatus", "bool", False),
        ),
        key=("agency_id",),
        source="reference",
        agency_column=None,
    )
)
_add(
    TableContract(
        "calendar",
        (_c("date", "date"), _c("day_type", "enum", choices=("workday", "weekend", "holiday"))),
        key=("date",),
        source="reference",
        agency_column=None,
        date_column="date",
    )
)
_add(
    TableContract(
        "turnstile_events",
        (
            _c("employee_id", "string", pii=True),
            _c("agency_id", "string"),
            _c("event_ts", "timestamp"),
            _c("direction", "enum", choices=("in", "out")),
            _c("gate_id", "string", False),
        ),
        key=("employee_id", "event_ts", "direction"),
        source="turnstile",
        date_column="event_ts",
    )
)
_add(
    TableContract(
        "overtime_orders",
        (
            _c("employee_id", "string", pii=True),
            _c("agency_id", "string"),
            _c("date", "date"),
            _c("hours", "decimal", min_value=0, max_value=24),
            _c("act_ref", "string", False),
        ),
        key=("employee_id", "date", "act_ref"),
        source="turnstile",
        date_column="date",
        extra_rules=(Positive("hours"),),
    )
)
_add(
    TableContract(
        "headcount_monthly",
        (_c("agency_id", "string"), _c("month_end", "date"), *_counts("actual_headcount", "staff_posts")),
        key=("agency_id", "month_end"),
        source="ekyzmet",
        date_column="month_end",
    )
)
_add(
    TableContract(
        "employees",
        (
            _c("employee_id", "string", pii=True),
            _c("agency_id", "string"),
            _c("gender", "enum", choices=("F", "M")),
            _c("corps", "enum", choices=("A", "B")),
            _c("position_category", "string", False),
            _c("is_leadership", "bool"),
            _c("hired_on", "date"),
            _c("left_on", "date", False),
            _c("as_of", "date", False),  # the roster's date: a year uses its own newest roster
        ),
        key=("employee_id", "agency_id", "as_of"),
        source="ekyzmet",
        date_column="as_of",
    )
)
_add(
    TableContract(
        "dismissals",
        (
            _c("employee_id", "string", pii=True),
            _c("agency_id", "string"),
            _c("dismissed_on", "date"),
            _c("left_system", "enum", choices=("civil_service", "agency")),
            *_bools("exit_interview_done", "exempt_from_interview", "negative_reason"),
            _c("interview_channel", "enum", False, choices=("electronic", "paper")),  # App. 12 note 6
            _c("voluntary", "bool", False),  # «по собственному желанию», App. 12
        ),
        key=("employee_id", "agency_id", "dismissed_on"),
        source="ekyzmet",
        date_column="dismissed_on",
    )
)
_add(
    TableContract(
        "training",
        (
            _c("employee_id", "string", pii=True),
            _c("agency_id", "string"),
            _c("kind", "enum", choices=("qualification", "retraining")),
            _c("due_by", "date"),
            _c("completed_on", "date", False),
        ),
        key=("employee_id", "agency_id", "kind", "due_by"),
        source="ekyzmet",
        date_column="due_by",
    )
)
_add(
    TableContract(
        "internships",
        (_c("agency_id", "string"), _c("year", "int"), *_counts("interns_sent", "interns_received")),
        key=("agency_id", "year"),
        source="ekyzmet",
        year_column="year",
    )
)
_add(
    TableContract(
        "personal_files",
        (_c("agency_id", "string"), _c("as_of", "date"), *_counts("employees", "files_complete")),
        key=("agency_id", "as_of"),
        source="ekyzmet",
        date_column="as_of",
        extra_rules=(LessOrEqual("files_complete", "employees"),),
    )
)
_add(
    TableContract(
        "qualifications",
        (
            _c("employee_id", "string", pii=True),
            _c("agency_id", "string"),
            *_bools(
                "candidate_of_science",
                "doctor_of_science",
                "phd",
                "academy_graduate",
                "bolashak",
                "nu_graduate",
                "foreign_education",
                "aspirant",
                "youth_reserve",
                "masters_kz",
            ),
            _c("as_of", "date", False),  # same rule as employees.as_of
        ),
        key=("employee_id", "agency_id", "as_of"),
        source="ekyzmet",
        date_column="as_of",
    )
)
_add(
    TableContract(
        "promotions",
        (
            _c("employee_id", "string", pii=True),
            _c("agency_id", "string"),
            _c("appointed_on", "date"),
            *_bools("from_within_system", "is_entry_level"),
        ),
        key=("employee_id", "agency_id", "appointed_on"),
        source="ekyzmet",
        date_column="appointed_on",
    )
)
_add(
    TableContract(
        "competitions",
        (
            _c("competition_id", "string"),
            _c("agency_id", "string"),
            _c("held_on", "date"),
            *_bools("took_place", "has_observer", "has_video"),
            *_counts("video_violations"),
        ),
        key=("competition_id",),
        source="ekyzmet",
        date_column="held_on",
    )
)
_add(
    TableContract(
        "hr_strategy",
        (
            _c("agency_id", "string"),
            _c("year", "int"),
            _c("strategy_status", "enum", choices=("approved_full", "approved_partial", "none")),
            _c("execution_pct", "decimal", False, min_value=0, max_value=100),
        ),
        key=("agency_id", "year"),
        source="ekyzmet",
        year_column="year",
    )
)
_add(
    TableContract(
        "survey_responses",
        (
            _c("respondent_id", "string"),
            _c("agency_id", "string"),
            _c("year", "int"),
            *tuple(_c(f"q{i}", "int", False, min_value=1, max_value=4) for i in range(1, 27)),
            _c("q27", "int", False, min_value=1, max_value=2),
            _c("q28", "int", False, min_value=1, max_value=2),
        ),
        key=("respondent_id", "year"),
        source="survey",
        year_column="year",
    )
)
_P_MIN, _P_MAX = corps_b_2025.PARAMETER_MIN, corps_b_2025.PARAMETER_MAX  # para. 18: «от 0 до 5-ти»
_add(
    TableContract(
        "corps_b_evaluations",
        (
            _c("employee_id", "string", pii=True),
            _c("agency_id", "string"),
            _c("year", "int"),
            _c("quarter", "int", min_value=1, max_value=4),
            # "kpi" (KPI sheet of a head, seed 002 ch. 2) is recognised only to be rejected with its reason
            _c("sheet", "enum", choices=(*corps_b_2025.SHEETS, "kpi")),
            *tuple(_c(f"p{i}", "decimal", min_value=_P_MIN, max_value=_P_MAX) for i in range(1, 5)),
            # changed 2026-12-04: p5 is empty on ranking sheets (quarters ending before 1 July 2025)
            _c("p5", "decimal", False, min_value=_P_MIN, max_value=_P_MAX),
            _c("sanction", "enum", choices=("none", "reprimand", "severe")),
            *_counts("days_in_position", "worked_days"),
            _c("calibrated_score", "decimal", False, min_value=0, max_value=5),
            # added 2026-12-04 (kzeval): last day in the post within the quarter, for the reading
            # corps_b.quarter_score=quarter_end_post (which sheet is the post held at the quarter's end)
            _c("period_end", "date", False),
        ),
        key=("employee_id", "agency_id", "year", "quarter"),
        source="ekyzmet",
        year_column="year",
        extra_rules=(
            _predicate(corps_b_2018.RULE_KPI_SHEET),
            _predicate(corps_b_2025.RULE_P5_REQUIRED),
            _predicate(corps_b_2018.RULE_P5_EMPTY),
            _predicate(corps_b_2018.RULE_BEFORE_EDITION),
        ),
    )
)
_add(
    TableContract(
        "services_rendered",
        (
            _c("agency_id", "string"),
            _c("service_code", "string"),
            _c("month", "date"),
            _c("channel", "enum", choices=("electronic", "paper", "state_corp")),
            *_counts("rendered", "overdue", "overdue_excluded_outage"),
        ),
        key=("agency_id", "service_code", "month", "channel"),
        source="monitoring",
        date_column="month",
        extra_rules=(LessOrEqual("overdue", "rendered"), LessOrEqual("overdue_excluded_outage", "overdue")),
    )
)
_add(
    TableContract(
        "service_violations",
        (
            _c("agency_id", "string"),
            _c("service_code", "string"),
            _c("year", "int"),
            _c("source", "enum", choices=("self_report", "inspection")),
            *_counts("overdue", "unjustified_refusals", "incomplete_package", "extra_documents"),
        ),
        key=("agency_id", "service_code", "year", "source"),
        source="monitoring",
        year_column="year",
    )
)
_add(
    TableContract(
        "service_satisfaction",
        (
            _c("agency_id", "string"),
            _c("service_code", "string"),
            _c("year", "int"),
            _c("satisfaction_score", "decimal", min_value=1, max_value=5),
            *_counts("respondents"),
        ),
        key=("agency_id", "service_code", "year"),
        source="monitoring",
        year_column="year",
    )
)
_add(
    TableContract(
        "service_complaints",
        (_c("agency_id", "string"), _c("year", "int"), *_counts("justified_complaints")),
        key=("agency_id", "year"),
        source="monitoring",
        year_column="year",
    )
)
_add(
    TableContract(
        "service_register",
        (
            _c("service_code", "string"),
            _c("agency_id", "string"),
            _c("automation", "enum", choices=("none", "partial", "full")),
            _c("in_mobile_app", "bool"),
            _c("excluded_by_commission_on", "date", False),
            _c("proactive_since", "date", False),
            # the register «действовавший в оцениваемом периоде» (seed 004 para. 48); null: applies to
            # every year, and the K3 figures built on it are provisional (added 2026-12-04)
            _c("year", "int", False),
        ),
        key=("service_code", "agency_id", "year"),
        source="monitoring",
        year_column="year",
    )
)
_add(
    TableContract(
        "service_automation",
        (
            _c("agency_id", "string"),
            _c("year", "int"),
            *_counts("volume_electronic", "volume_total", "volume_paper_automated", "volume_total_automated"),
            _c("unavailability_hours", "decimal", min_value=0),
            *_counts("proactive_converted", "digital_documents"),
            # para. 50: the volumes include the CGO's services rendered by MIOs; optionally that part
            *_counts("volume_electronic_mio", "volume_total_mio", required=False),
        ),
        key=("agency_id", "year"),
        source="monitoring",
        year_column="year",
        extra_rules=(
            LessOrEqual("volume_electronic", "volume_total"),
            LessOrEqual("volume_paper_automated", "volume_total_automated"),
            LessOrEqual("volume_electronic_mio", "volume_electronic"),
            LessOrEqual("volume_total_mio", "volume_total"),
            LessOrEqual("volume_electronic_mio", "volume_total_mio"),
        ),
    )
)
_add(
    TableContract(
        "appeals",
        (
            _c("appeal_id", "string"),
            _c("agency_id", "string"),
            _c("kind", "string"),
            _c("received_on", "date"),
            _c("due_on", "date"),
            _c("reviewed_on", "date", False),
            _c("redirected_on", "date", False),
            _c("redirect_due_on", "date", False),
            _c("court_satisfied_on", "date", False),  # entry into force of the decision (para. 9)
            _c("disciplinary", "enum", False, choices=("yes", "no", "impossible")),
        ),
        key=("appeal_id",),
        source="appeals",
        date_column="received_on",
        extra_rules=(NotBefore("due_on", "received_on"), RequiredIf("redirect_due_on", "redirected_on")),
    )
)
_add(
    TableContract(
        "openness_points",
        (
            _c("agency_id", "string"),
            _c("year", "int"),
            _c("criterion", "enum", choices=OPENNESS_CRITERIA),
            _c("item", "string"),
            _c("language", "enum", choices=("kk", "ru")),
            _c("points", "decimal", False, min_value=0),
            # 2026-12-04: an item the body is not assessed on (points empty): para. 67, Tables 2 and 6 notes
            _c(
                "not_assessed",
                "enum",
                False,
                choices=("secret_budget", "dsp_budget", "mod_mfa", "mod_excluded", "national_bank"),
            ),
        ),
        key=("agency_id", "year", "criterion", "item", "language"),
        source="openness",
        year_column="year",
        extra_rules=(
            CrossTable("points <= Appendix 10 maximum for item and body type"),
            ExactlyOne("points", "not_assessed"),
        ),
    )
)
_add(
    TableContract(
        "openness_media",
        (
            _c("agency_id", "string"),
            _c("year", "int"),
            _c("language", "enum", choices=("kk", "ru")),
            *_counts("events_high_publicity", "events_total", "media_requests", "media_answers", "media_answers_late"),
            _c("media_satisfied_pct", "decimal", min_value=0, max_value=100),
            _c("population_satisfied_pct", "decimal", min_value=0, max_value=100),
        ),
        key=("agency_id", "year", "language"),
        source="openness",
        year_column="year",
        extra_rules=(LessOrEqual("media_answers_late", "media_answers"),),
    )
)
_add(
    TableContract(
        "it_report",
        (
            _c("agency_id", "string"),
            _c("year", "int"),
            *_counts("systems_registered", "systems_total"),
            _c("smart_city_sum", "decimal", False, min_value=0, max_value=6900),
            _c("records_current_weighted_pct", "decimal", min_value=0, max_value=100),
            *_counts(
                "functions_automated",
                "functions_total",
                "digital_unit_staff",
                "digital_unit_it_educated",
                "staff_total",
                "staff_ict_certified",
            ),
            _c("contracts_amount_kzt", "decimal", min_value=0),
            _c("contracts_local_content_kzt", "decimal", min_value=0),
            *_counts("indicators_total", "indicators_automatic", "unused_systems", required=False),
            # App. 8 Table 1 «Общее количество записей»; systems marked «ДСП» (para. 57, left out)
            *_counts("records_total", "systems_dsp", required=False),
        ),
        key=("agency_id", "year"),
        source="it",
        year_column="year",
        description=(
            "Appendix 8 report. contracts_amount_kzt and contracts_local_content_kzt cover executed contracts only "
            "(App. 8 Table 5, «Статус договора»: исполнен); systems_total and systems_registered count the systems "
            "not marked ДСП, counted apart in systems_dsp (para. 57)."
        ),
    )
)
_add(
    TableContract(
        "reporting_penalties",
        (
            _c("agency_id", "string"),
            _c("year", "int"),
            _c("direction", "enum", choices=DIRECTIONS),
            _c("kind", "enum", choices=("unreliable", "incomplete", "late")),
            *_counts("facts"),
            _c("act_ref", "string"),
        ),
        key=("agency_id", "year", "direction", "kind", "act_ref"),
        source="reconciliation",
        year_column="year",
    )
)
_add(
    TableContract(
        "corrections",
        (
            _c("correction_id", "string"),
            _c("agency_id", "string"),
            _c("year", "int"),
            _c("table", "string"),
            _c("key", "string"),
            _c("column", "string"),
            _c("new_value", "string", False),
            _c("decided_on", "date"),
            _c("decision_ref", "string"),
            _c("note", "string", False),
            # added 2026-12-04: paras. 109, 111 (objection deadline) and para. 114 (accepted or rejected)
            _c("conclusion_received_on", "date", False),
            _c("objection_sent_on", "date", False),
            _c("decision", "enum", False, choices=("accepted", "rejected")),
        ),
        key=("correction_id",),
        source="disputes",
        year_column="year",
        extra_rules=(NotBefore("objection_sent_on", "conclusion_received_on"),),
    )
)

INTERACTION_TABLES = (
    "agencies",
    "calendar",
    "services_rendered",
    "service_violations",
    "service_satisfaction",
    "service_complaints",
    "service_register",
    "service_automation",
    "appeals",
    "openness_points",
    "openness_media",
    "reporting_penalties",
)

# Tables whose figures of a year read only the rows dated in that year: table → the date column
# that places a row in its year. A yearly run reads only those rows of them (a date range on the
# raw column, which Parquet row-group statistics prune: ``kzeval.lineage.year_range_sql``), and
# records only them as the year's sources. Add a table only when every use of its frame keeps the
# rows of the assessed year alone:
# * services_rendered — ``b`` (T1, para. 41) is the services rendered in the year, summed over the
#   year's months (paras. 40–41); every use filters ``month``'s year = the assessed year
#   (``kzeval.indicators.services_inputs.resolve_service_violations`` and ``bodies_with_rows``).
# Not year-local, so read whole: the service register (para. 48: undated rows apply to every year,
# commission decisions count within an age window) and openness_points (its rule checks quarantine
# the rows of every year). A table some commission correction targets is read whole as well
# (``kzeval.steps.core.landing_frames``): a correction may name, or move, a row of another year.
YEAR_SCOPED_READS: dict[str, str] = {
    "services_rendered": "month",
}
