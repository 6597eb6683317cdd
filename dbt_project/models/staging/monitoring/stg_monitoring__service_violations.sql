-- Landed `service_violations` rows with their source file (for tracing a figure back to a file and row).
select
    agency_id,
    service_code,
    "year",
    source,
    overdue,
    unjustified_refusals,
    incomplete_package,
    extra_documents,
    _file_path as source_file,
    _row_number as source_row
from {{ source('raw', 'service_violations') }}
