"""Read one landing file into a frame of text columns, whatever its format or encoding.

Detection is deliberate and narrow (spec: data-contracts.md, general rules): UTF-8 with or
without BOM, else Windows-1251; ``,`` or ``;`` delimiter from the header line; XLSX first
sheet; Parquet. Anything else raises :class:`FileRejected` naming the file.

A CSV whose last line is cut short (fewer fields than the header, or an unterminated quote,
with no line break after it) is *truncated* and rejected whole: the rest of the data is
missing, and loading the part that arrived would silently understate every figure. A short
line elsewhere is a bad row (:attr:`RawFrame.short_rows`), quarantined by the loader.
"""

from __future__ import annotations

import csv
import errno
import hashlib
import io
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

ROW_COLUMN = "_row_number"
SUPPORTED_SUFFIXES = (".csv", ".xlsx", ".parquet")
SHORT_ROW_SCHEMA = {ROW_COLUMN: pl.Int64, "fields": pl.Int64}


class FileRejected(ValueError):
    """The whole file is unusable; the message names the file and the reason."""

    def __init__(self, path: Path | str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = str(path)
        self.reason = reason


@dataclass(frozen=True)
class RawFrame:
    """Text columns (CSV/XLSX) or the file's own types (Parquet), with a 1-based ``_row_number``.

    ``short_rows``: CSV data rows with fewer fields than the header (row number, field count).
    ``header_fields``: number of header columns (for the short-row message).
    """

    frame: pl.DataFrame
    encoding: str | None
    delimiter: str | None
    short_rows: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=SHORT_ROW_SCHEMA))
    header_fields: int = 0


def disk_full(exc: BaseException) -> bool:
    """True when ``exc`` (an OSError, or DuckDB's wrapped one) says the disk is full."""
    for error in (exc, exc.__cause__, exc.__context__):
        if isinstance(error, OSError) and error.errno in (errno.ENOSPC, errno.EDQUOT):
            return True
        if error is not None and ("No space left on device" in str(error) or "Disk quota exceeded" in str(error)):
            return True
    return False


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _decode(path: Path, data: bytes) -> tuple[str, str]:
    if not data.strip():
        raise FileRejected(path, "file is empty")
    # UTF-16 (a BOM, or a NUL in every other byte) or binary; a stray NUL in a value is not: that
    # row is quarantined for its control character (loader), wherever in the file it is.
    sample = data[:4096]
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or sample.count(b"\x00") * 8 > len(sample):
        raise FileRejected(
            path, "cannot decode: looks like UTF-16 or a binary file (expected UTF-8 or Windows-1251 CSV)"
        )
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise FileRejected(
                path, f"starts with a UTF-8 byte-order mark but is not valid UTF-8 (byte {exc.start + 3})"
            ) from exc
    try:
        return data.decode("utf-8", errors="strict"), "utf-8"
    except UnicodeDecodeError as exc:
        prefix = data[: exc.start]
        if any(b >= 0x80 for b in prefix):
            # Valid multi-byte UTF-8 before the bad byte: a UTF-8 file with foreign bytes pasted in.
            # Decoding it all as Windows-1251 would turn every Cyrillic letter into mojibake.
            raise FileRejected(
                path,
                f"mixed encodings: valid UTF-8 up to byte {exc.start}, then a byte that is not UTF-8 "
                "(save the whole file as UTF-8 or as Windows-1251)",
            ) from exc
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


def _field_counts(text: str, delimiter: str) -> pl.Series:
    """Fields per data line (header excluded); 0 for a blank line. Quotes respected (slower path)."""
    if '"' not in text:
        lines = pl.Series("line", [text]).str.split("\n").explode()
        if text.endswith("\n"):
            lines = lines.head(lines.len() - 1)
        return (
            lines.slice(1)
            .to_frame()
            .select(
                pl.when(pl.col("line").str.strip_chars() == "")
                .then(0)
                .otherwise(pl.col("line").str.count_matches(delimiter, literal=True) + 1)
                .cast(pl.Int64)
            )
            .to_series()
        )
    records = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    next(records, None)
    counts = [len(r) if any(f.strip() for f in r) or len(r) > 1 else 0 for r in records]
    return pl.Series("line", counts, dtype=pl.Int64)


def _read_csv(path: Path) -> RawFrame:
    text, encoding = _decode(path, path.read_bytes())
    header = text.split("\n", 1)[0].rstrip("\r")
    delimiter = _delimiter(path, header)
    header_fields = next(csv.reader([header], delimiter=delimiter), [])
    _reject_duplicated_columns(path, header_fields)
    n_header = len(header_fields)
    if not text.endswith(("\n", "\r")):
        last_line = text.rsplit("\n", 1)[-1]
        if last_line.count('"') % 2 == 1:
            raise FileRejected(
                path, "truncated: the last line opens a quoted field that is never closed and has no line break"
            )
    try:
        counts = _field_counts(text, delimiter)
    except csv.Error as exc:
        raise FileRejected(path, f"malformed CSV ({exc})") from exc
    last = int(counts[-1]) if counts.len() else 0
    if not text.endswith(("\n", "\r")) and 0 < last < n_header:
        raise FileRejected(
            path,
            f"truncated: the last line (data row {counts.len()}) has {last} of {n_header} fields and no line "
            "break; the file was cut off, resend the complete file",
        )
    try:
        frame = pl.read_csv(
            io.StringIO(text),
            separator=delimiter,
            infer_schema=False,
            truncate_ragged_lines=False,
        )
    except pl.exceptions.PolarsError as exc:
        raise FileRejected(path, f"malformed CSV ({type(exc).__name__}: {str(exc).splitlines()[0]})") from exc
    short_rows = (
        counts.to_frame("fields")
        .with_row_index(ROW_COLUMN, offset=1)
        .filter((pl.col("fields") > 0) & (pl.col("fields") < n_header))
        .select(pl.col(ROW_COLUMN).cast(pl.Int64), pl.col("fields"))
    )
    return RawFrame(frame, encoding, delimiter, short_rows, n_header)


def _read_xlsx(path: Path) -> RawFrame:
    try:
        frame = pl.read_excel(path, sheet_id=1, infer_schema_length=0)
    except Exception as exc:
        raise FileRejected(path, f"unreadable XLSX ({type(exc).__name__})") from exc
    return RawFrame(frame.with_columns(pl.all().cast(pl.Utf8)), None, None)


def xlsx_sheet_with_columns(path: Path, required: list[str]) -> str | None:
    """Name of a sheet other than the first whose header holds every required column (for the message)."""
    try:
        sheets = pl.read_excel(path, sheet_id=0, infer_schema_length=0)
    except Exception:
        return None
    for position, (name, frame) in enumerate(sheets.items()):
        header = {c.strip().lower() for c in frame.columns}
        if position > 0 and all(c in header for c in required):
            return str(name)
    return None


def _read_parquet(path: Path) -> RawFrame:
    try:
        frame = pl.read_parquet(path)
    except Exception as exc:
        raise FileRejected(path, f"unreadable Parquet ({type(exc).__name__})") from exc
    return RawFrame(frame, None, None)


def _blank(frame: pl.DataFrame) -> pl.Expr:
    """True for a row with no value in any column (a blank line in a CSV, an empty sheet row)."""
    columns = [c for c in frame.columns if c != ROW_COLUMN]
    if not columns:
        return pl.lit(True)
    return pl.all_horizontal([pl.col(c).is_null() | (pl.col(c).cast(pl.Utf8).str.strip_chars() == "") for c in columns])


def _xlsx_header(path: Path) -> list[str]:
    """The header row (row 1) of the first sheet, as written."""
    try:
        import openpyxl  # lazy: only a workbook delivery needs it, and it is slow to import

        book = openpyxl.load_workbook(path, read_only=True)
        try:
            row = next(book.worksheets[0].iter_rows(min_row=1, max_row=1, values_only=True), ())
        finally:
            book.close()
    except Exception:  # the frame was read: a header we cannot re-read is not a reason to reject
        return []
    return [str(v) for v in row if v is not None]


def _reject_duplicated_columns(path: Path, columns: list[str]) -> None:
    """A header naming one column twice (also differing only in case or blanks) is ambiguous: reject the file."""
    positions: dict[str, list[int]] = {}
    for position, column in enumerate(columns, start=1):
        positions.setdefault(column.strip().lstrip("\ufeff").lower(), []).append(position)
    repeated = {name: where for name, where in positions.items() if len(where) > 1 and name}
    if repeated:
        listed = "; ".join(
            f"{name!r} in columns {', '.join(str(p) for p in where)}" for name, where in sorted(repeated.items())
        )
        raise FileRejected(path, f"duplicated column name: {listed} (which one is meant? rename or remove one)")


def read_landing_file(path: Path) -> RawFrame:
    """Read a landing file; add a 1-based data-row number (header is row 0 / line 1).

    Blank rows are dropped after numbering, so row numbers still match the file's lines.
    """
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
    if suffix == ".xlsx":  # the reader renames a repeated header cell: the sheet's own header decides
        _reject_duplicated_columns(path, _xlsx_header(path))
    _reject_duplicated_columns(path, raw.frame.columns)
    frame = raw.frame.rename({c: c.strip().lstrip("\ufeff").lower() for c in raw.frame.columns})
    frame = frame.with_row_index(ROW_COLUMN, offset=1).with_columns(pl.col(ROW_COLUMN).cast(pl.Int64))
    if suffix != ".parquet":
        frame = frame.filter(~_blank(frame))
    if frame.height == 0:
        hint = " (XLSX: only the first sheet is read)" if suffix == ".xlsx" else ""
        raise FileRejected(path, f"file has a header but no data rows{hint}")
    return RawFrame(frame, raw.encoding, raw.delimiter, raw.short_rows, raw.header_fields)


TEMPORARY_SUFFIX = ".tmp"


def write_atomically(frame: pl.DataFrame, target: Path) -> None:
    """Write a Parquet file under a temporary name and rename it: a crash never leaves half a file.

    A failed write (a full disk) removes its temporary file; one left by a killed process is
    removed by :func:`remove_stale_temporaries` before the next landing.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{os.getpid()}{TEMPORARY_SUFFIX}")
    try:
        frame.write_parquet(temporary)
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def copy_atomically(source: Path, target: Path) -> None:
    """Copy a file under a temporary name and rename it (see :func:`write_atomically`)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{os.getpid()}{TEMPORARY_SUFFIX}")
    try:
        shutil.copyfile(source, temporary)
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def remove_stale_temporaries(folder: Path) -> list[Path]:
    """Remove ``.<name>.<pid>.tmp`` files of :func:`write_atomically` whose process is gone (killed mid-write)."""
    removed: list[Path] = []
    if not folder.is_dir():
        return removed
    for path in folder.glob(f".*{TEMPORARY_SUFFIX}"):
        pid_text = path.name[: -len(TEMPORARY_SUFFIX)].rsplit(".", 1)[-1]
        if pid_text.isdigit() and _process_alive(int(pid_text)) and int(pid_text) != os.getpid():
            continue
        path.unlink(missing_ok=True)
        removed.append(path)
    return removed


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
