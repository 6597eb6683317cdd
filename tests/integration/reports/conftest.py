"""The report tests read the hand-made marts warehouse of tests/support/marts.py."""

from tests.support.marts import make_warehouse, snapshot, warehouse

__all__ = ["make_warehouse", "snapshot", "warehouse"]
