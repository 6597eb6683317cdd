-- Block scores with the body's region, the grain the national rollup groups on.
select
    b."year",
    b.block,
    b.body_type,
    b.agency_id,
    a.region_code,
    b.score_rounded,
    b.efficiency_tier
from {{ ref('stg_kzeval__block_scores') }} as b
inner join {{ ref('stg_kzeval__agencies') }} as a on b.agency_id = a.agency_id
