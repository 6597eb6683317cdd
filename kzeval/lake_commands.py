"""``kzeval vacuum`` and ``kzeval relink``: the lake's garbage collection and its move (kzeval.lake).

* vacuum: a segment file no published view names any more (a superseded delivery, a
  recomputed month, a run that failed after writing it) is deleted once it is older than the
  grace period — and, if a publication stopped naming it, once that publication is older than
  the grace period too: a reader that opened the warehouse before that publication may still
  be reading the file. Holds the writer lock, so no run is writing new files meanwhile.
* relink: after the warehouse folder moved, the views still name the old absolute paths;
  relink rewrites them for the folder the warehouse is in now (a build, published like a run).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from kzeval import lake, warehouse

DEFAULT_GRACE_HOURS = 24.0


@dataclass
class VacuumResult:
    removed: list[Path] = field(default_factory=list)
    kept_recent: list[Path] = field(default_factory=list)  # unreferenced, but within the grace period
    referenced: int = 0
    freed_bytes: int = 0


def _published_catalogue(published: Path) -> tuple[list[str], dict[str, dt.datetime]]:
    """Segment paths the published catalogue names, and when each dropped file stopped being named."""
    with duckdb.connect(str(published), read_only=True) as con:
        if lake.root(con) is None:
            return [], {}
        referenced = lake.segment_paths(con)
        try:
            rows = con.execute(f"SELECT path, max(dropped_at) FROM {lake.DROPPED} GROUP BY 1").fetchall()
        except duckdb.CatalogException:  # a lake written before dropped files were recorded
            rows = []
        dropped = {str(p): d for p, d in rows if isinstance(d, dt.datetime)}
    return referenced, dropped


def vacuum(published: Path, grace: dt.timedelta, now: dt.datetime | None = None, dry_run: bool = False) -> VacuumResult:
    """Delete lake files no published view names, older than ``grace`` (see the module docstring)."""
    if not published.exists():
        raise FileNotFoundError(f"warehouse {published} does not exist yet: run `kzeval run` or `kzeval demo` first")
    moment = now or dt.datetime.now(dt.UTC).replace(tzinfo=None)
    limit = moment - grace
    result = VacuumResult()
    with warehouse.writer_lock(published, "kzeval vacuum"):
        referenced, dropped = _published_catalogue(published)
        result.referenced = len(referenced)
        folder = lake.lake_dir(published)
        for path in lake.unreferenced_files(folder, referenced):
            written = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC).replace(tzinfo=None)
            unnamed_since = dropped.get(path.relative_to(folder).as_posix())
            if written > limit or (unnamed_since is not None and unnamed_since > limit):
                result.kept_recent.append(path)
                continue
            size = path.stat().st_size
            if not dry_run:
                path.unlink()
            result.removed.append(path)
            result.freed_bytes += size
    return result


def relink(published: Path, run_id: str | None = None) -> bool:
    """Point the views at the lake beside ``published`` and publish; True when they named another folder."""
    if not published.exists():
        raise FileNotFoundError(f"warehouse {published} does not exist yet: run `kzeval run` or `kzeval demo` first")
    run = run_id or f"relink-{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%S}"
    with warehouse.writer_lock(published, "kzeval relink"):
        with duckdb.connect(str(published), read_only=True) as con:
            before = lake.root(con)
        warehouse.begin_build(published, run)  # rewrites the views when the lake folder moved
        warehouse.publish(published, run_id=run)
    return before is not None and before != lake.lake_dir(published)


def vacuum_lines(result: VacuumResult, dry_run: bool) -> list[str]:
    verb = "would remove" if dry_run else "removed"
    lines = [
        f"lake: {result.referenced} file(s) named by the published views; {verb} {len(result.removed)} "
        f"unreferenced file(s) ({result.freed_bytes / 1e6:.1f} MB); {len(result.kept_recent)} unreferenced "
        "file(s) kept until the grace period has passed"
    ]
    lines.extend(f"  {verb}: {p}" for p in result.removed[:50])
    return lines


def main_vacuum(warehouse_path: Path, grace_hours: float, dry_run: bool) -> int:
    result = vacuum(warehouse_path, dt.timedelta(hours=grace_hours), dry_run=dry_run)
    for line in vacuum_lines(result, dry_run):
        print(line)
    return 0


def main_relink(warehouse_path: Path) -> int:
    moved = relink(warehouse_path)
    where = lake.lake_dir(warehouse_path)
    print(f"lake views {'rewritten for' if moved else 'already name'} {where}")
    return 0
