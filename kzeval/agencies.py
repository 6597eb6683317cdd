"""Agency hierarchy: every unit rolls up to its nearest assessed ancestor."""

from __future__ import annotations

import polars as pl


class HierarchyError(ValueError):
    """A cycle or a dangling parent in the `agencies` table."""


def resolve_hierarchy(agencies: pl.DataFrame) -> pl.DataFrame:
    """Add ``assessed_agency_id`` and ``assessed_body_type`` to the agencies table.

    The hierarchy is small (~7k units), so a plain walk up the parent chain is clearer than
    a recursive join. Raises :class:`HierarchyError` naming the offending ``agency_id``.
    """
    parent = dict(zip(agencies["agency_id"].to_list(), agencies["parent_agency_id"].to_list(), strict=True))
    assessed = dict(zip(agencies["agency_id"].to_list(), agencies["is_assessed"].to_list(), strict=True))
    body_type = dict(zip(agencies["agency_id"].to_list(), agencies["body_type"].to_list(), strict=True))
    resolved: dict[str, str] = {}
    for start in parent:
        chain: list[str] = []
        node: str | None = start
        while node is not None and node not in resolved:
            if node in chain:
                raise HierarchyError(f"agencies: cycle in parent_agency_id through {' -> '.join([*chain, node])}")
            if node not in parent:
                raise HierarchyError(f"agencies: parent_agency_id {node!r} of {chain[-1]!r} does not exist")
            chain.append(node)
            if assessed[node]:
                break
            node = parent[node]
        if node is None:
            raise HierarchyError(
                f"agencies: unit {start!r} has no assessed ancestor (is_assessed is false up to the root)"
            )
        target = resolved.get(node, node)
        for unit in chain:
            resolved[unit] = target
    return agencies.with_columns(
        pl.col("agency_id").replace_strict(resolved, return_dtype=pl.Utf8).alias("assessed_agency_id"),
    ).with_columns(
        pl.col("assessed_agency_id").replace_strict(body_type, return_dtype=pl.Utf8).alias("assessed_body_type"),
    )


def assessed_bodies(resolved: pl.DataFrame) -> pl.DataFrame:
    """The bodies that receive scores: agency_id, body_type, name_ru, region_code."""
    return (
        resolved.filter(pl.col("is_assessed"))
        .select("agency_id", "body_type", "name_ru", "region_code")
        .sort("agency_id")
    )


def attach_assessed(frame: pl.DataFrame, resolved: pl.DataFrame, agency_column: str = "agency_id") -> pl.DataFrame:
    """Add ``assessed_agency_id`` and ``body_type`` (of the assessed body) to a landing frame."""
    lookup = resolved.select(
        pl.col("agency_id").alias(agency_column),
        "assessed_agency_id",
        pl.col("assessed_body_type").alias("body_type"),
    )
    return frame.join(lookup, on=agency_column, how="left")
