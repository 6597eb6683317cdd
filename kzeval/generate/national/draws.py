"""Counter-based randomness (vectorised): SplitMix64 of (stream, row key) as polars integer arithmetic.

It depends neither on the thread count nor on the polars version's internal hash, so the same
seed gives the same drop byte for byte.
"""

from __future__ import annotations

import hashlib
import math
import random
from collections.abc import Sequence

import polars as pl

_U64 = pl.UInt64
_GOLDEN = 0x9E3779B97F4A7C15
_MASK = (1 << 64) - 1
_TWO53 = float(1 << 53)


def stable_u64(*parts: object) -> int:
    """A 64-bit integer from any parts (SHA-256; independent of PYTHONHASHSEED and versions)."""
    text = "kzeval-national:" + ":".join(str(p) for p in parts)
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "little")


def _splitmix(expr: pl.Expr) -> pl.Expr:
    """SplitMix64 finaliser in wrapping UInt64 arithmetic (polars wraps on overflow)."""
    z = expr
    z = z.xor(z // (1 << 30)) * pl.lit(0xBF58476D1CE4E5B9, dtype=_U64)
    z = z.xor(z // (1 << 27)) * pl.lit(0x94D049BB133111EB, dtype=_U64)
    return z.xor(z // (1 << 31))


class CounterRandom:
    """Uniforms per row: ``u(draw)`` = SplitMix64(key × γ + stream(seed, table, draw)) / 2⁶⁴."""

    def __init__(self, seed: int, table: str, key: str = "_k") -> None:
        self.seed = seed
        self.table = table
        self.key = key

    def bits(self, draw: int | str) -> pl.Expr:
        stream = stable_u64(self.seed, self.table, draw)
        key = pl.col(self.key).cast(_U64)
        return _splitmix(key * pl.lit(_GOLDEN, dtype=_U64) + pl.lit(stream, dtype=_U64))

    def u(self, draw: int | str) -> pl.Expr:
        """Uniform in [0, 1)."""
        return (self.bits(draw) // (1 << 11)).cast(pl.Float64) / _TWO53

    def normal(self, draw: int | str) -> pl.Expr:
        """Standard normal (Box–Muller)."""
        u1 = self.u(f"{draw}.1").clip(1e-12, 1.0)
        u2 = self.u(f"{draw}.2")
        return (-2.0 * u1.log()).sqrt() * (2.0 * math.pi * u2).cos()

    def int_between(self, draw: int | str, low: pl.Expr | int, high: pl.Expr | int) -> pl.Expr:
        """Integer uniform in [low, high]."""
        lo = low if isinstance(low, pl.Expr) else pl.lit(low)
        hi = high if isinstance(high, pl.Expr) else pl.lit(high)
        return (lo + (self.u(draw) * (hi - lo + 1)).floor()).cast(pl.Int64)

    def choice(self, draw: int | str, options: Sequence[str], weights: Sequence[float]) -> pl.Expr:
        """One of ``options`` with the given weights."""
        total = float(sum(weights))
        u = self.u(draw)
        expr: pl.Expr = pl.lit(options[-1])
        cumulative = 0.0
        bounds = []
        for option, weight in zip(options, weights, strict=True):
            cumulative += weight / total
            bounds.append((option, cumulative))
        for option, bound in reversed(bounds[:-1]):
            expr = pl.when(u < bound).then(pl.lit(option)).otherwise(expr)
        return expr


def with_key(frame: pl.DataFrame, key: str = "_k") -> pl.DataFrame:
    return frame.with_row_index(key).with_columns(pl.col(key).cast(pl.Int64))


def poisson_column(
    frame: pl.DataFrame, lam: str, rnd: CounterRandom, draw: str, out: str, max_k: int = 24
) -> pl.DataFrame:
    """Poisson(lam) counts: inverse CDF for lam ≤ 12, normal approximation above."""
    u = rnd.u(draw)
    frame = frame.with_columns(
        u.alias("_pu"),
        (-pl.col(lam)).exp().alias("_pp"),
        pl.lit(0, dtype=pl.Int64).alias("_pk"),
    ).with_columns(pl.col("_pp").alias("_pf"))
    for k in range(max_k):
        frame = frame.with_columns(
            (pl.col("_pk") + (pl.col("_pu") > pl.col("_pf")).cast(pl.Int64)).alias("_pk"),
            (pl.col("_pp") * pl.col(lam) / (k + 1)).alias("_pp"),
        ).with_columns((pl.col("_pf") + pl.col("_pp")).alias("_pf"))
    approx = (pl.col(lam) + pl.col(lam).sqrt() * rnd.normal(f"{draw}.n")).round().clip(0).cast(pl.Int64)
    return frame.with_columns(pl.when(pl.col(lam) > 12).then(approx).otherwise(pl.col("_pk")).alias(out)).drop(
        "_pu", "_pp", "_pk", "_pf"
    )


def lerp_expr(low: float, high: float, q: pl.Expr) -> pl.Expr:
    return low + (high - low) * q


def small_poisson(rng: random.Random, lam: float) -> int:
    if lam <= 0:
        return 0
    limit, k, p = math.exp(-lam), 0, rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k
