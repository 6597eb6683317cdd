"""`kzeval explain` for figures about people: corps «Б» grades and the working-time figures.

- ``--indicator corps_b``: the body's distribution of annual grades (seed 000 para. 8) next to
  the national one of its body type, with the plausibility check.
- ``--employee PSEUDONYM``: an employee's annual grade with every quarterly sheet behind it (the
  sheet average, the sanction cap, calibration, the quarter's score, exclusions) and its file and row.
- The working-time figures (N = N1 + N2 − W and their inputs a, b, s, m, p) say what each symbol
  means; with ``--records`` they list the day-level records of ``core.overtime_daily`` behind them.

Employees appear only by pseudonym. Texts are Russian, like the rest of ``explain``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import duckdb
import polars as pl

from kzeval import corps_b
from kzeval.explain.lookups import ExplainError, applied_corrections, corrected_frame, query_rows
from kzeval.explain.render import date_text, field_line, format_number, reading_values, text_table
from kzeval.methodology import active_readings
from kzeval.warehouse import table_exists

CORPS_B_CODES = ("corps_b", "corps_b_distribution")
WORKING_TIME_CODES = (
    "hr_overtime",
    "hr_overtime_quantitative",
    "hr_overtime_survey",
    "hr_weekend_overtime_penalty",
    "avg_workday_hours_per_employee",
    "avg_weekend_overtime_hours",
    "normal_hours",
)
DAY_RECORDS_LIMIT = 30

# What the working-time symbols mean (seed 001 para. 40).
WORKING_TIME_LEGEND = (
    "Нормированность труда: N = N1 + N2 − W (пункт 40).\n"
    "  N1 — количественный показатель (до 5 баллов): среднее количество человеко-часов на служащего в рабочие\n"
    "       дни a = (b × численность + m) / численность против нормальной продолжительности рабочего времени b\n"
    "       по производственному календарю; m — часы сверх окончания рабочего дня по турникетам.\n"
    "  N2 — опросный показатель (до 5 баллов): ответы служащих на утверждения 1–4 анкеты.\n"
    "  W  — штраф (до 2 баллов) за работу в выходные и праздничные дни: s = p / численность, p — часы\n"
    "       присутствия в выходные и праздничные дни без приказа о сверхурочной работе.\n"
    "  Подневные записи: core.overtime_daily (по одной на служащего и день; служащий — псевдоним)."
)


def working_time_legend() -> str:
    return WORKING_TIME_LEGEND


# ---------------------------------------------------------------------------------------
# Working time: the day-level records behind m, p and the unclosed days
# ---------------------------------------------------------------------------------------


def overtime_days_sql(year: int, body: str) -> str:
    """SQL listing every day record of the body's employees in the year (core.overtime_daily)."""
    return (
        "SELECT d.employee_id AS employee_pseudonym, d.work_date, d.day_type, d.presence_ms / 3600000.0 AS "
        "presence_hours,\n       d.after_end_ms / 3600000.0 AS after_end_hours, d.ordered_hours, "
        "d.workday_overtime_hours, d.weekend_overtime_hours, d.is_unclosed\n"
        "FROM core.overtime_daily d JOIN core.agencies a ON a.agency_id = d.agency_id\n"
        f"WHERE a.assessed_agency_id = '{body}' AND year(d.work_date) = {year}\n"
        "ORDER BY d.work_date, employee_pseudonym;"
    )


def overtime_day_records(con: duckdb.DuckDBPyConnection, year: int, body: str) -> str:
    """Totals of the day records (they add up to core.overtime's m and p) and the days that weigh most."""
    if not table_exists(con, "core", "overtime_daily"):
        return "Подневные записи: core.overtime_daily нет в хранилище (турникеты не загружены)."
    join = (
        "FROM core.overtime_daily d JOIN core.agencies a ON a.agency_id = d.agency_id "
        "WHERE a.assessed_agency_id = ? AND year(d.work_date) = ?"
    )
    totals = query_rows(
        con,
        "SELECT count(*) AS days, count(DISTINCT d.employee_id) AS employees, "
        "coalesce(sum(d.workday_overtime_hours), 0) AS m, coalesce(sum(d.weekend_overtime_hours), 0) AS p, "
        "count(*) FILTER (WHERE d.is_unclosed) AS unclosed, "
        "count(*) FILTER (WHERE d.day_type <> 'workday' AND d.presence_ms > 0) AS weekend_days " + join,
        [body, year],
    )[0]
    stored = query_rows(con, "SELECT * FROM core.overtime WHERE year = ? AND agency_id = ?", [year, body])
    lines = [
        f"Подневные записи (core.overtime_daily) за {year} год: {totals['days']} записей, "
        f"{totals['employees']} служащих (псевдонимы)",
        text_table(
            ["величина", "по записям", "в расчете (core.overtime)", "что это"],
            [
                [
                    "m",
                    totals["m"],
                    stored[0]["workday_overtime_hours"] if stored else "—",
                    "часы сверх окончания рабочего дня в рабочие дни",
                ],
                [
                    "p",
                    totals["p"],
                    stored[0]["weekend_overtime_hours"] if stored else "—",
                    "часы в выходные и праздничные дни без приказа",
                ],
                [
                    "незакрытые дни",
                    totals["unclosed"],
                    stored[0]["unclosed_days"] if stored else "—",
                    "последний вход без выхода: не учитываются",
                ],
            ],
        ),
    ]
    heaviest = query_rows(
        con,
        "SELECT d.employee_id, d.work_date, d.day_type, d.presence_ms / 3600000.0 AS presence, "
        "d.after_end_ms / 3600000.0 AS after_end, d.ordered_hours, d.workday_overtime_hours, "
        "d.weekend_overtime_hours, d.is_unclosed "
        + join
        + " AND (d.workday_overtime_hours > 0 OR d.weekend_overtime_hours > 0 OR d.is_unclosed) "
        "ORDER BY d.workday_overtime_hours + d.weekend_overtime_hours DESC, d.work_date, d.employee_id LIMIT ?",
        [body, year, DAY_RECORDS_LIMIT],
    )
    if heaviest:
        lines.append(f"Дни с наибольшей переработкой (первые {DAY_RECORDS_LIMIT}):")
        lines.append(
            text_table(
                [
                    "служащий",
                    "дата",
                    "тип дня",
                    "присутствие, ч",
                    "после конца дня, ч",
                    "по приказу, ч",
                    "в m, ч",
                    "в p, ч",
                    "незакрыт",
                ],
                [
                    [
                        r["employee_id"],
                        date_text(r["work_date"]),
                        r["day_type"],
                        round(r["presence"], 2),
                        round(r["after_end"], 2),
                        r["ordered_hours"],
                        round(r["workday_overtime_hours"], 2),
                        round(r["weekend_overtime_hours"], 2),
                        "да" if r["is_unclosed"] else "",
                    ]
                    for r in heaviest
                ],
            )
        )
    lines.append("Все записи:\n  " + overtime_days_sql(year, body).replace("\n", "\n  "))
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------
# Corps «Б»
# ---------------------------------------------------------------------------------------

GRADE_COLUMNS = (
    ("count_effective", "эффективно"),
    ("count_proper", "надлежаще"),
    ("count_satisfactory", "удовлетворительно"),
    ("count_unsatisfactory", "неудовлетворительно"),
)


def explain_corps_b_distribution(con: duckdb.DuckDBPyConnection, year: int, body: Mapping[str, Any]) -> str:
    """The body's distribution of annual corps «Б» grades next to the national one of its body type."""
    rows = query_rows(
        con,
        "SELECT * FROM core.corps_b_distribution WHERE year = ? AND (agency_id = ? OR scope <> 'agency') "
        "ORDER BY scope, body_type NULLS LAST",
        [year, body["agency_id"]],
    )
    own = [r for r in rows if r["scope"] == "agency"]
    if not own:
        raise ExplainError(f"Оценка корпуса «Б» за {year} год для {body['agency_id']} не рассчитана.")
    national = [r for r in rows if r["scope"] != "agency" and r.get("body_type") in (body["body_type"], None)]

    def line(label: str, r: Mapping[str, Any]) -> list[Any]:
        assessed = r["assessed"] or 0
        counts = [f"{r[c]} ({100 * r[c] / assessed:.1f} %)" if assessed else str(r[c]) for c, _ in GRADE_COLUMNS]
        mean = "—" if r["mean_score"] is None else format_number(r["mean_score"])
        return [label, assessed, *counts, mean]

    table_rows = [line(f"{body['agency_id']}", own[0])]
    table_rows += [line(f"{r['scope']} {r.get('body_type') or ''}".strip(), r) for r in national]
    parts = [
        f"Корпус «Б» · {body['name_ru']} · {year}",
        "Итоговые годовые оценки служащих корпуса «Б» (приложение к приказу, пункт 8): средняя квартальных оценок,\n"
        "округленная до сотых; полосы: эффективно, надлежаще, удовлетворительно, неудовлетворительно.",
        text_table(["область", "оценено", *[label for _, label in GRADE_COLUMNS], "средняя"], table_rows),
    ]
    if own[0].get("is_implausible"):
        parts.append(field_line("Неправдоподобно", str(own[0].get("implausibility_reason") or "")))
    parts.append(
        f"Оценка служащего: kzeval explain --year {year} --agency {body['agency_id']} --employee <псевдоним>\n"
        f"Все оценки органа: SELECT * FROM marts.fct_corps_b_annual WHERE year = {year} "
        f"AND agency_id = '{body['agency_id']}'"
    )
    return "\n\n".join(parts)


def explain_employee(con: duckdb.DuckDBPyConnection, year: int, body: Mapping[str, Any], pseudonym: str) -> str:
    """An employee's annual grade and every quarterly sheet behind it, with its file and row."""

    annual = query_rows(
        con, "SELECT * FROM core.corps_b_annual WHERE year = ? AND employee_pseudonym = ?", [year, pseudonym]
    )
    if not annual:
        raise ExplainError(f"Годовой оценки служащего {pseudonym} за {year} год нет (core.corps_b_annual).")
    grade = annual[0]
    if grade["agency_id"] != body["agency_id"]:
        raise ExplainError(
            f"Служащий {pseudonym} оценен за {year} год в органе {grade['agency_id']}, не в {body['agency_id']}."
        )
    sheets = _employee_sheets(con, year, body["agency_id"], pseudonym)
    readings = active_readings(reading_values(grade["reading"]))
    scored = (
        corps_b.quarterly_scores(sheets.drop("_file_path", "_row_number"), year, readings)
        .with_columns(sheets.select("_file_path", "_row_number"))
        .sort("quarter", "sheet")
        if sheets.height
        else pl.DataFrame()
    )
    rows: list[Sequence[Any]] = [
        [
            r["quarter"],
            r["sheet"],
            r["sheet_average"],
            r["sanction"] or "",
            r["sanction_cap"],
            "" if r["calibrated_score"] is None else r["calibrated_score"],
            r["score"],
            "да" if r["is_assessed"] else f"нет: {r['exclusion_reason']}",
            f"{r['_file_path']}:{r['_row_number']}",
        ]
        for r in scored.iter_rows(named=True)
    ]
    assessed = [r for r in scored.iter_rows(named=True) if r["is_assessed"]]
    arithmetic = " + ".join(format_number(r["score"]) for r in assessed)
    return "\n\n".join(
        [
            f"Корпус «Б» · служащий {pseudonym} · {body['name_ru']} · {year}",
            field_line("Итоговая оценка", f"{format_number(grade['annual_score'])} — {grade['grade_label_ru']}"),
            field_line(
                "Расчет",
                f"({arithmetic}) / {len(assessed)} = {format_number(grade['annual_score'])} "
                "(средняя оцененных кварталов, до сотых, половина вверх; пункт 5)",
            ),
            field_line("Чтение методики", grade["reading"] or "по умолчанию"),
            "Листы оценки (по кварталам):\n"
            + text_table(
                [
                    "квартал",
                    "лист",
                    "средний балл",
                    "взыскание",
                    "предел",
                    "калибровка",
                    "оценка квартала",
                    "учтен",
                    "файл:строка",
                ],
                rows,
            ),
        ]
    )


def _employee_sheets(con: duckdb.DuckDBPyConnection, year: int, body: str, pseudonym: str) -> pl.DataFrame:
    if not table_exists(con, "raw", "corps_b_evaluations"):
        return pl.DataFrame()
    frame = con.execute(
        "SELECT * FROM raw.corps_b_evaluations WHERE employee_id = ? AND year = ? ORDER BY _file_path, _row_number",
        [pseudonym, year],
    ).pl()
    frame = corrected_frame(frame, "corps_b_evaluations", applied_corrections(con, year, body))
    return frame.drop("_file_sha256", strict=False)
