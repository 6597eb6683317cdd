-- Landed `reporting_penalties` rows with their source file (for tracing a figure back to a file and row).
select
    agency_id,
    "year",
    direction,
    "kind",
    facts,
    act_ref,
    _file_path as source_file,
    _row_number as source_row
from {{ source('raw', 'reporting_penalties') }}
