-- National (region_code = 'KZ') and, for MIO, per-region statistics of block scores,
-- with the change of the mean against the previous assessment year. Means and medians are
-- computed exactly on whole hundredths (BIGINT) and rounded half away from zero to DECIMAL:
-- the same scores give the same figures whatever order they are summed in.
-- Built for a year (dbt per year), it rebuilds that year and the next one, from the year before to the next.
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='year',
    on_schema_change='fail',
    full_refresh=(run_year() is none) or none,
    pre_hook="{{ delete_run_year() }}"
) }}
with scopes as (
    select
        "year",
        block,
        body_type,
        'KZ' as region_code,
        agency_id,
        {{ score_cents('score_rounded') }} as score_cents,
        efficiency_tier
    from {{ ref('int_block_scores_with_region') }}
    where {{ in_run_year(offset_from=-1, offset_to=1) }}
    union all
    select
        "year",
        block,
        body_type,
        region_code,
        agency_id,
        {{ score_cents('score_rounded') }} as score_cents,
        efficiency_tier
    from {{ ref('int_block_scores_with_region') }}
    where body_type = 'MIO' and region_code is not null and {{ in_run_year(offset_from=-1, offset_to=1) }}
),

stats as (
    select
        "year",
        block,
        body_type,
        region_code,
        count(*) as agencies,
        sum(score_cents) as sum_cents,
        -- the median of whole hundredths is a whole or half hundredth: exact in a double
        cast(round(median(score_cents)) as bigint) as median_cents,
        min(score_cents) as min_cents,
        max(score_cents) as max_cents,
        count(*) filter (where efficiency_tier = 'high') as tier_high,
        count(*) filter (where efficiency_tier = 'medium') as tier_medium,
        count(*) filter (where efficiency_tier = 'low') as tier_low,
        count(*) filter (where efficiency_tier = 'ineffective') as tier_ineffective
    from scopes
    group by "year", block, body_type, region_code
)

select
    cur."year",
    cur.block,
    cur.body_type,
    cur.region_code,
    cur.agencies,
    {{ cents_to_decimal(div_round_half_away('cur.sum_cents', 'cur.agencies')) }} as mean_score,
    {{ cents_to_decimal('cur.median_cents') }} as median_score,
    {{ cents_to_decimal('cur.min_cents') }} as min_score,
    {{ cents_to_decimal('cur.max_cents') }} as max_score,
    cur.tier_high,
    cur.tier_medium,
    cur.tier_low,
    cur.tier_ineffective,
    {{ cents_to_decimal(div_round_half_away('prev.sum_cents', 'prev.agencies')) }} as previous_mean_score,
    -- the change of the exact means (sum / count of each year), rounded once
    {{ cents_to_decimal(div_round_half_away(
        'cur.sum_cents * prev.agencies - prev.sum_cents * cur.agencies', 'cur.agencies * prev.agencies'
    )) }} as mean_change_vs_previous_year
from stats as cur
left join stats as prev
    on
        cur.block = prev.block
        and cur.body_type = prev.body_type
        and cur.region_code = prev.region_code
        and cur."year" = prev."year" + 1
-- a year's rows and the next year's (its change against the previous year reads this one)
where {{ in_run_year('cur."year"', offset_from=0, offset_to=1) }}
