-- Agencies with the assessed body each unit rolls up to (resolved in kzeval.agencies).
select
    agency_id,
    name_ru,
    name_kk,
    body_type,
    parent_agency_id,
    is_assessed,
    region_code,
    "level",
    workday_end,
    assessed_agency_id
from {{ source('core', 'agencies') }}
