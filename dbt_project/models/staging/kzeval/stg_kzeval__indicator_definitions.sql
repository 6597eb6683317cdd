-- Methodology §10 as written by the pipeline from kzeval.methodology (one row per indicator code).
select
    indicator,
    legal_symbol,
    label_ru,
    block,
    direction,
    "role",
    max_points_cgo,
    max_points_mio,
    is_penalty,
    paragraph,
    confidence,
    formula
from {{ source('core', 'indicator_definitions') }}
