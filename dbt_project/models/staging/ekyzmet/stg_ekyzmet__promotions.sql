-- Landed `promotions` rows with their source file (for tracing a figure back to a file and row).
select
    agency_id,
    appointed_on,
    from_within_system,
    is_entry_level,
    employee_id,  -- keyed pseudonym, never an IIN
    _file_path as source_file,
    _row_number as source_row
from {{ source('raw', 'promotions') }}
