-- Landed `it_report` rows with their source file (for tracing a figure back to a file and row).
select
    agency_id,
    "year",
    systems_registered,
    systems_total,
    smart_city_sum,
    records_current_weighted_pct,
    functions_automated,
    functions_total,
    digital_unit_staff,
    digital_unit_it_educated,
    staff_total,
    staff_ict_certified,
    contracts_amount_kzt,
    contracts_local_content_kzt,
    indicators_total,
    indicators_automatic,
    unused_systems,
    records_total,  -- App. 8 Table 1 «Общее количество записей»
    systems_dsp,  -- systems marked ДСП, left out of the assessment (para. 57)
    _file_path as source_file,
    _row_number as source_row
from {{ source('raw', 'it_report') }}
