"""Keyed pseudonyms for IINs: stable per key, different across keys, IIN never kept, malformed IIN flagged."""

from __future__ import annotations

import hashlib
import hmac
from pathlib import Path

import polars as pl
import pytest

from kzeval.pseudonym import (
    KEY_ENV,
    KEY_FILE_ENV,
    PseudonymError,
    PseudonymKeyError,
    demo_key,
    iin_is_valid,
    load_pseudonym_key,
    pseudonymise,
    replace_iin_column,
)

KEY_1 = b"test-key-one-0123456789abcdef"
KEY_2 = b"test-key-two-0123456789abcdef"
IIN_A = "850101300123"
IIN_B = "012345678901"  # born 2001: leading zero must survive


def expected(iin: str, key: bytes) -> str:
    # the definition: "p_" + first 16 hex digits of HMAC-SHA256(key, IIN as UTF-8)
    return "p_" + hmac.new(key, iin.encode(), hashlib.sha256).hexdigest()[:16]


def landing(iins: list[str | None]) -> pl.DataFrame:
    n = len(iins)
    return pl.DataFrame(
        {
            "iin": iins,
            "agency_id": ["A"] * n,
            "full_name": ["Иванов Иван Иванович"] * n,
            "FIO": ["Иванов И. И."] * n,
            "year": [2025] * n,
        },
        schema_overrides={"iin": pl.Utf8},
    )


def test_pseudonym_definition_and_format() -> None:
    out = pseudonymise(pl.Series("iin", [IIN_A, IIN_B]), KEY_1).to_list()
    assert out == [expected(IIN_A, KEY_1), expected(IIN_B, KEY_1)]
    assert all(p is not None and p.startswith("p_") and len(p) == 18 for p in out)


def test_same_key_same_pseudonym_different_key_different() -> None:
    first = pseudonymise(pl.Series([IIN_A, IIN_A, IIN_B]), KEY_1).to_list()
    again = pseudonymise(pl.Series([IIN_B, IIN_A]), KEY_1).to_list()
    other = pseudonymise(pl.Series([IIN_A, IIN_B]), KEY_2).to_list()
    assert first[0] == first[1] == again[1]
    assert first[2] == again[0]
    assert first[0] != first[2]
    assert other[0] != first[0]
    assert other[1] != first[2]


def test_nulls_stay_null_and_expression_matches_series() -> None:
    series = pl.Series("iin", [IIN_A, None, IIN_B])
    via_series = pseudonymise(series, KEY_1)
    via_expr = series.to_frame().select(pseudonymise(pl.col("iin"), KEY_1)).to_series()
    assert via_series.to_list() == via_expr.to_list()
    assert via_series.to_list()[1] is None


def test_empty_key_rejected() -> None:
    with pytest.raises(PseudonymKeyError):
        pseudonymise(pl.Series([IIN_A]), b"")


def test_replace_iin_column_never_keeps_the_iin_or_names() -> None:
    frame = landing([IIN_A, IIN_B, IIN_A])
    out = replace_iin_column(frame, KEY_1)
    assert out.columns == ["employee_id", "agency_id", "year", "iin_error"]
    assert out.get_column("employee_id").to_list() == [
        expected(IIN_A, KEY_1),
        expected(IIN_B, KEY_1),
        expected(IIN_A, KEY_1),
    ]
    assert out.get_column("iin_error").null_count() == 3
    text = str(out.rows())
    for secret in (IIN_A, IIN_B, "Иванов"):
        assert secret not in text


def test_replace_matches_pseudonymise_and_trims_blanks() -> None:
    out = replace_iin_column(landing([f" {IIN_B} ", IIN_B]), KEY_1)
    assert out.get_column("employee_id").to_list() == [expected(IIN_B, KEY_1)] * 2
    assert out.get_column("employee_id").to_list()[1] == pseudonymise(pl.Series([IIN_B]), KEY_1)[0]


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        ("85010130012", "iin: expected 12 digits, got 11 characters (11 digits)"),
        ("8501013001234", "iin: expected 12 digits, got 13 characters (13 digits)"),
        ("85010130012X", "iin: expected 12 digits, got 12 characters (11 digits)"),
        ("+85010130012", "iin: expected 12 digits, got 12 characters (11 digits)"),
        ("8501 0130 0123", "iin: expected 12 digits, got 14 characters (12 digits)"),
        ("", "iin: missing"),
        (None, "iin: missing"),
    ],
)
def test_malformed_iin_is_a_row_level_error(bad: str | None, reason: str) -> None:
    out = replace_iin_column(landing([IIN_A, bad]), KEY_1)
    assert out.height == 2
    good, wrong = out.rows(named=True)
    assert good["employee_id"] == expected(IIN_A, KEY_1)
    assert good["iin_error"] is None
    assert wrong["employee_id"] is None
    assert wrong["iin_error"] == reason
    if bad:
        assert bad.strip() not in str(out.rows())


def test_iin_read_as_number_is_malformed_not_guessed() -> None:
    # 012345678901 read as an integer lost its leading zero: 11 digits → error, no pseudonym
    frame = pl.DataFrame({"iin": [12345678901, 850101300123], "agency_id": ["A", "A"]})
    out = replace_iin_column(frame, KEY_1)
    assert out.get_column("employee_id").to_list() == [None, expected(IIN_A, KEY_1)]
    assert out.get_column("iin_error").to_list()[0] == "iin: expected 12 digits, got 11 characters (11 digits)"


def test_iin_is_valid_expression() -> None:
    frame = pl.DataFrame({"iin": [IIN_A, "123", None, f" {IIN_B}"]})
    assert frame.select(iin_is_valid()).to_series().to_list() == [True, False, False, True]


def test_frame_without_iin_only_loses_names() -> None:
    frame = pl.DataFrame({"employee_id": ["p_1"], "surname": ["Иванов"], "Name": ["Иван"], "agency_id": ["A"]})
    out = replace_iin_column(frame, KEY_1)
    assert out.columns == ["employee_id", "agency_id"]
    assert out.get_column("employee_id").to_list() == ["p_1"]


def test_both_iin_and_employee_id_is_ambiguous() -> None:
    frame = pl.DataFrame({"employee_id": ["p_1"], "iin": [IIN_A]})
    with pytest.raises(PseudonymError, match="both"):
        replace_iin_column(frame, KEY_1)


def test_key_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(KEY_FILE_ENV, raising=False)
    monkeypatch.setenv(KEY_ENV, KEY_1.decode())
    assert load_pseudonym_key() == KEY_1


def test_key_from_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    path = tmp_path / "pseudonym.key"
    path.write_bytes(KEY_2 + b"\n")
    monkeypatch.delenv(KEY_ENV, raising=False)
    monkeypatch.setenv(KEY_FILE_ENV, str(path))
    assert load_pseudonym_key() == KEY_2


@pytest.mark.parametrize(
    ("value", "path", "message"),
    [
        (None, None, "no pseudonym key"),
        ("x" * 20, "/some/file", "only one"),
        ("short", None, "shorter than 16"),
        (None, "/nonexistent/kzeval.key", "cannot read"),
        (demo_key().decode(), None, "demo key"),
    ],
)
def test_key_errors(monkeypatch: pytest.MonkeyPatch, value: str | None, path: str | None, message: str) -> None:
    for name, setting in ((KEY_ENV, value), (KEY_FILE_ENV, path)):
        if setting is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, setting)
    with pytest.raises(PseudonymKeyError, match=message):
        load_pseudonym_key()


def test_demo_key_is_explicit_and_usable() -> None:
    assert b"NOT-SECRET" in demo_key()
    assert pseudonymise(pl.Series([IIN_A]), demo_key())[0] == expected(IIN_A, demo_key())
