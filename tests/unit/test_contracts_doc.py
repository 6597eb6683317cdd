"""docs/landing.md is generated from the contracts in code and must not drift from them (CI)."""

from __future__ import annotations

from kzeval.contracts import CONTRACTS
from kzeval.contracts_doc import DOC_PATH, TABLE_TITLES, main, render_landing_doc


def test_committed_landing_doc_matches_the_contracts() -> None:
    assert DOC_PATH.read_text(encoding="utf-8") == render_landing_doc(), (
        "docs/landing.md is out of date: run `python -m kzeval.contracts_doc` and commit it"
    )


def test_every_table_and_column_is_documented() -> None:
    text = render_landing_doc()
    for name, contract in CONTRACTS.items():
        assert f"### `{name}`" in text
        assert name in TABLE_TITLES or contract.description
        for column in contract.columns:
            assert f"| `{column.name}` |" in text


def test_rules_come_from_the_contract() -> None:
    text = render_landing_doc()
    section = text[text.index("### `overtime_orders`") : text.index("### `headcount_monthly`")]
    assert "| `hours` | number | yes | 0 – 24 |" in section  # min 0, max 24 in kzeval.contracts
    assert "Row rules: `hours > 0`." in section
    assert "pseudonym" in section.split("| `employee_id` |")[1].splitlines()[0]


def test_check_mode_fails_on_a_stale_file(tmp_path) -> None:
    stale = tmp_path / "landing.md"
    stale.write_text("# old\n", encoding="utf-8")
    assert main(["--check", str(stale)]) == 1
    assert main([str(stale)]) == 0 and main(["--check", str(stale)]) == 0
