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
from {{ ref('stg_kzeval__indicator_scores') }}
