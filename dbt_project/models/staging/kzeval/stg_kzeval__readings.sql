-- The catalogue of named readings of the code that ran last (kzeval.readings_catalogue).
select
    reading_key,
    block,
    edition,
    paragraph,
    confidence,
    question,
    legal_text,
    option,
    option_order,
    option_description,
    is_default,
    default_option
from {{ source('core', 'readings') }}
