-- Landed `turnstile_events` rows with their source file (for tracing a figure back to a file and row).
select
    agency_id,
    event_ts,
    direction,
    gate_id,
    employee_id,  -- keyed pseudonym, never an IIN
    _file_path as source_file,
    _row_number as source_row
from {{ source('raw', 'turnstile_events') }}
