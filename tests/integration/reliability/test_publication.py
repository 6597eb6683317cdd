"""Atomic publication under load: readers never fail on a lock and never see half a state.

A writer process publishes states 1, 2, 3 … of a two-table warehouse (both tables carry the
state number; a half state would show two numbers, or a short table) while reader threads
open the published file read-only in a loop. A writer killed with SIGKILL mid-build leaves
the published file byte-identical, and the next build publishes normally.
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pytest

from kzeval import warehouse

ROWS = 200_000
WRITER = """
import sys, time
from pathlib import Path
import duckdb
from kzeval import warehouse

published, first, last, hold = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4] == "hold"
for state in range(first, last + 1):
    build = warehouse.begin_build(published, f"run-{state}")
    with duckdb.connect(str(build)) as con:
        con.execute("CREATE SCHEMA IF NOT EXISTS marts")
        con.execute(f"CREATE OR REPLACE TABLE marts.t AS SELECT {state} AS v, range AS r FROM range({ROWS})")
        if hold:  # half-built: t has the new state, u not yet; wait here to be killed
            Path(sys.argv[5]).write_text("building")
            time.sleep(600)
        con.execute(f"CREATE OR REPLACE TABLE marts.u AS SELECT {state} AS v, range AS r FROM range({ROWS})")
    warehouse.publish(published, f"run-{state}")
"""


def _writer_args(published: Path, first: int, last: int, hold: bool = False, flag: Path | None = None) -> list[str]:
    script = WRITER.replace("{ROWS}", str(ROWS))
    mode = "hold" if hold else "go"
    return [sys.executable, "-c", script, str(published), str(first), str(last), mode, str(flag or "")]


def _writer(published: Path, first: int, last: int, hold: bool = False, flag: Path | None = None) -> subprocess.Popen:
    return subprocess.Popen(_writer_args(published, first, last, hold, flag), start_new_session=True)


def _publish(published: Path, state: int) -> None:
    subprocess.run(_writer_args(published, state, state), check=True)


def _state(published: Path) -> int:
    """The state a read-only session sees; fails the test on any inconsistency."""
    with duckdb.connect(str(published), read_only=True) as con:
        t = con.execute("SELECT count(*), min(v), max(v) FROM marts.t").fetchone()
        u = con.execute("SELECT count(*), min(v), max(v) FROM marts.u").fetchone()
    assert t is not None and u is not None
    assert t == u, f"half state: t={t} u={u}"
    assert t[0] == ROWS and t[1] == t[2]
    return int(t[1])


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_readers_see_whole_states_while_a_writer_publishes(tmp_path):
    published = tmp_path / "wh.duckdb"
    _publish(published, 1)
    seen: list[int] = []
    errors: list[BaseException] = []
    done = threading.Event()

    def read_loop() -> None:
        while not done.is_set():
            try:
                seen.append(_state(published))
            except BaseException as exc:  # any failure (lock, half state) fails the test
                errors.append(exc)
                return

    readers = [threading.Thread(target=read_loop) for _ in range(3)]
    for reader in readers:
        reader.start()
    deadline = time.monotonic() + 60
    while not seen and not errors and time.monotonic() < deadline:  # readers hold the old state first
        time.sleep(0.01)
    writer = _writer(published, 2, 6)
    try:
        assert writer.wait(timeout=300) == 0
        deadline = time.monotonic() + 60
        while 6 not in seen and not errors and time.monotonic() < deadline:  # … and then see the last one
            time.sleep(0.01)
    finally:
        done.set()
        for reader in readers:
            reader.join()
    assert not errors, errors[0]
    assert len(seen) > 10 and set(seen) <= {1, 2, 3, 4, 5, 6}
    assert len(set(seen)) >= 2  # the readers did live through publications
    assert _state(published) == 6


def test_killed_writer_leaves_the_published_warehouse_intact(tmp_path):
    published = tmp_path / "wh.duckdb"
    _publish(published, 1)
    before = _sha(published)
    flag = tmp_path / "building.flag"
    writer = _writer(published, 2, 2, hold=True, flag=flag)
    deadline = time.monotonic() + 120
    while not flag.exists():
        assert time.monotonic() < deadline and writer.poll() is None, "writer never reached the half-built point"
        time.sleep(0.05)
    assert _state(published) == 1  # during the build: the previous state, no lock error
    os.killpg(writer.pid, signal.SIGKILL)
    writer.wait()
    assert _sha(published) == before and _state(published) == 1
    assert warehouse.build_path(published).exists()  # the stale half-build is still there …
    _publish(published, 3)  # … and the next run discards it
    assert _state(published) == 3


def test_publish_refuses_a_build_another_run_took_over(tmp_path):
    published = tmp_path / "wh.duckdb"
    warehouse.begin_build(published, "run-a")
    warehouse.begin_build(published, "run-b")  # run-a's build is discarded as stale
    with pytest.raises(warehouse.BuildTakenOver, match="run-b"):
        warehouse.publish(published, "run-a")
    warehouse.publish(published, "run-b")
    assert published.exists() and not warehouse.build_path(published).exists()
