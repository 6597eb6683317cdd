"""What every table of the national drop is built from and written with: the units frame with body qualities, the calendar, the typed writer."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl

from kzeval.contracts import CONTRACTS
from kzeval.generate.national.units import NationalUnit
from kzeval.generate.sample.profile import QUALITY, Quality
from kzeval.generate.workdays import WorkCalendar
from kzeval.landing.schemas import POLARS_TYPES


def body_qualities(units: Sequence[NationalUnit], seed: int) -> dict[str, Quality]:
    """Per assessed body: the sample's quality when it has one, else a deterministic draw."""
    out: dict[str, Quality] = {}
    for unit in units:
        if not unit.is_assessed:
            continue
        if unit.agency_id in QUALITY:
            out[unit.agency_id] = QUALITY[unit.agency_id]
            continue
        rng = random.Random(f"kzeval-national:{seed}:quality:{unit.agency_id}")
        base = rng.uniform(0.3, 0.97)
        out[unit.agency_id] = Quality(*(min(1.0, max(0.0, base + rng.uniform(-0.12, 0.12))) for _ in range(5)))
    return out


def _typed(table: str, frame: pl.DataFrame) -> pl.DataFrame:
    """Contract column order and types; sorted on the contract key for byte-identical output."""
    contract = CONTRACTS[table]
    out = frame.select([pl.col(c.name).cast(POLARS_TYPES[c.type]) for c in contract.columns])
    return out.sort(list(contract.key), nulls_last=True).rechunk()


@dataclass
class NationalContext:
    seed: int
    year: int
    fraction: float
    out: Path
    units: pl.DataFrame  # agencies + body_id, kind, quality columns
    cal: WorkCalendar
    counts: dict[str, int]

    def write(self, table: str, frame: pl.DataFrame, file: str | None = None) -> None:
        typed = _typed(table, frame)
        path = self.out / table / (file or f"{table}_{self.year}.parquet")
        path.parent.mkdir(parents=True, exist_ok=True)
        typed.write_parquet(path, compression="zstd", statistics=True, row_group_size=1_000_000)
        self.counts[table] = self.counts.get(table, 0) + typed.height

    @property
    def bodies(self) -> pl.DataFrame:
        return self.units.filter(pl.col("is_assessed"))


def units_frame(units: Sequence[NationalUnit], qualities: dict[str, Quality]) -> pl.DataFrame:
    frame = pl.DataFrame(
        [u.__dict__ for u in units],
        schema={
            "agency_id": pl.Utf8,
            "name_ru": pl.Utf8,
            "name_kk": pl.Utf8,
            "body_type": pl.Utf8,
            "parent_agency_id": pl.Utf8,
            "is_assessed": pl.Boolean,
            "region_code": pl.Utf8,
            "level": pl.Utf8,
            "workday_end": pl.Utf8,
            "body_id": pl.Utf8,
            "kind": pl.Utf8,
        },
        orient="row",
    )
    q = pl.DataFrame(
        {
            "body_id": list(qualities),
            **{
                f"q_{d}": [getattr(v, d) for v in qualities.values()]
                for d in ("services", "openness", "appeals", "hr", "it")
            },
        }
    )
    return frame.join(q, on="body_id", how="left", maintain_order="left").with_row_index("unit_no")


def active_on(day: date | pl.Expr) -> pl.Expr:
    d = day if isinstance(day, pl.Expr) else pl.lit(day)
    return (pl.col("hired_on") <= d) & (pl.col("left_on").is_null() | (pl.col("left_on") >= d))


def contract_rows(table: str, rows: list[tuple[Any, ...]]) -> pl.DataFrame:
    contract = CONTRACTS[table]
    schema = {c.name: POLARS_TYPES[c.type] for c in contract.columns}
    return pl.DataFrame(rows, schema=schema, orient="row")
