select
    agency_id,
    name_ru,
    name_kk,
    body_type,
    parent_agency_id,
    assessed_agency_id,
    is_assessed,
    region_code,
    "level"
from {{ ref('stg_kzeval__agencies') }}
