"""The embedded sample drop: deterministic, complete, within the contracts, realistic enough to score."""

from __future__ import annotations

import hashlib
import time
from pathlib import Path

import polars as pl
import pytest

from kzeval.agencies import resolve_hierarchy
from kzeval.contracts import CONTRACTS, TableContract
from kzeval.generate.sample import HIGH_LATENESS, INSPECTED, generate_sample
from kzeval.landing.schemas import failure_cases

WRITTEN = sorted(set(CONTRACTS) - {"calendar", "corrections"})

# Appendix 10 maxima per language, typed from methodology.md §2.3 (not imported from the generator).
_P1 = {"1": 2.5, "2": 1.0, "3": 3.0, "4": 2.0, "5": 0.5, "6": 1.0}
_P5 = {str(i): 1.5 for i in range(1, 7)}
OPENNESS_MAX = {
    "CGO": {
        "open_data": _P1,
        "open_budget": {
            **{f"1.{i}": 0.3 for i in range(1, 6)},
            **{str(i): 0.5 for i in range(2, 10)},
            "10": 1.5,
            "11": 2.0,
        },
        "open_legal_acts": {"1": 1.0, "2": 1.0, "3": 1.0, "4": 3.5, "5": 1.5, "6": 1.0},
        "open_dialogue": {"1": 2.5, "2": 1.5, "3": 1.5, "4": 1.5, "5.1": 0.5, "5.2": 0.5, "5.3": 0.5, "5.4": 0.5},
        "open_website": _P5,
        "open_subordinate_penalty": {"9.1": 1.5, "10.1": 0.5, "10.2": 0.5, "10.3": 0.5, "11.1": 0.5, "11.2": 1.0},
    },
    "MIO": {
        "open_data": _P1,
        "open_budget": {"1": 2.0, "2": 2.0, "3": 0.5, "4": 0.5, "5": 0.5, "6": 1.5, "7": 2.0},
        "open_legal_acts": {"1": 2.0, "2": 1.5, "3": 4.0, "4": 1.5},
        "open_dialogue": {"1": 2.5, "2": 1.5, "3": 1.5, "4": 1.5, "5.1": 0.5, "5.2": 0.5, "5.3": 1.0},
        "open_website": _P5,
    },
}


def _typed(contract: TableContract, frame: pl.DataFrame) -> pl.DataFrame:
    """Cast the all-text CSV frame to the contract types strictly (a bad value raises)."""
    exprs = []
    for col in contract.columns:
        c = pl.col(col.name)
        if col.type == "date":
            exprs.append(c.str.to_date("%Y-%m-%d"))
        elif col.type == "timestamp":
            exprs.append(c.str.to_datetime("%Y-%m-%dT%H:%M:%S", time_unit="us"))
        elif col.type == "bool":
            exprs.append(c.replace_strict({"true": True, "false": False}, return_dtype=pl.Boolean))
        elif col.type in ("count", "int"):
            exprs.append(c.cast(pl.Int64, strict=True))
        elif col.type == "decimal":
            exprs.append(c.cast(pl.Float64, strict=True))
        else:
            exprs.append(c)
    return frame.with_columns(exprs)


@pytest.fixture(scope="module")
def drop(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int], float]:
    out = tmp_path_factory.mktemp("sample")
    started = time.process_time()  # CPU time: the shared CI machine's load must not make this flaky
    counts = generate_sample(out, seed=42, year=2024)
    return out, counts, time.process_time() - started


@pytest.fixture(scope="module")
def tables(drop: tuple[Path, dict[str, int], float]) -> dict[str, pl.DataFrame]:
    out = drop[0]
    frames = {}
    for table in WRITTEN:
        files = sorted((out / table).glob("*.csv"))
        raw = pl.concat([pl.read_csv(f, infer_schema=False) for f in files])
        frames[table] = _typed(CONTRACTS[table], raw)
    return frames


def _digest(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(root.rglob("*.csv"))}


def test_same_seed_gives_byte_identical_files(tmp_path: Path, drop: tuple[Path, dict[str, int], float]) -> None:
    again = tmp_path / "again"
    generate_sample(again, seed=42, year=2024)
    assert _digest(again) == _digest(drop[0])


def test_other_seed_changes_the_figures(tmp_path: Path, drop: tuple[Path, dict[str, int], float]) -> None:
    other = tmp_path / "other"
    generate_sample(other, seed=7, year=2024)
    first, second = _digest(drop[0]), _digest(other)
    assert first["agencies/agencies.csv"] == second["agencies/agencies.csv"]  # names do not depend on the seed
    assert first["appeals/appeals_2024.csv"] != second["appeals/appeals_2024.csv"]


def test_generation_is_fast(drop: tuple[Path, dict[str, int], float]) -> None:
    assert drop[2] < 10.0


def test_every_contract_table_is_written_with_contract_columns(drop: tuple[Path, dict[str, int], float]) -> None:
    out, counts, _ = drop
    assert sorted(counts) == WRITTEN
    assert not (out / "calendar").exists()
    assert not (out / "corrections").exists()
    for table in WRITTEN:
        files = sorted((out / table).glob("*.csv"))
        assert files, table
        rows = 0
        for f in files:
            header = f.read_text(encoding="utf-8").split("\n", 1)[0]
            assert header == ",".join(CONTRACTS[table].column_names), f
            rows += pl.read_csv(f, infer_schema=False).height
        assert rows == counts[table] > 0, table


def test_turnstile_is_monthly_and_small(drop: tuple[Path, dict[str, int], float]) -> None:
    out, counts, _ = drop
    names = sorted(p.name for p in (out / "turnstile_events").glob("*.csv"))
    assert names == [f"2024-{m:02d}.csv" for m in range(1, 13)]
    assert 100_000 < counts["turnstile_events"] < 300_000


@pytest.mark.parametrize("table", WRITTEN)
def test_rows_satisfy_the_contract(tables: dict[str, pl.DataFrame], table: str) -> None:
    frame = tables[table]
    failures = failure_cases(table, frame)
    assert failures.height == 0, failures.head(10)
    key = list(CONTRACTS[table].key)
    assert frame.select(key).is_duplicated().sum() == 0, f"{table}: duplicate keys"


def test_hierarchy_resolves_without_cycles(tables: dict[str, pl.DataFrame]) -> None:
    resolved = resolve_hierarchy(tables["agencies"])
    assessed = resolved.filter(pl.col("is_assessed"))
    counts = dict(assessed.group_by("body_type").len().iter_rows())
    assert 8 <= counts["CGO"] <= 12
    assert 8 <= counts["MIO"] <= 12
    assert assessed["parent_agency_id"].null_count() == assessed.height
    units = resolved.filter(~pl.col("is_assessed"))
    assert units["parent_agency_id"].null_count() == 0
    # every sub-unit rolls up to a body of its own type
    assert (resolved["body_type"] == resolved["assessed_body_type"]).all()
    levels = dict(zip(resolved["agency_id"], resolved["level"], strict=True))
    for agency_id, parent in units.select("agency_id", "parent_agency_id").iter_rows():
        if levels[agency_id] == "rural":
            assert levels[parent] == "district"
    mio = resolved.filter(pl.col("body_type") == "MIO")
    assert mio["region_code"].null_count() == 0
    assert set(mio["region_code"]) <= {
        "10", "11", "15", "19", "23", "27", "31", "33", "35", "39", "43", "47", "55", "59", "61", "62", "63",
        "71", "75", "79",
    }  # fmt: skip
    cgo_bodies = resolved.filter(pl.col("is_assessed") & (pl.col("body_type") == "CGO"))
    assert cgo_bodies["region_code"].null_count() == cgo_bodies.height
    assert set(resolved.filter(pl.col("level") == "territorial")["body_type"]) == {"CGO"}


def test_every_agency_id_exists(tables: dict[str, pl.DataFrame]) -> None:
    known = set(tables["agencies"]["agency_id"])
    for table in WRITTEN:
        if table != "agencies":
            assert set(tables[table]["agency_id"]) <= known, table


def test_one_employee_population(tables: dict[str, pl.DataFrame]) -> None:
    roster = tables["employees"].select("employee_id", "agency_id")
    assert roster["employee_id"].is_unique().all()
    assert roster["employee_id"].str.contains(r"^E\d{6}$").all()
    for table in (
        "turnstile_events",
        "overtime_orders",
        "dismissals",
        "training",
        "qualifications",
        "promotions",
        "corps_b_evaluations",
    ):
        pairs = tables[table].select("employee_id", "agency_id").unique()
        assert pairs.join(roster, on=["employee_id", "agency_id"], how="anti").height == 0, table
    assert tables["qualifications"].height == roster.height
    corps_b = set(tables["employees"].filter(pl.col("corps") == "B")["employee_id"])
    assert set(tables["corps_b_evaluations"]["employee_id"]) <= corps_b
    left = tables["employees"].filter(pl.col("left_on").is_not_null()).select("employee_id", "left_on")
    dismissals = tables["dismissals"].select("employee_id", pl.col("dismissed_on").alias("left_on"))
    assert left.sort("employee_id").equals(dismissals.sort("employee_id"))


def test_headcount_has_twelve_month_ends_per_unit(tables: dict[str, pl.DataFrame]) -> None:
    per_unit = tables["headcount_monthly"].group_by("agency_id").agg(pl.col("month_end").n_unique())
    assert per_unit.height == tables["agencies"].height
    assert (per_unit["month_end"] == 12).all()


def test_openness_points_within_appendix_10_maxima(tables: dict[str, pl.DataFrame]) -> None:
    body_type = dict(zip(tables["agencies"]["agency_id"], tables["agencies"]["body_type"], strict=True))
    points = tables["openness_points"]
    rows = points.select("agency_id", "criterion", "item", "points", "not_assessed").iter_rows()
    for agency_id, criterion, item, value, mark in rows:
        maxima = OPENNESS_MAX[body_type[agency_id]]
        assert criterion in maxima, (agency_id, criterion)  # P7 only for CGO
        if mark is not None:  # para. 67: a ДСП budget leaves Table 2 items 8–10 without points
            assert (value, mark, criterion) == (None, "dsp_budget", "open_budget"), (agency_id, item)
            continue
        assert 0 <= value <= maxima[criterion][item], (agency_id, criterion, item, value)
    marked = points.filter(pl.col("not_assessed").is_not_null())
    assert set(marked["agency_id"]) == {"CGO-MCHS"} and sorted(set(marked["item"])) == ["10", "8", "9"]
    scored = points.filter(pl.col("criterion") != "open_subordinate_penalty")  # P7 rows only where penalised
    both = scored.group_by("agency_id", "criterion", "item").agg(pl.col("language").n_unique())
    assert (both["language"] == 2).all()
    penalised = points.filter(pl.col("criterion") == "open_subordinate_penalty")["agency_id"].unique()
    assert 1 <= penalised.len() < sum(1 for t in body_type.values() if t == "CGO")
    media = tables["openness_media"].group_by("agency_id").agg(pl.col("language").sort().str.join(","))
    assert (media["language"] == "kk,ru").all()


def test_services_look_like_monitoring_data(tables: dict[str, pl.DataFrame]) -> None:
    rendered = tables["services_rendered"]
    electronic = rendered.filter(pl.col("channel") == "electronic")["rendered"].sum() / rendered["rendered"].sum()
    assert 0.85 < electronic < 0.98
    assert rendered["overdue_excluded_outage"].sum() > 0
    body = dict(zip(tables["agencies"]["agency_id"], tables["agencies"]["parent_agency_id"], strict=True))

    def top(agency_id: str) -> str:
        while body[agency_id] is not None:
            agency_id = body[agency_id]
        return agency_id

    per_body = (
        rendered.with_columns(pl.col("agency_id").map_elements(top, return_dtype=pl.Utf8).alias("body"))
        .group_by("body")
        .agg((pl.col("overdue").sum() / pl.col("rendered").sum() * 10_000).alias("per_10k"))
    )
    late = dict(per_body.iter_rows())
    assert all(late[b] > 15 for b in HIGH_LATENESS)
    ordinary = [v for b, v in late.items() if b not in HIGH_LATENESS]
    assert sum(v < 10 for v in ordinary) >= len(ordinary) - 2
    satisfaction = tables["service_satisfaction"]["satisfaction_score"]
    assert satisfaction.min() >= 4.0 and satisfaction.max() <= 4.99
    violations = tables["service_violations"]
    inspected = set(violations.filter(pl.col("source") == "inspection")["agency_id"])
    assert inspected == set(INSPECTED)
    register = tables["service_register"]
    assert set(register["automation"]) == {"none", "partial", "full"}
    exclusions = register["excluded_by_commission_on"].drop_nulls()
    assert exclusions.len() >= 2
    assert exclusions.min().year <= 2024 - 3  # one decision older than two years (para. 48: ignored)
    automation_bodies = set(tables["service_automation"]["agency_id"])
    assert automation_bodies and all(a.startswith("CGO-") for a in automation_bodies)
    assert set(register["year"]) == {2024}  # the register of the assessed year (para. 48)
    # para. 50: V's volumes include the CGO's services rendered by akimats, on top of its own units' volumes
    automation = tables["service_automation"]
    assert (automation["volume_total_mio"] > 0).all()
    assert (automation["volume_electronic_mio"] <= automation["volume_total_mio"]).all()
    own = rendered.filter(pl.col("agency_id").is_in(list(automation_bodies)))["rendered"].sum()
    assert automation["volume_total"].sum() - automation["volume_total_mio"].sum() >= own


def test_appeals_cover_every_case_the_indicators_need(tables: dict[str, pl.DataFrame]) -> None:
    appeals = tables["appeals"]
    kinds = set(appeals["kind"])
    assert {"complaint", "application"} < kinds and kinds - {"complaint", "application"}
    in_scope = appeals.filter(pl.col("kind").is_in(["complaint", "application"]))
    late_share = in_scope.filter(pl.col("reviewed_on") > pl.col("due_on")).height / in_scope.height
    assert 0.005 < late_share < 0.03
    redirected = appeals.filter(pl.col("redirected_on").is_not_null())
    assert redirected.height > 0 and redirected["redirect_due_on"].null_count() == 0
    assert redirected.filter(pl.col("redirected_on") > pl.col("redirect_due_on")).height > 0
    assert appeals["court_satisfied_on"].drop_nulls().len() > 0
    late = appeals.filter(
        (pl.col("reviewed_on") > pl.col("due_on")) | (pl.col("redirected_on") > pl.col("redirect_due_on"))
    )
    assert set(late["disciplinary"].drop_nulls()) == {"yes", "no", "impossible"}
    assert late["disciplinary"].null_count() == 0
    assert (appeals["received_on"].dt.year() < 2024).any()  # carried over from the previous year


def test_hr_tables_hold_the_edge_cases(tables: dict[str, pl.DataFrame]) -> None:
    training = tables["training"]
    assert training.filter(pl.col("completed_on") > pl.col("due_by")).height > 0
    assert training["completed_on"].null_count() > 0
    dismissals = tables["dismissals"]
    assert dismissals["exempt_from_interview"].any() and dismissals["negative_reason"].any()
    corps_b = tables["corps_b_evaluations"]
    assert corps_b.group_by("employee_id").len()["len"].max() == 4
    assert set(corps_b["sanction"]) == {"none", "reprimand", "severe"}
    assert corps_b["calibrated_score"].drop_nulls().len() > 0
    # the sample year 2024 is scored by the ranking method (quarters ending before 1 July 2025): four parameters
    assert corps_b["p5"].null_count() == corps_b.height
    assert corps_b["period_end"].null_count() == 0
    short = corps_b.filter((pl.col("days_in_position") < 30) | (pl.col("worked_days") < 15))
    assert short.height > 0
    survey = tables["survey_responses"]
    assert survey["q1"].null_count() > 0 and survey.height > 300
    assert set(tables["hr_strategy"]["strategy_status"]) == {"approved_full", "approved_partial", "none"}
    it = tables["it_report"]
    assert it.filter(pl.col("agency_id").str.starts_with("MIO"))["smart_city_sum"].null_count() == 0
    cgo_it = it.filter(pl.col("agency_id").str.starts_with("CGO"))
    assert cgo_it["smart_city_sum"].null_count() == cgo_it.height
    assert cgo_it["indicators_total"].null_count() == 0
    # weekend work exists, and some of it is ordered (para. 40(2))
    events = tables["turnstile_events"].with_columns(pl.col("event_ts").dt.weekday().alias("dow"))
    assert events.filter(pl.col("dow") >= 6).height > 0
    assert tables["overtime_orders"].height > 0


def test_reporting_penalties_are_a_handful(tables: dict[str, pl.DataFrame]) -> None:
    penalties = tables["reporting_penalties"]
    assert 3 <= penalties.height <= 15
    assert {"unreliable", "incomplete"} <= set(penalties["kind"])
    assert {"services", "openness", "appeals", "hr", "it"} == set(penalties["direction"])
