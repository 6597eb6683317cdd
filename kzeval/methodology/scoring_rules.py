"""The scoring constants of a block, read from its edition module (methodology §11).

Here, in the methodology, so that the scoring formulas (kzeval.indicators.scoring) and the
org-development readings that adjust the rules (kzeval.indicators.org_development) both import
it without importing each other.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass
from types import ModuleType

# Constant names an edition module must define to be scored by this module.
EDITION_SCORING_NAMES = (
    "BLOCK",
    "PENALTY_POINTS_PER_FACT",
    "PENALTY_CAP_PER_DIRECTION",
    "BLOCK_WEIGHTS",
    "TIER_THRESHOLDS",
    "TIER_BELOW",
    "SCORE_DECIMALS",
)
_EDITION_MODULES = (
    "kzeval.methodology.interaction_2023",
    "kzeval.methodology.org_development_2023",
)


@dataclass(frozen=True)
class BlockScoringRules:
    """The scoring constants of one block (read from its edition module)."""

    block: str
    penalty_points_per_fact: Mapping[str, float]
    penalty_cap_per_direction: float
    weights: Mapping[str, Mapping[str, float]]  # body_type → direction → weight
    tier_thresholds: tuple[tuple[float, str, str], ...]  # (lower bound inclusive, code, label_ru), descending
    tier_below: tuple[str, str]
    decimals: int = 2
    is_provisional: bool = False  # the block combination itself rests on a LOW reading
    tier_on_rounded: bool = True  # False: the tier is read on the unrounded score (reading org.tier_rounding)

    @classmethod
    def from_edition(cls, module: ModuleType) -> BlockScoringRules:
        missing = [name for name in EDITION_SCORING_NAMES if not hasattr(module, name)]
        if missing:
            raise ValueError(f"{module.__name__} does not define the scoring constants {', '.join(missing)}")
        return cls(
            block=module.BLOCK,
            penalty_points_per_fact=dict(module.PENALTY_POINTS_PER_FACT),
            penalty_cap_per_direction=float(module.PENALTY_CAP_PER_DIRECTION),
            weights={bt: dict(w) for bt, w in module.BLOCK_WEIGHTS.items()},
            tier_thresholds=tuple(module.TIER_THRESHOLDS),
            tier_below=(str(module.TIER_BELOW[0]), str(module.TIER_BELOW[1])),
            decimals=int(module.SCORE_DECIMALS),
        )

    def directions(self) -> set[str]:
        return {d for w in self.weights.values() for d in w}


def rules_for_block(block: str) -> BlockScoringRules:
    """Scoring rules of a block, from the edition module whose ``BLOCK`` is ``block``."""
    for name in _EDITION_MODULES:
        module = importlib.import_module(name)
        if getattr(module, "BLOCK", None) == block:
            return BlockScoringRules.from_edition(module)
    raise ValueError(f"no edition module defines block {block!r}")
