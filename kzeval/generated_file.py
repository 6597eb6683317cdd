"""Files generated from the code (docs/landing.md, dbt sources.yml): write them, or check they are current.

One command-line shape for every generator: ``python -m <module> [PATH] [--check]``; ``--check``
exits 1 without writing when the file on disk differs, so CI catches a forgotten regeneration.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path


def write_or_check(render: Callable[[], str], default_path: Path, module: str, argv: Sequence[str] | None) -> int:
    """Write ``render()`` to the path in ``argv`` (or ``default_path``); with ``--check`` compare instead."""
    args = list(sys.argv[1:] if argv is None else argv)
    check = "--check" in args
    paths = [a for a in args if a != "--check"]
    path = Path(paths[0]) if paths else default_path
    text = render()
    if check:
        current = path.read_text(encoding="utf-8") if path.exists() else ""
        if current != text:
            print(f"{path} is out of date: run python -m {module}", file=sys.stderr)
            return 1
        return 0
    path.write_text(text, encoding="utf-8")
    print(f"written {path}")
    return 0
