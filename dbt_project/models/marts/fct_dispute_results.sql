-- «Таблица разногласий» (seed 004, Appendix 14): before/after of every indicator, direction
-- and block of a body whose objections a special commission decided, one set of rows per
-- `kzeval recompute`. Written by kzeval.recompute; published here unchanged.
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='year',
    on_schema_change='fail',
    full_refresh=(run_year() is none) or none,
    pre_hook="{{ delete_run_year() }}"
) }}
select
    recompute_id,
    "year",
    agency_id,
    level,
    block,
    direction,
    item,
    item_label_ru,
    value_before,
    value_after,
    value_change,
    rounded_before,
    rounded_after,
    tier_before,
    tier_after,
    tier_label_before,
    tier_label_after,
    rank_before,
    rank_after,
    is_changed,
    correction_ids,
    decision_refs,
    recomputed_at,
    recomputed_by
from {{ source('core', 'dispute_results') }}
where {{ in_run_year() }}
