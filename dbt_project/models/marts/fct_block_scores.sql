select
    "year",
    agency_id,
    block,
    body_type,
    score,
    {{ score_decimal('score_rounded') }} as score_rounded,
    efficiency_tier,
    tier_label_ru,
    rank_in_body_type,
    is_provisional
from {{ ref('stg_kzeval__block_scores') }}
