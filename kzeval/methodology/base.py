"""Building blocks of a methodology edition: indicator definitions and named readings.

The legal texts lost several formula images; where the spec offers more than one
reconstruction, the choice is a *reading* held in configuration (never an ``if`` in a
formula module), recorded with every score it produced.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Literal

BodyType = Literal["CGO", "MIO"]
Confidence = Literal["IN_SEED", "VERIFIED", "HIGH", "MEDIUM", "LOW"]
Role = Literal["indicator", "criterion", "detail"]


@dataclass(frozen=True)
class IndicatorDef:
    """One row of methodology §10: a canonical code and where it comes from.

    ``max_cgo``/``max_mio`` are None where the indicator does not apply to that body type;
    penalties carry their cap as a negative number.
    """

    code: str
    block: str
    direction: str
    legal_symbol: str
    paragraph: str
    name_ru: str
    max_cgo: float | None
    max_mio: float | None
    formula: str
    confidence: Confidence
    role: Role = "indicator"
    # The landing tables its value is computed from: lineage (core.indicator_sources), explain,
    # recompute's corrections scope, and whether a drop lets the indicator be computed at all.
    # A composed figure (a criterion, N) reads its components' tables (compose_source_tables).
    source_tables: tuple[str, ...] = ()

    def max_for(self, body_type: str) -> float | None:
        return self.max_cgo if body_type == "CGO" else self.max_mio


def compose_source_tables(
    indicators: Iterable[IndicatorDef], components: Mapping[str, Iterable[str]]
) -> tuple[IndicatorDef, ...]:
    """``indicators`` with each composed code's ``source_tables`` the union of its components' tables."""
    by_code = {d.code: d for d in indicators}

    def tables(code: str) -> set[str]:
        if code in components:
            return {t for part in components[code] for t in tables(part)}
        return set(by_code[code].source_tables)

    return tuple(
        replace(d, source_tables=tuple(sorted(tables(d.code)))) if d.code in components else d for d in by_code.values()
    )


@dataclass(frozen=True)
class ReadingDef:
    """A formula the legal text leaves open: its named options and the default."""

    key: str
    options: Mapping[str, str]
    default: str
    confidence: Confidence
    paragraph: str
    question: str = ""
    # The seed's own deciding words (Russian, quoted verbatim), shown by `kzeval readings`.
    legal_text: str = ""

    def __post_init__(self) -> None:
        if self.default not in self.options:
            raise ValueError(f"reading {self.key}: default {self.default!r} not among options")


@dataclass(frozen=True)
class ActiveReadings:
    """The readings in force for one run: defaults overridden by the user's choices."""

    definitions: Mapping[str, ReadingDef]
    overrides: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for key, value in self.overrides.items():
            if key not in self.definitions:
                known = ", ".join(sorted(self.definitions))
                raise ValueError(f"unknown reading {key!r}; known readings: {known}")
            if value not in self.definitions[key].options:
                opts = ", ".join(self.definitions[key].options)
                raise ValueError(f"reading {key}: {value!r} is not one of: {opts}")

    def value(self, key: str) -> str:
        if key in self.overrides:
            return self.overrides[key]
        return self.definitions[key].default

    def label(self, keys: Iterable[str]) -> str:
        """``key=value`` list stored with a score, e.g. ``svc.automation_degree=a``."""
        parts = [f"{k}={self.value(k)}" for k in sorted(set(keys))]
        return ";".join(parts) if parts else "default"

    def is_provisional(self, keys: Iterable[str]) -> bool:
        return any(self.definitions[k].confidence == "LOW" for k in keys)

    def as_dict(self) -> dict[str, str]:
        return {k: self.value(k) for k in sorted(self.definitions)}


def parse_reading_overrides(items: Iterable[str]) -> dict[str, str]:
    """Parse ``NAME=VALUE`` strings from the command line."""
    result: dict[str, str] = {}
    for item in items:
        if "=" not in item:
            raise ValueError(f"reading {item!r} must look like NAME=VALUE")
        key, value = item.split("=", 1)
        result[key.strip()] = value.strip()
    return result
