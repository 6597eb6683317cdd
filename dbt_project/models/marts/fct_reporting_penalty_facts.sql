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
    kind,
    act_ref,
    facts,
    points_per_fact,
    points
from {{ ref('stg_kzeval__reporting_penalty_facts') }}
where {{ in_run_year() }}
