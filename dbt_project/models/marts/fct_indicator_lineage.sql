-- Where each figure comes from: for every indicator row of a body and year, the landing
-- files (by SHA-256) whose rows of that body and year fed it, and how many commission
-- corrections were applied to the body's rows of that table. The indicator → table map and
-- the per-file row counts are written by kzeval (kzeval.explain, via pipeline.landing_frames).
-- A file whose rows of the body and year a newer extract superseded is listed with
-- rows_superseded (those rows do not count in the figure).
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='year',
    on_schema_change='fail',
    full_refresh=(run_year() is none) or none,
    pre_hook="{{ delete_run_year() }}"
) }}
with scores as (
    select
        "year",
        agency_id,
        block,
        direction,
        indicator
    from {{ ref('stg_kzeval__indicator_scores') }}
    where {{ in_run_year() }}
),

indicator_sources as (
    select
        indicator,
        source_table
    from {{ source('core', 'indicator_sources') }}
),

contributions as (
    select
        table_name,
        file_path,
        file_sha256,
        agency_id,
        "year",
        rows_contributing,
        rows_superseded
    from {{ source('core', 'source_contributions') }}
),

ledger as (
    select
        table_name,
        file_sha256,
        max(loaded_at) as loaded_at
    from {{ source('audit', 'load_ledger') }}
    where status = 'loaded'
    group by table_name, file_sha256
),

corrections as (
    select
        "year",
        assessed_agency_id as agency_id,
        table_name,
        count(*) as corrections_applied
    from {{ source('audit', 'corrections_applied') }}
    group by "year", assessed_agency_id, table_name
)

select
    s."year",
    s.agency_id,
    s.block,
    s.direction,
    s.indicator,
    m.source_table,
    c.file_path,
    c.file_sha256,
    cast(coalesce(sum(c.rows_contributing), 0) as bigint) as rows_contributing,
    cast(coalesce(sum(c.rows_superseded), 0) as bigint) as rows_superseded,
    max(l.loaded_at) as loaded_at,
    cast(coalesce(max(k.corrections_applied), 0) as bigint) as corrections_applied
from scores as s
inner join indicator_sources as m on s.indicator = m.indicator
inner join contributions as c
    on
        m.source_table = c.table_name
        and s.agency_id = c.agency_id
        and (s."year" = c."year" or c."year" is null)
left join ledger as l on c.table_name = l.table_name and c.file_sha256 = l.file_sha256
left join corrections as k
    on s."year" = k."year" and s.agency_id = k.agency_id and m.source_table = k.table_name
group by s."year", s.agency_id, s.block, s.direction, s.indicator, m.source_table, c.file_path, c.file_sha256
