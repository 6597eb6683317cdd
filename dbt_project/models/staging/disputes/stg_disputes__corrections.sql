-- Landed `corrections` rows with their source file (for tracing a figure back to a file and row).
select
    correction_id,
    agency_id,
    "year",
    "table",
    "key",
    "column",
    new_value,
    decided_on,
    decision_ref,
    note,
    _file_path as source_file,
    _row_number as source_row
from {{ source('raw', 'corrections') }}
