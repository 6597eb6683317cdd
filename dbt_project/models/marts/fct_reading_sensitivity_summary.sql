-- Per body and block: the range of the block score over every option of every reading, the
-- tiers reachable, and whether the tier is robust (the same under every option that scores
-- the block). Options that leave the block unscored (e.g. org.block_combination = none) do
-- not count against robustness.
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='year',
    on_schema_change='fail',
    full_refresh=(run_year() is none) or none,
    pre_hook="{{ delete_run_year() }}"
) }}
with sens as (
    select * from {{ ref('fct_reading_sensitivity') }}
    where {{ in_run_year() }}
),

moving as (
    select
        "year",
        agency_id,
        block,
        string_agg(distinct reading, ', ' order by reading) as readings_moving_tier
    from sens
    where is_tier_changed
    group by "year", agency_id, block
)

select
    s."year",
    s.agency_id,
    s.block,
    any_value(s.body_type) as body_type,
    any_value(s.baseline_score) as baseline_score,
    any_value(s.baseline_tier) as baseline_tier,
    min(s.score) as min_score,
    max(s.score) as max_score,
    string_agg(distinct s.efficiency_tier, ', ' order by s.efficiency_tier) as tiers_reachable,
    count(distinct s.efficiency_tier) as tiers_reachable_count,
    not coalesce(bool_or(s.is_tier_changed), false) as is_robust,
    any_value(m.readings_moving_tier) as readings_moving_tier
from sens as s
left join moving as m
    on s."year" = m."year" and s.agency_id = m.agency_id and s.block = m.block
group by s."year", s.agency_id, s.block
