"""Two writers of one warehouse: nothing one of them published is silently undone (issue 16 item 2).

Every writer (`kzeval run`, the sensor's and schedules' runs, the monthly reload, `kzeval
recompute`) takes the one writer lock before it copies the published file and keeps it until
it has published; a writer that has to wait says so in one line naming the holder. Behind
the lock, publication compares the published file with the generation the build was copied
from and refuses (the run fails, non-zero exit) if another writer published in between.

The slow tests run `kzeval run` and `kzeval recompute` (the dispute drop of tests/disputes:
the commission's decisions K-1 and K-2 raise C1's interaction block from 69.81 to 75.56, see
test_disputes_end_to_end.py) as overlapping processes, in both orders: the decision survives.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from kzeval import warehouse
from pipelines.defs.publish import published_warehouse
from pipelines.launch import _failure_reason
from pipelines.resources import KzevalResource
from tests.support.drops import YEAR, build_drop, write_corrections

HOLDER = """
import sys
from pathlib import Path
from kzeval import warehouse

handle = warehouse.acquire_writer_lock(Path(sys.argv[1]), sys.argv[2])
print("held", flush=True)
sys.stdin.read()  # hold the lock until the test closes our stdin
"""


def _tiny_warehouse(path: Path, value: int) -> None:
    with duckdb.connect(str(path)) as con:
        con.execute(f"CREATE OR REPLACE TABLE t AS SELECT {value} AS v").fetchall()


def _value(path: Path) -> int:
    with duckdb.connect(str(path), read_only=True) as con:
        row = con.execute("SELECT v FROM t").fetchone()
    assert row is not None
    return int(row[0])


def _publish_elsewhere(published: Path, value: int) -> None:
    """Another writer publishes ``value`` (as recompute does: its own copy, renamed over the published file)."""
    other = published.with_name("other.duckdb")
    base = warehouse.published_generation(published)
    shutil.copyfile(published, other)
    with duckdb.connect(str(other)) as con:
        con.execute(f"UPDATE t SET v = {value}").fetchall()
    warehouse.publish(published, build=other, base=base)


# ---------------------------------------------------------------------------------------
# Publication refuses a state that changed under it
# ---------------------------------------------------------------------------------------


def test_publish_refuses_when_another_writer_published_after_the_build_started(tmp_path):
    published = tmp_path / "wh.duckdb"
    _tiny_warehouse(published, 1)
    build = warehouse.begin_build(published, "run-a")  # run-a copies state 1 …
    _publish_elsewhere(published, 2)  # … another writer publishes state 2 (say, a commission decision) …
    with duckdb.connect(str(build)) as con:
        con.execute("UPDATE t SET v = 10").fetchall()
    with pytest.raises(warehouse.PublishedChanged, match="published by another writer"):
        warehouse.publish(published, "run-a")  # … and run-a may not replace it with its state 1 + own work
    assert _value(published) == 2


def test_publish_goes_through_when_the_published_file_is_the_one_the_build_started_from(tmp_path):
    published = tmp_path / "wh.duckdb"
    _tiny_warehouse(published, 1)
    build = warehouse.begin_build(published, "run-a")
    with duckdb.connect(str(build)) as con:
        con.execute("UPDATE t SET v = 10").fetchall()
    warehouse.publish(published, "run-a")
    assert _value(published) == 10
    _publish_elsewhere(published, 11)  # a private copy with its recorded base publishes too
    assert _value(published) == 11 and not published.with_name("other.duckdb").exists()


def test_a_private_copy_is_refused_when_the_published_file_changed(tmp_path):
    published = tmp_path / "wh.duckdb"
    _tiny_warehouse(published, 1)
    base = warehouse.published_generation(published)
    trial = tmp_path / "trial.duckdb"
    shutil.copyfile(published, trial)
    _publish_elsewhere(published, 2)
    with pytest.raises(warehouse.PublishedChanged):
        warehouse.publish(published, build=trial, base=base)
    assert _value(published) == 2 and trial.exists()


def test_a_first_publication_is_refused_if_someone_else_published_first(tmp_path):
    published = tmp_path / "wh.duckdb"
    warehouse.begin_build(published, "run-a")  # nothing published yet: generation "none"
    _tiny_warehouse(published, 7)
    with pytest.raises(warehouse.PublishedChanged, match="none"):
        warehouse.publish(published, "run-a")
    assert _value(published) == 7


# ---------------------------------------------------------------------------------------
# The lock: a second writer waits, and says what for
# ---------------------------------------------------------------------------------------


def test_a_waiting_writer_says_in_one_line_what_it_waits_for(tmp_path):
    published = tmp_path / "wh.duckdb"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(published), "kzeval recompute --year 2024 --agency C1"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        said: list[str] = []
        acquired = threading.Event()

        def second_writer() -> None:
            with warehouse.writer_lock(published, "kzeval run", on_wait=said.append):
                acquired.set()

        waiter = threading.Thread(target=second_writer)
        waiter.start()
        assert not acquired.wait(1.0)  # it waits while the other process writes
        assert len(said) == 1 and "\n" not in said[0]
        assert said[0].startswith("waiting for the warehouse writer lock wh.writer.lock: held by ")
        assert f"kzeval recompute --year 2024 --agency C1 (process {holder.pid}, since " in said[0]
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(30)
    waiter.join(30)
    assert acquired.is_set() and len(said) == 1
    assert "kzeval run (process" in warehouse.writer_lock_path(published).read_text()


def test_the_publication_step_waits_for_another_writer(tmp_path):
    """A run whose publication step finds the lock taken (say, by a recompute) waits, then publishes."""
    published = tmp_path / "wh" / "kzeval.duckdb"
    published.parent.mkdir()
    _tiny_warehouse(published, 1)
    resource = KzevalResource(warehouse_path=str(published), landing_dir=str(tmp_path / "in"))
    build = warehouse.begin_build(published, "run-p")
    with duckdb.connect(str(build)) as con:
        con.execute("UPDATE t SET v = 3").fetchall()
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(published), "kzeval recompute --year 2024 --agency C1"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    published_by_step = threading.Event()

    class Log:  # the Dagster step log: a waiting step warns
        def __init__(self) -> None:
            self.lines: list[str] = []

        def warning(self, line: str) -> None:
            self.lines.append(line)

    log = Log()

    def publication_step() -> None:  # what the published_warehouse asset does
        resource.hold_writer_lock(log, "run-p")
        warehouse.publish(published, "run-p")
        published_by_step.set()

    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        step = threading.Thread(target=publication_step)
        step.start()
        assert not published_by_step.wait(1.0) and _value(published) == 1
        assert len(log.lines) == 1 and "held by kzeval recompute --year 2024 --agency C1" in log.lines[0]
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(30)
    step.join(30)
    resource.release_writer_lock()
    assert published_by_step.is_set() and _value(published) == 3


def test_a_run_fails_clearly_when_the_published_file_changed_under_it(tmp_path):
    """The real publication asset in a Dagster run: the step fails with the reason, the newer state stays."""
    published = tmp_path / "wh" / "kzeval.duckdb"
    published.parent.mkdir()
    _tiny_warehouse(published, 1)

    @dg.asset(key=["marts", "fct_block_scores"])  # one of the marts the publication asset follows
    def writes(context, kzeval: KzevalResource) -> None:  # type: ignore[no-untyped-def]
        with kzeval.connect(context) as con:
            con.execute("UPDATE t SET v = 10").fetchall()
        _publish_elsewhere(published, 2)  # a writer that ignores the lock (an old version, a manual copy)

    resource = KzevalResource(warehouse_path=str(published), landing_dir=str(tmp_path / "in"))
    with dg.instance_for_test() as instance:
        result = dg.materialize(
            [writes, published_warehouse],
            resources={"kzeval": resource},
            instance=instance,
            raise_on_error=False,
        )
    assert not result.success
    failures = [e for e in result.all_events if e.event_type_value == "STEP_FAILURE"]
    assert len(failures) == 1 and failures[0].step_key == "published_warehouse"
    reason = _failure_reason(failures[0].step_failure_data.error)  # what `kzeval run` prints
    assert reason.startswith("kzeval.warehouse.PublishedChanged: ") and "published by another writer" in reason
    assert _value(published) == 2


# ---------------------------------------------------------------------------------------
# `kzeval run` and `kzeval recompute` overlapping, both orders
# ---------------------------------------------------------------------------------------

C1_BEFORE, C1_AFTER = 69.81, 75.56  # interaction block of C1 before / after K-1 and K-2


def _env() -> dict[str, str]:
    path = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    return {**os.environ, "PATH": path, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}


def _start(argv: list[str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen([sys.executable, "-m", "kzeval.cli", *argv], stdout=out, stderr=out, env=_env())


def _wait_until_holding(process: subprocess.Popen[bytes], published: Path, log: Path) -> None:
    """Until ``process`` has written its holder line into the lock file (it holds the lock)."""
    lock = warehouse.writer_lock_path(published)
    deadline = time.monotonic() + 300
    while not (lock.exists() and f"(process {process.pid}," in lock.read_text()):
        assert process.poll() is None, f"exited before taking the lock:\n{log.read_text()[-3000:]}"
        assert time.monotonic() < deadline, "never took the writer lock"
        time.sleep(0.05)


def _finish(process: subprocess.Popen[bytes], log: Path) -> str:
    code = process.wait(timeout=900)
    text = log.read_text()
    assert code == 0, text[-4000:]
    return text


def _c1(published: Path) -> tuple[float, list[str]]:
    with duckdb.connect(str(published), read_only=True) as con:
        row = con.execute(
            "SELECT score_rounded FROM marts.fct_block_scores WHERE year = ? AND agency_id = 'C1' "
            "AND block = 'interaction'",
            [YEAR],
        ).fetchone()
        applied = [
            r[0]
            for r in con.execute(
                "SELECT DISTINCT correction_id FROM audit.corrections_applied WHERE assessed_agency_id = 'C1' "
                "ORDER BY 1"
            ).fetchall()
        ]
    assert row is not None
    return float(row[0]), applied


@pytest.fixture(scope="module")
def assessed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The dispute drop assessed once (C1 at 69.81); each test works on its own copy of the folder."""
    from pipelines.launch import run_assessment

    root = tmp_path_factory.mktemp("writers")
    build_drop(root / "landing")
    published = root / "warehouse" / "kzeval.duckdb"
    result = run_assessment(YEAR, root / "landing", published)
    assert result.success, result.failures
    write_corrections(root / "decisions")  # the commission's decisions: only recompute reads this folder
    yield root


def _copy(assessed: Path, tmp_path: Path) -> tuple[Path, list[str], list[str]]:
    shutil.copytree(assessed / "warehouse", tmp_path / "warehouse")
    published = tmp_path / "warehouse" / "kzeval.duckdb"
    assert _c1(published)[0] == pytest.approx(C1_BEFORE)
    run = ["run", "--year", str(YEAR), "--landing", str(assessed / "landing"), "--warehouse", str(published)]
    recompute = ["recompute", "--year", str(YEAR), "--agency", "C1", "--landing", str(assessed / "decisions")]
    return published, run, [*recompute, "--warehouse", str(published)]


@pytest.mark.slow
def test_recompute_overlapping_a_run_waits_and_its_decision_is_published(assessed, tmp_path):
    published, run, recompute = _copy(assessed, tmp_path)
    run_log, recompute_log = tmp_path / "run.log", tmp_path / "recompute.log"
    first = _start(run, run_log)
    _wait_until_holding(first, published, run_log)
    second = _start(recompute, recompute_log)
    run_out, recompute_out = _finish(first, run_log), _finish(second, recompute_log)
    waits = [line for line in recompute_out.splitlines() if line.startswith("waiting for the warehouse writer lock")]
    assert len(waits) == 1 and "held by Dagster run " in waits[0] and f"(process {first.pid}," in waits[0]
    assert "waiting for" not in run_out
    # the decision is in the published warehouse: 69.81 → 75.56 (worked out in test_disputes_end_to_end)
    assert _c1(published) == (pytest.approx(C1_AFTER), ["K-1", "K-2"])


@pytest.mark.slow
def test_run_overlapping_a_recompute_waits_and_keeps_the_decision(assessed, tmp_path):
    published, run, recompute = _copy(assessed, tmp_path)
    run_log, recompute_log = tmp_path / "run.log", tmp_path / "recompute.log"
    first = _start(recompute, recompute_log)
    _wait_until_holding(first, published, recompute_log)
    second = _start(run, run_log)
    recompute_out, run_out = _finish(first, recompute_log), _finish(second, run_log)
    assert "Общий балл с учетом итогов обжалования" in recompute_out
    waits = [line for line in run_out.splitlines() if "waiting for the warehouse writer lock" in line]
    assert len(waits) == 1 and "held by kzeval recompute --year 2024 --agency C1" in waits[0]
    # the run started from the recomputed warehouse: the corrections stay applied, nothing is lost
    assert _c1(published) == (pytest.approx(C1_AFTER), ["K-1", "K-2"])
