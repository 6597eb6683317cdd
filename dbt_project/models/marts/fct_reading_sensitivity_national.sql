-- The national line of the sensitivity analysis: per year, block, reading and option, how many
-- bodies change tier against the published configuration, and the largest score change.
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
    block,
    reading,
    option,
    bool_or(is_baseline) as is_baseline,
    count(*) as bodies,
    count(score) as bodies_scored,
    count(*) filter (where is_tier_changed) as bodies_changing_tier,
    max(abs(delta)) as max_abs_delta
from {{ ref('fct_reading_sensitivity') }}
where {{ in_run_year() }}
group by "year", block, reading, option
