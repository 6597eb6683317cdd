-- Landed `service_satisfaction` rows with their source file (for tracing a figure back to a file and row).
select
    agency_id,
    service_code,
    "year",
    satisfaction_score,
    respondents,
    _file_path as source_file,
    _row_number as source_row
from {{ source('raw', 'service_satisfaction') }}
