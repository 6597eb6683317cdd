"""The published warehouse describes itself to SQL users (issue 18): comments on every mart table
and column, dim_indicators, points_lost, the inputs of a figure by name, DECIMAL means, the shell.

One sample-drop run (``kzeval demo``'s drop and year) shared by the module.
"""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path

import duckdb
import pytest

from kzeval.methodology import all_indicators
from kzeval.progress import Progress
from pipelines.launch import run_assessment
from tests.support.drops import sample_drop

pytestmark = pytest.mark.slow

YEAR = 2024
ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def cli_run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """The sample year run as `kzeval run` runs it: recorded in a Dagster home, with a progress printer."""
    root = tmp_path_factory.mktemp("self_describing")
    sample_drop(root / "drop", YEAR)
    path = root / "warehouse" / "kzeval.duckdb"
    stream = io.StringIO()
    home = root / "dagster_home"
    result = run_assessment(YEAR, root / "drop", path, dagster_home=home, progress=Progress(stream, interactive=False))
    assert result.success, result.failures
    return {"warehouse": path, "home": home, "progress": stream.getvalue()}


@pytest.fixture(scope="module")
def warehouse(cli_run: dict[str, object]) -> Path:
    path = cli_run["warehouse"]
    assert isinstance(path, Path)
    return path


def test_the_run_is_in_the_dagster_home_the_ui_reads(cli_run: dict[str, object]) -> None:
    import dagster as dg

    home = cli_run["home"]
    assert isinstance(home, Path)
    # the project's instance settings (one writer at a time) were copied into the new home
    assert "kzeval/writer" in (home / "dagster.yaml").read_text(encoding="utf-8")
    with dg.DagsterInstance.from_config(str(home)) as instance:
        runs = instance.get_runs()
    assert len(runs) == 1
    assert runs[0].status == dg.DagsterRunStatus.SUCCESS
    assert runs[0].tags["kzeval/trigger"] == "cli" and runs[0].tags["dagster/partition"] == str(YEAR)


def test_progress_printed_one_line_per_stage(cli_run: dict[str, object]) -> None:
    lines = str(cli_run["progress"]).splitlines()
    assert any(line.startswith("done  landing appeals (") and " rows)" in line for line in lines)
    assert any(line.startswith("done  dbt models and tests (") for line in lines)
    assert lines[-1].startswith("done  published warehouse")
    assert not any("FAILED" in line for line in lines)
    # overtime: one line per month, in order, before the step's own line (fresh warehouse: all computed)
    months = [line for line in lines if line.startswith(f"overtime {YEAR}-")]
    assert [line.split(":")[0] for line in months] == [f"overtime {YEAR}-{m:02d}" for m in range(1, 13)]
    assert all(line.endswith((": recomputed", ": unchanged")) for line in months)
    assert lines.index(months[-1]) < next(i for i, line in enumerate(lines) if line.startswith("done  core overtime"))


@pytest.fixture
def con(warehouse: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        yield connection


def test_every_mart_table_and_column_carries_its_description(con: duckdb.DuckDBPyConnection) -> None:
    tables = con.execute("SELECT table_name, comment FROM duckdb_tables() WHERE schema_name = 'marts'").fetchall()
    assert len(tables) >= 13
    assert [t for t, comment in tables if not comment] == []
    bare = con.execute(
        "SELECT table_name || '.' || column_name FROM duckdb_columns() "
        "WHERE schema_name = 'marts' AND coalesce(comment, '') = ''"
    ).fetchall()
    assert bare == []


def test_dim_indicators_holds_the_methodology_and_joins_every_score(con: duckdb.DuckDBPyConnection) -> None:
    definitions = all_indicators()
    rows = con.execute("SELECT indicator, legal_symbol, label_ru, is_penalty FROM marts.dim_indicators").fetchall()
    assert {r[0] for r in rows} == set(definitions)
    by_code = {r[0]: r for r in rows}
    assert by_code["appeal_review_timeliness"][1:3] == ("R1", definitions["appeal_review_timeliness"].name_ru)
    # Penalties are the four §10 codes with a negative maximum, plus W.
    assert {r[0] for r in rows if r[3]} == {
        "svc_downtime_penalty",
        "open_subordinate_penalty",
        "it_unused_systems",
        "hr_weekend_overtime_penalty",
    }
    orphans = con.execute(
        "SELECT count(*) FROM marts.fct_indicator_scores s ANTI JOIN marts.dim_indicators d USING (indicator)"
    ).fetchone()
    assert orphans == (0,)
    # The readings a figure was computed under are listed with its indicator.
    readings = con.execute("SELECT readings FROM marts.dim_indicators WHERE indicator = 'svc_k3'").fetchone()
    assert readings is not None and "svc.k3_cap" in str(readings[0]).split(";")


def test_points_lost_reads_a_penalty_without_its_sign(con: duckdb.DuckDBPyConnection) -> None:
    rows = con.execute(
        "SELECT indicator, value, points_lost FROM marts.fct_indicator_scores WHERE year = ? "
        "AND indicator IN ('svc_downtime_penalty', 'hr_weekend_overtime_penalty', 'appeal_review_timeliness')",
        [YEAR],
    ).fetchall()
    for indicator, value, lost in rows:
        if indicator == "appeal_review_timeliness":
            assert lost is None  # not a penalty
        else:
            # svc_downtime_penalty is stored −0.64 (CGO-MF: 0.64 deducted); W is stored positive: both lose |value|
            assert lost == pytest.approx(abs(value)) and lost >= 0
    assert any(i == "svc_downtime_penalty" and v < 0 for i, v, _ in rows)


def test_inputs_of_a_figure_are_rows_with_symbol_and_meaning(con: duckdb.DuckDBPyConnection) -> None:
    stored = con.execute(
        "SELECT inputs FROM marts.fct_indicator_scores WHERE year = ? AND agency_id = 'CGO-MF' "
        "AND indicator = 'appeal_review_timeliness'",
        [YEAR],
    ).fetchone()
    assert stored is not None
    expected = json.loads(stored[0])
    rows = con.execute(
        "SELECT input_name, legal_symbol, meaning_ru, value FROM marts.fct_indicator_inputs "
        "WHERE year = ? AND agency_id = 'CGO-MF' AND indicator = 'appeal_review_timeliness' ORDER BY input_name",
        [YEAR],
    ).fetchall()
    assert {r[0]: r[3] for r in rows} == {k: float(v) for k, v in expected.items()}
    assert {r[0]: (r[1], r[2]) for r in rows}["f"] == ("f", "рассмотрено с нарушением срока")
    assert con.execute("SELECT count(*) FROM marts.fct_indicator_inputs WHERE meaning_ru IS NULL").fetchone() == (0,)


def _shell() -> str:
    shell = Path(sys.executable).parent / "duckdb"
    binary = str(shell) if shell.exists() else shutil.which("duckdb")
    assert binary, "the duckdb shell (PyPI duckdb-cli) is not installed: run scripts/setup.sh"
    return binary


def test_documented_query_rebuilds_r1_inputs_from_the_landed_rows(warehouse: Path) -> None:
    # As documented: the shell reads the file on stdin.
    sql = (ROOT / "docs/sql/rebuild_appeal_review_timeliness_inputs.sql").read_text(encoding="utf-8")
    out = subprocess.run(
        [_shell(), "-readonly", str(warehouse), "-csv"], input=sql, capture_output=True, text=True, check=True
    ).stdout
    header, row = out.strip().splitlines()[-2:]
    assert header == "agency_id,p_rebuilt,p_stored,f_rebuilt,f_stored"
    agency, p_rebuilt, p_stored, f_rebuilt, f_stored = row.split(",")
    assert agency == "CGO-MF"
    assert (float(p_rebuilt), float(f_rebuilt)) == (float(p_stored), float(f_stored))
    assert float(p_rebuilt) > 0


def test_national_means_are_exact_decimals(con: duckdb.DuckDBPyConnection) -> None:
    types = dict(
        con.execute(
            "SELECT column_name, data_type FROM duckdb_columns() WHERE schema_name = 'marts' "
            "AND table_name = 'fct_national_rollup'"
        ).fetchall()
    )
    assert types["mean_score"] == types["median_score"] == "DECIMAL(6,2)"
    for block, body_type, mean in con.execute(
        "SELECT block, body_type, mean_score FROM marts.fct_national_rollup WHERE year = ? AND region_code = 'KZ'",
        [YEAR],
    ).fetchall():
        scores = [
            Fraction(str(s))
            for (s,) in con.execute(
                "SELECT score_rounded FROM marts.fct_block_scores WHERE year = ? AND block = ? AND body_type = ?",
                [YEAR, block, body_type],
            ).fetchall()
        ]
        exact = sum(scores) / len(scores)
        # exact mean, rounded half up in decimal arithmetic (e.g. 806.85 / 10 = 80.685 → 80.69)
        expected = (Decimal(exact.numerator) / Decimal(exact.denominator)).quantize(
            Decimal("0.01"), rounding=ROUND_HALF_UP
        )
        assert mean == expected


def test_duckdb_shell_of_the_project_opens_the_warehouse_read_only(warehouse: Path) -> None:
    out = subprocess.run(
        [_shell(), "-readonly", str(warehouse), "-csv", "-c", "SELECT count(*) FROM marts.dim_indicators"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert out.split() == ["count_star()", str(len(all_indicators()))]


def _explain(warehouse: Path, *args: str) -> str:
    from kzeval.explain import explain

    with duckdb.connect(str(warehouse), read_only=True) as con:
        return explain(con, YEAR, "CGO-MF", *args)  # type: ignore[arg-type]


def test_explain_corps_b_distribution_shows_the_body_and_the_nation(
    con: duckdb.DuckDBPyConnection, warehouse: Path
) -> None:
    text = _explain(warehouse, "corps_b")
    assessed, effective = con.execute(
        "SELECT assessed, count_effective FROM core.corps_b_distribution WHERE year = ? AND agency_id = 'CGO-MF' "
        "AND scope = 'agency'",
        [YEAR],
    ).fetchone()  # type: ignore[misc]
    row = next(line for line in text.splitlines() if line.strip().startswith("CGO-MF "))
    assert row.split()[1] == str(assessed)
    assert f"{effective} ({100 * effective / assessed:.1f} %)" in row
    assert any(line.strip().startswith("national CGO") for line in text.splitlines())


def test_explain_employee_shows_the_sheets_behind_the_grade(con: duckdb.DuckDBPyConnection, warehouse: Path) -> None:
    from kzeval.explain import explain

    pseudonym, annual, sheets = con.execute(
        "SELECT employee_pseudonym, annual_score, sheets_assessed FROM core.corps_b_annual WHERE year = ? "
        "AND agency_id = 'CGO-MF' ORDER BY employee_pseudonym LIMIT 1",
        [YEAR],
    ).fetchone()  # type: ignore[misc]
    with duckdb.connect(str(warehouse), read_only=True) as c:
        text = explain(c, YEAR, "CGO-MF", employee=pseudonym)
    assert f"служащий {pseudonym}" in text and "IIN" not in text
    # the «Расчет» line: (s1 + … + sn) / n = annual, and the mean of the listed quarter scores is the grade
    calc = next(line for line in text.splitlines() if line.startswith("Расчет"))
    listed = [float(x) for x in calc.split("(")[1].split(")")[0].split(" + ")]
    assert len(listed) == sheets
    assert round(sum(listed) / len(listed) + 1e-9, 2) == pytest.approx(annual)
    assert text.count("corps_b_evaluations/") == sheets  # every sheet with its file and row


def test_explain_working_time_lists_the_day_records(con: duckdb.DuckDBPyConnection, warehouse: Path) -> None:
    text = _explain(warehouse, "hr_overtime", True)
    assert "N1 — количественный показатель" in text and "W  — штраф" in text
    m = con.execute(
        "SELECT workday_overtime_hours FROM core.overtime WHERE year = ? AND agency_id = 'CGO-MF'", [YEAR]
    ).fetchone()[0]  # type: ignore[index]
    line = next(row for row in text.splitlines() if row.strip().startswith("m "))
    by_records, stored = (float(x) for x in line.split()[1:3])
    # the day records add up to the m used by the formula (both printed to 4 decimals)
    assert by_records == pytest.approx(stored, abs=1e-3) and stored == pytest.approx(m, abs=1e-3)
    assert "FROM core.overtime_daily" in text


def test_dbt_unit_tests_of_the_marts_pass(warehouse: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The marts' dbt `unit_tests` (fixed rows → expected rows); runs skip them, this test runs them."""
    from dbt.cli.main import dbtRunner

    from pipelines.dbt_in_process import release_duckdb
    from pipelines.defs.dbt import DBT_PROJECT_DIR

    copy = tmp_path / "unit.duckdb"
    shutil.copyfile(warehouse, copy)
    monkeypatch.setenv("KZEVAL_DBT_DUCKDB_PATH", str(copy))
    monkeypatch.chdir(DBT_PROJECT_DIR)
    models = "+fct_national_rollup +fct_indicator_scores +fct_indicator_lineage +fct_data_quality"
    try:
        result = dbtRunner().invoke(
            [
                "build",
                "--select",
                *models.split(),
                "--profiles-dir",
                ".",
                "--target-path",
                str(tmp_path / "target"),
                "--quiet",
            ]
        )
    finally:
        release_duckdb()
    assert result.success, result.exception
    unit = [r for r in result.result if r.node.resource_type == "unit_test"]  # type: ignore[union-attr]
    assert {r.node.name for r in unit} == {
        "national_rollup_mean_is_exact_and_rounded_half_up",
        "indicator_scores_points_lost_reads_penalties_without_sign",
        "lineage_lists_the_files_of_the_body_and_year",
        "data_quality_counts_only_current_files",
    }
    assert all(str(r.status) == "pass" for r in unit)


def test_every_landing_source_keeps_its_freshness_check(
    warehouse: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No dbt model reads `raw.<table>` any more; the sources stay declared and `dbt source freshness`
    (scripts/dbt_freshness.sh) still checks every landing table with a delivery cadence, fresh after a run."""
    from dbt.cli.main import dbtRunner

    from kzeval.contracts import CONTRACTS
    from pipelines.dbt_in_process import release_duckdb
    from pipelines.defs.dbt import DBT_PROJECT_DIR

    copy = tmp_path / "freshness.duckdb"
    shutil.copyfile(warehouse, copy)
    monkeypatch.setenv("KZEVAL_DBT_DUCKDB_PATH", str(copy))
    monkeypatch.chdir(DBT_PROJECT_DIR)
    try:
        result = dbtRunner().invoke(
            ["source", "freshness", "--profiles-dir", ".", "--target-path", str(tmp_path / "target"), "--quiet"]
        )
    finally:
        release_duckdb()
    assert result.success, result.exception
    checked = {r.node.name: str(r.status) for r in result.result.results}  # type: ignore[union-attr]
    # agencies and calendar (reference) and corrections (only with disputes) carry no expectation
    assert set(checked) == set(CONTRACTS) - {"agencies", "calendar", "corrections"}
    assert set(checked.values()) == {"pass"}  # every table was loaded minutes ago
