"""What the named inputs of every figure mean: legal symbol and meaning in Russian.

Every figure stores its inputs as JSON (``core.indicator_scores.inputs``, keys such as ``k``,
``a``, ``b1``). This dictionary gives each key its symbol in the legal formula (where the seed
names one) and its meaning, so that ``marts.fct_indicator_inputs`` lists the inputs of a figure
by name. A key is looked up per indicator first (the same letter means different things in
different formulas), then in :data:`COMMON_INPUTS`. Written to ``core.indicator_input_definitions``
by :func:`kzeval.steps.core.ensure_core_tables`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class InputDef:
    """One named input: its symbol in the legal formula (None where the seed names none) and meaning."""

    legal_symbol: str | None
    meaning_ru: str


def _d(symbol: str | None, meaning: str) -> InputDef:
    return InputDef(symbol, meaning)


# Keys that mean the same in every formula that stores them.
COMMON_INPUTS: Mapping[str, InputDef] = {
    "k": _d("k", "вес показателя (максимальный балл)"),
    "avg_headcount": _d(None, "среднесписочная численность за год"),
    "headcount_months_reported": _d(None, "месяцев с представленной численностью"),
    "empty_denominator": _d(None, "знаменатель равен нулю (1 — да)"),
    "share_pct": _d(None, "доля, %"),
    "mean_index": _d(None, "средний индекс ответов по утверждениям анкеты"),
    "statements_answered": _d(None, "утверждений анкеты с ответами"),
    "component_sum": _d(None, "сумма баллов показателей критерия до ограничения максимумом"),
    "max": _d(None, "максимальный балл (или штраф) показателя"),
    "reported": _d(None, "сведения представлены (1 — да)"),
    "points_ru": _d(None, "баллы по листу оценки на русском языке"),
    "points_kk": _d(None, "баллы по листу оценки на казахском языке"),
    "services_inspected": _d(None, "услуг, проверенных государственным контролем"),
    "services_by_late_source": _d(None, "услуги по источнику сведений о нарушении сроков"),
    "overdue_excluded_outage": _d(None, "нарушения сроков, исключенные из-за недоступности ИС"),
    "W_deducted": _d("W", "вычтенный штраф за сверхурочную работу в выходные"),
    "headcount_months_missing": _d(
        None, "численность представлена не за все 12 месяцев (1 — да; показатель предварительный)"
    ),
    "scope": _d(
        None,
        "как определен аппарат органа: is_apparatus — по признаку аппарата в справочнике органов, "
        "level_rule — по уровню подразделения (показатель предварительный)",
    ),
    "undated_roster": _d(None, "списки без даты, отнесенные к оцениваемому году (показатель предварительный)"),
    "register_undated": _d(
        None, "реестр государственных услуг представлен без года (1 — да; показатель предварительный)"
    ),
    "missing": _d(None, "показатели критерия, не рассчитанные из-за отсутствия сведений"),
    "not_assessed": _d(None, "показатели критерия, не подлежащие оценке"),
    "respondents": _d("N", "число ответивших на каждое утверждение анкеты"),
    "nothing_to_count": _d(None, "нечего оценивать: знаменатель критерия равен нулю (1 — да)"),
    "substitute": _d(
        None,
        "чем заменен балл при отсутствии предмета оценки (чтение it.nothing_to_count): "
        "zero — 0, full_marks — максимум, type_mean — среднее по органам того же типа",
    ),
    "peer_bodies": _d(None, "органы того же типа, по которым взято среднее"),
    **{f"i{n}": _d(f"i{n}", f"средний индекс ответов на утверждение {n} анкеты") for n in range(1, 27)},
}

_SERVICES = "оказано государственных услуг за год"
# P1–P5 of openness (para. 62 ff.): points from the assessment sheets, per language
_OPEN_POINTS_CRITERIA = ("open_budget", "open_legal_acts", "open_dialogue", "open_website")


def _open_points_inputs() -> dict[str, InputDef]:
    """Inputs of P1–P5 when some items are not assessed for the body (para. 67, Table 6 note **)."""
    return {
        **{f"own_{lang}": _d(None, f"собственные баллы органа по листу оценки ({lang})") for lang in ("ru", "kk")},
        **{
            f"averaged_{lang}": _d(
                None,
                f"баллы за пункты, по которым орган не оценивается: среднее по органам того же типа (п. 67) ({lang})",
            )
            for lang in ("ru", "kk")
        },
        "averaged_items": _d(None, "пункты, по которым орган не оценивается, и подставленные за них баллы (п. 67)"),
    }


_REVIEWED = "рассмотрено жалоб и заявлений за год"

INDICATOR_INPUTS: Mapping[str, Mapping[str, InputDef]] = {
    "svc_satisfaction": {
        "n": _d("n", "количество оцененных государственных услуг"),
        "no_assessed_services": _d(None, "нет оцененных услуг (1 — да)"),
        "points_by_service": _d(None, "баллы по каждой оцененной услуге"),
        "level_by_service": _d(None, "уровень удовлетворенности по каждой оцененной услуге"),
    },
    "svc_complaints": {"i": _d("i", "обоснованные жалобы на качество услуг"), "b1": _d("b1", _SERVICES)},
    "svc_timeliness": {
        "a": _d("a", "услуги, оказанные с нарушением срока"),
        "b": _d("b", _SERVICES),
        "rendered_all_channels": _d(
            None,
            "оказано государственных услуг за год по всем каналам (до исключения нарушений из-за недоступности ИС)",
        ),
    },
    "svc_unjustified_refusals": {"a": _d("a", "необоснованные отказы"), "b1": _d("b1", _SERVICES)},
    "svc_incomplete_package": {"c": _d("c", "услуги, оказанные при неполном пакете"), "b1": _d("b1", _SERVICES)},
    "svc_extra_documents": {"e": _d("e", "истребование непредусмотренных документов"), "b1": _d("b1", _SERVICES)},
    "svc_automation_degree": {
        "n": _d("n", "государственных услуг в реестре"),
        "c": _d("c", "частично автоматизированные услуги"),
        "d": _d("d", "полностью автоматизированные услуги"),
        "partial_weight": _d(None, "вес частично автоматизированной услуги (чтение svc.automation_degree)"),
    },
    "svc_automation_effectiveness": {
        "e": _d("e", "услуги, оказанные в электронной форме"),
        "z": _d("z", "услуги, доступные в электронной форме: всего оказано"),
        "b": _d("b", "услуги, оказанные в бумажной форме при наличии электронной"),
        "c": _d("c", "всего оказано автоматизированных услуг"),
        "e_mio": _d(None, "из e: оказано в электронной форме местными исполнительными органами (п. 50)"),
        "z_mio": _d(None, "из z: оказано всего местными исполнительными органами (п. 50)"),
    },
    "svc_mobile": {
        "a": _d("a", "услуги, доступные через мобильное приложение"),
        "w": _d("w", "автоматизированные услуги"),
    },
    "svc_downtime_penalty": {
        "t": _d("t", "часы недоступности автоматизированных услуг"),
        "w": _d("w", "штрафной балл за час недоступности"),
    },
    "svc_proactive": {"q": _d("q", "проактивные услуги")},
    "svc_digital_documents": {"l": _d("l", "реализованные цифровые документы")},
    "svc_k1": {"P1": _d("P1", "балл показателя P1"), "P2": _d("P2", "балл показателя P2")},
    "svc_k2": {f"T{i}": _d(f"T{i}", f"балл показателя T{i}") for i in range(1, 5)},
    "svc_k3": {s: _d(s, f"балл показателя {s}") for s in ("T", "V", "C", "P", "D", "S")},
    "open_media": {
        **{
            f"{p}_{lang}": _d(p, f"составляющая {p} открытости через СМИ ({lang})")
            for p in "ABCD"
            for lang in ("ru", "kk")
        },
        **{
            f"{name}_{lang}": _d(None, f"{meaning} ({lang})")
            for name, meaning in (
                ("events_high_publicity", "мероприятия высокой публичности"),
                ("events_total", "мероприятия всего"),
                ("media_requests", "запросы СМИ"),
                ("media_answers", "ответы на запросы СМИ"),
                ("media_answers_late", "ответы на запросы СМИ с нарушением срока"),
                ("media_satisfied_pct", "удовлетворенность СМИ, %"),
                ("population_satisfied_pct", "удовлетворенность населения, %"),
            )
            for lang in ("ru", "kk")
        },
    },
    **{criterion: _open_points_inputs() for criterion in _OPEN_POINTS_CRITERIA},
    "open_data": {
        **_open_points_inputs(),
        "items_1_5": _d(None, "сумма баллов по пунктам 1–5 таблицы 1 (без стимулирующего пункта 6)"),
        "stimulus": _d(None, "баллы стимулирующего пункта 6 «Автоматизация размещения наборов открытых данных»"),
    },
    "open_subordinate_penalty": {
        **{
            f"points_{lang}": _d(None, f"штрафные баллы подведомственных организаций по листу оценки ({lang})")
            for lang in ("ru", "kk")
        },
        "sum_open_website": _d(None, "штрафные баллы по критерию «Наполняемость интернет-ресурса» (таблица 9)"),
        "sum_open_data": _d(None, "штрафные баллы по критерию «Открытые данные» (таблица 10)"),
        "sum_open_dialogue": _d(None, "штрафные баллы по критерию «Открытый диалог» (таблица 11)"),
        "criterion_max": _d(None, "максимум штрафных баллов по одному критерию"),
    },
    "appeal_review_timeliness": {"f": _d("f", "рассмотрено с нарушением срока"), "p": _d("p", _REVIEWED)},
    "appeal_court_overturned": {"a": _d("a", "признано обоснованными по решению суда"), "p": _d("p", _REVIEWED)},
    "appeal_redirect_timeliness": {
        "n": _d("n", "перенаправлено с нарушением срока"),
        "m": _d("m", "поступило жалоб и заявлений за год"),
    },
    "appeal_internal_control": {
        "late_cases": _d(None, "рассмотрено или перенаправлено с нарушением срока"),
        "disciplined": _d(None, "из них с дисциплинарной ответственностью"),
        "impossible": _d(None, "из них ответственность невозможна (увольнение)"),
    },
    "hr_net_turnover": {
        "leavers_civil_service": _d(None, "уволенные с государственной службы"),
        "turnover_pct": _d(None, "чистая сменяемость, %"),
        "lambda": _d("λ", "коэффициент сменяемости"),
    },
    "hr_stability": {
        "employees_in_post": _d(None, "служащие на должностях"),
        "employees_tenure_at_least_x": _d(None, "служащие со стажем в органе не менее X лет"),
        "tenure_years_x": _d("X", "порог стажа, лет"),
    },
    "hr_exit_interview": {
        "leavers": _d(None, "уволившиеся служащие"),
        "exempt_leavers": _d(None, "уволившиеся, не проходящие выходное интервью"),
        "interviewed": _d(None, "прошедшие выходное интервью (засчитанные: электронные и бумажные в пределах 10 %)"),
        "interviewed_electronic": _d(None, "выходные интервью, проведенные в электронной форме"),
        "interviewed_paper": _d(None, "выходные интервью, проведенные на бумажном носителе"),
        "paper_counted": _d(None, "засчитанные бумажные интервью (не более 10 %, чтение hr.paper_interview_limit)"),
        "negative_base": _d(None, "база доли отрицательных мотивов: уволившиеся или прошедшие интервью"),
        "voluntary_unknown": _d(None, "уволившиеся без сведений о добровольности увольнения"),
        "negative_leavers": _d(None, "уволившиеся по отрицательным мотивам"),
        "negative_penalty": _d(None, "штраф за отрицательные мотивы увольнения"),
    },
    "hr_gender": {
        "leaders": _d(None, "руководящие должности"),
        "women_leaders": _d(None, "из них женщины"),
        "target_share": _d(None, "целевая доля женщин"),
    },
    "hr_qualifications": {
        "numerator": _d(None, "служащие с квалификацией из перечня пункта 37"),
        "distinct_employees": _d(None, "различные служащие с квалификацией"),
        **{
            name: _d(None, meaning)
            for name, meaning in (
                ("academy_graduate", "выпускники Академии государственного управления"),
                ("aspirant", "аспиранты"),
                ("bolashak", "выпускники программы «Болашак»"),
                ("candidate_of_science", "кандидаты наук"),
                ("doctor_of_science", "доктора наук"),
                ("foreign_education", "образование за рубежом"),
                ("masters_kz", "магистры казахстанских вузов"),
                ("nu_graduate", "выпускники Назарбаев Университета"),
                ("phd", "доктора PhD"),
                ("youth_reserve", "президентский молодежный кадровый резерв"),
            )
        },
    },
    "hr_overtime": {
        "N1": _d("N1", "количественный показатель (турникеты): часы работы на служащего против нормы"),
        "N2": _d("N2", "опросный показатель (анкета, утверждения 1–4)"),
        "W": _d("W", "штраф за сверхурочную работу в выходные и праздничные дни"),
        "n_source": _d(None, "источник N (turnstile — турникеты, иначе анкета)"),
    },
    "hr_overtime_quantitative": {
        "avg_workday_hours_per_employee": _d("a", "среднее человеко-часов в рабочие дни на служащего"),
        "normal_hours": _d("b", "нормальная продолжительность рабочего времени за год, часов"),
        "rigidity": _d(None, "коэффициент жесткости шкалы"),
    },
    "hr_weekend_overtime_penalty": {
        "avg_weekend_overtime_hours": _d("s", "среднее сверхурочных человеко-часов в выходные на служащего"),
    },
    "avg_workday_hours_per_employee": {
        "workday_overtime_hours": _d("m", "человеко-часы сверх рабочего дня в рабочие дни"),
        "normal_hours": _d("b", "нормальная продолжительность рабочего времени за год, часов"),
    },
    "avg_weekend_overtime_hours": {
        "weekend_overtime_hours": _d("p", "человеко-часы в выходные и праздничные дни"),
    },
    "normal_hours": {"workdays": _d("d", "рабочих дней в году по производственному календарю")},
    "hr_training": {
        "qualification_due": _d(None, "служащие, которым положено повышение квалификации"),
        "qualification_on_time": _d(None, "из них прошли в срок"),
        "retraining_due": _d(None, "служащие, которым положена переподготовка"),
        "retraining_on_time": _d(None, "из них прошли в срок"),
        "late": _d(None, "прошли с нарушением срока"),
        "missed": _d(None, "не прошли"),
        "penalty": _d(None, "штраф за нарушения"),
        "completed_after_year_end": _d(None, "прошли обучение после окончания оцениваемого года"),
    },
    "hr_strategy": {
        "a": _d("a", "наличие утвержденной стратегии управления персоналом, баллы"),
        "b": _d("b", "исполнение стратегии управления персоналом в оцениваемом периоде, баллы"),
        "execution_pct": _d(None, "исполнение, %"),
        "strategy_status": _d(None, "статус кадровой стратегии"),
        "source_agency_id": _d(None, "орган, представивший сведения"),
    },
    "hr_internships": {
        "interns_received": _d(None, "принятые стажеры"),
        "interns_sent": _d(None, "направленные на стажировку служащие"),
    },
    "hr_personal_files": {
        "employees": _d(None, "служащие"),
        "files_complete": _d(None, "заполненные личные дела в ИС «Е-қызмет»"),
        "as_of": _d(None, "дата выгрузки"),
        "units_without_31_december": _d(None, "подразделения без выгрузки на 31 декабря (показатель предварительный)"),
    },
    "hr_competition_transparency": {
        "c_held": _d("c", "проведенные конкурсы"),
        "a_with_observer": _d("a", "конкурсы с наблюдателем"),
        "b_with_video": _d("b", "конкурсы с видеозаписью"),
        "video_violations": _d(None, "нарушения порядка видеозаписи"),
        "video_penalty": _d(None, "штраф за нарушения видеозаписи"),
    },
    "hr_career_growth": {
        "a_from_within": _d("a", "назначенные из числа служащих органа"),
        "b_promoted": _d("b", "назначенные на вакантные должности"),
        "entry_level_excluded": _d(None, "исключенные низовые должности"),
        "kr": _d("Kr", "коэффициент карьерного роста"),
    },
    "it_architecture_portal": {
        "systems_registered": _d(None, "ИС, сведения о которых внесены в архитектурный портал"),
        "systems_total": _d(None, "ИС органа всего"),
        "systems_dsp": _d(None, "ИС с пометкой «ДСП», не учитываемые при оценке (п. 57)"),
    },
    "it_data_currency": {
        "currency_pct": _d("C", "актуальность сведений, %"),
        "records_current_mean_pct": _d(None, "средняя доля актуальных записей по ИС, %"),
        "records_current_weighted_pct": _d(None, "взвешенная доля актуальных записей, %"),
        "c_source": _d(None, "источник значения C"),
        "records_total": _d(None, "общее количество записей в ИС (приложение 8, таблица 1)"),
        "currency_aggregation": _d(
            None,
            "как получена актуальность: own_row — строка органа, records_weighted — среднее по подразделениям, "
            "взвешенное по записям, unweighted_mean — простое среднее (показатель предварительный)",
        ),
    },
    "it_function_automation": {
        "functions_automated": _d(None, "автоматизированные функции"),
        "functions_total": _d(None, "функции органа всего"),
    },
    "it_digital_staff": {
        "digital_unit_staff": _d(None, "штат подразделения по цифровизации"),
        "digital_unit_it_educated": _d(None, "из них с ИТ-образованием"),
        "k4": _d("k4", "доля с ИТ-образованием"),
    },
    "it_ict_training": {
        "staff_ict_certified": _d(None, "сотрудники, прошедшие курсы ИКТ"),
        "staff_total": _d(None, "сотрудники всего"),
    },
    "it_local_content": {
        "contracts_amount_kzt": _d(None, "сумма договоров на ИС, тенге"),
        "contracts_local_content_kzt": _d(None, "из нее местное содержание, тенге"),
    },
    "it_smart_city": {
        "smart_city_sum": _d(None, "сумма баллов «Умного города»"),
        "max_sum": _d(None, "максимальная сумма баллов"),
    },
    "it_data_register": {
        "indicators_total": _d(None, "показатели в реестре данных"),
        "indicators_automatic": _d(None, "из них формируемые автоматически"),
    },
    "it_unused_systems": {
        "unused_systems": _d(None, "неиспользуемые ИС"),
        "penalty_points": _d(None, "штрафные баллы"),
    },
}


def input_definition(indicator: str, name: str) -> InputDef | None:
    """The definition of input ``name`` of ``indicator``, or None when the dictionary lacks it.

    Inputs of a criterion that are its indicators' points (``hr_gender`` inside
    ``hr_staff_potential``) are named by the indicator's own code and symbol.
    """
    specific = INDICATOR_INPUTS.get(indicator, {})
    if name in specific:
        return specific[name]
    return generic_inputs().get(name)


def generic_inputs() -> dict[str, InputDef]:
    """:data:`COMMON_INPUTS` and every indicator code (an input of a criterion is an indicator's points)."""
    from kzeval.methodology import all_indicators

    result = {code: InputDef(d.legal_symbol, f"балл показателя «{d.name_ru}»") for code, d in all_indicators().items()}
    result.update(COMMON_INPUTS)
    return result


ANY_INDICATOR = "*"


def input_definition_rows() -> list[dict[str, str | None]]:
    """Rows of ``core.indicator_input_definitions``: per-indicator keys, then generic ones under ``*``."""
    rows: list[dict[str, str | None]] = [
        {"indicator": code, "input_name": name, "legal_symbol": d.legal_symbol, "meaning_ru": d.meaning_ru}
        for code, inputs in sorted(INDICATOR_INPUTS.items())
        for name, d in sorted(inputs.items())
    ]
    rows += [
        {"indicator": ANY_INDICATOR, "input_name": name, "legal_symbol": d.legal_symbol, "meaning_ru": d.meaning_ru}
        for name, d in sorted(generic_inputs().items())
    ]
    return rows
