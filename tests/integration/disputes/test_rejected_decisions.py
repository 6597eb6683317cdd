"""An objection the commission rejected (``corrections.decision = rejected``, seed 004 para. 114) is never applied.

The drop of tests/support/drops.py with two decisions for C1 on its own rows:
  K-ACC (accepted): inspection overdue 4 → 2 → T1 = 12 − 2/200 000 × 10 000 = 11.9 (was 11.8);
  K-REJ (rejected): C1-late reviewed on 14.02.2024 (before its due date) — applied it would make
        f = 0 and R1 = 40; not applied R1 stays 40 − 1/50 × 1000 = 20.
Checked through `kzeval recompute` (the body's new decisions) and through a later `kzeval run`
of the year (every decision of the drop): R1 = 20 in both, T1 = 11.9, K-REJ never in
``audit.corrections_applied`` nor in quarantine, and the «Таблица разногласий» lists K-REJ
as «не принято».
"""

from __future__ import annotations

import contextlib
import io
from pathlib import Path
from typing import Any

import duckdb
import pytest

from kzeval.cli import main
from pipelines.launch import run_assessment
from tests.support.drops import CORRECTION_HEADER, VIOLATION_KEY_C1, YEAR, build_drop, write_table

pytestmark = pytest.mark.slow

DECISIONS: list[list[object]] = [
    ["K-ACC", "C1", YEAR, "service_violations", VIOLATION_KEY_C1, "overdue", "2", "2025-03-02", "СК-2025/2",
     "два случая вне зоны ответственности органа", "accepted"],
    ["K-REJ", "C1", YEAR, "appeals", '{"appeal_id": "C1-late"}', "reviewed_on", "14.02.2024", "2025-03-01",
     "СК-2025/1", "возражение не подтверждено", "rejected"],
]  # fmt: skip


def _cli(argv: list[str]) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(argv)
    return code, out.getvalue()


def _state(warehouse: Path) -> dict[str, Any]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        values = dict(
            (i, v)
            for i, v in con.execute(
                "SELECT indicator, value FROM marts.fct_indicator_scores WHERE year = ? AND agency_id = 'C1' "
                "AND indicator IN ('appeal_review_timeliness', 'svc_timeliness')",
                [YEAR],
            ).fetchall()
        )
        applied = [r[0] for r in con.execute("SELECT correction_id FROM audit.corrections_applied").fetchall()]
        quarantined = [
            r[0]
            for r in con.execute(
                "SELECT reason FROM quarantine.rows WHERE table_name = 'corrections' AND reason LIKE '%K-REJ%'"
            ).fetchall()
        ]
    return {"values": values, "applied": applied, "quarantined": quarantined}


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("rejected")
    landing, warehouse = root / "landing", root / "warehouse" / "kzeval.duckdb"
    build_drop(landing)
    assert run_assessment(YEAR, landing, warehouse).success
    state: dict[str, Any] = {"before": _state(warehouse)}
    write_table(landing, "corrections", [*CORRECTION_HEADER, "decision"], DECISIONS, "decisions_2025.csv")
    recompute = ["recompute", "--year", str(YEAR), "--agency", "C1", "--landing", str(landing)]
    state["recompute"] = _cli([*recompute, "--warehouse", str(warehouse)])
    state["after_recompute"] = _state(warehouse)
    result = run_assessment(YEAR, landing, warehouse)  # a full rerun applies every decision of the drop
    assert result.success, result.failures
    state["after_run"] = _state(warehouse)
    return state


def test_before_the_decisions(runs: dict[str, Any]) -> None:
    assert runs["before"]["values"] == {
        "appeal_review_timeliness": pytest.approx(20.0),  # 40 − 1/50 × 1000
        "svc_timeliness": pytest.approx(11.8),  # 12 − 4/200 000 × 10 000
    }


@pytest.mark.parametrize("stage", ["after_recompute", "after_run"])
def test_the_rejected_decision_is_never_applied(runs: dict[str, Any], stage: str) -> None:
    state = runs[stage]
    # K-ACC applied: T1 = 12 − 2/200 000 × 10 000 = 11.9; K-REJ not: R1 stays 20 (40 if it were applied)
    assert state["values"] == {"appeal_review_timeliness": pytest.approx(20.0), "svc_timeliness": pytest.approx(11.9)}
    assert "K-ACC" in state["applied"] and "K-REJ" not in state["applied"]
    assert state["quarantined"] == []  # a rejected objection is a decision, not an invalid row


def test_the_dispute_table_lists_the_rejected_objection(runs: dict[str, Any]) -> None:
    code, text = runs["recompute"]
    assert code == 0, text
    assert "Возражения, не принятые специальной комиссией" in text
    assert "K-REJ: решение СК-2025/1 от 01.03.2025 — appeals" in text and "не принято" in text
    assert "K-ACC: решение СК-2025/2 от 02.03.2025" in text  # the accepted one in the direction's table
