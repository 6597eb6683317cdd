"""Objection deadline (seed 004 paras. 109, 111) and the commission's decision (para. 114).

«в течение пяти рабочих дней со дня получения Заключения … направляет … возражения» (para. 109);
«По истечении установленного срока направленные возражения … не рассматриваются» (para. 111).

Shipped 2025 calendar around Nauryz: Thu 20.03 workday; Fri 21, Sat 22, Sun 23.03 holidays; Mon 24 and
Tue 25.03 days off (transferred); Wed 26, Thu 27, Fri 28.03 workdays; Sat 29, Sun 30 weekend; Mon 31.03,
Tue 01.04, Wed 02.04 workdays. A conclusion received on Thu 20.03 (not counted) gives working days
26.03 (1), 27.03 (2), 28.03 (3), 31.03 (4), 01.04 (5), 02.04 (6): the deadline is Tue 1 April 2025.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl

from kzeval.corrections import Correction, apply_to_frame, objection_deadline, shipped_calendars
from kzeval.landing.loader import check_file

RECEIVED = dt.date(2025, 3, 20)
ASSESSED = {"C1": "C1"}


def _violations() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "agency_id": ["C1"],
            "service_code": ["S1"],
            "year": [2024],
            "source": ["inspection"],
            "overdue": [4],
            "unjustified_refusals": [1],
            "incomplete_package": [0],
            "extra_documents": [0],
        }
    )


KEY = '{"agency_id": "C1", "service_code": "S1", "year": 2024, "source": "inspection"}'


def _correction(
    sent: dt.date | None, received: dt.date | None = RECEIVED, decision: str | None = None, cid: str = "K1"
) -> Correction:
    return Correction(
        cid,
        "C1",
        2024,
        "service_violations",
        KEY,
        "overdue",
        "2",
        dt.date(2025, 4, 10),
        f"СК/{cid}",
        conclusion_received_on=received,
        objection_sent_on=sent,
        decision=decision,
    )


def test_deadline_is_the_fifth_working_day_after_receipt_across_the_holidays() -> None:
    # see the module docstring: 26, 27, 28, 31 March, 1 April → 1 April 2025
    assert objection_deadline(RECEIVED, shipped_calendars()) == dt.date(2025, 4, 1)
    # an ordinary week: received Mon 7.04.2025 → 8, 9, 10, 11, 14 April → Mon 14 April
    assert objection_deadline(dt.date(2025, 4, 7), shipped_calendars()) == dt.date(2025, 4, 14)


def test_deadline_across_the_new_year_and_without_next_years_calendar() -> None:
    # received Mon 29.12.2025: 30.12 (1), 31.12 (2), 1–2.01 holidays, 3–4.01 weekend, 5.01 (3), 6.01 (4),
    # 7.01 holiday (Orthodox Christmas), 8.01 (5) → Thu 8 January 2026 (from the shipped 2026 calendar)
    assert objection_deadline(dt.date(2025, 12, 29), shipped_calendars()) == dt.date(2026, 1, 8)
    # received Tue 1.12.2026: 2, 3, 4, 7, 8 December → 8 December; the 2027 calendar (not shipped) is not needed
    assert objection_deadline(dt.date(2026, 12, 1), shipped_calendars()) == dt.date(2026, 12, 8)
    late = _correction(dt.date(2027, 1, 11), received=dt.date(2026, 12, 1))
    [rejection] = apply_to_frame(_violations(), "service_violations", [late], ASSESSED).rejected
    assert "after working day 5" in rejection.reason and "deadline was 2026-12-08" in rejection.reason


def test_objection_on_working_day_5_is_considered() -> None:
    outcome = apply_to_frame(_violations(), "service_violations", [_correction(dt.date(2025, 4, 1))], ASSESSED)
    assert outcome.rejected == []
    assert outcome.frame["overdue"].to_list() == [2]
    # day 4 (31 March) is in time too, although Mon–Fri counting without the holidays would end on 27 March
    outcome = apply_to_frame(_violations(), "service_violations", [_correction(dt.date(2025, 3, 31))], ASSESSED)
    assert outcome.frame["overdue"].to_list() == [2]


def test_objection_on_working_day_6_is_quarantined_with_the_reason() -> None:
    outcome = apply_to_frame(_violations(), "service_violations", [_correction(dt.date(2025, 4, 2))], ASSESSED)
    assert outcome.applied == []
    assert outcome.frame["overdue"].to_list() == [4]  # not applied
    [rejection] = outcome.rejected
    assert rejection.column == "objection_sent_on"
    assert rejection.value == "2025-04-02"
    assert "working day 6" in rejection.reason and "deadline was 2025-04-01" in rejection.reason
    assert "paras. 109, 111" in rejection.reason


def test_the_drop_calendar_overrides_the_shipped_one() -> None:
    # the drop declares Mon 31 March a holiday: 26, 27, 28 March, 1, 2 April → 2 April is day 5
    override = pl.DataFrame({"date": [dt.date(2025, 3, 31)], "day_type": ["holiday"]})
    calendars = shipped_calendars(override)
    assert objection_deadline(RECEIVED, calendars) == dt.date(2025, 4, 2)
    outcome = apply_to_frame(
        _violations(), "service_violations", [_correction(dt.date(2025, 4, 2))], ASSESSED, calendar_of=calendars
    )
    assert outcome.rejected == [] and outcome.frame["overdue"].to_list() == [2]


def test_without_both_dates_the_deadline_is_not_checked() -> None:
    for correction in (_correction(None), _correction(dt.date(2025, 6, 1), received=None)):
        outcome = apply_to_frame(_violations(), "service_violations", [correction], ASSESSED)
        assert outcome.rejected == [] and outcome.frame["overdue"].to_list() == [2]


def test_objection_before_the_conclusion_and_a_year_without_calendar() -> None:
    outcome = apply_to_frame(_violations(), "service_violations", [_correction(dt.date(2025, 3, 19))], ASSESSED)
    assert "before the conclusion was received" in outcome.rejected[0].reason
    late_year = _correction(dt.date(2031, 1, 20), received=dt.date(2031, 1, 15))
    outcome = apply_to_frame(_violations(), "service_violations", [late_year], ASSESSED)
    [rejection] = outcome.rejected
    assert rejection.column == "conclusion_received_on"
    assert "cannot be checked" in rejection.reason and "2031" in rejection.reason


def test_a_rejected_objection_changes_nothing_and_is_not_quarantined() -> None:
    rejected = _correction(dt.date(2025, 4, 1), decision="rejected")
    accepted = _correction(dt.date(2025, 4, 1), decision="accepted", cid="K2")
    outcome = apply_to_frame(_violations(), "service_violations", [rejected], ASSESSED)
    assert (outcome.applied, outcome.rejected, outcome.declined) == ([], [], [rejected])
    assert outcome.frame["overdue"].to_list() == [4]
    outcome = apply_to_frame(_violations(), "service_violations", [accepted], ASSESSED)
    assert [a.correction.correction_id for a in outcome.applied] == ["K2"]
    # a late objection is not considered, whatever the decision says
    late = _correction(dt.date(2025, 4, 2), decision="rejected")
    outcome = apply_to_frame(_violations(), "service_violations", [late], ASSESSED)
    assert outcome.declined == [] and "too late" in outcome.rejected[0].reason


def test_landing_checks_the_new_columns(tmp_path: Path) -> None:
    path = tmp_path / "corrections" / "decisions.csv"
    path.parent.mkdir()
    path.write_text(
        "correction_id,agency_id,year,table,key,column,new_value,decided_on,decision_ref,note,"
        "conclusion_received_on,objection_sent_on,decision\n"
        'K1,C1,2024,appeals,"{""appeal_id"": ""A1""}",reviewed_on,2024-01-14,2025-04-10,СК/1,,'
        "2025-03-20,2025-04-01,accepted\n"
        'K2,C1,2024,appeals,"{""appeal_id"": ""A2""}",reviewed_on,2024-01-14,2025-04-10,СК/2,,'
        "2025-03-20,2025-03-19,\n"
        'K3,C1,2024,appeals,"{""appeal_id"": ""A3""}",reviewed_on,2024-01-14,2025-04-10,СК/3,,,,partly\n',
        encoding="utf-8",
    )
    checked = check_file(path, "corrections", {"C1"}, hold_back_share=1.0)
    assert checked.good["correction_id"].to_list() == ["K1"]
    assert checked.good["decision"].to_list() == ["accepted"]
    reasons = {(r["row_number"], r["column_name"]): r["reason"] for r in checked.quarantine.iter_rows(named=True)}
    assert set(reasons) == {(2, "objection_sent_on"), (3, "decision")}
    assert "must not be before conclusion_received_on" in reasons[(2, "objection_sent_on")]
