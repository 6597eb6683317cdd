-- National (region_code = 'KZ') and, for MIO, per-region statistics of block scores,
-- with the change of the mean against the previous assessment year.
with scopes as (
    select
        "year",
        block,
        body_type,
        'KZ' as region_code,
        agency_id,
        score_rounded,
        efficiency_tier
    from {{ ref('int_block_scores_with_region') }}
    union all
    select
        "year",
        block,
        body_type,
        region_code,
        agency_id,
        score_rounded,
        efficiency_tier
    from {{ ref('int_block_scores_with_region') }}
    where body_type = 'MIO' and region_code is not null
),

stats as (
    select
        "year",
        block,
        body_type,
        region_code,
        count(*) as agencies,
        -- exact decimal mean: a double sum depends on the order rows are added (byte-identical rebuilds)
        cast(avg(cast(score_rounded as decimal(18, 2))) as double) as mean_score,
        median(score_rounded) as median_score,
        min(score_rounded) as min_score,
        max(score_rounded) as max_score,
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
    round(cur.mean_score, 2) as mean_score,
    round(cur.median_score, 2) as median_score,
    cur.min_score,
    cur.max_score,
    cur.tier_high,
    cur.tier_medium,
    cur.tier_low,
    cur.tier_ineffective,
    round(prev.mean_score, 2) as previous_mean_score,
    round(cur.mean_score - prev.mean_score, 2) as mean_change_vs_previous_year
from stats as cur
left join stats as prev
    on
        cur.block = prev.block
        and cur.body_type = prev.body_type
        and cur.region_code = prev.region_code
        and cur."year" = prev."year" + 1
