"""Synthetic turnstile drops: contract shape, determinism and the patterns the engine must meet."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import polars as pl

from kzeval.calendars import load_calendar
from kzeval.generate.turnstile import Pattern, generate_turnstile
from kzeval.overtime import compute_overtime_daily

# Rare events made frequent so a small drop shows every pattern.
BOOSTED = Pattern(night_shift=0.05, forgot_out=0.05, forgot_in=0.05, duplicate_tap=0.2, weekend_mean=0.2)


def _generate(out: Path, agencies: pl.DataFrame, seed: int = 3) -> None:
    generate_turnstile(out, agencies, 20, 2024, seed, months=[4, 5], pattern=BOOSTED)


def test_files_and_columns(tmp_path: Path, agencies: pl.DataFrame) -> None:
    summary = generate_turnstile(tmp_path, agencies, 20, 2024, 1, months=[4], pattern=BOOSTED)
    assert summary.employees == 7 * 20
    assert summary.months == ("2024-04",)
    events = pl.read_parquet(tmp_path / "turnstile_events" / "2024-04.parquet")
    assert events.height == summary.events > 0
    assert events.schema == pl.Schema(
        {
            "employee_id": pl.Utf8,
            "agency_id": pl.Utf8,
            "event_ts": pl.Datetime("us"),
            "direction": pl.Utf8,
            "gate_id": pl.Utf8,
        }
    )
    assert set(events["direction"].unique()) == {"in", "out"}
    assert events["event_ts"].dt.month().unique().to_list() == [4]  # a month's file holds that month's events
    orders = pl.read_parquet(tmp_path / "overtime_orders" / "2024-04.parquet")
    assert orders.columns == ["employee_id", "agency_id", "date", "hours", "act_ref"]
    assert orders["hours"].min() > 0 and orders["hours"].max() <= 24  # type: ignore[operator]
    headcount = pl.read_parquet(tmp_path / "headcount_monthly" / "2024.parquet")
    assert headcount.columns == ["agency_id", "month_end", "actual_headcount", "staff_posts"]
    assert headcount.height == 7 * 12


def test_same_seed_same_drop(tmp_path: Path, agencies: pl.DataFrame) -> None:
    _generate(tmp_path / "a", agencies)
    _generate(tmp_path / "b", agencies)
    _generate(tmp_path / "c", agencies, seed=4)
    read = lambda d: pl.read_parquet(tmp_path / d / "turnstile_events" / "*.parquet").sort("employee_id", "event_ts")  # noqa: E731
    assert read("a").equals(read("b"))
    assert not read("a").equals(read("c"))


def test_fraction_samples_employees(tmp_path: Path, agencies: pl.DataFrame) -> None:
    summary = generate_turnstile(tmp_path, agencies, 200, 2024, 1, 0.25, months=[4], write_orders=False)
    assert 250 <= summary.employees <= 450  # ≈ 0.25 × 1400


def test_patterns_reach_the_engine(tmp_path: Path, agencies: pl.DataFrame) -> None:
    _generate(tmp_path, agencies)
    events = pl.read_parquet(tmp_path / "turnstile_events" / "*.parquet")
    ordered = events.sort("employee_id", "event_ts").with_columns(
        (pl.col("event_ts").diff().over("employee_id").dt.total_seconds()).alias("gap"),
        (pl.col("direction") == pl.col("direction").shift().over("employee_id")).alias("same"),
    )
    assert ordered.filter(pl.col("same") & (pl.col("gap") <= 120)).height > 0  # duplicate taps
    arrivals = (
        events.filter(pl.col("direction") == "in")
        .group_by("employee_id", pl.col("event_ts").dt.date())
        .agg(pl.col("event_ts").min().dt.hour().alias("hour"))
    )
    assert arrivals.filter(pl.col("hour").is_in([8, 9])).height / arrivals.height > 0.8  # arrivals around 9:00

    con = duckdb.connect()
    orders = pl.read_parquet(tmp_path / "overtime_orders" / "*.parquet")
    daily = compute_overtime_daily(
        con,
        tmp_path / "turnstile_events",
        agencies,
        load_calendar(2024),
        orders,
        date_from=date(2024, 4, 1),
        date_to=date(2024, 5, 31),
    ).pl()
    assert daily.filter(pl.col("is_unclosed")).height > 0  # forgotten badges
    assert daily["orphan_out_events"].sum() > 0  # outs without an in
    assert daily.filter(pl.col("weekend_overtime_hours") > 0).height > 0  # weekend work
    assert daily.filter(pl.col("ordered_hours") > 0).height > 0  # ordered by act
    assert daily.filter(pl.col("workday_overtime_hours") > 6).height > 0  # night shifts past midnight
    late = daily.filter(pl.col("workday_overtime_hours") > 0)["workday_overtime_hours"].mean()
    assert 0.8 < late < 2.5  # type: ignore[operator]  # ≈ 1 h 19 min published, wider with boosted night shifts
