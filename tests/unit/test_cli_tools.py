"""The command line as a tool (issue 18): one-line user errors, help texts, progress, quiet dbt, pseudonym."""

from __future__ import annotations

import ast
import io
import os
import sys
from pathlib import Path
from types import SimpleNamespace

import polars as pl
import pytest

from kzeval.cli import COMMANDS, build_parser, main
from kzeval.cli._common import UserError, quiet_stdout
from kzeval.progress import Progress, progress_note
from kzeval.pseudonym import replace_iin_column

KEY = "0123456789abcdef0123456789abcdef"


def _one_line_error(capsys: pytest.CaptureFixture[str], code: int, expected: str) -> None:
    out = capsys.readouterr()
    assert code == 2
    lines = out.err.strip().splitlines()
    assert len(lines) == 1 and expected in lines[0], out.err
    assert "Traceback" not in out.err


def test_missing_landing_folder_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        ["run", "--year", "2024", "--landing", str(tmp_path / "nope"), "--warehouse", str(tmp_path / "w.duckdb")]
    )
    _one_line_error(capsys, code, f"landing folder {tmp_path / 'nope'} does not exist")


def test_year_outside_the_partitions_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["run", "--year", "2019", "--landing", str(tmp_path), "--warehouse", str(tmp_path / "w.duckdb")])
    _one_line_error(capsys, code, "year 2019 is outside the assessment years 2020–")


def test_warehouse_in_a_folder_that_cannot_exist_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "file").write_text("not a folder", encoding="utf-8")
    warehouse = tmp_path / "file" / "w.duckdb"
    code = main(["run", "--year", "2024", "--landing", str(tmp_path), "--warehouse", str(warehouse)])
    _one_line_error(capsys, code, f"warehouse folder {warehouse.parent} cannot be created")


def test_reading_a_warehouse_in_a_missing_folder_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    warehouse = tmp_path / "missing" / "w.duckdb"
    code = main(["explain", "--year", "2024", "--agency", "CGO-MF", "--warehouse", str(warehouse)])
    _one_line_error(capsys, code, f"warehouse folder {warehouse.parent} does not exist")
    assert not warehouse.parent.exists()


def test_years_are_not_capped_at_2030() -> None:
    from datetime import date

    from pipelines.partitions import is_year_partition

    assert is_year_partition(2031, today=date(2031, 3, 1))
    assert not is_year_partition(2032, today=date(2031, 3, 1))  # no future year
    assert not is_year_partition(2019, today=date(2031, 3, 1))


def test_debug_shows_the_traceback(tmp_path: Path) -> None:
    with pytest.raises(UserError):
        main(["validate", "--landing", str(tmp_path / "nope"), "--debug"])


def test_an_unexpected_failure_is_one_line_naming_debug(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import kzeval.validate

    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk on fire\nsecond line")

    monkeypatch.setattr(kzeval.validate, "validate_drop", boom)
    assert main(["validate", "--landing", str(tmp_path)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["kzeval validate: RuntimeError: disk on fire (run again with --debug for the traceback)"]


def test_every_option_has_help_with_its_default() -> None:
    parser = build_parser()
    commands = parser._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    missing = []
    for name, sub in commands.items():
        assert sub.epilog and "examples:" in sub.epilog, name
        for action in sub._actions:
            if action.dest in ("help",) or (not action.option_strings and action.dest != "iin"):
                continue
            text = action.help or ""
            if "default" not in text and "required" not in text:
                missing.append(f"{name} {action.option_strings or action.dest}")
    assert missing == []


def test_bench_fraction_default_is_documented() -> None:
    help_text = build_parser()._subparsers._group_actions[0].choices["bench"].format_help()  # type: ignore[union-attr]
    assert "default: 1.0 = the full national year" in " ".join(help_text.split())


def test_progress_is_plain_lines_when_piped() -> None:
    stream = io.StringIO()
    progress = Progress(stream, interactive=False)

    def event(kind: str, step: str) -> SimpleNamespace:
        return SimpleNamespace(dagster_event=SimpleNamespace(event_type_value=kind, step_key=step))

    progress(event("STEP_START", "landing__appeals"))
    progress(event("STEP_SUCCESS", "landing__appeals"))
    progress(event("STEP_START", "kzeval_dbt_models"))
    progress(event("STEP_FAILURE", "kzeval_dbt_models"))
    lines = stream.getvalue().splitlines()
    assert [line.split(" (")[0] for line in lines] == ["done  landing appeals", "FAILED  dbt models and tests"]
    assert "\x1b" not in stream.getvalue() and "\r" not in stream.getvalue()
    assert (progress.done, progress.failed) == (1, 1)


def test_progress_updates_one_line_on_a_terminal() -> None:
    stream = io.StringIO()
    progress = Progress(stream, interactive=True)
    progress(SimpleNamespace(dagster_event=SimpleNamespace(event_type_value="STEP_START", step_key="scores")))
    assert stream.getvalue() == "\r\x1b[2K… scores"


def test_progress_notes_of_a_step_are_lines_when_piped_and_in_place_on_a_terminal() -> None:
    # what `context.log.info(progress_note(...))` reaches the listener as: no dagster event, the text
    def note(text: str) -> SimpleNamespace:
        return SimpleNamespace(dagster_event=None, user_message=progress_note(text))

    piped = io.StringIO()
    progress = Progress(piped, interactive=False)
    progress(note("overtime 2024-01: recomputed"))
    progress(note("overtime 2024-02: unchanged"))
    progress(SimpleNamespace(dagster_event=None, user_message="overtime 2024: a warning, not a stage"))
    assert piped.getvalue() == "overtime 2024-01: recomputed\novertime 2024-02: unchanged\n"
    terminal = io.StringIO()
    Progress(terminal, interactive=True)(note("overtime 2024-01: recomputed"))
    assert terminal.getvalue() == "\r\x1b[2K… overtime 2024-01: recomputed"


def test_quiet_stdout_sends_dbt_lines_to_the_log_without_colours(tmp_path: Path) -> None:
    log = tmp_path / "logs" / "run.log"
    before = os.environ.get("DBT_USE_COLORS")
    with quiet_stdout(log) as real:
        print("dbt line")
        assert os.environ["DBT_USE_COLORS"] == "false"
        assert real is not sys.stdout
    assert log.read_text(encoding="utf-8") == "dbt line\n"
    assert os.environ.get("DBT_USE_COLORS") == before


def test_pseudonym_prints_only_what_landing_stores(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("KZEVAL_PSEUDONYM_KEY", KEY)
    monkeypatch.delenv("KZEVAL_PSEUDONYM_KEY_FILE", raising=False)
    assert main(["pseudonym", "900101300123"]) == 0
    printed = capsys.readouterr().out
    landed = replace_iin_column(pl.DataFrame({"iin": ["900101300123"]}), KEY.encode())["employee_id"][0]
    assert printed == f"{landed}\n" and "900101300123" not in printed
    monkeypatch.setattr(sys, "stdin", io.StringIO("900101300123\n\n880202400456\n"))
    assert main(["pseudonym"]) == 0
    assert capsys.readouterr().out.splitlines()[0] == landed


def test_pseudonym_needs_the_key(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("KZEVAL_PSEUDONYM_KEY", raising=False)
    monkeypatch.delenv("KZEVAL_PSEUDONYM_KEY_FILE", raising=False)
    code = main(["pseudonym", "900101300123"])
    out = capsys.readouterr()
    assert out.out == ""
    assert code == 2 and "no pseudonym key" in out.err


def test_nothing_below_the_command_line_imports_it() -> None:
    # One dependency direction (issue 20): the library and the Dagster wiring never import kzeval.cli.
    root = Path(__file__).resolve().parents[2]
    assert (root / "kzeval" / "cli").is_dir() and (root / "pipelines").is_dir()
    importers = []
    for path in sorted([*(root / "kzeval").rglob("*.py"), *(root / "pipelines").rglob("*.py")]):
        if (root / "kzeval" / "cli") in path.parents:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            if any(n == "kzeval.cli" or n.startswith("kzeval.cli.") for n in names):
                importers.append(str(path.relative_to(root)))
    assert importers == []
    # every command is a module with register(subparsers) and run(args)
    for command in COMMANDS:
        assert callable(command.register) and callable(command.run), command.__name__
