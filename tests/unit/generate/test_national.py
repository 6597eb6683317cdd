"""The national-scale drop at a tiny fraction: deterministic, complete, within the contracts, hierarchy intact."""

from __future__ import annotations

import hashlib
from collections import Counter
from pathlib import Path

import polars as pl
import pytest

from kzeval.agencies import assessed_bodies, resolve_hierarchy
from kzeval.contracts import CONTRACTS
from kzeval.generate.national import build_national_units, generate_national
from kzeval.landing.schemas import POLARS_TYPES, failure_cases

FRACTION = 0.002
WRITTEN = sorted(set(CONTRACTS) - {"calendar", "corrections"})  # kzeval ships calendars; corrections are decisions


def _hashes(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def drops(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, dict[str, int]]]:
    out = {}
    for name, seed in (("a", 7), ("b", 7), ("other", 8)):
        root = tmp_path_factory.mktemp(f"national_{name}")
        out[name] = (root, generate_national(root, seed=seed, year=2024, fraction=FRACTION))
    return out


@pytest.fixture(scope="module")
def drop(drops: dict[str, tuple[Path, dict[str, int]]]) -> Path:
    return drops["a"][0]


def _read(drop: Path, table: str) -> pl.DataFrame:
    return pl.read_parquet(drop / table / "*.parquet")


def test_same_seed_gives_identical_files(drops: dict[str, tuple[Path, dict[str, int]]]) -> None:
    first, second = _hashes(drops["a"][0]), _hashes(drops["b"][0])
    assert first == second
    assert drops["a"][1] == drops["b"][1]


def test_another_seed_gives_other_data(drops: dict[str, tuple[Path, dict[str, int]]]) -> None:
    first, other = _hashes(drops["a"][0]), _hashes(drops["other"][0])
    assert first["appeals/appeals_2024.parquet"] != other["appeals/appeals_2024.parquet"]
    assert first["turnstile_events/2024-03.parquet"] != other["turnstile_events/2024-03.parquet"]


def test_every_table_is_written_in_the_contract_layout(drop: Path) -> None:
    tables = sorted(p.name for p in drop.iterdir() if p.is_dir())
    assert tables == WRITTEN
    # one file per table, monthly files for the turnstile tables
    assert sorted(p.name for p in (drop / "turnstile_events").iterdir()) == [
        f"2024-{m:02d}.parquet" for m in range(1, 13)
    ]
    assert sorted(p.name for p in (drop / "overtime_orders").iterdir()) == [
        f"2024-{m:02d}.parquet" for m in range(1, 13)
    ]
    assert [p.name for p in (drop / "appeals").iterdir()] == ["appeals_2024.parquet"]


@pytest.mark.parametrize("table", WRITTEN)
def test_columns_and_types_follow_the_contract(drop: Path, table: str) -> None:
    frame = _read(drop, table)
    contract = CONTRACTS[table]
    assert frame.columns == contract.column_names
    for column in contract.columns:
        expected = POLARS_TYPES[column.type]
        assert frame.schema[column.name] == expected, (table, column.name)
    assert frame.height > 0
    # the pandera contract checks (choices, ranges, cross-field rules) find nothing
    assert failure_cases(table, frame).height == 0
    # the key is unique
    assert frame.select(contract.key).is_duplicated().sum() == 0


def test_hierarchy_resolves_with_32_cgo_and_20_mio_bodies(drop: Path) -> None:
    agencies = _read(drop, "agencies")
    resolved = resolve_hierarchy(agencies)
    bodies = assessed_bodies(resolved)
    assert Counter(bodies["body_type"].to_list()) == {"CGO": 32, "MIO": 20}
    assert resolved["assessed_agency_id"].null_count() == 0
    # a unit rolls up to a body of its own type
    assert (resolved["body_type"] == resolved["assessed_body_type"]).all()
    # sub-units exist at every level even at this fraction
    assert set(agencies["level"].to_list()) >= {"central", "territorial", "oblast", "city", "district", "rural"}


def test_every_agency_id_of_every_table_is_a_known_unit(drop: Path) -> None:
    known = set(_read(drop, "agencies")["agency_id"].to_list())
    for table in WRITTEN:
        if CONTRACTS[table].agency_column:
            used = set(_read(drop, table)["agency_id"].unique().to_list())
            assert used <= known, table


def test_employees_are_one_population(drop: Path) -> None:
    roster = set(_read(drop, "employees")["employee_id"].to_list())
    for table in ("turnstile_events", "overtime_orders", "corps_b_evaluations", "training", "dismissals"):
        assert set(_read(drop, table)["employee_id"].unique().to_list()) <= roster, table


def test_plausibility_of_services_and_appeals(drop: Path) -> None:
    services = _read(drop, "services_rendered")
    electronic = services.filter(pl.col("channel") == "electronic")["rendered"].sum() / services["rendered"].sum()
    assert 0.90 <= electronic <= 0.98  # scale.md: ≈ 94 % electronic
    satisfaction = _read(drop, "service_satisfaction")["satisfaction_score"]
    assert satisfaction.min() >= 4.5 and satisfaction.max() <= 5.0  # published range 4.49–5.00
    appeals = _read(drop, "appeals").filter(pl.col("reviewed_on").is_not_null())
    late = (appeals["reviewed_on"] > appeals["due_on"]).mean()
    assert late is not None and 0.005 <= float(late) <= 0.05  # default overdue share 2 %


def test_rows_scale_with_the_fraction(drops: dict[str, tuple[Path, dict[str, int]]]) -> None:
    counts = drops["a"][1]
    # scale.md at fraction 1.0 → ×0.002: 75M events ≈ 150k, 3.5M appeals = 7,000, 3M services rows ≈ 6k
    assert 100_000 <= counts["turnstile_events"] <= 600_000
    assert counts["appeals"] == pytest.approx(7_000, rel=0.01)
    assert 3_000 <= counts["services_rendered"] <= 20_000
    assert max(n for t, n in counts.items() if t not in ("turnstile_events", "services_rendered", "appeals")) < 10_000


def test_full_hierarchy_has_the_published_shape() -> None:
    units = build_national_units(seed=1, fraction=1.0)
    kinds = Counter(u.level for u in units)
    assert 6_500 <= len(units) <= 7_300  # scale.md: ≈ 6,900 units
    assert len({u.agency_id for u in units}) == len(units)
    assert sum(1 for u in units if u.is_assessed and u.body_type == "CGO") == 32
    assert sum(1 for u in units if u.is_assessed and u.body_type == "MIO") == 20
    assert 2_200 <= kinds["rural"] <= 2_500  # 2,352 rural and town akimats
    assert 1_400 <= kinds["territorial"] <= 1_600  # ≈ 1,500 territorial units of CGOs
    # the fraction keeps every assessed body and closes the hierarchy upwards
    small = build_national_units(seed=1, fraction=0.01)
    ids = {u.agency_id for u in small}
    assert all(u.parent_agency_id is None or u.parent_agency_id in ids for u in small)
    assert sum(1 for u in small if u.is_assessed) == 52


def test_defence_and_foreign_affairs_are_not_assessed_on_their_noted_items(drop: Path) -> None:
    # para. 67 (secret budget), Table 6 note * (MoD, item 4) and note ** (MoD and MFA, items 5.1–5.4)
    marked = _read(drop, "openness_points").filter(pl.col("not_assessed").is_not_null())
    assert marked["points"].null_count() == marked.height
    found = {(r["agency_id"], r["criterion"], r["item"], r["not_assessed"]) for r in marked.iter_rows(named=True)}
    meetings = {(b, "open_dialogue", i, "mod_mfa") for b in ("CGO-MO", "CGO-MID") for i in ("5.1", "5.2", "5.3", "5.4")}
    budget = {("CGO-MO", "open_budget", i, "secret_budget") for i in ("3", "8", "9", "10", "11")}
    assert found == meetings | budget | {("CGO-MO", "open_dialogue", "4", "mod_excluded")}
    assert marked.height == 2 * len(found)  # both languages
