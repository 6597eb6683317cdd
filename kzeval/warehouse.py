"""The DuckDB warehouse: one writer, atomic publication, read-only readers.

Users query the *published* file. A run never opens it for writing: it copies it to a
build file, writes there, and publishes with an atomic ``os.replace``. Readers holding
the old file keep a consistent snapshot, a killed run leaves the published file intact,
and the next run starts from a fresh copy (see docs/decisions.md, 2026-11-23).
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import duckdb

DEFAULT_WAREHOUSE = Path("data/warehouse/kzeval.duckdb")
SCHEMAS = ("raw", "quarantine", "audit", "core")


def build_path(published: Path) -> Path:
    return published.with_name(published.stem + ".building" + published.suffix)


def marker_path(published: Path) -> Path:
    return published.with_name(published.stem + ".building.run")


def writer_lock_path(published: Path) -> Path:
    """The lock file a run holds while it writes the build (one writer at a time)."""
    return published.with_name(published.stem + ".writer.lock")


def raw_store_dir(published: Path) -> Path:
    """Content-addressed copies of every landed file, kept beside the warehouse."""
    return published.parent / "raw_files"


def begin_build(published: Path, run_id: str) -> Path:
    """Prepare the build file for ``run_id``: a fresh copy of the published warehouse.

    A build file left by another (crashed or killed) run is discarded, never reused.
    """
    published.parent.mkdir(parents=True, exist_ok=True)
    build = build_path(published)
    marker = marker_path(published)
    if build.exists() and marker.exists() and marker.read_text().strip() == run_id:
        return build
    for stale in (build, build.with_name(build.name + ".wal")):
        stale.unlink(missing_ok=True)
    if published.exists():
        shutil.copyfile(published, build)
    marker.write_text(run_id)
    with duckdb.connect(str(build)) as con:
        ensure_schemas(con)
    return build


class BuildTakenOver(RuntimeError):
    """The build file now belongs to another run: publishing it would publish someone else's work."""


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def publish(published: Path, run_id: str | None = None) -> None:
    """Atomically replace the published warehouse with the finished build.

    The build is checkpointed (its write-ahead log folded in and removed) and flushed to
    disk before the rename, and the directory entry is flushed after it, so a crash at any
    moment leaves either the old or the new complete file under the published name. With
    ``run_id``, refuses to publish a build that another run has taken over.
    """
    build = build_path(published)
    if not build.exists():
        raise FileNotFoundError(f"no build in progress for {published}")
    if run_id is not None:
        marker = marker_path(published)
        owner = marker.read_text().strip() if marker.exists() else None
        if owner != run_id:
            raise BuildTakenOver(f"the build of {published} belongs to run {owner!r}, not {run_id!r}; not published")
    with duckdb.connect(str(build)) as con:
        con.execute("CHECKPOINT").fetchall()
    wal = build.with_name(build.name + ".wal")
    if wal.exists() and wal.stat().st_size > 0:
        raise RuntimeError(f"{build}: write-ahead log still present after CHECKPOINT; not published")
    _fsync(build)
    os.replace(build, published)
    _fsync(published.parent)
    marker_path(published).unlink(missing_ok=True)


def ensure_schemas(con: duckdb.DuckDBPyConnection) -> None:
    for schema in SCHEMAS:
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}").fetchall()


def configure(con: duckdb.DuckDBPyConnection, memory_limit: str | None = None, temp_dir: Path | None = None) -> None:
    """Memory limit and spill directory so that large runs spill instead of failing."""
    limit = memory_limit or os.environ.get("KZEVAL_DUCKDB_MEMORY_LIMIT", "6GB")
    con.execute(f"SET memory_limit = '{limit}'").fetchall()
    if temp_dir is not None:
        temp_dir.mkdir(parents=True, exist_ok=True)
        con.execute(f"SET temp_directory = '{temp_dir}'").fetchall()


@contextlib.contextmanager
def connect_build(published: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    build = build_path(published)
    con = duckdb.connect(str(build))
    try:
        configure(con, temp_dir=published.parent / "duckdb_tmp")
        ensure_schemas(con)
        yield con
    finally:
        con.close()


def connect_readonly(published: Path) -> duckdb.DuckDBPyConnection:
    """How users (and reports) open the warehouse: read-only, never blocking a run."""
    if not published.exists():
        raise FileNotFoundError(f"warehouse {published} does not exist yet: run `kzeval run` or `kzeval demo` first")
    return duckdb.connect(str(published), read_only=True)


def table_exists(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    row = fetch_one(
        con, "SELECT count(*) FROM information_schema.tables WHERE table_schema = ? AND table_name = ?", [schema, table]
    )
    return bool(row and row[0])


def fetch_one(
    con: duckdb.DuckDBPyConnection, sql: str, params: list[object] | None = None
) -> tuple[object, ...] | None:
    """First row of a query, with the result fully consumed (DuckDB ≥ 2 refuses new work otherwise)."""
    rows = con.execute(sql, params or []).fetchall()
    return rows[0] if rows else None
