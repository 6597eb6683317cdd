"""The writer lock: one run writes the warehouse build at a time, even without the instance's run limit."""

import subprocess
import sys
import threading
from pathlib import Path

import dagster as dg

from kzeval import warehouse
from pipelines.resources import KzevalResource, writer_lock_path

TRY_LOCK = """
import fcntl, sys
handle = open(sys.argv[1], "a+")
try:
    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
except BlockingIOError:
    sys.exit(1)
"""


def _free_for_another_process(lock: Path) -> bool:
    return subprocess.run([sys.executable, "-c", TRY_LOCK, str(lock)], check=False).returncode == 0


def _resource(tmp_path: Path) -> KzevalResource:
    return KzevalResource(warehouse_path=str(tmp_path / "wh" / "kzeval.duckdb"), landing_dir=str(tmp_path / "in"))


def test_a_run_holds_the_lock_from_its_first_write_until_released(tmp_path):
    resource = _resource(tmp_path)
    lock = writer_lock_path(resource.published)
    resource.build_for("run-1")
    assert not _free_for_another_process(lock)
    resource.build_for("run-1")  # the same run again: no second lock, no wait
    resource.release_writer_lock()
    assert _free_for_another_process(lock)


def test_an_overlapping_run_waits_instead_of_taking_the_build_over(tmp_path):
    first, second = _resource(tmp_path), _resource(tmp_path)
    first.build_for("run-1")
    done = threading.Event()

    def start_second() -> None:
        second.build_for("run-2")
        done.set()

    waiter = threading.Thread(target=start_second)
    waiter.start()
    assert not done.wait(0.5)  # run-2 waits while run-1 writes
    assert warehouse.build_owner(first.published) == "run-1"
    first.release_writer_lock()
    waiter.join(10)
    assert done.is_set()
    assert warehouse.build_owner(first.published) == "run-2"
    second.release_writer_lock()


def test_dagster_releases_the_lock_when_the_run_ends(tmp_path):
    @dg.asset
    def writes(context: dg.AssetExecutionContext, kzeval: KzevalResource) -> None:
        with kzeval.connect(context) as con:
            con.execute("CREATE TABLE core.t AS SELECT 1 AS x").fetchall()

    resource = _resource(tmp_path)
    with dg.instance_for_test() as instance:
        assert dg.materialize([writes], resources={"kzeval": resource}, instance=instance).success
    assert _free_for_another_process(writer_lock_path(resource.published))
