"""Corps «Б» individual evaluation, current model (seed 000, order No 121 of 28 Jul 2025).

Seed 000: Methodology of the East Kazakhstan oblast akimat, 23 Sep 2025 No 240, which
restates the Agency's Typical methodology (order No 13 as amended by order No 121). Every
constant of the quarterly sheet, the disciplinary caps, the exclusions and the grade bands
lives here; ``kzeval.corps_b`` holds the formulas only.

Scores are handled in *hundredths of a point* (integers) wherever a rule works at two
decimals (caps 2,99 / 1,99, band edges 3,99 …), so that half-up rounding and band lookup
are exact and never depend on binary floating point.

Owned by the corps «Б» work (kzeval.corps_b).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from kzeval.methodology.base import IndicatorDef, ReadingDef

EDITION = "2025"
SOURCE = "seed 000 (East Kazakhstan akimat No 240 of 23.09.2025; Agency order No 121 of 28.07.2025)"

# Seed 000, resolution para. 5: «распространяется на отношения, возникшие с 1 июля 2025 года».
# A quarter is scored by this edition when it ends on or after this day (2025 Q3 onwards);
# earlier quarters by the ranking method (kzeval.methodology.corps_b_2018).
EDITION_FROM = date(2025, 7, 1)

# --- Evaluation sheet (Appendices 1 and 2, IN SEED) -----------------------------------------
SHEETS = ("leader", "non_leader")
PARAMETERS_PER_SHEET = 5
PARAMETER_COLUMNS: tuple[str, ...] = ("p1", "p2", "p3", "p4", "p5")
# Parameter 5 «Отсутствие дисциплинарных взысканий» carries the sanction rule (Q13).
SANCTION_PARAMETER_COLUMN = "p5"
PARAMETER_NAMES_RU: dict[str, tuple[str, ...]] = {
    # Appendix 1 «Оценочный лист лица, занимающего руководящую должность»
    "leader": (
        "Обеспечение качественного выполнения задач в курируемых подразделениях (курируемыми служащими)",
        "Обеспечение соблюдения сроков выполнения задач в курируемых подразделениях (курируемыми служащими)",
        "Лидерство и навыки принятия решений",
        "Соблюдение трудовой дисциплины оцениваемым лицом",
        "Отсутствие дисциплинарных взысканий",
    ),
    # Appendix 2 «Оценочный лист лица, занимающего не руководящую должность»
    "non_leader": (
        "Качество выполнения функциональных обязанностей",
        "Соблюдение сроков выполнения задач",
        "Самостоятельность и инициативность",
        "Соблюдение трудовой дисциплины",
        "Отсутствие дисциплинарных взысканий",
    ),
}

# Para. 18: «Оценивающим лицом выставляются оценки от 0 до 5-ти».
PARAMETER_MIN = 0
PARAMETER_MAX = 5  # the landing contract bounds p1–p5 with these (kzeval.contracts)

# --- Rounding ---------------------------------------------------------------------------------
# Bands are stated at two decimals (3,99 / 4,00), so every score is rounded half up to 2 decimals.
SCORE_DECIMALS = 2
SCORE_SCALE = 10**SCORE_DECIMALS  # hundredths of a point per point
# Guard against binary representation (3.995 is stored as 3.99499999…): added in hundredths
# before flooring. Real inputs carry at most a few decimals, so this never moves a true value.
ROUNDING_EPSILON = 1e-6

# --- Disciplinary caps (parameter 5 note on both sheets, IN SEED) ----------------------------
# Landing `sanction` enum: "reprimand" = замечание, выговор, строгий выговор → ≤ 2,99;
# "severe" = иные виды взысканий, incl. offences discrediting the civil service → ≤ 1,99.
# Values in hundredths of a point; None = no cap.
SANCTION_CAP_HUNDREDTHS: dict[str, int | None] = {
    "none": None,
    "reprimand": 299,
    "severe": 199,
}

# --- Exclusions (para. 6, IN SEED) ------------------------------------------------------------
# «менее одного месяца со дня назначения»: the landing data carries a day count, so one month
# is read as 30 calendar days: 29 days → not assessed, 30 days → assessed.
MIN_DAYS_IN_POSITION = 30
# «не менее пятнадцати фактически отработанных … рабочих дней»: 14 → not assessed, 15 → assessed.
MIN_WORKED_DAYS = 15
EXCLUSION_REASON_DAYS_IN_POSITION = "days_in_position_under_one_month"
EXCLUSION_REASON_WORKED_DAYS = "worked_days_under_15"


# --- Grade bands (para. 8, seeds 000 and 002 identical, IN SEED) ------------------------------
@dataclass(frozen=True)
class GradeBand:
    """One result of para. 8: the lowest score (in hundredths) that earns it, and its legal label."""

    code: str
    min_hundredths: int
    label_ru: str


# Highest band first; a score gets the first band whose lower edge it reaches.
GRADE_BANDS: tuple[GradeBand, ...] = (
    GradeBand("effective", 400, "Выполняет функциональные обязанности эффективно"),
    GradeBand("proper", 300, "Выполняет функциональные обязанности надлежащим образом"),
    GradeBand("satisfactory", 200, "Выполняет функциональные обязанности удовлетворительно"),
    GradeBand("unsatisfactory", 0, "Выполняет функциональные обязанности не удовлетворительно"),
)
GRADE_CODES: tuple[str, ...] = tuple(band.code for band in GRADE_BANDS)

# --- Implausible distributions (kzeval data-quality rule, not in the law) ---------------------
# Para. 8 grades are meant to discriminate; a body grading almost everybody «эффективно», or
# everybody identically, points at rubber-stamped sheets. Flag only, scores are not changed.
IMPLAUSIBLE_MIN_ASSESSED = 10  # smaller bodies are too small to judge a share
IMPLAUSIBLE_EFFECTIVE_SHARE = 0.95  # ≥ 95 % «эффективно» among ≥ 10 assessed
IMPLAUSIBLE_UNIFORM_MIN_ASSESSED = 5  # all ≥ 5 assessed staff share one identical annual score
IMPLAUSIBLE_REASON_EFFECTIVE_SHARE = (
    "{share:.1%} оцененных служащих ({assessed}) с оценкой «эффективно»: порог {threshold:.0%} при не менее {minimum}"
)
IMPLAUSIBLE_REASON_UNIFORM = "у всех {assessed} оцененных служащих одинаковая годовая оценка {score:.2f}"

# National rows of the distribution: agency_id of the whole country.
NATIONAL_AGENCY_ID = "KZ"

# --- Landing rule of the edition (kzeval.corps_b.LANDING_RULES; the first word names the column) --
RULE_P5_REQUIRED = (
    "p5 is required when year and quarter end on or after 1 July 2025: seed 000 sheets have five "
    "parameters, the fifth «Отсутствие дисциплинарных взысканий»"
)

SANCTION_CAP_SCOPE = "corps_b.sanction_cap_scope"
QUARTER_SCORE = "corps_b.quarter_score"

INDICATORS: tuple[IndicatorDef, ...] = ()
READINGS: tuple[ReadingDef, ...] = (
    ReadingDef(
        key=SANCTION_CAP_SCOPE,
        options={
            "final_average": "the 2,99 / 1,99 cap limits the sheet's average (средняя итоговая оценка)",
            "parameter5_only": "the cap limits parameter 5 «Отсутствие дисциплинарных взысканий» before averaging",
        },
        default="final_average",
        confidence="MEDIUM",
        paragraph="seed 000, Appendices 1 and 2, parameter 5",
        question="Q13: does the sanction cap limit the sheet's score or parameter 5 only?",
        legal_text="«5. Отсутствие дисциплинарных взысканий … При наличии дисциплинарного взыскания: - в виде "
        "замечания, выговора, строго выговора оценка не может превышать 2,99 баллов; - в виде иных видов "
        "взысканий … оценка не может превышать 1,99 баллов»",
    ),
    ReadingDef(
        key=QUARTER_SCORE,
        options={
            "sheet_mean": "several sheets of one quarter (a move between posts) make the quarter score as their mean",
            "quarter_end_post": "the quarter score is the sheet of the post held at the quarter's end (the "
            "sheet with the latest period_end; the mean where period_end does not tell)",
        },
        default="sheet_mean",
        confidence="MEDIUM",
        paragraph="seed 000 para. 5; seed 002 para. 5",
        question="How several sheets of one quarter (a move between posts) make the quarter score",
        legal_text=(
            "Итоговая оценка формируется автоматически из средней оценки административного "
            'государственного служащего корпуса "Б" за отчетные кварталы календарного года '
            "(seed 000 п. 5); Итоговая оценка по КЦИ и ранжированию складывается из средней оценки "
            'служащего корпуса "Б" за отчетные кварталы (seed 002 п. 5)'
        ),
    ),
)
