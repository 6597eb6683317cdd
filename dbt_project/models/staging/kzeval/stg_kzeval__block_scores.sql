select
    "year",
    agency_id,
    block,
    body_type,
    score,
    score_rounded,
    efficiency_tier,
    tier_label_ru,
    rank_in_body_type,
    is_provisional
from {{ source('core', 'block_scores') }}
