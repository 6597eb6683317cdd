-- Landed `corps_b_evaluations` rows with their source file (for tracing a figure back to a file and row).
select
    agency_id,
    "year",
    quarter,
    sheet,
    p1,
    p2,
    p3,
    p4,
    p5,
    sanction,
    days_in_position,
    worked_days,
    calibrated_score,
    period_end,
    employee_id,  -- keyed pseudonym, never an IIN
    _file_path as source_file,
    _row_number as source_row
from {{ source('raw', 'corps_b_evaluations') }}
