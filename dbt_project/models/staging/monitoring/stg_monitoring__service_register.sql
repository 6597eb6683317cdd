-- Landed `service_register` rows with their source file (for tracing a figure back to a file and row).
select
    service_code,
    agency_id,
    automation,
    in_mobile_app,
    excluded_by_commission_on,
    proactive_since,
    "year",
    _file_path as source_file,
    _row_number as source_row
from {{ source('raw', 'service_register') }}
