"""The schema registry (kzeval.schema): DDL, frame schemas and dbt sources.yml come from one declaration."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import duckdb
import pandera.polars as pa
import polars as pl
import pytest

from kzeval import lake
from kzeval.contracts import CONTRACTS, CrossTable, ExactlyOne, LessOrEqual, NotBefore, Positive, RequiredIf
from kzeval.landing.schemas import failure_cases
from kzeval.schema import (
    TABLES,
    duckdb_ddl,
    ensure_landing_tables,
    ensure_table,
    migration_ddl,
    pandera_schema,
    polars_schema,
    table,
)
from kzeval.schema.dbt import SOURCES_PATH, main, render_sources
from kzeval.schema.registry import duckdb_columns

MODELS = Path(__file__).resolve().parents[3] / "dbt_project" / "models"


def test_committed_sources_yml_matches_the_registry() -> None:
    assert SOURCES_PATH.read_text(encoding="utf-8") == render_sources(), (
        "dbt_project/models/sources.yml is out of date: run `python -m kzeval.schema.dbt` and commit it"
    )


def test_check_mode_fails_on_a_stale_sources_file(tmp_path: Path) -> None:
    stale = tmp_path / "sources.yml"
    stale.write_text("version: 2\n", encoding="utf-8")
    assert main(["--check", str(stale)]) == 1
    assert main([str(stale)]) == 0 and main(["--check", str(stale)]) == 0


def test_every_source_dbt_reads_is_declared_once_in_the_registry() -> None:
    used = set()
    for path in MODELS.rglob("*.sql"):
        used |= set(re.findall(r"source\(\s*'(\w+)'\s*,\s*'(\w+)'\s*\)", path.read_text(encoding="utf-8")))
    declared = {(t.source_name, t.name) for t in TABLES.values() if t.source_name}
    assert used and used <= declared, sorted(used - declared)
    # no yml beside the generated one declares sources (dbt would see the table twice)
    others = [p for p in MODELS.rglob("*.yml") if p != SOURCES_PATH and re.search(r"^sources:", p.read_text(), re.M)]
    assert others == []


def test_landing_freshness_is_generated_per_table() -> None:
    text = render_sources()
    turnstile = text[text.index("      - name: turnstile_events") : text.index("      - name: overtime_orders")]
    assert "warn_after: {count: 40, period: day}" in turnstile and "error_after: {count: 70, period: day}" in turnstile
    agencies = text[text.index("      - name: agencies") : text.index("      - name: calendar")]
    assert "freshness: null" in agencies
    employees = text[text.index("      - name: employees") : text.index("      - name: dismissals")]
    assert "freshness" not in employees  # inherits the raw source's yearly 400/760 days
    assert "table_name = 'employees' and status = 'loaded' and superseded_by is null" in employees


def test_ddl_is_generated_from_the_declaration() -> None:
    assert duckdb_ddl("core.run_readings") == (
        'CREATE TABLE IF NOT EXISTS core.run_readings ("year" BIGINT, "block" VARCHAR, "readings" VARCHAR)'
    )
    assert duckdb_ddl("core.overtime_months", if_not_exists=False).startswith("CREATE TABLE core.overtime_months (")
    assert migration_ddl("core.source_contributions") == [
        'ALTER TABLE core.source_contributions ADD COLUMN IF NOT EXISTS "rows_superseded" BIGINT DEFAULT 0'
    ]
    raw = duckdb_ddl("raw.calendar")
    assert raw.endswith(
        '("date" DATE, "day_type" VARCHAR, "_file_sha256" VARCHAR, "_file_path" VARCHAR, "_row_number" BIGINT)'
    )
    assert duckdb_ddl("history.calendar").endswith('"_superseded_by" VARCHAR, "_superseded_by_path" VARCHAR)')


def test_every_landing_contract_has_raw_and_history_tables() -> None:
    for name, contract in CONTRACTS.items():
        assert table(f"raw.{name}").column_names[: len(contract.columns)] == contract.column_names
        assert table(f"history.{name}").contract is contract


def test_ensure_table_brings_an_older_warehouse_up_to_date() -> None:
    con = duckdb.connect()
    con.execute("CREATE SCHEMA core")
    con.execute(
        "CREATE TABLE core.source_contributions (table_name VARCHAR, file_path VARCHAR, file_sha256 VARCHAR, "
        "agency_id VARCHAR, year BIGINT, rows_contributing BIGINT)"
    )
    con.execute("INSERT INTO core.source_contributions VALUES ('appeals', 'a.csv', 'ab', 'A1', 2024, 7)")
    ensure_table(con, "core.source_contributions")
    ensure_table(con, "core.source_contributions")  # idempotent
    assert con.execute("SELECT rows_contributing, rows_superseded FROM core.source_contributions").fetchall() == [
        (7, 0)
    ]
    types = con.execute(
        "SELECT column_name, data_type FROM information_schema.columns "
        "WHERE table_name = 'source_contributions' ORDER BY ordinal_position"
    ).fetchall()
    assert [c for c, _ in types] == table("core.source_contributions").column_names
    assert types[-1] == ("rows_superseded", "BIGINT")


def test_polars_schema_in_table_order_with_subsets() -> None:
    schema = polars_schema("core.reporting_penalty_facts", exclude=("year",))
    assert list(schema) == ["agency_id", "block", "direction", "kind", "act_ref", "facts", "points_per_fact", "points"]
    assert schema["facts"] == pl.Int64 and schema["points"] == pl.Float64
    assert polars_schema("core.dispute_results", columns=("recomputed_at", "rank_after")) == {
        "recomputed_at": pl.Datetime("us"),
        "rank_after": pl.Int64,
    }
    with pytest.raises(KeyError, match=r"core\.nope is not in the schema registry"):
        polars_schema("core.nope")


def test_frames_and_warehouse_agree_on_every_type() -> None:
    """A frame built with polars_schema lands in the generated DDL without a cast."""
    con = duckdb.connect()
    for name in ("core.dispute_results", "core.block_scores", "audit.corrections_applied"):
        ensure_table(con, name)
        empty = pl.DataFrame(schema=polars_schema(name))
        con.register("_frame", empty)
        con.execute("CREATE TABLE _probe AS SELECT * FROM _frame").fetchall()
        con.unregister("_frame")
        schema, tname = name.split(".")
        expected = con.execute(
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = ? AND table_name = ? "
            "ORDER BY ordinal_position",
            [schema, tname],
        ).fetchall()
        got = con.execute(
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = '_probe' "
            "ORDER BY ordinal_position"
        ).fetchall()
        assert got == expected, name
        con.execute("DROP TABLE _probe").fetchall()


def test_pandera_schema_of_a_core_table_checks_types() -> None:
    schema = pandera_schema("core.run_readings")
    good = pl.DataFrame({"year": [2024], "block": ["interaction"], "readings": ["{}"]})
    schema.validate(good)
    with pytest.raises(pa.errors.SchemaError):
        schema.validate(good.with_columns(pl.col("year").cast(pl.Utf8)))


def test_typed_rules_keep_their_text() -> None:
    assert LessOrEqual("overdue", "rendered").text == "overdue <= rendered"
    assert NotBefore("due_on", "received_on").text == "due_on >= received_on"
    assert Positive("hours").text == "hours > 0"
    assert RequiredIf("redirect_due_on", "redirected_on").text == "redirect_due_on required when redirected_on is set"
    assert ExactlyOne("points", "not_assessed").text == "exactly one of points, not_assessed"
    rules = CONTRACTS["openness_points"].extra_rules
    assert any(isinstance(r, CrossTable) for r in rules)
    # the cross-table rule has no pandera check (the indicator module checks it): 1 frame check, not 2
    assert len(pandera_schema("raw.openness_points").checks) == 1


def test_typed_rules_report_the_failing_rows() -> None:
    frame = pl.DataFrame(
        {
            "agency_id": ["A", "B", "C"],
            "year": [2024, 2024, 2024],
            **{
                c: [10, 10, 10]
                for c in (
                    "volume_total",
                    "volume_total_automated",
                    "volume_paper_automated",
                    "volume_electronic_mio",
                    "volume_total_mio",
                )
            },
            "volume_electronic": [10, 11, 10],  # row 1 breaks volume_electronic <= volume_total
            "unavailability_hours": [0.0, 0.0, 0.0],
            "proactive_converted": [0, 0, 0],
            "digital_documents": [0, 0, 0],
        }
    )
    cases = failure_cases("service_automation", frame)
    assert cases.select("index", "column", "check").rows() == [
        (1, "volume_electronic", "volume_electronic must not exceed volume_total")
    ]
    appeals = pl.DataFrame(
        {
            "appeal_id": ["1", "2"],
            "agency_id": ["A", "A"],
            "kind": ["complaint", "complaint"],
            "received_on": [dt.date(2024, 1, 10), dt.date(2024, 1, 10)],
            "due_on": [dt.date(2024, 1, 9), dt.date(2024, 2, 1)],  # row 0: due before received
            "redirected_on": [None, dt.date(2024, 1, 12)],  # row 1: redirected without a due date
            "redirect_due_on": [None, None],
        }
    ).with_columns(pl.col("received_on", "due_on", "redirected_on", "redirect_due_on").cast(pl.Date))
    cases = failure_cases("appeals", appeals)
    assert sorted(cases.select("index", "column", "check").rows()) == [
        (0, "due_on", "due_on must not be before received_on"),
        (1, "redirect_due_on", "redirect_due_on is required when redirected_on is set"),
    ]


def test_landing_tables_gain_a_new_optional_contract_column() -> None:
    con = duckdb.connect()
    for schema in ("raw", "audit", "quarantine"):
        con.execute(f"CREATE SCHEMA {schema}")
    con.execute(
        "CREATE TABLE raw.service_register (service_code VARCHAR, agency_id VARCHAR, automation VARCHAR, "
        "in_mobile_app BOOLEAN, excluded_by_commission_on DATE, proactive_since DATE, _file_sha256 VARCHAR, "
        "_file_path VARCHAR, _row_number BIGINT)"
    )
    con.execute("INSERT INTO raw.service_register (service_code, agency_id) VALUES ('S1', 'A1')")
    ensure_landing_tables(con, ["service_register"])
    assert con.execute("SELECT service_code, year FROM raw.service_register").fetchall() == [("S1", None)]
    created = {
        f"{s}.{t}" for s, t in con.execute("SELECT table_schema, table_name FROM information_schema.tables").fetchall()
    }
    assert created == {
        "raw.service_register",
        "history.service_register",
        "audit.load_ledger",
        "audit.file_profile",
        "audit.landed_rows",
        "audit.file_landed_rows",
        "quarantine.rows",
    }


def test_landing_tables_in_a_lake_are_views_with_the_registry_columns(tmp_path: Path) -> None:
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    for schema in ("raw", "audit", "quarantine"):
        con.execute(f"CREATE SCHEMA {schema}")
    lake.configure(con, tmp_path / "lake")
    # the shape of raw.service_register as built before service_register.year existed
    before = [(n, t) for n, t in duckdb_columns("raw.service_register") if n != "year"]
    lake.ensure_table(con, lake.raw_table("service_register"), before)
    ensure_landing_tables(con, ["service_register"])
    kinds = dict(
        con.execute(
            "SELECT table_schema || '.' || table_name, table_type FROM information_schema.tables "
            "WHERE table_name = 'service_register'"
        ).fetchall()
    )
    assert kinds == {"raw.service_register": "VIEW", "history.service_register": "BASE TABLE"}
    described = [(str(r[0]), str(r[1])) for r in con.execute("DESCRIBE raw.service_register").fetchall()]
    assert sorted(described) == sorted(duckdb_columns("raw.service_register"))
    assert ("year", "BIGINT") in described and ("_row_number", "BIGINT") in described
    history = [str(r[0]) for r in con.execute("DESCRIBE history.service_register").fetchall()]
    assert history == table("history.service_register").column_names
    assert history[-2:] == ["_superseded_by", "_superseded_by_path"]
