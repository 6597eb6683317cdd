select
    "year",
    agency_id,
    block,
    direction,
    raw_score,
    reporting_penalty,
    score,
    score_rounded,
    is_provisional
from {{ ref('stg_kzeval__direction_scores') }}
