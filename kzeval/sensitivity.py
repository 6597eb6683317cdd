"""`kzeval sensitivity`: how much do the conclusions depend on the readings?

A third of the formulas are reconstructions held as named readings. For an already-run year
this recomputes every body's block scores from the landed data (``raw`` and the run's
``core.overtime_daily``; no landing file is read again) under every option of every reading, one
reading at a time with the others as the year was published (the *baseline*), plus one
combined configuration with every LOW-confidence reading at its first alternative option.

Speed. A scoring pass is split into units — each block's indicators (through the library
entry points the run's assets call, ``compute_interaction`` and ``compute_org_development``)
and each block's scoring. Every unit runs under a
:class:`TrackedReadings` that records which readings it consulted; its result is reused for
any configuration that agrees on those readings (:class:`ReadingMemo`). A unit's result is a
deterministic function of the readings it consulted, so the reuse is exact. Inputs are read
once — the appeals counted in DuckDB; the turnstile daily rows once per option of
``hr.overtime_exit_allowance`` (the published option's are the run's ``core.overtime_daily``,
another's are computed once into a scratch table in a rolled-back transaction), the per-body totals from them per option
of ``hr.headcount_missing_months`` — so an option costs only the
units that consult its reading; a reading no unit consults (e.g. corps «Б» grades, which do
not enter a block score) costs nothing.

Publication. The command is a writer: it holds the warehouse's writer lock, writes
``core.reading_sensitivity`` into a build copy of the published warehouse
(:func:`kzeval.warehouse.begin_build`), builds the sensitivity marts there and publishes the
copy with :func:`kzeval.warehouse.publish`, like a run. The published figures are not
touched; the command refuses to run when its baseline recomputation does not reproduce them.

Kept whole (≈ 720 lines): the units, the reading tracker and the cache that makes the
analysis cheap only work together; the stored-result readers are small and live at the end.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from kzeval import overtime, warehouse
from kzeval.agencies import attach_assessed
from kzeval.calendars import load_calendar
from kzeval.contracts import CONTRACTS, INTERACTION_TABLES
from kzeval.corrections import Correction, apply_to_frame, assessed_bodies_of, previously_applied, read_corrections
from kzeval.indicators.appeals import AGGREGATED_FRAME, aggregate_appeals_in_duckdb
from kzeval.indicators.interaction import compute_interaction
from kzeval.indicators.openness import check_openness_points
from kzeval.indicators.org_development import ORG_DEVELOPMENT_TABLES, compute_org_development
from kzeval.indicators.scoring import BLOCK_SCORES_SCHEMA
from kzeval.methodology import active_readings, all_readings
from kzeval.methodology.base import ActiveReadings, parse_reading_overrides
from kzeval.methodology.org_development_2023 import READING_EXIT_ALLOWANCE, READING_HEADCOUNT_MONTHS
from kzeval.readings_catalogue import published_readings
from kzeval.schema import polars_schema
from kzeval.steps import assessment as assessment_steps
from kzeval.steps.context import RunContext
from kzeval.steps.core import (
    bodies_of,
    ensure_core_tables,
    overtime_points_from,
    read_raw,
    replace_year_slice,
    table_has_rows,
)
from kzeval.steps.dbt import build_models
from kzeval.steps.overtime import DAILY_TABLE, _drop_corrected_events, corrected_inputs
from kzeval.steps.scoring import score_blocks

COMBINED = "low_confidence_combined"
TOLERANCE = 1e-9
SENSITIVITY_MODELS = (
    "stg_kzeval__reading_sensitivity+",
    "stg_kzeval__readings+",
)
SENSITIVITY_SCHEMA: dict[str, Any] = polars_schema("core.reading_sensitivity")  # kzeval.schema.registry


class SensitivityError(Exception):
    """The analysis stopped; nothing was published. The message says why."""


# ---------------------------------------------------------------------------------------
# Readings that record what they were asked, and units memoised on it
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TrackedReadings(ActiveReadings):
    """Active readings that remember every key whose value a computation read."""

    observed: set[str] = field(default_factory=set, compare=False)

    def value(self, key: str) -> str:
        self.observed.add(key)
        return super().value(key)

    def as_dict(self) -> dict[str, str]:
        self.observed.update(self.definitions)
        return super().as_dict()


@dataclass
class ReadingMemo:
    """Results of units, each stored with the readings values it consulted.

    A stored result is returned for a configuration that gives every consulted reading the
    same value. ``computed`` counts the real computations per unit (for tests and the bench).
    """

    entries: dict[str, list[tuple[dict[str, str], int, Any]]] = field(default_factory=dict)
    computed: dict[str, int] = field(default_factory=dict)
    _serial: int = 0

    def consulted(self) -> set[str]:
        """Every reading some unit consulted (a reading outside it cannot move a block score)."""
        return {k for entries in self.entries.values() for observed, _, _ in entries for k in observed}

    def get(self, unit: str, readings: ActiveReadings, compute: Callable[[ActiveReadings], Any]) -> tuple[int, Any]:
        """(serial, result): the serial identifies the result (downstream units key on it)."""
        for observed, serial, result in self.entries.get(unit, []):
            if all(readings.value(k) == v for k, v in observed.items()):
                return serial, result
        tracked = TrackedReadings(readings.definitions, dict(readings.overrides))
        result = compute(tracked)
        self._serial += 1
        observed = {k: readings.value(k) for k in tracked.observed}
        self.entries.setdefault(unit, []).append((observed, self._serial, result))
        self.computed[unit] = self.computed.get(unit, 0) + 1
        return self._serial, result


# ---------------------------------------------------------------------------------------
# Inputs of a year, read once and without side effects
# ---------------------------------------------------------------------------------------


@dataclass
class YearInputs:
    """What a scoring pass reads, as the run's assets read it (corrections applied)."""

    year: int
    resolved: pl.DataFrame
    bodies: pl.DataFrame
    interaction: dict[str, pl.DataFrame]
    org: dict[str, pl.DataFrame]
    overtime: OvertimeInputs | None
    penalties: pl.DataFrame | None


@dataclass
class OvertimeInputs:
    """What the turnstile step of a run reads, to redo its per-body figures under other readings.

    ``published_exit_allowance``: the exit-allowance option ``core.overtime_daily`` was computed
    with (the year's published readings). Per-body figures (``core.overtime`` rows) under that
    option come from ``core.overtime_daily`` (cheap); under another option the year's daily rows
    are recomputed once into a scratch table (:func:`overtime_fct_for`).
    """

    agencies: pl.DataFrame
    headcount: pl.DataFrame | None
    calendar: pl.DataFrame
    orders: pl.DataFrame | None
    published_exit_allowance: str
    headcount_options: tuple[str, ...]


SCRATCH_DAILY = "_kzeval_sensitivity_overtime_daily"


def overtime_fct_for(
    con: duckdb.DuckDBPyConnection, year: int, inputs: OvertimeInputs, exit_allowance: str
) -> dict[str, pl.DataFrame]:
    """headcount option → ``core.overtime`` rows of the year under ``exit_allowance`` (writes nothing kept).

    Under the published option the per-body figures are summed from the build's
    ``core.overtime_daily`` (:func:`kzeval.overtime.compute_overtime_by_body`, as the run does);
    under another option the year's daily rows are computed in one pass into a scratch table
    (the run's monthly refreshes of the same landed events give the same rows: each day reads
    the events 25 h either side of it), with the commission's corrections of events and orders
    applied as the run applies them. That happens inside a transaction that is rolled back, so
    neither the scratch table nor the corrections' audit rows survive it.
    """

    def by_body(daily: str) -> dict[str, pl.DataFrame]:
        return {
            option: overtime.compute_overtime_by_body(
                con, daily, inputs.agencies, inputs.headcount, inputs.calendar, year, headcount_reading=option
            )
            for option in inputs.headcount_options
        }

    if exit_allowance == inputs.published_exit_allowance:
        return by_body(DAILY_TABLE)
    con.execute("BEGIN TRANSACTION").fetchall()
    try:
        corrected = corrected_inputs(con, year, inputs.orders, run_id="sensitivity")
        try:
            overtime.compute_overtime_daily(
                con,
                corrected.events_source,
                inputs.agencies,
                inputs.calendar,
                corrected.orders,
                date_from=dt.date(year, 1, 1),
                date_to=dt.date(year + 1, 1, 1),
                target=SCRATCH_DAILY,
                exit_allowance=exit_allowance,
            )
        finally:
            _drop_corrected_events(con)
        return by_body(SCRATCH_DAILY)
    finally:
        con.execute("ROLLBACK").fetchall()


def _landed(
    con: duckdb.DuckDBPyConnection, tables: Iterable[str], resolved: pl.DataFrame, year: int
) -> dict[str, pl.DataFrame]:
    """:func:`kzeval.steps.core.landing_frames` without its writes (audit, quarantine, lineage).

    The corrections the published figures rest on — those of the year in
    ``audit.corrections_applied`` — are applied with the pure
    :func:`kzeval.corrections.apply_to_frame`. After a plain run these are all valid corrections
    of the year; a decision still waiting for its body's `kzeval recompute` is left out, as in
    the published figures.
    """

    corrections = read_corrections(con)
    assessed_of = assessed_bodies_of(con) if corrections else None
    applied = previously_applied(con) if corrections else set()

    def chosen(correction: Correction) -> bool:
        return correction.year == year and correction.correction_id in applied

    frames: dict[str, pl.DataFrame] = {}
    for table in tables:
        if table in ("agencies", "calendar") or not table_has_rows(con, table):
            continue
        # year-scoped as in the run (kzeval.steps.core.landing_frames): whole when a correction targets the table
        frame = read_raw(con, table, None if any(c.table == table for c in corrections) else year)
        if corrections:
            frame = apply_to_frame(frame, table, corrections, assessed_of, chosen).frame
        if CONTRACTS[table].agency_column:
            frame = attach_assessed(frame, resolved, CONTRACTS[table].agency_column or "agency_id")
        frames[table] = frame
    return frames


def load_inputs(con: duckdb.DuckDBPyConnection, year: int) -> YearInputs:
    """The year's scoring inputs from the warehouse: landed rows, ``core.agencies``, ``core.overtime``."""
    if not warehouse.table_exists(con, "core", "agencies"):
        raise SensitivityError("В хранилище нет core.agencies: сначала выполните kzeval run.")
    resolved = con.execute("SELECT * FROM core.agencies").pl()
    bodies = bodies_of(resolved)
    in_duckdb = table_has_rows(con, "appeals") and not read_corrections(con)
    tables = [t for t in INTERACTION_TABLES if not (in_duckdb and t == "appeals")]
    interaction = _landed(con, tables, resolved, year)
    if in_duckdb:
        interaction[AGGREGATED_FRAME] = aggregate_appeals_in_duckdb(con, "raw.appeals", "core.agencies", year)
    if "openness_points" in interaction:  # the run quarantines these rows (quarantine_rule_violations)
        bad = check_openness_points(interaction["openness_points"], bodies)
        if bad.height:
            key = list(CONTRACTS["openness_points"].key)
            interaction["openness_points"] = interaction["openness_points"].join(bad.select(key), on=key, how="anti")
    org = _landed(con, ORG_DEVELOPMENT_TABLES, resolved, year)
    overtime = None
    if (
        warehouse.table_exists(con, "core", "overtime")
        and warehouse.table_exists(con, "core", "overtime_daily")
        and con.execute("SELECT count(*) FROM core.overtime WHERE year = ?", [year]).fetchall()[0][0]
    ):
        # the run's turnstile step wrote core.overtime for the year: its inputs, to redo it per option
        definitions = all_readings()
        base = parse_reading_overrides(published_readings(con, year))
        override = read_raw(con, "calendar") if table_has_rows(con, "calendar") else None
        overtime = OvertimeInputs(
            agencies=resolved,
            headcount=read_raw(con, "headcount_monthly") if table_has_rows(con, "headcount_monthly") else None,
            calendar=load_calendar(year, override),
            orders=read_raw(con, "overtime_orders") if table_has_rows(con, "overtime_orders") else None,
            published_exit_allowance=base.get(READING_EXIT_ALLOWANCE, definitions[READING_EXIT_ALLOWANCE].default),
            headcount_options=tuple(definitions[READING_HEADCOUNT_MONTHS].options),
        )
    penalties = _landed(con, ["reporting_penalties"], resolved, year).get("reporting_penalties")
    return YearInputs(year, resolved, bodies, interaction, org, overtime, penalties)


# ---------------------------------------------------------------------------------------
# The scoring pass, in memoised units
# ---------------------------------------------------------------------------------------


@dataclass
class ScoringEngine:
    """Block scores of one year under any readings, reusing every unit the readings leave alone."""

    inputs: YearInputs
    con: duckdb.DuckDBPyConnection | None = None  # read for the turnstile step under another exit allowance
    memo: ReadingMemo = field(default_factory=ReadingMemo)

    def overtime(self, readings: ActiveReadings) -> pl.DataFrame | None:
        """N1 and W rows as the run's org-development asset reads them (``overtime_points_for``).

        The per-body turnstile figures depend on ``hr.overtime_exit_allowance`` (the daily rows:
        the expensive aggregate, computed once per option) and ``hr.headcount_missing_months``
        (n; every option computed with each exit-allowance option, cheaply from the daily rows).
        """

        ot = self.inputs.overtime
        if ot is None:
            return None
        con = self.con
        if con is None:
            raise SensitivityError("the turnstile figures need the warehouse connection")
        year = self.inputs.year

        def fct(r: ActiveReadings) -> dict[str, pl.DataFrame]:
            return overtime_fct_for(con, year, ot, r.value(READING_EXIT_ALLOWANCE))

        def points(r: ActiveReadings) -> pl.DataFrame | None:
            _, by_headcount = self.memo.get("overtime_daily", r, fct)
            frame = by_headcount[r.value(READING_HEADCOUNT_MONTHS)]
            if frame.is_empty():
                return None
            return overtime_points_from(frame, ot.agencies, ot.headcount, year, r)

        return self.memo.get("overtime", readings, points)[1]

    def direction_raw(self, readings: ActiveReadings) -> dict[str, tuple[int, pl.DataFrame]]:
        """block → (serial, raw direction totals), through the library entry points the run's assets call."""

        i = self.inputs

        def interaction(r: ActiveReadings) -> pl.DataFrame:
            return compute_interaction(dict(i.interaction), i.bodies, i.year, r)[1]

        def org_development(r: ActiveReadings) -> pl.DataFrame:
            return compute_org_development(dict(i.org), i.bodies, i.resolved, i.year, r, overtime=self.overtime(r))[1]

        return {
            "interaction": self.memo.get("interaction", readings, interaction),
            "org_development": self.memo.get("org_development", readings, org_development),
        }

    def block_scores(self, readings: ActiveReadings) -> pl.DataFrame:
        """core.block_scores rows (BLOCK_SCORES_SCHEMA) the run would publish under ``readings``."""

        i = self.inputs
        parts = [pl.DataFrame(schema=BLOCK_SCORES_SCHEMA)]
        for block, (serial, directions) in self.direction_raw(readings).items():
            own = directions.filter(pl.col("block") == block)
            if own.is_empty():
                continue

            def score(r: ActiveReadings, own: pl.DataFrame = own) -> pl.DataFrame:
                return score_blocks(own, i.penalties, i.bodies, i.year, r)[1]

            _, blocks = self.memo.get(f"score:{block}:{serial}", readings, score)
            parts.append(blocks)
        return pl.concat(parts, how="vertical_relaxed")


# ---------------------------------------------------------------------------------------
# The analysis
# ---------------------------------------------------------------------------------------


@dataclass
class Configuration:
    reading: str
    option: str
    overrides: dict[str, str]
    is_baseline: bool


def configurations(
    baseline: Mapping[str, str], readings: Sequence[str] | None = None, definitions: Mapping[str, Any] | None = None
) -> list[Configuration]:
    """Every option of every selected reading (others at the baseline), then the LOW combination.

    ``baseline``: the non-default readings the year was published with. The combined run sets
    every selected LOW-confidence reading to its first option other than the default.
    """

    known = dict(definitions or all_readings())
    chosen = sorted(readings) if readings else sorted(known)
    unknown = [k for k in chosen if k not in known]
    if unknown:
        raise SensitivityError(f"неизвестные чтения: {', '.join(unknown)}; известные: {', '.join(sorted(known))}")
    result: list[Configuration] = []
    for key in chosen:
        current = baseline.get(key, known[key].default)
        for option in known[key].options:
            result.append(Configuration(key, option, {**baseline, key: option}, option == current))
    alternatives = {k: next((o for o in known[k].options if o != known[k].default), None) for k in chosen}
    low = {k: v for k, v in alternatives.items() if v is not None and known[k].confidence == "LOW"}
    if low:
        label = ";".join(f"{k}={v}" for k, v in sorted(low.items()))
        result.append(Configuration(COMBINED, label, {**baseline, **low}, False))
    return result


def sensitivity_rows(
    baseline_scores: pl.DataFrame,
    scores_by_configuration: Sequence[tuple[Configuration, pl.DataFrame]],
    year: int,
    computed_at: dt.datetime,
) -> pl.DataFrame:
    """SENSITIVITY_SCHEMA rows: each configuration's block scores against the baseline's."""
    key = ["agency_id", "block"]
    base = baseline_scores.select(
        *key,
        pl.col("body_type").alias("_base_type"),
        pl.col("score").alias("baseline_score"),
        pl.col("efficiency_tier").alias("baseline_tier"),
        pl.col("rank_in_body_type").alias("baseline_rank"),
    )
    parts = []
    for config, scores in scores_by_configuration:
        joined = base.join(scores, on=key, how="full", coalesce=True).with_columns(
            pl.coalesce("body_type", "_base_type").alias("body_type"),
            pl.lit(config.reading).alias("reading"),
            pl.lit(config.option).alias("option"),
            pl.lit(config.is_baseline).alias("is_baseline"),
            (pl.col("score") - pl.col("baseline_score")).alias("delta"),
            (
                pl.col("efficiency_tier").is_not_null()
                & pl.col("baseline_tier").is_not_null()
                & (pl.col("efficiency_tier") != pl.col("baseline_tier"))
            ).alias("is_tier_changed"),
        )
        parts.append(joined)
    if not parts:
        return pl.DataFrame(schema=SENSITIVITY_SCHEMA)
    frame = pl.concat(parts, how="diagonal_relaxed").with_columns(
        pl.lit(year, dtype=pl.Int64).alias("year"),
        pl.lit(computed_at, dtype=pl.Datetime("us")).alias("computed_at"),
        pl.col("is_tier_changed").fill_null(False),
    )
    return frame.select([pl.col(c).cast(t) for c, t in SENSITIVITY_SCHEMA.items()]).sort(
        "reading", "option", "block", "agency_id"
    )


@dataclass
class SensitivityResult:
    year: int
    rows: pl.DataFrame
    seconds: float
    units_computed: dict[str, int]
    baseline: dict[str, str]
    pass_units: int = 0  # unit computations of one full scoring pass (the baseline)
    unconsulted: tuple[str, ...] = ()  # selected readings no unit of the scoring pass consulted
    load_seconds: float = 0.0  # reading the inputs (once)
    text: str = ""


def analyse(
    con: duckdb.DuckDBPyConnection,
    year: int,
    readings: Sequence[str] | None = None,
    baseline: Mapping[str, str] | None = None,
    computed_at: dt.datetime | None = None,
) -> SensitivityResult:
    """Recompute the year under every configuration (pure: reads ``con``, writes nothing)."""
    started = time.perf_counter()
    base = dict(baseline) if baseline is not None else parse_reading_overrides(published_readings(con, year))
    configs = configurations(base, readings)
    engine = ScoringEngine(load_inputs(con, year), con)
    load_seconds = time.perf_counter() - started
    baseline_scores = engine.block_scores(active_readings(base))
    pass_units = sum(engine.memo.computed.values())
    results = [(c, engine.block_scores(active_readings(c.overrides))) for c in configs]
    rows = sensitivity_rows(baseline_scores, results, year, computed_at or dt.datetime.now(dt.UTC).replace(tzinfo=None))
    varied = {c.reading for c in configs if c.reading != COMBINED}
    unconsulted = tuple(sorted(varied - engine.memo.consulted()))
    seconds = time.perf_counter() - started
    return SensitivityResult(
        year, rows, seconds, dict(engine.memo.computed), base, pass_units, unconsulted, load_seconds
    )


def reference_pass(con: duckdb.DuckDBPyConnection, year: int, readings: ActiveReadings) -> pl.DataFrame:
    """One scoring pass through the run's own steps (:func:`kzeval.steps.assessment.reference_pass`).

    For tests and the benchmark only: it *writes* into ``con`` as the assets do (core tables,
    quarantine, lineage), so give it a copy of the warehouse. Returns the block scores.
    """
    return assessment_steps.reference_pass(con, RunContext.direct(year, readings))


def published_block_scores(con: duckdb.DuckDBPyConnection, year: int) -> pl.DataFrame:
    if not warehouse.table_exists(con, "core", "block_scores"):
        return pl.DataFrame()
    return con.execute(
        "SELECT agency_id, block, score, efficiency_tier FROM core.block_scores WHERE year = ? ORDER BY ALL", [year]
    ).pl()


def baseline_mismatches(published: pl.DataFrame, rows: pl.DataFrame) -> list[str]:
    """Bodies whose published block score or tier the baseline recomputation does not reproduce."""
    baseline = (
        rows.filter(pl.col("is_baseline"))
        .unique(["agency_id", "block"])
        .select("agency_id", "block", "score", "efficiency_tier")
    )
    if baseline.is_empty() and rows.height:
        # only the combined configuration was requested: take the baseline columns
        baseline = rows.unique(["agency_id", "block"]).select(
            "agency_id",
            "block",
            pl.col("baseline_score").alias("score"),
            pl.col("baseline_tier").alias("efficiency_tier"),
        )
    baseline = baseline.filter(pl.col("score").is_not_null())
    old = {(r["agency_id"], r["block"]): r for r in published.iter_rows(named=True)}
    new = {(r["agency_id"], r["block"]): r for r in baseline.iter_rows(named=True)}
    problems = []
    for key in sorted(set(old) | set(new)):
        a, b = old.get(key), new.get(key)
        if a is None or b is None:
            problems.append(f"{key[0]}/{key[1]}: {'нет в опубликованных' if a is None else 'нет в пересчете'}")
        elif abs(a["score"] - b["score"]) > TOLERANCE or a["efficiency_tier"] != b["efficiency_tier"]:
            problems.append(f"{key[0]}/{key[1]}: опубликовано {a['score']}, пересчет {b['score']}")
    return problems


# ---------------------------------------------------------------------------------------
# Compact table
# ---------------------------------------------------------------------------------------


def national_lines(rows: pl.DataFrame) -> pl.DataFrame:
    """Per reading and option: bodies changing tier and the largest |Δ| (as marts.fct_reading_sensitivity_national)."""
    if rows.is_empty():
        return pl.DataFrame()
    return (
        rows.group_by("reading", "option", "block")
        .agg(
            pl.col("is_baseline").any(),
            pl.col("is_tier_changed").sum().alias("bodies_changing_tier"),
            pl.col("delta").abs().max().alias("max_abs_delta"),
            pl.col("score").is_not_null().sum().alias("bodies_scored"),
        )
        .sort("reading", "option", "block")
    )


def body_summary(rows: pl.DataFrame) -> pl.DataFrame:
    """Per body and block: min/max score, tiers reachable, robust, readings moving the tier."""
    if rows.is_empty():
        return pl.DataFrame()
    return (
        rows.group_by("agency_id", "block")
        .agg(
            pl.col("body_type").first(),
            pl.col("baseline_score").first(),
            pl.col("baseline_tier").first(),
            pl.col("score").min().alias("min_score"),
            pl.col("score").max().alias("max_score"),
            pl.col("efficiency_tier").drop_nulls().unique().sort().str.join(", ").alias("tiers_reachable"),
            (~pl.col("is_tier_changed").any()).alias("is_robust"),
            pl.col("reading").filter(pl.col("is_tier_changed")).unique().sort().str.join(", ").alias("moving"),
        )
        .sort("block", "agency_id")
    )


def render(result: SensitivityResult) -> str:
    rows = result.rows
    out = [f"Устойчивость результатов · {result.year} год"]
    base = ", ".join(f"{k}={v}" for k, v in sorted(result.baseline.items())) or "все чтения по умолчанию"
    out.append(f"Базовая конфигурация (как опубликовано): {base}")
    national = national_lines(rows)
    if national.is_empty():
        out.append("Нет оценок блоков за этот год.")
        return "\n".join(out)
    out.append("")
    out.append(f"{'Чтение':<32} {'Вариант':<26} {'Меняют степень':>14} {'Макс. |Δ|':>10}  Блоки с изменением")
    per_option = national.group_by("reading", "option", maintain_order=True).agg(
        pl.col("is_baseline").any(),
        pl.col("bodies_changing_tier").sum(),
        pl.col("max_abs_delta").max(),
        pl.col("block").filter(pl.col("max_abs_delta") > TOLERANCE).str.join(", ").alias("moved"),
        pl.col("block").filter(pl.col("bodies_scored") == 0).str.join(", ").alias("unscored"),
    )
    for r in per_option.iter_rows(named=True):
        option = ("*" if r["is_baseline"] else " ") + r["option"]
        if len(option) > 26:
            option = option[:25] + "…"
        delta = "—" if r["max_abs_delta"] is None else f"{r['max_abs_delta']:.2f}"
        blocks = r["moved"] or ""
        if r["unscored"]:
            blocks = (blocks + "; " if blocks else "") + f"не оценен: {r['unscored']}"
        out.append(f"{r['reading']:<32} {option:<26} {r['bodies_changing_tier']:>14} {delta:>10}  {blocks}")
    moving = per_option.filter(pl.col("bodies_changing_tier") > 0)
    if moving.height:
        counts = moving.group_by("reading", maintain_order=True).agg(pl.col("bodies_changing_tier").max())
        out.append("")
        out.append(
            "Меняют степень хотя бы одного органа: "
            + ", ".join(f"{r['reading']} (до {r['bodies_changing_tier']})" for r in counts.iter_rows(named=True))
        )
    else:
        out.append("")
        out.append("Ни одно чтение не меняет степень эффективности ни одного органа.")
    summary = body_summary(rows)
    fragile = summary.filter(~pl.col("is_robust"))
    out.append("")
    out.append(
        f"Органов-блоков: {summary.height}; степень устойчива: {summary.height - fragile.height}; "
        f"неустойчива: {fragile.height} (* — опубликованный вариант)."
    )
    for r in fragile.iter_rows(named=True):
        out.append(
            f"  {r['agency_id']:<12} {r['block']:<16} {r['min_score']:.2f}–{r['max_score']:.2f} "
            f"(опубл. {r['baseline_score']:.2f}, {r['baseline_tier']}); степени: {r['tiers_reachable']}; "
            f"меняют: {r['moving']}"
        )
    configs = national.select("reading", "option").unique().height
    if result.unconsulted:
        out.append("")
        out.append("Не участвуют в расчете оценок блоков (оценки корпуса «Б»): " + ", ".join(result.unconsulted))
    out.append("")
    out.append(
        f"Расчет: {result.seconds:.1f} с, {configs} вариантов; вычислений частей расчета: "
        f"{sum(result.units_computed.values())} (один полный расчет — {result.pass_units})."
    )
    return "\n".join(out)


# ---------------------------------------------------------------------------------------
# The command: a writer, through the run's lock and publication
# ---------------------------------------------------------------------------------------


def _build_marts(build: Path, year: int) -> None:
    """Build and test the sensitivity and readings marts for ``year`` in the build copy (dbt in a subprocess)."""
    detail = build_models(build, list(SENSITIVITY_MODELS), year)
    if detail:
        raise SensitivityError("dbt build of marts.fct_reading_sensitivity failed: " + " | ".join(detail))


def run_sensitivity(year: int, published_path: Path, readings: Sequence[str] | None = None) -> SensitivityResult:
    """Analyse ``year`` and publish ``marts.fct_reading_sensitivity`` (figures untouched)."""
    published = published_path.resolve()
    if not published.exists():
        raise SensitivityError(f"Хранилище {published} не найдено: сначала выполните kzeval run --year {year}.")
    run_id = f"sensitivity-{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%S}-{os.getpid()}"
    # the one writer lock of the warehouse (runs, the sensor's runs, recompute take it too)
    with warehouse.writer_lock(published, f"kzeval sensitivity --year {year}"):
        build = warehouse.begin_build(published, run_id)
        try:
            with warehouse.connect_build(published) as con:
                before = published_block_scores(con, year)
                if before.is_empty():
                    raise SensitivityError(
                        f"За {year} год нет опубликованных оценок блоков: сначала выполните kzeval run --year {year}."
                    )
                result = analyse(con, year, readings)
                moved = baseline_mismatches(before, result.rows)
                if moved:
                    raise SensitivityError(
                        "Пересчет по опубликованным чтениям не совпал с опубликованными оценками (данные изменились "
                        f"после запуска?); выполните kzeval run --year {year}. Расхождения:\n  "
                        + "\n  ".join(moved[:20])
                    )
                ensure_core_tables(con)
                con.execute("DELETE FROM core.reading_sensitivity WHERE year = ?", [year]).fetchall()
                replace_year_slice(con, "core", "reading_sensitivity", result.rows.drop("year"), year)
            _build_marts(build, year)
            warehouse.publish(published, run_id=run_id)
        except BaseException:
            for stale in (build, build.with_name(build.name + ".wal"), warehouse.marker_path(published)):
                stale.unlink(missing_ok=True)
            raise
    result.text = render(result)
    return result


# ---------------------------------------------------------------------------------------
# Reading the stored analysis (reports, explain)
# ---------------------------------------------------------------------------------------


def stored_rows(con: duckdb.DuckDBPyConnection, year: int) -> tuple[pl.DataFrame, bool]:
    """(rows of ``core.reading_sensitivity`` for the year, stale): stale rows (the year was rescored
    since the analysis) come back empty with ``stale`` True."""
    if not warehouse.table_exists(con, "core", "reading_sensitivity"):
        return pl.DataFrame(), False
    rows = con.execute("SELECT * FROM core.reading_sensitivity WHERE year = ?", [year]).pl()
    if rows.is_empty():
        return rows, False
    if baseline_mismatches(published_block_scores(con, year), rows):
        return pl.DataFrame(), True
    return rows, False


def body_robustness_line(rows: pl.DataFrame, agency_id: str, block_labels: Mapping[str, str]) -> list[str]:
    """`kzeval explain` lines: which readings can move the body's tier (empty when robust)."""
    if rows.is_empty():
        return []
    own = rows.filter(pl.col("agency_id") == agency_id)
    lines = []
    for r in body_summary(own).iter_rows(named=True):
        label = block_labels.get(r["block"], r["block"])
        if r["is_robust"]:
            lines.append(f"«{label}»: степень эффективности устойчива при всех вариантах чтений.")
            continue
        moving = own.filter((pl.col("block") == r["block"]) & pl.col("is_tier_changed"))
        detail = "; ".join(
            f"{m['reading']}={m['option']} → {m['tier_label_ru'] or m['efficiency_tier']} ({m['score']:.2f})"
            for m in moving.sort("reading", "option").iter_rows(named=True)
        )
        lines.append(
            f"«{label}»: степень эффективности НЕ устойчива: балл {r['min_score']:.2f}–{r['max_score']:.2f}, "
            f"возможные степени: {r['tiers_reachable']}; ее меняют: {detail}."
        )
    return lines
