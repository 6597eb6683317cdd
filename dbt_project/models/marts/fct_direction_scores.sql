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
