"""Direction and block scores: reporting penalties, weighted block sum, rounding and tiers.

Shared by both blocks. The numbers (per-fact penalties, cap, weights, tier edges) come from
the block's edition module through :class:`BlockScoringRules`; the interaction block reads
them from ``kzeval.methodology.interaction_2023`` (paras. 20, 107, 108 of seed 004), the
org-development block from ``org_development_2023`` once it defines the same names.

Order of operations (methodology §11): direction raw score → minus the capped reporting
penalty → floor 0 → weighted block sum of the unrounded direction scores → round half up
to 2 decimals → tier on the rounded score.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

import polars as pl

from kzeval.indicators.org_development import org_block_scoring_rules, tier_on_rounded
from kzeval.methodology.scoring_rules import BlockScoringRules, rules_for_block
from kzeval.schema import polars_schema

if TYPE_CHECKING:
    from kzeval.methodology.base import ActiveReadings

# Float noise below this many decimals is dropped before rounding half up (so a weighted sum
# that is 89.995 in decimal arithmetic but 89.99499999999 in binary still reaches 90.00).
_NOISE_DECIMALS = 9

# The frames written to core (kzeval.schema.registry declares the tables once).
DIRECTION_SCORES_SCHEMA: dict[str, Any] = polars_schema("core.direction_scores")
# The reconciliation acts' facts per body, direction, kind and act (kzeval.steps.scoring.penalty_facts);
# core.reporting_penalty_facts and marts.fct_reporting_penalty_facts add the year.
PENALTY_FACTS_SCHEMA: dict[str, Any] = polars_schema("core.reporting_penalty_facts", exclude=("year",))
BLOCK_SCORES_SCHEMA: dict[str, Any] = polars_schema("core.block_scores")


def block_scoring_rules(block: str, readings: ActiveReadings) -> BlockScoringRules:
    """The rules of ``block`` under the run's readings.

    Org development: :func:`kzeval.indicators.org_development.org_block_scoring_rules`. Every
    other block takes its edition's constants with the tier read on the rounded or the exact
    score by reading ``org.tier_rounding`` (seed 004 para. 108: «от 70 до 89,99 балла» — the
    key keeps its old name so stored labels stay valid; its scope is every block's tier).
    """
    if block == "org_development":
        return org_block_scoring_rules(readings)
    return replace(rules_for_block(block), tier_on_rounded=tier_on_rounded(readings))


def _rules(block: str | BlockScoringRules) -> BlockScoringRules:
    return block if isinstance(block, BlockScoringRules) else rules_for_block(block)


def round_half_up(value: float, decimals: int = 2) -> float:
    """Round half up in decimal arithmetic (Python's round() is half-even on binary floats).

    Float noise beyond 9 decimals is dropped first, so 89.995 → 90.0 and 4.795 → 4.8.
    """
    exact = Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-_NOISE_DECIMALS), rounding=ROUND_HALF_EVEN)
    return float(exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP))


def rate_indicator(k: float, violations: float, volume: float, scale: float) -> float:
    """``k − violations / volume × scale`` floored at 0 — the «k minus rate per N» indicators.

    Seed 004 paras. 33, 41–44, 97, 99, 102: «если полученный результат … со знаком минус … 0».
    With nothing counted in the volume the rate is undefined: k when there were no
    violations either (nothing to penalise), 0 when violations exist without volume.
    """
    if volume <= 0:
        return k if violations <= 0 else 0.0
    return max(0.0, k - violations / volume * scale)


def reporting_penalty(
    facts_by_kind: Mapping[str, float], block: str | BlockScoringRules = "interaction"
) -> tuple[float, dict[str, Any]]:
    """Penalty for unreliable/incomplete reporting of one direction, capped (seed 004 para. 20).

    Interaction: 0,2 per unreliable fact, 2 per incomplete fact, at most 5 per direction.
    Kinds without a per-fact amount in the edition (e.g. ``late`` in the interaction act)
    cost nothing and are listed under ``ignored_kinds``.
    """
    rules = _rules(block)
    points: dict[str, float] = {}
    ignored: list[str] = []
    for kind, facts in sorted(facts_by_kind.items()):
        if kind in rules.penalty_points_per_fact:
            points[kind] = float(facts) * rules.penalty_points_per_fact[kind]
        elif facts:
            ignored.append(kind)
    uncapped = sum(points.values())
    capped = min(rules.penalty_cap_per_direction, uncapped)
    details: dict[str, Any] = {
        "facts": {k: float(v) for k, v in sorted(facts_by_kind.items())},
        "points": points,
        "uncapped": uncapped,
        "cap": rules.penalty_cap_per_direction,
        "ignored_kinds": ignored,
    }
    return capped, details


def direction_score(raw: float, penalty: float) -> float:
    """Direction score after reporting penalties, floored at 0 (methodology §4, §11)."""
    return max(0.0, raw - penalty)


def weighted_block_score(
    scores_by_direction: Mapping[str, float], body_type: str, block: str | BlockScoringRules
) -> float:
    """Σ weight × direction score for the body type; every weighted direction must be present."""
    rules = _rules(block)
    weights = rules.weights[body_type]
    missing = [d for d in weights if d not in scores_by_direction]
    if missing:
        raise ValueError(f"block {rules.block}: direction score missing for {', '.join(missing)}")
    return sum(weight * scores_by_direction[d] for d, weight in weights.items())


def interaction_block_score(services: float, openness: float, appeals: float, body_type: str = "CGO") -> float:
    """Seed 004 para. 107: CGO O = 0,5·U + 0,2·D + 0,3·H; MIO A = 0,5·T + 0,2·F + 0,3·H."""
    return weighted_block_score(
        {"services": services, "openness": openness, "appeals": appeals}, body_type, "interaction"
    )


def efficiency_tier(score_rounded: float, block: str | BlockScoringRules = "interaction") -> tuple[str, str]:
    """Para. 108 tier of a score already rounded to 2 decimals: (code, Russian label)."""
    rules = _rules(block)
    for lower, code, label in rules.tier_thresholds:
        if score_rounded >= lower:
            return code, label
    return rules.tier_below


def _penalty_table(penalties: pl.DataFrame | None, year: int, rules: BlockScoringRules) -> dict[tuple[str, str], float]:
    """(agency_id, direction) → capped penalty, from the reporting_penalties landing table."""
    if penalties is None or penalties.is_empty():
        return {}
    body = "assessed_agency_id" if "assessed_agency_id" in penalties.columns else "agency_id"
    summed = (
        penalties.filter((pl.col("year") == year) & pl.col("direction").is_in(sorted(rules.directions())))
        .group_by(body, "direction", "kind")
        .agg(pl.col("facts").sum())
    )
    facts: dict[tuple[str, str], dict[str, float]] = {}
    for agency_id, direction, kind, count in summed.iter_rows():
        if agency_id is None:
            continue
        facts.setdefault((agency_id, direction), {})[kind] = float(count or 0)
    return {key: reporting_penalty(kinds, rules)[0] for key, kinds in facts.items()}


def score_directions_and_block(
    directions: pl.DataFrame,
    penalties: pl.DataFrame | None,
    bodies: pl.DataFrame,
    year: int,
    rules: BlockScoringRules | None = None,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """marts.fct_direction_scores and marts.fct_block_scores rows for one year.

    ``directions`` has the DIRECTION_SCHEMA of kzeval.indicators.common (raw scores);
    ``penalties`` is the reporting_penalties landing table (or None). With ``rules`` None,
    each block present in ``directions`` is scored by its own edition's rules. A block score
    is produced only for bodies that have every direction the block weights.
    """
    if rules is None:
        blocks = sorted(set(directions["block"].to_list())) if not directions.is_empty() else []
        parts = [score_directions_and_block(directions, penalties, bodies, year, rules_for_block(b)) for b in blocks]
        if not parts:
            return pl.DataFrame(schema=DIRECTION_SCORES_SCHEMA), pl.DataFrame(schema=BLOCK_SCORES_SCHEMA)
        return pl.concat([p[0] for p in parts]), pl.concat([p[1] for p in parts])

    body_type = dict(zip(bodies["agency_id"].to_list(), bodies["body_type"].to_list(), strict=True))
    penalty = _penalty_table(penalties, year, rules)
    rows: list[dict[str, Any]] = []
    scores: dict[str, dict[str, float]] = {}
    provisional: dict[str, bool] = {}
    own = directions.filter(pl.col("block") == rules.block).sort("agency_id", "direction")
    for record in own.iter_rows(named=True):
        agency_id, direction = record["agency_id"], record["direction"]
        pen = penalty.get((agency_id, direction), 0.0)
        score = direction_score(float(record["raw_score"]), pen)
        scores.setdefault(agency_id, {})[direction] = score
        is_provisional = bool(record.get("is_provisional") or False)
        provisional[agency_id] = provisional.get(agency_id, False) or is_provisional
        rows.append(
            {
                "year": year,
                "agency_id": agency_id,
                "block": rules.block,
                "direction": direction,
                "raw_score": float(record["raw_score"]),
                "reporting_penalty": pen,
                "score": score,
                "score_rounded": round_half_up(score, rules.decimals),
                "is_provisional": is_provisional,
            }
        )
    block_rows: list[dict[str, Any]] = []
    for agency_id in sorted(scores):
        btype = body_type.get(agency_id)
        if btype is None or btype not in rules.weights:
            continue
        if any(d not in scores[agency_id] for d in rules.weights[btype]):
            continue
        score = weighted_block_score(scores[agency_id], btype, rules)
        rounded = round_half_up(score, rules.decimals)
        code, label = efficiency_tier(rounded if rules.tier_on_rounded else score, rules)
        block_rows.append(
            {
                "year": year,
                "agency_id": agency_id,
                "block": rules.block,
                "body_type": btype,
                "score": score,
                "score_rounded": rounded,
                "efficiency_tier": code,
                "tier_label_ru": label,
                "rank_in_body_type": None,
                "is_provisional": provisional.get(agency_id, False) or rules.is_provisional,
            }
        )
    direction_scores = pl.DataFrame(rows, schema=DIRECTION_SCORES_SCHEMA)
    block_scores = pl.DataFrame(block_rows, schema=BLOCK_SCORES_SCHEMA)
    if not block_scores.is_empty():
        block_scores = block_scores.with_columns(
            pl.col("score_rounded")
            .rank(method="min", descending=True)
            .over("body_type")
            .cast(pl.Int64)
            .alias("rank_in_body_type")
        ).sort("body_type", "rank_in_body_type", "agency_id")
    return direction_scores, block_scores
