"""`kzeval validate` prints every problem of a drop and loads nothing."""

from __future__ import annotations

from pathlib import Path

from kzeval.validate import validate_drop
from tests.support.drops import APPEALS_CSV_HEADER

APPEALS_HEADER = APPEALS_CSV_HEADER
GOOD = "A{i},CGO-A,complaint,2024-02-01,2024-02-15,2024-02-10,,,,\n"


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_validate_lists_every_problem_and_writes_nothing(landing, tmp_path, capsys):
    good_rows = "".join(GOOD.format(i=i) for i in range(1, 41))
    bad_rows = "A90,CGO-A,complaint,2024-02-31,2024-02-15,,,,,\nA91,CGO-X,complaint,2024-02-01,2024-02-15,,,,,\n"
    landing("appeals", "a_2024-03.csv", APPEALS_HEADER + good_rows + bad_rows)  # 2 of 42 bad: loaded
    # the same extract date (in the name) with a different value: conflicts with a_2024-03.csv
    landing("appeals", "b_2024-03.csv", APPEALS_HEADER + GOOD.format(i=1).replace("02-10", "02-12"))
    landing("appeals", "c.json", "{}")
    landing("service_complaints", "c.csv", "agency_id,year,justified_complaints\nCGO-A,2024,x\n")  # held back
    landing(
        "openness_points", "p.csv", "agency_id,year,criterion,item,language,points\nCGO-A,2024,open_data,999,ru,1\n"
    )
    landing("mystery", "m.csv", "a\n1\n")
    root = tmp_path / "landing"
    before = _snapshot(tmp_path)

    problems = validate_drop(root)

    text = "\n".join(problems)
    assert "appeals/a_2024-03.csv: row 41, column received_on, value '2024-02-31': not a valid date" in text
    assert "appeals/a_2024-03.csv: row 42, column agency_id, value 'CGO-X': unknown agency" in text
    assert "appeals/b_2024-03.csv: row 1, column appeal_id, value 'A1': conflicting duplicate" in text
    assert "appeals/c.json: unsupported file type .json" in text
    assert "service_complaints/c.csv: row 1, column justified_complaints, value 'x'" in text
    assert "service_complaints/c.csv: held back whole" in text
    assert "openness_points/p.csv: row 1, column points" in text and "item 999" in text
    assert "mystery: folder is not a landing table" in text
    assert len(problems) == 8
    assert _snapshot(tmp_path) == before  # nothing written next to the drop, no warehouse, no raw store
    printed = capsys.readouterr().out
    assert printed.strip().splitlines()[-1].startswith("8 problem(s)")


def test_validate_reports_hierarchy_errors_and_a_missing_agencies_table(tmp_path):
    drop = tmp_path / "drop"
    (drop / "agencies").mkdir(parents=True)
    (drop / "agencies" / "a.csv").write_text(
        "agency_id,name_ru,body_type,parent_agency_id,is_assessed\nA,Орган,CGO,,true\nB,Отдел,CGO,Z,false\n"
    )
    problems = validate_drop(drop, echo=False)
    assert any("parent_agency_id 'Z'" in p for p in problems)
    empty = tmp_path / "empty"
    empty.mkdir()
    assert validate_drop(empty, echo=False) == [f"{empty}: no `agencies` folder: the agencies table is required"]
