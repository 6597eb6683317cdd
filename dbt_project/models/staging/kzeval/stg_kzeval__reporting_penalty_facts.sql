select
    "year",
    agency_id,
    block,
    direction,
    kind,
    act_ref,
    facts,
    points_per_fact,
    points
from {{ source('core', 'reporting_penalty_facts') }}
