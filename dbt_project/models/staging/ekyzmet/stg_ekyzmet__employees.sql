-- Landed `employees` rows with their source file (for tracing a figure back to a file and row).
select
    agency_id,
    gender,
    corps,
    position_category,
    is_leadership,
    hired_on,
    left_on,
    as_of,  -- the roster's date: a year uses its own newest roster
    employee_id,  -- keyed pseudonym, never an IIN
    _file_path as source_file,
    _row_number as source_row
from {{ source('raw', 'employees') }}
