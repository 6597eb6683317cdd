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
from {{ ref('stg_kzeval__corps_b_annual') }}
