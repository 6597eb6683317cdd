-- Landed `service_complaints` rows with their source file (for tracing a figure back to a file and row).
select
    agency_id,
    "year",
    justified_complaints,
    _file_path as source_file,
    _row_number as source_row
from {{ source('raw', 'service_complaints') }}
