"""``kzeval report``: default output paths, read-only use of the warehouse, readable errors."""

from __future__ import annotations

import argparse
import hashlib
from pathlib import Path

import openpyxl
import pytest

from kzeval.cli import build_parser
from kzeval.reports.cli import cmd_report, default_out


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _args(warehouse: Path, *extra: str) -> argparse.Namespace:
    return build_parser().parse_args(["report", "--year", "2024", "--warehouse", str(warehouse), *extra])


def test_default_out() -> None:
    assert default_out(2024, None, "html") == Path("data/reports/2024/national.html")
    assert default_out(2024, "CGO-A", "xlsx") == Path("data/reports/2024/CGO-A.xlsx")
    assert default_out(2024, "../x", "html") == Path("data/reports/2024/.._x.html")


def test_reports_written_to_default_paths_and_warehouse_untouched(
    warehouse: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    before = _digest(warehouse)
    files_before = sorted(p.name for p in warehouse.parent.iterdir())
    assert cmd_report(_args(warehouse, "--format", "html")) == 0
    assert cmd_report(_args(warehouse, "--format", "xlsx")) == 0
    assert cmd_report(_args(warehouse, "--agency", "CGO-A", "--format", "html")) == 0
    assert cmd_report(_args(warehouse, "--agency", "MIO-35", "--format", "xlsx")) == 0
    out = tmp_path / "data" / "reports" / "2024"
    assert sorted(p.name for p in out.iterdir()) == ["CGO-A.html", "MIO-35.xlsx", "national.html", "national.xlsx"]
    assert "Национальный рейтинг" in (out / "national.html").read_text(encoding="utf-8")
    assert openpyxl.load_workbook(out / "MIO-35.xlsx")["Сводка"]["A2"].value == "Акимат Карагандинской области"
    assert "written to data/reports/2024/CGO-A.html" in capsys.readouterr().out
    # read-only: the file is byte-identical and no WAL or lock file appeared next to it
    assert _digest(warehouse) == before
    assert sorted(p.name for p in warehouse.parent.iterdir()) == files_before


def test_explicit_out(warehouse: Path, tmp_path: Path) -> None:
    target = tmp_path / "elsewhere" / "report.html"
    assert cmd_report(_args(warehouse, "--agency", "MIO-71", "--out", str(target))) == 0
    assert "Акимат города Астаны" in target.read_text(encoding="utf-8")


def test_errors_are_readable(warehouse: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = ["--out", str(tmp_path / "x.html")]
    assert cmd_report(_args(warehouse, "--agency", "CGO-A-T", *out)) == 1
    assert "rolls up to CGO-A" in capsys.readouterr().err
    assert cmd_report(_args(tmp_path / "missing.duckdb", *out)) == 1
    assert "does not exist yet" in capsys.readouterr().err
    args = build_parser().parse_args(["report", "--year", "2019", "--warehouse", str(warehouse), *out])
    assert cmd_report(args) == 1
    assert "no block scores for 2019" in capsys.readouterr().err
    assert not (tmp_path / "x.html").exists()
