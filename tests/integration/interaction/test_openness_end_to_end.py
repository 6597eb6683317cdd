"""Openness per assessed body and the para. 67 average through `kzeval run`, `explain` and `recompute`.

Drop (the dispute drop of tests/disputes, with these openness rows):
- C1 and its territorial unit C1-T each send Table 1 item 1 kk at 2,5: the sum 5 is above the
  maximum 2,5 → flagged in quarantine.rows, counted 2,5. C1 Table 2 item 11: kk 2, ru 1 → P2 = 3.
- C2's budget is secret: Table 2 item 11 kk and ru not assessed → the CGO mean on item 11:
  kk 2 / 1 body = 2, ru 1 / 1 = 1 → P2 = 3 (its only peer is C1; M1 is an MIO).
- The commission corrects C1's item 11 ru 1 → 2: C1 P2 = 4, and C2's average follows: ru 2 → P2 = 4.
  recompute for C1 publishes (C2 moved only through the average) and lists C2's figures.
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
from tests.support.drops import CORRECTION_HEADER, YEAR, build_drop, write_table

pytestmark = pytest.mark.slow
approx = pytest.approx
POINTS_HEADER = ["agency_id", "year", "criterion", "item", "language", "points", "not_assessed"]
KEY_C1_11_RU = '{"agency_id": "C1", "year": 2024, "criterion": "open_budget", "item": "11", "language": "ru"}'


def _cli(argv: list[str]) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(argv)
    return code, out.getvalue()


def _values(warehouse: Path) -> dict[tuple[str, str], float]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute(
            "SELECT agency_id, indicator, value FROM marts.fct_indicator_scores WHERE year = ? "
            "AND direction = 'openness'",
            [YEAR],
        ).fetchall()
    return {(a, i): v for a, i, v in rows}


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("openness")
    landing, warehouse = root / "landing", root / "warehouse" / "kzeval.duckdb"
    build_drop(landing)
    write_table(
        landing,
        "openness_points",
        POINTS_HEADER,
        [
            ["C1", YEAR, "open_data", "1", "kk", 2.5, ""],
            ["C1-T", YEAR, "open_data", "1", "kk", 2.5, ""],
            ["C1", YEAR, "open_budget", "11", "kk", 2, ""],
            ["C1", YEAR, "open_budget", "11", "ru", 1, ""],
            ["C2", YEAR, "open_budget", "11", "kk", "", "secret_budget"],
            ["C2", YEAR, "open_budget", "11", "ru", "", "secret_budget"],
            ["M1", YEAR, "open_budget", "7", "kk", 2, ""],
        ],
    )
    result = run_assessment(YEAR, landing, warehouse)
    assert result.success, result.failures
    state: dict[str, Any] = {"before": _values(warehouse)}
    with duckdb.connect(str(warehouse), read_only=True) as con:
        state["flagged"] = con.execute(
            "SELECT agency_id, reason FROM quarantine.rows WHERE table_name = 'openness_points' ORDER BY agency_id"
        ).fetchall()
    explain = ["explain", "--year", str(YEAR), "--agency", "C2", "--indicator", "open_budget"]
    state["explain"] = _cli([*explain, "--warehouse", str(warehouse)])
    write_table(
        landing,
        "corrections",
        CORRECTION_HEADER,
        [["K-OP", "C1", YEAR, "openness_points", KEY_C1_11_RU, "points", "2", "2025-03-01", "СК-2025/9", ""]],
        "decisions_2025.csv",
    )
    recompute = ["recompute", "--year", str(YEAR), "--agency", "C1", "--landing", str(landing)]
    state["recompute"] = _cli([*recompute, "--warehouse", str(warehouse)])
    state["after"] = _values(warehouse)
    return state


def test_unit_sum_is_capped_and_flagged(runs: dict[str, Any]) -> None:
    assert runs["before"]["C1", "open_data"] == approx(2.5)  # not 5
    assert [a for a, _ in runs["flagged"]] == ["C1", "C1-T"]
    assert all("sum to 5" in reason and "cross-table rule" in reason for _, reason in runs["flagged"])


def test_secret_budget_gets_the_cgo_average(runs: dict[str, Any]) -> None:
    assert runs["before"]["C1", "open_budget"] == approx(3.0)
    assert runs["before"]["C2", "open_budget"] == approx(3.0)  # 2 + 1 from C1, the only CGO peer
    code, text = runs["explain"]
    assert code == 0
    assert "индикатор 11, язык ru: 1 — среднее баллов органов того же типа" in text
    assert "органы, чьи баллы усреднены (1): C1" in text


def test_recompute_moves_the_averaged_body_and_lists_it(runs: dict[str, Any]) -> None:
    code, text = runs["recompute"]
    assert code == 0, text
    assert runs["after"]["C1", "open_budget"] == approx(4.0)
    assert runs["after"]["C2", "open_budget"] == approx(4.0)  # 2 + 2: the average followed C1's correction
    assert "изменившиеся через средние баллы" in text
    assert "C2 open_budget: 3 → 4" in text
