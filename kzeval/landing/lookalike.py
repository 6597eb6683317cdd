"""Agency ids that differ only by script or case: ``CGO-A`` and ``CGО-A`` (a Cyrillic О) are one body to a reader.

An id typed with a Cyrillic letter that looks Latin (or in another case) would be accepted as
a new body and its rows scored apart. The loader warns when a new id has the same
:func:`lookalike_key` as another one (issue 16 item 8) and names the likely intended id when
such an id is unknown in another table.
"""

from __future__ import annotations

from collections.abc import Iterable

# Cyrillic (Russian and Kazakh) letters drawn like Latin ones, both cases.
_HOMOGLYPHS = str.maketrans(
    {
        "А": "A",
        "В": "B",
        "Е": "E",
        "К": "K",
        "М": "M",
        "Н": "H",
        "О": "O",
        "Р": "P",
        "С": "C",
        "Т": "T",
        "Х": "X",
        "У": "Y",
        "І": "I",
        "Ј": "J",
        "Ѕ": "S",
        "а": "a",
        "е": "e",
        "о": "o",
        "р": "p",
        "с": "c",
        "у": "y",
        "х": "x",
        "і": "i",
        "ј": "j",
        "ѕ": "s",
        "һ": "h",
    }
)


def lookalike_key(agency_id: str) -> str:
    """The id with Cyrillic lookalikes mapped to Latin letters, case-folded and trimmed."""
    return agency_id.strip().translate(_HOMOGLYPHS).casefold()


def _how(left: str, right: str) -> str:
    script = (
        left.strip().translate(_HOMOGLYPHS) != left.strip() or right.strip().translate(_HOMOGLYPHS) != right.strip()
    )
    return "script (Cyrillic/Latin lookalike letters)" if script else "case"


def lookalike_warnings(new_ids: Iterable[str], existing_ids: Iterable[str]) -> list[str]:
    """One warning per new id that differs from another id (existing or new) only by script or case."""
    existing = set(existing_ids)
    seen: dict[str, list[str]] = {}
    for agency_id in sorted(existing):
        seen.setdefault(lookalike_key(agency_id), []).append(agency_id)
    warnings = []
    for agency_id in sorted(set(new_ids) - existing):
        key = lookalike_key(agency_id)
        others = seen.get(key, [])
        if others:
            how = " or ".join(sorted({_how(agency_id, other) for other in others}))
            warnings.append(
                f"agency_id {agency_id!r} differs from {', '.join(repr(o) for o in others)} only by {how}: "
                "the same body typed twice? (loaded as a separate body)"
            )
        seen.setdefault(key, []).append(agency_id)
    return warnings


def likely_meant(unknown: str, known: Iterable[str]) -> str | None:
    """The known id an unknown one is a script or case variant of, if exactly one."""
    key = lookalike_key(unknown)
    matches = [k for k in known if lookalike_key(k) == key and k != unknown]
    return matches[0] if len(matches) == 1 else None
