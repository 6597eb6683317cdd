-- Block scores recomputed under every option of every reading (kzeval.sensitivity).
select
    "year",
    agency_id,
    block,
    body_type,
    reading,
    option,
    is_baseline,
    score,
    score_rounded,
    efficiency_tier,
    tier_label_ru,
    rank_in_body_type,
    baseline_score,
    baseline_tier,
    baseline_rank,
    delta,
    is_tier_changed,
    computed_at
from {{ source('core', 'reading_sensitivity') }}
