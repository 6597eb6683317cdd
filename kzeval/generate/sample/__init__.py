"""Deterministic, realistic SAMPLE landing drop (≈10 CGO + ≈10 MIO) for `kzeval demo`, tests and CI.

Every figure is synthetic but shaped so that the scores spread across the efficiency tiers:
each assessed body has a *quality* per direction (0 = poor … 1 = excellent) that drives its
rates (late services, late reviews, overtime, survey answers …). The same seed always gives
byte-identical files: one ``random.Random`` per (table, assessed body) seeded with a string
(hashed with SHA-512 by Python, so independent of ``PYTHONHASHSEED``), deterministic
iteration order, no clock; tuning one body never shifts another's figures. Employees are
pseudonymous (``E000123``, never IINs) and form ONE population shared by ``employees``,
``turnstile_events``, ``overtime_orders``, ``corps_b_evaluations``, ``training``,
``dismissals``, ``qualifications`` and ``promotions`` (survey respondents are anonymous).

The national-scale generators are separate modules of this package; the sample keeps its
own small turnstile generator (≈25 employees per assessed body's central office, every
working day of the year minus vacations, total < 300k events).

Modules by role: ``profile`` (the bodies' qualities and intended tiers), ``units``,
``population``, ``draws`` (seeded streams), ``state`` (what every table is drawn from),
one mixin per group of tables (``hr``, ``services``, ``appeals``, ``bodies``) and ``writer``
(CSV in contract order). Row building shared with the national generator is in
:mod:`kzeval.generate.rows`, the working-day calendar in :mod:`kzeval.generate.workdays`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from kzeval.contracts import CONTRACTS
from kzeval.generate.rows import SKIPPED_TABLES
from kzeval.generate.sample.appeals import AppealTables
from kzeval.generate.sample.bodies import BodyTables
from kzeval.generate.sample.hr import PersonnelTables
from kzeval.generate.sample.profile import HIGH_LATENESS, INSPECTED, QUALITY
from kzeval.generate.sample.services import ServiceTables
from kzeval.generate.sample.writer import write_csv

__all__ = ["HIGH_LATENESS", "INSPECTED", "QUALITY", "generate_sample"]


class _Sample(PersonnelTables, ServiceTables, AppealTables, BodyTables):
    """The sample: its state (:class:`SampleState`) and one mixin per group of tables."""


def generate_sample(out_dir: Path, seed: int = 42, year: int = 2024) -> dict[str, int]:
    """Write the sample landing drop to ``out_dir/<table>/<file>.csv``; return rows per table.

    Every contract table except ``calendar`` (kzeval ships calendars) and ``corrections``
    is written; ``turnstile_events`` as monthly files ``<YYYY-MM>.csv``. Existing files of
    the same names are overwritten, other files are left alone.
    """
    out_dir = Path(out_dir)
    sample = _Sample(seed, year)
    counts: dict[str, int] = {}

    def put(table: str, rows: Iterable[Sequence[Any]], file: str | None = None, preformatted: bool = False) -> None:
        path = out_dir / table / (file or f"{table}_{year}.csv")
        counts[table] = counts.get(table, 0) + write_csv(path, table, rows, preformatted)

    put("agencies", sample.agencies(), "agencies.csv")
    events, orders = sample.turnstile()
    for month in range(1, 13):
        put("turnstile_events", events[month], f"{year}-{month:02d}.csv", preformatted=True)
    put("overtime_orders", orders)
    put("headcount_monthly", sample.headcount())
    put("employees", sample.employees())
    put("dismissals", sample.dismissals())
    put("training", sample.training())
    put("internships", sample.internships())
    put("personal_files", sample.personal_files())
    put("qualifications", sample.qualifications())
    put("promotions", sample.promotions())
    put("competitions", sample.competitions())
    put("hr_strategy", sample.hr_strategy())
    put("survey_responses", sample.survey())
    put("corps_b_evaluations", sample.corps_b())
    rendered = sample.services_rendered()
    volumes = sample._volumes(rendered)
    put("services_rendered", rendered)
    put("service_violations", sample.service_violations(volumes))
    put("service_satisfaction", sample.service_satisfaction())
    put("service_complaints", sample.service_complaints(volumes))
    put("service_register", sample.service_register())
    put("service_automation", sample.service_automation(volumes))
    put("appeals", sample.appeals())
    put("openness_points", sample.openness_points())
    put("openness_media", sample.openness_media())
    put("it_report", sample.it_report())
    put("reporting_penalties", sample.reporting_penalties())
    missing = sorted(set(CONTRACTS) - set(counts) - set(SKIPPED_TABLES))
    if missing:
        raise RuntimeError(f"sample generator does not cover tables: {missing}")
    return dict(sorted(counts.items()))
