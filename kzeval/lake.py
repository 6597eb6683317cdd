"""Large tables as immutable Parquet files read through views (issue 19, docs/architecture-storage.md).

A *lake table* (every ``raw.<table>`` and ``core.overtime_daily``) keeps its rows in Parquet
*segments* under ``<warehouse folder>/lake/<schema>/<table>/``: one segment per segment key —
the delivered file's SHA-256 for ``raw`` (the ``_file_sha256`` column), the month
(``YYYY-MM`` of ``work_date``) for ``core.overtime_daily``. A segment file is written once
under a new name and never changed; the DuckDB file keeps

* ``lake.files``: the catalogue — which segment file holds each key's current rows (paths
  relative to the lake folder, so moving the warehouse folder loses nothing);
* ``lake.config``: the lake folder the views were written for;
* ``lake.deleted``: rows of catalogued raw segments (by ``_row_number``) that are no longer
  current — deletion without rewrite (:func:`delete_rows`): the view reads a segment that has
  any in a branch of its own that skips them;
* ``lake.<schema>__<table>``: an always empty table giving the table's columns and types;
* the view ``<schema>.<table>``: the shape table plus ``read_parquet([...])`` of the catalogued
  segments, named by absolute path (DuckDB resolves a relative path against the reader's
  working folder, not the database file).

Writes happen inside the caller's transaction. Rows of a key that has no segment yet are
written straight to a new segment file (:func:`insert`); a change to rows of an existing key
first copies that key's segment (its live rows) into a temporary *delta* table (:func:`touch`:
memory or DuckDB's spill folder, never the database file), the view reading the delta instead
of the segment; :func:`flush` — called before the caller's ``COMMIT`` — writes every touched
key's rows to a new segment file (replacing the key's deletions) and rewrites the catalogue
and the view. Deleting raw rows (:func:`delete_rows`) or every row of a key (:func:`drop_keys`)
and restoring deleted rows (:func:`undelete_rows`) copy nothing: they change the catalogue. A rolled-back
transaction rolls the catalogue and the view back too: the files it wrote are referenced by
nothing and ``kzeval vacuum`` removes them. The warehouse's ``os.replace`` of the small file
remains the one commit: readers see the old catalogue (whose files are still there) or the
new one.

A connection without ``lake.config`` (an in-memory database, ``kzeval validate``) keeps
native tables: every function here then does nothing and callers write the table as before.
"""

from __future__ import annotations

import datetime as dt
import os
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb

LAKE_SCHEMA = "lake"
CATALOGUE = "lake.files"
CONFIG = "lake.config"
DROPPED = "lake.dropped"  # segment files a catalogue change stopped naming, and when (for kzeval vacuum)
DELETED = "lake.deleted"  # rows of a catalogued segment that are no longer current (deletion without rewrite)
TOUCHED = "temp.main._kzeval_lake_touched"
SEGMENT_SUFFIX = ".parquet"
TOKEN_LENGTH = 12


@dataclass(frozen=True)
class LakeTable:
    """A table kept as Parquet segments: ``key_sql`` gives a row's segment key."""

    schema: str
    name: str
    key_sql: str

    @property
    def qualified(self) -> str:
        return f"{self.schema}.{self.name}"

    @property
    def shape(self) -> str:
        return f"{LAKE_SCHEMA}.{self.schema}__{self.name}"

    @property
    def delta(self) -> str:
        return f"temp.main._kzeval_delta__{self.schema}__{self.name}"

    @property
    def folder(self) -> str:
        return f"{self.schema}/{self.name}"


RAW_KEY = "_file_sha256"
ROW_NUMBER = "_row_number"  # a raw row's number in its delivered file: what a deletion names
OVERTIME_DAILY = LakeTable("core", "overtime_daily", "strftime(work_date, '%Y-%m')")


def raw_table(table: str) -> LakeTable:
    return LakeTable("raw", table, RAW_KEY)


def lake_table(qualified: str) -> LakeTable:
    schema, name = qualified.split(".", 1)
    if schema == "raw":
        return raw_table(name)
    if qualified == OVERTIME_DAILY.qualified:
        return OVERTIME_DAILY
    raise KeyError(f"{qualified} is not a lake table")


def lake_dir(published: Path) -> Path:
    """The folder of the Parquet segments: beside the DuckDB file."""
    return published.resolve().parent / "lake"


# ---------------------------------------------------------------------------------------
# Mode and catalogue
# ---------------------------------------------------------------------------------------


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[object] | None = None) -> list[tuple[object, ...]]:
    return con.execute(sql, list(params or [])).fetchall()


def root(con: duckdb.DuckDBPyConnection) -> Path | None:
    """The lake folder of this database, or None: native tables (no lake configured)."""
    found = _rows(
        con,
        "SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'lake' AND table_name = 'config' "
        "AND database_name = current_database()",
    )
    if not found or not found[0][0]:
        return None
    value = _rows(con, f"SELECT root FROM {CONFIG}")
    return Path(str(value[0][0])) if value else None


def enabled(con: duckdb.DuckDBPyConnection) -> bool:
    return root(con) is not None


def _ensure_catalogue(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {LAKE_SCHEMA}").fetchall()
    con.execute(f"CREATE TABLE IF NOT EXISTS {CONFIG} (root VARCHAR)").fetchall()
    con.execute(
        f"CREATE TABLE IF NOT EXISTS {CATALOGUE} (schema_name VARCHAR, table_name VARCHAR, segment_key VARCHAR, "
        "path VARCHAR, row_count BIGINT, written_at TIMESTAMP)"
    ).fetchall()
    con.execute(f"CREATE TABLE IF NOT EXISTS {DROPPED} (path VARCHAR, dropped_at TIMESTAMP)").fetchall()
    # tombstones: a segment's rows (by _row_number) the view skips, e.g. rows a newer extract moved to history
    con.execute(
        f"CREATE TABLE IF NOT EXISTS {DELETED} (schema_name VARCHAR, table_name VARCHAR, segment_key VARCHAR, "
        "row_number BIGINT)"
    ).fetchall()
    # set for a delivered Parquet file referenced in place (raw kept once): its path in the drop
    con.execute(f"ALTER TABLE {CATALOGUE} ADD COLUMN IF NOT EXISTS landed_path VARCHAR").fetchall()


def configure(con: duckdb.DuckDBPyConnection, folder: Path) -> bool:
    """Use ``folder`` as this database's lake; rewrites every view when it moved (relink). True if relinked."""
    _ensure_catalogue(con)
    folder = folder.resolve()
    current = _rows(con, f"SELECT root FROM {CONFIG}")
    if current and Path(str(current[0][0])) == folder:
        return False
    if not current:  # a warehouse built before the lake
        con.execute(f"INSERT INTO {CONFIG} VALUES (?)", [str(folder)]).fetchall()
        migrate_native(con)
        return False
    # normalised: a referenced delivery is ``../raw_files/…``, and lake/ may not exist (nothing written yet)
    missing = [p for p in segment_paths(con) if not Path(os.path.normpath(folder / p)).exists()]
    if missing:
        raise FileNotFoundError(
            f"the warehouse's lake files are not in {folder} ({len(missing)} missing, e.g. {missing[0]}; "
            f"they were in {current[0][0]}): move or copy the whole warehouse folder (the DuckDB file, lake/ "
            "and raw_files/), then run again or `kzeval relink`"
        )
    con.execute("BEGIN TRANSACTION").fetchall()
    try:
        con.execute(f"DELETE FROM {CONFIG}").fetchall()
        con.execute(f"INSERT INTO {CONFIG} VALUES (?)", [str(folder)]).fetchall()
        for table in catalogued_tables(con):
            rewrite_view(con, table)
        con.execute("COMMIT").fetchall()
    except Exception:
        con.execute("ROLLBACK").fetchall()
        raise
    return bool(current)


def catalogued_tables(con: duckdb.DuckDBPyConnection) -> list[LakeTable]:
    """Every lake table with a shape table in this database."""
    names = _rows(
        con,
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'lake' AND table_type = 'BASE TABLE' "
        "AND table_catalog = current_database() AND contains(table_name, '__') ORDER BY 1",
    )
    return [lake_table(str(n[0]).replace("__", ".", 1)) for n in names]


def segment_paths(con: duckdb.DuckDBPyConnection, table: LakeTable | None = None) -> list[str]:
    """The catalogued segment files (relative to the lake folder), of one table or of all."""
    if table is None:
        return [str(r[0]) for r in _rows(con, f"SELECT path FROM {CATALOGUE} ORDER BY path")]
    return [
        str(r[0])
        for r in _rows(
            con,
            f"SELECT path FROM {CATALOGUE} WHERE schema_name = ? AND table_name = ? ORDER BY path",
            [table.schema, table.name],
        )
    ]


def _object_exists(con: duckdb.DuckDBPyConnection, schema: str, name: str, kind: str | None = None) -> bool:
    """Whether ``schema.name`` exists in this database (``kind``: 'BASE TABLE' or 'VIEW'; None: either)."""
    tables = "SELECT 'BASE TABLE' AS kind FROM duckdb_tables() WHERE schema_name = ? AND table_name = ? AND database_name = current_database()"
    views = "SELECT 'VIEW' AS kind FROM duckdb_views() WHERE schema_name = ? AND view_name = ? AND database_name = current_database()"
    found = _rows(con, f"SELECT list(kind) FROM ({tables} UNION ALL {views})", [schema, name, schema, name])
    kinds = list(found[0][0] or []) if found else []  # type: ignore[call-overload]
    return bool(kinds) if kind is None else kind in kinds


def _temp_exists(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    found = _rows(
        con,
        "SELECT count(*) FROM duckdb_tables() WHERE database_name = 'temp' AND table_name = ?",
        [name.rsplit(".", 1)[1]],
    )
    return bool(found and found[0][0])


def _typed_columns(con: duckdb.DuckDBPyConnection, table: LakeTable) -> list[tuple[str, str]]:
    return [
        (str(r[0]), str(r[1]))
        for r in _rows(
            con,
            "SELECT column_name, data_type FROM duckdb_columns() WHERE schema_name = 'lake' "
            "AND table_name = ? AND database_name = current_database() ORDER BY column_index",
            [f"{table.schema}__{table.name}"],
        )
    ]


def _columns(con: duckdb.DuckDBPyConnection, table: LakeTable) -> list[str]:
    return [name for name, _ in _typed_columns(con, table)]


def _quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def view_sql(con: duckdb.DuckDBPyConnection, table: LakeTable, with_delta: bool = False) -> str:
    """The view's query: shape table, the untouched catalogued segments, the delta while a write is open."""
    folder = root(con)
    assert folder is not None
    typed = _typed_columns(con, table)
    listed = ", ".join(f'"{c}"' for c, _ in typed)
    touched: set[str] = set()
    if with_delta and _temp_exists(con, TOUCHED):
        touched = {
            str(r[0]) for r in _rows(con, f"SELECT segment_key FROM {TOUCHED} WHERE table_name = ?", [table.qualified])
        }
    segments = [
        (str(key), str(path), landed)
        for key, path, landed in _rows(
            con,
            f"SELECT segment_key, path, landed_path FROM {CATALOGUE} WHERE schema_name = ? AND table_name = ? "
            "ORDER BY path",
            [table.schema, table.name],
        )
        if str(key) not in touched
    ]
    deleted = _deleted_keys(con, table)
    files = [str(folder / path) for key, path, landed in segments if landed is None and key not in deleted]
    parts = [f"SELECT {listed} FROM {table.shape}"]
    if files:
        parts.append(
            f"SELECT {listed} FROM read_parquet([{', '.join(_quote(f) for f in files)}], union_by_name = true)"
        )
    # referenced files and segments with deleted rows: one branch each (only those branches filter rows, so the
    # plain list keeps its pruning by Parquet statistics)
    parts.extend(
        _segment_select(table, typed, folder, key, path, landed, key in deleted)
        for key, path, landed in segments
        if landed is not None or key in deleted
    )
    if with_delta and _temp_exists(con, table.delta):
        parts.append(f"SELECT {listed} FROM {table.delta}")
    return " UNION ALL ".join(parts)


def _referenced_select(typed: Sequence[tuple[str, str]], folder: Path, key: str, path: str, landed_path: str) -> str:
    """The rows of a delivered Parquet file referenced in place, with the file columns a landed row carries."""
    source = os.path.normpath(folder / path)
    listed = []
    for column, kind in typed:
        if column == "_file_sha256":
            listed.append(f"{_quote(key)} AS _file_sha256")
        elif column == "_file_path":
            listed.append(f"{_quote(landed_path)} AS _file_path")
        elif column == "_row_number":
            listed.append("CAST(file_row_number + 1 AS BIGINT) AS _row_number")
        else:
            listed.append(f'CAST("{column}" AS {kind}) AS "{column}"')
    return f"SELECT {', '.join(listed)} FROM read_parquet({_quote(source)}, file_row_number = true)"


def _deleted_filter(table: LakeTable, key: str, row_sql: str) -> str:
    """``WHERE`` clause skipping the rows of segment ``key`` that :data:`DELETED` lists (``row_sql``: the row number)."""
    return (
        f" WHERE {row_sql} NOT IN (SELECT row_number FROM {DELETED} WHERE schema_name = {_quote(table.schema)} "
        f"AND table_name = {_quote(table.name)} AND segment_key = {_quote(key)})"
    )


def _segment_select(
    table: LakeTable,
    typed: Sequence[tuple[str, str]],
    folder: Path,
    key: str,
    path: str,
    landed: object,
    has_deleted: bool,
) -> str:
    """One segment's live rows: a written segment or a referenced delivery, without its deleted rows."""
    if landed is not None:
        select = _referenced_select(typed, folder, key, path, str(landed))
        return select + (_deleted_filter(table, key, "file_row_number + 1") if has_deleted else "")
    listed = ", ".join(f'"{c}"' for c, _ in typed)
    select = f"SELECT {listed} FROM read_parquet([{_quote(str(folder / path))}], union_by_name = true)"
    return select + (_deleted_filter(table, key, f'"{ROW_NUMBER}"') if has_deleted else "")


def _deleted_table_exists(con: duckdb.DuckDBPyConnection) -> bool:
    return _object_exists(con, LAKE_SCHEMA, DELETED.split(".", 1)[1], "BASE TABLE")


def _deleted_keys(con: duckdb.DuckDBPyConnection, table: LakeTable) -> set[str]:
    """The segment keys of ``table`` with deleted rows."""
    if not _deleted_table_exists(con):
        return set()
    return {
        str(r[0])
        for r in _rows(
            con,
            f"SELECT DISTINCT segment_key FROM {DELETED} WHERE schema_name = ? AND table_name = ?",
            [table.schema, table.name],
        )
    }


def deleted_rows(con: duckdb.DuckDBPyConnection, table: LakeTable) -> int:
    """How many rows of ``table``'s catalogued segments are deleted (skipped by the view)."""
    if not _deleted_table_exists(con):
        return 0
    found = _rows(
        con, f"SELECT count(*) FROM {DELETED} WHERE schema_name = ? AND table_name = ?", [table.schema, table.name]
    )
    return int(str(found[0][0])) if found else 0


def reference(con: duckdb.DuckDBPyConnection, table: LakeTable, key: str, source: Path, landed_path: str) -> bool:
    """Catalogue the delivered Parquet file ``source`` (its kept copy) as ``key``'s segment, without rewriting it.

    Raw kept once (issue 19): a typed Parquet delivery landed whole is read in place, its
    file columns (SHA-256, path in the drop, row number) added by the view. False (nothing
    done) when ``key`` already has rows: the caller inserts them instead.
    """
    if key in _touched_keys(con, table) or _has_segment(con, table, key):
        return False
    folder = root(con)
    assert folder is not None
    relative = os.path.relpath(source.resolve(), folder)
    counted = _rows(con, "SELECT count(*) FROM read_parquet(?)", [str(source)])
    con.execute(
        f"INSERT INTO {CATALOGUE} (schema_name, table_name, segment_key, path, row_count, written_at, landed_path) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            table.schema,
            table.name,
            key,
            relative,
            int(str(counted[0][0])) if counted else 0,
            dt.datetime.now(dt.UTC).replace(tzinfo=None),
            landed_path,
        ],
    ).fetchall()
    rewrite_view(con, table, with_delta=True)
    return True


def rewrite_view(con: duckdb.DuckDBPyConnection, table: LakeTable, with_delta: bool = False) -> None:
    con.execute(f"CREATE OR REPLACE VIEW {table.qualified} AS {view_sql(con, table, with_delta)}").fetchall()


def ensure_table(con: duckdb.DuckDBPyConnection, table: LakeTable, columns: Sequence[tuple[str, str]]) -> None:
    """The shape table and the view of ``table`` (a native table of an older warehouse moves to the lake).

    ``columns``: (name, DuckDB type) in order. Columns the shape lacks are added (a contract
    that gained an optional column); older segments read them as null.
    """
    existing = _columns(con, table)
    if existing and {n for n, _ in columns} <= set(existing) and _object_exists(con, table.schema, table.name, "VIEW"):
        return
    _ensure_catalogue(con)
    ddl = ", ".join(f'"{n}" {t}' for n, t in columns)
    con.execute(f"CREATE TABLE IF NOT EXISTS {table.shape} ({ddl})").fetchall()
    have = set(_columns(con, table))
    added = False
    for name, kind in columns:
        if name not in have:
            con.execute(f'ALTER TABLE {table.shape} ADD COLUMN "{name}" {kind}').fetchall()
            added = True
    if added or not _object_exists(con, table.schema, table.name, "VIEW"):
        rewrite_view(con, table)


def migrate_native(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Native tables of a warehouse built before the lake become segments and views (outside a transaction)."""
    found = _rows(
        con,
        "SELECT table_schema, table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE' "
        "AND table_catalog = current_database() AND (table_schema = 'raw' OR "
        "(table_schema = 'core' AND table_name = 'overtime_daily')) ORDER BY 1, 2",
    )
    moved = []
    for schema, name in found:
        table = lake_table(f"{schema}.{name}")
        con.execute("BEGIN TRANSACTION").fetchall()
        try:
            con.execute(
                f"CREATE TABLE IF NOT EXISTS {table.shape} AS SELECT * FROM {table.qualified} LIMIT 0"
            ).fetchall()
            _ensure_delta(con, table)
            con.execute(f"INSERT INTO {table.delta} BY NAME SELECT * FROM {table.qualified}").fetchall()
            keys = [str(r[0]) for r in _rows(con, f"SELECT DISTINCT {table.key_sql} FROM {table.delta}")]
            _mark_touched(con, table, keys)
            con.execute(f"DROP TABLE {table.qualified}").fetchall()
            flush(con)
            if not keys:
                rewrite_view(con, table)
            con.execute("COMMIT").fetchall()
        except Exception:
            con.execute("ROLLBACK").fetchall()
            raise
        moved.append(table.qualified)
    return moved


# ---------------------------------------------------------------------------------------
# Writes (inside the caller's transaction)
# ---------------------------------------------------------------------------------------


def _ensure_delta(con: duckdb.DuckDBPyConnection, table: LakeTable) -> None:
    if not _temp_exists(con, table.delta):
        con.execute(
            f"CREATE TEMP TABLE {table.delta.rsplit('.', 1)[1]} AS SELECT * FROM {table.shape} LIMIT 0"
        ).fetchall()
    if not _temp_exists(con, TOUCHED):
        con.execute(
            f"CREATE TEMP TABLE {TOUCHED.rsplit('.', 1)[1]} (table_name VARCHAR, segment_key VARCHAR)"
        ).fetchall()


def _mark_touched(con: duckdb.DuckDBPyConnection, table: LakeTable, keys: Iterable[str]) -> None:
    for key in keys:
        con.execute(f"INSERT INTO {TOUCHED} VALUES (?, ?)", [table.qualified, key]).fetchall()


def _touched_keys(con: duckdb.DuckDBPyConnection, table: LakeTable) -> set[str]:
    if not _temp_exists(con, TOUCHED):
        return set()
    return {str(r[0]) for r in _rows(con, f"SELECT segment_key FROM {TOUCHED} WHERE table_name = ?", [table.qualified])}


def touch(con: duckdb.DuckDBPyConnection, table: LakeTable, keys: Iterable[str]) -> str:
    """Make the rows of ``keys`` writable: their segments are copied into the delta; returns the delta's name.

    After this, change those keys' rows with ordinary SQL on the returned table (``DELETE``,
    ``INSERT``); the view reads the delta instead of the segments until :func:`flush`.
    """
    _ensure_delta(con, table)
    fresh = sorted({str(k) for k in keys} - _touched_keys(con, table))
    if fresh:
        folder = root(con)
        assert folder is not None
        found = _rows(
            con,
            f"SELECT segment_key, path, landed_path FROM {CATALOGUE} WHERE schema_name = ? AND table_name = ? "
            "AND segment_key IN ?",
            [table.schema, table.name, fresh],
        )
        deleted = _deleted_keys(con, table)
        typed = _typed_columns(con, table)
        paths = [str(folder / str(path)) for key, path, landed in found if landed is None and key not in deleted]
        for key, path, landed in found:  # a referenced file, a segment with deleted rows: only its live rows
            if landed is not None or key in deleted:
                select = _segment_select(table, typed, folder, str(key), str(path), landed, key in deleted)
                con.execute(f"INSERT INTO {table.delta} BY NAME {select}").fetchall()
        if paths:
            con.execute(
                f"INSERT INTO {table.delta} BY NAME SELECT * FROM read_parquet(?, union_by_name = true)", [paths]
            ).fetchall()
        _mark_touched(con, table, fresh)
        rewrite_view(con, table, with_delta=True)
    return table.delta


def _segment_name(table: LakeTable, key: str) -> str:
    safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in key)
    return f"{table.folder}/{safe}.{uuid.uuid4().hex[:TOKEN_LENGTH]}{SEGMENT_SUFFIX}"


def _write_segment(
    con: duckdb.DuckDBPyConnection, table: LakeTable, key: str, select_sql: str, params: Sequence[object]
) -> int:
    """Write ``select_sql``'s rows (the table's columns) to a new segment of ``key`` and catalogue it."""
    folder = root(con)
    assert folder is not None
    relative = _segment_name(table, key)
    target = folder / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    listed = ", ".join(f'CAST("{c}" AS {kind}) AS "{c}"' for c, kind in _typed_columns(con, table))
    written = con.execute(
        f"COPY (SELECT {listed} FROM ({select_sql})) TO {_quote(str(target))} (FORMAT parquet, COMPRESSION zstd)",
        list(params),
    ).fetchall()
    rows = int(str(written[0][0])) if written else 0
    _uncatalogue(con, table, key)
    con.execute(
        f"INSERT INTO {CATALOGUE} (schema_name, table_name, segment_key, path, row_count, written_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [table.schema, table.name, key, relative, rows, dt.datetime.now(dt.UTC).replace(tzinfo=None)],
    ).fetchall()
    return rows


def _uncatalogue(con: duckdb.DuckDBPyConnection, table: LakeTable, key: str) -> None:
    """Drop ``key``'s catalogue entry; its file is recorded in ``lake.dropped`` (removed later by vacuum)."""
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    con.execute(
        f"INSERT INTO {DROPPED} SELECT path, ? FROM {CATALOGUE} WHERE schema_name = ? AND table_name = ? "
        "AND segment_key = ?",
        [now, table.schema, table.name, key],
    ).fetchall()
    con.execute(
        f"DELETE FROM {CATALOGUE} WHERE schema_name = ? AND table_name = ? AND segment_key = ?",
        [table.schema, table.name, key],
    ).fetchall()
    if _deleted_table_exists(con):  # the deletions named rows of that file: a new segment holds live rows only
        con.execute(
            f"DELETE FROM {DELETED} WHERE schema_name = ? AND table_name = ? AND segment_key = ?",
            [table.schema, table.name, key],
        ).fetchall()


def _has_segment(con: duckdb.DuckDBPyConnection, table: LakeTable, key: str) -> bool:
    found = _rows(
        con,
        f"SELECT count(*) FROM {CATALOGUE} WHERE schema_name = ? AND table_name = ? AND segment_key = ?",
        [table.schema, table.name, key],
    )
    return bool(found and found[0][0])


def insert(
    con: duckdb.DuckDBPyConnection, table: LakeTable, key: str, select_sql: str, params: Sequence[object] = ()
) -> None:
    """Add the rows of ``select_sql`` (all of segment key ``key``) to ``table``.

    A key without a segment (a newly delivered file) is written straight to a new segment
    file; otherwise the key is touched and the rows go to the delta.
    """
    if key not in _touched_keys(con, table) and not _has_segment(con, table, key):
        if _write_segment(con, table, key, select_sql, params):
            rewrite_view(con, table, with_delta=True)
        else:
            _uncatalogue(con, table, key)
        return
    delta = touch(con, table, [key])
    con.execute(f"INSERT INTO {delta} BY NAME {select_sql}", list(params)).fetchall()


def _require_row_numbers(table: LakeTable) -> None:
    if table.key_sql != RAW_KEY:
        raise ValueError(f"{table.qualified}: rows are deleted by (file SHA-256, row number), only in raw tables")


def delete_rows(con: duckdb.DuckDBPyConnection, table: LakeTable, pairs_sql: str) -> None:
    """Delete rows of a raw lake table without rewriting any segment.

    ``pairs_sql`` selects ``segment_key`` (the file's SHA-256) and ``row_number`` (its
    ``_row_number``). A row of a touched key leaves the delta; a row of a catalogued segment
    gets a tombstone in :data:`DELETED` and the view skips it (only in that segment's branch).
    """
    _require_row_numbers(table)
    pairs = f"SELECT DISTINCT CAST(segment_key AS VARCHAR) AS segment_key, CAST(row_number AS BIGINT) AS row_number FROM ({pairs_sql})"
    touched = sorted(_touched_keys(con, table))
    if touched and _temp_exists(con, table.delta):
        con.execute(
            f"DELETE FROM {table.delta} WHERE ({RAW_KEY}, {ROW_NUMBER}) IN (SELECT (segment_key, row_number) FROM "
            f"({pairs}) WHERE segment_key IN ?)",
            [touched],
        ).fetchall()
    added = _rows(
        con,
        f"INSERT INTO {DELETED} SELECT ?, ?, p.segment_key, p.row_number FROM ({pairs}) p "
        f"WHERE p.segment_key IN (SELECT segment_key FROM {CATALOGUE} WHERE schema_name = ? AND table_name = ?) "
        f"AND NOT list_contains(?, p.segment_key) AND NOT EXISTS (SELECT 1 FROM {DELETED} d WHERE d.schema_name = ? "
        "AND d.table_name = ? AND d.segment_key = p.segment_key AND d.row_number = p.row_number)",
        [table.schema, table.name, table.schema, table.name, touched, table.schema, table.name],
    )
    if added and added[0][0]:
        rewrite_view(con, table, with_delta=True)


def undelete_rows(con: duckdb.DuckDBPyConnection, table: LakeTable, pairs_sql: str) -> list[tuple[str, int]]:
    """Lift the tombstones of the given rows (``segment_key``, ``row_number``) of untouched segments.

    Those rows are current again as their segment holds them; returns them. Rows not returned
    (no tombstone, or their key touched: its delta has only the rows live when it was touched)
    must be inserted by the caller.
    """
    _require_row_numbers(table)
    if not _deleted_table_exists(con):
        return []
    touched = sorted(_touched_keys(con, table))
    lifted = _rows(
        con,
        f"DELETE FROM {DELETED} WHERE schema_name = ? AND table_name = ? AND NOT list_contains(?, segment_key) "
        "AND (segment_key, row_number) IN (SELECT (CAST(segment_key AS VARCHAR), CAST(row_number AS BIGINT)) "
        f"FROM ({pairs_sql})) RETURNING segment_key, row_number",
        [table.schema, table.name, touched],
    )
    if lifted:
        rewrite_view(con, table, with_delta=True)
    return [(str(k), int(str(r))) for k, r in lifted]


def drop_keys(con: duckdb.DuckDBPyConnection, table: LakeTable, keys: Iterable[str]) -> None:
    """Every row of ``keys`` goes: their segments are uncatalogued (no copy), a touched key's delta rows deleted.

    The files stay (a referenced delivery in ``raw_files``, a written segment until ``kzeval vacuum``).
    """
    touched = _touched_keys(con, table)
    for key in sorted({str(k) for k in keys}):
        if key in touched:  # flush uncatalogues it and, with no rows left, writes nothing
            con.execute(f"DELETE FROM {table.delta} WHERE {table.key_sql} = ?", [key]).fetchall()
        else:
            _uncatalogue(con, table, key)
    rewrite_view(con, table, with_delta=True)


def flush(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Write every touched key's rows to a new segment, rewrite the catalogue and views; empty the delta.

    Call it before the ``COMMIT`` of the transaction that touched the keys. Returns the tables
    whose view changed.
    """
    if not _temp_exists(con, TOUCHED):
        return []
    changed: list[str] = []
    touched: dict[str, set[str]] = {}
    for name, key in _rows(con, f"SELECT DISTINCT table_name, segment_key FROM {TOUCHED}"):
        touched.setdefault(str(name), set()).add(str(key))
    for qualified, keys in sorted(touched.items()):
        table = lake_table(qualified)
        for key in sorted(keys):
            _uncatalogue(con, table, key)
            has_rows = _rows(con, f"SELECT EXISTS (SELECT 1 FROM {table.delta} WHERE {table.key_sql} = ?)", [key])
            if has_rows and has_rows[0][0]:
                _write_segment(con, table, key, f"SELECT * FROM {table.delta} WHERE {table.key_sql} = ?", [key])
        con.execute(f"DELETE FROM {table.delta}").fetchall()
        rewrite_view(con, table)
        changed.append(qualified)
    con.execute(f"DELETE FROM {TOUCHED}").fetchall()
    return changed


def row_count(con: duckdb.DuckDBPyConnection, table: LakeTable) -> int | None:
    """Rows of ``table`` from the catalogue (segment row counts less tombstones), without reading a file.

    ``count(*)`` over the view reads every segment (each referenced delivery is its own branch),
    a second or more at a few national years; this stays constant. None when it cannot be
    answered from the catalogue: no lake, or keys of the table touched and not yet flushed.
    """
    if not enabled(con) or table.qualified in {
        str(r[0])
        for r in (_rows(con, f"SELECT DISTINCT table_name FROM {TOUCHED}") if _temp_exists(con, TOUCHED) else [])
    }:
        return None
    stored = _rows(
        con,
        f"SELECT coalesce(sum(row_count), 0) FROM {CATALOGUE} WHERE schema_name = ? AND table_name = ?",
        [table.schema, table.name],
    )
    deleted = (
        _rows(
            con,
            f"SELECT count(*) FROM {DELETED} WHERE schema_name = ? AND table_name = ?",
            [table.schema, table.name],
        )
        if _deleted_table_exists(con)
        else [(0,)]
    )
    return int(str(stored[0][0])) - int(str(deleted[0][0]))


def pending(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether touched keys wait for :func:`flush` (a write path that forgot it would lose rows)."""
    if not _temp_exists(con, TOUCHED):
        return False
    found = _rows(con, f"SELECT count(*) FROM {TOUCHED}")
    return bool(found and found[0][0])


# ---------------------------------------------------------------------------------------
# Garbage collection
# ---------------------------------------------------------------------------------------


def unreferenced_files(folder: Path, referenced: Iterable[str]) -> list[Path]:
    """Segment files under ``folder`` that no catalogue entry names (paths relative to ``folder``)."""
    named = {folder / p for p in referenced}
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.rglob(f"*{SEGMENT_SUFFIX}") if p.is_file() and p not in named)
