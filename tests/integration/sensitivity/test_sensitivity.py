"""`kzeval sensitivity` and `kzeval readings` (issues 17 and 15.10).

Unit tests with hand-made numbers for the memo, the configurations and the rows; then, on the
sample drop, the proof that every option's result equals what the run would publish: every
configuration against the run's own library pass (the three assessment assets' steps, replayed
on a copy of the warehouse), and two configurations against real `kzeval run --reading` runs.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import shutil
from pathlib import Path
from typing import Any

import duckdb
import polars as pl
import pytest

from kzeval.cli import main
from kzeval.methodology import active_readings, all_readings
from kzeval.methodology.base import ActiveReadings, ReadingDef
from kzeval.readings_catalogue import readings_frame, render_readings, write_readings_catalogue
from kzeval.sensitivity import (
    COMBINED,
    Configuration,
    ReadingMemo,
    SensitivityError,
    TrackedReadings,
    analyse,
    baseline_mismatches,
    body_robustness_line,
    body_summary,
    configurations,
    national_lines,
    reference_pass,
    run_sensitivity,
    sensitivity_rows,
)
from tests.support.drops import sample_drop

YEAR = 2024

TOY = {
    "a.low3": ReadingDef("a.low3", {"x": "X", "y": "Y", "z": "Z"}, "x", "LOW", "1"),
    "b.medium": ReadingDef("b.medium", {"p": "P", "q": "Q"}, "p", "MEDIUM", "2"),
    "c.low2": ReadingDef("c.low2", {"m": "M", "n": "N"}, "n", "LOW", "3"),
}


# ---------------------------------------------------------------------------------------
# Memo and tracking
# ---------------------------------------------------------------------------------------


def test_tracked_readings_record_what_a_computation_read() -> None:
    tracked = TrackedReadings(TOY, {"b.medium": "q"})
    assert tracked.value("b.medium") == "q"
    assert tracked.label(["a.low3"]) == "a.low3=x"  # label reads the value too
    assert tracked.observed == {"a.low3", "b.medium"}


def test_memo_reuses_a_unit_for_readings_it_did_not_read() -> None:
    memo = ReadingMemo()
    calls: list[str] = []

    def unit(r: ActiveReadings) -> str:
        calls.append(r.value("a.low3"))
        return f"result-{r.value('a.low3')}"

    base = ActiveReadings(TOY, {})
    s1, v1 = memo.get("u", base, unit)
    # b.medium and c.low2 are not read by the unit: same result, no new computation
    s2, v2 = memo.get("u", ActiveReadings(TOY, {"b.medium": "q", "c.low2": "m"}), unit)
    s3, v3 = memo.get("u", ActiveReadings(TOY, {"a.low3": "y"}), unit)
    s4, _ = memo.get("u", ActiveReadings(TOY, {"a.low3": "x", "b.medium": "q"}), unit)
    assert (v1, v2, v3) == ("result-x", "result-x", "result-y")
    assert s1 == s2 == s4 and s3 != s1
    assert calls == ["x", "y"] and memo.computed == {"u": 2}


# ---------------------------------------------------------------------------------------
# Configurations and rows
# ---------------------------------------------------------------------------------------


def test_configurations_every_option_then_the_low_combination() -> None:
    configs = configurations({"b.medium": "q"}, None, TOY)
    got = [(c.reading, c.option, c.is_baseline) for c in configs]
    # 3 + 2 + 2 options; b.medium's baseline is q (as published), not its default p
    assert got[:7] == [
        ("a.low3", "x", True),
        ("a.low3", "y", False),
        ("a.low3", "z", False),
        ("b.medium", "p", False),
        ("b.medium", "q", True),
        ("c.low2", "m", False),
        ("c.low2", "n", True),
    ]
    combined = configs[7]
    # every LOW reading at its first option other than the default: a.low3 → y, c.low2 → m
    assert (combined.reading, combined.option) == (COMBINED, "a.low3=y;c.low2=m")
    assert combined.overrides == {"a.low3": "y", "b.medium": "q", "c.low2": "m"}
    assert configs[1].overrides == {"a.low3": "y", "b.medium": "q"}
    only = configurations({}, ["b.medium"], TOY)
    assert [c.reading for c in only] == ["b.medium", "b.medium"]  # no LOW reading selected: no combination
    with pytest.raises(SensitivityError, match="nope"):
        configurations({}, ["nope"], TOY)


def _blocks(rows: list[tuple[str, str, str, float, str, int]]) -> pl.DataFrame:
    return pl.DataFrame(
        rows,
        schema=["agency_id", "block", "body_type", "score", "efficiency_tier", "rank_in_body_type"],
        orient="row",
    ).with_columns(pl.col("score").round(2).alias("score_rounded"), pl.lit("x").alias("tier_label_ru"))


def test_sensitivity_rows_delta_tier_change_and_unscored_option() -> None:
    base = _blocks([("A", "interaction", "CGO", 75.0, "medium", 1), ("B", "interaction", "CGO", 69.0, "low", 2)])
    up = _blocks([("A", "interaction", "CGO", 76.5, "medium", 2), ("B", "interaction", "CGO", 90.5, "high", 1)])
    none = base.clear()
    at = dt.datetime(2026, 12, 4)
    rows = sensitivity_rows(
        base,
        [
            (Configuration("r", "base", {}, True), base),
            (Configuration("r", "up", {"r": "up"}, False), up),
            (Configuration("s", "none", {"s": "none"}, False), none),
        ],
        YEAR,
        at,
    )
    by = {(r["reading"], r["option"], r["agency_id"]): r for r in rows.iter_rows(named=True)}
    # A: 76.5 − 75 = +1.5, tier unchanged; B: 90.5 − 69 = +21.5, low → high
    assert by[("r", "up", "A")]["delta"] == pytest.approx(1.5)
    assert not by[("r", "up", "A")]["is_tier_changed"]
    assert by[("r", "up", "B")]["delta"] == pytest.approx(21.5)
    assert by[("r", "up", "B")]["is_tier_changed"]
    assert by[("r", "up", "B")]["baseline_rank"] == 2 and by[("r", "up", "B")]["rank_in_body_type"] == 1
    # an option that scores no block: score null, not a tier change
    assert by[("s", "none", "A")]["score"] is None and not by[("s", "none", "A")]["is_tier_changed"]
    assert by[("r", "base", "A")]["is_baseline"] and by[("r", "base", "A")]["delta"] == 0
    summary = {r["agency_id"]: r for r in body_summary(rows).iter_rows(named=True)}
    assert summary["A"]["is_robust"] and (summary["A"]["min_score"], summary["A"]["max_score"]) == (75.0, 76.5)
    assert not summary["B"]["is_robust"] and summary["B"]["tiers_reachable"] == "high, low"
    assert summary["B"]["moving"] == "r"
    national = {(r["reading"], r["option"]): r for r in national_lines(rows).iter_rows(named=True)}
    assert national[("r", "up")]["bodies_changing_tier"] == 1
    assert national[("r", "up")]["max_abs_delta"] == pytest.approx(21.5)
    assert national[("s", "none")]["bodies_scored"] == 0
    lines = body_robustness_line(rows, "B", {"interaction": "Взаимодействие"})
    assert "НЕ устойчива" in lines[0] and "r=up" in lines[0] and "90.50" in lines[0]
    assert "устойчива при всех" in body_robustness_line(rows, "A", {})[0]
    published = pl.DataFrame({"agency_id": ["A", "B"], "block": ["interaction"] * 2, "score": [75.0, 69.1]})
    published = published.with_columns(pl.Series("efficiency_tier", ["medium", "low"]))
    assert baseline_mismatches(published, rows) == ["B/interaction: опубликовано 69.1, пересчет 69.0"]


# ---------------------------------------------------------------------------------------
# The reading catalogue (15.10)
# ---------------------------------------------------------------------------------------


def test_readings_catalogue_lists_every_reading_and_option() -> None:
    known = all_readings()
    frame = readings_frame()
    assert set(frame["reading_key"]) == set(known)
    assert frame.height == sum(len(d.options) for d in known.values())
    defaults = frame.filter(pl.col("is_default"))
    assert dict(zip(defaults["reading_key"], defaults["option"], strict=True)) == {
        k: d.default for k, d in known.items()
    }
    row = frame.filter((pl.col("reading_key") == "svc.automation_effectiveness") & (pl.col("option") == "product"))
    assert row["block"][0] == "interaction" and row["confidence"][0] == "LOW" and row["paragraph"][0] == "51"
    toy = readings_frame({"a.low3": ReadingDef("a.low3", {"x": "X", "y": "Y"}, "y", "LOW", "7", "Q?", "«слова»")})
    text = render_readings(toy)
    assert "a.low3  [LOW]" in text and "Текст: ««слова»»" in text and "* y: Y" in text and "  x: X" in text
    con = duckdb.connect()
    assert write_readings_catalogue(con) == frame.height
    assert con.execute("SELECT count(DISTINCT reading_key) FROM core.readings").fetchall()[0][0] == len(known)


def test_readings_command_prints_the_catalogue() -> None:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["readings", "--confidence", "LOW"]) == 0
    text = out.getvalue()
    low = [k for k, d in all_readings().items() if d.confidence == "LOW"]
    assert all(k in text for k in low)
    assert f"{len(low)} readings ({len(low)} of LOW confidence)" in text


# ---------------------------------------------------------------------------------------
# The turnstile readings: per-body figures redone per option, the build's tables untouched
# ---------------------------------------------------------------------------------------


def test_overtime_figures_per_exit_allowance_and_headcount_option() -> None:
    """One body, one Tuesday (2024-04-02, workday_end 18:30): in 09:00, out 21:00; December headcount missing."""
    from kzeval.calendars import load_calendar
    from kzeval.overtime import compute_overtime_daily
    from kzeval.sensitivity import OvertimeInputs, ScoringEngine, YearInputs, overtime_fct_for

    agencies = pl.DataFrame(
        [("AKM", "Аппарат акима области", "MIO", None, True, "35", "oblast", "18:30", True, "AKM")],
        schema={
            "agency_id": pl.Utf8,
            "name_ru": pl.Utf8,
            "body_type": pl.Utf8,
            "parent_agency_id": pl.Utf8,
            "is_assessed": pl.Boolean,
            "region_code": pl.Utf8,
            "level": pl.Utf8,
            "workday_end": pl.Utf8,
            "is_apparatus": pl.Boolean,
            "assessed_agency_id": pl.Utf8,
        },
        orient="row",
    )
    events = pl.DataFrame(
        {
            "employee_id": ["e1", "e1"],
            "agency_id": ["AKM", "AKM"],
            "event_ts": [dt.datetime(2024, 4, 2, 9), dt.datetime(2024, 4, 2, 21)],
            "direction": ["in", "out"],
        }
    )
    headcount = pl.DataFrame(
        {"agency_id": ["AKM"] * 11, "month_end": [dt.date(2024, m + 1, 1) - dt.timedelta(days=1) for m in range(1, 12)]}
    ).with_columns(pl.lit(10).alias("actual_headcount"))  # January … November: 11 month-ends of 10
    calendar = load_calendar(YEAR)
    con = duckdb.connect()
    con.execute("CREATE SCHEMA raw; CREATE SCHEMA core").fetchall()
    con.register("ev", events)
    con.execute("CREATE TABLE raw.turnstile_events AS SELECT * FROM ev").fetchall()
    # the run's daily rows, under the published option (deduction)
    compute_overtime_daily(
        con, "raw.turnstile_events", agencies, calendar, None, date_from=dt.date(2024, 1, 1),
        date_to=dt.date(2025, 1, 1), target="core.overtime_daily",
    )  # fmt: skip
    inputs = OvertimeInputs(agencies, headcount, calendar, None, "deduction", ("divide_by_12", "months_reported"))
    deduction = overtime_fct_for(con, YEAR, inputs, "deduction")
    threshold = overtime_fct_for(con, YEAR, inputs, "threshold")
    # m: deduction counts 19:00–21:00 = 2 h; threshold counts from workday_end 18:30–21:00 = 2.5 h
    assert deduction["divide_by_12"]["workday_overtime_hours"].to_list() == [2.0]
    assert threshold["divide_by_12"]["workday_overtime_hours"].to_list() == [2.5]
    # n: Σ = 11 × 10 = 110; ÷ 12 = 9.1667 (the seed's words) or ÷ 11 months reported = 10
    for by_option in (deduction, threshold):
        assert by_option["divide_by_12"]["avg_headcount"].to_list() == [pytest.approx(110 / 12)]
        assert by_option["months_reported"]["avg_headcount"].to_list() == [pytest.approx(10.0)]
        assert by_option["months_reported"]["headcount_divisor"].to_list() == [11]
    # the build's daily rows are the published ones and the scratch table is gone (rolled back)
    assert con.execute("SELECT sum(workday_overtime_hours) FROM core.overtime_daily").fetchall() == [(2.0,)]
    assert not con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name LIKE '%sensitivity%'").fetchall()[0][
        0
    ]
    # the engine: the daily aggregate once per exit-allowance option, whatever the headcount option
    year_inputs = YearInputs(YEAR, agencies, pl.DataFrame(), {}, {}, inputs, None)
    engine = ScoringEngine(year_inputs, con)
    readings = [
        {},
        {"hr.headcount_missing_months": "months_reported"},
        {"hr.overtime_exit_allowance": "threshold"},
        {"hr.overtime_exit_allowance": "threshold", "hr.headcount_missing_months": "months_reported"},
    ]
    frames = [engine.overtime(active_readings(r)) for r in readings]
    assert engine.memo.computed == {"overtime_daily": 2, "overtime": 4}
    # a = b + m / n (b = 8 h × the workdays of 2024, the same for every option): a − b = m / n
    a_minus_b = []
    for frame in frames:
        assert frame is not None
        values = dict(zip(frame["indicator"].to_list(), frame["value"].to_list(), strict=True))
        a_minus_b.append(values["avg_workday_hours_per_employee"] - values["normal_hours"])
    assert a_minus_b == [
        pytest.approx(2.0 / (110 / 12)),  # 0.2182
        pytest.approx(2.0 / 10),  # 0.2
        pytest.approx(2.5 / (110 / 12)),  # 0.2727
        pytest.approx(2.5 / 10),  # 0.25
    ]


# ---------------------------------------------------------------------------------------
# On the sample drop: equal to what the run publishes
# ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    from pipelines.launch import run_assessment

    root = tmp_path_factory.mktemp("sensitivity")
    landing = root / "drop"
    sample_drop(landing, YEAR)
    published = root / "wh" / "kzeval.duckdb"
    result = run_assessment(YEAR, landing, published)
    assert result.success, result.failures
    return landing, published


def _as_dict(frame: pl.DataFrame, score: str = "score") -> dict[tuple[str, str], tuple[Any, ...]]:
    return {
        (r["agency_id"], r["block"]): (round(r[score], 9), r["efficiency_tier"], r["rank_in_body_type"])
        for r in frame.iter_rows(named=True)
        if r[score] is not None
    }


def _turnstile_fingerprint(con: duckdb.DuckDBPyConnection) -> tuple[Any, ...]:
    daily = con.execute(
        # exact sums: core.overtime_daily is read from several Parquet files in parallel, so a double sum's last
        # digit depends on the order threads add the files (issue 19)
        "SELECT count(*), sum(CAST(workday_overtime_hours AS DECIMAL(18, 9))), "
        "sum(CAST(weekend_overtime_hours AS DECIMAL(18, 9))) FROM core.overtime_daily"
    ).fetchall()[0]
    fct = con.execute("SELECT count(*), sum(workday_overtime_hours), sum(avg_headcount) FROM core.overtime").fetchall()
    scratch = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = '_kzeval_sensitivity_overtime_daily'"
    ).fetchall()
    return daily, fct[0], scratch[0]


@pytest.mark.slow
def test_every_option_equals_the_runs_library_pass(sample: tuple[Path, Path], tmp_path: Path) -> None:
    _, published = sample
    copy = tmp_path / "copy.duckdb"
    shutil.copyfile(published, copy)
    with duckdb.connect(str(copy)) as con:
        turnstile = _turnstile_fingerprint(con)
        result = analyse(con, YEAR)
        # the analysis recomputed the turnstile step under the other exit allowance without touching the
        # build's core.overtime_daily / core.overtime (nor leaving its scratch table behind)
        assert _turnstile_fingerprint(con) == turnstile
        configs = configurations(result.baseline)
        assert len({(c.reading, c.option) for c in configs}) == sum(len(d.options) for d in all_readings().values()) + 1
        for config in configs:
            expected = _as_dict(reference_pass(con, YEAR, active_readings(config.overrides)))
            got = _as_dict(
                result.rows.filter((pl.col("reading") == config.reading) & (pl.col("option") == config.option))
            )
            assert got == expected, f"{config.reading}={config.option}"
    # the sample moves scores under many readings and a tier under one (a real analysis, not all zeros)
    moved = national_lines(result.rows).filter(pl.col("max_abs_delta") > 0.01)["reading"].unique().to_list()
    assert {"svc.automation_effectiveness", "hr.net_turnover", "org.block_combination"} <= set(moved)
    # the published configuration reproduces the published figures
    with duckdb.connect(str(published), read_only=True) as con:
        published_scores = con.execute(
            "SELECT agency_id, block, score, efficiency_tier, rank_in_body_type FROM core.block_scores WHERE year = ?",
            [YEAR],
        ).pl()
    baseline = result.rows.filter(pl.col("is_baseline") & (pl.col("reading") == "svc.k3_cap"))
    assert _as_dict(baseline) == _as_dict(published_scores)
    # units: one pass computes each unit once; corps «Б» readings are read by no unit and cost nothing
    # the interaction indicators are recomputed once per alternative of a reading of that block (plus the
    # published configuration and the LOW combination), never for an org-development or corps «Б» option
    catalogue = readings_frame()
    alternatives = catalogue.filter((pl.col("block") == "interaction") & ~pl.col("is_default")).height
    assert result.units_computed["interaction"] <= 1 + alternatives + 1
    assert result.units_computed["interaction"] < len(configs)
    assert "corps_b.sanction_cap_scope" in result.unconsulted
    assert "svc.k3_cap" not in result.unconsulted
    # the turnstile readings are varied, not reported as outside the scores (issue 17)
    assert {"hr.overtime_exit_allowance", "hr.headcount_missing_months"}.isdisjoint(result.unconsulted)
    # the expensive aggregate (the year's daily turnstile rows) once per exit-allowance option: deduction (the
    # published one, read from core.overtime_daily) and threshold (computed once) — not once per configuration
    assert result.units_computed["overtime_daily"] == 2
    # the sample's late leavers: counting from workday_end (threshold) moves the org-development scores
    exit_moves = national_lines(result.rows).filter(
        (pl.col("reading") == "hr.overtime_exit_allowance") & (pl.col("option") == "threshold")
    )
    assert exit_moves["max_abs_delta"].max() > 0


@pytest.mark.slow
@pytest.mark.parametrize(
    ("reading", "option"),
    [
        ("org.block_combination", "interaction_weights"),
        ("svc.automation_effectiveness", "product"),
        # acts only inside the turnstile engine: the run recomputes every month of core.overtime_daily
        ("hr.overtime_exit_allowance", "threshold"),
        # changes n stored in core.overtime (and the hr indicators' z)
        ("hr.headcount_missing_months", "months_reported"),
    ],
)
def test_option_equals_a_real_run_with_that_reading(
    sample: tuple[Path, Path], tmp_path: Path, reading: str, option: str
) -> None:
    from pipelines.launch import run_assessment

    landing, published = sample
    copy = tmp_path / "copy.duckdb"
    shutil.copyfile(published, copy)
    with duckdb.connect(str(copy)) as con:
        rows = analyse(con, YEAR, [reading]).rows
    other = tmp_path / "run" / "kzeval.duckdb"
    other.parent.mkdir()
    shutil.copyfile(published, other)
    shutil.copytree(published.parent / "raw_files", other.parent / "raw_files")
    shutil.copytree(published.parent / "lake", other.parent / "lake")  # the warehouse is the folder (issue 19)
    run = run_assessment(YEAR, landing, other, readings=[f"{reading}={option}"])
    assert run.success, run.failures
    with duckdb.connect(str(other), read_only=True) as con:
        run_scores = con.execute(
            "SELECT agency_id, block, score, efficiency_tier, rank_in_body_type FROM marts.fct_block_scores "
            "WHERE year = ?",
            [YEAR],
        ).pl()
    ours = rows.filter((pl.col("reading") == reading) & (pl.col("option") == option))
    assert _as_dict(ours) == _as_dict(run_scores)


@pytest.mark.slow
def test_command_publishes_the_marts_and_leaves_the_figures(sample: tuple[Path, Path], tmp_path: Path) -> None:
    _, published = sample
    target = tmp_path / "wh" / "kzeval.duckdb"
    target.parent.mkdir()
    shutil.copyfile(published, target)
    for part in ("lake", "raw_files"):  # the warehouse is the folder: its views read these files (issue 19)
        shutil.copytree(published.parent / part, target.parent / part)
    query = "SELECT * FROM marts.fct_block_scores ORDER BY ALL"
    with duckdb.connect(str(target), read_only=True) as con:
        before = con.execute(query).fetchall()
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(
            ["sensitivity", "--year", str(YEAR), "--warehouse", str(target), "--readings", "org.block_combination"]
        )
    assert code == 0
    text = out.getvalue()
    assert "org.block_combination" in text and "Устойчивость результатов" in text
    with duckdb.connect(str(target), read_only=True) as con:
        assert con.execute(query).fetchall() == before
        counted = con.execute(
            "SELECT count(*) FROM marts.fct_reading_sensitivity WHERE year = ? AND reading = 'org.block_combination'",
            [YEAR],
        ).fetchall()[0][0]
        bodies = con.execute("SELECT count(*) FROM marts.fct_block_scores WHERE year = ?", [YEAR]).fetchall()[0][0]
        assert counted == 3 * bodies  # three options × every published block score
        national = con.execute(
            "SELECT option, bodies_changing_tier FROM marts.fct_reading_sensitivity_national "
            "WHERE year = ? AND block = 'org_development' ORDER BY option",
            [YEAR],
        ).fetchall()
        assert [o for o, _ in national] == ["interaction_weights", "mean", "none"]
        summary = con.execute("SELECT count(*) FROM marts.fct_reading_sensitivity_summary").fetchall()[0][0]
        assert summary == bodies
        assert con.execute("SELECT count(*) FROM marts.dim_readings").fetchall()[0][0] == readings_frame().height
    assert not target.with_name("kzeval.building.duckdb").exists()
    # the national reports carry the section; the HTML chart marks the published score
    html, xlsx = tmp_path / "national.html", tmp_path / "national.xlsx"
    with contextlib.redirect_stdout(io.StringIO()):
        assert main(["report", "--year", str(YEAR), "--warehouse", str(target), "--out", str(html)]) == 0
        assert (
            main(["report", "--year", str(YEAR), "--warehouse", str(target), "--format", "xlsx", "--out", str(xlsx)])
            == 0
        )
    page = html.read_text()
    assert "Устойчивость результатов" in page and 'id="chart-robustness-org_development"' in page
    assert "Опубликованная оценка" in page and "org.block_combination" in page
    import openpyxl

    sheet = openpyxl.load_workbook(xlsx)["Устойчивость"]
    assert sheet["A3"].value == "Блок" and len(sheet._charts) == 2  # one range chart per block
    # explain mentions robustness
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["explain", "--year", str(YEAR), "--agency", "CGO-MZ", "--warehouse", str(target)]) == 0
    assert "Устойчивость к чтениям (kzeval sensitivity)" in out.getvalue()
    # a new scoring of the year (run or recompute) clears the analysis it would make stale
    copy = tmp_path / "rerun.duckdb"
    shutil.copyfile(target, copy)
    with duckdb.connect(str(copy)) as con:
        assert con.execute("SELECT count(*) FROM core.reading_sensitivity").fetchall()[0][0] > 0
        reference_pass(con, YEAR, active_readings())
        assert con.execute("SELECT count(*) FROM core.reading_sensitivity").fetchall()[0][0] == 0


def test_command_refuses_a_warehouse_without_the_year(tmp_path: Path) -> None:
    with pytest.raises(SensitivityError, match="не найдено"):
        run_sensitivity(YEAR, tmp_path / "none.duckdb")


def test_report_section_from_hand_rows() -> None:
    from kzeval.reports.robustness import build_robustness

    base = _blocks([("A", "interaction", "CGO", 75.0, "medium", 1), ("B", "interaction", "CGO", 69.0, "low", 2)])
    up = _blocks([("A", "interaction", "CGO", 76.5, "medium", 2), ("B", "interaction", "CGO", 90.5, "high", 1)])
    rows = sensitivity_rows(
        base,
        [
            (Configuration("r", "base", {}, True), base),
            (Configuration("r", "up", {"r": "up"}, False), up),
            (Configuration("q", "same", {"q": "same"}, False), base),
        ],
        YEAR,
        dt.datetime(2026, 12, 4),
    )
    published = base.with_columns(pl.lit(YEAR).alias("year"))
    rob = build_robustness(YEAR, rows, published, {"A": "Орган А", "B": "Орган Б"})
    assert rob is not None and rob.note == ""
    assert [(b.name, b.is_robust, b.tiers_reachable) for b in rob.fragile] == [("Орган Б", False, ("high", "low"))]
    # only options that move a score are listed; q moves nothing
    assert [(line.reading, line.option, line.bodies_changing_tier) for line in rob.lines] == [("r", "up", 1)]
    assert rob.no_effect == ("q",)
    # a rerun since the analysis (B's published score moved): the stored analysis is not shown
    rerun = published.with_columns(
        pl.when(pl.col("agency_id") == "B").then(70.0).otherwise(pl.col("score")).alias("score")
    )
    stale = build_robustness(YEAR, rows, rerun, {})
    assert stale is not None and "устарел" in stale.note and not stale.bodies
    assert build_robustness(YEAR, None, published, {}) is None  # never analysed: no section


def test_stored_rows_are_stale_once_the_year_is_rescored() -> None:
    from kzeval.explain.overview import _robustness_section
    from kzeval.sensitivity import stored_rows

    base = _blocks([("A", "interaction", "CGO", 75.0, "medium", 1)])
    rows = sensitivity_rows(base, [(Configuration("r", "base", {}, True), base)], YEAR, dt.datetime(2026, 12, 4))
    con = duckdb.connect()
    con.execute("CREATE SCHEMA core")
    none, stale = stored_rows(con, YEAR)  # no table yet
    assert none.is_empty() and not stale
    published = base.with_columns(pl.lit(YEAR).alias("year"))
    con.register("b", published)
    con.register("s", rows)
    con.execute("CREATE TABLE core.block_scores AS SELECT * FROM b")
    con.execute("CREATE TABLE core.reading_sensitivity AS SELECT * FROM s")
    fresh, stale = stored_rows(con, YEAR)
    assert fresh.height == 1 and not stale
    assert "устойчива при всех" in _robustness_section(con, YEAR, "A")
    con.execute("UPDATE core.block_scores SET score = 75.5")  # the year was rescored since
    gone, stale = stored_rows(con, YEAR)
    assert gone.is_empty() and stale
    assert "анализ устарел" in _robustness_section(con, YEAR, "A")
    assert "не анализировалась" in _robustness_section(con, YEAR + 1, "A")
