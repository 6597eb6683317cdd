-- Landed `hr_strategy` rows with their source file (for tracing a figure back to a file and row).
select
    agency_id,
    "year",
    strategy_status,
    execution_pct,
    _file_path as source_file,
    _row_number as source_row
from {{ source('raw', 'hr_strategy') }}
