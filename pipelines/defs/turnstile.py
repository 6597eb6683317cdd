"""Turnstile overtime (seed 001 para. 40): monthly per-employee-day results and yearly totals.

``turnstile/overtime_daily`` is partitioned by month for the monthly reloads; the yearly
``core/overtime`` refreshes whatever month is stale (fingerprinted inputs, so an unchanged
month is never recomputed) and totals the year per assessed body (marts.fct_overtime).
"""

import dagster as dg
from dagster import AssetExecutionContext

from kzeval.progress import progress_note
from kzeval.steps import assessment as steps
from pipelines.defs.landing import landing_key
from pipelines.partitions import monthly_partitions, yearly_partitions
from pipelines.resources import KzevalResource

OVERTIME_DAILY_KEY = dg.AssetKey(["turnstile", "overtime_daily"])
OVERTIME_KEY = dg.AssetKey(["core", "overtime"])
TURNSTILE_INPUTS = [landing_key(t) for t in ("agencies", "calendar", "turnstile_events", "overtime_orders")]


@dg.asset(
    key=OVERTIME_DAILY_KEY,
    group_name="turnstile",
    partitions_def=monthly_partitions,
    deps=[*TURNSTILE_INPUTS, landing_key("headcount_monthly")],
    description="Per employee and day of one month: presence, workday and weekend overtime, unclosed days.",
    kinds={"duckdb"},
)
def overtime_daily(context: AssetExecutionContext, kzeval: KzevalResource) -> dg.MaterializeResult:
    run = kzeval.run_context(context)
    month = [run.month] if run.month is not None else None
    with kzeval.connect(context) as con:
        result = steps.overtime_year(con, run, months=month)
    return dg.MaterializeResult(
        metadata={"recomputed": bool(result.months_recomputed), "message": result.message or "ok"}
    )


@dg.asset(
    key=OVERTIME_KEY,
    group_name="turnstile",
    partitions_def=yearly_partitions,
    # corrections: the commission may correct turnstile events and overtime orders (kzeval.steps.overtime);
    # the monthly reload reads the corrections the last yearly run landed
    deps=[*TURNSTILE_INPUTS, landing_key("headcount_monthly"), landing_key("corrections")],
    description="m, p, n, d, b, a, s and unclosed days per assessed body (published as marts.fct_overtime).",
    kinds={"duckdb"},
)
def overtime_by_body(context: AssetExecutionContext, kzeval: KzevalResource) -> dg.MaterializeResult:
    run = kzeval.run_context(context)
    year = run.assessment_year

    def month_done(month: int, recomputed: bool) -> None:  # `kzeval run` shows it as a progress line
        context.log.info(progress_note(f"overtime {year}-{month:02d}: {'recomputed' if recomputed else 'unchanged'}"))

    with kzeval.connect(context) as con:
        result = steps.overtime_year(con, run, on_month=month_done)
    if result.message:
        context.log.warning(f"overtime {year}: {result.message}")
    if result.headcount_incomplete:
        context.log.warning(
            f"overtime {year}: fewer than 12 month-end headcounts (n, a, s provisional): "
            + ", ".join(f"{a} ({m} months)" for a, m in sorted(result.headcount_incomplete.items()))
        )
    return dg.MaterializeResult(
        metadata={
            "bodies": result.fct.height,
            "months_recomputed": ", ".join(map(str, result.months_recomputed)) or "none",
            "months_unchanged": ", ".join(map(str, result.months_unchanged)) or "none",
            "headcount_incomplete": ", ".join(sorted(result.headcount_incomplete)) or "none",
            "message": result.message or "ok",
        }
    )


defs = dg.Definitions(assets=[overtime_daily, overtime_by_body])
