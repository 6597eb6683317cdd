"""Corps «Б» individual evaluation, ranking method (order No 13 of 16.01.2018, wording before order No 121).

Quarters ending before 1 July 2025 (``corps_b_2025.EDITION_FROM``) are scored by the ranking
method of the Typical methodology (order No 13), as seed 002 (Kerbulak district maslikhat,
26.04.2023 No 03-28) applies it (spec data-contracts ``corps_b_evaluations``, «Editions»):

* four parameters, each 0–5 (seed 002 para. 33): quality, deadlines, independence and
  initiative, labour discipline — landing columns p1 … p4, p5 empty;
* no disciplinary caps (the 2,99 / 1,99 note is a seed 000 novelty, parameter 5);
* not assessed under one month in the post (seed 002 para. 6); seed 002 has no
  15-worked-days rule (that is seed 000 para. 6, second sentence);
* the grade bands of para. 8, word for word those of seed 000;
* the annual score is the mean over the reporting quarters (para. 5), as in seed 000.

KPI sheets of heads (seed 002 ch. 2) need the admissible-score table of Typical App. 3,
which is not in the seeds (spec Q14): such sheets are rejected on landing with that reason.

Owned by the corps «Б» work (kzeval.corps_b); the formulas live there.
"""

from __future__ import annotations

from datetime import date

from kzeval.methodology import corps_b_2025 as current
from kzeval.methodology.base import IndicatorDef, ReadingDef

EDITION = "2018"
SOURCE = "seed 002 (Kerbulak maslikhat No 03-28 of 26.04.2023; Typical methodology, order No 13 of 16.01.2018)"

# The ranking method starts with order No 13 of 16 January 2018. Earlier quarters were scored
# under the 2016 typical methodology (order No 110, seed 003 era), whose quarterly model is not
# in the seeds (methodology.md §8.3, RECONSTRUCTED-LOW): such sheets are rejected on landing.
EDITION_FROM = date(2018, 1, 1)

# --- Evaluation sheet (seed 002 para. 33; Typical App. 4) --------------------------------------
PARAMETERS_PER_SHEET = 4  # «Σ/4» — RECONSTRUCTED-HIGH by analogy with seed 000 (methodology.md §8.2)
PARAMETER_COLUMNS: tuple[str, ...] = ("p1", "p2", "p3", "p4")
# Landing column that must stay empty on a ranking sheet (it has four parameters).
UNUSED_PARAMETER_COLUMN = "p5"
PARAMETER_NAMES_RU: tuple[str, ...] = (
    "качество выполнения функциональных обязанностей",
    "соблюдение сроков выполнения задач",
    "самостоятельность и инициативность",
    "трудовая дисциплина",
)

# --- Disciplinary caps: none in the ranking method ----------------------------------------------
SANCTION_CAP_HUNDREDTHS: dict[str, int | None] = {"none": None, "reprimand": None, "severe": None}

# --- Exclusions (seed 002 para. 6) -------------------------------------------------------------
# «менее одного месяца»: read as 30 calendar days, as in the 2025 edition. No worked-days rule.
MIN_DAYS_IN_POSITION = 30
MIN_WORKED_DAYS = 0

# --- Grade bands (seed 002 para. 8 is word for word seed 000 para. 8) -----------------------------
GRADE_BANDS = current.GRADE_BANDS

# --- KPI sheets of heads (seed 002 ch. 2): not scored ----------------------------------------------
KPI_SHEET = "kpi"

# --- Landing rules of the edition (kzeval.corps_b.LANDING_RULES; the first word names the column) ---
RULE_KPI_SHEET = (
    "sheet kpi is not scored: KPI sheets of heads (seed 002 ch. 2) need the admissible-score table "
    "of Typical methodology App. 3, which is not available"
)
RULE_P5_EMPTY = (
    "p5 must be empty when year and quarter end before 1 July 2025: the ranking method has four "
    "parameters (seed 002 para. 33)"
)
RULE_BEFORE_EDITION = (
    "year before 2018 has no corps «Б» edition in the seeds (the 2016 typical methodology, seed 003 era)"
)

INDICATORS: tuple[IndicatorDef, ...] = ()
READINGS: tuple[ReadingDef, ...] = ()
