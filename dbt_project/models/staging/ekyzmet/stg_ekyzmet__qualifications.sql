-- Landed `qualifications` rows with their source file (for tracing a figure back to a file and row).
select
    agency_id,
    candidate_of_science,
    doctor_of_science,
    phd,
    academy_graduate,
    bolashak,
    nu_graduate,
    foreign_education,
    aspirant,
    youth_reserve,
    masters_kz,
    as_of,  -- same rule as employees.as_of
    employee_id,  -- keyed pseudonym, never an IIN
    _file_path as source_file,
    _row_number as source_row
from {{ source('raw', 'qualifications') }}
