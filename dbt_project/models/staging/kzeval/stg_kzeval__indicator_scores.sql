select
    "year",
    agency_id,
    block,
    direction,
    indicator,
    role,
    value,
    max_points,
    reading,
    is_provisional,
    inputs
from {{ source('core', 'indicator_scores') }}
