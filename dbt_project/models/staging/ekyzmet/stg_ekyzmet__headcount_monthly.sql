-- Landed `headcount_monthly` rows with their source file (for tracing a figure back to a file and row).
select
    agency_id,
    month_end,
    actual_headcount,
    staff_posts,
    _file_path as source_file,
    _row_number as source_row
from {{ source('raw', 'headcount_monthly') }}
