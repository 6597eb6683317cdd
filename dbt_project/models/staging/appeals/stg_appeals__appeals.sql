-- Landed `appeals` rows with their source file (for tracing a figure back to a file and row).
select
    appeal_id,
    agency_id,
    "kind",
    received_on,
    due_on,
    reviewed_on,
    redirected_on,
    redirect_due_on,
    court_satisfied_on,
    disciplinary,
    _file_path as source_file,
    _row_number as source_row
from {{ source('raw', 'appeals') }}
