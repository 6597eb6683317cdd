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
    employee_pseudonym,
    agency_id,
    quarters_assessed,
    sheets_assessed,
    annual_score,
    grade,
    grade_label_ru,
    reading,
    edition
from {{ ref('stg_kzeval__corps_b_annual') }}
where {{ in_run_year() }}
