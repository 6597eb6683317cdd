"""Read one landing file into a frame of text columns, whatever its format or encoding.

Detection is deliberate and narrow (spec: data-contracts.md, general rules): UTF-8 with or
without BOM, else Windows-1251; ``,`` or ``;`` delimiter from the header line; XLSX first
sheet; Parquet. Anything else raises :class:`FileRejected` naming the file.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

import polars as pl

ROW_COLUMN = "_row_number"
SUPPORTED_SUFFIXES = (".csv", ".xlsx", ".parquet")


class FileRejected(ValueError):
    """The whole file is unusable; the message names the file and the reason."""

    def __init__(self, path: Path | str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = str(path)
        self.reason = reason


@dataclass(frozen=True)
class RawFrame:
    frame: pl.DataFrame
    encoding: str | None
    delimiter: str | None


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _decode(path: Path, data: bytes) -> tuple[str, str]:
    if not data.strip():
        raise FileRejected(path, "file is empty")
    if b"\x00" in data[:4096]:
        raise FileRejected(
            path, "cannot decode: looks like UTF-16 or a binary file (expected UTF-8 or Windows-1251 CSV)"
        )
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    try:
        return data.decode("utf-8", errors="strict"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1251", errors="strict"), "cp1251"
    except UnicodeDecodeError as exc:
        raise FileRejected(path, f"cannot decode as UTF-8 or Windows-1251 (byte {exc.start})") from exc


def _delimiter(path: Path, header: str) -> str:
    commas, semicolons = header.count(","), header.count(";")
    if semicolons > commas:
        return ";"
    if commas == 0 and semicolons == 0 and "\t" in header:
        raise FileRejected(path, "tab-delimited CSV is not accepted: use ',' or ';' as the delimiter")
    return ","


def _read_csv(path: Path) -> RawFrame:
    text, encoding = _decode(path, path.read_bytes())
    header = text.splitlines()[0] if text.splitlines() else ""
    delimiter = _delimiter(path, header)
    try:
        frame = pl.read_csv(
            io.StringIO(text),
            separator=delimiter,
            infer_schema=False,
            truncate_ragged_lines=False,
        )
    except pl.exceptions.PolarsError as exc:
        raise FileRejected(path, f"malformed CSV ({type(exc).__name__}: {str(exc).splitlines()[0]})") from exc
    return RawFrame(frame, encoding, delimiter)


def _read_xlsx(path: Path) -> RawFrame:
    try:
        frame = pl.read_excel(path, sheet_id=1, infer_schema_length=0)
    except Exception as exc:
        raise FileRejected(path, f"unreadable XLSX ({type(exc).__name__})") from exc
    return RawFrame(frame.with_columns(pl.all().cast(pl.Utf8)), None, None)


def _read_parquet(path: Path) -> RawFrame:
    try:
        frame = pl.read_parquet(path)
    except Exception as exc:
        raise FileRejected(path, f"unreadable Parquet ({type(exc).__name__})") from exc
    return RawFrame(frame, None, None)


def read_landing_file(path: Path) -> RawFrame:
    """Read a landing file; add a 1-based data-row number (header is row 0 / line 1)."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise FileRejected(path, f"unsupported file type {suffix or '(none)'}; expected CSV, XLSX or Parquet")
    if path.stat().st_size == 0:
        raise FileRejected(path, "file is empty")
    if suffix == ".csv":
        raw = _read_csv(path)
    elif suffix == ".xlsx":
        raw = _read_xlsx(path)
    else:
        raw = _read_parquet(path)
    frame = raw.frame.rename({c: c.strip().lstrip("\ufeff").lower() for c in raw.frame.columns})
    if frame.height == 0:
        hint = " (XLSX: only the first sheet is read)" if suffix == ".xlsx" else ""
        raise FileRejected(path, f"file has a header but no data rows{hint}")
    frame = frame.with_row_index(ROW_COLUMN, offset=1).with_columns(pl.col(ROW_COLUMN).cast(pl.Int64))
    return RawFrame(frame, raw.encoding, raw.delimiter)
