-- Landed `internships` rows with their source file (for tracing a figure back to a file and row).
select
    agency_id,
    "year",
    interns_sent,
    interns_received,
    _file_path as source_file,
    _row_number as source_row
from {{ source('raw', 'internships') }}
