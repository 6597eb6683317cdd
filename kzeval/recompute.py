"""`kzeval recompute`: apply a special commission's decisions and show the «Таблица разногласий».

Seed 004, chapter 7: a body's objections are decided by a special commission (paras.
113–115); accepted objections become corrected conclusions. Here a decision arrives as rows
of the ``corrections`` landing table, and recompute

0. takes the warehouse's writer lock (the one every run takes) for all that follows;
1. reads the published figures of the year (before);
2. reruns the year on a private copy of the warehouse, loading *only* the drop's
   ``corrections`` folder, with the new corrections of the requested body alone
   (the run context's corrections scope; corrections applied earlier stay applied, other bodies'
   new ones wait for their own recompute);
3. checks that no other body's indicator, direction or block figure moved (ranks may, and so
   may exactly the figures holding a cross-body mean the body is part of — openness items of
   para. 67 and IT criteria under ``it.nothing_to_count=type_mean`` — which are listed), and
   refuses to publish otherwise;
4. stores before/after per indicator, direction and block (``core.dispute_results`` →
   ``marts.fct_dispute_results``), then publishes the copy atomically with the pipeline's
   ``warehouse.publish`` (checkpoint, WAL check, fsync; refused if another writer published
   since the copy was taken): the national rollups are refreshed by the same run;
5. prints the table in the form of Appendix 14 with the «Общий балл с учетом итогов обжалования».
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import duckdb
import polars as pl

from kzeval import warehouse
from kzeval.corrections import (
    CORRECTIONS_TABLE,
    DECISION_REJECTED,
    REASON_PREFIX,
    ensure_dispute_tables,
)
from kzeval.explain.labels import BLOCK_LABELS, DIRECTION_BLOCK, DIRECTION_LABELS
from kzeval.explain.lookups import ExplainError, resolve_body
from kzeval.lineage import direction_source_tables, indicator_source_tables
from kzeval.methodology import all_indicators
from kzeval.readings_catalogue import published_readings
from kzeval.recompute_figures import (
    Figures,
    cross_body_average_moves,
    other_bodies_changes,
    rank_changes,
    read_figures,
    value_changed,
)
from kzeval.recompute_report import render_dispute_table
from kzeval.schema import polars_schema
from kzeval.settings import Settings
from kzeval.steps.dbt import build_models

DISPUTE_SCHEMA: dict[str, Any] = polars_schema("core.dispute_results")  # kzeval.schema.registry


class RecomputeError(Exception):
    """Recompute stopped; nothing was published. The message says why and what to do."""


@dataclass
class RecomputeResult:
    recompute_id: str
    agency_id: str
    year: int
    rows: pl.DataFrame
    new_corrections: list[dict[str, Any]] = field(default_factory=list)
    rejected: list[dict[str, Any]] = field(default_factory=list)
    deferred: list[dict[str, Any]] = field(default_factory=list)
    declined: list[dict[str, Any]] = field(default_factory=list)  # objections the commission rejected
    rollup_before: pl.DataFrame = field(default_factory=pl.DataFrame)
    rollup_after: pl.DataFrame = field(default_factory=pl.DataFrame)
    text: str = ""


def _related(corrections: Sequence[Mapping[str, Any]], tables: Sequence[str]) -> list[Mapping[str, Any]]:
    return [c for c in corrections if c["table_name"] in tables]


def dispute_rows(
    before: Figures,
    after: Figures,
    agency: str,
    year: int,
    new_corrections: Sequence[Mapping[str, Any]],
    recompute_id: str,
    recomputed_at: dt.datetime,
    recomputed_by: str,
) -> pl.DataFrame:
    """Before/after of every indicator, direction and block of ``agency`` (DISPUTE_SCHEMA rows)."""

    definitions = all_indicators()
    sources = indicator_source_tables()
    rows: list[dict[str, Any]] = []

    def base(level: str, block: str, direction: str | None, item: str, label: str) -> dict[str, Any]:
        return {
            "recompute_id": recompute_id,
            "year": year,
            "agency_id": agency,
            "level": level,
            "block": block,
            "direction": direction,
            "item": item,
            "item_label_ru": label,
            "recomputed_at": recomputed_at,
            "recomputed_by": recomputed_by,
        }

    def with_corrections(row: dict[str, Any], tables: Sequence[str]) -> dict[str, Any]:
        related = _related(new_corrections, tables)
        row["correction_ids"] = ", ".join(str(c["correction_id"]) for c in related) or None
        row["decision_refs"] = ", ".join(dict.fromkeys(str(c["decision_ref"]) for c in related)) or None
        return row

    def by(frame: pl.DataFrame, keys: Sequence[str]) -> dict[tuple[Any, ...], dict[str, Any]]:
        if frame.is_empty():
            return {}
        return {tuple(r[k] for k in keys): r for r in frame.iter_rows(named=True) if r["agency_id"] == agency}

    old_ind, new_ind = by(before.indicators, ["indicator"]), by(after.indicators, ["indicator"])
    for (code,) in sorted(set(old_ind) | set(new_ind)):
        a, b = old_ind.get((code,)), new_ind.get((code,))
        ref = a or b or {}
        definition = definitions.get(code)
        label = f"{definition.legal_symbol} {definition.name_ru}" if definition else code
        row = base("indicator", ref["block"], ref["direction"], code, label)
        va, vb = (a or {}).get("value"), (b or {}).get("value")
        row.update(
            value_before=va,
            value_after=vb,
            value_change=None if va is None or vb is None else vb - va,
            is_changed=value_changed(va, vb),
        )
        rows.append(with_corrections(row, sources.get(code, ())))

    old_dir, new_dir = by(before.directions, ["direction"]), by(after.directions, ["direction"])
    for (direction,) in sorted(set(old_dir) | set(new_dir)):
        a, b = old_dir.get((direction,)), new_dir.get((direction,))
        ref = a or b or {}
        row = base("direction", ref["block"], direction, direction, DIRECTION_LABELS.get(direction, direction))
        va, vb = (a or {}).get("score"), (b or {}).get("score")
        row.update(
            value_before=va,
            value_after=vb,
            value_change=None if va is None or vb is None else vb - va,
            rounded_before=(a or {}).get("score_rounded"),
            rounded_after=(b or {}).get("score_rounded"),
            is_changed=value_changed(va, vb),
        )
        rows.append(with_corrections(row, direction_source_tables(direction)))

    old_blk, new_blk = by(before.blocks, ["block"]), by(after.blocks, ["block"])
    for (block,) in sorted(set(old_blk) | set(new_blk)):
        a, b = old_blk.get((block,)) or {}, new_blk.get((block,)) or {}
        row = base("block", block, None, block, BLOCK_LABELS.get(block, block))
        va, vb = a.get("score"), b.get("score")
        row.update(
            value_before=va,
            value_after=vb,
            value_change=None if va is None or vb is None else vb - va,
            rounded_before=a.get("score_rounded"),
            rounded_after=b.get("score_rounded"),
            tier_before=a.get("efficiency_tier"),
            tier_after=b.get("efficiency_tier"),
            tier_label_before=a.get("tier_label_ru"),
            tier_label_after=b.get("tier_label_ru"),
            rank_before=a.get("rank_in_body_type"),
            rank_after=b.get("rank_in_body_type"),
            is_changed=value_changed(va, vb) or a.get("efficiency_tier") != b.get("efficiency_tier"),
        )
        tables = sorted({t for d, blk in DIRECTION_BLOCK.items() if blk == block for t in direction_source_tables(d)})
        rows.append(with_corrections(row, tables))
    return pl.DataFrame(rows, schema=DISPUTE_SCHEMA)


# ---------------------------------------------------------------------------------------
# The run
# ---------------------------------------------------------------------------------------


def trial_path(published: Path) -> Path:
    """The private copy a recompute runs on, beside the published file (same raw_files store)."""
    return published.with_name(published.stem + ".recompute" + published.suffix)


def _discard(path: Path) -> None:
    for stale in (
        path,
        path.with_name(path.name + ".wal"),
        warehouse.build_path(path),
        warehouse.build_path(path).with_name(warehouse.build_path(path).name + ".wal"),
        warehouse.marker_path(path),
        warehouse.writer_lock_path(path),
    ):
        stale.unlink(missing_ok=True)


def _build_dispute_mart(trial: Path, year: int) -> None:
    """Rebuild ``marts.fct_dispute_results`` (and its tests) for ``year`` in the trial copy.

    dbt runs in a subprocess, as in the pipeline: dbt-duckdb keeps its connection open for
    the life of the process, which would pin the copy after it is published.
    """
    detail = build_models(trial, ["fct_dispute_results"], year)
    if detail:
        raise RecomputeError("dbt build of marts.fct_dispute_results failed: " + " | ".join(detail))


def _body(con: duckdb.DuckDBPyConnection, agency: str) -> dict[str, Any]:

    try:
        return resolve_body(con, agency)
    except ExplainError as problem:
        raise RecomputeError(str(problem)) from None


def _has_column(con: duckdb.DuckDBPyConnection, schema: str, table: str, column: str) -> bool:
    found = con.execute(
        "SELECT count(*) FROM information_schema.columns WHERE table_schema = ? AND table_name = ? AND column_name = ?",
        [schema, table, column],
    ).fetchone()
    return bool(found and found[0])


def _dicts(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any]) -> list[dict[str, Any]]:
    cursor = con.execute(sql, list(params))
    names = [d[0] for d in cursor.description or []]
    return [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]


class RunLauncher(Protocol):
    """The yearly run (``pipelines.launch.run_assessment``), passed in by the CLI: recompute sits below
    the orchestration layer (docs/architecture.md) and never imports it."""

    def __call__(
        self, year: int, landing_dir: Path, warehouse_path: Path, *, readings: list[str], corrections_agency: str
    ) -> Any: ...


def recompute(year: int, agency: str, landing: Path, published_path: Path, launch: RunLauncher) -> RecomputeResult:
    """Apply the drop's new corrections for ``agency``, verify, store before/after, publish."""
    published = published_path.resolve()
    if not published.exists():
        raise RecomputeError(f"Хранилище {published} не найдено: сначала выполните kzeval run --year {year}.")
    # The one writer lock of the warehouse (runs, sensor runs, the monthly reload take it too),
    # held from reading the figures before until the publication.
    with warehouse.writer_lock(published, f"kzeval recompute --year {year} --agency {agency}"):
        return _recompute_locked(year, agency, landing, published, launch)


def _recompute_locked(year: int, agency: str, landing: Path, published: Path, launch: RunLauncher) -> RecomputeResult:
    with warehouse.connect_readonly(published) as con:
        body = _body(con, agency)
        before = read_figures(con, year)
        readings = published_readings(con, year)
    body_id = str(body["agency_id"])
    if before.directions.is_empty() or body_id not in set(before.directions["agency_id"].to_list()):
        raise RecomputeError(
            f"За {year} год нет опубликованных оценок органа {body_id}: сначала выполните kzeval run --year {year}."
        )
    folder = landing / CORRECTIONS_TABLE
    if not folder.is_dir() or not any(p.is_file() for p in folder.rglob("*")):
        raise RecomputeError(f"В {folder} нет файлов корректировок (решений специальной комиссии).")

    started = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    recompute_id = f"{started:%Y%m%dT%H%M%S}-{body_id}"
    trial = trial_path(published)
    _discard(trial)
    base = warehouse.published_generation(published)  # before the copy, as a run's build records it
    shutil.copyfile(published, trial)
    try:
        with tempfile.TemporaryDirectory(prefix="kzeval-recompute-") as tmp:
            shutil.copytree(folder, Path(tmp) / CORRECTIONS_TABLE)
            run = launch(year, Path(tmp), trial, readings=readings, corrections_agency=body_id)
        if not run.success:
            raise RecomputeError("Пересчет не выполнен: " + "; ".join(run.failures))
        with duckdb.connect(str(trial), read_only=True) as con:
            after = read_figures(con, year)
            new = [
                r
                for r in _dicts(
                    con,
                    "SELECT * FROM audit.corrections_applied WHERE year = ? AND assessed_agency_id = ? "
                    "AND applied_at >= ? ORDER BY decided_on, correction_id",
                    [year, body_id, started],
                )
            ]
            rejected = _dicts(
                con,
                "SELECT q.* FROM quarantine.rows q JOIN raw.corrections c "
                "ON c._file_sha256 = q.file_sha256 AND c._row_number = q.row_number "
                "LEFT JOIN core.agencies a ON a.agency_id = c.agency_id "
                "WHERE q.table_name = ? AND starts_with(q.reason, ?) AND c.year = ? "
                "AND coalesce(a.assessed_agency_id, c.agency_id) = ? ORDER BY q.file_path, q.row_number",
                [CORRECTIONS_TABLE, REASON_PREFIX, year, body_id],
            )
            deferred = _dicts(
                con,
                "SELECT c.* FROM raw.corrections c LEFT JOIN core.agencies a ON a.agency_id = c.agency_id "
                "WHERE c.year = ? AND coalesce(a.assessed_agency_id, c.agency_id) <> ? "
                "AND c.correction_id NOT IN (SELECT correction_id FROM audit.corrections_applied) "
                "AND NOT EXISTS (SELECT 1 FROM quarantine.rows q WHERE q.table_name = ? "
                "AND q.file_sha256 = c._file_sha256 AND q.row_number = c._row_number) ORDER BY c.correction_id",
                [year, body_id, CORRECTIONS_TABLE],
            )
            declined = (
                _dicts(
                    con,
                    'SELECT c.correction_id, c.agency_id, c.decision_ref, c.decided_on, c."table", c."key", '
                    'c."column", c.new_value FROM raw.corrections c '
                    "LEFT JOIN core.agencies a ON a.agency_id = c.agency_id "
                    "WHERE c.year = ? AND coalesce(a.assessed_agency_id, c.agency_id) = ? AND c.decision = ? "
                    "ORDER BY c.decided_on, c.correction_id",
                    [year, body_id, DECISION_REJECTED],
                )
                if _has_column(con, "raw", "corrections", "decision")
                else []
            )
        moved = other_bodies_changes(before, after, body_id)
        if moved:
            shown = "\n  ".join(moved[:20])
            raise RecomputeError(
                "Изменились оценки других органов; пересчет не опубликован:\n  "
                + shown
                + ("\n  …" if len(moved) > 20 else "")
            )
        user = Settings.from_env().user
        rows = dispute_rows(before, after, body_id, year, new, recompute_id, started, user)
        with duckdb.connect(str(trial)) as con:
            ensure_dispute_tables(con)
            con.register("_dispute_rows", rows)
            try:
                con.execute("DELETE FROM core.dispute_results WHERE recompute_id = ?", [recompute_id]).fetchall()
                con.execute("INSERT INTO core.dispute_results BY NAME SELECT * FROM _dispute_rows").fetchall()
            finally:
                con.unregister("_dispute_rows")
        _build_dispute_mart(trial, year)
        try:
            warehouse.publish(published, build=trial, base=base)
        except warehouse.PublishedChanged:
            raise RecomputeError(
                "Опубликованное хранилище изменилось во время пересчета (его опубликовал другой запуск); "
                "пересчет не опубликован, решения комиссии не потеряны: повторите kzeval recompute."
            ) from None
    finally:
        _discard(trial)
    result = RecomputeResult(
        recompute_id=recompute_id,
        agency_id=body_id,
        year=year,
        rows=rows,
        new_corrections=new,
        rejected=rejected,
        deferred=deferred,
        declined=declined,
        rollup_before=before.rollup,
        rollup_after=after.rollup,
    )
    result.text = render_dispute_table(
        rows,
        body,
        new,
        rejected,
        deferred,
        before.rollup,
        after.rollup,
        rank_changes(before, after, body_id),
        declined,
    )
    _, averaged_lines = cross_body_average_moves(before, after, body_id)
    if averaged_lines:
        result.text += (
            "\n\nОценки других органов, изменившиеся через средние баллы (п. 67 методики, прим. ** к табл. 6 "
            "прил. 10: индикаторы, по которым орган не оценивается; п. 57 методики оценки организационного "
            "развития: критерии ИТ, по которым нечего оценивать, — среднее органов того же типа):\n  "
            + "\n  ".join(averaged_lines)
        )
    result.text += f"\n\nСохранено: marts.fct_dispute_results, recompute_id = '{recompute_id}'."
    return result
