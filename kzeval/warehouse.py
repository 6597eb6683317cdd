"""The DuckDB warehouse: one writer, atomic publication, read-only readers.

Users query the *published* file. A run never opens it for writing: it copies it to a
build file, writes there, and publishes with an atomic ``os.replace``. Readers holding
the old file keep a consistent snapshot, a killed run leaves the published file intact,
and the next run starts from a fresh copy (see docs/decisions.md, 2026-11-23).

Every writer — a run (``kzeval run``, the sensor's and the schedules' runs, the monthly
reload) and ``kzeval recompute`` — holds the one writer lock (:func:`writer_lock`) from the
moment it copies the published file until it has published, and :func:`publish` refuses a
build whose starting point is no longer the published file (:class:`PublishedChanged`), so
one writer's work is never silently replaced by another's.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

import duckdb

from kzeval import lake, settings

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: rely on the instance's run limit and the generation check
    fcntl = None  # type: ignore[assignment]

DEFAULT_WAREHOUSE = settings.DEFAULT_WAREHOUSE
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


NO_WAREHOUSE = "none"  # the generation of a warehouse that has not been published yet


def published_generation(published: Path) -> str:
    """Which published file this is: inode, size and modification time.

    Every publication renames a new file over the published name, so any writer's
    publication changes the inode (and the size or mtime): a build records the generation it
    was copied from and :func:`publish` compares it with the generation it would replace.
    """
    try:
        stat = published.stat()
    except FileNotFoundError:
        return NO_WAREHOUSE
    return f"{stat.st_ino}:{stat.st_size}:{stat.st_mtime_ns}"


def _marker_lines(published: Path) -> list[str]:
    """The build marker: the owning run id, then the generation the build was copied from."""
    marker = marker_path(published)
    return marker.read_text().splitlines() if marker.exists() else []


def build_owner(published: Path) -> str | None:
    lines = _marker_lines(published)
    return lines[0].strip() if lines else None


def build_base(published: Path) -> str | None:
    lines = _marker_lines(published)
    return lines[1].strip() if len(lines) > 1 else None


def begin_build(published: Path, run_id: str) -> Path:
    """Prepare the build file for ``run_id``: a fresh copy of the published warehouse.

    Only the small DuckDB file is copied: the large tables are Parquet segments under
    ``lake/`` (kzeval.lake), written once and never copied. The build's views are pointed at
    this folder's ``lake/`` (rewritten if the warehouse folder moved: a relink).

    A build file left by another (crashed or killed) run is discarded, never reused. The
    generation of the published file the copy was taken from is recorded in the marker.
    """
    published.parent.mkdir(parents=True, exist_ok=True)
    build = build_path(published)
    marker = marker_path(published)
    if build.exists() and build_owner(published) == run_id:
        return build
    for stale in (build, build.with_name(build.name + ".wal")):
        stale.unlink(missing_ok=True)
    base = published_generation(published)  # before the copy: a replacement during it is then caught too
    if published.exists():
        shutil.copyfile(published, build)
    marker.write_text(f"{run_id}\n{base}\n")
    with duckdb.connect(str(build)) as con:
        ensure_schemas(con)
        lake.configure(con, lake.lake_dir(published))
    return build


class BuildTakenOver(RuntimeError):
    """The build file now belongs to another run: publishing it would publish someone else's work."""


class PublishedChanged(RuntimeError):
    """Another writer published since this build was copied: publishing would silently undo its work."""


# ---------------------------------------------------------------------------------------
# The writer lock
# ---------------------------------------------------------------------------------------


def _say(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def acquire_writer_lock(published: Path, holder: str, on_wait: Callable[[str], None] | None = None) -> IO[str] | None:
    """Take the warehouse's writer lock (``<warehouse>.writer.lock``), waiting for the current writer.

    Returns the open lock file (closing it releases the lock; so does the process's exit,
    even when killed). A writer that has to wait says so in one line, naming who holds the
    lock, through ``on_wait`` (default: stderr). ``None`` where ``flock`` does not exist.
    """
    if fcntl is None:
        return None
    path = writer_lock_path(published)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = path.open("a+")
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            owner = handle.read().strip() or "another writer"
            (on_wait or _say)(f"waiting for the warehouse writer lock {path.name}: held by {owner}")
            fcntl.flock(handle, fcntl.LOCK_EX)
        handle.seek(0)
        handle.truncate()
        since = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
        handle.write(f"{holder} (process {os.getpid()}, since {since})\n")
        handle.flush()
    except BaseException:
        handle.close()
        raise
    return handle


@contextlib.contextmanager
def writer_lock(published: Path, holder: str, on_wait: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold the warehouse's writer lock for the block (see :func:`acquire_writer_lock`)."""
    handle = acquire_writer_lock(published, holder, on_wait)
    try:
        yield
    finally:
        if handle is not None:
            handle.close()


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def publish(published: Path, run_id: str | None = None, *, build: Path | None = None, base: str | None = None) -> None:
    """Atomically replace the published warehouse with the finished build.

    The build is checkpointed (its write-ahead log folded in and removed) and flushed to
    disk before the rename, and the directory entry is flushed after it, so a crash at any
    moment leaves either the old or the new complete file under the published name. With
    ``run_id``, refuses to publish a build that another run has taken over.

    ``base`` is the :func:`published_generation` the build was copied from (for the run's own
    build it is read from the marker); if the published file is no longer that generation,
    another writer published in between and :class:`PublishedChanged` is raised: nothing is
    replaced. ``build`` publishes another file (``kzeval recompute``'s private copy).
    """
    own_build = build is None
    build = build_path(published) if build is None else build
    if not build.exists():
        raise FileNotFoundError(f"no build in progress for {published}")
    if run_id is not None:
        owner = build_owner(published)
        if owner != run_id:
            raise BuildTakenOver(f"the build of {published} belongs to run {owner!r}, not {run_id!r}; not published")
    if base is None and own_build:
        base = build_base(published)
    if base is not None:
        current = published_generation(published)
        if current != base:
            raise PublishedChanged(
                f"{published} was published by another writer after this build started "
                f"(generation {base} → {current}); not published, so its work is kept: run again"
            )
    with duckdb.connect(str(build)) as con:
        con.execute("CHECKPOINT").fetchall()
    wal = build.with_name(build.name + ".wal")
    if wal.exists() and wal.stat().st_size > 0:
        raise RuntimeError(f"{build}: write-ahead log still present after CHECKPOINT; not published")
    _fsync(build)
    os.replace(build, published)
    _fsync(published.parent)
    if own_build:
        marker_path(published).unlink(missing_ok=True)


def ensure_schemas(con: duckdb.DuckDBPyConnection) -> None:
    for schema in SCHEMAS:
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}").fetchall()


def configure(
    con: duckdb.DuckDBPyConnection,
    memory_limit: str | None = None,
    temp_dir: str | Path | None = None,
    threads: int | None = None,
    preserve_insertion_order: bool | None = None,
) -> duckdb.DuckDBPyConnection:
    """Bound DuckDB's memory and give it a spill directory, so that large work spills instead of failing.

    The one DuckDB configuration of kzeval (the warehouse build, validation, the overtime engine's
    benchmarks). ``memory_limit`` defaults to ``KZEVAL_DUCKDB_MEMORY_LIMIT`` (kzeval.settings, 6GB).
    ``preserve_insertion_order = False`` lets large CREATE TABLE AS / COPY stream without buffering
    for order; it applies to the whole connection (queries without ORDER BY may return rows in any
    order), so only a connection that does not rely on it should pass False (None leaves DuckDB's
    default). Returns ``con``.
    """
    limit = memory_limit or settings.Settings.from_env().duckdb_memory_limit
    con.execute(f"SET memory_limit = '{limit}'").fetchall()
    if preserve_insertion_order is not None:
        con.execute(f"SET preserve_insertion_order = {str(preserve_insertion_order).lower()}").fetchall()
    if temp_dir is not None:
        Path(temp_dir).mkdir(parents=True, exist_ok=True)
        quoted = str(temp_dir).replace("'", "''")
        con.execute(f"SET temp_directory = '{quoted}'").fetchall()
    if threads is not None:
        con.execute(f"SET threads = {int(threads)}").fetchall()
    return con


@contextlib.contextmanager
def connect_build(published: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    build = build_path(published)
    con = duckdb.connect(str(build))
    try:
        configure(con, temp_dir=published.parent / "duckdb_tmp")
        ensure_schemas(con)
        yield con
        if lake.pending(con):  # a write path that changed lake rows without flushing would lose them
            raise RuntimeError(f"{build}: lake rows changed but not flushed before the connection closed")
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
