"""Command line: argument errors are caught before any work starts."""

from __future__ import annotations

from kzeval.cli import main


def test_unknown_reading_is_rejected_with_the_known_names(tmp_path, capsys):
    code = main(
        [
            "run",
            "--year",
            "2024",
            "--landing",
            str(tmp_path),
            "--warehouse",
            str(tmp_path / "w.duckdb"),
            "--reading",
            "svc.no_such_reading=x",
        ]
    )
    assert code == 2
    err = capsys.readouterr().err
    assert "unknown reading 'svc.no_such_reading'" in err and "svc.automation_effectiveness" in err
    assert not (tmp_path / "w.duckdb").exists()


def test_bad_reading_value_lists_the_options(tmp_path, capsys):
    code = main(
        [
            "run",
            "--year",
            "2024",
            "--landing",
            str(tmp_path),
            "--warehouse",
            str(tmp_path / "w.duckdb"),
            "--reading",
            "svc.automation_effectiveness=median",
        ]
    )
    assert code == 2
    assert "average" in capsys.readouterr().err


def test_reading_without_value_is_rejected(tmp_path, capsys):
    code = main(["run", "--year", "2024", "--landing", str(tmp_path), "--reading", "svc.automation_effectiveness"])
    assert code == 2
    assert "NAME=VALUE" in capsys.readouterr().err
