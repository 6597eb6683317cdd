"""The benchmark's results files: history kept, table regenerated in bench/results.md and the README."""

from __future__ import annotations

from pathlib import Path

from kzeval.bench import README_END, README_START, _goal, update_readme, write_results


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
