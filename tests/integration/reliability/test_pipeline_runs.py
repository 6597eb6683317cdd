"""Whole runs (`kzeval run` as a subprocess) on the sample drop plus a few bad files.

One scenario, four runs into the same warehouse (3 complete + 1 killed), observed by the
tests below:

1. run 1 publishes the state S;
2. run 2 is killed with SIGKILL (whole process group) while dbt is building the marts;
   read-only sessions opened in a loop during it see S, never a lock error;
3. run 3 completes while read-only sessions keep opening the warehouse; run 4 completes.

Runs 1, 3 and 4 load the same drop: their marts must be byte-identical (every marts table
exported sorted to CSV and hashed).
"""

from __future__ import annotations

import hashlib
import io
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pytest

from kzeval import warehouse
from tests.support.drops import sample_drop

YEAR = 2024
DBT_PROJECT_DIR = Path(__file__).resolve().parents[3] / "dbt_project"
pytestmark = pytest.mark.slow


def export_marts(published: Path) -> dict[str, str]:
    """SHA-256 of every marts table, sorted on all columns and written as CSV."""
    with duckdb.connect(str(published), read_only=True) as con:
        tables = [
            r[0]
            for r in con.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'marts' ORDER BY 1"
            ).fetchall()
        ]
        hashes = {}
        for table in tables:
            buffer = io.BytesIO()
            con.execute(f"SELECT * FROM marts.{table} ORDER BY ALL").pl().write_csv(buffer)
            hashes[table] = hashlib.sha256(buffer.getvalue()).hexdigest()
    return hashes


def _file_sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _command(drop: Path, published: Path) -> list[str]:
    run = ["run", "--year", str(YEAR), "--landing", str(drop), "--warehouse", str(published)]
    return [sys.executable, "-m", "kzeval.cli", *run]


def _env() -> dict[str, str]:
    """The test's environment with this interpreter's scripts (dbt) first on PATH."""
    path = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    return {**os.environ, "PATH": path, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}


def _run(drop: Path, published: Path) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(_command(drop, published), capture_output=True, text=True, env=_env(), check=False)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    return result


def _dbt_replaced_a_mart(started: float) -> bool:
    """True once the run's dbt invocation (in the run's process) has rebuilt a marts table in the build.

    dbt writes its log to the invocation's own target folder (``dbt_project/target/kzeval_dbt_models-*``).
    """
    for log in (DBT_PROJECT_DIR / "target").glob("kzeval_dbt_models-*/dbt.log"):
        try:
            if log.stat().st_mtime >= started and b"created sql table model marts." in log.read_bytes():
                return not (log.parent / "run_results.json").exists()
        except OSError:
            continue
    return False


@dataclass
class Readers:
    """Read-only sessions opened in a loop on the published file while a run is in progress."""

    published: Path
    expected: dict[str, str]
    seen: int = 0
    errors: list[str] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                state = export_marts(self.published)
            except Exception as exc:  # a lock or I/O error is exactly what must never happen
                self.errors.append(f"{type(exc).__name__}: {exc}")
            else:
                if state != self.expected:
                    self.errors.append("a reader saw a state that is not the published one")
                self.seen += 1
            time.sleep(0.2)

    def __enter__(self) -> Readers:
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        assert self._thread is not None
        self._thread.join()


@dataclass
class Scenario:
    drop: Path
    published: Path
    agency: str
    first: subprocess.CompletedProcess[str]
    exports: list[dict[str, str]]
    published_sha_before_kill: str
    published_sha_after_kill: str
    killed_during_dbt: bool
    build_left_by_kill: bool
    readers_during_kill: Readers
    readers_during_run: Readers


def _add_bad_files(drop: Path) -> str:
    """Bad input next to the sample drop: a loaded file with one bad row, a held-back and a rejected file."""
    agency = (drop / "agencies" / "agencies.csv").read_text(encoding="utf-8").splitlines()[1].split(",")[0]
    header = (drop / "appeals" / "appeals_2024.csv").read_text(encoding="utf-8").splitlines()[0]
    rows = [f"X{i:04d},{agency},complaint,2024-03-0{1 + i % 9},2024-04-01,2024-03-20,,,," for i in range(30)]
    rows.append(f"X0999,{agency},complaint,2024-02-30,2024-04-01,,,,,")  # no 30 February
    (drop / "appeals" / "zz_extra.csv").write_text(header + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    (drop / "appeals" / "readme.txt").write_text("not a data file\n", encoding="utf-8")
    (drop / "service_complaints" / "zz_late.csv").write_text(
        f"agency_id,year,justified_complaints\n{agency},2023,3\n{agency},2023,lots\n", encoding="utf-8"
    )
    return agency


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Scenario:
    root = tmp_path_factory.mktemp("runs")
    drop = root / "drop"
    sample_drop(drop, YEAR)
    agency = _add_bad_files(drop)
    published = root / "warehouse" / "kzeval.duckdb"

    first = _run(drop, published)
    exports = [export_marts(published)]

    sha_before = _file_sha(published)
    with Readers(published, exports[0]) as during_kill:
        process = subprocess.Popen(
            _command(drop, published),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=_env(),
            start_new_session=True,
        )
        started = time.time() - 1.0  # file times may be coarser than the clock
        killed_during_dbt = False
        while process.poll() is None:
            if _dbt_replaced_a_mart(started):
                killed_during_dbt = process.poll() is None
                os.killpg(process.pid, signal.SIGKILL)
                break
            time.sleep(0.05)
        process.wait()
    sha_after = _file_sha(published)
    build_left = warehouse.build_path(published).exists()

    with Readers(published, exports[0]) as during_run:
        _run(drop, published)
    exports.append(export_marts(published))
    _run(drop, published)
    exports.append(export_marts(published))
    return Scenario(
        drop,
        published,
        agency,
        first,
        exports,
        sha_before,
        sha_after,
        killed_during_dbt,
        build_left,
        during_kill,
        during_run,
    )


def test_three_loads_of_the_same_drop_give_byte_identical_marts(scenario: Scenario) -> None:
    first, *later = scenario.exports
    assert "fct_block_scores" in first and "fct_data_quality" in first
    for export in later:
        assert export == first


def test_a_killed_run_leaves_the_published_warehouse_intact(scenario: Scenario) -> None:
    assert scenario.killed_during_dbt, "the run finished before it could be killed during dbt"
    assert scenario.build_left_by_kill  # the half-built copy was there (and discarded by the next run)
    assert scenario.published_sha_after_kill == scenario.published_sha_before_kill
    assert not warehouse.build_path(scenario.published).exists()  # the next runs completed and published


def test_readers_during_runs_never_fail_and_never_see_a_half_state(scenario: Scenario) -> None:
    for readers in (scenario.readers_during_kill, scenario.readers_during_run):
        assert readers.errors == []
        assert readers.seen >= 3


def test_bad_input_is_reported_and_kept(scenario: Scenario) -> None:
    summary = scenario.first.stdout
    assert "appeals/readme.txt: unsupported file type" in summary
    assert "service_complaints/zz_late.csv: held back whole" in summary
    with duckdb.connect(str(scenario.published), read_only=True) as con:
        quarantined = con.execute(
            "SELECT file_path, row_number, column_name, value, agency_id FROM quarantine.rows ORDER BY ALL"
        ).fetchall()
        assert (
            "appeals/zz_extra.csv",
            31,
            "received_on",
            "2024-02-30",
            scenario.agency,
        ) in quarantined
        assert con.execute("SELECT count(*) FROM raw.appeals WHERE appeal_id LIKE 'X0%'").fetchone() == (30,)
        quality = con.execute(
            "SELECT landing_table, year, agency_id, rows_quarantined, files_held_back, files_rejected "
            "FROM marts.fct_data_quality WHERE rows_quarantined + files_held_back + files_rejected > 0 ORDER BY ALL"
        ).fetchall()
    assert quality == [
        ("appeals", None, scenario.agency, 1, 0, 0),  # its received_on (the year) is the bad value
        ("appeals", None, None, 0, 0, 1),  # readme.txt
        ("service_complaints", 2023, scenario.agency, 1, 1, 0),
    ]
