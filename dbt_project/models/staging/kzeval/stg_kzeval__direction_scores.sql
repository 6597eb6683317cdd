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
from {{ source('core', 'direction_scores') }}
