select
    "year",
    agency_id,
    workday_overtime_hours,
    weekend_overtime_hours,
    avg_headcount,
    workdays,
    normal_hours,
    avg_workday_hours,
    avg_weekend_overtime,
    unclosed_days
from {{ ref('stg_kzeval__overtime') }}
