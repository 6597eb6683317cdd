"""`kzeval readings`: every named reading of every edition module, as a table.

The catalogue is built from :func:`kzeval.methodology.all_readings` (every ``READINGS`` of
every edition module), so a reading added to any module appears here, in ``core.readings``
and in ``marts.dim_readings`` without further code.
"""

from __future__ import annotations

import json
import textwrap
from typing import Any

import duckdb
import polars as pl

from kzeval import warehouse
from kzeval.methodology import all_readings
from kzeval.methodology.base import ReadingDef
from kzeval.schema import polars_schema

READINGS_SCHEMA: dict[str, Any] = polars_schema("core.readings")  # kzeval.schema.registry


def _origins() -> dict[str, tuple[str, str]]:
    """reading key → (block, edition) of the module that declares it."""
    from kzeval.methodology import EDITION_MODULES

    origins: dict[str, tuple[str, str]] = {}
    for module in EDITION_MODULES:
        block = str(getattr(module, "BLOCK", module.__name__.rsplit(".", 1)[-1].rsplit("_", 1)[0]))
        edition = str(getattr(module, "EDITION", ""))
        for definition in module.READINGS:
            origins[definition.key] = (block, edition)
    return origins


def readings_frame(definitions: dict[str, ReadingDef] | None = None) -> pl.DataFrame:
    """One row per reading and option (READINGS_SCHEMA), readings sorted by key, options as declared."""
    from kzeval.methodology import all_readings

    known = definitions if definitions is not None else all_readings()
    origins = _origins()
    rows: list[dict[str, Any]] = []
    for key in sorted(known):
        d = known[key]
        block, edition = origins.get(key, ("", ""))
        for order, (option, description) in enumerate(d.options.items(), start=1):
            rows.append(
                {
                    "reading_key": key,
                    "block": block,
                    "edition": edition,
                    "paragraph": d.paragraph,
                    "confidence": d.confidence,
                    "question": d.question or None,
                    "legal_text": d.legal_text or None,
                    "option": option,
                    "option_order": order,
                    "option_description": description,
                    "is_default": option == d.default,
                    "default_option": d.default,
                }
            )
    return pl.DataFrame(rows, schema=READINGS_SCHEMA)


def write_readings_catalogue(con: duckdb.DuckDBPyConnection) -> int:
    """Replace ``core.readings`` (source of ``marts.dim_readings``) with the catalogue of this code."""
    frame = readings_frame()
    con.execute("CREATE SCHEMA IF NOT EXISTS core").fetchall()
    con.register("_readings_catalogue", frame)
    try:
        con.execute("CREATE OR REPLACE TABLE core.readings AS SELECT * FROM _readings_catalogue").fetchall()
    finally:
        con.unregister("_readings_catalogue")
    return frame.height


def render_readings(frame: pl.DataFrame, width: int = 110) -> str:
    """The catalogue as terminal text: one paragraph per reading, its options, the default marked."""
    out: list[str] = []
    for (key,), group in frame.group_by(["reading_key"], maintain_order=True):
        first = group.row(0, named=True)
        out.append(f"{key}  [{first['confidence']}]  {first['block']} {first['edition']}, п. {first['paragraph']}")
        if first["question"]:
            out.extend(
                textwrap.wrap(f"Вопрос: {first['question']}", width, initial_indent="  ", subsequent_indent="    ")
            )
        if first["legal_text"]:
            out.extend(
                textwrap.wrap(f"Текст: «{first['legal_text']}»", width, initial_indent="  ", subsequent_indent="    ")
            )
        for row in group.sort("option_order").iter_rows(named=True):
            mark = "*" if row["is_default"] else " "
            out.extend(
                textwrap.wrap(
                    f"{mark} {row['option']}: {row['option_description']}",
                    width,
                    initial_indent="  ",
                    subsequent_indent="      ",
                )
            )
        out.append("")
    readings = frame["reading_key"].n_unique()
    low = frame.filter(pl.col("confidence") == "LOW")["reading_key"].n_unique()
    out.append(f"{readings} readings ({low} of LOW confidence); * marks the default.")
    return "\n".join(out)


def published_readings(con: duckdb.DuckDBPyConnection, year: int) -> list[str]:
    """The readings the published figures were computed with (``core.run_readings``), as NAME=VALUE.

    The rerun must use them: a default-reading rerun of a year published under another
    reading would move every body's figures.
    """
    if not warehouse.table_exists(con, "core", "run_readings"):
        return []
    known = all_readings()
    chosen: dict[str, str] = {}
    for (text,) in con.execute(
        "SELECT readings FROM core.run_readings WHERE year = ? ORDER BY block", [year]
    ).fetchall():
        for key, value in json.loads(text or "{}").items():
            if key in known and value in known[key].options and value != known[key].default:
                chosen[key] = value
    return [f"{k}={v}" for k, v in sorted(chosen.items())]
