"""Agency hierarchy: sub-units roll up to their nearest assessed ancestor."""

from __future__ import annotations

import polars as pl
import pytest

from kzeval.agencies import HierarchyError, attach_assessed, resolve_hierarchy


def _agencies(rows: list[tuple[str, str | None, bool, str]]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "agency_id": [r[0] for r in rows],
            "parent_agency_id": [r[1] for r in rows],
            "is_assessed": [r[2] for r in rows],
            "body_type": [r[3] for r in rows],
        }
    )


def test_units_roll_up_to_nearest_assessed_ancestor():
    frame = _agencies(
        [
            ("MIO-35", None, True, "MIO"),
            ("MIO-35-D1", "MIO-35", False, "MIO"),  # district akimat
            ("MIO-35-D1-R1", "MIO-35-D1", False, "MIO"),  # rural office under the district
            ("CGO-A", None, True, "CGO"),
            ("CGO-A-K", "CGO-A", False, "CGO"),
        ]
    )
    resolved = dict(resolve_hierarchy(frame).select("agency_id", "assessed_agency_id").iter_rows())
    assert resolved == {
        "MIO-35": "MIO-35",
        "MIO-35-D1": "MIO-35",
        "MIO-35-D1-R1": "MIO-35",
        "CGO-A": "CGO-A",
        "CGO-A-K": "CGO-A",
    }


def test_cycle_is_an_error_naming_the_units():
    frame = _agencies([("A", "B", False, "CGO"), ("B", "A", False, "CGO")])
    with pytest.raises(HierarchyError, match="cycle"):
        resolve_hierarchy(frame)


def test_dangling_parent_is_an_error():
    frame = _agencies([("A", None, True, "CGO"), ("A-1", "GHOST", False, "CGO")])
    with pytest.raises(HierarchyError, match="GHOST"):
        resolve_hierarchy(frame)


def test_unit_without_assessed_ancestor_is_an_error():
    frame = _agencies([("A", None, False, "CGO")])
    with pytest.raises(HierarchyError, match="no assessed ancestor"):
        resolve_hierarchy(frame)


def test_attach_assessed_adds_body_type_of_assessed_body():
    resolved = resolve_hierarchy(_agencies([("A", None, True, "CGO"), ("A-1", "A", False, "CGO")]))
    frame = attach_assessed(pl.DataFrame({"agency_id": ["A-1", "A"], "n": [1, 2]}), resolved)
    assert frame.select("assessed_agency_id", "body_type").rows() == [("A", "CGO"), ("A", "CGO")]
