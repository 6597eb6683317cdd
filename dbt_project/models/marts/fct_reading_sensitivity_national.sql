-- The national line of the sensitivity analysis: per year, block, reading and option, how many
-- bodies change tier against the published configuration, and the largest score change.
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
group by "year", block, reading, option
