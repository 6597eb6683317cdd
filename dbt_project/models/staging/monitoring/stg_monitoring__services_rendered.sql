-- Landed `services_rendered` rows with their source file (for tracing a figure back to a file and row).
select
    agency_id,
    service_code,
    "month",
    channel,
    rendered,
    overdue,
    overdue_excluded_outage,
    _file_path as source_file,
    _row_number as source_row
from {{ source('raw', 'services_rendered') }}
