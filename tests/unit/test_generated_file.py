"""The write-or-check helper behind ``python -m kzeval.contracts_doc`` and ``python -m kzeval.schema.dbt``."""

from __future__ import annotations

from pathlib import Path

import pytest

from kzeval import contracts_doc
from kzeval.generated_file import write_or_check
from kzeval.schema import dbt as schema_dbt


def test_writes_the_rendered_text_to_the_given_path(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "out.md"
    assert write_or_check(lambda: "новый текст\n", tmp_path / "unused.md", "kzeval.x", [str(target)]) == 0
    assert target.read_text(encoding="utf-8") == "новый текст\n"
    assert not (tmp_path / "unused.md").exists()
    assert f"written {target}" in capsys.readouterr().out


def test_check_fails_on_a_stale_or_missing_file_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stale = tmp_path / "stale.md"
    stale.write_text("old\n", encoding="utf-8")
    assert write_or_check(lambda: "new\n", stale, "kzeval.x", ["--check"]) == 1
    assert stale.read_text(encoding="utf-8") == "old\n"
    assert "run python -m kzeval.x" in capsys.readouterr().err
    missing = tmp_path / "missing.md"
    assert write_or_check(lambda: "new\n", missing, "kzeval.x", ["--check"]) == 1
    assert not missing.exists()


def test_check_passes_when_current(tmp_path: Path) -> None:
    current = tmp_path / "current.md"
    current.write_text("same\n", encoding="utf-8")
    assert write_or_check(lambda: "same\n", current, "kzeval.x", ["--check"]) == 0


def test_the_shipped_generated_files_are_current() -> None:
    assert contracts_doc.main(["--check"]) == 0
    assert schema_dbt.main(["--check"]) == 0
