-- Landed `calendar` rows with their source file (for tracing a figure back to a file and row).
select
    "date",
    day_type,
    _file_path as source_file,
    _row_number as source_row
from {{ source('raw', 'calendar') }}
