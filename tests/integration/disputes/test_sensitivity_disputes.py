"""`kzeval sensitivity` after a `kzeval recompute`: the analysis rests on the published corrections.

The dispute drop (tests/support/drops.py, figures worked out in test_disputes_end_to_end.py): C1's
decisions K-1 and K-2 are applied by its recompute; M1's decision K-3 waits for M1's own
recompute. The sensitivity baseline must reproduce the published figures — C1 after its
decisions, M1 without K-3:

C1  0.5 × 88.95 + 0.2 × 23.35 + 0.3 × 88.0392… = 75.5568 → 75.56 «Средняя»
C2  50 + 0.68 + 24 = 74.68
M1  0.5 × 95.8 + 0.2 × 3.4 + 0.3 × 100 = 78.58 (K-3 not applied)

appeals.r4_impossible: the drop has no late case whose liability was impossible (C1-redir is
flagged «no», not «impossible»), so both options give the same R4 and every delta is 0.
"""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import duckdb
import pytest

from kzeval.cli import main
from pipelines.launch import run_assessment
from tests.support.drops import YEAR, build_drop, write_corrections

pytestmark = pytest.mark.slow


def test_sensitivity_after_a_recompute_keeps_pending_decisions_out(tmp_path: Path) -> None:
    landing, warehouse = tmp_path / "landing", tmp_path / "warehouse" / "kzeval.duckdb"
    build_drop(landing)
    assert run_assessment(YEAR, landing, warehouse).success
    write_corrections(landing)
    quiet = io.StringIO()
    with contextlib.redirect_stdout(quiet):
        recompute = ["recompute", "--year", str(YEAR), "--agency", "C1", "--landing", str(landing)]
        assert main([*recompute, "--warehouse", str(warehouse)]) == 0
        sensitivity = ["sensitivity", "--year", str(YEAR), "--warehouse", str(warehouse)]
        assert main([*sensitivity, "--readings", "appeals.r4_impossible"]) == 0
    with duckdb.connect(str(warehouse), read_only=True) as con:
        baseline = dict(
            con.execute(
                "SELECT agency_id, score FROM marts.fct_reading_sensitivity WHERE year = ? AND is_baseline "
                "AND block = 'interaction'",
                [YEAR],
            ).fetchall()
        )
        rows = con.execute(
            "SELECT agency_id, option, delta FROM marts.fct_reading_sensitivity WHERE year = ? "
            "AND block = 'interaction' AND NOT is_baseline ORDER BY agency_id",
            [YEAR],
        ).fetchall()
    # C1 after K-1, K-2: H = 40 + 30 + (20 − 1/51 × 100) + 0 = 88.0392…
    assert baseline["C1"] == pytest.approx(0.5 * 88.95 + 0.2 * 23.35 + 0.3 * (40 + 30 + 20 - 100 / 51))
    assert baseline["C2"] == pytest.approx(74.68)
    assert baseline["M1"] == pytest.approx(78.58)  # K-3 waits for M1's recompute: not applied here either
    assert {a for a, _, _ in rows} == {"C1", "C2", "M1"}
    assert all(option == "numerator_only" and delta == pytest.approx(0) for _, option, delta in rows)
