"""Interaction block, 2023 edition (seed 004): constants, indicator definitions, readings.

Kept whole though over 600 lines: one module per legal edition mirrors the act paragraph by
paragraph, so an edition is read and amended in one file (issue 20).

Block «Взаимодействие государственного органа с физическими и юридическими лицами»:
directions services (chapter 3), openness (chapter 4) and appeals (chapter 5), combined by
para. 107 and tiered by para. 108. Formula modules: ``kzeval.indicators.services``,
``openness``, ``appeals``, ``interaction`` and ``scoring``. Every number of the methodology
lives here; the formula modules hold none.
"""

from __future__ import annotations

from collections.abc import Mapping

from kzeval.methodology.base import Confidence, IndicatorDef, ReadingDef, Role, compose_source_tables

EDITION = "2023"
BLOCK = "interaction"
BLOCK_LABEL_RU = "Взаимодействие государственного органа с физическими и юридическими лицами"

DIRECTION_SERVICES = "services"
DIRECTION_OPENNESS = "openness"
DIRECTION_APPEALS = "appeals"
DIRECTIONS = (DIRECTION_SERVICES, DIRECTION_OPENNESS, DIRECTION_APPEALS)
DIRECTION_LABELS_RU: Mapping[str, str] = {  # the legal names of the directions (chapters 3–5)
    DIRECTION_SERVICES: "Качество оказания государственных услуг",
    DIRECTION_OPENNESS: "Открытость государственного органа",
    DIRECTION_APPEALS: "Качество рассмотрения жалоб и заявлений",
}

CGO = "CGO"
MIO = "MIO"

# ---------------------------------------------------------------------------------------
# Services (chapter 3, Appendix 2)
# ---------------------------------------------------------------------------------------

# k of paras. 33, 41–44 per body type (= the indicator's weight in Appendix 2).
SVC_COMPLAINTS_K: Mapping[str, float] = {CGO: 10.0, MIO: 20.0}  # P2, para. 33
SVC_TIMELINESS_K: Mapping[str, float] = {CGO: 12.0, MIO: 14.0}  # T1, para. 41
SVC_UNJUSTIFIED_REFUSALS_K: Mapping[str, float] = {CGO: 14.0, MIO: 18.0}  # T2, para. 42
SVC_INCOMPLETE_PACKAGE_K: Mapping[str, float] = {CGO: 12.0, MIO: 14.0}  # T3, para. 43
SVC_EXTRA_DOCUMENTS_K: Mapping[str, float] = {CGO: 12.0, MIO: 14.0}  # T4, para. 44
SVC_RATE_SCALE = 10_000.0  # «на 10 000 оказанных услуг», paras. 33, 41–44

SVC_SATISFACTION_MAX: Mapping[str, float] = {CGO: 15.0, MIO: 20.0}  # P1, Appendix 2 item 1.1
# Appendix 6: (lower bound of the mean satisfaction level, inclusive; CGO points; MIO points).
# Literal edges (reading svc.satisfaction_band=literal): «от 4 баллов включительно» … «ниже 4
# баллов», so 3.995 scores 0; a mean in a gap between written bands (4.19 < x < 4.2) takes the
# lower band. The alternative reading rounds the mean to 2 decimals first.
SVC_SATISFACTION_BANDS: tuple[tuple[float, float, float], ...] = (
    (4.80, 15.0, 20.0),
    (4.60, 12.0, 16.0),
    (4.40, 9.0, 12.0),
    (4.20, 6.0, 8.0),
    (4.00, 3.0, 4.0),
)
SVC_SATISFACTION_BELOW_BANDS = 0.0  # «ниже 4 баллов» → 0
SVC_SATISFACTION_DECIMALS = 2  # reading svc.satisfaction_band=round2: round the mean before banding

# Criterion maxima (Appendix 2); None = criterion not assessed for that body type.
SVC_K1_MAX: Mapping[str, float] = {CGO: 25.0, MIO: 40.0}
SVC_K2_MAX: Mapping[str, float] = {CGO: 50.0, MIO: 60.0}
SVC_K3_MAX = 25.0  # CGO only; «*не применяется при получении максимального значения 25 баллов»
SVC_K3_FLOOR = 0.0  # a criterion never goes below 0 (decision: the downtime penalty is bounded by K3)

# K3 «Автоматизация государственных услуг» (paras. 47–55), CGO only.
SVC_AUTOMATION_DEGREE_K = 10.0  # T, para. 49
SVC_AUTOMATION_PARTIAL_WEIGHT: Mapping[str, float] = {"full": 1.0, "half": 0.5}  # reading svc.automation_degree
SVC_COMMISSION_DECISION_MAX_AGE_YEARS = 2  # para. 48: «со сроком давности не более двух лет»
SVC_AUTOMATION_EFFECTIVENESS_K = 10.0  # V, para. 51
SVC_MOBILE_K = 5.0  # C, para. 52
SVC_DOWNTIME_POINTS_PER_HOUR = 0.2  # P = t × w, w = 0,2, para. 53
SVC_DOWNTIME_MAX = 5.0  # para. 53
SVC_PROACTIVE_POINTS_PER_SERVICE = 1.0  # D = q × k, k = 1, para. 54
SVC_PROACTIVE_MAX = 3.0  # para. 54
SVC_DIGITAL_DOCUMENTS_POINTS_PER_DOCUMENT = 1.0  # S = l × k, k = 1, para. 55
SVC_DIGITAL_DOCUMENTS_MAX = 2.0  # para. 55
# Automation levels of the service register, ranked so the best level of a service wins.
SVC_AUTOMATION_LEVEL_RANK: Mapping[str, int] = {"none": 0, "partial": 1, "full": 2}

# ---------------------------------------------------------------------------------------
# Openness (chapter 4, Appendices 7 and 10)
# ---------------------------------------------------------------------------------------

OPEN_CRITERION_MAX: Mapping[str, float] = {  # Appendix 7
    "open_data": 18.0,
    "open_budget": 18.0,
    "open_legal_acts": 18.0,
    "open_dialogue": 18.0,
    "open_website": 18.0,
    "open_media": 10.0,
}
OPEN_POINTS_CRITERIA = ("open_data", "open_budget", "open_legal_acts", "open_dialogue", "open_website")
OPEN_SUBORDINATE_PENALTY = "open_subordinate_penalty"
OPEN_SUBORDINATE_PENALTY_MAX = 9.0  # para. 90, Table 8
OPEN_SUBORDINATE_PENALTY_BODY_TYPES = (CGO,)  # Table 8 note: subordinate organisations of CGOs only
OPEN_LANGUAGES = ("kk", "ru")
OPEN_POINTS_TOLERANCE = 1e-9  # float slack when comparing points with an item maximum

# Appendix 10: per-language maximum of each item (row number as in openness_points.item),
# per criterion and body type. Tier rows (Table 4 item 6, Table 6 item 3) carry the top tier.
# P7 rows are numbered <table>.<row> of Tables 9–11 (9.1 website, 10.1–10.3 open data,
# 11.1–11.2 open dialogue).
_TABLE1_OPEN_DATA = {"1": 2.5, "2": 1.0, "3": 3.0, "4": 2.0, "5": 0.5, "6": 1.0}
_TABLE2_BUDGET_CGO = {
    "1.1": 0.3,
    "1.2": 0.3,
    "1.3": 0.3,
    "1.4": 0.3,
    "1.5": 0.3,
    "2": 0.5,
    "3": 0.5,
    "4": 0.5,
    "5": 0.5,
    "6": 0.5,
    "7": 0.5,
    "8": 0.5,
    "9": 0.5,
    "10": 1.5,
    "11": 2.0,
}
_TABLE3_BUDGET_MIO = {"1": 2.0, "2": 2.0, "3": 0.5, "4": 0.5, "5": 0.5, "6": 1.5, "7": 2.0}
_TABLE4_LEGAL_ACTS_CGO = {"1": 1.0, "2": 1.0, "3": 1.0, "4": 3.5, "5": 1.5, "6": 1.0}
_TABLE5_LEGAL_ACTS_MIO = {"1": 2.0, "2": 1.5, "3": 4.0, "4": 1.5}
_TABLE6_DIALOGUE_CGO = {"1": 2.5, "2": 1.5, "3": 1.5, "4": 1.5, "5.1": 0.5, "5.2": 0.5, "5.3": 0.5, "5.4": 0.5}
_TABLE6_DIALOGUE_MIO = {
    "1": 2.5,
    "2": 1.5,
    "3": 1.5,
    "4": 1.5,
    "5.1": 0.5,
    "5.2": 0.5,
    "5.3": 1.0,
}  # 5.4: MIO not assessed
_TABLE7_WEBSITE = {"1": 1.5, "2": 1.5, "3": 1.5, "4": 1.5, "5": 1.5, "6": 1.5}
# Item codes are "<table>.<row>" of Appendix 10 Tables 9–11 (their rows are all numbered from 1).
_TABLES9_11_SUBORDINATE = {"9.1": 1.5, "10.1": 0.5, "10.2": 0.5, "10.3": 0.5, "11.1": 0.5, "11.2": 1.0}

OPEN_ITEM_MAX_PER_LANGUAGE: Mapping[tuple[str, str], Mapping[str, float]] = {
    ("open_data", CGO): _TABLE1_OPEN_DATA,
    ("open_data", MIO): _TABLE1_OPEN_DATA,
    ("open_budget", CGO): _TABLE2_BUDGET_CGO,
    ("open_budget", MIO): _TABLE3_BUDGET_MIO,
    ("open_legal_acts", CGO): _TABLE4_LEGAL_ACTS_CGO,
    ("open_legal_acts", MIO): _TABLE5_LEGAL_ACTS_MIO,
    ("open_dialogue", CGO): _TABLE6_DIALOGUE_CGO,
    ("open_dialogue", MIO): _TABLE6_DIALOGUE_MIO,
    ("open_website", CGO): _TABLE7_WEBSITE,
    ("open_website", MIO): _TABLE7_WEBSITE,
    (OPEN_SUBORDINATE_PENALTY, CGO): _TABLES9_11_SUBORDINATE,
}

# Points are per assessed body (data-contracts `openness_points`): rows of its units for the same
# criterion, item and language are summed; a sum above the item's maximum is a cross-table error.
# P7 is the exception: subordinate organisations' penalties add up per Table 8 criterion, and
# each criterion is capped at «Итого штрафных баллов 3» (Tables 9–11), 9 in all (para. 90).
OPEN_SUBORDINATE_CRITERION_OF_TABLE: Mapping[str, str] = {  # Table 8 rows by the item's table prefix
    "9": "open_website",  # Table 8 row 1 «Наполняемость интернет-ресурса» (Table 9)
    "10": "open_data",  # Table 8 row 2 «Открытые данные» (Table 10)
    "11": "open_dialogue",  # Table 8 row 3 «Открытый диалог» (Table 11)
}
OPEN_SUBORDINATE_CRITERION_MAX = 3.0  # Tables 9–11: «Итого штрафных баллов 3»

# Table 1 item 6, stimulus «Автоматизация размещения наборов открытых данных»: «В случае
# получения государственным органом максимального значения по критерию (18 баллов)
# стимулирующий показатель не учитывается» (reading open.stimulus_cap).
OPEN_DATA_STIMULUS_ITEM = "6"

# openness_points.not_assessed: items a body is not assessed on, and where each mark may stand
# (criterion, body type) → items. The body receives the mean of the points its peers (bodies of
# the same type with points on that item and language) obtained: para. 67 (secret / ДСП budget:
# «присваивается средний балл полученных оценок всех государственных органов по тем
# индикаторам, по которым государственный орган не оценивается») and Table 6 note ** (MoD, MFA:
# «присваиваются средние баллы центральных государственных органов»). Table 6 note * (MoD,
# item 4) and Table 2 note ** (National Bank) exclude without a score: reading open.excluded_item.
_BUDGET_ALL: Mapping[tuple[str, str], tuple[str, ...]] = {
    ("open_budget", CGO): tuple(_TABLE2_BUDGET_CGO),
    ("open_budget", MIO): tuple(_TABLE3_BUDGET_MIO),
}
OPEN_NOT_ASSESSED_SCOPE: Mapping[str, Mapping[tuple[str, str], tuple[str, ...]]] = {
    "secret_budget": _BUDGET_ALL,
    "dsp_budget": _BUDGET_ALL,
    "mod_mfa": {("open_dialogue", CGO): ("5.1", "5.2", "5.3", "5.4")},  # Table 6 note **
    "mod_excluded": {("open_dialogue", CGO): ("4",)},  # Table 6 note *
    "national_bank": {("open_budget", CGO): ("2", "3", "4", "5", "8", "9", "10", "11")},  # Table 2 note **
}
OPEN_NOT_ASSESSED_AVERAGE_IN_SEED = ("secret_budget", "dsp_budget", "mod_mfa")  # the text gives the average
OPEN_NOT_ASSESSED_BY_READING = ("mod_excluded", "national_bank")  # the text gives no score: open.excluded_item
OPEN_NOT_ASSESSED_LABELS_RU: Mapping[str, str] = {
    "secret_budget": "информация по бюджету секретна (п. 67)",
    "dsp_budget": "информация по бюджету имеет гриф «ДСП» (п. 67)",
    "mod_mfa": "МО и МИД: встречи с населением не оцениваются (прим. ** к табл. 6 прил. 10)",
    "mod_excluded": "Министерство обороны: онлайн-трансляция заседаний не оценивается (прим. * к табл. 6)",
    "national_bank": "Национальный Банк: показатель не применяется (прим. ** к табл. 2 прил. 10)",
}

# P6 «Открытость через СМИ», paras. 80–85 and Table 7-1 (per language).
OPEN_PUBLICITY_POINTS_PER_LANGUAGE = 2.5  # A, Table 7-1 item 1
OPEN_PUBLICITY_MIN_EVENTS = 12  # para. 81: «b … должно составлять не менее 12»
OPEN_MEDIA_ANSWERS_POINTS_PER_LANGUAGE = 1.0  # B, Table 7-1 item 2
OPEN_MEDIA_SATISFIED_PCT_SCALE = 100.0  # C = a / 100, para. 83
# D, Table 7-1 item 3: (threshold %, strictly above?, points per language), first match wins.
OPEN_POPULATION_SATISFACTION_BANDS: tuple[tuple[float, bool, float], ...] = (
    (80.0, True, 1.5),  # «свыше 80 %»
    (69.0, False, 1.0),  # «от 69 до 79 %»
    (58.0, False, 0.8),  # «от 58 до 68 %»
    (47.0, False, 0.6),  # «от 47 до 57 %»
    (36.0, False, 0.4),  # «от 36 до 46 %»
)
OPEN_POPULATION_SATISFACTION_BELOW_BANDS = 0.0  # «менее 35 %»

# ---------------------------------------------------------------------------------------
# Appeals (chapter 5, Appendices 11 and 13)
# ---------------------------------------------------------------------------------------

APPEAL_KINDS = ("complaint", "application")  # data-contracts: other kinds are out of scope
APPEAL_REVIEW_K = 40.0  # R1, para. 97 (CGO and MIO)
APPEAL_REVIEW_SCALE = 1_000.0  # «на 1 000 рассмотренных жалоб и заявлений»
APPEAL_COURT_K = 30.0  # R2, para. 99
APPEAL_COURT_SCALE = 10_000.0
APPEAL_COURT_NONE_POINTS = 30.0  # para. 100: no overturned cases → 30
APPEAL_REDIRECT_K = 20.0  # R3, para. 102
APPEAL_REDIRECT_SCALE = 100.0
APPEAL_INTERNAL_CONTROL_MAX = 10.0  # R4, Appendix 11
# Appendix 13: (lower bound of the disciplinary share in %, inclusive; points), first match wins.
APPEAL_INTERNAL_CONTROL_BANDS: tuple[tuple[float, float], ...] = (
    (90.0, 10.0),
    (80.0, 8.0),
    (70.0, 6.0),
    (60.0, 4.0),
    (50.0, 1.0),
)
APPEAL_INTERNAL_CONTROL_BELOW_BANDS = 0.0  # «< 49,9 %», read as < 50 %
APPEAL_INTERNAL_CONTROL_NO_LATE_POINTS = 10.0  # no complaints reviewed or redirected late
APPEAL_PCT_SCALE = 100.0

# ---------------------------------------------------------------------------------------
# Block scoring (para. 20 penalties, para. 107 weights, para. 108 tiers)
# The names below are the convention read by kzeval.methodology.scoring_rules.rules_for_block.
# ---------------------------------------------------------------------------------------

PENALTY_POINTS_PER_FACT: Mapping[str, float] = {"unreliable": 0.2, "incomplete": 2.0}  # para. 20
PENALTY_CAP_PER_DIRECTION = 5.0  # para. 20
BLOCK_WEIGHTS: Mapping[str, Mapping[str, float]] = {  # para. 107
    CGO: {DIRECTION_SERVICES: 0.5, DIRECTION_OPENNESS: 0.2, DIRECTION_APPEALS: 0.3},  # O = 0,5U + 0,2D + 0,3H
    MIO: {DIRECTION_SERVICES: 0.5, DIRECTION_OPENNESS: 0.2, DIRECTION_APPEALS: 0.3},  # A = 0,5T + 0,2F + 0,3H
}
# Para. 108: (lower bound inclusive, code, label); below the last → TIER_BELOW.
TIER_THRESHOLDS: tuple[tuple[float, str, str], ...] = (
    (90.0, "high", "Высокая"),
    (70.0, "medium", "Средняя"),
    (50.0, "low", "Низкая"),
)
TIER_BELOW: tuple[str, str] = ("ineffective", "Неэффективная")
SCORE_DECIMALS = 2  # the «,99» tier edges imply two decimals (methodology §4, §11)

# ---------------------------------------------------------------------------------------
# Indicator definitions (methodology §10)
# ---------------------------------------------------------------------------------------


def _svc(
    code: str,
    symbol: str,
    para: str,
    name: str,
    cgo: float | None,
    mio: float | None,
    formula: str,
    confidence: Confidence,
    role: Role = "indicator",
    source_tables: tuple[str, ...] = (),
) -> IndicatorDef:
    return IndicatorDef(
        code, BLOCK, DIRECTION_SERVICES, symbol, para, name, cgo, mio, formula, confidence, role, source_tables
    )


def _open(
    code: str,
    symbol: str,
    para: str,
    name: str,
    cgo: float | None,
    mio: float | None,
    formula: str,
    confidence: Confidence,
    source_tables: tuple[str, ...] = (),
) -> IndicatorDef:
    return IndicatorDef(
        code, BLOCK, DIRECTION_OPENNESS, symbol, para, name, cgo, mio, formula, confidence, source_tables=source_tables
    )


def _appeal(
    code: str,
    symbol: str,
    para: str,
    name: str,
    maximum: float,
    formula: str,
    confidence: Confidence,
    source_tables: tuple[str, ...] = (),
) -> IndicatorDef:
    return IndicatorDef(
        code,
        BLOCK,
        DIRECTION_APPEALS,
        symbol,
        para,
        name,
        maximum,
        maximum,
        formula,
        confidence,
        source_tables=source_tables,
    )


_INDICATORS: tuple[IndicatorDef, ...] = (
    _svc(
        "svc_satisfaction",
        "P1",
        "31",
        "Уровень удовлетворенности качеством оказания государственных услуг",
        15.0,
        20.0,
        "(U_1 + … + U_n) / n, U = Appendix 6 band of the mean satisfaction level",
        "HIGH",
        source_tables=("service_satisfaction",),
    ),
    _svc(
        "svc_complaints",
        "P2",
        "33",
        "Обжалование качества оказания государственных услуг",
        10.0,
        20.0,
        "max(0, k − (i / b1 × 10000))",
        "HIGH",
        source_tables=("service_complaints", "services_rendered"),
    ),
    _svc(
        "svc_timeliness",
        "T1",
        "41",
        "Соблюдение сроков оказания государственных услуг",
        12.0,
        14.0,
        "max(0, k − (a / b × 10000))",
        "HIGH",
        source_tables=("service_violations", "services_rendered"),
    ),
    _svc(
        "svc_unjustified_refusals",
        "T2",
        "42",
        "Необоснованные отказы в оказании государственных услуг",
        14.0,
        18.0,
        "max(0, k − (a / b1 × 10000))",
        "HIGH",
        source_tables=("service_violations", "services_rendered"),
    ),
    _svc(
        "svc_incomplete_package",
        "T3",
        "43",
        "Оказание государственных услуг при неполном пакете документов",
        12.0,
        14.0,
        "max(0, k − (c / b1 × 10000))",
        "HIGH",
        source_tables=("service_violations", "services_rendered"),
    ),
    _svc(
        "svc_extra_documents",
        "T4",
        "44",
        "Истребование документов, не предусмотренных подзаконными НПА",
        12.0,
        14.0,
        "max(0, k − (e / b1 × 10000))",
        "HIGH",
        source_tables=("service_violations", "services_rendered"),
    ),
    _svc(
        "svc_automation_degree",
        "T",
        "49",
        "Степень автоматизации государственных услуг",
        10.0,
        None,
        "(partial_weight × c + d) / n × k",
        "MEDIUM",
        source_tables=("service_register",),
    ),
    _svc(
        "svc_automation_effectiveness",
        "V",
        "51",
        "Эффективность автоматизации государственных услуг",
        10.0,
        None,
        "average: k × (e/z + (c − b)/c) / 2; product: k × (e/z) × (1 − b/c); difference: k × max(0, e/z − b/c)",
        "LOW",
        source_tables=("service_automation",),
    ),
    _svc(
        "svc_mobile",
        "C",
        "52",
        "Смартфонизация государственных услуг",
        5.0,
        None,
        "min(k, w / a × k)",
        "HIGH",
        source_tables=("service_register",),
    ),
    _svc(
        "svc_downtime_penalty",
        "P",
        "53",
        "Длительность недоступности автоматизированных государственных услуг",
        -5.0,
        None,
        "−min(5, t × w)",
        "IN_SEED",
        source_tables=("service_automation",),
    ),
    _svc(
        "svc_proactive",
        "D",
        "54",
        "Внедрение проактивного формата оказания государственных услуг",
        3.0,
        None,
        "min(3, q × k)",
        "IN_SEED",
        source_tables=("service_automation",),
    ),
    _svc(
        "svc_digital_documents",
        "S",
        "55",
        "Реализация цифровых документов",
        2.0,
        None,
        "min(2, l × k)",
        "IN_SEED",
        source_tables=("service_automation",),
    ),
    _svc(
        "svc_k1",
        "K1/M1",
        "29",
        "Удовлетворенность услугополучателей качеством оказания государственных услуг",
        SVC_K1_MAX[CGO],
        SVC_K1_MAX[MIO],
        "P1 + P2",
        "IN_SEED",
        "criterion",
    ),
    _svc(
        "svc_k2",
        "K2/M2",
        "38",
        "Обеспечение качества оказания государственных услуг",
        SVC_K2_MAX[CGO],
        SVC_K2_MAX[MIO],
        "T1 + T2 + T3 + T4",
        "IN_SEED",
        "criterion",
    ),
    _svc(
        "svc_k3",
        "K3",
        "47",
        "Автоматизация государственных услуг",
        SVC_K3_MAX,
        None,
        "min25: base = T + V + C − P; 25 if base ≥ 25 else clamp(base + D + S, 0, 25)",
        "MEDIUM",
        "criterion",
    ),
    _open(
        "open_data",
        "P1",
        "62",
        "Открытые данные",
        18.0,
        18.0,
        "clamp: min(18, points_kk + points_ru); literal: items_1_5 + stimulus if items_1_5 < 18 else items_1_5",
        "IN_SEED",
        source_tables=("openness_points",),
    ),
    _open(
        "open_budget",
        "P2",
        "66–67",
        "Открытый бюджет",
        18.0,
        18.0,
        "min(18, points_kk + points_ru)",
        "IN_SEED",
        source_tables=("openness_points",),
    ),
    _open(
        "open_legal_acts",
        "P3",
        "70–71",
        "Открытые нормативные правовые акты",
        18.0,
        18.0,
        "min(18, points_kk + points_ru)",
        "IN_SEED",
        source_tables=("openness_points",),
    ),
    _open(
        "open_dialogue",
        "P4",
        "74",
        "Открытый диалог",
        18.0,
        18.0,
        "min(18, points_kk + points_ru)",
        "IN_SEED",
        source_tables=("openness_points",),
    ),
    _open(
        "open_website",
        "P5",
        "77",
        "Наполнение официального интернет-ресурса",
        18.0,
        18.0,
        "min(18, points_kk + points_ru)",
        "IN_SEED",
        source_tables=("openness_points",),
    ),
    _open(
        "open_media",
        "P6",
        "80–85",
        "Открытость через СМИ",
        10.0,
        10.0,
        "Σ_lang (A_lang + B_lang) × C_lang + D_lang; A_lang = a / max(b, 12) × 2.5; B_lang = (b − c) / a × 1; "
        "C_lang = a / 100; D_lang = Table 7-1 item 3 band",
        "MEDIUM",
        source_tables=("openness_media",),
    ),
    _open(
        "open_subordinate_penalty",
        "P7",
        "86–90",
        "Открытость подведомственных организаций",
        -9.0,
        None,
        "−(min(3, website) + min(3, open_data) + min(3, open_dialogue))",
        "IN_SEED",
        source_tables=("openness_points",),
    ),
    _appeal(
        "appeal_review_timeliness",
        "R1",
        "97",
        "Соблюдение сроков рассмотрения жалоб и заявлений",
        40.0,
        "max(0, k − (f / p × 1000))",
        "HIGH",
        source_tables=("appeals",),
    ),
    _appeal(
        "appeal_court_overturned",
        "R2",
        "99–100",
        "Доля жалоб и заявлений, признанных обоснованными по решению суда",
        30.0,
        "30 if a = 0 else max(0, k − (a / p × 10000))",
        "HIGH",
        source_tables=("appeals",),
    ),
    _appeal(
        "appeal_redirect_timeliness",
        "R3",
        "102",
        "Соблюдение сроков перенаправления жалоб и заявлений",
        20.0,
        "max(0, k − (n / m × 100))",
        "HIGH",
        source_tables=("appeals",),
    ),
    _appeal(
        "appeal_internal_control",
        "R4",
        "104–105",
        "Внутренний контроль за качеством рассмотрения жалоб и заявлений",
        APPEAL_INTERNAL_CONTROL_MAX,
        "Appendix 13 band of disciplinary / late × 100; no late cases → 10",
        "IN_SEED",
        source_tables=("appeals",),
    ),
)
# Criteria K1–K3 (Appendix 2): the indicators each one sums.
SVC_CRITERIA_COMPONENTS: Mapping[str, tuple[str, ...]] = {
    "svc_k1": ("svc_satisfaction", "svc_complaints"),
    "svc_k2": ("svc_timeliness", "svc_unjustified_refusals", "svc_incomplete_package", "svc_extra_documents"),
    "svc_k3": (
        "svc_automation_degree",
        "svc_automation_effectiveness",
        "svc_mobile",
        "svc_downtime_penalty",
        "svc_proactive",
        "svc_digital_documents",
    ),
}
INDICATORS: tuple[IndicatorDef, ...] = compose_source_tables(_INDICATORS, SVC_CRITERIA_COMPONENTS)

# ---------------------------------------------------------------------------------------
# Readings (methodology §1.2, §2.2, §3, §9)
# ---------------------------------------------------------------------------------------

READINGS: tuple[ReadingDef, ...] = (
    ReadingDef(
        key="svc.satisfaction_band",
        options={
            "literal": "band the exact mean on the written edges: 3.995 is «ниже 4 баллов» → 0; a mean in a gap "
            "between bands (4.19 < x < 4.2) takes the lower band",
            "round2": "round the mean half up to 2 decimals, then band: 3.995 → 4.00 → 3 (CGO) / 4 (MIO)",
        },
        default="literal",
        confidence="HIGH",
        paragraph="31, Appendix 6",
        question="Issue 21: are the Appendix 6 edges applied to the exact mean?",
        legal_text="«Уровень удовлетворенности качеством от 4 баллов включительно до 4,19 балла включительно» … "
        "«Уровень удовлетворенности качеством ниже 4 баллов» — 0",
    ),
    ReadingDef(
        key="svc.p1_no_services",
        options={
            "max": "P1 = 15 (CGO) / 20 (MIO) when no service of the body was assessed by public monitoring (n = 0)",
            "zero": "P1 = 0 when n = 0",
        },
        default="max",
        confidence="MEDIUM",
        paragraph="30–31",
        question="P1 of a body with no monitored service: (U_1 + … + U_n) / n with n = 0",
        legal_text="«n – количество видов государственных услуг, подлежащих оценке по данному показателю»",
    ),
    ReadingDef(
        key="svc.b1_scope",
        options={
            "all": "b1 = b: every service rendered, electronic ones included",
            "non_electronic": "b1 = services rendered other than electronically (paper and State Corporation)",
        },
        default="all",
        confidence="MEDIUM",
        paragraph="33, 41–44",
        question="Issue 22: T1's b names electronic services, b1 of P2 and T2–T4 does not",
        legal_text="«b – общее количество государственных услуг, оказанных государственным органом "
        "(подведомственной организацией) (с учетом государственных услуг, оказываемых в электронном формате)»; "
        "«b1 – общее количество государственных услуг, оказанных государственным органом "
        "(подведомственной организацией)»",
    ),
    ReadingDef(
        key="svc.inspection_scope",
        options={
            "service": "inspection results replace IS «Мониторинг» and the self-report per body and service "
            "(for the services the inspection reports on)",
            "body": "once a body was inspected, its inspection results are the only source of T1–T4 counts for "
            "every service of the body",
        },
        default="service",
        confidence="MEDIUM",
        paragraph="37, 40",
        question="Does an inspection of the body override the other sources for services it did not report on?",
        legal_text="«При выявленных расхождениях о допущенных нарушениях сроков оказания государственных услуг … "
        "в случае проведения в оцениваемом государственном органе контрольных мероприятий … – результаты "
        "проверок; в случае отсутствия проведенных контрольных мероприятий в оцениваемом государственном органе – "
        'сведения из ИС "Мониторинг"»',
    ),
    ReadingDef(
        key="svc.outage_excluded",
        options={
            "a_and_b": "services rendered late during a confirmed IS failure leave T1's a and b",
            "a_only": "they leave a only and stay in b as rendered services",
        },
        default="a_and_b",
        confidence="MEDIUM",
        paragraph="40",
        question="Are outage-excused late services taken out of the volume b too?",
        legal_text="«государственные услуги, оказанные в этот период с нарушением установленных сроков, не "
        "учитываются при расчете по данному критерию»",
    ),
    ReadingDef(
        key="svc.automation_degree",
        options={
            "full": "partial_weight = 1.0: T = (c + d) / n × k",
            "half": "partial_weight = 0.5: T = (0.5·c + d) / n × k",
        },
        default="full",
        confidence="MEDIUM",
        paragraph="49",
        question="Q2: equal credit for partially and fully automated services?",
        legal_text="«с – количество видов государственных услуг, частично автоматизированных; d – количество видов "
        "государственных услуг, полностью автоматизированных» (the formula image is missing)",
    ),
    ReadingDef(
        key="svc.automation_effectiveness",
        options={
            "average": "V = k × (e/z + (c − b)/c) / 2",
            "product": "V = k × (e/z) × (1 − b/c)",
            "difference": "V = k × max(0, e/z − b/c)",
        },
        default="average",
        confidence="LOW",
        paragraph="51",
        question="Q3: how the electronic share e/z and the paper share b/c combine",
        legal_text="«e – объем государственных услуг, оказанных в электронной форме; z – общий объем оказанных "
        "государственных услуг; b – объем государственных услуг, оказанных в бумажной форме по автоматизированным "
        "(электронно/бумажным) услугам; c – общий объем оказанных государственных услуг по автоматизированным "
        "(электронно/бумажным) услугам» (the formula image is missing)",
    ),
    ReadingDef(
        key="svc.k3_cap",
        options={
            "min25": "K3 = 25 if T+V+C−P ≥ 25, else min(25, T+V+C−P+D+S)",
            "literal": "D and S added only while T+V+C−P < 25; the sum is not capped",
        },
        default="min25",
        confidence="MEDIUM",
        paragraph="47",
        question="Q19: is K3 capped at 25 once the stimulus indicators are added?",
        legal_text="«КЗ = T + V + C - P + D* + S*» … «*не применяется при получении максимального значения 25 баллов»",
    ),
    ReadingDef(
        key="svc.k3_test_base",
        options={
            "net": "the stimuli D and S are not applied once T + V + C − P reaches 25 (the criterion's value)",
            "gross": "they are not applied once T + V + C reaches 25, whatever the downtime penalty P",
        },
        default="net",
        confidence="MEDIUM",
        paragraph="46–47",
        question="Is the 25-point test of the stimulus indicators made before or after the downtime penalty?",
        legal_text="«в случае получения государственным органом максимального значения по критерию "
        '"Автоматизация государственных услуг" (25 баллов), стимулирующий показатель не учитывается»',
    ),
    ReadingDef(
        key="open.publicity_small_b",
        options={
            "floor12": "A_lang = a / max(b, 12) × 2.5",
            "zero": "A_lang = 0 when b < 12, else a / b × 2.5",
        },
        default="floor12",
        confidence="MEDIUM",
        paragraph="81",
        question="Q4: fewer than 12 events — denominator floor or zero?",
        legal_text="«b – общее количество проведенных мероприятий, которое должно составлять не менее 12»",
    ),
    ReadingDef(
        key="open.media_no_requests",
        options={
            "max": "B_lang = 1 when no media requests were received",
            "zero": "B_lang = 0 when no media requests were received",
        },
        default="max",
        confidence="MEDIUM",
        paragraph="82",
        question="Q5: score of B when a = 0",
        legal_text="«a – количество поступивших запросов СМИ; b – количество ответов на поступившие запросы СМИ; "
        "c – количество ответов на поступившие запросы СМИ, предоставленных с нарушением сроков» "
        "(the formula image is lost; the text says nothing of a = 0)",
    ),
    ReadingDef(
        key="open.population_band",
        options={
            "exact": "«свыше 80 %» strict on the exact value (80.01, 80.6 → 1.5; 80.0 → 1); a value in a gap "
            "between written bands takes the lower band (79.5 → 1, 68.5 → 0.8, 35.5 → 0)",
            "floor": "band the floored percentage (80.6 → 80 → 1, 35.9 → 0): not the text's reading, kept for "
            "comparison with figures published before 2026-12-04",
        },
        default="exact",
        confidence="HIGH",
        paragraph="84",
        question="Q20: Table 7-1 item 3 leaves gaps (80 %, 35–36 %, fractions)",
        legal_text="свыше 80 % опрошенных удовлетворены — 1,5; от 69 до 79 % опрошенных удовлетворены — 1; "
        "… менее 35% опрошенных удовлетворены — 0 (таблица 7-1 приложения 10)",
    ),
    ReadingDef(
        key="open.stimulus_cap",
        options={
            "clamp": "P1 = min(18, items 1–5 + item 6): the stimulus never lifts P1 above 18, and is void once "
            "items 1–5 make 18",
            "literal": "item 6 counted only while items 1–5 < 18, the sum not capped (P1 up to 19.x)",
        },
        default="clamp",
        confidence="HIGH",
        paragraph="62",
        question="Table 1 item 6: does the open-data stimulus stop at the criterion maximum?",
        legal_text="В случае получения государственным органом максимального значения по критерию (18 баллов) "
        "стимулирующий показатель не учитывается (таблица 1 приложения 10); Итого 18; приложение 7: "
        "Открытые данные 18",
    ),
    ReadingDef(
        key="open.excluded_item",
        options={
            "average": "the mean of the points the CGOs assessed on the item obtained (as Table 6 note ** and "
            "para. 67 do)",
            "maximum": "the item's full weight",
            "zero": "0 points: the body is simply not scored on the item",
        },
        default="average",
        confidence="MEDIUM",
        paragraph="Appendix 10, Table 6 note *, Table 2 note **",
        question="Items a note excludes without giving a score: MoD on Table 6 item 4, National Bank on Table 2 "
        "items 2–5 and 8–11 (not_assessed = mod_excluded | national_bank)",
        legal_text="* – за исключением Министерства обороны Республики Казахстан (табл. 6, п. 4); ** - за "
        "исключением Национального Банка Республики Казахстан (табл. 2); cf. табл. 6 прим. **: "
        "присваиваются средние баллы центральных государственных органов",
    ),
    ReadingDef(
        key="open.average_no_peers",
        options={
            "maximum": "the item's full weight (the seed gives the maximum wherever the subject of an item is "
            "absent: paras. 62, 67, 71)",
            "zero": "0 points: no body obtained points to average",
        },
        default="maximum",
        confidence="MEDIUM",
        paragraph="67",
        question="A not-assessed item when no body of the same type was assessed on it: the mean of nothing",
        legal_text="присваивается средний балл полученных оценок всех государственных органов по тем "
        "индикаторам, по которым государственный орган не оценивается (п. 67)",
    ),
    ReadingDef(
        key="appeals.r4_impossible",
        options={
            "exclude_both": "cases where liability was impossible leave numerator and denominator",
            "numerator_only": "they leave the numerator only (stay in the late-case denominator)",
        },
        default="exclude_both",
        confidence="MEDIUM",
        paragraph="104",
        question="Q7: do dismissal cases leave the denominator too?",
        legal_text="«учитываются факты привлечения к дисциплинарной ответственности, за исключением невозможности "
        "привлечения к ответственности по объективным причинам (увольнение) по отношению к количеству жалоб и "
        "заявлений, рассмотренных и перенаправленных с нарушением срока»",
    ),
    ReadingDef(
        key="appeals.r4_all_impossible",
        options={
            "max": "R4 = 10 when every late case is one where liability was impossible (nothing left to judge)",
            "zero": "R4 = 0: late cases exist, so Appendix 13's 10 does not apply, and an undefined share reaches "
            "no band",
        },
        default="max",
        confidence="MEDIUM",
        paragraph="104, Appendix 13",
        question="R4 when all late cases are «impossible» (only with appeals.r4_impossible=exclude_both)",
        legal_text="«В случае отсутствия жалоб и заявлений, рассмотренных и перенаправленных с нарушением сроков, "
        "государственному органу присваиваются 10 баллов.»",
    ),
    ReadingDef(
        key="appeals.r2_nothing_reviewed",
        options={
            "zero": "R2 = 0 when a court decision entered into force in the year but no appeal was reviewed (p = 0)",
            "max": "R2 = 30 when p = 0: no share of reviewed appeals can be formed",
        },
        default="zero",
        confidence="MEDIUM",
        paragraph="99–100",
        question="R2 with a > 0 and p = 0",
        legal_text="«В случае отсутствия в государственном органе жалоб и заявлений, решения по которым пересмотрены "
        "и удовлетворены в судебном порядке в отчетном периоде, государственному органу присваиваются 30 баллов. "
        "Если полученный результат по критерию составил значение со знаком минус, государственному органу по "
        "данному критерию присваивается 0 баллов.»",
    ),
    ReadingDef(
        key="appeals.period",
        options={
            "reviewed": "p and f (R1, R2, R4) count the appeals reviewed in the year, whenever received",
            "received_and_reviewed": "they count the appeals both received and reviewed in the year",
        },
        default="reviewed",
        confidence="MEDIUM",
        paragraph="92, 97, 99",
        question="Which appeals the year's p and f count",
        legal_text="«проводится по жалобам и заявлениям, поступившим в оцениваемый государственный орган и "
        "рассмотренным в отчетном периоде»; «p – общее количество жалоб и заявлений, рассмотренных оцениваемым "
        "государственным органом в отчетном периоде»",
    ),
)
