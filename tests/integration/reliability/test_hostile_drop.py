"""`kzeval run` on the sample drop plus hostile files built here (issue 16 items 3, 5, 6, 7, 8).

Two fresh builds of the same drop (`kzeval run` as a subprocess, separate warehouses):

* personal data planted in the drop — IINs in an `iin` column, in an `ИИН` column, in
  `employee_id`, written with separators inside a comment, and names in `fio`, `ФИО`,
  `employee_name`, `фамилия` columns — is found nowhere the run writes: the published
  warehouse (every text value of every table), the raw store, the run's own output (its
  log) and every other file under the output folder;
* symbolic links (to a file outside the drop that would change scores, to /etc/passwd) are
  refused and named; hidden files, a misspelt `apeals/`, files at the drop root and a file
  named after a table are named in the run summary and in the ledger;
* a NUL byte inside a value past the first 4 KB quarantines that row ("control character");
* the two builds give the same marts, value for value (floating sums in a fixed order).
"""

from __future__ import annotations

import hashlib
import io
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl
import pytest

from tests.support.drops import sample_drop

pytestmark = pytest.mark.slow

YEAR = 2024
KEY = "hostile-drop-test-key-0123456789abcdef"
IINS = ("970120313144", "880305400125", "910707350012", "020202600777")
SPACED_IIN = "750101 300456"  # an IIN written with a separator: its digits must not survive either
NAMES = ("Иванов Иван Иванович", "Петрова Анна Сергеевна", "Сидоренко", "Ахметов Нурлан", "Жумабекова")
SECRETS = (*IINS, SPACED_IIN, SPACED_IIN.replace(" ", ""), *NAMES)


@dataclass
class Build:
    published: Path
    result: subprocess.CompletedProcess[str]


def _env(**extra: str) -> dict[str, str]:
    path = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    env = {**os.environ, "PATH": path, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false", **extra}
    env.pop("KZEVAL_PSEUDONYM_KEY_FILE", None)
    return env


def _run(drop: Path, published: Path, **env: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "kzeval.cli", "run", "--year", str(YEAR), "--landing", str(drop)]
    return subprocess.run(
        [*command, "--warehouse", str(published)], capture_output=True, text=True, env=_env(**env), check=False
    )


def _first_agency(drop: Path) -> str:
    return pl.read_csv(next((drop / "agencies").glob("*.csv")), infer_schema=False)["agency_id"][0]


def _plant(drop: Path, outside: Path) -> None:
    """The hostile files, next to the sample drop's own."""
    agency = _first_agency(drop)
    # IINs in employee_id, an ИИН column (second spelling), a comment with a spaced IIN and a name, name columns
    (drop / "overtime_orders" / "orders_extra.csv").write_text(
        "employee_id,agency_id,date,hours,act_ref,comment,ИИН,employee_name,фамилия\n"
        f"{IINS[0]},{agency},2024-03-02,2.0,A-1,ИИН {SPACED_IIN} {NAMES[0]},{IINS[1]},{NAMES[1]},{NAMES[2]}\n",
        encoding="utf-8",
    )
    # an `iin` column and a ФИО column (Windows-1251, semicolons)
    (drop / "qualifications").mkdir(exist_ok=True)
    employees = pl.read_csv(next((drop / "employees").glob("*.csv")), infer_schema=False)
    (drop / "employees" / "employees_iin.csv").write_bytes(
        (
            "iin;agency_id;gender;corps;is_leadership;hired_on;ФИО\n"
            f"{IINS[2]};{agency};M;B;false;2020-01-15;{NAMES[3]}\n"
        ).encode("cp1251")
    )
    assert employees.height > 0
    # a non-personal table whose extra comment holds an IIN and a name: the whole comment column goes
    header = "appeal_id,agency_id,kind,received_on,due_on,reviewed_on,redirected_on,redirect_due_on,court_satisfied_on"
    (drop / "appeals" / "appeals_notes.csv").write_text(
        f"{header},disciplinary,note\n"
        f"H-1,{agency},complaint,2024-02-01,2024-02-15,2024-02-10,,,,,заявитель {NAMES[4]} ИИН {IINS[3]}\n",
        encoding="utf-8",
    )
    # NUL inside a value past the first 4 KB: that row is quarantined, the others load
    rows = [f"N-{i},{agency},complaint,2024-02-01,2024-02-15,2024-02-10,,,,\n" for i in range(120)]
    rows[100] = f"N-100,{agency},compl\x00aint,2024-02-01,2024-02-15,2024-02-10,,,,\n"
    text = header + ",disciplinary\n" + "".join(rows)
    assert text.index("\x00") > 4096
    (drop / "appeals" / "appeals_nul.csv").write_text(text, encoding="utf-8")
    # links: to a file outside the drop that would add appeals, and to /etc/passwd
    (outside / "foreign.csv").write_text(
        f"{header},disciplinary\nX-1,{agency},complaint,2024-02-01,2024-02-15,2024-03-30,,,,\n", encoding="utf-8"
    )
    (drop / "appeals" / "linked.csv").symlink_to(outside / "foreign.csv")
    (drop / "appeals" / "passwd.csv").symlink_to("/etc/passwd")
    # silently ignored before: a hidden file, a misspelt folder, files at the root, a table name as a file
    (drop / "appeals" / ".draft.csv").write_text("appeal_id\nZ\n", encoding="utf-8")
    (drop / "apeals").mkdir()
    (drop / "apeals" / "appeals_late.csv").write_text("appeal_id\nZ\n", encoding="utf-8")
    (drop / "readme.csv").write_text("a\n1\n", encoding="utf-8")
    (drop / "appeals.csv").write_text("appeal_id\nZ\n", encoding="utf-8")


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, list[Build]]:
    base = tmp_path_factory.mktemp("hostile")
    drop, outside = base / "drop", base / "outside"
    outside.mkdir()
    sample_drop(drop, YEAR)
    _plant(drop, outside)
    runs = []
    for name in ("first", "second"):
        published = base / name / "warehouse.duckdb"
        published.parent.mkdir()
        result = _run(drop, published, KZEVAL_PSEUDONYM_KEY=KEY)
        assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
        runs.append(Build(published, result))
    return base, drop, runs


def _database_text(path: Path) -> list[str]:
    values: list[str] = []
    with duckdb.connect(str(path), read_only=True) as con:
        tables = con.execute("SELECT table_schema, table_name FROM information_schema.tables").fetchall()
        for schema, table in tables:
            frame = con.execute(f'SELECT * FROM "{schema}"."{table}"').pl()
            values.extend(frame.columns)
            for column in frame.columns:
                values.extend(str(v) for v in frame[column].cast(pl.Utf8).drop_nulls().to_list())
    return values


def _file_text(path: Path) -> list[str]:
    if path.suffix == ".duckdb":
        return _database_text(path)
    texts = [path.read_bytes().decode("utf-8", errors="replace"), path.read_bytes().decode("cp1251", errors="replace")]
    if path.suffix == ".parquet":
        frame = pl.read_parquet(path)
        texts.extend(frame.columns)
        for column in frame.columns:
            texts.extend(str(v) for v in frame[column].cast(pl.Utf8).drop_nulls().to_list())
    return texts


def test_no_iin_and_no_name_anywhere_the_run_writes(builds):
    base, drop, runs = builds
    written = [p for p in base.rglob("*") if p.is_file() and not p.is_relative_to(drop) and "outside" not in p.parts]
    assert any(p.suffix == ".duckdb" for p in written) and any("raw_files" in p.parts for p in written)
    texts = [runs[0].result.stdout, runs[0].result.stderr]
    for path in written:
        texts.extend(_file_text(path))
    for secret in SECRETS:
        assert not any(secret in text for text in texts), f"{secret!r} was stored or logged"
    # the IIN in employee_id got the same pseudonym an `iin` column gives: p_ + HMAC, not dropped
    with duckdb.connect(str(runs[0].published), read_only=True) as con:
        ids = [
            r[0] for r in con.execute("SELECT employee_id FROM raw.overtime_orders WHERE act_ref = 'A-1'").fetchall()
        ]
        columns = [r[0] for r in con.execute("DESCRIBE raw.overtime_orders").fetchall()]
    import hmac

    assert ids == ["p_" + hmac.new(KEY.encode(), IINS[0].encode(), hashlib.sha256).hexdigest()[:16]]
    assert not {"comment", "иин", "employee_name", "фамилия"} & set(columns)


def test_links_and_ignored_files_are_named_in_the_summary_and_the_ledger(builds):
    _, _, runs = builds
    summary = runs[0].result.stdout
    expected = {
        "appeals/linked.csv": "symbolic link refused",
        "appeals/passwd.csv": "symbolic link refused",
        "appeals/.draft.csv": "hidden file",
        "apeals": "did you mean 'appeals'?",
        "readme.csv": "file at the drop root",
        "appeals.csv": "named after the table 'appeals'",
    }
    with duckdb.connect(str(runs[0].published), read_only=True) as con:
        ledger = dict(
            con.execute("SELECT file_path, message FROM audit.load_ledger WHERE status = 'ignored'").fetchall()
        )
        linked = con.execute("SELECT count(*) FROM raw.appeals WHERE appeal_id = 'X-1'").fetchone()
    for path, words in expected.items():
        assert any(line.startswith(f"  IGNORED: {path}: ") and words in line for line in summary.splitlines()), path
        assert path in ledger and words in ledger[path]
    assert linked == (0,)  # the linked file's appeal did not land
    assert "root:x:0" not in summary  # /etc/passwd was not read


def test_nul_past_4kb_quarantines_its_row_only(builds):
    _, _, runs = builds
    with duckdb.connect(str(runs[0].published), read_only=True) as con:
        quarantined = con.execute(
            "SELECT row_number, column_name, value, reason FROM quarantine.rows WHERE file_path = 'appeals/appeals_nul.csv'"
        ).fetchall()
        landed = con.execute("SELECT count(*) FROM raw.appeals WHERE appeal_id LIKE 'N-%'").fetchone()
        nul_in_raw = con.execute("SELECT count(*) FROM raw.appeals WHERE contains(kind, chr(0))").fetchone()
    assert (
        101,
        "kind",
        "compl\\x00aint",
        "control character in the value (e.g. a NUL byte): the row is not loaded",
    ) in quarantined
    assert landed == (119,) and nul_in_raw == (0,)


def _export_marts(published: Path) -> dict[str, str]:
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
            # loaded_at differs between two builds by construction: every other value must be equal
            frame = con.execute(f"SELECT * FROM marts.{table}").pl()
            frame = frame.drop([c for c in frame.columns if c in ("loaded_at", "computed_at", "run_id")])
            frame.sort(frame.columns).write_csv(buffer, float_precision=None)
            hashes[table] = hashlib.sha256(buffer.getvalue()).hexdigest()
    return hashes


def test_two_fresh_builds_give_identical_marts(builds):
    _, _, runs = builds
    first, second = (_export_marts(b.published) for b in runs)
    assert first.keys() == second.keys() and "fct_overtime" in first and "fct_national_rollup" in first
    assert first == second


def test_without_a_key_the_run_stops_before_landing_with_one_line(builds, tmp_path):
    _, drop, _ = builds
    result = _run(drop, tmp_path / "w.duckdb", KZEVAL_PSEUDONYM_KEY="")
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "no pseudonym key" in lines[0] and "Traceback" not in result.stderr
    assert "employees/employees_iin.csv holds IINs" in lines[0]
    assert not (tmp_path / "w.duckdb").exists()
