"""marts.fct_data_quality on a hand-made drop: every count checked by hand.

The drop is loaded with the real loader into a scratch warehouse, then dbt builds only
``fct_data_quality`` (and runs its tests) against it, with its own target and log folders.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from kzeval.landing.loader import load_table
from kzeval.steps.core import ensure_core_tables
from kzeval.warehouse import ensure_schemas

DBT_PROJECT = Path(__file__).resolve().parents[3] / "dbt_project"
HEADER = "agency_id,service_code,month,channel,rendered,overdue,overdue_excluded_outage\n"


def _rows(agency: str, month: str, codes: range) -> str:
    return "".join(f"{agency},S{i},{month},electronic,10,0,0\n" for i in codes)


@pytest.mark.slow
def test_data_quality_counts(landing, tmp_path):
    # a.csv: 19 good rows + 1 bad (1/20 = 5 %, not above 5 %): loaded
    landing(
        "services_rendered",
        "a.csv",
        HEADER
        + _rows("CGO-A", "2024-01-01", range(1, 11))  # 10 rows, 2024, CGO-A
        + _rows("MIO-35", "2024-02-01", range(1, 6))  # 5 rows, 2024, MIO-35
        + _rows("CGO-A", "2023-12-01", range(1, 5))  # 4 rows, 2023, CGO-A
        + "CGO-A,S99,2024-03-01,electronic,x,0,0\n",  # bad: 2024, CGO-A
    )
    # b.csv: 1 good + 1 bad (50 %): held back whole
    landing(
        "services_rendered",
        "b.csv",
        HEADER + _rows("MIO-35", "2024-05-01", range(7, 8)) + "MIO-35,S8,2024-05-01,electronic,abc,0,0\n",
    )
    landing("services_rendered", "c.txt", "not a table")  # rejected
    # u.csv: 30 good + 1 unknown agency (1/31): loaded
    landing(
        "services_rendered",
        "u.csv",
        HEADER + _rows("CGO-A", "2024-07-01", range(1, 31)) + _rows("CGO-X", "2024-07-01", range(1, 2)),
    )
    # v.csv version 1: one bad row (held back); version 2 replaces it with one good row
    version = landing("services_rendered", "v.csv", HEADER + "CGO-A,S50,2024-06-01,electronic,5,9,0\n")
    root = version.parents[1]
    published = tmp_path / "wh" / "kzeval.duckdb"
    published.parent.mkdir()
    with duckdb.connect(str(published)) as con:
        ensure_schemas(con)
        ensure_core_tables(con)  # the mart joins core.overtime_unit_quality
        load_table(con, root, "agencies", None)
        load_table(con, root, "services_rendered", None)
        version.write_text(HEADER + "CGO-A,S50,2024-06-01,electronic,5,1,0\n")
        load_table(con, root, "services_rendered", None)
        # turnstile: two events of CGO-A, one of MIO-35; the overtime engine found 3 unclosed days at CGO-A
        landing(
            "turnstile_events",
            "2024-03.csv",
            "employee_id,agency_id,event_ts,direction,gate_id\n"
            "E1,CGO-A,2024-03-04T09:00:00,in,G1\nE1,CGO-A,2024-03-04T19:00:00,out,G1\n"
            "E2,MIO-35,2024-03-04T09:00:00,in,G2\n",
        )
        load_table(con, root, "turnstile_events", None)
        con.execute("INSERT INTO core.overtime_unit_quality VALUES (2024, 'CGO-A', 3, 0), (2023, 'MIO-35', 7, 0)")

    env = {**os.environ, "KZEVAL_DBT_DUCKDB_PATH": str(published), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    dbt = Path(sys.executable).with_name("dbt")
    project = ["--project-dir", str(DBT_PROJECT), "--profiles-dir", str(DBT_PROJECT)]
    scratch = ["--target-path", str(tmp_path / "target"), "--log-path", str(tmp_path / "logs")]
    result = subprocess.run(
        [str(dbt), "build", "--select", "fct_data_quality", *project, *scratch],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:]

    with duckdb.connect(str(published), read_only=True) as con:
        rows = con.execute(
            "SELECT year, landing_table, agency_id, rows_loaded, rows_quarantined, files_held_back, rows_held_back, "
            "files_rejected, unclosed_turnstile_days FROM marts.fct_data_quality ORDER BY ALL NULLS FIRST"
        ).fetchall()
    assert rows == [
        (None, "agencies", "CGO-A", 1, 0, 0, 0, 0, None),
        (None, "agencies", "CGO-A-T", 1, 0, 0, 0, 0, None),
        (None, "agencies", "MIO-35", 1, 0, 0, 0, 0, None),
        (None, "services_rendered", None, 0, 0, 0, 0, 1, None),  # c.txt
        (2023, "services_rendered", "CGO-A", 4, 0, 0, 0, 0, None),
        # 10 (a) + 30 (u) + 1 (v version 2); the bad row of a; v version 1 superseded, not counted
        (2024, "services_rendered", "CGO-A", 41, 1, 0, 0, 0, None),
        (2024, "services_rendered", "CGO-X", 0, 1, 0, 0, 0, None),  # unknown agency, as delivered
        (2024, "services_rendered", "MIO-35", 5, 1, 1, 2, 0, None),  # 5 from a; b held back (2 rows, 1 bad)
        (2024, "turnstile_events", "CGO-A", 2, 0, 0, 0, 0, 3),
        (2024, "turnstile_events", "MIO-35", 1, 0, 0, 0, 0, 0),  # its unclosed days were in another year
    ]
