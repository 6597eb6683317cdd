"""`kzeval validate`: every problem of a drop, without touching the warehouse."""

from __future__ import annotations

from pathlib import Path

from kzeval.contracts import CONTRACTS
from kzeval.landing.loader import DEFAULT_HOLD_BACK_SHARE, check_file, discover
from kzeval.landing.reader import SUPPORTED_SUFFIXES


def validate_drop(landing_dir: Path, hold_back_share: float = DEFAULT_HOLD_BACK_SHARE, echo: bool = True) -> list[str]:
    """Return (and print) one line per problem: file, row, column, value, reason."""
    problems: list[str] = []
    found = discover(landing_dir)
    if "agencies" not in found:
        problems.append(f"{landing_dir}: no `agencies` folder: the agencies table is required")
    known: set[str] | None = None
    order = sorted(found, key=lambda t: (t != "agencies", t))
    for table in order:
        if table not in CONTRACTS:
            problems.append(f"{landing_dir / table}: unknown landing table folder (expected one of the contracts)")
            continue
        for path in found[table]:
            shown = str(path.relative_to(landing_dir))
            if path.suffix.lower() not in SUPPORTED_SUFFIXES:
                problems.append(f"{shown}: unsupported file type {path.suffix or '(none)'}")
                continue
            checked = check_file(path, table, None if table == "agencies" else known, hold_back_share, shown)
            outcome = checked.outcome
            if outcome.status == "rejected":
                problems.append(outcome.message)
                continue
            problems.extend(outcome.problems)
            if outcome.status == "held_back":
                problems.append(outcome.message)
            if table == "agencies" and checked.good.height:
                known = (known or set()) | set(checked.good["agency_id"].to_list())
    if echo:
        for line in problems:
            print(line)
        print(f"{len(problems)} problem(s) in {landing_dir}")
    return problems
