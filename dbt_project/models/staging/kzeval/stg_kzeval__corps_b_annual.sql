-- Employee-level rows carry only the keyed pseudonym (seed 000 para. 14: results are confidential).
select
    "year",
    employee_pseudonym,
    agency_id,
    quarters_assessed,
    sheets_assessed,
    annual_score,
    grade,
    grade_label_ru,
    reading,
    edition
from {{ source('core', 'corps_b_annual') }}
