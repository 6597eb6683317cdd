"""CSV writing of the sample in contract column order, and the turnstile's timestamp text."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from kzeval.contracts import CONTRACTS


def _fmt(value: Any) -> str:
    if type(value) is str:
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(round(value, 4))
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def write_csv(path: Path, table: str, rows: Iterable[Sequence[Any]], preformatted: bool = False) -> int:
    """Write rows in contract column order; returns the row count.

    ``preformatted`` rows hold strings only (the turnstile events) and skip value formatting.
    """
    columns = CONTRACTS[table].column_names
    path.parent.mkdir(parents=True, exist_ok=True)
    n = 0
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(columns)
        if preformatted:
            materialised = list(rows)
            writer.writerows(materialised)
            return len(materialised)
        for row in rows:
            if len(row) != len(columns):
                raise ValueError(f"{table}: row has {len(row)} values, contract has {len(columns)} columns")
            writer.writerow([_fmt(v) for v in row])
            n += 1
    return n


_CLOCK = [f"T{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}" for s in range(86400)]


def timestamp_text(day: date, second: int) -> str:
    """ISO local timestamp; seconds past 24:00 belong to the next calendar day."""
    if second >= 86400:
        day, second = day + timedelta(days=1), second - 86400
    return day.isoformat() + _CLOCK[second]
