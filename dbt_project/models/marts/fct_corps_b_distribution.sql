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
    scope,
    agency_id,
    body_type,
    assessed,
    count_effective,
    count_proper,
    count_satisfactory,
    count_unsatisfactory,
    mean_score,
    share_effective,
    share_unsatisfactory,
    is_implausible,
    implausibility_reason
from {{ ref('stg_kzeval__corps_b_distribution') }}
where {{ in_run_year() }}
