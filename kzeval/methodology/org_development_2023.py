"""Organisational-development block, 2023 edition (seed 001 amending registry 19950).

Kept whole though over 600 lines: one module per legal edition mirrors the act paragraph by
paragraph, so an edition is read and amended in one file (issue 20).

Constants, indicator definitions (methodology §10) and readings for the HR and IT
directions, plus the block-scoring constants read by ``kzeval.indicators.scoring``. The
«Нормированность труда» (para. 40) constants are used by ``kzeval.overtime`` (turnstile
engine) and ``kzeval.indicators.hr``. Formula modules: ``kzeval.indicators.survey``, ``hr``,
``it`` and ``org_development``.
"""

from __future__ import annotations

from collections.abc import Mapping

from kzeval.methodology import interaction_2023 as _interaction
from kzeval.methodology.base import Confidence, IndicatorDef, ReadingDef, Role, compose_source_tables

EDITION = "2023"
BLOCK = "org_development"
BLOCK_LABEL_RU = "Организационное развитие государственного органа"

DIRECTION_HR = "hr"
DIRECTION_IT = "it"
DIRECTIONS = (DIRECTION_HR, DIRECTION_IT)
DIRECTION_LABELS_RU: Mapping[str, str] = {  # the legal names of the directions
    DIRECTION_HR: "Управление персоналом",
    DIRECTION_IT: "Применение информационных технологий",
}

# --- «Нормированность труда», seed 001 para. 40 -------------------------------------
OVERTIME_EXIT_ALLOWANCE_MINUTES = 30  # para. 40(1): time after end of day net of 30 min
OVERTIME_DUPLICATE_EVENT_SECONDS = 120  # data-contracts: repeated events within 2 min = one
DEFAULT_WORKDAY_END = "18:30"  # data-contracts, agencies.workday_end default
NORMAL_HOURS_PER_DAY = 8  # para. 40(1): b = (d − 21) × 8
NORMAL_DAYS_DEDUCTION = 21  # para. 40(1): b = (d − 21) × 8
OVERTIME_K = 5.0  # para. 40(1): N1 coefficient k
OVERTIME_RIGIDITY = 8.0  # para. 40(1): «8 – показатель жесткости»
OVERTIME_SURVEY_K = 5.0  # para. 40(3): N2 coefficient k
OVERTIME_MAX = 10.0  # N = N1 + N2 − W, max 10
# Para. 40(1) headcount scope: «Для МИО применяется средняя фактическая численность работников
# аппарата акима области, столицы и городов республиканского значения» — agencies.is_apparatus;
# without it the level rule is a fallback and N1 is provisional.
OVERTIME_SCOPE_LEVEL_RULE = "level_rule"
OVERTIME_SCOPE_APPARATUS = "is_apparatus"
WEEKEND_PENALTY_BANDS: tuple[tuple[float, float], ...] = (
    # (lower bound of s in hours, inclusive; penalty points), para. 40(2)
    (9.0, 1.0),
    (184.0 + 1e-9, 2.0),  # «свыше 184 часов» → 2
)


# The landing tables the turnstile figures (N1, W and their details) are computed from.
OVERTIME_SOURCE_TABLES = ("turnstile_events", "overtime_orders", "calendar", "headcount_monthly")

# --- Common -------------------------------------------------------------------------
HEADCOUNT_MONTHS = 12  # paras. 37, 40, 45-1: «делится на количество месяцев в году (12)»

# --- Scope of the HR direction, seed 001 para. 28 --------------------------------------
# Units at these `agencies.level` values are not assessed for HR: «за исключением подразделений
# районов (городов областного значения), района в городе, городов районного значения, сел,
# поселков, сельских округов».
HR_SCOPE_EXCLUDED_LEVELS: tuple[str, ...] = ("district", "rural")
# A `city` unit with an ancestor at one of these levels is a city of *oblast* significance
# (excluded); a `city` unit without one is a city of republican significance or the capital
# (included, «городах республиканского значения и столице»).
CITY_LEVEL = "city"
REGIONAL_ANCESTOR_LEVELS: tuple[str, ...] = ("oblast", "territorial")
# «По показателю "Карьерный рост" учитываются назначения из подразделений районов (городов
# областного значения), района в городе» — only villages / rural okrugs stay out.
CAREER_GROWTH_EXCLUDED_LEVELS: tuple[str, ...] = ("rural",)

# --- HR weights (Appendix 13 as restated in seed 001) ---------------------------------
HR_WEIGHTS: dict[str, float] = {
    "hr_net_turnover": 10.0,
    "hr_stability": 5.0,
    "hr_exit_interview": 5.0,
    "hr_gender": 5.0,
    "hr_qualifications": 5.0,
    "hr_overtime": 10.0,
    "hr_overtime_survey": 5.0,  # N2, para. 40(3): k = 5 times a mean of four indices
    "hr_work_conditions": 5.0,
    "hr_management_practices": 5.0,
    "hr_training": 5.0,
    "hr_strategy": 5.0,
    "hr_internships": 2.0,  # bonus, para. 45-1
    "hr_personal_files": 1.5,  # bonus, para. 45-2
    "hr_competition_transparency": 10.0,
    "hr_meritocracy": 10.0,
    "hr_career_growth": 10.0,
    "hr_reward_transparency": 5.0,
    "hr_ethics": 5.0,
}
HR_CRITERIA_MAX: dict[str, float] = {
    "hr_staff_potential": 30.0,
    "hr_work_organisation": 30.0,  # para. 39: «Максимальное значение по данному критерию составляет 30 баллов»
    "hr_meritocracy_culture": 40.0,
}
HR_CRITERIA_COMPONENTS: dict[str, tuple[str, ...]] = {
    "hr_staff_potential": ("hr_net_turnover", "hr_stability", "hr_exit_interview", "hr_gender", "hr_qualifications"),
    "hr_work_organisation": (
        "hr_overtime",
        "hr_work_conditions",
        "hr_management_practices",
        "hr_strategy",
        "hr_training",
        "hr_internships",
        "hr_personal_files",
    ),
    "hr_meritocracy_culture": (
        "hr_competition_transparency",
        "hr_meritocracy",
        "hr_career_growth",
        "hr_reward_transparency",
        "hr_ethics",
    ),
}
HR_DIRECTION_MAX = 100.0

# k coefficients of the formulas («коэффициент для приведения … к весовому значению»)
NET_TURNOVER_K = 10.0
STABILITY_K = 5.0
EXIT_INTERVIEW_K = 5.0  # para. 35
GENDER_K = 5.0
QUALIFICATIONS_K = 5.0  # para. 37
WORK_CONDITIONS_K = 5.0
MANAGEMENT_PRACTICES_K = 5.0
TRAINING_K = 5.0  # para. 44
COMPETITION_K = 10.0  # para. 48
MERITOCRACY_K = 10.0
CAREER_GROWTH_K = 10.0  # para. 50
REWARD_TRANSPARENCY_K = 5.0  # para. 51
ETHICS_K = 5.0

# R «Чистая сменяемость» (base act, RECONSTRUCTED-LOW): R = max(0, k − turnover% × λ)
NET_TURNOVER_LAMBDA: dict[str, float] = {"lambda_1": 1.0, "lambda_0_5": 0.5}
NET_TURNOVER_EMPTY_SHARE = 0.0  # no average headcount → no turnover measured

# St «Стабильность кадрового состава» (base act, RECONSTRUCTED-LOW): St = a / b × k
STABILITY_TENURE_YEARS: dict[str, int] = {"tenure_3_years": 3, "tenure_1_year": 1}

# V «Выходное интервью», para. 35
EXIT_INTERVIEW_NEGATIVE_SHARE = 0.5  # «большинство (более 50%)» — strictly above
EXIT_INTERVIEW_NEGATIVE_PENALTY = 1.5
EXIT_INTERVIEW_EMPTY_RATIO = 1.0  # b = 0 → V = k (spec §5.2, assumed)

# G «Гендерный состав» (base act, RECONSTRUCTED-LOW)
GENDER_TARGET_SHARE = 0.30  # Concept of family and gender policy to 2030: 30 % women in decision-making
GENDER_BANDS: tuple[tuple[float, float], ...] = (
    # (lower bound of the women-leaders share in %, inclusive; points) — placeholder bands
    (30.0, 5.0),
    (20.0, 3.0),
    (10.0, 1.0),
)
GENDER_EMPTY_SHARE = GENDER_TARGET_SHARE  # no leadership posts → nothing to under-represent

# P «Качественный состав персонала», para. 37: a … j → qualifications columns
QUALIFICATION_COLUMNS: tuple[str, ...] = (
    "candidate_of_science",  # a
    "doctor_of_science",  # b
    "phd",  # c
    "academy_graduate",  # d
    "bolashak",  # e
    "nu_graduate",  # f
    "foreign_education",  # g
    "aspirant",  # h
    "youth_reserve",  # i
    "masters_kz",  # j
)

# Survey statements per indicator (Appendix 9 headings)
OVERTIME_SURVEY_STATEMENTS: tuple[int, ...] = (1, 2, 3, 4)  # para. 40(3)
WORK_CONDITIONS_STATEMENTS: tuple[int, ...] = (5, 6, 7, 8)
MANAGEMENT_PRACTICES_STATEMENTS: tuple[int, ...] = (9, 10, 11, 12, 13, 14)
MERITOCRACY_STATEMENTS: tuple[int, ...] = (15, 16, 17, 18)
REWARD_TRANSPARENCY_STATEMENTS: tuple[int, ...] = (19, 20, 21, 22)  # para. 51
ETHICS_STATEMENTS: tuple[int, ...] = (23, 24, 25, 26)
SURVEY_SCORED_STATEMENTS: tuple[int, ...] = tuple(range(1, 27))
SURVEY_SCALE_MIN = 1  # «совершенно не согласен»
SURVEY_SCALE_MAX = 4  # «совершенно согласен»
SURVEY_AGREEING_ANSWERS: tuple[int, ...] = (3, 4)  # reading share_agreeing

# U «Обучение государственных служащих», para. 44
TRAINING_AVERAGING_FACTOR = 0.5  # «0,5 – коэффициент для приведения … к балльному значению»
TRAINING_EMPTY_RATIO = 1.0  # «При отсутствии … подлежащих … a/b = 1» (and c/d = 1)
TRAINING_LATE_PENALTY = 0.5  # per late completion
TRAINING_MISSED_PENALTY = 1.0  # per non-completion
TRAINING_PENALTY_CAP = 5.0

# S «Стратегическое кадровое планирование», para. 45
STRATEGY_STATUS_POINTS: dict[str, float] = {"approved_full": 2.0, "approved_partial": 1.0, "none": 0.0}
STRATEGY_EXECUTION_BANDS: tuple[tuple[float, float], ...] = (
    # (lower bound of execution %, inclusive; points): «не менее 80%» → 3, «60-79,99%» → 2, «40-59,99%» → 1
    (80.0, 3.0),
    (60.0, 2.0),
    (40.0, 1.0),
)

# I «Проведение стажировки» (bonus), para. 45-1
INTERNSHIP_HIGH_SHARE_PCT = 10.0  # «более 10%» → 2 (strictly above)
INTERNSHIP_HIGH_POINTS = 2.0
INTERNSHIP_LOW_SHARE_PCT = 5.0  # «не менее 5% (не более 10%)» → 1
INTERNSHIP_LOW_POINTS = 1.0

# K «Заполняемость ИС Е-қызмет» (bonus), para. 45-2
PERSONAL_FILES_THRESHOLD_PCT = 99.0  # «не менее 99%»
PERSONAL_FILES_POINTS = 1.5

# A «Прозрачность конкурсных процедур», para. 48
COMPETITION_VIDEO_PENALTY_PER_VIOLATION = 1.0
COMPETITION_VIDEO_PENALTY_CAP = 10.0
COMPETITION_EMPTY_RATIO = 1.0  # no competition held → shares count as 1 (by analogy with para. 44)

# C «Карьерный рост», para. 50
CAREER_GROWTH_FULL_THRESHOLD = 0.80  # kr ≥ 0,80 → 10
CAREER_GROWTH_EMPTY_RATIO = 1.0  # no promotion (b = 0) → kr = 1 (by analogy with para. 44)

# --- IT direction (Appendix 16 as restated in seed 001) -------------------------------
IT_SOURCE_TABLES = ("it_report",)  # every IT figure comes from the Appendix 8 report
IT_WEIGHTS: dict[str, tuple[float | None, float | None]] = {
    # code: (CGO, MIO); None = criterion not applied to that body type
    "it_architecture_portal": (30.0, 30.0),
    "it_smart_city": (None, 10.0),  # para. 66: MIO only
    "it_data_currency": (20.0, 20.0),
    "it_function_automation": (25.0, 25.0),
    "it_digital_staff": (20.0, 10.0),  # para. 74-2: k4 = 20 CGO / 10 MIO
    "it_ict_training": (5.0, 5.0),  # para. 74-4: k5 = 5
    "it_local_content": (5.0, 5.0),  # bonus
    "it_data_register": (5.0, None),  # para. 78-1: CGO only, bonus; k6 = 5
}
IT_SMART_CITY_MAX_SUM = 6900.0  # para. 69-2
IT_DIRECTION_MAX = 100.0  # Q11: cap when the F/H bonuses push the total above 100 (assumed)
IT_EMPTY_RATIO = 0.0  # an empty denominator in the Appendix 8 report earns nothing (no «= 1» rule in the act)
# D «Наличие неиспользуемых ИС» (base act §7, RECONSTRUCTED-LOW; Appendix 16 row truncated)
IT_UNUSED_SYSTEM_PENALTY = 1.0  # δ per unused IS, like the 1-point-per-fact penalties of paras. 44, 48
IT_UNUSED_SYSTEMS_PENALTY_CAP = 5.0  # mirrors the 5-point bonuses F and H
IT_UNUSED_SYSTEMS_FLAT_PENALTY = 5.0  # reading "flat": any unused IS costs the cap
# Banded alternative for the share-based IT criteria (reading "banded"): the System's
# 90 / 70 / 50 efficiency edges (interaction para. 108) applied to the share, placeholder.
IT_SHARE_BANDS: tuple[tuple[float, float], ...] = (
    # (lower bound of the share in %, inclusive; fraction of the criterion's weight)
    (90.0, 1.0),
    (70.0, 0.7),
    (50.0, 0.5),
)

# V, Appendix 12 note 6: «количество выходных интервью на бумажном носителе не должно превышать
# 10% от общего количества выходных интервью»
PAPER_INTERVIEW_MAX_SHARE = 0.10
# IT criteria whose denominator can be empty because there is nothing to count (all systems ДСП,
# para. 57; no functions subject to automation): reading it.nothing_to_count.
IT_NOTHING_TO_COUNT_CRITERIA: tuple[str, ...] = ("it_architecture_portal", "it_data_currency", "it_function_automation")

# --- Reporting penalties, para. 24 (Q10) -----------------------------------------------
# Names below are the scoring constants read by kzeval.indicators.scoring (BlockScoringRules).
ORG_LATE_REPORTING_PENALTY: dict[str, float] = {"as_unreliable": 0.2, "as_incomplete": 2.0, "none": 0.0}
LATE_REPORTING_DEFAULT = "as_unreliable"  # reading org.late_reporting_penalty default
PENALTY_POINTS_PER_FACT: dict[str, float] = {
    "unreliable": 0.2,  # amounts of the interaction act para. 20, reused (Q10)
    "incomplete": 2.0,
    "late": ORG_LATE_REPORTING_PENALTY[LATE_REPORTING_DEFAULT],  # para. 24 names late reporting; amount unknown
}
PENALTY_CAP_PER_DIRECTION = 10.0  # para. 24: «не более 10 баллов по каждому направлению»

# --- Block total (Q12, not in seeds) ---------------------------------------------------
ORG_BLOCK_MEAN_WEIGHTS: dict[str, float] = {"hr": 0.5, "it": 0.5}  # reading "mean" (default)
# Reading "interaction_weights": no legal basis; the interaction block's leading 0,5 + 0,2 go to
# the Agency's HR direction, its 0,3 to IT. A placeholder to show sensitivity only.
ORG_BLOCK_INTERACTION_WEIGHTS: dict[str, float] = {"hr": 0.7, "it": 0.3}
BLOCK_WEIGHTS: dict[str, dict[str, float]] = {
    "CGO": dict(ORG_BLOCK_MEAN_WEIGHTS),
    "MIO": dict(ORG_BLOCK_MEAN_WEIGHTS),
}
# Tiers and rounding are shared with the interaction block (para. 108 applied by analogy, spec §7).
TIER_THRESHOLDS = _interaction.TIER_THRESHOLDS
TIER_BELOW = _interaction.TIER_BELOW
SCORE_DECIMALS = _interaction.SCORE_DECIMALS

# --- Reading keys ----------------------------------------------------------------------
READING_AGREEMENT_INDEX = "hr.agreement_index"
READING_NET_TURNOVER = "hr.net_turnover"
READING_STABILITY = "hr.stability"
READING_GENDER = "hr.gender"
READING_QUALIFICATIONS = "hr.qualifications"
READING_WEEKEND_PENALTY = "hr.weekend_penalty_target"
READING_COMPETITION = "hr.competition_transparency"
READING_IT_ARCHITECTURE = "it.architecture_portal"
READING_IT_DATA_CURRENCY = "it.data_currency"
READING_IT_FUNCTION_AUTOMATION = "it.function_automation"
READING_IT_LOCAL_CONTENT = "it.local_content"
READING_IT_UNUSED_SYSTEMS = "it.unused_systems"
READING_IT_TOTAL_CAP = "it.total_cap"
READING_LATE_REPORTING = "org.late_reporting_penalty"
READING_BLOCK_COMBINATION = "org.block_combination"
# Added 2026-12-04 (issues 15, 21): every open choice of seed 001 is a named reading.
READING_EXIT_NEGATIVE_BASE = "hr.exit_interview_negative_base"
READING_EXIT_LEAVERS = "hr.exit_interview_leavers"
READING_PAPER_INTERVIEWS = "hr.paper_interview_limit"
READING_CAREER_DISTRICT = "hr.career_growth_district_posts"
READING_EXIT_ALLOWANCE = "hr.overtime_exit_allowance"
READING_HR_EMPTY = "hr.empty_denominator"
READING_HEADCOUNT_MONTHS = "hr.headcount_missing_months"
READING_TRAINING_AFTER_YEAR_END = "hr.training_after_year_end"
READING_IT_NOTHING_TO_COUNT = "it.nothing_to_count"
READING_IT_CAP_ORDER = "it.cap_and_unused_order"
READING_TIER_ROUNDING = "org.tier_rounding"  # key kept for stored labels; scope: the tiers of every block


def _hr(
    code: str,
    symbol: str,
    paragraph: str,
    name_ru: str,
    formula: str,
    confidence: Confidence,
    role: Role = "indicator",
    source_tables: tuple[str, ...] = (),
) -> IndicatorDef:
    weight = HR_WEIGHTS[code] if code in HR_WEIGHTS else HR_CRITERIA_MAX[code]
    return IndicatorDef(
        code, BLOCK, DIRECTION_HR, symbol, paragraph, name_ru, weight, weight, formula, confidence, role, source_tables
    )


def _it(code: str, symbol: str, paragraph: str, name_ru: str, formula: str, confidence: Confidence) -> IndicatorDef:
    cgo, mio = IT_WEIGHTS[code]
    return IndicatorDef(
        code,
        BLOCK,
        DIRECTION_IT,
        symbol,
        paragraph,
        name_ru,
        cgo,
        mio,
        formula,
        confidence,
        source_tables=IT_SOURCE_TABLES,
    )


_SURVEY = "k × mean(i_j for j in {statements}), i_j = agreement index (reading hr.agreement_index)"

_INDICATORS: tuple[IndicatorDef, ...] = (
    # «Кадровый потенциал»
    _hr(
        "hr_net_turnover",
        "R",
        "base act",
        "Чистая сменяемость персонала",
        "max(0, k − leavers_civil_service / avg_headcount × 100 × lambda)",
        "LOW",
        source_tables=("dismissals", "headcount_monthly"),
    ),
    _hr(
        "hr_stability",
        "St",
        "base act",
        "Стабильность кадрового состава",
        "min(k, employees_tenure_at_least_x / avg_headcount × k)",
        "LOW",
        source_tables=("employees", "headcount_monthly"),
    ),
    _hr(
        "hr_exit_interview",
        "V",
        "para. 35",
        "Выходное интервью",
        "clamp(interviewed / leavers × k − (1.5 if negative / leavers > 0.5 else 0), 0, k); leavers = 0 → k",
        "HIGH",
        source_tables=("dismissals",),
    ),
    _hr(
        "hr_gender",
        "G",
        "base act",
        "Гендерный состав",
        "min(k, k × (women_leaders / leaders) / 0.30) or banded by share",
        "LOW",
        source_tables=("employees",),
    ),
    _hr(
        "hr_qualifications",
        "P",
        "para. 37",
        "Качественный состав персонала",
        "min(k, (a + b + c + d + e + f + g + h + i + j) / z × k)",
        "MEDIUM",
        source_tables=("headcount_monthly", "qualifications"),
    ),
    _hr(
        "hr_staff_potential",
        "KP",
        "base act",
        "Кадровый потенциал государственного органа",
        "R + St + V + G + P",
        "HIGH",
        "criterion",
    ),
    # «Организация труда»
    _hr(
        "hr_overtime",
        "N",
        "para. 40",
        "Нормированность труда",
        "clamp(N1 + N2 − W, 0, 10)",
        "MEDIUM",
    ),
    _hr(
        "hr_overtime_survey",
        "N2",
        "para. 40(3)",
        "Нормированность труда (опросный показатель)",
        _SURVEY.format(statements="1..4"),
        "HIGH",
        "detail",
        source_tables=("survey_responses",),
    ),
    # Turnstile details of N (computed by kzeval.indicators.overtime_points; defined here so the
    # codes live in the edition's INDICATORS).
    IndicatorDef(
        "hr_overtime_quantitative",
        BLOCK,
        "hr",
        "N1",
        "para. 40(1)",
        "Оценка по количественному показателю нормированности труда",
        OVERTIME_K,
        OVERTIME_K,
        "clamp(k × (1 − rigidity × (avg_workday_hours_per_employee / normal_hours − 1)), 0, k)",
        "HIGH",
        "detail",
        source_tables=OVERTIME_SOURCE_TABLES,
    ),
    IndicatorDef(
        "hr_weekend_overtime_penalty",
        BLOCK,
        "hr",
        "W",
        "para. 40(2)",
        "Штрафные баллы за сверхурочную работу в выходные и праздничные дни",
        -WEEKEND_PENALTY_BANDS[-1][1],
        -WEEKEND_PENALTY_BANDS[-1][1],
        "1 if 9 ≤ avg_weekend_overtime_hours ≤ 184; 2 if avg_weekend_overtime_hours > 184; else 0",
        "IN_SEED",
        "detail",
        source_tables=OVERTIME_SOURCE_TABLES,
    ),
    IndicatorDef(
        "avg_workday_hours_per_employee",
        BLOCK,
        "hr",
        "a",
        "para. 40(1)",
        "Среднее количество человеко-часов в рабочие дни",
        None,
        None,
        "normal_hours + workday_overtime_hours / avg_headcount",
        "HIGH",
        "detail",
        source_tables=OVERTIME_SOURCE_TABLES,
    ),
    IndicatorDef(
        "normal_hours",
        BLOCK,
        "hr",
        "b",
        "para. 40(1)",
        "Нормальная продолжительность рабочего времени за отчетный период",
        None,
        None,
        "(workdays − 21) × 8",
        "IN_SEED",
        "detail",
        source_tables=("calendar",),
    ),
    IndicatorDef(
        "avg_weekend_overtime_hours",
        BLOCK,
        "hr",
        "s",
        "para. 40(2)",
        "Среднее количество сверхурочных человеко-часов в выходные и праздничные дни",
        None,
        None,
        "weekend_overtime_hours / avg_headcount",
        "HIGH",
        "detail",
        source_tables=OVERTIME_SOURCE_TABLES,
    ),
    _hr(
        "hr_work_conditions",
        "T",
        "base act",
        "Удовлетворенность условиями труда",
        _SURVEY.format(statements="5..8"),
        "MEDIUM",
        source_tables=("survey_responses",),
    ),
    _hr(
        "hr_management_practices",
        "Y",
        "base act",
        "Управленческие практики в государственном органе",
        _SURVEY.format(statements="9..14"),
        "MEDIUM",
        source_tables=("survey_responses",),
    ),
    _hr(
        "hr_training",
        "U",
        "para. 44",
        "Обучение государственных служащих",
        "clamp(k × 0.5 × (a / b + c / d) − min(5, 0.5 × late + 1 × missed), 0, k); b = 0 → a/b = 1; d = 0 → c/d = 1",
        "HIGH",
        source_tables=("training",),
    ),
    _hr(
        "hr_strategy",
        "S",
        "para. 45",
        "Стратегическое кадровое планирование",
        "a + b; a = 2 / 1 / 0 by strategy status; b = 3 (≥ 80 %), 2 (60–79,99 %), 1 (40–59,99 %), else 0",
        "IN_SEED",
        source_tables=("hr_strategy",),
    ),
    _hr(
        "hr_internships",
        "I",
        "para. 45-1",
        "Проведение стажировки (бонусный показатель)",
        "2 if interns / avg_headcount > 10 % else 1 if ≥ 5 % else 0",
        "IN_SEED",
        source_tables=("headcount_monthly", "internships"),
    ),
    _hr(
        "hr_personal_files",
        "K",
        "para. 45-2",
        "Заполняемость ИС «Е-қызмет» (бонусный показатель)",
        "1.5 if files_complete / employees ≥ 99 % else 0",
        "IN_SEED",
        source_tables=("personal_files",),
    ),
    _hr(
        "hr_work_organisation",
        "O",
        "para. 39",
        "Организация труда",
        "min(30, N + T + Y + S + U + I + K)",
        "IN_SEED",
        "criterion",
    ),
    # «Меритократия и организационная культура»
    _hr(
        "hr_competition_transparency",
        "A",
        "para. 48",
        "Прозрачность конкурсных процедур",
        "clamp(k × (a / c + b / c) / 2 − min(10, video_violations), 0, k) (reading hr.competition_transparency)",
        "MEDIUM",
        source_tables=("competitions",),
    ),
    _hr(
        "hr_meritocracy",
        "M",
        "base act",
        "Соблюдение принципов меритократии",
        _SURVEY.format(statements="15..18"),
        "MEDIUM",
        source_tables=("survey_responses",),
    ),
    _hr(
        "hr_career_growth",
        "C",
        "para. 50",
        "Карьерный рост",
        "kr = a / b; 10 if kr ≥ 0.8 else k × kr; b = 0 → kr = 1",
        "HIGH",
        source_tables=("promotions",),
    ),
    _hr(
        "hr_reward_transparency",
        "D",
        "para. 51",
        "Прозрачность поощрения в государственном органе",
        _SURVEY.format(statements="19..22"),
        "HIGH",
        source_tables=("survey_responses",),
    ),
    _hr(
        "hr_ethics",
        "E",
        "base act",
        "Этика и взаимоотношения в коллективе",
        _SURVEY.format(statements="23..26"),
        "MEDIUM",
        source_tables=("survey_responses",),
    ),
    _hr(
        "hr_meritocracy_culture",
        "MOC",
        "base act",
        "Меритократия и организационная культура",
        "A + M + C + D + E",
        "HIGH",
        "criterion",
    ),
    # IT
    _it(
        "it_architecture_portal",
        "A",
        "base act §1, para. 2",
        "Учет сведений по наполнению архитектурного портала",
        "systems_registered / systems_total × 30 (reading it.architecture_portal)",
        "MEDIUM",
    ),
    _it(
        "it_smart_city",
        "B",
        "paras. 69-1–69-3",
        "Построение «Умных» городов",
        "min(10, smart_city_sum / 6900 × 10)",
        "HIGH",
    ),
    _it(
        "it_data_currency",
        "C",
        "base act §4",
        "Актуальность сведений, содержащихся в ИС и БД",
        "currency_pct / 100 × 20 (reading it.data_currency)",
        "LOW",
    ),
    _it(
        "it_function_automation",
        "E",
        "base act §5",
        "Автоматизация функций государственных органов",
        "functions_automated / functions_total × 25 (reading it.function_automation)",
        "MEDIUM",
    ),
    _it(
        "it_digital_staff",
        "L",
        "para. 74-2",
        "Количество кадров в СТП по цифровизации с образованием в сфере ИТ",
        "digital_unit_it_educated / digital_unit_staff × k4 (20 CGO / 10 MIO)",
        "HIGH",
    ),
    _it(
        "it_ict_training",
        "J",
        "para. 74-4",
        "Количество сотрудников, прошедших курсы по ИКТ навыкам",
        "staff_ict_certified / staff_total × 5",
        "HIGH",
    ),
    _it(
        "it_local_content",
        "F",
        "base act §6, para. 79",
        "Доля местного содержания в ИС государственных органов (бонус)",
        "contracts_local_content_kzt / contracts_amount_kzt × 5 (reading it.local_content)",
        "LOW",
    ),
    _it(
        "it_data_register",
        "H",
        "para. 78-3",
        "Реестр данных и показателей по сфере государственного органа (бонус)",
        "indicators_automatic / indicators_total × 5",
        "HIGH",
    ),
    IndicatorDef(
        "it_unused_systems",
        BLOCK,
        "it",
        "D",
        "base act §7",
        "Наличие неиспользуемых информационных систем (штраф)",
        -IT_UNUSED_SYSTEMS_PENALTY_CAP,
        -IT_UNUSED_SYSTEMS_PENALTY_CAP,
        "−min(5, 1 × unused_systems) (reading it.unused_systems); stored as a signed contribution ≤ 0",
        "LOW",
        source_tables=IT_SOURCE_TABLES,
    ),
)
# N = N1 + N2 − W (para. 40) and the three HR criteria read the tables of their parts.
INDICATORS: tuple[IndicatorDef, ...] = compose_source_tables(
    _INDICATORS,
    {
        "hr_overtime": ("hr_overtime_quantitative", "hr_overtime_survey", "hr_weekend_overtime_penalty"),
        **HR_CRITERIA_COMPONENTS,
    },
)

READINGS: tuple[ReadingDef, ...] = (
    ReadingDef(
        READING_AGREEMENT_INDEX,
        {
            "normalised_mean": "i = (mean answer − 1) / 3: 1 at unanimous «4», 0 at unanimous «1»",
            "share_agreeing": "i = (n3 + n4) / N: share answering 3 or 4",
            "mean_over_4": "i = mean answer / 4 (floor 0,25)",
        },
        "normalised_mean",
        "MEDIUM",
        "base act (Appendix 9)",
        "Q8: definition of «индекс согласия»",
        legal_text="i1 – индекс согласия с утверждением 1 опросного листа государственных служащих",
    ),
    ReadingDef(
        READING_NET_TURNOVER,
        {
            "lambda_1": "R = max(0, 10 − turnover % × 1): 10 % turnover scores 0",
            "lambda_0_5": "R = max(0, 10 − turnover % × 0,5): 20 % turnover scores 0",
        },
        "lambda_1",
        "LOW",
        "base act",
        "Q15: net turnover formula and slope",
        legal_text="чистая сменяемость персонала – показатель, определяющий уровень ухода работников из системы "
        "государственной службы",
    ),
    ReadingDef(
        READING_STABILITY,
        {
            "tenure_3_years": "a = employees with ≥ 3 years in the body at 31 December",
            "tenure_1_year": "a = employees with ≥ 1 year in the body at 31 December",
        },
        "tenure_3_years",
        "LOW",
        "base act",
        "Q15: tenure threshold X of «Стабильность кадрового состава»",
        legal_text="стабильность кадрового состава – показатель, определяющий уровень устойчивости кадровой "
        "политики и постоянства кадров в государственном органе",
    ),
    ReadingDef(
        READING_GENDER,
        {
            "target_share": "G = min(5, 5 × women share of leadership posts / 0,30)",
            "banded": "G = 5 (≥ 30 %), 3 (20–29,99 %), 1 (10–19,99 %), 0 otherwise",
        },
        "target_share",
        "LOW",
        "base act",
        "Q15: gender composition formula",
        legal_text="гендерный состав – показатель, определяющий представительство женщин в государственном органе "
        "на руководящих должностях в соответствии с Концепцией семейной и гендерной политики до 2030 года",
    ),
    ReadingDef(
        READING_QUALIFICATIONS,
        {
            "sum_of_flags": "numerator = a + … + j, an employee counted once per category",
            "distinct_employees": "numerator = employees with at least one of the categories a … j",
        },
        "sum_of_flags",
        "MEDIUM",
        "para. 37",
        "P: plain sum of overlapping category counts or distinct employees",
        legal_text="a – количество административных государственных служащих, имеющих степень кандидата наук "
        "(в том числе окончившие аспирантуру)",
    ),
    ReadingDef(
        READING_WEEKEND_PENALTY,
        {
            "overtime": "N = N1 + N2 − W, floored at 0",
            "work_organisation": "N = N1 + N2; W deducted from «Организация труда» after its 30-point cap",
        },
        "overtime",
        "MEDIUM",
        "para. 40(2)",
        "Q17: where the weekend-overtime penalty W is deducted",
        legal_text="При наличии сверхурочных работ в выходные и праздничные дни государственному органу "
        "присваиваются штрафные баллы по следующей шкале",
    ),
    ReadingDef(
        READING_COMPETITION,
        {
            "mean": "A = 10 × (a / c + b / c) / 2",
            "product": "A = 10 × (a / c) × (b / c)",
            "video_subset": "A = 10 × b / c (b ⊆ a, «в том числе с видеофиксацией»)",
        },
        "mean",
        "MEDIUM",
        "para. 48",
        "Q9: how the observer and video-recording shares combine",
        legal_text="a – количество состоявшихся конкурсов на занятие вакантных должностей в государственном органе, "
        "проведенных с участием наблюдателей … b – количество состоявшихся конкурсов на занятие вакантных "
        "должностей в государственном органе, проведенных с видеофискацией",
    ),
    ReadingDef(
        READING_IT_ARCHITECTURE,
        {
            "share": "A = registered / total × 30",
            "banded": "A = 30 × band(share): ≥ 90 % → 1, ≥ 70 % → 0,7, ≥ 50 % → 0,5, else 0",
        },
        "share",
        "MEDIUM",
        "base act §1",
        "Q16: architecture-portal criterion",
        legal_text="доля учтенных информационных систем государственных органов на архитектурном портале – "
        "информационные системы, по которым осуществлен учет сведений об объектах информатизации",
    ),
    ReadingDef(
        READING_IT_DATA_CURRENCY,
        {
            "record_weighted": "C = record-weighted currency % / 100 × 20 (it_report.records_current_weighted_pct)",
            "simple_mean": "C = mean over IS of currency % / 100 × 20 (needs records_current_mean_pct; "
            "falls back to the weighted figure, flagged)",
        },
        "record_weighted",
        "LOW",
        "base act §4",
        "Q16: data-currency aggregation over IS",
        legal_text="Текущий уровень актуальности сведений (%) … Общее количество записей в системе / базе данных",
    ),
    ReadingDef(
        READING_IT_FUNCTION_AUTOMATION,
        {
            "share": "E = automated / total functions × 25",
            "banded": "E = 25 × band(share): ≥ 90 % → 1, ≥ 70 % → 0,7, ≥ 50 % → 0,5, else 0",
        },
        "share",
        "MEDIUM",
        "base act §5",
        "Q16: automation-of-functions criterion",
        legal_text="автоматизация функций государственных органов",
    ),
    ReadingDef(
        READING_IT_LOCAL_CONTENT,
        {
            "share": "F = local-content amount / contract amount × 5",
            "banded": "F = 5 × band(share): ≥ 90 % → 1, ≥ 70 % → 0,7, ≥ 50 % → 0,5, else 0",
        },
        "share",
        "LOW",
        "base act §6, para. 79",
        "Q16: local-content bonus",
        legal_text="Сумма договора с учетом уровня местного содержания",
    ),
    ReadingDef(
        READING_IT_UNUSED_SYSTEMS,
        {
            "per_system": "D = min(5, 1 × unused IS)",
            "flat": "D = 5 if any unused IS else 0",
        },
        "per_system",
        "LOW",
        "base act §7",
        "Q16: penalty per unused IS and its cap",
        legal_text="наличие неиспользуемых информационных систем и баз данных",
    ),
    ReadingDef(
        READING_IT_TOTAL_CAP,
        {
            "cap_100": "I = min(100, A + B + C + E + L + J + F + H − D)",
            "uncapped": "I = A + B + C + E + L + J + F + H − D (bonuses may exceed 100)",
        },
        "cap_100",
        "MEDIUM",
        "para. 81",
        "Q11: IT total capped at 100",
        legal_text="I = A + B + C + E + L + J + F + H – D",
    ),
    ReadingDef(
        READING_LATE_REPORTING,
        {
            "as_unreliable": "0,2 per late fact (the smallest per-fact amount known in the System)",
            "as_incomplete": "2 per late fact (late = missing at the deadline)",
            "none": "late facts not penalised",
        },
        LATE_REPORTING_DEFAULT,
        "LOW",
        "para. 24",
        "Q10: per-fact penalty for late reporting",
        legal_text="Общая сумма всех вычитаемых за представление/размещение недостоверной, неполной, "
        "несвоевременной информации штрафных баллов составляет не более 10 баллов по каждому направлению оценки.",
    ),
    ReadingDef(
        READING_BLOCK_COMBINATION,
        {
            "mean": "ОР = 0,5 × УП + 0,5 × I",
            "interaction_weights": "ОР = 0,7 × УП + 0,3 × I (placeholder, no legal basis)",
            "none": "no block score; HR and IT reported side by side",
        },
        "mean",
        "MEDIUM",
        "not in seeds (Decree 954)",
        "Q12: combination of HR and IT into the block score",
        legal_text="Заключения о результатах операционной оценки деятельности оцениваемых государственных органов по "
        'блоку "Организационное развитие государственного органа" формируются уполномоченным органом в сфере '
        "информатизации",
    ),
    ReadingDef(
        READING_EXIT_NEGATIVE_BASE,
        {
            "leavers": "the −1,5 applies when negative-reason leavers > 50 % of all non-exempt leavers (b)",
            "interviewed": "… > 50 % of the leavers who filled the exit interview (a)",
        },
        "leavers",
        "HIGH",
        "para. 35",
        "V: base of the «более 50%» negative-motive test",
        legal_text="Если большинство (более 50%) уволенных служащих связывает свое увольнение с негативными "
        "аспектами деятельности государственного органа",
    ),
    ReadingDef(
        READING_EXIT_LEAVERS,
        {
            "all_non_exempt": "b = every leaver of the civil service or the body, exempt exits (App. 12 item 7) out",
            "voluntary_only": "b = only leavers «по собственному желанию» (dismissals.voluntary; null counts)",
        },
        "all_non_exempt",
        "MEDIUM",
        "para. 35; Appendix 12 note 1",
        "V: does b count only voluntary leavers",
        legal_text="b – общее количество административных государственных служащих, уволенных в отчетном "
        "периоде из системы государственной службы и системы государственного органа",
    ),
    ReadingDef(
        READING_PAPER_INTERVIEWS,
        {
            "share_of_total": "paper interviews count up to floor(10 % × all exit interviews); the rest is not a",
            "share_of_counted": "paper interviews count up to 10 % of the interviews counted: floor(electronic / 9)",
        },
        "share_of_total",
        "HIGH",
        "Appendix 12 note 6",
        "V: paper exit interviews beyond the 10 % limit",
        legal_text="количество выходных интервью на бумажном носителе не должно превышать 10% от общего "
        "количества выходных интервью",
    ),
    ReadingDef(
        READING_CAREER_DISTRICT,
        {
            "district_included": "b and a include appointments to posts in district units (city of oblast "
            "significance, district in a city); villages and rural okrugs stay out",
            "appointed_in_scope": "only appointments to posts in para. 28 units count; a district employee "
            "appointed there counts in a as «from within»",
        },
        "district_included",
        "MEDIUM",
        "paras. 28, 50",
        "C: promotions inside district units",
        legal_text='По показателю "Карьерный рост" учитываются назначения из подразделений районов (городов '
        "областного значения), района в городе.",
    ),
    ReadingDef(
        READING_EXIT_ALLOWANCE,
        {
            "deduction": "workday overtime = time present after workday_end + 30 min (the 30 min never count)",
            "threshold": "a stay past workday_end + 30 min counts from workday_end; a shorter one not at all",
        },
        "deduction",
        "HIGH",
        "para. 40(1)",
        "m: the 30-minute exit allowance",
        legal_text="расчет m производится с учетом 30 минут необходимых на выход государственного служащего из "
        "здания государственного органа после завершения рабочего дня",
    ),
    ReadingDef(
        READING_HR_EMPTY,
        {
            "full_marks": "an empty denominator (no leavers, no competition, no promotion, no leadership post) "
            "scores the indicator's maximum, as para. 44 rules for training",
            "zero": "an empty denominator scores 0",
            "not_assessed": "the indicator is not assessed; criteria and the direction are provisional",
        },
        "full_marks",
        "MEDIUM",
        "para. 44 (by analogy); paras. 35, 48, 50",
        "HR indicators with nothing to measure (V, G, A, C)",
        legal_text="При отсутствии административных государственных служащих, подлежащих повышению "
        "квалификации в оцениваемом периоде, a/b = 1.",
    ),
    ReadingDef(
        READING_HEADCOUNT_MONTHS,
        {
            "divide_by_12": "n, z = Σ month-end headcounts / 12 even when months are missing (flagged)",
            "months_reported": "n, z = Σ month-end headcounts / months reported",
        },
        "divide_by_12",
        "HIGH",
        "paras. 37, 40, 45-1",
        "Average headcount with missing month-end values",
        legal_text="суммируется фактическая численность работников в органе по состоянию на последний день "
        "каждого месяца и делится на количество месяцев в году (12)",
    ),
    ReadingDef(
        READING_TRAINING_AFTER_YEAR_END,
        {
            "not_completed": "training due in the year and completed after 31 December is a non-completion (1)",
            "late": "… is a late completion (0,5)",
        },
        "not_completed",
        "MEDIUM",
        "para. 44",
        "U: training completed after the assessed year",
        legal_text="a – количество административных государственных служащих, прошедших повышение "
        "квалификации в отчетном периоде в установленные сроки … За каждый факт непрохождения повышения "
        "квалификации и/или переподготовки … 1 штрафной балл.",
    ),
    ReadingDef(
        READING_IT_NOTHING_TO_COUNT,
        {
            "type_mean": "A, C, E with nothing to count (all IS ДСП, no function to automate) get the mean of "
            "the bodies of the same type assessed on that criterion (para. 67's principle)",
            "full_marks": "… get the criterion's maximum",
            "zero": "… score 0",
            "not_assessed": "… are not assessed; the direction total is provisional",
        },
        "type_mean",
        "MEDIUM",
        "para. 57",
        "IT criteria with an empty denominator",
        legal_text="информационные системы государственных органов, содержащие информацию, имеющую пометку "
        '"ДСП", при операционной оценке деятельности государственных органов не учитываются.',
    ),
    ReadingDef(
        READING_IT_CAP_ORDER,
        {
            "cap_then_deduct": "I = min(100, A + B + C + E + L + J + F + H) − D: bonuses cannot absorb D",
            "deduct_then_cap": "I = min(100, A + B + C + E + L + J + F + H − D)",
        },
        "cap_then_deduct",
        "MEDIUM",
        "para. 81; Appendix 16",
        "Order of the 100 cap and the unused-IS deduction D",
        legal_text='I = A + B + C + E + L + J + F + H – D … D - балл по критерию "Наличие неиспользуемых '
        'информационных систем"',
    ),
    ReadingDef(
        READING_TIER_ROUNDING,
        {
            "round_first": "the block score is rounded half up to 2 decimals, then the tier is read",
            "unrounded": "the tier is read on the unrounded score (89,996 stays below 90)",
        },
        "round_first",
        "MEDIUM",
        "seed 004 para. 108 (interaction; org development by analogy)",
        "Tiers of every block (interaction and org development): rounding before the tier",
        legal_text="Высокая степень эффективности государственного органа соответствует показателю оценки от 90 "
        "до 100 баллов, средняя степень – от 70 до 89,99 балла, низкая степень – от 50 до 69,99 балла. "
        "Неэффективной признается деятельность государственного органа, набравшего по результатам оценки "
        "менее 50 баллов.",
    ),
)
