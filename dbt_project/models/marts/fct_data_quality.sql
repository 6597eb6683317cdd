-- Data quality per year × landing table × agency (outputs.md): what landed, what was quarantined,
-- which files were held back or rejected. Counts come from the loader's audit tables; only the
-- current version of each file counts (a superseded version's quarantine rows are history).
-- The year of a row is its contract's year column, else the year of its date column; it is null
-- for tables without a period (employees, qualifications, service_register, agencies) and for
-- quarantined rows whose year cell could not be read. A quarantined row's agency is the raw
-- agency_id value as delivered (it may be unknown: that can be why it was quarantined).
-- A table rebuilt by every run, not a per-year mart (dbt per year): a file of one run holds rows of
-- other years (turnstile events of early January, appeals received the year before), so a run
-- changes the counts of years other than its own; the audit tables it reads are small.
with current_files as (
    select distinct
        table_name,
        file_sha256,
        status
    from {{ source('audit', 'load_ledger') }}
    where superseded_by is null
),

landed as (
    select
        table_name,
        "year",
        agency_id,
        rows_loaded,
        0 as rows_quarantined,
        0 as files_held_back,
        0 as rows_held_back,
        0 as files_rejected
    from {{ source('landing_audit', 'landed_rows') }}
),

current_file_keys as (
    select distinct
        table_name,
        file_sha256
    from current_files
),

quarantined_rows as (
    select distinct
        q.table_name,
        q."year",
        q.agency_id,
        q.file_sha256,
        q.row_number
    from {{ source('quarantine', 'rows') }} as q
    inner join current_file_keys as f
        on q.table_name = f.table_name and q.file_sha256 = f.file_sha256
),

quarantined as (
    select
        table_name,
        "year",
        agency_id,
        0 as rows_loaded,
        count(*) as rows_quarantined,
        0 as files_held_back,
        0 as rows_held_back,
        0 as files_rejected
    from quarantined_rows
    group by table_name, "year", agency_id
),

held_back as (
    select
        p.table_name,
        p."year",
        p.agency_id,
        0 as rows_loaded,
        0 as rows_quarantined,
        count(distinct p.file_sha256) as files_held_back,
        sum(p.rows_total) as rows_held_back,
        0 as files_rejected
    from {{ source('landing_audit', 'file_profile') }} as p
    inner join current_files as f
        on p.table_name = f.table_name and p.file_sha256 = f.file_sha256
    where f.status = 'held_back'
    group by p.table_name, p."year", p.agency_id
),

rejected as (
    select
        table_name,
        cast(null as bigint) as "year",
        cast(null as varchar) as agency_id,
        0 as rows_loaded,
        0 as rows_quarantined,
        0 as files_held_back,
        0 as rows_held_back,
        count(*) as files_rejected
    from current_files
    where status = 'rejected'
    group by table_name
),

counts as (
    select * from landed
    union all
    select * from quarantined
    union all
    select * from held_back
    union all
    select * from rejected
),

unit_quality as (
    select
        'turnstile_events' as landing_table,
        "year",
        agency_id,
        unclosed_turnstile_days
    from {{ source('core', 'overtime_unit_quality') }}
),

aggregated as (
    select
        cast("year" as bigint) as "year",
        table_name as landing_table,
        agency_id,
        cast(sum(rows_loaded) as bigint) as rows_loaded,
        cast(sum(rows_quarantined) as bigint) as rows_quarantined,
        cast(sum(files_held_back) as bigint) as files_held_back,
        cast(sum(rows_held_back) as bigint) as rows_held_back,
        cast(sum(files_rejected) as bigint) as files_rejected
    from counts
    group by "year", table_name, agency_id
)

select
    a."year",
    a.landing_table,
    a.agency_id,
    a.rows_loaded,
    a.rows_quarantined,
    a.files_held_back,
    a.rows_held_back,
    a.files_rejected,
    -- per unit, from the overtime engine (kzeval.overtime.unclosed_days_by_unit); turnstile rows only
    case when a.landing_table = 'turnstile_events' then coalesce(u.unclosed_turnstile_days, 0) end
        as unclosed_turnstile_days
from aggregated as a
-- equality on all three keys (the table name as a column) keeps this a hash join: a constant in the
-- join condition made DuckDB compare every row with every unit (≈ 0.7 s at national scale)
left join unit_quality as u
    on
        a.landing_table = u.landing_table
        and a."year" = u."year"
        and a.agency_id = u.agency_id
