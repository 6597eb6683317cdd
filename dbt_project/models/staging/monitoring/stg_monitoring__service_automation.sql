-- Landed `service_automation` rows with their source file (for tracing a figure back to a file and row).
select
    agency_id,
    "year",
    volume_electronic,
    volume_total,
    volume_paper_automated,
    volume_total_automated,
    unavailability_hours,
    proactive_converted,
    digital_documents,
    volume_electronic_mio,
    volume_total_mio,
    _file_path as source_file,
    _row_number as source_row
from {{ source('raw', 'service_automation') }}
