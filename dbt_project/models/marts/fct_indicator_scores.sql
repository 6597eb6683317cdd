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
    block,
    direction,
    indicator,
    role,
    value,
    -- a penalty's deduction as a positive number, whatever sign convention its value uses
    case when max_points < 0 then abs(value) end as points_lost,
    max_points,
    reading,
    is_provisional,
    inputs
from {{ ref('stg_kzeval__indicator_scores') }}
where {{ in_run_year() }}
