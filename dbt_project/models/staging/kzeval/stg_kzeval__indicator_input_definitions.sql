-- Meaning of the named inputs stored with each figure (indicator '*' holds the generic names).
select
    indicator,
    input_name,
    legal_symbol,
    meaning_ru
from {{ source('core', 'indicator_input_definitions') }}
