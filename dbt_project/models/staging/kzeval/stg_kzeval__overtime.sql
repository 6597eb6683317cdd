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
    unclosed_days,
    headcount_months,
    headcount_months_missing,
    headcount_divisor
from {{ source('core', 'overtime') }}
