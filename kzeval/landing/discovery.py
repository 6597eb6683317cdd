"""What a landing drop holds: the files of each table folder and what a run does not load.

Also the check made before any landing starts: a drop delivering IINs needs a usable
pseudonym key (:func:`pseudonym_key_problem`).
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterable
from pathlib import Path

import polars as pl

from kzeval import pseudonym
from kzeval.contracts import CONTRACTS
from kzeval.landing.reader import SUPPORTED_SUFFIXES
from kzeval.settings import Settings


def discover(landing_dir: Path) -> dict[str, list[Path]]:
    """Landing files per table folder; unknown folders are reported, not guessed (see :func:`ignored_entries`)."""
    found: dict[str, list[Path]] = {}
    if not landing_dir.exists():
        return found
    for folder in sorted(p for p in landing_dir.iterdir() if p.is_dir() and not p.is_symlink()):
        if not folder.name.startswith("."):
            found[folder.name] = files_of(folder)
    return found


def _walk(folder: Path) -> Iterable[tuple[Path, bool]]:
    """Every entry under ``folder`` (path, is a symbolic link); links are never followed."""
    for root, dirs, files in os.walk(folder, followlinks=False):
        base = Path(root)
        for name in sorted(dirs):
            if (base / name).is_symlink():
                yield base / name, True
        for name in sorted(files):
            yield base / name, (base / name).is_symlink()


def files_of(folder: Path) -> list[Path]:
    """Regular files of a table folder (sub-folders too): no hidden file, no symbolic link, no link's target."""
    return sorted(
        p
        for p, link in _walk(folder)
        if not link and p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    )


def ignored_entries(landing_dir: Path) -> list[tuple[str, str, str]]:
    """What a run does not load, each with the reason: (table folder or "", path in the drop, message).

    Hidden files and folders, symbolic links (refused, never followed: a link could read any
    file of the machine), files at the drop root (also one named after a table), folders that
    are no landing table (a misspelt ``apeals/``, with the likely table named).
    """
    entries: list[tuple[str, str, str]] = []
    if not landing_dir.is_dir():
        return entries

    def add(table: str, path: Path, reason: str) -> None:
        relative = path.relative_to(landing_dir).as_posix()
        entries.append((table, relative, f"{relative}: {reason}"))

    for entry in sorted(landing_dir.iterdir()):
        name = entry.name
        if entry.is_symlink():
            add("", entry, "symbolic link refused: links are not followed (copy the file into the drop)")
        elif name.startswith("."):
            add("", entry, "hidden file or folder: not loaded")
        elif entry.is_file():
            stem = name.split(".", 1)[0].strip().lower()
            if stem in CONTRACTS:
                add("", entry, f"file at the drop root named after the table {stem!r}: not loaded; put it in {stem}/")
            else:
                add("", entry, "file at the drop root: not loaded (files are loaded from <table>/ folders only)")
        elif entry.is_dir() and name not in CONTRACTS:
            close = difflib.get_close_matches(name.lower(), list(CONTRACTS), n=1, cutoff=0.75)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            add(name, entry, f"folder is not a landing table: its files are not loaded{hint}")
        elif entry.is_dir():
            hidden: set[Path] = set()
            for path, link in _walk(entry):
                parts = path.relative_to(entry).parts
                first_hidden = next((i for i, part in enumerate(parts) if part.startswith(".")), None)
                if first_hidden is not None:  # a hidden file, or the hidden folder holding it (named once)
                    hidden.add(entry.joinpath(*parts[: first_hidden + 1]))
                elif link:
                    add(name, path, "symbolic link refused: links are not followed (copy the file into the drop)")
            for path in sorted(hidden):
                add(name, path, "hidden file or folder: not loaded")
    return entries


def _header_columns(path: Path) -> list[str]:
    """The column names of a landing file, read cheaply (CSV: its first line; Parquet: its schema)."""
    suffix = path.suffix.lower()
    try:
        if suffix == ".parquet":
            return [c.strip().lower() for c in pl.read_parquet_schema(path)]
        if suffix == ".xlsx":
            return [c.strip().lower() for c in pl.read_excel(path, sheet_id=1, infer_schema_length=0).columns]
        with path.open("rb") as handle:
            head = handle.read(1 << 16).split(b"\n", 1)[0]
    except Exception:  # unreadable: the load names the reason
        return []
    text = head.decode("utf-8", errors="ignore") if head.isascii() or _utf8(head) else head.decode("cp1251", "ignore")
    text = text.lstrip("\ufeff").rstrip("\r")
    delimiter = ";" if text.count(";") > text.count(",") else ","
    return [c.strip().strip('"').lower() for c in text.split(delimiter)]


def _utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def pseudonym_key_problem(landing_dir: Path) -> str | None:
    """One line saying why landing cannot start for want of a pseudonym key, else None.

    Checked before any landing starts (issue 16 item 3): a key that is set must be usable;
    without one, a drop delivering IINs (an ``iin`` or ``ИИН`` column) cannot be landed. Only
    headers are read. IIN-shaped values found later elsewhere in a file without a key reject
    that file with the reason.
    """
    try:
        pseudonym.load_pseudonym_key()
        return None
    except pseudonym.PseudonymKeyError as exc:
        if Settings.from_env().has_pseudonym_key:
            return str(exc)
        reason = str(exc)
    for table, paths in discover(landing_dir).items():
        if table not in CONTRACTS:
            continue
        for path in paths:
            if path.suffix.lower() in SUPPORTED_SUFFIXES and pseudonym.IIN_ALIASES & set(_header_columns(path)):
                relative = path.relative_to(landing_dir).as_posix()
                return f"{relative} holds IINs, which are replaced by keyed pseudonyms on landing: {reason}"
    return None
