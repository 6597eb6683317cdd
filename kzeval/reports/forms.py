"""The legal conclusion forms: titles, row layout and Russian labels.

Only presentation lives here (which rows a form prints, in which order, under which
heading). Names and maxima of the indicators come from the edition modules'
``INDICATORS`` (methodology §10) and from the warehouse rows themselves.

Sources of the layouts:
- services: interaction methodology (seed 004) Appendix 3 (CGO) / Appendix 4 (MIO), the
  sub-rows numbered as in Appendix 2;
- openness: Appendix 8; appeals: Appendix 12; interaction block: Appendix 15;
- HR: criteria and indicators of Appendix 13 of the org-development methodology (seed 001);
  its conclusion form is in the base act, not in the seeds, so the title is built like the
  IT form;
- IT: Appendix 14 of the org-development methodology (seed 001);
- org-development block: Appendix 17 (not in the seeds), laid out like Appendix 15.
"""

from __future__ import annotations

from dataclasses import dataclass

from kzeval import methodology
from kzeval.methodology import interaction_2023, org_development_2023
from kzeval.methodology.base import IndicatorDef

BODY_TYPE_LABEL = {"CGO": "ЦГО", "MIO": "МИО"}
BODY_TYPE_LONG = {"CGO": "центральный государственный орган", "MIO": "местный исполнительный орган"}
BODY_TYPE_GENITIVE = {"CGO": "центрального государственного органа", "MIO": "местного исполнительного органа"}
BODY_TYPE_PLURAL = {"CGO": "Центральные государственные органы", "MIO": "Местные исполнительные органы"}

BLOCK_LABEL = methodology.BLOCK_LABELS
BLOCK_SHORT = {"interaction": "Взаимодействие", "org_development": "Орг. развитие"}
DIRECTION_LABEL = methodology.DIRECTION_LABELS
DIRECTION_SHORT = {"services": "Услуги", "openness": "Открытость", "appeals": "Жалобы", "hr": "Персонал", "it": "ИТ"}
BLOCK_ORDER = methodology.BLOCK_ORDER
DIRECTION_ORDER = methodology.DIRECTION_ORDER
TIER_ORDER = ("high", "medium", "low", "ineffective")
TIER_LABEL = {"high": "Высокая", "medium": "Средняя", "low": "Низкая", "ineffective": "Неэффективная"}
TIER_COLOR = {"high": "#2e7d32", "medium": "#1565c0", "low": "#ef6c00", "ineffective": "#c62828"}

# Column and row labels of the forms (Appendices 3, 4, 8, 12, 14, 15).
COL_NUMBER = "№"
COL_CRITERION = "Критерии операционной оценки"
COL_POINTS = "Балл"
COL_MAX = "Максимальный балл"
COL_SHARE = "Доля от максимума"
COL_MEDIAN = "Медиана"
COL_PREVIOUS = "Предыдущий год"
COL_CHANGE = "Изменение"
COL_DIRECTION = "Направления операционной оценки"
COL_SCORE = "Оценка"
ROW_TOTAL_CRITERIA = "Общая оценка по критериям"
ROW_PENALTY = "Вычет штрафных баллов"
ROW_FINAL = "Итоговая оценка с учетом вычета штрафных баллов"
ROW_BLOCK_FINAL = "Итоговая оценка"
ROW_TIER = "Степень эффективности"
ROW_RANK = "Место среди"
LABEL_PERIOD = "Отчетный период"
LABEL_ANALYSIS = "Анализ"
LABEL_CONCLUSIONS = "Выводы и рекомендации"
LABEL_NOT_COMPUTED = "не рассчитано"
LABEL_PROVISIONAL = (
    "* предварительно: значение зависит от реконструированной формулы низкой достоверности "
    "(методология, §0.1); толкование указано в расшифровке показателей"
)

SIGN_DEPUTY_CHAIR = "Заместитель Председателя Агентства Республики Казахстан по делам государственной службы"
SIGN_UNIT_HEAD = "Руководитель соответствующего структурного подразделения уполномоченного на оценку органа"
SIGN_AUTHORITY_HEAD = "Руководитель Уполномоченного органа"
SIGN_BODY_HEAD_IT = (
    "Руководитель государственного органа/соответствующего отдела Администрации Президента Республики Казахстан"
)
SIGN_UNIT_HEAD_IT = (
    "Руководитель соответствующего структурного подразделения уполномоченного на оценку органа/ "
    "соответствующего структурного подразделения Администрации Президента Республики Казахстан"
)


@dataclass(frozen=True)
class FormRowSpec:
    """One printed row of a form: a criterion (top level) or an indicator under it."""

    code: str
    children: tuple[str, ...] = ()
    bonus: bool = False  # bonus rows («бонусные») do not count towards the form's maximum
    # printed (as «не применяется») even for a body type the indicator does not apply to, where the
    # seed has one form for both body types (Appendix 8 row 7 for a MIO)
    kept_when_not_applicable: bool = False


@dataclass(frozen=True)
class FormSpec:
    """A conclusion form for one direction (or a block), per body type where they differ."""

    title: str
    appendix: str
    rows: tuple[FormRowSpec, ...]
    signatories: tuple[str, ...]
    criterion_header: str = COL_CRITERION
    points_header: str = COL_POINTS
    penalty_label: str = ROW_PENALTY
    final_label: str = ROW_FINAL


_SVC_ROWS = (
    FormRowSpec("svc_k1", ("svc_satisfaction", "svc_complaints")),
    FormRowSpec(
        "svc_k2", ("svc_timeliness", "svc_unjustified_refusals", "svc_incomplete_package", "svc_extra_documents")
    ),
    FormRowSpec(
        "svc_k3",
        (
            "svc_automation_degree",
            "svc_automation_effectiveness",
            "svc_mobile",
            "svc_downtime_penalty",
            "svc_proactive",
            "svc_digital_documents",
        ),
    ),
)
_SVC_TITLE = (
    "Заключение о результатах операционной оценки качества оказания государственных услуг, предоставляемых {who}"
)
_OPEN_ROWS = (
    *(
        FormRowSpec(c)
        for c in ("open_data", "open_budget", "open_legal_acts", "open_dialogue", "open_website", "open_media")
    ),
    FormRowSpec("open_subordinate_penalty", kept_when_not_applicable=True),
)
_APPEAL_ROWS = tuple(
    FormRowSpec(c)
    for c in (
        "appeal_review_timeliness",
        "appeal_court_overturned",
        "appeal_redirect_timeliness",
        "appeal_internal_control",
    )
)
_HR_ROWS = (
    FormRowSpec(
        "hr_staff_potential", ("hr_net_turnover", "hr_stability", "hr_exit_interview", "hr_gender", "hr_qualifications")
    ),
    FormRowSpec(
        "hr_work_organisation",
        (
            "hr_overtime",
            "hr_work_conditions",
            "hr_management_practices",
            "hr_training",
            "hr_strategy",
            "hr_internships",
            "hr_personal_files",
        ),
    ),
    FormRowSpec(
        "hr_meritocracy_culture",
        ("hr_competition_transparency", "hr_meritocracy", "hr_career_growth", "hr_reward_transparency", "hr_ethics"),
    ),
)
_IT_ROWS = (
    FormRowSpec("it_architecture_portal"),
    FormRowSpec("it_smart_city"),
    FormRowSpec("it_data_currency"),
    FormRowSpec("it_function_automation"),
    FormRowSpec("it_digital_staff"),
    FormRowSpec("it_ict_training"),
    FormRowSpec("it_local_content", bonus=True),
    FormRowSpec("it_data_register", bonus=True),
    FormRowSpec("it_unused_systems"),
)
# Indicators under a criterion that are bonuses (their shortfall is not a loss).
BONUS_CODES = frozenset({"svc_proactive", "svc_digital_documents", "hr_internships", "hr_personal_files"}) | {
    r.code for r in _IT_ROWS if r.bonus
}

_INTERACTION_BLOCK_TITLE = (
    "Заключение о результатах операционной оценки эффективности деятельности государственных органов "
    f'по блоку "{BLOCK_LABEL["interaction"]}"'
)
_ORG_BLOCK_TITLE = (
    "Заключение о результатах операционной оценки деятельности государственного органа "
    f'по блоку "{BLOCK_LABEL["org_development"]}"'
)


def direction_form(direction: str, body_type: str) -> FormSpec:
    """The form of ``direction`` for ``body_type``; an unknown direction gets a generic form."""
    if direction == "services":
        who = "центральными государственными органами" if body_type == "CGO" else "местными исполнительными органами"
        appendix = "Приложение 3 к Методике" if body_type == "CGO" else "Приложение 4 к Методике"
        return FormSpec(
            _SVC_TITLE.format(who=who), appendix + " (взаимодействие)", _SVC_ROWS, (SIGN_DEPUTY_CHAIR, SIGN_UNIT_HEAD)
        )
    if direction == "openness":
        return FormSpec(
            "Заключение о результатах операционной оценки эффективности деятельности государственных органов "
            f'по направлению "{DIRECTION_LABEL["openness"]}"',
            "Приложение 8 к Методике (взаимодействие)",
            _OPEN_ROWS,
            (SIGN_AUTHORITY_HEAD,),
        )
    if direction == "appeals":
        return FormSpec(
            f'Заключение о результатах операционной оценки по направлению "{DIRECTION_LABEL["appeals"]}" '
            f'блока "{BLOCK_LABEL["interaction"]}"',
            "Приложение 12 к Методике (взаимодействие)",
            _APPEAL_ROWS,
            (SIGN_AUTHORITY_HEAD,),
        )
    if direction == "hr":
        return FormSpec(
            "Заключение о результатах операционной оценки деятельности государственного органа по направлению "
            f'"{DIRECTION_LABEL["hr"]}" блока "{BLOCK_LABEL["org_development"]}"',
            "Критерии по Приложению 13 к Методике (организационное развитие); форма базового акта",
            _HR_ROWS,
            (SIGN_UNIT_HEAD,),
        )
    if direction == "it":
        return FormSpec(
            "Заключение о результатах операционной оценки деятельности государственного органа по направлению "
            f'"{DIRECTION_LABEL["it"]}" блока "{BLOCK_LABEL["org_development"]}"',
            "Приложение 14 к Методике (организационное развитие)",
            _IT_ROWS,
            (SIGN_BODY_HEAD_IT, SIGN_UNIT_HEAD_IT),
            criterion_header="Критерии оценки",
            points_header="Баллы",
            penalty_label="Штрафные баллы",
            final_label="Общая оценка",
        )
    label = DIRECTION_LABEL.get(direction, direction)
    return FormSpec(f'Заключение о результатах операционной оценки по направлению "{label}"', "", (), (SIGN_UNIT_HEAD,))


def block_form(block: str) -> FormSpec:
    """The block conclusion form (Appendix 15 for interaction; Appendix 17, not in seeds, for org development)."""
    if block == "interaction":
        return FormSpec(
            _INTERACTION_BLOCK_TITLE,
            "Приложение 15 к Методике (взаимодействие)",
            (),
            (SIGN_DEPUTY_CHAIR, SIGN_UNIT_HEAD),
            criterion_header=COL_DIRECTION,
            points_header=COL_SCORE,
            final_label=ROW_BLOCK_FINAL,
        )
    if block == "org_development":
        return FormSpec(
            _ORG_BLOCK_TITLE,
            "Приложение 17 к Методике (организационное развитие); форма в источниках отсутствует",
            (),
            (SIGN_UNIT_HEAD,),
            criterion_header=COL_DIRECTION,
            points_header=COL_SCORE,
            final_label=ROW_BLOCK_FINAL,
        )
    return FormSpec(
        f'Заключение о результатах операционной оценки по блоку "{BLOCK_LABEL.get(block, block)}"',
        "",
        (),
        (SIGN_UNIT_HEAD,),
        criterion_header=COL_DIRECTION,
        points_header=COL_SCORE,
        final_label=ROW_BLOCK_FINAL,
    )


def penalty_cap(block: str) -> float | None:
    """Cap of the reporting penalty per direction (interaction para. 20; org development para. 24)."""
    caps = {
        interaction_2023.BLOCK: interaction_2023.PENALTY_CAP_PER_DIRECTION,
        org_development_2023.BLOCK: org_development_2023.PENALTY_CAP_PER_DIRECTION,
    }
    return caps.get(block)


def indicator_defs() -> dict[str, IndicatorDef]:
    """Every indicator definition of the editions the warehouse is computed with, by code."""
    defs: dict[str, IndicatorDef] = {}
    for module in (interaction_2023, org_development_2023):
        for d in module.INDICATORS:
            defs.setdefault(d.code, d)
    return defs


def indicator_name(code: str, defs: dict[str, IndicatorDef]) -> str:
    d = defs.get(code)
    return d.name_ru if d is not None else code


def indicator_symbol(code: str, defs: dict[str, IndicatorDef]) -> str:
    d = defs.get(code)
    return d.legal_symbol if d is not None else ""


def ordinal_sort_key(order: tuple[str, ...], value: str) -> tuple[int, str]:
    """Sort known codes in the legal order, unknown ones after them alphabetically."""
    return (order.index(value), "") if value in order else (len(order), value)


# ---------------------------------------------------------------------------------------
# Appendices 1, 5 and 14 of the interaction methodology (seed 004), and para. 21
# ---------------------------------------------------------------------------------------

LABEL_NOT_APPLICABLE = "не применяется"
# Appendix 8 row 7 for a MIO: the form has the row; the note under Table 8 of Appendix 10 limits it to CGOs.
NOT_APPLICABLE_NOTE = {
    "open_subordinate_penalty": (
        "не применяется: оценке подлежат подведомственные организации центральных государственных органов "
        "(примечание к таблице 8 приложения 10)"
    ),
}

PENALTY_KIND_LABEL = {
    "unreliable": "недостоверная информация",
    "incomplete": "неполная информация",
    "late": "несвоевременное представление информации",
}
LABEL_PENALTY_FACTS = "Выявленные факты (п. 21 Методики)"

APPENDIX_1 = "Приложение 1 к Методике (взаимодействие)"
ACT_TITLE = (
    "АКТ СВЕРКИ по итогам перепроверки данных, содержащихся в отчетной информации оцениваемых государственных органов"
)
ACT_COLUMNS = ("№", "Представление недостоверной информации", "Вычитаемые баллы")
ACT_TOTAL = "ВСЕГО:"
ACT_FACTS_HEAD = (
    "1. Представлена недостоверная информация. В ходе перепроверки выявлены следующие несоответствия "
    "действительности фактов:"
)
ACT_FINAL = "ИТОГОВЫЙ ВЫЧЕТ"
ACT_SIGNATORIES = (
    "Представитель уполномоченного органа, должность",
    "Представитель оцениваемого государственного органа, должность",
)
SIGNATURE_LINE_ACT = "____________ (дата)    ____________ (подпись)    ______________________ (расшифровка подписи)"

APPENDIX_5 = "Приложение 5 к Методике (взаимодействие)"
AUTOMATION_TITLE = (
    "Заключение о результатах операционной оценки качества оказания государственных услуг "
    'по критерию "Автоматизация государственных услуг"'
)
AUTOMATION_COLUMNS = ("№", "Критерии", "Балл", "Максимальный балл")
AUTOMATION_CRITERION = "svc_k3"
AUTOMATION_ANALYSIS = (
    "Анализ эффективности деятельности центрального государственного органа по критерию "
    '"Автоматизация государственных услуг".'
)
AUTOMATION_SIGNATORIES = ("Руководитель государственного органа", SIGN_UNIT_HEAD)

APPENDIX_14 = "Приложение 14 к Методике (взаимодействие)"
DISPUTE_TITLE = "Таблица разногласий по результатам операционной оценки по направлению"
DISPUTE_COLUMNS = (
    "№",
    "Заключение уполномоченного на оценку государственного органа",
    "Возражение оцениваемого государственного органа",
    "Примечание",
)
DISPUTE_FINAL = "Общий балл с учетом итогов обжалования составил"
DISPUTE_CHAIR = "Председатель комиссии, должность"
DISPUTE_ACQUAINTED = "С итогами обжалования ознакомлен:"
DISPUTE_BODY = "Представитель государственного органа, должность"
SIGNATURE_LINE_DISPUTE = "____________ (дата)    ____________ (подпись)    ______________________ (ФИО)"
DECISION_ACCEPTED = "Принято"
DECISION_REJECTED = "Не принято"
DECISION_NOT_CONSIDERED = "Не рассмотрено"
