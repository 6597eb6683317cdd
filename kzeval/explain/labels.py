"""Russian labels `kzeval explain` prints: blocks, directions, sources, penalty kinds, formula symbols."""

from __future__ import annotations

from collections.abc import Mapping

from kzeval.methodology import BLOCK_LABELS, DIRECTION_BLOCK, DIRECTION_LABELS

__all__ = ["BLOCK_LABELS", "DIRECTION_BLOCK", "DIRECTION_LABELS"]  # one home: kzeval.methodology

BODY_TYPE_LABELS: Mapping[str, str] = {"CGO": "ЦГО", "MIO": "МИО"}
SOURCE_LABELS: Mapping[str, str] = {
    "reference": "справочник",
    "turnstile": "система контроля доступа (турникеты)",
    "ekyzmet": "ИС «Е-қызмет»",
    "survey": "анкетирование служащих",
    "monitoring": "ИС «Мониторинг», государственный контроль, общественный мониторинг",
    "appeals": "АИС «Единый учет обращений лиц» (форма 1-ОЛ)",
    "openness": "листы оценки открытости",
    "it": "отчет по приложению 8",
    "reconciliation": "акты сверки",
    "disputes": "решения специальной комиссии",
}
PENALTY_KIND_LABELS: Mapping[str, str] = {
    "unreliable": "недостоверная информация",
    "incomplete": "неполная информация",
    "late": "несвоевременное представление",
}
# What the formula symbols stand for, where the legal text names them (seed 004, chapters 3 and 5).
INPUT_LABELS: Mapping[str, Mapping[str, str]] = {
    "svc_complaints": {"k": "вес показателя", "i": "обоснованные жалобы", "b1": "оказано услуг за год"},
    "svc_timeliness": {
        "k": "вес показателя",
        "a": "услуги с нарушением срока",
        "b": "оказано услуг за год (без просроченных в период сбоя ИС, п. 40)",
        "rendered_all_channels": "оказано услуг за год, все каналы",
        "overdue_excluded_outage": "просрочены в период подтвержденного сбоя ИС (не учитываются, п. 40)",
    },
    "svc_automation_effectiveness": {
        "e": "оказано в электронной форме (с услугами, оказанными МИО, п. 50)",
        "z": "оказано всего (с услугами, оказанными МИО, п. 50)",
        "b": "оказано в бумажной форме по автоматизированным услугам",
        "c": "оказано всего по автоматизированным услугам",
        "k": "вес показателя",
        "e_mio": "из e оказано местными исполнительными органами",
        "z_mio": "из z оказано местными исполнительными органами",
    },
    "svc_unjustified_refusals": {"k": "вес показателя", "a": "необоснованные отказы", "b1": "оказано услуг за год"},
    "svc_incomplete_package": {"k": "вес показателя", "c": "оказано при неполном пакете", "b1": "оказано услуг"},
    "svc_extra_documents": {"k": "вес показателя", "e": "истребование лишних документов", "b1": "оказано услуг"},
    "appeal_review_timeliness": {
        "k": "вес показателя",
        "f": "рассмотрено с нарушением срока",
        "p": "рассмотрено жалоб и заявлений за год",
    },
    "appeal_court_overturned": {
        "k": "вес показателя",
        "a": "признано обоснованными решениями суда, вступившими в законную силу в году (п. 9)",
        "p": "рассмотрено жалоб и заявлений за год",
    },
    "appeal_redirect_timeliness": {
        "k": "вес показателя",
        "n": "перенаправлено с нарушением срока",
        "m": "поступило жалоб и заявлений за год",
    },
    "appeal_internal_control": {
        "late_cases": "рассмотрено или перенаправлено с нарушением срока",
        "disciplined": "из них с дисциплинарной ответственностью",
        "impossible": "из них ответственность невозможна (увольнение)",
        "share_pct": "доля, %",
    },
}
# Openness P1–P5 (Appendix 10): per-language points, own and averaged (para. 67); P7 per Table 8 criterion.
_OPEN_POINTS_LABELS: Mapping[str, str] = {
    "points_kk": "баллы на государственном языке",
    "points_ru": "баллы на русском языке",
    "own_kk": "из них собственные баллы органа (каз.)",
    "own_ru": "из них собственные баллы органа (рус.)",
    "averaged_kk": "из них средние баллы по неоцениваемым индикаторам (каз.)",
    "averaged_ru": "из них средние баллы по неоцениваемым индикаторам (рус.)",
    "items_1_5": "индикаторы 1–5 таблицы 1",
    "stimulus": "стимулирующий индикатор 6 «Автоматизация размещения наборов»",
    "sum_open_website": "штрафы по таблице 9 (наполняемость интернет-ресурса)",
    "sum_open_data": "штрафы по таблице 10 (открытые данные)",
    "sum_open_dialogue": "штрафы по таблице 11 (открытый диалог)",
    "criterion_max": "итого штрафных баллов по критерию, не более",
}
OPENNESS_INPUT_LABELS: Mapping[str, Mapping[str, str]] = {
    code: _OPEN_POINTS_LABELS
    for code in (
        "open_data",
        "open_budget",
        "open_legal_acts",
        "open_dialogue",
        "open_website",
        "open_subordinate_penalty",
    )
}
AVERAGED_RULE_LABELS: Mapping[str, str] = {
    "average": "среднее баллов органов того же типа",
    "maximum": "максимальный балл индикатора (прочтение open.excluded_item=maximum)",
    "zero": "0 баллов (прочтение open.excluded_item=zero)",
    "no_peers_maximum": "ни один орган того же типа не оценен: максимальный балл (open.average_no_peers=maximum)",
    "no_peers_zero": "ни один орган того же типа не оценен: 0 баллов (open.average_no_peers=zero)",
}


APPEAL_RECORD_SETS: Mapping[str, tuple[str, str]] = {
    "appeal_review_timeliness": ("f", "жалобы и заявления, рассмотренные в году с нарушением срока"),
    "appeal_court_overturned": (
        "a",
        "жалобы и заявления, признанные обоснованными решением суда, вступившим в законную силу в году (п. 9)",
    ),
    "appeal_redirect_timeliness": ("n", "жалобы и заявления, перенаправленные в году с нарушением срока"),
    "appeal_internal_control": ("late_cases", "рассмотренные или перенаправленные с нарушением срока"),
}
