"""One asset per landing table: load new files, quarantine bad rows, block on the contract.

The loader validates each file's *collected* rows with the pandera schema (lazy, all failure
cases) before anything is inserted. The blocking check re-validates parsed rows as landed and
reconciles landed row counts per file: a failure stops everything downstream.
"""

import dagster as dg
from dagster import AssetExecutionContext

from kzeval.contracts import CONTRACTS
from kzeval.landing.schemas import failure_cases
from kzeval.landing.store import raw_row_count
from kzeval.pseudonym import PseudonymKeyError
from kzeval.steps.core import (
    build_agencies,
    ensure_core_tables,
    landed_count_mismatches,
    load_landing,
    read_raw_from_files,
)
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
        run = kzeval.run_context(context)
        with kzeval.connect(context) as con:
            ensure_core_tables(con)
            try:
                outcomes = load_landing(con, run.landing, run.raw_store, [table], run.hold_back_share, run.rehash)
            except PseudonymKeyError as exc:  # one clear line (runs started by `kzeval run` check this first)
                raise dg.Failure(description=f"{table}: {exc}") from None
            # Every file's collected rows were validated with pandera before insert. The blocking check
            # re-validates, as landed, the rows that went through parsing and casting; rows DuckDB copied
            # from a typed Parquet file are the validated frame itself, so for those it reconciles counts.
            # Earlier runs' files are not re-validated: that would only cost time.
            loaded = [o for o in outcomes if o.status == "loaded"]
            landed = read_raw_from_files(con, table, [o.sha256 for o in loaded if not o.copied_from_parquet])
            mismatched = landed_count_mismatches(con, table, loaded)
            total_rows = raw_row_count(con, table)
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
        if mismatched:
            problems = "; ".join([problems, *mismatched]) if problems else "; ".join(mismatched)
        passed = cases.height == 0 and not problems
        held = [o.path for o in outcomes if o.status in ("held_back", "rejected")]
        yield dg.MaterializeResult(
            metadata={
                "rows": total_rows,
                "rows_validated_this_run": sum(o.rows_total for o in loaded),
                "rows_revalidated_as_landed": landed.height,
                "files_copied_from_parquet": sum(o.copied_from_parquet for o in loaded),
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
