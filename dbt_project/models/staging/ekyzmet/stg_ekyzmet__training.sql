-- Landed `training` rows with their source file (for tracing a figure back to a file and row).
select
    agency_id,
    "kind",
    due_by,
    completed_on,
    employee_id,  -- keyed pseudonym, never an IIN
    _file_path as source_file,
    _row_number as source_row
from {{ source('raw', 'training') }}
