-- Sensitivity of the block scores to the readings (`kzeval sensitivity`): per year, body, block,
-- reading and option, the score, tier and rank the year would have under that option (every
-- other reading as published), and the change against the published configuration (baseline).
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='year',
    on_schema_change='fail',
    full_refresh=(run_year() is none) or none,
    pre_hook="{{ delete_run_year() }}"
) }}
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
from {{ ref('stg_kzeval__reading_sensitivity') }}
where {{ in_run_year() }}
