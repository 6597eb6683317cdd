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
from {{ ref('stg_kzeval__reporting_penalty_facts') }}
