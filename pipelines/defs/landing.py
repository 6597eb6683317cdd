"""One asset per landing table: load new files, quarantine bad rows, block on the contract.

The blocking check re-validates the *collected* landed rows of the table with the
pandera schema (lazy, all failure cases): a failure stops everything downstream.
"""

import dagster as dg
from dagster import AssetExecutionContext

from kzeval.contracts import CONTRACTS
from kzeval.landing.schemas import failure_cases
from kzeval.pipeline import build_agencies, ensure_core_tables, load_landing, read_raw_from_files
from kzeval.warehouse import fetch_one
from pipelines.resources import KzevalResource

LANDING_GROUP_PREFIX = "landing"


def landing_key(table: str) -> dg.AssetKey:
    return dg.AssetKey(["landing", table])


def _landing_asset(table: str) -> dg.AssetsDefinition:
    contract = CONTRACTS[table]
    deps = [] if table == "agencies" else [landing_key("agencies")]

    @dg.asset(
        key=landing_key(table),
        group_name=f"landing_{contract.source}",
        deps=deps,
        description=f"Landed rows of `{table}` (data-contracts.md); rejected rows go to quarantine.rows.",
        check_specs=[
            dg.AssetCheckSpec("pandera_contract", asset=landing_key(table), blocking=True),
            dg.AssetCheckSpec("no_file_held_back", asset=landing_key(table), blocking=False),
        ],
        kinds={"duckdb", "python"},
    )
    def _asset(context: AssetExecutionContext, kzeval: KzevalResource):  # type: ignore[no-untyped-def]
        with kzeval.connect(context) as con:
            ensure_core_tables(con)
            outcomes = load_landing(con, kzeval.landing, kzeval.raw_store, [table], kzeval.hold_back_share)
            # The blocking check validates the collected rows this run landed (each file was also checked
            # row by row before insert); re-validating earlier files' rows every run would only cost time.
            new_files = [o.sha256 for o in outcomes if o.status == "loaded"]
            landed = read_raw_from_files(con, table, new_files)
            total_rows = fetch_one(con, f"SELECT count(*) FROM raw.{table}")
            problems = ""
            if table == "agencies":
                try:
                    build_agencies(con)
                except ValueError as exc:
                    problems = str(exc)
        for outcome in outcomes:
            if outcome.status in ("held_back", "rejected"):
                context.log.warning(outcome.message)
            elif outcome.rows_quarantined:
                context.log.info(f"{outcome.path}: {outcome.rows_quarantined} row(s) quarantined")
        cases = failure_cases(table, landed)
        passed = cases.height == 0 and not problems
        held = [o.path for o in outcomes if o.status in ("held_back", "rejected")]
        yield dg.MaterializeResult(
            metadata={
                "rows": int(str(total_rows[0])) if total_rows else 0,
                "rows_validated_this_run": landed.height,
                "files_loaded": sum(o.status == "loaded" for o in outcomes),
                "files_already_loaded": sum(o.status == "already_loaded" for o in outcomes),
                "rows_quarantined": sum(o.rows_quarantined for o in outcomes),
            }
        )
        yield dg.AssetCheckResult(
            check_name="pandera_contract",
            passed=passed,
            metadata={"failure_cases": cases.height, "problem": problems or "none"},
            description=problems or None,
        )
        yield dg.AssetCheckResult(
            check_name="no_file_held_back",
            passed=not held,
            severity=dg.AssetCheckSeverity.WARN,
            metadata={"held_back": ", ".join(held) or "none"},
        )

    return _asset


landing_assets = [_landing_asset(t) for t in CONTRACTS]
defs = dg.Definitions(assets=landing_assets)
