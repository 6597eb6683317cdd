{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='year',
    on_schema_change='fail',
    full_refresh=(run_year() is none) or none,
    pre_hook="{{ delete_run_year() }}"
) }}
select
    "year",
    agency_id,
    workday_overtime_hours,
    weekend_overtime_hours,
    avg_headcount,
    workdays,
    normal_hours,
    avg_workday_hours,
    avg_weekend_overtime,
    unclosed_days,
    headcount_months,
    headcount_months_missing,
    headcount_divisor
from {{ ref('stg_kzeval__overtime') }}
where {{ in_run_year() }}
