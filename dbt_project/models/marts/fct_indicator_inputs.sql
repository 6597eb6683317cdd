-- The named inputs of every figure, one row each, with the input's legal symbol and meaning.
-- Scalar inputs only: nested ones (per-service points, survey respondents) stay in
-- fct_indicator_scores.inputs.
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='year',
    on_schema_change='fail',
    full_refresh=(run_year() is none) or none,
    pre_hook="{{ delete_run_year() }}"
) }}
with inputs as (
    select
        s."year",
        s.agency_id,
        s.indicator,
        j.key as input_name,
        j.type as json_type,
        j.atom
    from {{ ref('stg_kzeval__indicator_scores') }} as s,
        json_each(s.inputs) as j
    where j.type not in ('OBJECT', 'ARRAY') and {{ in_run_year('s."year"') }}
),

definitions as (
    select
        indicator,
        input_name,
        legal_symbol,
        meaning_ru
    from {{ ref('stg_kzeval__indicator_input_definitions') }}
)

select
    i."year",
    i.agency_id,
    i.indicator,
    i.input_name,
    coalesce(own.legal_symbol, generic.legal_symbol) as legal_symbol,
    coalesce(own.meaning_ru, generic.meaning_ru) as meaning_ru,
    case
        when i.json_type in ('UBIGINT', 'BIGINT', 'DOUBLE') then cast(i.atom as double)
        when i.json_type = 'BOOLEAN' then case when cast(i.atom as boolean) then 1.0 else 0.0 end
    end as "value",
    case when i.json_type = 'VARCHAR' then i.atom ->> '$' end as value_text
from inputs as i
left join definitions as own on i.indicator = own.indicator and i.input_name = own.input_name
left join definitions as generic on generic.indicator = '*' and i.input_name = generic.input_name
