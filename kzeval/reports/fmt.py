"""Russian number formatting for report text (decimal comma, typographic minus)."""

from __future__ import annotations

import json
from typing import Any

MINUS = "−"
DASH = "—"


def num(value: float | None, decimals: int = 2) -> str:
    """``96.125`` → ``96,13``; ``-0.5`` → ``−0,50``; ``None`` → ``—`` (no negative zero)."""
    if value is None:
        return DASH
    text = f"{value:.{decimals}f}"
    if text.startswith("-"):
        text = text[1:] if float(text) == 0 else MINUS + text[1:]
    return text.replace(".", ",")


def signed(value: float | None, decimals: int = 2) -> str:
    """Change with an explicit sign: ``+1,20``, ``−0,35``, ``0,00``."""
    if value is None:
        return DASH
    text = num(value, decimals)
    return "+" + text if round(value, decimals) > 0 else text


def pct(share: float | None, decimals: int = 1) -> str:
    """A 0..1 share as a percentage: ``0.984`` → ``98,4 %``."""
    if share is None:
        return DASH
    return f"{num(share * 100, decimals)} %"


def integer(value: int | None) -> str:
    return DASH if value is None else str(value)


def compact_inputs(raw: str | None, limit: int = 400) -> str:
    """The JSON of named inputs as ``name=value; …`` (nested mappings summarised)."""
    if not raw:
        return ""
    try:
        data = json.loads(raw)
    except (TypeError, ValueError):
        return raw[:limit]
    if not isinstance(data, dict):
        return str(data)[:limit]
    parts = [f"{key}={_compact_value(value)}" for key, value in data.items()]
    text = "; ".join(parts)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _compact_value(value: Any) -> str:
    if isinstance(value, bool):
        return "да" if value else "нет"
    if isinstance(value, float):
        return f"{value:.4g}".replace(".", ",")
    if isinstance(value, dict):
        return f"{{{len(value)} знач.}}"
    if isinstance(value, list):
        return f"[{len(value)} знач.]"
    if value is None:
        return DASH
    return str(value)
