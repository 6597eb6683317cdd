-- Landed `agencies` rows with their source file (for tracing a figure back to a file and row).
select
    agency_id,
    name_ru,
    name_kk,
    body_type,
    parent_agency_id,
    is_assessed,
    region_code,
    "level",
    workday_end,
    _file_path as source_file,
    _row_number as source_row
from {{ source('raw', 'agencies') }}
