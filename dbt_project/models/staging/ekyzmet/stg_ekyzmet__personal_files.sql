-- Landed `personal_files` rows with their source file (for tracing a figure back to a file and row).
select
    agency_id,
    as_of,
    employees,
    files_complete,
    _file_path as source_file,
    _row_number as source_row
from {{ source('raw', 'personal_files') }}
