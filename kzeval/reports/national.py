"""The national report, built from a :class:`~kzeval.reports.data.Snapshot` (pure, no I/O).

The ranking per block and body type, the tier distribution, the MIO regional view and the
year-over-year movers. The summary statistics are the mart's (``marts.fct_national_rollup``).
"""

from __future__ import annotations

import polars as pl

from kzeval.reports import forms
from kzeval.reports.data import NATIONAL_REGION, Snapshot
from kzeval.reports.model import (
    DirectionStat,
    NationalReport,
    RankingRow,
    RankingTable,
    ReportError,
    RollupRow,
    median_or_none,
    opt_float,
)
from kzeval.reports.robustness import build_robustness

# ---------------------------------------------------------------------------------------
# National report
# ---------------------------------------------------------------------------------------


def _region_labels(agencies: pl.DataFrame) -> dict[str, str]:
    """KATO code → the name of the assessed MIO of that region, preferring the oblast / city akimat."""
    labels: dict[str, str] = {}
    mio = agencies.filter((pl.col("body_type") == "MIO") & pl.col("region_code").is_not_null())
    top_level = pl.col("level").is_in(["oblast", "city"]).fill_null(False)
    mio = mio.with_columns(top_level.not_().alias("_not_top")).sort("_not_top", "agency_id")
    for r in mio.iter_rows(named=True):
        labels.setdefault(str(r["region_code"]), str(r["name_ru"]))
    return labels


def _rollup_rows(frame: pl.DataFrame, labels: dict[str, str]) -> list[RollupRow]:
    rows = []
    for r in frame.iter_rows(named=True):
        code = str(r["region_code"])
        rows.append(
            RollupRow(
                block=str(r["block"]),
                body_type=str(r["body_type"]),
                region_code=code,
                region_label="Республика Казахстан" if code == NATIONAL_REGION else labels.get(code, f"Регион {code}"),
                agencies=int(r["agencies"] or 0),
                mean=opt_float(r["mean_score"]),
                median=opt_float(r["median_score"]),
                min=opt_float(r["min_score"]),
                max=opt_float(r["max_score"]),
                tiers={t: int(r[f"tier_{t}"] or 0) for t in forms.TIER_ORDER},
                previous_mean=opt_float(r["previous_mean_score"]),
                change=opt_float(r["mean_change_vs_previous_year"]),
            )
        )
    return rows


def build_national_report(snap: Snapshot) -> NationalReport:
    """The national ranking of ``snap.year`` for every block and body type present."""
    year, prev_year = snap.year, snap.previous_year
    blocks_year = snap.blocks.filter(pl.col("year") == year)
    if blocks_year.height == 0:
        raise ReportError(f"no block scores for {year} in the warehouse: run `kzeval run --year {year}` first")
    names = {str(r["agency_id"]): r for r in snap.agencies.iter_rows(named=True)}
    notes: list[str] = []
    # The summary statistics are the mart's (exact means on hundredths, rounded once): a
    # warehouse without them was not built by `kzeval run`, and the report is not guessed.
    rollup = snap.rollup.filter(pl.col("year") == year)
    if rollup.height == 0:
        raise ReportError(
            f"no national rollup for {year} in the warehouse (marts.fct_national_rollup): "
            f"run `kzeval run --year {year}` to build the marts first"
        )
    labels = _region_labels(snap.agencies)

    def sort_rows(rows: list[RollupRow]) -> list[RollupRow]:
        return sorted(
            rows,
            key=lambda r: (
                forms.ordinal_sort_key(forms.BLOCK_ORDER, r.block),
                forms.ordinal_sort_key(("CGO", "MIO"), r.body_type),
                r.region_code,
            ),
        )

    summary = sort_rows(_rollup_rows(rollup.filter(pl.col("region_code") == NATIONAL_REGION), labels))
    regions = sort_rows(
        _rollup_rows(rollup.filter((pl.col("region_code") != NATIONAL_REGION) & (pl.col("body_type") == "MIO")), labels)
    )

    prev_blocks = {
        (str(r["block"]), str(r["agency_id"])): r
        for r in snap.blocks.filter(pl.col("year") == prev_year).iter_rows(named=True)
    }
    dir_scores: dict[tuple[str, str], dict[str, float | None]] = {}
    for r in snap.directions.filter(pl.col("year") == year).iter_rows(named=True):
        dir_scores.setdefault((str(r["block"]), str(r["agency_id"])), {})[str(r["direction"])] = opt_float(
            r["score_rounded"]
        )

    rankings: list[RankingTable] = []
    keys = sorted(
        {(str(b), str(t)) for b, t in blocks_year.select("block", "body_type").iter_rows()},
        key=lambda k: (forms.ordinal_sort_key(forms.BLOCK_ORDER, k[0]), forms.ordinal_sort_key(("CGO", "MIO"), k[1])),
    )
    for block, body_type in keys:
        part = blocks_year.filter((pl.col("block") == block) & (pl.col("body_type") == body_type))
        directions = sorted(
            set(
                snap.directions.filter(
                    (pl.col("year") == year) & (pl.col("block") == block) & (pl.col("body_type") == body_type)
                )["direction"].to_list()
            ),
            key=lambda d: forms.ordinal_sort_key(forms.DIRECTION_ORDER, d),
        )
        rows = []
        for r in part.iter_rows(named=True):
            aid = str(r["agency_id"])
            info = names.get(aid)
            prev = prev_blocks.get((block, aid))
            rows.append(
                RankingRow(
                    rank=int(r["rank_in_body_type"]) if r["rank_in_body_type"] is not None else None,
                    agency_id=aid,
                    name=str(info["name_ru"]) if info else aid,
                    region_code=info["region_code"] if info else None,
                    direction_scores={d: dir_scores.get((block, aid), {}).get(d) for d in directions},
                    score=opt_float(r["score_rounded"]),
                    tier=r["efficiency_tier"],
                    tier_label=r["tier_label_ru"],
                    previous_score=opt_float(prev["score_rounded"]) if prev else None,
                    previous_rank=int(prev["rank_in_body_type"])
                    if prev and prev["rank_in_body_type"] is not None
                    else None,
                    provisional=bool(r["is_provisional"]),
                )
            )
        rows.sort(key=lambda x: (x.rank if x.rank is not None else 10**9, x.name))
        rankings.append(RankingTable(block, body_type, tuple(directions), tuple(rows)))

    stats: list[DirectionStat] = []
    d_year = snap.directions.filter(pl.col("year") == year)
    d_prev = snap.directions.filter(pl.col("year") == prev_year)
    for block, body_type, direction in sorted(
        {(str(a), str(b), str(c)) for a, b, c in d_year.select("block", "body_type", "direction").iter_rows()},
        key=lambda k: (
            forms.ordinal_sort_key(forms.BLOCK_ORDER, k[0]),
            forms.ordinal_sort_key(("CGO", "MIO"), k[1]),
            forms.ordinal_sort_key(forms.DIRECTION_ORDER, k[2]),
        ),
    ):
        sel = (pl.col("block") == block) & (pl.col("body_type") == body_type) & (pl.col("direction") == direction)
        values = [opt_float(v) for v in d_year.filter(sel)["score_rounded"].to_list()]
        present = [v for v in values if v is not None]
        stats.append(
            DirectionStat(
                block=block,
                body_type=body_type,
                direction=direction,
                agencies=len(present),
                mean=sum(present) / len(present) if present else None,
                median=median_or_none(present),
                min=min(present) if present else None,
                max=max(present) if present else None,
                previous_median=median_or_none(opt_float(v) for v in d_prev.filter(sel)["score_rounded"].to_list()),
            )
        )

    return NationalReport(
        year=year,
        summary=tuple(summary),
        rankings=tuple(rankings),
        regions=tuple(regions),
        direction_stats=tuple(stats),
        has_previous_year=snap.blocks.filter(pl.col("year") == prev_year).height > 0,
        notes=tuple(notes),
        robustness=build_robustness(
            year, snap.sensitivity, snap.blocks, {k: str(v["name_ru"]) for k, v in names.items()}
        ),
    )
