-- Landed `openness_points` rows with their source file (for tracing a figure back to a file and row).
select
    agency_id,
    "year",
    criterion,
    item,
    language,
    points,
    not_assessed,
    _file_path as source_file,
    _row_number as source_row
from {{ source('raw', 'openness_points') }}
