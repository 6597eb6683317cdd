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
    raw_score,
    reporting_penalty,
    score,
    {{ score_decimal('score_rounded') }} as score_rounded,
    is_provisional
from {{ ref('stg_kzeval__direction_scores') }}
where {{ in_run_year() }}
