"""Seeded randomness of the sample: one ``random.Random`` per (table, assessed body), seeded with a string (hashed with SHA-512 by Python, so independent of ``PYTHONHASHSEED``)."""

from __future__ import annotations

import math
import random
from datetime import date, timedelta


def seeded_rng(seed: int, name: str) -> random.Random:
    return random.Random(f"kzeval-sample:{seed}:{name}")


class BodyRngs:
    """One random stream per (table, assessed body): tuning one body never shifts another's figures."""

    def __init__(self, seed: int, table: str) -> None:
        self._seed = seed
        self._table = table
        self._streams: dict[str, random.Random] = {}

    def __getitem__(self, body_id: str) -> random.Random:
        if body_id not in self._streams:
            self._streams[body_id] = seeded_rng(self._seed, f"{self._table}:{body_id}")
        return self._streams[body_id]


def poisson(rng: random.Random, lam: float) -> int:
    if lam <= 0:
        return 0
    if lam > 40:
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    limit, k, p = math.exp(-lam), 0, rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k


def date_in(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randint(0, (end - start).days))


def lerp(low: float, high: float, q: float) -> float:
    """Linear in quality: ``low`` at q = 0, ``high`` at q = 1."""
    return low + (high - low) * q
