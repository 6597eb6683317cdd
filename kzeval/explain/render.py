"""Pure text rendering for `kzeval explain`: numbers, formulas with their inputs filled in, readings, fields and tables."""

from __future__ import annotations

import datetime as dt
import math
import re
import textwrap
from collections.abc import Mapping, Sequence
from typing import Any

from kzeval.explain.labels import BODY_TYPE_LABELS
from kzeval.methodology import all_readings

_IDENTIFIER = re.compile(r"(?<![\w.])([A-Za-z_][A-Za-z0-9_]*)(?![\w(])")
_OPTION = re.compile(r"^\s*([a-z0-9_]+):\s+(.*)$", re.S)


def format_number(value: Any, decimals: int = 4) -> str:
    """A readable number: integers without decimals, others with up to ``decimals`` places."""
    if value is None:
        return "нет"
    if isinstance(value, bool):
        return "да" if value else "нет"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            return "нет"
        if value.is_integer():
            return str(int(value))
        text = f"{value:.{decimals}f}".rstrip("0").rstrip(".")
        return text if text not in ("0", "-0") else f"{value:.2g}"
    return str(value)


def reading_values(reading: str | None) -> dict[str, str]:
    """``key=value;key=value`` (the stored ``reading`` column) as a mapping."""
    result: dict[str, str] = {}
    for part in (reading or "").split(";"):
        if "=" in part:
            key, value = part.split("=", 1)
            result[key.strip()] = value.strip()
    return result


def select_reading_variant(template: str, reading: str | None) -> str:
    """The part of a template written as ``option: formula; option: formula`` that the reading selects.

    Parts without an ``option:`` prefix continue the preceding option (``min25: base = …; 25 if …``).
    A template without options, or whose options the reading does not name, is returned whole.
    """
    options = set(reading_values(reading).values())
    variants: list[tuple[str | None, list[str]]] = []
    for part in template.split("; "):
        found = _OPTION.match(part)
        if found:
            variants.append((found.group(1), [found.group(2)]))
        elif variants:
            variants[-1][1].append(part)
        else:
            variants.append((None, [part]))
    for option, parts in variants:
        if option is not None and option in options:
            return "; ".join(parts)
    return template


def _scalar_inputs(inputs: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in inputs.items() if v is None or isinstance(v, int | float)}


def formula_symbols(inputs: Mapping[str, Any], symbol_of_code: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Names usable in a formula: the scalar inputs, plus legal symbols of component codes
    (a criterion's inputs are keyed by indicator code, its formula by symbol: ``V`` = hr_exit_interview)."""
    symbols = _scalar_inputs(inputs)
    for key, value in list(symbols.items()):
        symbol = (symbol_of_code or {}).get(key)
        if symbol and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", symbol) and symbol not in symbols:
            symbols[symbol] = value
    return symbols


def render_formula(template: str, inputs: Mapping[str, Any], symbol_of_code: Mapping[str, str] | None = None) -> str:
    """The formula with every named input replaced by its value; function names are kept.

    A name that is not an input but the suffix of exactly one input (``kk`` → ``points_kk``) is
    filled in too; unknown names stay as written.
    """
    symbols = formula_symbols(inputs, symbol_of_code)

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in symbols:
            return format_number(symbols[name])
        suffixed = [k for k in symbols if k.endswith(f"_{name}")]
        if len(suffixed) == 1:
            return format_number(symbols[suffixed[0]])
        return name

    return _IDENTIFIER.sub(replace, template)


def formula_lines(
    template: str,
    inputs: Mapping[str, Any],
    value: float | None,
    reading: str | None,
    symbol_of_code: Mapping[str, str] | None = None,
) -> tuple[str, str]:
    """(formula as in the methodology for the active reading, the same with numbers ``= value``)."""
    chosen = select_reading_variant(template, reading)
    filled = render_formula(chosen, inputs, symbol_of_code)
    return chosen, f"{filled} = {format_number(value)}"


# ---------------------------------------------------------------------------------------
# Text layout
# ---------------------------------------------------------------------------------------


def field_line(label: str, value: str, width: int = 22) -> str:
    lines = textwrap.wrap(value, 96) or [""]
    pad = " " * (width + 2)
    return "\n".join([f"{label:<{width}}  {lines[0]}", *[pad + line for line in lines[1:]]])


def text_table(headers: Sequence[str], rows: Sequence[Sequence[Any]], indent: str = "  ") -> str:
    cells = [[str(c) for c in headers], *[[format_number(c) if not isinstance(c, str) else c for c in r] for r in rows]]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    lines = [indent + "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in cells]
    lines.insert(1, indent + "  ".join("─" * w for w in widths))
    return "\n".join(lines)


def date_text(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return value.strftime("%d.%m.%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d.%m.%Y")
    return "" if value is None else str(value)


def reading_text(reading: str | None) -> str:

    values = reading_values(reading)
    if not values:
        return "по умолчанию (формула не имеет вариантов прочтения)"
    definitions = all_readings()
    parts = []
    for key, value in values.items():
        definition = definitions.get(key)
        if definition is None:
            parts.append(f"{key}={value}")
            continue
        default = " (по умолчанию)" if value == definition.default else ""
        parts.append(
            f"{key}={value}{default}: {definition.options.get(value, '')} "
            f"[уверенность {definition.confidence}, п. {definition.paragraph}]"
        )
    return "; ".join(parts)


def paragraph_ref(paragraph: str) -> str:
    """«п. 97 методики» for a paragraph number; references such as «base act §4» as written."""
    return f"п. {paragraph} методики" if paragraph[:1].isdigit() else f"методика: {paragraph}"


def body_title(body: Mapping[str, Any]) -> str:
    kind = BODY_TYPE_LABELS.get(body["body_type"], body["body_type"])
    title = f"{body['name_ru']} ({body['agency_id']}), {kind}"
    if body.get("requested") and body["requested"] != body["agency_id"]:
        title += f"; запрошено подразделение {body['requested']}, его данные учитываются в оценке этого органа"
    return title
