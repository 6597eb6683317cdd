"""The benchmark's results files: history kept, table regenerated in bench/results.md and the README."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

import kzeval.cli.bench as bench_command
from bench.harness import README_END, README_START, _goal, update_readme, write_results
from kzeval.cli import main
from kzeval.cli._common import UserError


def _entry(run_id: str, date: str, wall: float, met: bool) -> dict:
    goal = _goal("full national year", wall, 300.0, "s")
    assert goal["met"] is met
    return {
        "id": run_id,
        "date": date,
        "machine": "test machine",
        "fraction": 1.0,
        "rows": 1000,
        "wall": wall,
        "rows_per_second": 1000 / wall,
        "peak_bytes": 2e9,
        "full_year_estimate": wall,
        "peak_estimate": 2e9,
        "heavy": [{"stage": "turnstile overtime (m, p per body)", "ratio": 1.2}],
        "reload_share": 0.1,
        "goals": [goal],
        "report": f"report of {run_id}",
    }


def test_goal_verdict_says_by_how_much_it_is_missed():
    missed = _goal("full national year", 450.0, 300.0, "s")
    assert not missed["met"] and "missed by 150.0 s (1.50× the goal)" in missed["verdict"]
    assert _goal("peak memory", 4e9, 8e9, "bytes")["met"]


def test_results_keep_every_run_and_the_readme_shows_the_newest(tmp_path: Path):
    results = tmp_path / "results.md"
    write_results(results, _entry("a", "2026-11-23 10:00 UTC", 420.0, False))
    write_results(results, _entry("b", "2026-11-23 12:00 UTC", 280.0, True))
    text = results.read_text()
    assert "| 2026-11-23 10:00 UTC | test machine | 1 | 1,000 | 420 s |" in text
    assert "| 2026-11-23 12:00 UTC | test machine | 1 | 1,000 | 280 s |" in text
    shown = text.split("<!-- bench-history")[0]
    assert "report of b" in shown and "report of a" not in shown  # the latest report per fraction
    assert '"report of a"' in text  # the history keeps every run

    readme = tmp_path / "README.md"
    readme.write_text(f"# Title\n\nbefore\n{README_START}\nold table\n{README_END}\nafter\n")
    assert update_readme(readme, results)
    updated = readme.read_text()
    assert "old table" not in updated and updated.startswith("# Title\n\nbefore\n") and updated.endswith("after\n")
    assert "| 280 s |" in updated and "| 0/1 |" in updated and "| 1/1 |" in updated
    # regenerating again changes nothing
    assert update_readme(readme, results) and readme.read_text() == updated
    (tmp_path / "plain.md").write_text("no markers\n")
    assert not update_readme(tmp_path / "plain.md", results)


# --- `kzeval bench --years N` (issue 19) ------------------------------------------------


def _year_row(year: int, run: float, copy: float, warehouse_mb: int) -> dict:
    mb = 1024**2
    return {
        "year": year,
        "run": run,
        "reload": 10.0,
        "sensor": 8.0,
        "copy": copy,
        "copy_reload": copy,
        "copy_sensor": copy,
        "dbt": 20.0,
        "dbt_reload": 5.0,
        "dbt_sensor": 5.0,
        "peak": 600 * mb,
        "warehouse": warehouse_mb * mb,
        "raw_files": 100 * mb,
        "other": 0,
        "landing": 100 * mb,
    }


def test_years_table_shows_growth_against_the_first_year():
    from bench.harness import years_split_lines, years_table

    rows = [_year_row(2024, 40.0, 2.0, 300), _year_row(2025, 50.0, 4.0, 600)]
    table = years_table(rows)
    assert table[0].startswith("| year | yearly run |") and len(table) == 4
    # 2025 against 2024: run 50 / 40 = 1.25×; reload and sensor unchanged 1.00×;
    # warehouse 600 / 300 = 2.00×; kept (warehouse + lake + raw_files + other) (600 + 100) / (300 + 100) = 1.75×
    assert table[3] == (
        "| 2025 | 50.0 s | 10.0 s | 8.0 s | 4.0 s | 600 MB | 600 MB | 0 MB | 100 MB | 0 MB | 100 MB "
        "| 1.25× | 1.00× | 1.00× | 2.00× | 1.75× |"
    )
    assert table[2].endswith("| 1.00× | 1.00× | 1.00× | 1.00× | 1.00× |")
    split = years_split_lines(rows)
    assert len(split) == 6  # three runs per year
    # 2025 yearly run: copy 4 + dbt 20 = 24 of 50 s = 48 %; the year's own work 50 − 4 − 20 = 26 s
    assert split[3] == (
        "2025 yearly run: 50.0 s = copy of the published warehouse 4.0 s + dbt 20.0 s "
        "(48% of the run) + the year's own work 26.0 s"
    )
    # 2025 sensor run: copy 4 + dbt 5 = 9 of 8 s would exceed the wall: 112 %, own work −1 s (shown, not hidden)
    assert split[5] == (
        "2025 sensor run: 8.0 s = copy of the published warehouse 4.0 s + dbt 5.0 s "
        "(112% of the run) + the year's own work -1.0 s"
    )
    assert years_table([]) == table[:2]


def test_years_without_a_shipped_calendar_are_named_before_anything_runs(tmp_path: Path, capsys):
    from bench.harness import cmd_bench_years, years_without_calendar
    from kzeval.calendars import shipped_years

    last = shipped_years()[-1]
    assert years_without_calendar(last - 1, 2) == []
    assert years_without_calendar(last - 1, 4) == [last + 1, last + 2]
    args = argparse.Namespace(fraction=0.01, years=3, workdir=str(tmp_path), year=last, seed=1)
    assert cmd_bench_years(args) == 2
    assert f"--year {last - 2} --years 3" in capsys.readouterr().err
    assert not any(tmp_path.iterdir())  # nothing generated


def test_years_results_do_not_disturb_the_single_year_history(tmp_path: Path):
    from bench.harness import write_years_results

    results = tmp_path / "results.md"
    write_results(results, _entry("a", "2026-11-23 10:00 UTC", 420.0, False))
    entry = {
        "id": "y1",
        "date": "2026-12-04 23:00 UTC",
        "machine": "test machine",
        "fraction": 0.02,
        "seed": 42,
        "rows": [_year_row(2024, 40.0, 2.0, 300)],
        "failures": [],
    }
    write_years_results(results, entry)
    text = results.read_text()
    assert "| 2026-11-23 10:00 UTC | test machine | 1 | 1,000 | 420 s |" in text
    assert "## Several years into one warehouse" in text and "| 2024 | 40.0 s |" in text
    # a later single-year run keeps the multi-year section
    write_results(results, _entry("b", "2026-11-24 10:00 UTC", 280.0, True))
    text = results.read_text()
    assert "| 2024 | 40.0 s |" in text and "| 280 s |" in text and "| 420 s |" in text


def test_landing_accumulates_years_and_a_redelivery_changes_the_file_not_the_drop(tmp_path: Path):
    import polars as pl

    from bench.harness import link_into, redeliver

    for year in (2024, 2025):
        drop = tmp_path / f"drop{year}"
        (drop / "agencies").mkdir(parents=True)
        (drop / "appeals").mkdir()
        pl.DataFrame({"v": [year]}).write_parquet(drop / "agencies" / "agencies.parquet")
        pl.DataFrame({"v": list(range(5))}).write_parquet(drop / "appeals" / f"appeals_{year}.parquet")
        (drop / ".complete.json").write_text("{}")
        assert link_into(drop, tmp_path / "landing") == 2  # the marker file is not landed
    landing = tmp_path / "landing"
    assert sorted(p.name for p in (landing / "appeals").iterdir()) == ["appeals_2024.parquet", "appeals_2025.parquet"]
    assert pl.read_parquet(landing / "agencies" / "agencies.parquet")["v"].to_list() == [2025]  # newer delivery
    redeliver(landing / "appeals" / "appeals_2025.parquet")  # the last row removed
    assert pl.read_parquet(landing / "appeals" / "appeals_2025.parquet")["v"].to_list() == [0, 1, 2, 3]
    assert pl.read_parquet(tmp_path / "drop2025" / "appeals" / "appeals_2025.parquet").height == 5  # link broken
    redeliver(landing / "appeals" / "appeals_2024.parquet", every=2)  # rows 0, 2, 4 removed
    assert pl.read_parquet(landing / "appeals" / "appeals_2024.parquet")["v"].to_list() == [1, 3]


def test_bench_years_option_dispatches_and_checks_its_arguments(monkeypatch, tmp_path: Path, capsys):
    import bench.harness as bench
    from kzeval.cli import main

    seen = []
    monkeypatch.setattr(bench, "cmd_bench_years", lambda args: seen.append((args.years, args.fraction)) or 0)
    assert main(["bench", "--years", "2", "--fraction", "0.01", "--workdir", str(tmp_path)]) == 0
    assert seen == [(2, 0.01)]
    monkeypatch.undo()
    # --years 0 is refused, not taken for «no --years» (which runs the single-year benchmark)
    assert main(["bench", "--years", "0", "--fraction", "0.01", "--workdir", str(tmp_path)]) == 2
    assert "--years ≥ 1" in capsys.readouterr().err
    assert not (tmp_path / "warehouse").exists()


def test_kzeval_bench_needs_the_source_checkout(monkeypatch, tmp_path: Path, capsys) -> None:
    # the harness is not installed with the package: outside a checkout `kzeval bench` is one line, exit 2
    assert bench_command.harness(bench_command.CHECKOUT).__name__ == "bench.harness"  # this checkout's
    with pytest.raises(UserError, match="not installed with the package"):
        bench_command.harness(tmp_path)
    monkeypatch.setattr(bench_command, "CHECKOUT", tmp_path)
    assert main(["bench", "--fraction", "0.01", "--workdir", str(tmp_path / "bench")]) == 2
    assert "run `kzeval bench` from a source checkout" in capsys.readouterr().err
    assert not (tmp_path / "bench").exists()


def test_short_runs_are_timed_best_of_the_successful_repeats(tmp_path: Path):
    from bench.harness import PhaseOutcome, fastest

    def outcome(wall: float, ok: bool = True, success: bool = True) -> PhaseOutcome:
        return PhaseOutcome("sensor", ok, wall + 1.0, 0, {"wall": wall, "success": success}, tmp_path / "x.log")

    slow, quick, failed = outcome(11.0), outcome(9.5), outcome(3.0, success=False)
    assert fastest([slow, quick]) is quick
    assert fastest([failed, slow]) is slow  # a failed run is never the estimate
    crashed = outcome(2.0, ok=False)
    assert fastest([crashed]) is crashed  # nothing succeeded: the first, so its failure is reported
